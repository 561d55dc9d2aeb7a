#!/bin/sh
# Guest side of bench/dense-fleet (not part of "all"): a dense-fleet guest
# at rest.  bench.memcgs= memcgs (default 1000) are created, caches dropped,
# then bench.idle= seconds (default 30) idle before "BENCH sample", when the
# host reads QEMU's memory; the guest's own view is printed beside it:
# MemFree, Percpu, MemmapUninit and what the series' features say they are.
. /tests/lib.sh
CG=/sys/fs/cgroup
N=$(arg bench.memcgs 1000)
IDLE=$(arg bench.idle 30)
HOLD=$(arg bench.hold 5)
rd() { cat "$1" 2>/dev/null || echo none; }

echo +memory > $CG/cgroup.subtree_control
mkdir $CG/b && echo +memory > $CG/b/cgroup.subtree_control
i=0
while [ $i -lt "$N" ]; do mkdir $CG/b/m$i || exit 1; i=$((i + 1)); done
sync; echo 3 > /proc/sys/vm/drop_caches
echo "BENCH possible=$(cat /sys/devices/system/cpu/possible) online=$(cat /sys/devices/system/cpu/online) memcgs=$N"
echo "BENCH memmap=$(rd /sys/kernel/mm/memmap_lazy/state) percpu_lazy=$(stat_field /sys/kernel/debug/percpu_stats enabled 3 2>/dev/null || echo none) boundary=$(rd /sys/module/page_reporting/parameters/boundary)"
sleep "$IDLE"
echo "BENCH memtotal_kb=$(meminfo MemTotal) memfree_kb=$(meminfo MemFree) memavail_kb=$(meminfo MemAvailable) percpu_kb=$(meminfo Percpu) uninit_kb=$(meminfo MemmapUninit)"
echo "BENCH sample"
echo "BENCH sample" > /dev/console
sleep "$HOLD"
exit 0
