#!/bin/bash
# bench/percpu-lazy: what 1000 memcgs cost in a 4 GiB guest with 2 online
# CPUs, by number of possible CPUs, with lazily backed percpu units off and
# on; and how long a CPU takes to come up for the first time with those
# memcgs alive.  One guest kernel (make build: configs/guest.config), the
# feature switched by percpu_lazy_units= on the command line; configurations
# interleaved within each repetition, medians over REPEAT boots.
#
# Goals (issue 3):
#   MemFree cost at 64 possible / 2 online, lazy on, within 1.25x of the
#   same kernel with 2 possible CPUs (unpatched 6.12: ~5x);
#   Percpu growth for the memcgs >= 15x smaller, on vs off, at 64 possible;
#   first CPU online latency with the memcgs, median of repeated onlines.
#
#   REPEAT=N        boots per configuration (default 3)
#   MEMCGS=N        memcgs per boot (default 1000)
#   ONLINES=N       CPUs brought up for the first time per boot (default 5)
#   CHURN=N         memcg create+remove cycles after the onlines, in batches
#                   of CHURN_BATCH (default 1000 in batches of 100; 0 skips):
#                   lazy chunk creations, depopulations and TLB flushes they
#                   cause, in churn.csv
#   CONFIGS="2:0 64:0 64:1 128:0 128:1"   possible:lazy pairs
#   OUT=DIR         output directory (default build/bench/percpu-lazy)
#
# Rows carry the possible CPUs and the lazy setting the guest reads back
# (percpu_stats); a boot where they differ from what was asked stops the run.
#
# Output: OUT/{runs.csv,online.csv,summary.csv,meta.txt,cost.png}
. "$(dirname "$0")/../lib.sh"

REPEAT=${REPEAT:-3}
MEMCGS=${MEMCGS:-1000}
ONLINES=${ONLINES:-5}
CHURN=${CHURN:-1000}
CHURN_BATCH=${CHURN_BATCH:-100}
CONFIGS=${CONFIGS:-"2:0 64:0 64:1 128:0 128:1"}
bench_init percpu-lazy REPEAT MEMCGS ONLINES CHURN CHURN_BATCH CONFIGS

echo "possible,lazy,rep,memcgs,memfree_kb,percpu_kb,percpu_before_kb,after_online_percpu_kb" > "$out/runs.csv"
echo "possible,lazy,rep,kind,cpu,ns,hold_ns,total_ns,pages,ctors,irqoff_max_ns,tlb_flushes" > "$out/online.csv"
echo "possible,lazy,rep,memcgs,cycles,chunks_created,chunks_destroyed,pages_populated,pages_depopulated,depopulate_flushes" > "$out/churn.csv"
for rep in $(seq 1 "$REPEAT"); do
	# shellcheck disable=SC2086
	for cfg in $(bench_order "$rep" $CONFIGS); do
		possible=${cfg%:*}; lazy=${cfg#*:}
		k=$ONLINES; [ "$possible" -gt 2 ] || k=0
		log=$out/logs/p$possible-l$lazy-$rep.log
		CFG=$cfg REP=$rep BENCH_QEMU="--smp $possible" bench_boot bench-percpu-lazy \
			"$log" 4G 1200 "percpu_lazy_units=$lazy bench.memcgs=$MEMCGS bench.onlines=$k bench.churn=$CHURN bench.churn_batch=$CHURN_BATCH" ||
			continue
		line=$({ grep -o 'BENCH memcgs=.*' "$log" || true; } | tail -n1)
		[ -n "$line" ] || { bench_fail "$cfg" "$rep" "no result" "$log"; continue; }
		ran=$({ grep -o 'BENCH possible=.*' "$log" || true; } | tail -n1)
		bench_check "possible CPUs" "$possible" "$(cpu_count "$(kv possible "$ran")")" "$log"
		bench_check "percpu_lazy_units" "$lazy" "$(kv lazy "$ran")" "$log"
		v() { kv "$@"; }
		after=$({ grep -o 'BENCH after_online.*' "$log" || true; } | sed 's/.*percpu_kb=//')
		echo "$possible,$lazy,$rep,$(v memcgs "$line"),$(v memfree_kb "$line"),$(v percpu_kb "$line"),$(v percpu_before_kb "$line"),${after:-}" >> "$out/runs.csv"
		{ grep -o 'BENCH \(first\|re\)_online.*' "$log" || true; } | while read -r _ kind rest; do
			echo "$possible,$lazy,$rep,$kind,$(v cpu "$rest"),$(v ns "$rest"),$(v hold_ns "$rest"),$(v total_ns "$rest"),$(v pages "$rest"),$(v ctors "$rest"),$(v irqoff_max_ns "$rest"),$(v tlb_flushes "$rest")"
		done >> "$out/online.csv" || true
		ch=$({ grep -o 'BENCH churn .*' "$log" || true; } | tail -n1)
		if [ -n "$ch" ]; then
			echo "$possible,$lazy,$rep,$MEMCGS,$(v cycles "$ch"),$(v chunks_created "$ch"),$(v chunks_destroyed "$ch"),$(v pages_populated "$ch"),$(v pages_depopulated "$ch"),$(v depopulate_flushes "$ch")" >> "$out/churn.csv"
		elif [ "$CHURN" -gt 0 ] && [ "$lazy" = 1 ]; then
			bench_fail "$cfg" "$rep" "no churn result" "$log"
		fi
		printf '  possible %3s lazy %s rep %s: MemFree -%6s kB, Percpu +%6s kB\n' \
			"$possible" "$lazy" "$rep" "$(v memfree_kb "$line")" "$(v percpu_kb "$line")" >&2
	done
done

col() { # possible lazy column(1-based) file [kind]
	awk -F, -v p="$1" -v l="$2" -v c="$3" -v k="${5:-}" \
		'NR > 1 && $1 == p && $2 == l && (k == "" || $4 == k) && $c != "" { print $c }' "$4" | median
}
base_free=$(col 2 0 5 "$out/runs.csv")
echo "possible,lazy,memfree_kb,vs_2_possible,percpu_kb,percpu_off_over_on,first_online_ms,percpu_mutex_hold_us,callback_us,re_online_ms" > "$out/summary.csv"
printf '\n%-9s %-5s %12s %8s %11s %8s %11s %10s %10s %10s\n' possible lazy "MemFree kB" "vs 2cpu" "Percpu kB" "off/on" "online ms" "hold us" "cb us" "re-onl ms"
for cfg in $CONFIGS; do
	possible=${cfg%:*}; lazy=${cfg#*:}
	free=$(col "$possible" "$lazy" 5 "$out/runs.csv")
	pcpu=$(col "$possible" "$lazy" 6 "$out/runs.csv")
	off=$(col "$possible" 0 6 "$out/runs.csv")
	ratio=$(ratio "$free" "$base_free" %.2f)
	shrink=""
	[ "$lazy" = 1 ] && shrink=$(ratio "$off" "$pcpu" %.1f)
	on_ms=$(col "$possible" "$lazy" 6 "$out/online.csv" first_online | awk '{ if ($1 != "") printf "%.2f", $1 / 1e6 }')
	hold=$(col "$possible" "$lazy" 7 "$out/online.csv" first_online | awk '{ if ($1 != "") printf "%.0f", $1 / 1e3 }')
	cb=$(col "$possible" "$lazy" 8 "$out/online.csv" first_online | awk '{ if ($1 != "") printf "%.0f", $1 / 1e3 }')
	re_ms=$(col "$possible" "$lazy" 6 "$out/online.csv" re_online | awk '{ if ($1 != "") printf "%.2f", $1 / 1e6 }')
	[ "$lazy" = 1 ] || { hold="-"; cb="-"; }
	echo "$possible,$lazy,$free,$ratio,$pcpu,$shrink,$on_ms,$hold,$cb,$re_ms" >> "$out/summary.csv"
	printf '%-9s %-5s %12s %7sx %11s %8s %11s %10s %10s %10s\n' "$possible" "$lazy" "$free" "$ratio" "$pcpu" "${shrink:+${shrink}x}" "${on_ms:--}" "$hold" "$cb" "${re_ms:--}"
done

# first onlines with lazy units on: the worst pcpu_alloc_mutex hold and the
# worst interrupts-off section of percpu:prepare, and the TLB flushes it
# issued; medians over the repetitions of each boot's worst
echo "possible,memcgs,onlines,hold_max_us,irqoff_max_us,tlb_flushes_per_online" > "$out/hold.csv"
for cfg in $CONFIGS; do
	possible=${cfg%:*}; lazy=${cfg#*:}
	[ "$lazy" = 1 ] || continue
	awk -F, -v p="$possible" 'NR > 1 && $1 == p && $2 == 1 && $4 == "first_online" {
		k = $3; n[k]++; if ($7 > h[k]) h[k] = $7; if ($11 > q[k]) q[k] = $11; f[k] += $12 }
		END { for (k in n) print h[k] / 1e3, q[k] / 1e3, f[k] / n[k] }' "$out/online.csv" > "$out/hold.tmp"
	[ -s "$out/hold.tmp" ] || continue
	h=$(cut -d' ' -f1 "$out/hold.tmp" | median); q=$(cut -d' ' -f2 "$out/hold.tmp" | median)
	f=$(cut -d' ' -f3 "$out/hold.tmp" | median)
	echo "$possible,$MEMCGS,$ONLINES,$h,$q,$f" >> "$out/hold.csv"
	printf 'first online, %s possible, %s memcgs: mutex held <= %s us, irqs off <= %s us, %s TLB flushes per online\n' \
		"$possible" "$MEMCGS" "$h" "$q" "$f"
done
rm -f "$out/hold.tmp"
if [ "$(wc -l < "$out/churn.csv")" -gt 1 ]; then
	echo "churn: $CHURN memcg create+remove cycles next to $MEMCGS memcgs (medians)"
	for cfg in $CONFIGS; do
		possible=${cfg%:*}; lazy=${cfg#*:}
		row=""
		for c in 6 7 8 9 10; do
			row="$row $(awk -F, -v p="$possible" -v l="$lazy" -v c="$c" 'NR > 1 && $1 == p && $2 == l { print $c }' "$out/churn.csv" | median)"
		done
		# shellcheck disable=SC2086
		set -- $row
		[ -n "${1:-}" ] || continue
		printf '  %3s possible, lazy %s: chunks created %s, destroyed %s; pages populated %s, depopulated %s; TLB flushes %s\n' \
			"$possible" "$lazy" "$1" "$2" "$3" "$4" "$5"
	done
fi
echo
echo "raw runs: $out/runs.csv, $out/online.csv, $out/churn.csv   summary: $out/summary.csv, $out/hold.csv"

if command -v gnuplot >/dev/null; then
	awk -F, 'NR > 1 { print $1, $2, $3 / 1024, $5 / 1024 }' "$out/summary.csv" > "$out/plot.dat"
	if gnuplot <<GP
set terminal pngcairo size 720,420 noenhanced
set output "$out/cost.png"
set title "Cost of $MEMCGS memcgs, 2 online CPUs (median of $REPEAT boots, QEMU TCG)"
set xlabel "possible CPUs"; set ylabel "MiB"
set key left top; set grid; set logscale x 2; set xrange [1.5:180]; set yrange [0:*]
plot "< awk '\$2 == 0' $out/plot.dat" using 1:3 with linespoints lw 2 pt 7 title "MemFree cost, lazy off", \
     "< awk '\$2 == 1' $out/plot.dat" using 1:3 with linespoints lw 2 pt 5 title "MemFree cost, lazy on", \
     "< awk '\$2 == 0' $out/plot.dat" using 1:4 with lines dt 2 title "Percpu growth, lazy off", \
     "< awk '\$2 == 1' $out/plot.dat" using 1:4 with lines dt 3 title "Percpu growth, lazy on"
GP
	then echo "plot: $out/cost.png"; else echo "plot failed (see above)"; fi
fi
bench_finish
