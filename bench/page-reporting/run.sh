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
#   page fault path with no device registered unchanged: measured against
#   the unpatched base kernel built with the same config (build/images/base).
#
#   REPEAT=N      boots per size (default 3)
#   SIZES="4G 16G 64G"
#   K=64          order-9 blocks freed before each measured pass
#   ROUNDS=5      measured passes per boundary setting per boot
#   FREE_MB=12288 freed at once and timed, in the FREE_AT guest (16G);
#                 0 skips
#   HOLDS=32      passes in a row (boundary on) whose longest zone->lock
#                 hold is recorded, in every boot: the worst of each 16
#                 (the check pass among them) next to the mean (0 skips)
#   COMPACT_AT=4G the guest size that also runs the compaction-heavy load
#                 (page_reporting_order 9 and 5, boundary on and off);
#                 "" skips
#   COMPACT_REPS=1  in that many of the REPEAT boots (it takes minutes)
#   COMPACT_ORDERS="9,5"  the page_reporting_order values it runs with
#   PF=1          the page fault boots (0 skips): base (the unpatched base
#                 kernel, same config), nodev (patched, no device), b0 and
#                 b1 (test device, boundary off / on)
#   OUT=DIR       output directory (default build/bench/page-reporting)
#
# Rows carry the boundary setting and reporting state the guest reads back;
# a boot where they differ from what was asked stops the run.
#
# Output: OUT/{passes,report,pf,steady,summary,holds,compact}.csv, meta.txt,
#         visited.png (entries visited and zone->lock hold vs guest size)
. "$(dirname "$0")/../lib.sh"

REPEAT=${REPEAT:-3}
SIZES=${SIZES:-"4G 16G 64G"}
K=${K:-64}
ROUNDS=${ROUNDS:-5}
FREE_MB=${FREE_MB:-12288}
FREE_AT=${FREE_AT:-16G}
PF=${PF:-1}
HOLDS=${HOLDS:-32}
COMPACT_AT=${COMPACT_AT-4G}
COMPACT_REPS=${COMPACT_REPS:-1}
COMPACT_ORDERS=${COMPACT_ORDERS:-9,5}
BENCH_BASE=$PF bench_init page-reporting REPEAT SIZES K ROUNDS FREE_MB FREE_AT PF HOLDS COMPACT_AT COMPACT_REPS COMPACT_ORDERS

v() { kv "$@"; }
boot_bench() { bench_boot bench-page-reporting "$1" "$2" 2400 "${@:3}"; }	# log mem append...

echo "mem,rep,boundary,round,passes,visited,skipped,isolated,hold_ns,max_hold_ns" > "$out/passes.csv"
echo "mem,rep,boundary,mb,centiseconds,passes,reported_pages" > "$out/report.csv"
echo "rep,config,ns_per_fault" > "$out/pf.csv"
echo "mem,rep,free_kb,steady_passes,steady_seconds" > "$out/steady.csv"
echo "mem,rep,i,passes,verified,max_hold_ns,hold_ns,visited" > "$out/holds.csv"
echo "mem,rep,order,boundary,huge,passes,resets,visited,hold_ns,compact_isolated,compact_stall" > "$out/compact.csv"
for rep in $(seq 1 "$REPEAT"); do
	# shellcheck disable=SC2086
	for mem in $(bench_order "$rep" $SIZES); do
		log=$out/logs/$mem-$rep.log
		free=0; [ "$mem" = "$FREE_AT" ] && free=$FREE_MB
		compact=0; [ "$mem" = "$COMPACT_AT" ] && [ "$rep" -le "$COMPACT_REPS" ] && compact=1
		CFG=$mem REP=$rep boot_bench "$log" "$mem" page_reporting_test.enable=1 \
			page_reporting.boundary=1 "bench.k=$K" "bench.rounds=$ROUNDS" \
			"bench.free_mb=$free" "bench.holds=$HOLDS" "bench.compact=$compact" \
			"bench.compact_orders=$COMPACT_ORDERS" || continue
		{ grep -o 'BENCH hold .*' "$log" || true; } | while read -r _ _ rest; do
			echo "$mem,$rep,$(v i "$rest"),$(v passes "$rest"),$(v verified "$rest"),$(v max_hold_ns "$rest"),$(v hold_ns "$rest"),$(v visited "$rest")"
		done >> "$out/holds.csv"
		{ grep -o 'BENCH compact .*' "$log" || true; } | while read -r _ _ rest; do
			echo "$mem,$rep,$(v order "$rest"),$(v boundary "$rest"),$(v huge "$rest"),$(v passes "$rest"),$(v resets "$rest"),$(v visited "$rest"),$(v hold_ns "$rest"),$(v compact_isolated "$rest"),$(v compact_stall "$rest")"
		done >> "$out/compact.csv"
		# the guest alternates the boundary 1, 0 within each round
		n1=$(grep -c 'BENCH pass boundary=1 ' "$log" || true)
		n0=$(grep -c 'BENCH pass boundary=0 ' "$log" || true)
		bench_check "passes with the boundary on/off" "$ROUNDS/$ROUNDS" "$n1/$n0" "$log"
		line=$(grep -o 'BENCH steady.*' "$log" || true)
		echo "$mem,$rep,$(v free_kb "$line"),$(v passes "$line"),$(v seconds "$line")" >> "$out/steady.csv"
		{ grep -o 'BENCH pass .*' "$log" || true; } | while read -r _ _ rest; do
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
	for cfg in $(bench_order "$rep" base nodev b0 b1); do
		log=$out/logs/pf-$cfg-$rep.log
		kernel=$IMAGES/guest/bzImage
		case $cfg in
		base) args="bench.pf=1"; want="absent absent"; kernel=$IMAGES/base/bzImage ;;
		nodev) args="bench.pf=1"; want="unregistered 0" ;;
		b0) args="bench.pf=1 page_reporting_test.enable=1 page_reporting.boundary=0"; want="idle 0" ;;
		b1) args="bench.pf=1 page_reporting_test.enable=1 page_reporting.boundary=1"; want="idle 1" ;;
		esac
		# shellcheck disable=SC2086
		BENCH_KERNEL=$kernel CFG=pf-$cfg REP=$rep boot_bench "$log" 4G $args || continue
		l=$(grep -o 'BENCH pf .*' "$log" || true)
		bench_check "page fault boot $cfg (state, boundary)" "$want" "$(v state "$l") $(v boundary "$l")" "$log"
		ns=$(v ns_per_fault "$l")
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
	r1=$(ratio "$voff" "$von" %.1f)
	r2=$(ratio "$hoff" "$hon" %.1f)
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
if [ "$(wc -l < "$out/holds.csv")" -gt 1 ]; then
	echo "mem,passes,mean_max_hold_us,worst_of_16_us_median,check_pass_max_hold_us_median" > "$out/holds-summary.csv"
	printf '\nLongest zone->lock hold per pass, %s passes in a row per boot, boundary on (us):\n' "$HOLDS"
	printf '%-5s %8s %10s %16s %16s\n' mem passes mean "worst of 16" "check pass"
	for mem in $SIZES; do
		n=$(awk -F, -v m="$mem" 'NR > 1 && $1 == m' "$out/holds.csv" | wc -l)
		[ "$n" -gt 0 ] || continue
		mean=$(awk -F, -v m="$mem" 'NR > 1 && $1 == m { s += $6; n++ } END { printf "%.0f", s / n / 1000 }' "$out/holds.csv")
		worst=$(awk -F, -v m="$mem" 'NR > 1 && $1 == m { k = $2 "," int(($3 - 1) / 16); if ($6 > w[k]) w[k] = $6 } END { for (k in w) print w[k] / 1000 }' "$out/holds.csv" | median)
		chk=$(awk -F, -v m="$mem" 'NR > 1 && $1 == m && $5 > 0 { print $6 / 1000 }' "$out/holds.csv" | median)
		echo "$mem,$n,$mean,$worst,$chk" >> "$out/holds-summary.csv"
		printf '%-5s %8s %10s %16s %16s\n' "$mem" "$n" "$mean" "$worst" "$chk"
	done
fi
if [ "$(wc -l < "$out/compact.csv")" -gt 1 ]; then
	printf '\nCompaction-heavy load (%s guest; medians over boots):\n' "$COMPACT_AT"
	printf '%-6s %-9s %8s %8s %14s %14s %12s\n' order boundary passes resets resets/pass visited/pass isolated
	for order in 9 5; do
		for b in 1 0; do
			row=$(awk -F, -v o="$order" -v b="$b" 'NR > 1 && $3 == o && $4 == b' "$out/compact.csv")
			[ -n "$row" ] || continue
			med() { echo "$row" | awk -F, -v c="$1" '{ print $c }' | median; }
			p=$(med 6); r=$(med 7); vi=$(med 8); iso=$(med 10)
			printf '%-6s %-9s %8s %8s %14s %14s %12s\n' "$order" "$b" "$p" "$r" \
				"$(ratio "$r" "$p" %.2f)" "$(ratio "$vi" "$p" %.0f)" "$iso"
		done
	done
fi
if [ "$(wc -l < "$out/pf.csv")" -gt 1 ]; then
	base=$(awk -F, '$2 == "base" { print $3 }' "$out/pf.csv" | median)
	echo "config,ns_per_fault,vs_base" > "$out/pf-summary.csv"
	printf '\nPage faults (4K, fault + unmap), ns per page (median), 4G guest:\n'
	for cfg in base nodev b0 b1; do
		m=$(awk -F, -v c="$cfg" '$2 == c { print $3 }' "$out/pf.csv" | median)
		printf '  %-5s %8s  (%sx of the unpatched base)\n' "$cfg" "$m" "$(ratio "$m" "$base")"
		echo "$cfg,$m,$(ratio "$m" "$base")" >> "$out/pf-summary.csv"
	done
fi

if command -v gnuplot >/dev/null && [ "$(wc -l < "$out/summary.csv")" -gt 1 ]; then
	awk -F, 'NR > 1 { m = $1; sub("G", "", m); print m, $2, $3, $5, $6 }' "$out/summary.csv" > "$out/plot.dat"
	if gnuplot <<GP
set terminal pngcairo size 900,420 noenhanced
set output "$out/visited.png"
set multiplot layout 1,2 title "A reporting pass after $K order-9 frees (medians, QEMU TCG)"
set xlabel "guest memory (GiB)"; set grid; set logscale x 2; set logscale y; set key left top
set ylabel "entries visited"
plot "$out/plot.dat" using 1:2 with linespoints lw 2 pt 7 title "boundary on", \
     "$out/plot.dat" using 1:3 with linespoints lw 2 pt 5 title "boundary off"
set ylabel "zone->lock held per pass (us)"
plot "$out/plot.dat" using 1:4 with linespoints lw 2 pt 7 title "boundary on", \
     "$out/plot.dat" using 1:5 with linespoints lw 2 pt 5 title "boundary off"
unset multiplot
GP
	then echo "plot: $out/visited.png"; else echo "plot failed (see above)"; fi
fi
echo
echo "raw: $out/{passes,report,pf,steady}.csv   summary: $out/summary.csv"
bench_finish
