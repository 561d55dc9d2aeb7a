#!/bin/bash
# checkpatch.pl --strict on every patch of patches/series, as TAP.
# A patch may carry a "checkpatch-ignore: TYPE[,TYPE] because ..." line in its
# notes (below the '---' line, where git am drops it; `git notes add` in the
# tree) to justify an ignored type; that line is honoured and must say why.
# A waiver in the commit message itself is an error: it is not for the list.
. "$(dirname "$0")/lib.sh"

cd "$TREE"
# spdxcheck.py needs python3-ply: the system python3, not another first in PATH
export PATH=/usr/bin:$PATH
n=0 fail=0
echo "TAP version 13"
for p in $(series_patches); do
	n=$((n + 1))
	ignore=$(python3 "$TOP/scripts/series.py" notes "$TOP/patches/$p" |
		sed -n 's/^checkpatch-ignore: \([A-Z_,]*\) because .*/\1/p' | paste -sd, -)
	if sed '/^---$/q' "$TOP/patches/$p" | grep -q '^checkpatch-ignore:'; then
		echo "# $p: a checkpatch waiver in the commit message (it belongs in the notes)"
		echo "not ok $n $p"
		fail=1; continue
	fi
	out=$(./scripts/checkpatch.pl --strict --no-summary --show-types \
		${ignore:+--ignore "$ignore"} "$TOP/patches/$p" 2>&1) && rc=0 || rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $n $p"
	else
		echo "$out" | sed 's/^/# /'
		echo "not ok $n $p"
		fail=1
	fi
done
echo "1..$n"
# checkpatch caches the CamelCase words it learnt in the tree: not ours
rm -f .checkpatch-camelcase.*
exit $fail
