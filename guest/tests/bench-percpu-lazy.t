#!/bin/sh
# Guest side of bench/percpu-lazy (not part of "all"): the memory cost of
# bench.memcgs= memcgs (default 1000), then the latency of bringing CPUs up
# for the first time with those memcgs alive (bench.onlines=, default 5
# CPUs from cpu2 up), then of re-onlining them.  Prints "BENCH key=value"
# lines for the host script.
. /tests/lib.sh
S=/sys/kernel/debug/percpu_stats
st() { stat_field $S "$1" 3; }
CG=/sys/fs/cgroup
N=$(arg bench.memcgs 1000)
K=$(arg bench.onlines 5)

settle() { sync; echo 3 > /proc/sys/vm/drop_caches; sleep 2; }
# Free memory, counting the pages parked on per-CPU page lists as free:
# drop_caches frees page cache onto them, and how much stays there varies
# from boot to boot by several MB, which MemFree alone would count as cost.
pcp_kb() { awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo; }
free_kb() { echo $(( $(meminfo MemFree) + $(pcp_kb) )); }
echo +memory > $CG/cgroup.subtree_control
mkdir $CG/b && echo +memory > $CG/b/cgroup.subtree_control
settle
p0=$(meminfo Percpu); f0=$(free_kb)
i=0
while [ $i -lt "$N" ]; do mkdir $CG/b/m$i || exit 1; i=$((i + 1)); done
settle
p1=$(meminfo Percpu); f1=$(free_kb)
echo "BENCH possible=$(cat /sys/devices/system/cpu/possible) online=$(cat /sys/devices/system/cpu/online) lazy=$(st enabled)"
echo "BENCH memcgs=$N percpu_kb=$((p1 - p0)) memfree_kb=$((f0 - f1)) percpu_before_kb=$p0"

c=2; k=0
while [ $k -lt "$K" ]; do
	ns=$(cpu-online-ns $c 1) || exit 1
	echo "BENCH first_online cpu=$c ns=$ns hold_ns=$(st last_hold_ns) total_ns=$(st last_total_ns) pages=$(st last_pages) ctors=$(st last_ctors)"
	c=$((c + 1)); k=$((k + 1))
done
c=2; k=0
while [ $k -lt "$K" ]; do
	cpu-online-ns $c 0 > /dev/null || exit 1
	ns=$(cpu-online-ns $c 1) || exit 1
	echo "BENCH re_online cpu=$c ns=$ns"
	c=$((c + 1)); k=$((k + 1))
done
echo "BENCH after_online percpu_kb=$(( $(meminfo Percpu) - p0 ))"
exit 0
