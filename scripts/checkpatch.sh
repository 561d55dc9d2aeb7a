#!/bin/bash
# checkpatch.pl --strict on every patch of patches/series, as TAP.
# A patch may carry a "checkpatch-ignore: TYPE[,TYPE] because ..." line in its commit
# message to justify an ignored type; that line is honoured and must say why.
. "$(dirname "$0")/lib.sh"

cd "$TREE"
n=0 fail=0
echo "TAP version 13"
for p in $(series_patches); do
	n=$((n + 1))
	ignore=$(sed -n 's/^checkpatch-ignore: \([A-Z_,]*\) .*/\1/p' "$TOP/patches/$p" | paste -sd, -)
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
