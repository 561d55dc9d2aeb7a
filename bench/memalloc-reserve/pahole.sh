#!/bin/bash
# struct sk_buff and struct sock with and without the series, on Debian's
# distribution config (linux-image-6.1.0-57-amd64: SKB_EXTENSIONS,
# NF_CONNTRACK, NET_SCHED, IPv6, NETWORK_SECMARK all on), made current with
# olddefconfig; the series adds CONFIG_NET_MEMALLOC_RESERVE=y.  Only
# net/core/skbuff.o and net/core/sock.o are built (with DWARF), in
# build/pahole-{base,series}; pahole reads the layouts from them.
#
# usage: bench/memalloc-reserve/pahole.sh [OUT]   (needs make tree, apt, dwarves)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib.sh"
out=${1:-$TOP/build/bench/memalloc-reserve/pahole.txt}
pkg=linux-image-6.1.0-57-amd64
dl=$BUILD/pahole-deb
command -v pahole > /dev/null || apt-get install -y dwarves > /dev/null
mkdir -p "$dl" "$(dirname "$out")"
if [ ! -f "$dl/boot/config-6.1.0-57-amd64" ]; then
	(cd "$dl" && apt-get download "$pkg" > /dev/null)
	dpkg-deb --fsys-tarfile "$dl"/"$pkg"_*.deb | tar -x -C "$dl" ./boot/
fi
cfg=$dl/boot/config-6.1.0-57-amd64
[ -d "$BUILD/linux-base" ] ||
	git -C "$BUILD/linux" worktree add -q --detach "$BUILD/linux-base" base
{
	echo "# $(date -u +%F) pahole $(pahole --version); config: $pkg ($(grep -o '^# Linux/x86 [^ ]*' "$cfg"))"
	for t in base series; do
		src=$BUILD/linux; [ $t = base ] && src=$BUILD/linux-base
		o=$BUILD/pahole-$t
		mkdir -p "$o"
		cp "$cfg" "$o/.config"
		"$src/scripts/config" --file "$o/.config" --set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS "" -d DEBUG_INFO_BTF -d MODULE_SIG_ALL \
			-e DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT
		[ $t = series ] && "$src/scripts/config" --file "$o/.config" \
			-e MEMALLOC_RESERVE -e NET_MEMALLOC_RESERVE
		make -s -C "$src" O="$o" olddefconfig > /dev/null 2>&1
		make -s -C "$src" O="$o" -j"$(nproc)" net/core/skbuff.o net/core/sock.o > /dev/null
		echo "## $t: $(grep -E '^CONFIG_(SKB_EXTENSIONS|NF_CONNTRACK|NET_SCHED|IPV6|NETWORK_SECMARK|NET_MEMALLOC_RESERVE)=' "$o/.config" | tr '\n' ' ')"
		pahole -C sk_buff "$o/net/core/skbuff.o"
		pahole -C sock "$o/net/core/sock.o" | grep -E 'size:|sum members|sk_memalloc_reserve'
	done
} > "$out"
grep -E '^## |size:|memalloc|XXX 4 bytes' "$out"
