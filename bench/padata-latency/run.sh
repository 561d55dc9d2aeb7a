#!/bin/bash
# bench/padata-latency: the wakeup latency another task sees on the CPUs
# of a 2-vCPU guest while runtime padata jobs run there: cyclictest
# (Debian's rt-tests, one thread per CPU, 1 ms interval) during a loop of
# fsdax binds of a label-less nvdimm (memmap on the device: one
# memmap_init_zone_device() job per bind), under four loads interleaved in
# each boot (bench-padata-latency.t):
#   idle   no binds       t1     mt_max_threads=1 (the caller alone, nice 0)
#   t2     mt_max_threads=2, caller at nice 0 (its helper at nice 19 while
#          the caller takes chunks, at the caller's nice 0 once it waits)
#   t2n19  mt_max_threads=2, caller at nice 19 (helper at 19 throughout)
# for cyclictest at SCHED_OTHER nice 0 (prio 0) and at SCHED_FIFO 80.
#
# Issue 12 asks for the figure, not for a goal: the worst latency a task
# sees while a job runs, helpers at low priority vs at the caller's.
#
#   REPEAT=N   boots (default 1)   REPS=N  runs per load and policy in each
#   boot (default 3)   SECONDS_PER_RUN=N (default 20)   NVDIMM=16G
#   OUT=DIR (default build/bench/padata-latency)
#
# Output: OUT/{runs.csv,summary.csv,meta.txt,logs/}
. "$(dirname "$0")/../lib.sh"

REPEAT=${REPEAT:-1}
REPS=${REPS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-20}
NVDIMM=${NVDIMM:-16G}
bench_init padata-latency REPEAT REPS SECONDS_PER_RUN NVDIMM

echo "boot,load,prio,rep,cpu,max_us,avg_us,binds" > "$out/runs.csv"
for rep in $(seq 1 "$REPEAT"); do
	log=$out/logs/boot-$rep.log
	dev="-machine nvdimm=on -object memory-backend-file,id=nv0,size=$NVDIMM,mem-path=/dev/shm,share=on"
	dev+=" -device nvdimm,id=nvdimm0,memdev=nv0"
	tmo=$(( REPS * 8 * (SECONDS_PER_RUN + 15) + 300 ))
	CFG=boot REP=$rep BENCH_DEV=$dev BENCH_QEMU="--maxmem $(( 4 + ${NVDIMM%G} + 2 ))G" \
		bench_boot bench-padata-latency "$log" 4G "$tmo" \
		"bench.reps=$REPS" "bench.seconds=$SECONDS_PER_RUN" || continue
	{ grep -o 'BENCH load=.*' "$log" || true; } | while read -r _ line; do
		echo "$rep,$(kv load "$line"),$(kv prio "$line"),$(kv rep "$line"),$(kv cpu "$line"),$(kv max_us "$line"),$(kv avg_us "$line"),$(kv binds "$line")"
	done >> "$out/runs.csv"
done

# per (policy, load): the median over runs of the worst latency of any CPU
# in the run, the worst of all runs, the median average, binds per run
echo "prio,load,runs,median_max_us,worst_max_us,median_avg_us,median_binds" > "$out/summary.csv"
printf '\n%-12s %-6s %4s %14s %13s %13s %7s\n' policy load runs "median max us" "worst max us" "median avg us" binds
for prio in 0 80; do
	[ "$prio" = 0 ] && pol="OTHER nice 0" || pol="FIFO 80"
	for load in idle t1 t2 t2n19; do
		rows=$(awk -F, -v p="$prio" -v l="$load" 'NR > 1 && $2 == l && $3 == p' "$out/runs.csv")
		[ -n "$rows" ] || continue
		# one figure per run: the worst of its CPUs
		maxes=$(echo "$rows" | awk -F, '{ k = $1 "/" $4; if ($6 > m[k]) m[k] = $6 } END { for (k in m) print m[k] }')
		runs=$(echo "$maxes" | grep -c .)
		med=$(echo "$maxes" | median)
		worst=$(echo "$maxes" | sort -g | tail -n1)
		avg=$(echo "$rows" | cut -d, -f7 | median)
		binds=$(echo "$rows" | awk -F, '$5 == 0 { print $8 }' | median)
		echo "$prio,$load,$runs,$med,$worst,$avg,$binds" >> "$out/summary.csv"
		printf '%-12s %-6s %4s %14s %13s %13s %7s\n' "$pol" "$load" "$runs" "$med" "$worst" "$avg" "$binds"
	done
done
bench_finish
