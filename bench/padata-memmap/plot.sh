#!/bin/bash
# bench/padata-memmap/plot.sh OUT: from OUT/runs.csv, the online write and
# its jobs (memmap init + freeing) against the position of the block in its
# round (1 = the first block onlined into the empty zone), median per
# kernel and thread count: OUT/online-by-block.csv and OUT/online-by-block.png.
# The write grows with the blocks already online; the jobs do not.  Rows
# are in the order the guest onlined the blocks, so a block's position is
# its rank within its (kernel, nvdimm size, boot, rep, threads) group.
. "$(dirname "$0")/../lib.sh"
out=${1:?usage: plot.sh OUT}
csv=$out/online-by-block.csv
echo "kernel,threads,block,onlines,median_write_ms,median_jobs_ms" > "$csv"
rows=$(awk -F, 'NR > 1 && $3 == "online" {
	k = $10 "," $1 "," $2 "," $5 "," $4; pos[k]++
	jobs = ($11 ~ /^[0-9]+$/) ? ($8 + $11) / 1e6 : $8 / 1e6
	print $10, $4, pos[k], $7 / 1e6, jobs }' "$out/runs.csv")
[ -n "$rows" ] || { echo "plot.sh: no online rows in $out/runs.csv"; exit 0; }
for key in $(echo "$rows" | awk '{ print $1 ":" $2 ":" $3 }' | sort -u -t: -k1,1 -k2,2n -k3,3n); do
	IFS=: read -r k t b <<<"$key"
	sel=$(echo "$rows" | awk -v k="$k" -v t="$t" -v b="$b" '$1 == k && $2 == t && $3 == b')
	echo "$k,$t,$b,$(echo "$sel" | grep -c .),$(echo "$sel" | awk '{ print $4 }' | median),$(echo "$sel" | awk '{ print $5 }' | median)" >> "$csv"
done
command -v gnuplot >/dev/null || { echo "table: $csv (no gnuplot: no plot)"; exit 0; }
plots=""
for kt in $(awk -F, 'NR > 1 { print $1 ":" $2 }' "$csv" | sort -u); do
	k=${kt%%:*} t=${kt#*:}
	awk -F, -v k="$k" -v t="$t" 'NR > 1 && $1 == k && $2 == t { print $3, $5, $6 }' "$csv" > "$out/plot-$k-t$t.dat"
	plots+="${plots:+, }\"$out/plot-$k-t$t.dat\" using 1:2 with linespoints lw 2 pt 7 title \"$k, $t thread(s): write\""
	plots+=", \"$out/plot-$k-t$t.dat\" using 1:3 with linespoints lw 1 dt 2 pt 6 title \"$k, $t thread(s): jobs\""
done
if gnuplot <<GP
set terminal pngcairo size 760,500 noenhanced
set output "$out/online-by-block.png"
set title "Onlining a 2 GiB block under QEMU TCG, by its position in the zone (medians)"
set xlabel "block (1 = first onlined into the zone)"; set ylabel "ms"
set key below; set grid; set yrange [0:*]; set xtics 1
plot $plots
GP
then echo "plot: $out/online-by-block.png"; else echo "plot failed (see above)"; fi
