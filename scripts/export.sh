#!/bin/bash
# make export: regenerate patches/ (format-patch files, cover letter, series)
# from the kernel tree's commits base..HEAD.
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"
tree_generating && die "the kernel tree is a half-applied series (an interrupted 'make tree'):
exporting it would drop patches.  Run 'make tree' to finish it."
tree_dirty && die "the kernel tree has uncommitted changes; commit them first:
$(git_tree status --short | head -n 10)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
format_series "$tmp"

# Replace patches/ wholesale, so dropped or renamed patches disappear.
find "$TOP/patches" -maxdepth 1 -type f \( -name '*.patch' -o -name series \) -delete
mv "$tmp/series" "$tmp/series.new"
cp "$tmp"/*.patch "$TOP/patches/"
cp "$tmp/series.new" "$TOP/patches/series"
state_set "INPUTS=$(inputs_hash)" "HEAD=$(git_tree rev-parse HEAD)" \
	"EXPORTED=$(tree_patches_hash)"
msg "exported $(series_patches | wc -l) patches to patches/ ($(git -C "$TOP" status --porcelain patches | wc -l) files changed)"
