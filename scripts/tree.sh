#!/bin/bash
# make tree: the kernel git tree in $TREE = pinned base + patches/ (git am).
#
# - First run: unpack the base tarball, commit it once with a fixed author and
#   date (so the base commit id is reproducible), tag it 'base', apply the series.
# - Tree already matches patches/: nothing to do (one format-patch, ~1 s).
# - patches/ changed (git pull, rebase) and the tree holds nothing unexported:
#   reset to 'base' and re-apply.  Only files the patches touch get new mtimes,
#   so the next build is incremental.
# - The tree holds commits or changes not in patches/: refuse, because
#   regenerating would lose them.  `make export` first, or FORCE=1.
. "$(dirname "$0")/lib.sh"

apply_series() {
	local p n=0
	git_tree reset -q --hard base
	git_tree clean -q -fdx
	for p in $(series_patches); do
		[ -f "$TOP/patches/$p" ] || die "patches/series lists $p, which does not exist"
		if ! GIT_COMMITTER_NAME="$SERIES_NAME" GIT_COMMITTER_EMAIL="$SERIES_EMAIL" \
			git_tree am -q --committer-date-is-author-date "$TOP/patches/$p"; then
			git_tree am --abort || true
			die "patches/$p does not apply to the base $(state_get BASE_USED).
If the base moved (see base.conf), rebase the series in the tree and re-export."
		fi
		n=$((n + 1))
	done
	state_set "INPUTS=$(inputs_hash)" "HEAD=$(git_tree rev-parse HEAD)" \
		"EXPORTED=$(tree_patches_hash)"
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
	# Fast path: nothing changed since the tree was last made or exported.
	if [ "$(state_get INPUTS)" = "$(inputs_hash)" ] &&
	   [ "$(state_get HEAD)" = "$(git_tree rev-parse HEAD)" ] && ! tree_dirty; then
		msg "tree: up to date ($TREE)"
		exit 0
	fi
	if [ "${FORCE:-0}" != 1 ]; then
		tree_dirty && die "the kernel tree has uncommitted changes:
$(git_tree status --short | head -n 10)
Commit them and run 'make export', or discard them with FORCE=1 make tree."
		if [ "$(tree_patches_hash)" != "$(state_get EXPORTED)" ]; then
			# Maybe the tree is exactly what patches/ says (exported, then
			# the state was not updated): check before refusing.
			if "$TOP/scripts/export-check.sh" >/dev/null 2>&1; then
				state_set "INPUTS=$(inputs_hash)" "HEAD=$(git_tree rev-parse HEAD)" \
					"EXPORTED=$(tree_patches_hash)"
				msg "tree: up to date ($TREE)"
				exit 0
			fi
			die "the kernel tree has commits that are not in patches/.
Run 'make export' to keep them, or FORCE=1 make tree to drop them."
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
