#!/bin/bash
# bench/memmap-lazy: what memmap_init=lazy saves the host, and what it costs
# the guest, against memmap_init=eager on the same kernel, boots of the two
# interleaved.
#
# Goals (issue 13):
#   - guest memory the host backs after boot and 30 s idle: 2 GiB / 1 vCPU
#     >= 25% lower lazy than eager; 16 GiB (2 nodes) >= 200 MB lower;
#     64 GiB >= 900 MB lower
#   - deferred init >= 10x shorter lazy at 64 GiB
#   - faulting 75% of memory in a freshly booted guest: lazy/eager <= 1.10
#     (at 2 GiB: 12 GiB of 4 KiB faults at 16 GiB take minutes a boot under
#     TCG, 48 GiB would not fit this host), with the growth steps it took
#     and the longest with interrupts off
#   - zero cost when off and once finished: a page-fault microbenchmark
#     (guest/src/pf-bench, 128 MB x 10 loops, median ns per fault) in the
#     state as booted and after "eager" is written, eager vs lazy; and how
#     long that write takes (lazy: initialising what is left)
#
# Guest RAM is a sparse file in /dev/shm (qemu-run --file-backed): what the
# guest has touched is QEMU's RssShmem, read when the guest says "BENCH
# sample" after bench.idle= seconds; VmRSS (which adds QEMU itself and TCG's
# translation cache) is recorded beside it.
#
#   REPEAT=N   boots per configuration (default 5); medians are reported
#   SIZES="2G 16G 64G"  MODES="eager lazy"  OUT=DIR (build/bench/memmap-lazy)
#   IDLE=30    seconds idle before the sample
#   REPORT=DIR only print the tables again from DIR/runs.csv
#   PIN=CPU    run QEMU on this host CPU only (taskset): under TCG a boot's
#              speed depends on the host CPU its vCPU thread runs on
#   WARM=0     1: fault in and free 90% of MemAvailable before the
#              microbenchmark, so that it runs on memory the host backs
#   ICOUNT_SIZES="2G 16G 64G"  ICOUNT_REPEAT=3: then boot these sizes in
#              both modes again under QEMU -icount 0 (scripts/qemu-run
#              --icount): one TCG thread, and the guest's clock advances
#              1 ns per instruction executed, so that the fault run and
#              the microbenchmark measure instructions, not the host's
#              speed at that moment (ICOUNT_SIZES="" skips it).  Caches,
#              TLBs and memory bandwidth cost nothing there: these figures
#              say what work lazy mode adds, the wall-clock ones what TCG
#              made of it.
#   FLAVOUR=guest  the kernel flavour booted (build/images/FLAVOUR): "test"
#              is the debug kernel of make test (DEBUG_VM, lockdep)
#   APPEND="..."  more kernel parameters for every boot, e.g. vm_debug=-
#              (DEBUG_VM kernels: no struct page poisoning)
#
# Output: OUT/{runs.csv,summary.csv,icount.csv,meta.txt,host-memory.png}
. "$(dirname "$0")/../lib.sh"

REPEAT=${REPEAT:-5}
SIZES=${SIZES:-"2G 16G 64G"}
MODES=${MODES:-"eager lazy"}
IDLE=${IDLE:-30}
WARM=${WARM:-0}
ICOUNT_SIZES=${ICOUNT_SIZES-"2G 16G 64G"}
ICOUNT_REPEAT=${ICOUNT_REPEAT:-3}
# REPORT=DIR: only print the tables again from DIR/runs.csv (no boots)
if [ -n "${REPORT:-}" ]; then
	out=$REPORT
	[ -s "$out/runs.csv" ] || die "$out/runs.csv: no runs"
else
	PIN=${PIN:-}
	FLAVOUR=${FLAVOUR:-guest} APPEND=${APPEND:-}
	bench_init memmap-lazy REPEAT SIZES MODES IDLE WARM PIN ICOUNT_SIZES ICOUNT_REPEAT FLAVOUR APPEND
	pin=(); [ -z "$PIN" ] || pin=(taskset -c "$PIN")

	# qemu-run options per size: the seed's dense-fleet guest at 2 GiB, two
	# nodes at 16 GiB, one big node at 64 GiB; the fault run at 2 GiB only
	# (75% of 64 GiB does not fit the host, 12 GiB of 4 KiB faults at
	# 16 GiB take minutes a boot)
	size_args() {
		case $1 in
		2G) echo "--smp 1 --numa 1" ;;
		16G) echo "--smp 2 --numa 2" ;;
		*) echo "--smp 2 --numa 1" ;;
		esac
	}
	size_fault() { case $1 in 2G) echo 1 ;; *) echo 0 ;; esac; }

	mapfile -d '' -t common < <(python3 "$TOP/scripts/matrix.py" argv bench-memmap-lazy)
	[ ${#common[@]} -gt 0 ] || die "boots.ini: no section bench-memmap-lazy"
	[ "$FLAVOUR" = guest ] || "$TOP/scripts/build.sh" "$FLAVOUR"
	# boot a copy: a build during the run must not change the kernel
	cp "$IMAGES/$FLAVOUR/bzImage" "$out/bzImage"
	for i in "${!common[@]}"; do
		[ "${common[$i]}" != --kernel ] || common[i+1]=$out/bzImage
	done
	echo "kernel_booted=$IMAGES/$FLAVOUR/bzImage (copied to $out/bzImage) sha256 $(sha256sum "$out/bzImage" | cut -c1-16), config sha256 $(sha256sum "$IMAGES/$FLAVOUR/config" | cut -c1-16)" >> "$out/meta.txt"
	for a in $APPEND; do common+=(--append "$a"); done

	# size:mode:clock, clock "wall" (MTTCG, the guest's clock is the
	# host's) or "icount"; the wall-clock boots first, then the icount ones
	configs=() iconfigs=()
	for s in $SIZES; do for m in $MODES; do configs+=("$s:$m:wall"); done; done
	for s in $ICOUNT_SIZES; do for m in $MODES; do iconfigs+=("$s:$m:icount"); done; done
	bv() { sed -n "s/.*BENCH .*\\b$1=\\([0-9]*\\).*/\\1/p" "$2" | head -n1; }
	echo "size,mode,rep,deferred_ms,uninit_kb,shmem_kb,rss_kb,fault_ms,grow_sync,grow_atomic,grow_background,max_atomic_step_ns,init_ms,finish_ms,pf_booted_ns,pf_finished_ns,max_step_ns,clock,fault_us,grow_sync_us,grow_background_us" \
		> "$out/runs.csv"
	plan=()
	for rep in $(seq 1 "$REPEAT"); do
		[ ${#configs[@]} = 0 ] || for c in $(bench_order "$rep" "${configs[@]}"); do plan+=("$c:$rep"); done
	done
	for rep in $(seq 1 "$ICOUNT_REPEAT"); do
		[ ${#iconfigs[@]} = 0 ] || for c in $(bench_order "$rep" "${iconfigs[@]}"); do plan+=("$c:$rep"); done
	done
	for item in "${plan[@]}"; do
		IFS=: read -r size mode clock rep <<<"$item"
		cfg=$size:$mode:$clock
		log=$out/logs/$size-$mode-$clock-$rep.log rc=0
		icount=(); [ "$clock" = wall ] || icount=(--icount 0)
		{
			# shellcheck disable=SC2046
			bench_boot_sample "$log" "${pin[@]}" "$TOP/scripts/qemu-run" "${common[@]}" \
				$(size_args "$size") --mem "$size" --timeout 1500 "${icount[@]}" \
				--append "memmap_init=$mode bench.idle=$IDLE bench.fault=$(size_fault "$size") bench.warm=$WARM" || rc=$?
			if [ $rc != 0 ] || [ -z "$shmem" ]; then
				bench_fail "$cfg" "$rep" "exit $rc, sample '${shmem:-none}'" "$log"; continue
			fi
			got=$(sed -n 's/.*BENCH mode=\([a-z]*\).*/\1/p' "$log" | head -n1)
			bench_check "mode" "$mode" "$got" "$log"
			step=$(sed -n 's/.*BENCH debugfs .*max_atomic_step_ns \([0-9]*\).*/\1/p' "$log" | sort -n | tail -n1)
			# the longest step in any context, of all nodes
			anystep=$(sed -n 's/.*BENCH debugfs .* max_step_ns \([0-9]*\).*/\1/p' "$log" | sort -n | tail -n1)
			row="$size,$mode,$rep,$(bv deferred_ms "$log"),$(bv uninit_kb "$log"),$shmem,$rss"
			row+=",$(bv fault_ms "$log"),$(bv grow_sync "$log"),$(bv grow_atomic "$log")"
			row+=",$(bv grow_background "$log"),$step,$(bv init_ms "$log"),$(bv finish_ms "$log")"
			row+=",$(bv pf_booted_ns "$log"),$(bv pf_finished_ns "$log"),$anystep"
			row+=",$clock,$(bv fault_us "$log"),$(bv grow_sync_us "$log"),$(bv grow_background_us "$log")"
			echo "$row" >> "$out/runs.csv"
			printf '  %-4s %-5s %-6s rep %s: guest RAM %7s kB, VmRSS %7s kB, deferred init %5s ms, fault %6s ms, pf %s/%s ns\n' \
				"$size" "$mode" "$clock" "$rep" "$shmem" "$rss" "$(bv deferred_ms "$log")" "$(bv fault_ms "$log")" \
				"$(bv pf_booted_ns "$log")" "$(bv pf_finished_ns "$log")" >&2
		}
	done
fi

# rows of SIZE and MODE with clock K (wall by default; runs before the
# clock column are wall-clock ones) -> the values of column C
vals() { # size mode column [clock]
	awk -F, -v s="$1" -v m="$2" -v c="$3" -v k="${4:-wall}" \
		'NR > 1 && $1 == s && $2 == m && ($18 == "" ? "wall" : $18) == k && $c != "" { print $c }' \
		"$out/runs.csv"
}
col() { # size mode column [clock] -> median
	vals "$@" | median
}
# the median over lazy boots of the time growth took during the fault run,
# for faults and in the work item, in percent of that run's time: what
# lazy mode can have added to it
grow_share() { # size clock
	awk -F, -v s="$1" -v k="$2" 'NR > 1 && $1 == s && $2 == "lazy" && $18 == k && $19 > 0 {
		printf "%.3f\n", 100 * ($20 + $21) / $19 }' "$out/runs.csv" | median
}
spread() { # size mode column clock -> max/min over the boots
	vals "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 }
		END { if (NR && lo > 0) printf "%.4f\n", hi / lo; else print "nan" }'
}
echo "size,runs,eager_shmem_kb,lazy_shmem_kb,saved_mb,saved_pct,eager_rss_kb,lazy_rss_kb,eager_deferred_ms,lazy_deferred_ms,deferred_speedup,eager_fault_ms,lazy_fault_ms,fault_ratio,lazy_grow_sync,lazy_grow_atomic,lazy_max_atomic_step_us,eager_init_ms,lazy_init_ms,lazy_finish_ms,eager_pf_booted_ns,lazy_pf_booted_ns,eager_pf_finished_ns,lazy_pf_finished_ns,pf_booted_ratio,pf_finished_ratio,lazy_max_step_us,lazy_median_max_step_us,lazy_grow_share_pct" \
	> "$out/summary.csv"
printf '\n%-5s %5s %12s %12s %9s %7s %10s %10s %8s %10s %s\n' size runs "eager RAM kB" "lazy RAM kB" "saved MB" "saved" \
	"defer e/l" "speedup" "fault l/e" "irqs-off" "any step med/max"
for s in $SIZES; do
	n=$(vals "$s" lazy 2 | grep -c . || true)
	es=$(col "$s" eager 6) ls=$(col "$s" lazy 6)
	er=$(col "$s" eager 7) lr=$(col "$s" lazy 7)
	ed=$(col "$s" eager 4) ld=$(col "$s" lazy 4)
	ef=$(col "$s" eager 8) lf=$(col "$s" lazy 8)
	gs=$(col "$s" lazy 9) ga=$(col "$s" lazy 10)
	st=$(vals "$s" lazy 12 | sort -n | tail -n1)
	saved=$(awk -v a="$es" -v b="$ls" 'BEGIN { printf "%.1f", (a - b) / 1024 }')
	pct=$(awk -v a="$es" -v b="$ls" 'BEGIN { if (a > 0) printf "%.1f", 100 * (a - b) / a; else print "nan" }')
	sp=$(ratio "$ed" "$ld" %.1f)
	fr=$(ratio "$lf" "$ef" %.3f)
	stus=$(awk -v n="${st:-}" 'BEGIN { if (n != "") printf "%.0f", n / 1000; else print "nan" }')
	# each boot's longest step in any context: the worst and the median
	an=$(vals "$s" lazy 17 | sort -n | tail -n1)
	anus=$(awk -v n="${an:-}" 'BEGIN { if (n != "") printf "%.0f", n / 1000; else print "nan" }')
	amed=$(col "$s" lazy 17)
	amedus=$(awk -v n="${amed:-}" 'BEGIN { if (n != "" && n != "nan") printf "%.0f", n / 1000; else print "nan" }')
	ei=$(col "$s" eager 13) li=$(col "$s" lazy 13) lfin=$(col "$s" lazy 14)
	epb=$(col "$s" eager 15) lpb=$(col "$s" lazy 15)
	epf=$(col "$s" eager 16) lpf=$(col "$s" lazy 16)
	pbr=$(ratio "$lpb" "$epb" %.3f) pfr=$(ratio "$lpf" "$epf" %.3f)
	gsh=$(grow_share "$s" wall)
	echo "$s,$n,$es,$ls,$saved,$pct,$er,$lr,$ed,$ld,$sp,$ef,$lf,$fr,$gs,$ga,$stus,$ei,$li,$lfin,$epb,$lpb,$epf,$lpf,$pbr,$pfr,$anus,$amedus,$gsh" \
		>> "$out/summary.csv"
	printf '%-5s %5s %12s %12s %9s %6s%% %5s/%-5s %9sx %9s %8sus %s/%sus\n' "$s" "$n" "$es" "$ls" "$saved" \
		"$pct" "$ed" "$ld" "$sp" "$fr" "$stus" "$amedus" "$anus"
done
printf '\n%-5s %13s %13s %10s %15s %15s %9s %9s\n' size "init ms e/l" "finish ms" "" "pf booted e/l" \
	"pf finished e/l" "l/e" "l/e fin"
awk -F, 'NR > 1 { printf "%-5s %6s/%-6s %10s %10s %7s/%-7s %7s/%-7s %9s %9s\n", $1, $18, $19, $20, "", \
	$21, $22, $23, $24, $25, $26 }' "$out/summary.csv"
echo "(pf: median ns per 4 KiB fault+unmap, pf-bench 128 MB x 10; booted = the state as booted,"
echo " finished = after writing eager; finish ms = that write, lazy)"
printf '%-5s %s\n' size "growth during the fault run, % of its time (lazy, median)"
awk -F, 'NR > 1 && $8 != "nan" && $29 != "" && $29 != "nan" { printf "%-5s %s%%\n", $1, $29 }' "$out/summary.csv"
echo

# the same under -icount: instructions (1 ns each), not host speed
echo "size,runs,eager_fault_us,lazy_fault_us,fault_ratio,fault_spread_eager,fault_spread_lazy,lazy_grow_us,lazy_grow_share_pct,lazy_other_pct,eager_pf_booted_ns,lazy_pf_booted_ns,eager_pf_finished_ns,lazy_pf_finished_ns,pf_booted_ratio,pf_finished_ratio,pf_spread" \
	> "$out/icount.csv"
isizes=$(awk -F, 'NR > 1 && $18 == "icount" && !seen[$1]++ { print $1 }' "$out/runs.csv")
if [ -n "$isizes" ]; then
	printf '%s\n' "under -icount 0 (guest time = instructions executed, 1 ns each; medians, spread = max/min):"
	printf '%-5s %4s %21s %7s %9s %10s %9s %17s %17s %7s %7s %7s\n' size runs "fault ms e/l" "l/e" "spread e/l" \
		"growth ms" "growth %" "pf booted e/l" "pf finished e/l" "l/e" "l/e fin" "spread"
	for s in $isizes; do
		n=$(vals "$s" lazy 2 icount | grep -c . || true)
		ef=$(col "$s" eager 19 icount) lf=$(col "$s" lazy 19 icount)
		fr=$(ratio "$lf" "$ef" %.4f)
		fse=$(spread "$s" eager 19 icount) fsl=$(spread "$s" lazy 19 icount)
		gu=$(awk -F, -v s="$s" 'NR > 1 && $1 == s && $2 == "lazy" && $18 == "icount" && $19 != "" {
			print $20 + $21 }' "$out/runs.csv" | median)
		gsh=$(grow_share "$s" icount)
		# what the fault run took lazy beyond eager and beyond growth
		oth=$(awk -v e="$ef" -v l="$lf" -v g="$gu" \
			'BEGIN { if (e + 0 > 0 && l != "nan") printf "%.3f", 100 * (l - e - g) / e; else print "nan" }')
		epb=$(col "$s" eager 15 icount) lpb=$(col "$s" lazy 15 icount)
		epf=$(col "$s" eager 16 icount) lpf=$(col "$s" lazy 16 icount)
		pbr=$(ratio "$lpb" "$epb" %.4f) pfr=$(ratio "$lpf" "$epf" %.4f)
		psp=$( (vals "$s" eager 15 icount; vals "$s" lazy 15 icount; vals "$s" eager 16 icount;
			vals "$s" lazy 16 icount) | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 }
			END { if (NR && lo > 0) printf "%.4f\n", hi / lo; else print "nan" }')
		echo "$s,$n,$ef,$lf,$fr,$fse,$fsl,$gu,$gsh,$oth,$epb,$lpb,$epf,$lpf,$pbr,$pfr,$psp" >> "$out/icount.csv"
		printf '%-5s %4s %21s %7s %9s %10s %9s %17s %17s %7s %7s %7s\n' "$s" "$n" \
			"$(awk -v a="$ef" -v b="$lf" 'BEGIN { if (a == "nan") print "-"; else printf "%.1f/%.1f", a / 1000, b / 1000 }')" \
			"$fr" "$fse/$fsl" "$(awk -v g="$gu" 'BEGIN { if (g == "nan") print "-"; else printf "%.1f", g / 1000 }')" \
			"$gsh" "$epb/$lpb" "$epf/$lpf" "$pbr" "$pfr" "$psp"
	done
	echo "(growth: the time growth took during the lazy fault run, for faults and in the work"
	echo " item; l/e above 1 beyond it is what else lazy mode executed; spread: of all the pf figures)"
	echo
fi
# MemTotal and each zone's managed pages and watermarks as booted, eager
# against lazy: lazy mode counts what it leaves uninitialised as managed
# and free, so they must be the same (logs of this run; none with REPORT=
# on runs without the zoneinfo_boot lines)
printf '%-5s %s\n' size "MemTotal, managed pages and watermarks as booted, lazy vs eager"
seen=""
for s in $SIZES $ICOUNT_SIZES; do
	case " $seen " in *" $s "*) continue ;; esac
	seen="$seen $s"
	for m in eager lazy; do
		for f in "$out"/logs/"$s-$m"-*.log; do
			[ -f "$f" ] || continue
			grep -q 'BENCH zoneinfo_boot' "$f" || continue
			{ sed -n 's/.*BENCH memtotal_kb=\([0-9]*\).*/MemTotal \1/p' "$f"
			  sed -n 's/.*BENCH zoneinfo_boot \([^ ]*\) \(managed\|min\|low\|high\) \([0-9]*\)$/\1 \2 \3/p' "$f"
			} | md5sum | cut -c1-12
		done | sort | uniq -c | sed "s/^ */$m /"
	done > "$out/wmark-$s.txt"
	ne=$(grep -c '^eager' "$out/wmark-$s.txt" || true) nl=$(grep -c '^lazy' "$out/wmark-$s.txt" || true)
	if [ "$ne" = 0 ] || [ "$nl" = 0 ]; then
		printf '%-5s %s\n' "$s" "no figures"
	elif [ "$(awk '{ print $3 }' "$out/wmark-$s.txt" | sort -u | wc -l)" = 1 ]; then
		printf '%-5s %s\n' "$s" "equal in all $(awk '{ n += $2 } END { print n }' "$out/wmark-$s.txt") boots"
	else
		printf '%-5s %s\n' "$s" "DIFFERENT: $(tr '\n' ';' < "$out/wmark-$s.txt") (logs: BENCH zoneinfo_boot)"
	fi
done
echo
echo "raw runs: $out/runs.csv   summary: $out/summary.csv $out/icount.csv"

# the plot: wall-clock boots' guest RAM (none with REPEAT=0)
if command -v gnuplot >/dev/null && awk -F, 'NR > 1 && $3 != "nan" { f = 1 } END { exit !f }' "$out/summary.csv"; then
	awk -F, 'NR > 1 { printf "%s %s %s\n", $1, $3 / 1024, $4 / 1024 }' "$out/summary.csv" > "$out/plot.dat"
	if gnuplot <<GP
set terminal pngcairo size 720,420 noenhanced
set output "$out/host-memory.png"
set title "Guest RAM backed by the host after boot + ${IDLE}s idle (median of $REPEAT boots)"
set ylabel "MiB"; set style data histogram; set style histogram cluster gap 1
set style fill solid 0.8 border -1; set key left top; set grid ytics; set yrange [0:*]
plot "$out/plot.dat" using 2:xtic(1) title "memmap_init=eager", "" using 3 title "memmap_init=lazy"
GP
	then echo "plot: $out/host-memory.png"; else echo "plot failed (see above)"; fi
fi
[ -n "${REPORT:-}" ] || bench_finish
