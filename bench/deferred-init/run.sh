#!/bin/bash
# bench/deferred-init: how fast deferred struct page init runs with 1 and 2
# threads, on a 16 GiB and a 64 GiB guest (one NUMA node, 2 vCPUs).
#
# Goal: pages/ms with 2 threads over pages/ms with 1 thread, per memory size,
# measured side by side in one run (the guest is QEMU TCG, so absolute
# numbers are far below hardware; the ratio is what carries over).
#
# Each boot reads the kernel's own report
#   node N deferred pages initialised in Xms: P pages, T threads
# Threads are set with deferred_init_threads= (patch 4 of the series).
#
# Rows carry the thread count the kernel reports it used; a boot that used
# another count than asked stops the run.  A boot that crashes or times out
# is listed at the end (failures.csv), not counted.
#
#   REPEAT=N   boots per configuration (default 5); the median is reported
#   SIZES="16G 64G"  THREADS="1 2"  OUT=DIR (default build/bench/deferred-init)
#   SMP=N      vCPUs of the guest (default 2; SMP=1 THREADS=1 is the 1-vCPU
#              guest)
#   KERNELS="LABEL=BZIMAGE ..."  kernels to boot in turn, e.g. the series
#              against an earlier state of it (default: the guest kernel,
#              labelled "guest")
#
# Output: OUT/{runs.csv,summary.csv,meta.txt,pages-per-ms.png}
. "$(dirname "$0")/../lib.sh"

REPEAT=${REPEAT:-5}
SIZES=${SIZES:-"16G 64G"}
THREADS=${THREADS:-"1 2"}
KERNELS=${KERNELS:-guest=$IMAGES/guest/bzImage}
SMP=${SMP:-2}
bench_init deferred-init REPEAT SIZES THREADS KERNELS SMP

configs=()
for kernel in $KERNELS; do
	for mem in $SIZES; do for t in $THREADS; do configs+=("${kernel%%=*}:$mem:$t"); done; done
done
# kpath LABEL: the bzImage of a kernel label
kpath() { local k; for k in $KERNELS; do [ "${k%%=*}" = "$1" ] && echo "${k#*=}"; done; }
echo "mem,threads_asked,rep,node,pages,ms,threads,pages_per_ms,kernel" > "$out/runs.csv"
for rep in $(seq 1 "$REPEAT"); do
	for cfg in $(bench_order "$rep" "${configs[@]}"); do
		label=${cfg%%:*}; mt=${cfg#*:}
		mem=${mt%:*}; t=${mt#*:}
		log=$out/logs/$label-$mem-t$t-$rep.log
		BENCH_KERNEL=$(kpath "$label") CFG=$cfg REP=$rep BENCH_QEMU="--smp $SMP" bench_boot bench-deferred-init "$log" "$mem" 600 \
			"deferred_init_threads=$t" || continue
		sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms: \([0-9]*\) pages, \([0-9]*\) threads.*/\1 \2 \3 \4/p' "$log" |
			sort -u > "$out/row.tmp"
		[ -s "$out/row.tmp" ] || { bench_fail "$cfg" "$rep" "no deferred-init report" "$log"; continue; }
		while read -r node ms pages threads; do
			bench_check "threads of node $node" "$t" "$threads" "$log"
			ppm=$(ratio "$pages" "$ms" %.1f)
			echo "$mem,$t,$rep,$node,$pages,$ms,$threads,$ppm,$label" >> "$out/runs.csv"
			printf '  %-8s %-4s threads=%s rep %s: %8s pages in %5s ms = %8s pages/ms\n' \
				"$label" "$mem" "$threads" "$rep" "$pages" "$ms" "$ppm" >&2
		done < "$out/row.tmp"
	done
done
rm -f "$out/row.tmp"

# Summary: median pages/ms per (kernel, mem, threads) and the 2-vs-1 ratio.
echo "mem,threads,runs,median_ms,median_pages_per_ms,ratio_vs_1_thread,kernel" > "$out/summary.csv"
printf '\n%-8s %-6s %-8s %5s %10s %14s %10s\n' kernel memory threads runs "median ms" "pages/ms" "vs 1 thr"
for kernel in $KERNELS; do
label=${kernel%%=*}
for mem in $SIZES; do
	base=""
	for t in $THREADS; do
		rows=$(awk -F, -v m="$mem" -v t="$t" -v k="$label" '$1 == m && $7 == t && $9 == k' "$out/runs.csv")
		n=$(echo "$rows" | grep -c . || true)
		ms=$(echo "$rows" | cut -d, -f6 | median)
		ppm=$(echo "$rows" | cut -d, -f8 | median)
		[ -z "$base" ] && base=$ppm
		r=$(ratio "$ppm" "$base" %.2f)
		echo "$mem,$t,$n,$ms,$ppm,$r,$label" >> "$out/summary.csv"
		printf '%-8s %-6s %-8s %5s %10s %14s %9sx\n' "$label" "$mem" "$t" "$n" "$ms" "$ppm" "$r"
	done
done
done
echo
echo "raw runs: $out/runs.csv   summary: $out/summary.csv"

if command -v gnuplot >/dev/null; then
	plots=""
	for kernel in $KERNELS; do
	label=${kernel%%=*}
	for t in $THREADS; do
		awk -F, -v t="$t" -v k="$label" 'NR > 1 && $2 == t && $7 == k { sub("G", "", $1); print $1, $5 }' \
			"$out/summary.csv" > "$out/plot-$label-t$t.dat"
		plots+="${plots:+, }\"$out/plot-$label-t$t.dat\" using 1:2 with linespoints lw 2 pt 7 title \"$label, $t thread(s)\""
	done
	done
	if gnuplot <<GP
set terminal pngcairo size 720,420 noenhanced
set output "$out/pages-per-ms.png"
set title "Deferred struct page init under QEMU TCG (median of $REPEAT boots)"
set xlabel "guest memory (GiB)"; set ylabel "pages / ms"
set key left top; set grid
set logscale x 2; set offsets graph 0.05, graph 0.05, 0, 0; set yrange [0:*]
plot $plots
GP
	then echo "plot: $out/pages-per-ms.png"; else echo "plot failed (see above)"; fi
fi
bench_finish
