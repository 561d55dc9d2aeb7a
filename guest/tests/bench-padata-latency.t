#!/bin/sh
# Guest side of bench/padata-latency (not part of "all"): the wakeup
# latency cyclictest (Debian's rt-tests) sees on every CPU of the guest
# while a pmem namespace is bound as fsdax (memmap on the device) and
# unbound in a loop, bench.seconds= (default 20) per run, bench.reps= runs
# (default 3) per load, the loads interleaved:
#   idle    no binding
#   t1      binds with padata.mt_max_threads=1: the caller alone, nice 0
#   t2      mt_max_threads=2, caller at nice 0: its helper runs at nice 19
#           while the caller takes chunks, at nice 0 once it waits
#   t2n19   mt_max_threads=2, caller at nice 19: helper at nice 19 throughout
# and two cyclictest policies: SCHED_OTHER at nice 0 (prio=0, a task that
# competes with the job's threads for CPU time) and SCHED_FIFO 80 (prio=80,
# which sees how long the job's threads keep a CPU from rescheduling).
#
# Prints "BENCH load=L prio=P rep=R cpu=C max_us=M avg_us=A binds=B" per
# CPU and run, and "BENCH error ..." when something did not work.
. /tests/lib.sh
P=/sys/module/padata/parameters/mt_max_threads
ND=/sys/bus/nd
SECS=$(arg bench.seconds 20)
self=$0
REPS=$(arg bench.reps 3)

# bind_loop: bind and unbind the pfn device until /tmp/stop exists; the
# count in /tmp/binds (run as "$0 --bind-loop PFN_DEVICE NICE", a process of
# its own that renices itself: busybox has renice, not nice)
bind_loop() {
	n=0
	while [ ! -e /tmp/stop ]; do
		put $ND/drivers/nd_pmem/bind "$pfn" || { echo "BENCH error could not bind $pfn"; break; }
		put $ND/devices/$pfn/driver/unbind "$pfn"
		n=$((n + 1))
	done
	echo $n > /tmp/binds
}

if [ "${1:-}" = --bind-loop ]; then
	pfn=$2
	renice -n "$3" -p $$ >/dev/null || { echo "BENCH error renice $3"; exit 1; }
	[ "$(awk '{ print $19 }' /proc/$$/stat)" = "$3" ] ||
		{ echo "BENCH error the bind loop is not at nice $3"; exit 1; }
	bind_loop
	exit 0
fi

command -v cyclictest >/dev/null || { echo "BENCH error no cyclictest (rt-tests)"; exit 1; }
[ -e $P ] || { echo "BENCH error no $P"; exit 1; }
ns=""
for d in $ND/devices/namespace*.*; do
	[ -e "$d/mode" ] && [ "$(cat "$d/mode")" = raw ] || continue
	ns=$(basename "$d"); break
done
[ -n "$ns" ] || { echo "BENCH error no raw namespace"; exit 1; }
region=$(basename "$(readlink -f "$ND/devices/$ns/..")")
[ -e "$ND/devices/$ns/driver" ] && put "$ND/devices/$ns/driver/unbind" "$ns"
ncpu=$(cpu_count "$(cat /sys/devices/system/cpu/online)")
# one pfn device (fsdax, memmap on the device), bound and unbound by the loads
pfn=$(cat $ND/devices/$region/pfn_seed)
put "$ND/devices/$pfn/uuid" "$(cat /proc/sys/kernel/random/uuid)" &&
	put "$ND/devices/$pfn/mode" pmem && put "$ND/devices/$pfn/align" 2097152 &&
	put "$ND/devices/$pfn/namespace" "$ns" || { echo "BENCH error could not set up $pfn"; exit 1; }

# run LOAD PRIO REP
run() {
	rm -f /tmp/stop /tmp/binds
	loader=""
	case $1 in
	idle) ;;
	t1) put $P 1; "$self" --bind-loop "$pfn" 0 & loader=$! ;;
	t2) put $P 2; "$self" --bind-loop "$pfn" 0 & loader=$! ;;
	t2n19) put $P 2; "$self" --bind-loop "$pfn" 19 & loader=$! ;;
	esac
	# first binds first: a run measures the load, not its start
	[ -z "$loader" ] || sleep 1
	# -p alone makes SCHED_FIFO, even -p 0: name the policy
	if [ "$2" = 0 ]; then pol="--policy=other"; else pol="--policy=fifo -p $2"; fi
	cyclictest -q -m -a -t "$ncpu" -i 1000 $pol -D "$SECS" > /tmp/ct 2>&1 ||
		echo "BENCH error cyclictest: $(tail -n1 /tmp/ct)"
	[ "$(grep -c "^T:.* P: *$2 " /tmp/ct)" = "$ncpu" ] ||
		echo "BENCH error cyclictest did not report $ncpu threads at priority $2: $(grep '^T:' /tmp/ct | head -n1)"
	touch /tmp/stop
	[ -z "$loader" ] || wait "$loader"
	binds=$(cat /tmp/binds 2>/dev/null || echo 0)
	[ -z "$loader" ] || [ "$binds" -gt 0 ] || echo "BENCH error load $1 made no bind"
	# "T: 0 ( 123) P: 0 I:1000 C:  19999 Min: 5 Act: 9 Avg: 12 Max: 345"
	sed -n 's/^T: *\([0-9]*\) .*Avg: *\([0-9]*\) *Max: *\([0-9]*\).*/\1 \2 \3/p' /tmp/ct |
	while read -r cpu avg max; do
		echo "BENCH load=$1 prio=$2 rep=$3 cpu=$cpu max_us=$max avg_us=$avg binds=$binds"
	done
}

loads="idle t1 t2 t2n19"
r=1
while [ $r -le "$REPS" ]; do
	# rotate the order of the loads from one rep to the next
	set -- $loads
	i=1
	while [ $i -lt "$r" ]; do l=$1; shift; set -- "$@" "$l"; i=$((i + 1)); done
	for l in "$@"; do
		for prio in 0 80; do run "$l" $prio $r; done
	done
	r=$((r + 1))
done
put $P 1
exit 0
