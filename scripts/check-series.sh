#!/bin/bash
# make check-series: prove the series is clean and bisectable.
#   1. checkpatch.pl --strict on every patch;
#   2. check out each commit base+1 .. HEAD of the kernel tree in turn and build
#      it incrementally (test config: KUnit + debug options) in its own object
#      dir, build/kbuild-series, so the test build stays warm; ccache makes the
#      first step cheap;
#   3. build HEAD with the plain guest config too (KUnit and debug options off).
# FROM=N starts the builds at patch N (to recheck the tail after a fix to it;
# the object dir must hold a build of an earlier patch or it starts cold).
# The tree is returned to its HEAD at the end, even on failure.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/export-check.sh" >/dev/null ||
	die "the tree and patches/ differ: run 'make export' (or 'make tree') first"

rc=0
"$TOP/scripts/checkpatch.sh" || rc=1

head=$(git_tree rev-parse HEAD)
branch=$(git_tree symbolic-ref -q --short HEAD || true)
restore() { git_tree checkout -q "${branch:-$head}"; }
trap restore EXIT

i=0
for c in $(git_tree rev-list --reverse base..HEAD); do
	i=$((i + 1))
	[ "$i" -ge "${FROM:-1}" ] || continue
	git_tree checkout -q "$c"
	msg "[$i] build after: $(git_tree log -1 --format=%s)"
	if ! ALLOW_UNKNOWN=1 "$TOP/scripts/build.sh" test-series >/dev/null; then
		echo "not ok: the series does not build after patch $i: $(git_tree log -1 --format=%s)"
		rc=1
		break
	fi
done
restore
if [ $rc -eq 0 ]; then
	msg "HEAD with the plain guest config"
	"$TOP/scripts/build.sh" guest >/dev/null || rc=1
fi
[ $rc -eq 0 ] && msg "check-series: $i patches pass checkpatch and build one by one${FROM:+ (builds from patch $FROM)}"
exit $rc
