#!/bin/sh
# Guest side of bench/memmap-lazy (not part of "all"): what deferred init
# took and left, then bench.idle= seconds idle (default 30) before
# "BENCH sample", when the host reads QEMU's memory; bench.hold= seconds
# (default 15) later, with bench.fault=1, the time to fault 75% of MemTotal
# in 4 KiB pages, and the growth counters.  Prints "BENCH key=value" lines.
. /tests/lib.sh
IDLE=$(arg bench.idle 30)
HOLD=$(arg bench.hold 15)
FAULT=$(arg bench.fault 0)
ms_now() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

ms=0 pages=0
for l in $(dmesg | sed -n 's/.*node [0-9]* deferred pages initialised in \([0-9]*\)ms: \([0-9]*\) pages.*/\1:\2/p'); do
	m=${l%%:*}; p=${l#*:}
	[ "$m" -gt "$ms" ] && ms=$m
	pages=$((pages + p))
done
echo "BENCH deferred_ms=$ms deferred_pages=$pages"
echo "BENCH mode=$(cat /sys/kernel/mm/memmap_lazy/state 2>/dev/null || echo none)"
echo "BENCH memtotal_kb=$(meminfo MemTotal) uninit_kb=$(meminfo MemmapUninit)"
echo "BENCH init_ms=$(ms_now)"
sleep "$IDLE"
echo "BENCH uninit_idle_kb=$(meminfo MemmapUninit) memfree_kb=$(meminfo MemFree)"
echo "BENCH sample"
# the harness prints a test's output when it ends: the host watches the
# console for this line while the guest holds still
echo "BENCH sample" > /dev/console
sleep "$HOLD"
if [ "$FAULT" = 1 ]; then
	mb=$(($(meminfo MemTotal) * 3 / 4 / 1024))
	g0=$(vm memmap_lazy_grow) a0=$(vm memmap_lazy_grow_atomic) b0=$(vm memmap_lazy_grow_background)
	t0=$(ms_now)
	/kselftest/mm/page_reporting_fill "$mb" > /dev/null || echo "BENCH error: filling $mb MB failed"
	t1=$(ms_now)
	echo "BENCH fault_mb=$mb fault_ms=$((t1 - t0))"
	echo "BENCH grow_sync=$(( $(vm memmap_lazy_grow) - ${g0:-0} )) grow_atomic=$(( $(vm memmap_lazy_grow_atomic) - ${a0:-0} )) grow_background=$(( $(vm memmap_lazy_grow_background) - ${b0:-0} ))"
	[ -r /sys/kernel/debug/memmap_lazy ] && sed 's/^/BENCH debugfs /' /sys/kernel/debug/memmap_lazy
fi
exit 0
