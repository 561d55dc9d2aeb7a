#!/bin/bash
# bench/page-reporting: what a free page reporting pass costs with the
# reported boundary on and off, in guests of several sizes; how long a big
# free takes to be reported either way; and the page fault path with no
# device, a device and the boundary off, a device and the boundary on.
# One guest kernel (make build: configs/guest.config), the test reporting
# device (CONFIG_PAGE_REPORTING_TEST) standing in for the host; on and off
# alternate within each boot (page_reporting.boundary is writable), medians
# over REPEAT boots x ROUNDS passes.
#
# Goals (issue 4):
#   16 GiB guest, steady state, a pass after K=64 order-9 frees: entries
#   visited >= 20x fewer with the boundary, zone->lock hold reduced
#   accordingly; the scaling at 4, 16 and 64 GiB;
#   reporting a freed 12 GiB no slower with the boundary;
#   page fault path with no device registered unchanged.
#
#   REPEAT=N      boots per size (default 3)
#   SIZES="4G 16G 64G"
#   K=64          order-9 blocks freed before each measured pass
#   ROUNDS=5      measured passes per boundary setting per boot
#   FREE_MB=12288 freed at once and timed, in the FREE_AT guest (16G);
#                 0 skips
#   PF=1          the page fault boots (0 skips)
#   OUT=DIR       output directory (default build/bench/page-reporting)
#
# Output: build/bench/page-reporting/{passes,report,pf,summary}.csv
. "$(dirname "$0")/../lib.sh"

REPEAT=${REPEAT:-3}
SIZES=${SIZES:-"4G 16G 64G"}
K=${K:-64}
ROUNDS=${ROUNDS:-5}
FREE_MB=${FREE_MB:-12288}
FREE_AT=${FREE_AT:-16G}
PF=${PF:-1}
out=${OUT:-$BUILD/bench/page-reporting}
mkdir -p "$out/logs"

bench_prepare

v() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }
boot_bench() { bench_boot bench-page-reporting "$1" "$2" 2400 "${@:3}"; }	# log mem append...

echo "mem,rep,boundary,round,passes,visited,skipped,isolated,hold_ns,max_hold_ns" > "$out/passes.csv"
echo "mem,rep,boundary,mb,centiseconds,passes,reported_pages" > "$out/report.csv"
echo "rep,config,ns_per_fault" > "$out/pf.csv"
echo "mem,rep,free_kb,steady_passes,steady_seconds" > "$out/steady.csv"
for rep in $(seq 1 "$REPEAT"); do
	for mem in $SIZES; do
		log=$out/logs/$mem-$rep.log
		free=0; [ "$mem" = "$FREE_AT" ] && free=$FREE_MB
		boot_bench "$log" "$mem" page_reporting_test.enable=1 \
			page_reporting.boundary=1 "bench.k=$K" "bench.rounds=$ROUNDS" \
			"bench.free_mb=$free"
		line=$(grep -o 'BENCH steady.*' "$log")
		echo "$mem,$rep,$(v free_kb "$line"),$(v passes "$line"),$(v seconds "$line")" >> "$out/steady.csv"
		grep -o 'BENCH pass .*' "$log" | while read -r _ _ rest; do
			echo "$mem,$rep,$(v boundary "$rest"),$(v round "$rest"),$(v passes "$rest"),$(v visited "$rest"),$(v skipped "$rest"),$(v isolated "$rest"),$(v hold_ns "$rest"),$(v max_hold_ns "$rest")"
		done >> "$out/passes.csv"
		{ grep -o 'BENCH report .*' "$log" || true; } | while read -r _ _ rest; do
			echo "$mem,$rep,$(v boundary "$rest"),$(v mb "$rest"),$(v centiseconds "$rest"),$(v passes "$rest"),$(v reported_pages "$rest")"
		done >> "$out/report.csv"
		printf '  %-4s rep %s: visited per pass on %s, off %s\n' "$mem" "$rep" \
			"$(awk -F, -v m="$mem" -v r="$rep" '$1 == m && $2 == r && $3 == 1 { print $6 }' "$out/passes.csv" | median)" \
			"$(awk -F, -v m="$mem" -v r="$rep" '$1 == m && $2 == r && $3 == 0 { print $6 }' "$out/passes.csv" | median)" >&2
	done
	[ "$PF" = 1 ] || continue
	for cfg in nodev b0 b1; do
		log=$out/logs/pf-$cfg-$rep.log
		case $cfg in
		nodev) args="bench.pf=1" ;;
		b0) args="bench.pf=1 page_reporting_test.enable=1 page_reporting.boundary=0" ;;
		b1) args="bench.pf=1 page_reporting_test.enable=1 page_reporting.boundary=1" ;;
		esac
		# shellcheck disable=SC2086
		boot_bench "$log" 4G $args
		ns=$(v ns_per_fault "$(grep -o 'BENCH pf .*' "$log")")
		echo "$rep,$cfg,$ns" >> "$out/pf.csv"
		printf '  page faults, %-5s rep %s: %s ns per 4K page (fault + unmap)\n' "$cfg" "$rep" "$ns" >&2
	done
done

col() { # mem boundary column(1-based) -> median
	awk -F, -v m="$1" -v b="$2" -v c="$3" 'NR > 1 && $1 == m && $3 == b { print $c }' "$out/passes.csv" | median
}
echo "mem,visited_on,visited_off,visited_off_over_on,hold_us_on,hold_us_off,hold_off_over_on,max_hold_us_on,max_hold_us_off" > "$out/summary.csv"
printf '\nA pass after %s order-9 frees, steady state (medians of %s boots x %s passes):\n' "$K" "$REPEAT" "$ROUNDS"
printf '%-5s %12s %12s %8s %12s %12s %8s %12s %12s\n' mem "visited on" "visited off" off/on "hold us on" "hold us off" off/on "max us on" "max us off"
for mem in $SIZES; do
	von=$(col "$mem" 1 6); voff=$(col "$mem" 0 6)
	hon=$(col "$mem" 1 9); hoff=$(col "$mem" 0 9)
	mon=$(col "$mem" 1 10); moff=$(col "$mem" 0 10)
	r1=$(awk -v a="$voff" -v b="$von" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
	r2=$(awk -v a="$hoff" -v b="$hon" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
	us() { awk -v a="$1" 'BEGIN { printf "%.0f", a / 1000 }'; }
	echo "$mem,$von,$voff,$r1,$(us "$hon"),$(us "$hoff"),$r2,$(us "$mon"),$(us "$moff")" >> "$out/summary.csv"
	printf '%-5s %12s %12s %7sx %12s %12s %7sx %12s %12s\n' "$mem" "$von" "$voff" "$r1" \
		"$(us "$hon")" "$(us "$hoff")" "$r2" "$(us "$mon")" "$(us "$moff")"
done
if [ "$(wc -l < "$out/report.csv")" -gt 1 ]; then
	printf '\nReporting %s MB freed at once (%s guest), seconds until idle (median):\n' "$FREE_MB" "$FREE_AT"
	for b in 1 0; do
		printf '  boundary %s: %s s\n' "$b" "$(awk -F, -v b="$b" 'NR > 1 && $3 == b { print $5 / 100 }' "$out/report.csv" | median)"
	done
fi
if [ "$(wc -l < "$out/pf.csv")" -gt 1 ]; then
	base=$(awk -F, '$2 == "nodev" { print $3 }' "$out/pf.csv" | median)
	printf '\nPage faults (4K, fault + unmap), ns per page (median), 4G guest:\n'
	for cfg in nodev b0 b1; do
		m=$(awk -F, -v c="$cfg" '$2 == c { print $3 }' "$out/pf.csv" | median)
		printf '  %-5s %8s  (%sx of no device)\n' "$cfg" "$m" \
			"$(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
	done
fi
echo
echo "raw: $out/{passes,report,pf,steady}.csv   summary: $out/summary.csv"
