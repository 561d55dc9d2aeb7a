#!/bin/bash
# make mail: the series as it is sent: numbered [PATCH n/N] mails with the
# cover letter (docs/cover-letter.txt), in build/mail/, from the kernel tree.
# git format-patch adds the base-commit trailer that b4 and the kernel test
# robot read; the base is Debian's tarball as committed by `make tree`, named
# in the cover letter.  Notes (checkpatch waivers) are left out: they are the
# workshop's, not the list's.
#   VERSION=N   [PATCH vN n/N]      TO=, CC=  addresses for the headers
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"
"$TOP/scripts/export-check.sh" >/dev/null ||
	warn "the tree and patches/ differ: mailing the tree as it is (make export-check)"
out=$BUILD/mail
rm -rf "$out"
date=$(git_tree log -1 --format=%aD HEAD)
extra=()
[ -n "${VERSION:-}" ] && extra+=(-v "$VERSION")
[ -n "${TO:-}" ] && extra+=(--to "$TO")
[ -n "${CC:-}" ] && extra+=(--cc "$CC")
GIT_COMMITTER_DATE="$date" GIT_COMMITTER_NAME="$SERIES_NAME" \
GIT_COMMITTER_EMAIL="$SERIES_EMAIL" \
	git_tree format-patch -q --numbered --cover-letter --thread=shallow \
	--base=base --no-notes "${extra[@]}" -o "$out" base..HEAD
cover=$(ls "$out"/*0000-cover-letter.patch)
python3 "$TOP/scripts/fill-cover.py" "$TOP/docs/cover-letter.txt" "$cover"
msg "mail: $(ls "$out" | wc -l) files in $out ($(grep -m1 '^Subject:' "$cover"))"
