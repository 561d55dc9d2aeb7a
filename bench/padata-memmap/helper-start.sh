#!/bin/bash
# bench/padata-memmap/helper-start.sh: when the threads of a 2-thread
# onlining job start, from the scheduler's trace.  For each kernel in
# KERNELS, one boot of a 2-vCPU guest with 62 GiB of boot memory (2 GiB
# blocks) and a cold-plugged DIMM: its blocks are onlined and offlined
# ROUNDS times with padata.mt_max_threads=2 while sched, ipi, workqueue
# and padata events are traced.  Per job it reports
#   caller_wait_ms   from entering padata_do_multithreaded() to the
#                    caller's first chunk (padata_mt_job_start is traced
#                    just before it; the entry is the end minus duration)
#   helper_start_ms  from the entry to the helper's first run at nice 19
#                    (its run after the wakeup, not the one at creation)
#
#   KERNELS="LABEL=BZIMAGE ..."  (default: guest=<the guest kernel>)
#   ROUNDS=N (default 3)   DIMM=4G   OUT=DIR
#
# Output: OUT/{jobs.csv,summary.csv,meta.txt,logs/}
. "$(dirname "$0")/../lib.sh"

ROUNDS=${ROUNDS:-3}
DIMM=${DIMM:-4G}
KERNELS=${KERNELS:-guest=$IMAGES/guest/bzImage}
bench_init padata-helper-start ROUNDS DIMM KERNELS

guest_script() {
	cat <<'GUEST'
P=/sys/module/padata/parameters/mt_max_threads
M=/sys/devices/system/memory
TR=/sys/kernel/tracing
[ -e $TR/events ] || mount -t tracefs nodev $TR
echo 16384 > $TR/buffer_size_kb
for e in padata/padata_mt_job_start padata/padata_mt_job_end sched/sched_switch \
	sched/sched_wakeup sched/sched_waking sched/sched_process_fork workqueue/workqueue_execute_start; do
	[ -e $TR/events/$e/enable ] && echo 1 > $TR/events/$e/enable
done
blocks=""
for b in $M/memory*; do [ "$(cat $b/state)" = offline ] && blocks="$blocks $(basename $b)"; done
echo 2 > $P
for b in $blocks; do echo online_movable > $M/$b/state; done	# warm-up
for b in $blocks; do echo offline > $M/$b/state; done
r=0
while [ $r -lt ROUNDS_HERE ]; do
	for b in $blocks; do
		echo > $TR/trace
		echo online_movable > $M/$b/state
		echo "=== job $b"
		grep -E "padata_mt_job_(start|end)|next_comm=padata_mt" $TR/trace
	done
	for b in $blocks; do echo offline > $M/$b/state; done
	r=$((r + 1))
done
echo 1 > $P
GUEST
}

echo "kernel,job,caller_wait_ms,helper_start_ms,job_ms,threads" > "$out/jobs.csv"
for kernel in $KERNELS; do
	label=${kernel%%=*}
	log=$out/logs/$label.log
	"$TOP/scripts/qemu-run" --kernel "${kernel#*=}" --mem 62G --file-backed --smp 2 \
		--maxmem $(( 62 + ${DIMM%G} + 2 ))G \
		--device "-object memory-backend-ram,id=hp0,size=$DIMM -device pc-dimm,id=dimm0,memdev=hp0" \
		--append memhp_default_state=offline --append quiet --timeout 900 --log "$log" \
		-x "$(guest_script | sed "s/ROUNDS_HERE/$ROUNDS/")" > /dev/null ||
		{ bench_fail "$label" 1 "guest failed" "$log"; continue; }
	awk -v k="$label" '
	function ts(   i) { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) return $i + 0; return -1 }
	/=== job/ { n++; s = ""; h = ""; next }
	/padata_mt_job_start/ { s = ts() }
	/sched_switch:.*next_comm=padata_mt.*next_prio=139/ && h == "" { h = ts() }
	/padata_mt_job_end/ {
		e = ts(); match($0, /duration_ns=[0-9]+/); d = substr($0, RSTART + 12, RLENGTH - 12) / 1e9
		match($0, /threads=[0-9]+/); t = substr($0, RSTART + 8, RLENGTH - 8)
		printf "%s,%d,%.3f,%s,%.3f,%s\n", k, n, (s - (e - d)) * 1000,
			h == "" ? "none" : sprintf("%.3f", (h - (e - d)) * 1000), d * 1000, t
	}' "$log" >> "$out/jobs.csv"
done

echo "kernel,jobs,median_caller_wait_ms,max_caller_wait_ms,median_helper_start_ms,max_helper_start_ms,median_job_ms" > "$out/summary.csv"
printf '\n%-10s %5s %12s %12s %13s %13s %9s\n' kernel jobs "wait med" "wait max" "helper med" "helper max" "job med"
for kernel in $KERNELS; do
	label=${kernel%%=*}
	rows=$(awk -F, -v k="$label" 'NR > 1 && $1 == k' "$out/jobs.csv")
	n=$(echo "$rows" | grep -c . || true)
	[ "$n" -gt 0 ] || continue
	wm=$(echo "$rows" | cut -d, -f3 | median); wx=$(echo "$rows" | cut -d, -f3 | sort -g | tail -n1)
	hs=$(echo "$rows" | cut -d, -f4 | grep -v none)
	hm=$(echo "$hs" | median); hx=$(echo "$hs" | sort -g | tail -n1)
	jm=$(echo "$rows" | cut -d, -f5 | median)
	echo "$label,$n,$wm,$wx,$hm,$hx,$jm" >> "$out/summary.csv"
	printf '%-10s %5s %12s %12s %13s %13s %9s\n' "$label" "$n" "$wm" "$wx" "$hm" "$hx" "$jm"
done
bench_finish
