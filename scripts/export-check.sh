#!/bin/bash
# make export-check: exit non-zero when the kernel tree and patches/ differ in
# either direction (unexported commits or changes in the tree; patches/ newer
# than the tree).  Exact: it regenerates the export in a temp dir and compares
# byte for byte.  Cheap: one git format-patch, no build.
. "$(dirname "$0")/lib.sh"

if [ ! -d "$TREE/.git" ]; then
	echo "export-check: no kernel tree ($TREE), nothing unexported"
	exit 0
fi
rc=0
if tree_generating || tree_busy; then
	echo "export-check: the tree is a half-applied series (an interrupted or failed 'make tree',"
	echo "or a git am/rebase in progress): it is not patches/; see 'make tree'"
	exit 1
fi
if tree_dirty; then
	echo "export-check: uncommitted changes in the kernel tree:"
	git_tree status --short | head -n 20 | sed 's/^/    /'
	rc=1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
format_series "$tmp"
for f in "$tmp"/*; do
	b=$(basename "$f")
	if [ ! -f "$TOP/patches/$b" ]; then
		echo "export-check: patches/$b is missing (tree has it: run 'make export')"
		rc=1
	elif ! cmp -s "$f" "$TOP/patches/$b"; then
		echo "export-check: patches/$b differs from the tree:"
		diff -u "$TOP/patches/$b" "$f" | sed -n '3,12p' | sed 's/^/    /'
		rc=1
	fi
done
for f in "$TOP"/patches/*.patch "$TOP"/patches/series; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	if [ ! -e "$tmp/$b" ]; then
		echo "export-check: patches/$b is not in the tree (run 'make tree' or drop it)"
		rc=1
	fi
done
[ $rc -eq 0 ] && echo "export-check: tree and patches/ agree ($(series_patches | wc -l) patches)"
exit $rc
