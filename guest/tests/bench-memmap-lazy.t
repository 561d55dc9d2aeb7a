#!/bin/sh
# Guest side of bench/memmap-lazy (not part of "all"): what deferred init
# took and left, then bench.idle= seconds idle (default 30) before
# "BENCH sample", when the host reads QEMU's memory; bench.hold= seconds
# (default 15) later, with bench.fault=1, the time to fault 75% of MemTotal
# in 4 KiB pages, and the growth counters; then, with bench.pf=1 (default),
# the page-fault microbenchmark (pf-bench 128 MB, 10 loops) before and
# after "eager" is written to the state, and how long that write took (in
# lazy mode: initialising everything left).  With bench.warm=1, 90% of
# MemAvailable is faulted in and freed first, so that the microbenchmark
# runs on memory the host already backs (a first touch of guest memory
# costs the host a page fault).
# With bench.marks=1 (bench/memmap-lazy/pf-diag.sh), "BENCH mark NAME" on
# the console before and after each microbenchmark, each followed by a
# pause in which the host reads how much guest RAM it backs.
# Under QEMU -icount (bench ICOUNT=) the guest's clock counts instructions:
# the same figures are then counts, not times.
# Prints "BENCH key=value" lines.
. /tests/lib.sh
IDLE=$(arg bench.idle 30)
HOLD=$(arg bench.hold 15)
FAULT=$(arg bench.fault 0)
PF=$(arg bench.pf 1)
WARM=$(arg bench.warm 0)
MARKS=$(arg bench.marks 0)
mark() { # NAME: let the host read its memory figures now
	[ "$MARKS" = 1 ] || return 0
	echo "BENCH mark $1" > /dev/console
	sleep 3
}
ms_now() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
# CLOCK_MONOTONIC in us (/proc/uptime has 10 ms steps; busybox date no %N)
us_now() { awk '$1 == "now" { printf "%.0f\n", $3 / 1000; exit }' /proc/timer_list; }
# PREFIX: what sizes the allocator's per-CPU lists and reclaim, each
# populated zone's managed pages, watermarks and its CPUs' pcp high and
# batch, a line each
zoneinfo() {
	awk 'function out() { if (z != "" && man > 0) printf "%s", buf }
		$1 == "Node" { out(); z = $2 "/" $4; buf = ""; man = 0 }
		$1 == "managed" { man = $2 }
		$1 == "managed" || $1 == "min" || $1 == "low" || $1 == "high:" ||
		$1 == "batch:" || ($1 == "high" && NF == 2) { buf = buf z " " $1 " " $2 "\n" }
		END { out() }' /proc/zoneinfo | sed "s|^|$1 |"
}
# "sync_ns atomic_ns background_ns" summed over nodes (0 0 0 when eager)
grow_ns() {
	awk '{ for (i = 1; i < NF; i++) {
		if ($i == "sync_ns") s += $(i + 1)
		if ($i == "atomic_ns") a += $(i + 1)
		if ($i == "background_ns") b += $(i + 1) } }
		END { printf "%.0f %.0f %.0f\n", s, a, b }' /sys/kernel/debug/memmap_lazy/stats 2>/dev/null || echo "0 0 0"
}

ms=0 pages=0
for l in $(dmesg | sed -n 's/.*node [0-9]* deferred pages initialised in \([0-9]*\)ms: \([0-9]*\) pages.*/\1:\2/p'); do
	m=${l%%:*}; p=${l#*:}
	[ "$m" -gt "$ms" ] && ms=$m
	pages=$((pages + p))
done
echo "BENCH deferred_ms=$ms deferred_pages=$pages"
echo "BENCH mode=$(cat /sys/kernel/mm/memmap_lazy/state 2>/dev/null || echo none)"
echo "BENCH memtotal_kb=$(meminfo MemTotal) uninit_kb=$(meminfo MemmapUninit)"
# as booted: what lazy mode must leave as an eager boot has it
zoneinfo "BENCH zoneinfo_boot"
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
	n0=$(grow_ns)
	t0=$(us_now)
	/kselftest/mm/page_reporting_fill "$mb" > /dev/null || echo "BENCH error: filling $mb MB failed"
	t1=$(us_now)
	n1=$(grow_ns)
	echo "BENCH fault_mb=$mb fault_ms=$(((t1 - t0) / 1000)) fault_us=$((t1 - t0))"
	echo "BENCH grow_sync=$(( $(vm memmap_lazy_grow) - ${g0:-0} )) grow_atomic=$(( $(vm memmap_lazy_grow_atomic) - ${a0:-0} )) grow_background=$(( $(vm memmap_lazy_grow_background) - ${b0:-0} ))"
	# the time growth took during the fill, all nodes: for the faults
	# that waited for it, and in the work item (which, on one vCPU, took
	# the CPU from the fill)
	echo "$n0 $n1" | awk '{ printf "BENCH grow_sync_us=%.0f grow_background_us=%.0f\n", ($4 - $1) / 1000, ($6 - $3) / 1000 }'
	[ -r /sys/kernel/debug/memmap_lazy/stats ] && sed 's/^/BENCH debugfs /' /sys/kernel/debug/memmap_lazy/stats
fi
if [ "$WARM" = 1 ]; then
	mb=$(($(meminfo MemAvailable) * 9 / 10 / 1024))
	/kselftest/mm/page_reporting_fill "$mb" > /dev/null || echo "BENCH error: warming $mb MB failed"
	echo "BENCH warm_mb=$mb uninit_warm_kb=$(meminfo MemmapUninit)"
fi
if [ "$PF" = 1 ]; then
	# zero cost when off and once finished: the same faults with the
	# state as booted (eager: never on; lazy: the key still on), then
	# after writing "eager" (lazy: finishing turns the key off).  The
	# whole pf-bench line (median, fastest and slowest loop) is printed
	# too; after finishing it runs twice
	mark pf_booted_start
	out=$(pf-bench 128 10)
	mark pf_booted_end
	pf=$(echo "$out" | sed -n 's/.*ns_per_fault=\([0-9]*\).*/\1/p')
	echo "BENCH pf_booted: $out"
	t0=$(ms_now)
	echo eager > /sys/kernel/mm/memmap_lazy/state || echo "BENCH error: writing eager failed"
	t1=$(ms_now)
	mark pf_finished_start
	out=$(pf-bench 128 10)
	mark pf_finished_end
	pf2=$(echo "$out" | sed -n 's/.*ns_per_fault=\([0-9]*\).*/\1/p')
	echo "BENCH pf_finished: $out"
	out=$(pf-bench 128 10)
	mark pf_again_end
	echo "BENCH pf_finished_again: $out"
	echo "BENCH finish_ms=$((t1 - t0)) pf_booted_ns=$pf pf_finished_ns=$pf2 state=$(cat /sys/kernel/mm/memmap_lazy/state)"
	zoneinfo "BENCH zoneinfo"
fi
exit 0
