#!/bin/bash
# bench/memmap-lazy/frag.sh: fragmentation after a mixed workload,
# memmap_init=eager vs lazy, 2 GiB / 1 vCPU with page_owner=on, on the
# test kernel of make test (it has PAGE_OWNER, which pagetypeinfo needs to
# count mixed pageblocks) with vm_debug=- (a diagnostic beside run.sh, no
# goal).  The guest side is
# guest/tests/bench-memmap-frag.t: 16 rounds of held anonymous memory
# with holes, small files and sleeping processes, then mixed pageblocks
# (/proc/pagetypeinfo) and mm_page_alloc_extfrag events.
#
#   REPEAT=3 MODES="eager lazy" OUT=DIR (build/bench/memmap-frag)
#
# Output: OUT/runs.csv, OUT/meta.txt, OUT/logs/.
. "$(dirname "$0")/../lib.sh"

REPEAT=${REPEAT:-3}
MODES=${MODES:-"eager lazy"}
bench_init memmap-frag REPEAT MODES
mapfile -d '' -t common < <(python3 "$TOP/scripts/matrix.py" argv bench-memmap-lazy)
"$TOP/scripts/build.sh" test
cp "$IMAGES/test/bzImage" "$out/bzImage"
for i in "${!common[@]}"; do
	[ "${common[$i]}" != --kernel ] || common[i+1]=$out/bzImage
done
echo "kernel_booted=$IMAGES/test/bzImage sha256 $(sha256sum "$out/bzImage" | cut -c1-16)" >> "$out/meta.txt"
cols="extfrag fragmenting mixed_Unmovable mixed_Movable mixed_Reclaimable blocks_Unmovable blocks_Movable blocks_Reclaimable"
echo "mode,rep,$(echo $cols | tr ' ' ,)" > "$out/runs.csv"
for rep in $(seq 1 "$REPEAT"); do
	# shellcheck disable=SC2086
	for mode in $(bench_order "$rep" $MODES); do
		log=$out/logs/$mode-$rep.log rc=0
		"$TOP/scripts/qemu-run" "${common[@]}" --tests bench-memmap-frag --smp 1 --mem 2G \
			--timeout 1500 --log "$log" --append "memmap_init=$mode page_owner=on vm_debug=-" \
			> /dev/null 2>&1 || rc=$?
		line=$(grep -a 'BENCH frag mode=' "$log" | head -n1)
		if [ $rc != 0 ] || [ -z "$line" ]; then
			bench_fail "$mode" "$rep" "exit $rc" "$log"; continue
		fi
		row="$mode,$rep"
		for c in $cols; do row+=",$(echo "$line" | sed -n "s/.* $c=\([0-9]*\).*/\1/p")"; done
		echo "$row" >> "$out/runs.csv"
		echo "  $mode rep $rep: $line" >&2
	done
done
echo
echo "medians (mode: $cols)"
for mode in $MODES; do
	printf '%-6s' "$mode"
	i=3
	for c in $cols; do
		printf ' %s=%s' "$c" "$(awk -F, -v m="$mode" -v i=$i 'NR > 1 && $1 == m { print $i }' "$out/runs.csv" | median)"
		i=$((i + 1))
	done
	echo
done
echo "raw runs: $out/runs.csv  meta: $out/meta.txt"
