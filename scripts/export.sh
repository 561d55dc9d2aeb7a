#!/bin/bash
# make export: regenerate patches/ (format-patch files, cover letter, series)
# from the kernel tree's commits base..HEAD.
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"
tree_busy && die "a git am, rebase or cherry-pick is in progress in the kernel tree: finish it
first (exporting now would drop the patches it has not applied yet)."
if [ "${FORCE:-0}" != 1 ]; then
	case $(state_get GENERATING) in
	1) die "the kernel tree is a half-applied series ('make tree' was interrupted):
exporting it would drop patches.  Run 'make tree' to finish it." ;;
	failed:*) die "the last 'make tree' stopped at $(state_get GENERATING | cut -d: -f2-), which did not
apply: exporting the tree would drop it and the patches after it.  Finish the
series in the tree by hand, then FORCE=1 make export." ;;
	esac
	[ "$(state_get INPUTS)" = "$(inputs_hash)" ] || die "patches/ changed since the tree was generated or exported (a pull?):
exporting the tree would overwrite those changes.  Run 'make tree' (it says
what to do with work in the tree), or FORCE=1 make export to overwrite them."
fi
tree_dirty && die "the kernel tree has uncommitted changes; commit them first:
$(git_tree status --short | head -n 10)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
format_series "$tmp"

# Replace patches/ wholesale, so dropped or renamed patches disappear; the new
# files are complete in $tmp before anything is removed.
mkdir -p "$TOP/patches"
find "$TOP/patches" -maxdepth 1 -type f \( -name '*.patch' -o -name series \) -delete
cp "$tmp"/* "$TOP/patches/"
state_set "INPUTS=$(inputs_hash)" "HEAD=$(git_tree rev-parse HEAD)" \
	"EXPORTED=$(tree_patches_hash)" "GENERATING=0"
msg "exported $(series_patches | wc -l) patches to patches/ ($(git -C "$TOP" status --porcelain patches | wc -l) files changed)"
