#!/bin/bash
# make demo: on a fresh machine, build the default kernel of the series, boot
# it in QEMU and show what the series does, with numbers.  Each feature of the
# series adds its part here.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build.sh" guest
"$TOP/scripts/mkinitramfs.sh"
logs=$BUILD/demo
mkdir -p "$logs"

echo
echo "=== Deferred struct page init: pages, threads and time per node ==="
echo "    (QEMU TCG, 2 vCPUs, one NUMA node; TCG is ~10-20x slower than hardware)"
printf '%-6s %-22s %12s %8s %8s %10s\n' memory "kernel parameter" pages ms threads pages/ms
for mem in 16G 64G; do
	for t in default 1; do
		arg=""
		[ "$t" = default ] || arg="deferred_init_threads=$t"
		log=$logs/definit-$mem-$t.log
		"$TOP/scripts/qemu-run" --kernel "$IMAGES/guest/bzImage" --mem "$mem" --smp 2 \
			--tests deferred-init --append "quiet $arg" --log "$log" --timeout 600 \
			>/dev/null 2>&1 || die "boot failed, see $log"
		sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms: \([0-9]*\) pages, \([0-9]*\) threads.*/\2 \3 \4/p' "$log" |
			head -n1 | while read -r ms pages threads; do
			printf '%-6s %-22s %12s %8s %8s %10.0f\n' "$mem" "${arg:-(none)}" "$pages" \
				"$ms" "$threads" "$(echo "$pages / $ms" | bc -l)"
		done
	done
done
echo
echo "Logs: $logs/.  Benchmark with repeats and medians: make bench-deferred-init"
