#!/bin/bash
# Build a guest kernel from the generated tree.
#
#   scripts/build.sh FLAVOUR [make targets...]
#
# FLAVOUR is one of
#   guest        configs/guest.config: the kernel of make build, demo, benches
#   test         guest + kunit + debug (lockdep, PREEMPT, DEBUG_PAGEALLOC, ...)
#   kasan        guest + kunit + kasan (generic KASAN, KASAN_VMALLOC)
#   test-series  the test config in its own object dir, for check-series
#   km           a uniprocessor config (percpu-km), built object by object
#   base         the unpatched base (a git worktree of the tree's 'base' tag,
#                build/linux-base) with the guest config: what benches compare
#                "no cost" claims against.  Options the base does not define
#                (the series' own) are left out.
# Extra fragments can be added with EXTRA_FRAGMENTS="file ...".
#
# The config is allnoconfig + the fragments (KCONFIG_ALLCONFIG), then
# olddefconfig; every option the fragments ask for must survive, or the build
# fails naming it.  With ALLOW_UNKNOWN=1 an option whose symbol the tree does
# not define yet (a later patch adds it) only warns: check-series uses that.
#
# Output (stable paths, for the QEMU runner and other tools):
#   build/kbuild-FLAVOUR/            out-of-tree object dir (incremental)
#   build/images/FLAVOUR/bzImage     the kernel to boot
#   build/images/FLAVOUR/vmlinux     with symbols, for gdb/addr2line
#   build/images/FLAVOUR/config      its .config
. "$(dirname "$0")/lib.sh"

flavour=${1:?usage: build.sh guest|test [targets]}
shift || true
case $flavour in
guest) frags=("$TOP/configs/guest.config") ;;
test|test-series) frags=("$TOP/configs/guest.config" "$TOP/configs/kunit.config"
		"$TOP/configs/debug.config") ;;
kasan) frags=("$TOP/configs/guest.config" "$TOP/configs/kunit.config"
		"$TOP/configs/kasan.config") ;;
km) frags=("$TOP/configs/km.config") ;;
base) frags=("$TOP/configs/guest.config") ;;
*) die "unknown flavour '$flavour' (guest, test, kasan, test-series, km or base)" ;;
esac
src=$TREE
# shellcheck disable=SC2206
frags+=(${EXTRA_FRAGMENTS:-})

[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"
out=$BUILD/kbuild-$flavour
img=$IMAGES/$flavour
tree_id=$(state_get TREE_ID)
if [ "$flavour" = base ]; then
	src=$BUILD/linux-base
	want=$(git_tree rev-parse base)
	if [ "$(git -C "$src" rev-parse HEAD 2>/dev/null)" != "$want" ]; then
		msg "base: checking out the unpatched base in $src"
		rm -rf "$src"
		git_tree worktree prune
		git_tree worktree add -q --detach "$src" base
	fi
	tree_id=base-$want
	ALLOW_UNKNOWN=1
fi
if [ -f "$out/tree-id" ] && [ "$(cat "$out/tree-id")" != "$tree_id" ]; then
	msg "$out was built from an earlier kernel tree: starting it afresh"
	rm -rf "$out"
fi
mkdir -p "$out" "$img" "$CCACHE_DIR"
echo "$tree_id" > "$out/tree-id"

kmake() {
	make -s -C "$src" O="$out" ARCH=x86_64 -j"$JOBS" \
		CC="ccache gcc" HOSTCC="ccache gcc" \
		KBUILD_BUILD_TIMESTAMP="$BASE_DATE" KBUILD_BUILD_USER=mm-series \
		KBUILD_BUILD_HOST=qemu "$@"
}

# Regenerate the config every time: allnoconfig + fragments is cheap, picks
# up symbols that a patch adds, and kbuild only rebuilds what a changed
# option touches.
cat "${frags[@]}" > "$out/fragments.config"
kmake KCONFIG_ALLCONFIG="$out/fragments.config" allnoconfig >/dev/null

# Every requested option must have survived.
bad=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=*) sym=${line%%=*}; want=$line ;;
	"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; want=$line ;;
	*) continue ;;
	esac
	have=$(grep -E "^($sym=|# $sym is not set)" "$out/.config" || true)
	[ "$have" = "$want" ] && continue
	if [ "$want" = "# $sym is not set" ] && [ -z "$have" ]; then continue; fi
	if [ "${ALLOW_UNKNOWN:-0}" = 1 ] &&
	   ! grep -rqsE "^[[:space:]]*(menu)?config ${sym#CONFIG_}\$" --include='Kconfig*' \
		"$src/arch/x86" "$src/mm" "$src/kernel" "$src/init" "$src/lib" \
		"$src/drivers" "$src/net"; then
		echo "note: $sym is not defined in this tree (yet); skipped" >&2
		continue
	fi
	echo "config: asked for '$want', got '${have:-<absent>}'" >&2
	bad=1
done < "$out/fragments.config"
[ $bad -eq 0 ] || die "requested config options did not survive olddefconfig (see above)"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(bzImage)
msg "building $flavour: ${targets[*]}"
start=$(date +%s)
kmake "${targets[@]}"
msg "built $flavour in $(( $(date +%s) - start ))s"

if [ -f "$out/arch/x86/boot/bzImage" ]; then
	cp "$out/arch/x86/boot/bzImage" "$out/vmlinux" "$out/System.map" "$img/" 2>/dev/null || true
	cp "$out/.config" "$img/config"
fi
exit 0
