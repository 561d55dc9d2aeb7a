#!/bin/bash
# Build the test initramfs: busybox-static (+ bash-static), guest/init, the
# project's guest tests (guest/tests/*.t scripts and guest/src/*.c, linked
# statically) and the kselftests of guest/selftests.list from the tree,
# packed with the tree's own gen_init_cpio (no root needed).
#
# Output: build/initramfs.cpio.gz (rebuilt only when an input changed).
. "$(dirname "$0")/lib.sh"

out=$BUILD/initramfs.cpio.gz
work=$BUILD/initramfs
[ -x /bin/busybox ] && ! readelf -l /bin/busybox | grep -q INTERP ||
	die "/bin/busybox is missing or not static: install busybox-static (make deps)"
mkdir -p "$work/bin" "$CACHE"

# gen_init_cpio: a small host tool from the tree.
gic=$work/gen_init_cpio
if [ ! -x "$gic" ] || [ "$TREE/usr/gen_init_cpio.c" -nt "$gic" ]; then
	gcc -O2 -o "$gic" "$TREE/usr/gen_init_cpio.c"
fi

# Guest C programs: static, one per file, rebuilt when the source changes.
for src in "$TOP"/guest/src/*.c; do
	[ -e "$src" ] || continue
	bin=$work/bin/$(basename "$src" .c)
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
		gcc -static -O2 -Wall -Werror -o "$bin" "$src"
	fi
done

# kselftests (guest/selftests.list), from the tree being tested, laid out
# as kselftest's install does: /kselftest/DIR/NAME, with the KTAP helpers
# in /kselftest/kselftest/.  C sources are linked statically (no selftest
# build system, no headers install); scripts are copied.
ksft=$TREE/tools/testing/selftests
kdir=$work/kselftest
mkdir -p "$kdir/kselftest"
cp -p "$ksft/kselftest/ktap_helpers.sh" "$kdir/kselftest/"
while read -r src extra; do
	case $src in ''|'#'*) continue ;; esac
	[ -e "$ksft/$src" ] || die "no $ksft/$src (guest/selftests.list)"
	mkdir -p "$kdir/$(dirname "$src")"
	case $src in
	*.c)
		bin=$kdir/${src%.c}
		if [ ! -x "$bin" ] || [ "$ksft/$src" -nt "$bin" ]; then
			(cd "$ksft/$(dirname "$src")" &&
			 gcc -static -O2 -I"$ksft" -o "$bin" "$(basename "$src")" $extra) ||
				die "could not build selftest $src"
		fi ;;
	*)
		cp -p "$ksft/$src" "$kdir/$src" ;;
	esac
done < "$TOP/guest/selftests.list"

list=$work/list
{
	echo "dir /bin 755 0 0"
	echo "dir /sbin 755 0 0"
	echo "dir /dev 755 0 0"
	echo "nod /dev/console 600 0 0 c 5 1"
	echo "nod /dev/null 666 0 0 c 1 3"
	for d in proc sys tmp tests etc root mnt kselftest; do echo "dir /$d 755 0 0"; done
	echo "file /init $TOP/guest/init 755 0 0"
	echo "file /bin/busybox $(readlink -f /bin/busybox) 755 0 0"
	[ -x /bin/bash-static ] && echo "file /bin/bash-static /bin/bash-static 755 0 0"
	echo "file /tests/lib.sh $TOP/guest/lib.sh 644 0 0"
	for t in "$TOP"/guest/tests/*.t; do
		[ -e "$t" ] && echo "file /tests/$(basename "$t") $t 755 0 0"
	done
	for b in "$work"/bin/*; do
		[ -e "$b" ] && echo "file /bin/$(basename "$b") $b 755 0 0"
	done
	# cyclictest (Debian's rt-tests, a dynamic binary) and the libraries
	# it links, for bench/padata-latency; left out if not installed
	if [ -x /usr/bin/cyclictest ]; then
		echo "file /bin/cyclictest /usr/bin/cyclictest 755 0 0"
		libs=$({ ldd /usr/bin/cyclictest || true; } | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
		for l in $libs; do dirname "$l"; done | sort -u | awk -F/ '{
			p = ""; for (i = 2; i <= NF; i++) { p = p "/" $i; if (!(p in seen)) { seen[p] = 1; print "dir " p " 755 0 0" } } }'
		for l in $libs; do echo "file $l $(readlink -f "$l") 755 0 0"; done
	fi
	(cd "$kdir" && find . -type d | sort | sed -n 's|^\./\(.*\)|dir /kselftest/\1 755 0 0|p'
	 find . -type f | sort | sed "s|^\./\(.*\)|file /kselftest/\1 $kdir/\1 755 0 0|")
} > "$list.new"

# Rebuild when the list or any file it names is newer than the archive.
stale=1
if [ -f "$out" ] && cmp -s "$list.new" "$list"; then
	stale=0
	for f in $(awk '$1 == "file" {print $3}' "$list.new"); do
		[ "$f" -nt "$out" ] && stale=1 && break
	done
fi
mv "$list.new" "$list"
if [ $stale = 1 ]; then
	"$gic" "$list" | gzip -1 > "$out.tmp"
	mv "$out.tmp" "$out"
	msg "initramfs: $out ($(du -h "$out" | cut -f1))"
fi
