#!/bin/sh
# Guest side of bench/percpu-lazy (not part of "all"): the memory cost of
# bench.memcgs= memcgs (default 1000), then the latency of bringing CPUs up
# for the first time with those memcgs alive (bench.onlines=, default 5
# CPUs from cpu2 up), then of re-onlining them; then bench.churn= (default
# 0) memcg create+remove cycles, in batches of bench.churn_batch= (100),
# and what they cost the lazy chunks.  Prints
# "BENCH key=value" lines for the host script.
. /tests/lib.sh
S=/sys/kernel/debug/percpu_stats
st() { stat_field $S "$1" 3; }
CG=/sys/fs/cgroup
N=$(arg bench.memcgs 1000)
K=$(arg bench.onlines 5)
CHURN=$(arg bench.churn 0)

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
	fl=$(st nr_tlb_flushes)
	ns=$(percpu_lazy_online $c 1) || exit 1
	echo "BENCH first_online cpu=$c ns=$ns hold_ns=$(st last_hold_ns) total_ns=$(st last_total_ns) pages=$(st last_pages) ctors=$(st last_ctors) irqoff_max_ns=$(st max_irqoff_ns) tlb_flushes=$(( $(st nr_tlb_flushes) - fl ))"
	c=$((c + 1)); k=$((k + 1))
done
c=2; k=0
while [ $k -lt "$K" ]; do
	percpu_lazy_online $c 0 > /dev/null || exit 1
	ns=$(percpu_lazy_online $c 1) || exit 1
	echo "BENCH re_online cpu=$c ns=$ns"
	c=$((c + 1)); k=$((k + 1))
done
echo "BENCH after_online percpu_kb=$(( $(meminfo Percpu) - p0 ))"

# memcg churn: create+remove cycles next to the live memcgs.  css frees are
# asynchronous (RCU, then a work item), and so is the percpu balance work
# that depopulates and destroys chunks: wait until no memcg is dying and the
# lazy chunk counters have stopped moving.
[ "$CHURN" -gt 0 ] || exit 0
lc() { echo "$(st chunks_created) $(st chunks_destroyed) $(st pages_populated) $(st pages_depopulated) $(st depopulate_flushes)"; }
quiesce() {
	w=0
	while [ "$(awk '$1 == "nr_dying_descendants" { print $2 }' $CG/b/cgroup.stat)" != 0 ]; do
		w=$((w + 1)); [ $w -le 300 ] || { echo "memcgs still dying after 300 s"; exit 1; }
		sleep 1
	done
	prev=""; cur=$(lc)
	while [ "$cur" != "$prev" ]; do sleep 2; prev=$cur; cur=$(lc); done
}
quiesce
set -- $(lc); c0=$1 d0=$2 p0=$3 dp0=$4 fl0=$5
# in batches, as containers come and go: create B, remove them, repeat
B=$(arg bench.churn_batch 100)
i=0
while [ $i -lt "$CHURN" ]; do
	j=0; while [ $j -lt "$B" ]; do mkdir $CG/b/c$j || exit 1; j=$((j + 1)); done
	j=0; while [ $j -lt "$B" ]; do rmdir $CG/b/c$j || exit 1; j=$((j + 1)); done
	i=$((i + B))
done
quiesce
set -- $(lc)
echo "BENCH churn cycles=$i batch=$B chunks_created=$(($1 - c0)) chunks_destroyed=$(($2 - d0)) pages_populated=$(($3 - p0)) pages_depopulated=$(($4 - dp0)) depopulate_flushes=$(($5 - fl0))"
exit 0
