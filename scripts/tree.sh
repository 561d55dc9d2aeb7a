#!/bin/bash
# make tree: the kernel git tree in $TREE = pinned base + patches/ (git am).
#
# - First run: unpack the base tarball, commit it once with a fixed author and
#   date (so the base commit id is reproducible), tag it 'base', apply the series.
# - Tree already matches patches/: nothing to do (one hash, ~1 s).
# - The tree is ahead of patches/ (uncommitted edits, commits not exported)
#   and patches/ has not changed since: keep it, say so in one line, and let
#   the caller build and test it as it is.  This is the edit -> build -> try
#   loop; `make export` turns the work into patches, and make test's
#   export-check stays red until it does.
# - patches/ changed (git pull, rebase) and the tree is clean at what it was
#   generated from: reset to 'base' and re-apply.  Only files the patches
#   touch get new mtimes, so the next build is incremental.
# - patches/ changed AND the tree holds unexported work: refuse (regenerating
#   would lose the work; exporting would drop the new patches).  FORCE=1
#   regenerates anyway.
# - Generation is recorded as in progress until the last patch applied: an
#   interrupted run (Ctrl-C during git am) is detected and redone, and
#   `make export` refuses to export a half-applied series.
. "$(dirname "$0")/lib.sh"

apply_series() {
	local p n=0
	state_set "GENERATING=1"
	git_tree am --abort >/dev/null 2>&1 || true
	git_tree reset -q --hard base
	git_tree clean -q -fdx
	for p in $(series_patches); do
		[ -f "$TOP/patches/$p" ] || die "patches/series lists $p, which does not exist"
		if ! GIT_COMMITTER_NAME="$SERIES_NAME" GIT_COMMITTER_EMAIL="$SERIES_EMAIL" \
			git_tree am -q --committer-date-is-author-date "$TOP/patches/$p"; then
			git_tree am --abort || true
			state_set "GENERATING=failed:$p" "HEAD=$(git_tree rev-parse HEAD)"
			die "patches/$p does not apply to the base $(state_get BASE_USED).
The tree holds the base and the $n patches before it.  If the base moved (see
base.conf): apply the rest by hand in the tree (git am -3, fix, continue),
then FORCE=1 make export.  FORCE=1 make tree starts over."
		fi
		# git am drops what is below '---': put the notes back.
		notes=$(python3 "$TOP/scripts/series.py" notes "$TOP/patches/$p")
		if [ -n "$notes" ]; then
			printf '%s\n' "$notes" | git_tree notes add -f -F - HEAD
		fi
		n=$((n + 1))
	done
	state_set "INPUTS=$(inputs_hash)" "HEAD=$(git_tree rev-parse HEAD)" \
		"EXPORTED=$(tree_patches_hash)" "GENERATING=0"
	msg "tree: $n patches applied onto $(state_get BASE_USED) in $TREE"
}

unpack_base() {
	local info ver sum path tmp
	info=$("$TOP/scripts/fetch-base.sh")
	read -r ver sum path <<<"$info"
	msg "unpacking $BASE_PACKAGE $ver"
	rm -rf "$TREE" "$TREE.tmp"
	tmp=$TREE.tmp
	mkdir -p "$tmp"
	tar -xf "$path" -C "$tmp" --strip-components=1
	git -C "$tmp" init -q -b base-tree
	git -C "$tmp" config core.abbrev 12
	# Keep git fast on the big tree; nothing else is configured on purpose.
	git -C "$tmp" config feature.manyFiles true
	# Notes (checkpatch waivers) follow their commits through amend/rebase.
	git -C "$tmp" config notes.rewriteRef refs/notes/commits
	git -C "$tmp" add -A -f .
	GIT_AUTHOR_DATE="$BASE_DATE" GIT_COMMITTER_DATE="$BASE_DATE" \
	GIT_AUTHOR_NAME="$SERIES_NAME" GIT_AUTHOR_EMAIL="$SERIES_EMAIL" \
	GIT_COMMITTER_NAME="$SERIES_NAME" GIT_COMMITTER_EMAIL="$SERIES_EMAIL" \
		git -C "$tmp" commit -q -m "Debian $BASE_PACKAGE $ver" \
			-m "$BASE_PACKAGE.tar.xz sha256 $sum, unpacked as is."
	git -C "$tmp" tag base
	git -C "$tmp" checkout -q -b series
	mv "$tmp" "$TREE"
	# A new tree instance: object dirs built from an earlier one may hold
	# objects newer than the (old, tarball-dated) sources; build.sh sees the
	# new id and starts those dirs afresh (ccache keeps that cheap).
	state_set "BASE_USED=$ver" "BASE_SHA_USED=$sum" "TREE_ID=$(date +%s)-$$"
}

if [ -d "$TREE/.git" ] && git_tree rev-parse -q --verify base >/dev/null; then
	# Notes (checkpatch waivers) follow their commits through amend/rebase.
	git_tree config notes.rewriteRef refs/notes/commits
	gen=$(state_get GENERATING)
	if [ "${FORCE:-0}" = 1 ]; then
		msg "tree: FORCE=1, regenerating from patches/"
	elif [ "$gen" = 1 ]; then
		warn "an earlier 'make tree' was interrupted while applying patches/: applying them again"
	elif [ "${gen#failed:}" != "$gen" ]; then
		die "the last 'make tree' stopped at ${gen#failed:}, which did not apply; the tree
holds what applied before it$([ "$(state_get HEAD)" = "$(git_tree rev-parse HEAD)" ] ||
			echo ", and commits made since").  Finish the series in the tree and
FORCE=1 make export, or FORCE=1 make tree to start over."
	elif tree_busy; then
		die "a git am, rebase or cherry-pick is in progress in the kernel tree:
finish it (--continue / --abort) first."
	else
		inputs_same=0 head_same=0 dirty=0
		[ "$(state_get INPUTS)" = "$(inputs_hash)" ] && inputs_same=1
		[ "$(state_get HEAD)" = "$(git_tree rev-parse HEAD)" ] && head_same=1
		tree_dirty && dirty=1
		if [ $inputs_same = 1 ] && [ $head_same = 1 ] && [ $dirty = 0 ]; then
			if [ "$(tree_patches_hash)" = "$(state_get EXPORTED)" ]; then
				msg "tree: up to date ($TREE)"
			else
				msg "testing unexported work: notes changed"
			fi
			exit 0
		fi
		if [ $inputs_same = 1 ]; then
			# patches/ unchanged: the tree is ahead of it.
			msg "testing unexported work: $(tree_ahead)"
			exit 0
		fi
		# notes edited since the export (a checkpatch waiver) are work too
		[ $head_same = 1 ] && [ $dirty = 0 ] &&
			[ "$(tree_patches_hash)" != "$(state_get EXPORTED)" ] && dirty=1
		if [ $head_same = 0 ] || [ $dirty = 1 ]; then
			# Both moved; the tree may still be exactly patches/ (exported
			# from another checkout): check before refusing.
			if [ $dirty = 0 ] && "$TOP/scripts/export-check.sh" >/dev/null 2>&1; then
				state_set "INPUTS=$(inputs_hash)" "HEAD=$(git_tree rev-parse HEAD)" \
					"EXPORTED=$(tree_patches_hash)"
				msg "tree: up to date ($TREE)"
				exit 0
			fi
			die "patches/ changed since the tree was generated, and the tree holds
unexported work ($(tree_ahead)).
Regenerating would lose that work; exporting it would drop the new patches.
Rebase the work onto the new series by hand (git am the new patches in the
tree, or cherry-pick), or drop it with FORCE=1 make tree."
		fi
	fi
	if [ "$(state_get BASE_USED)" != "$BASE_VERSION" ] &&
	   [ "$(state_get BASE_SHA_USED)" != "$BASE_SHA256" ]; then
		# base.conf moved, or the tree was made from a fallback base.
		unpack_base
	fi
else
	unpack_base
fi
apply_series
