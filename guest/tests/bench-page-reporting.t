#!/bin/sh
# Guest side of bench/page-reporting (not part of "all").  Boot with
# page_reporting_test.enable=1 page_reporting.boundary=1, and:
#   bench.k=K            order-9 blocks freed before each measured pass (64)
#   bench.rounds=N       measured passes per boundary setting (5)
#   bench.free_mb=MB     also time reporting MB freed at once (0: skip)
#   bench.holds=N        then N passes one after the other, boundary on, each
#                        after K frees: the longest zone->lock hold of each
#                        (the every-16th check pass among them) (0: skip)
#   bench.compact=1      then a compaction-heavy load (memory held in THPs and
#                        fragmented 4K pages, huge pages asked for) with page_reporting_order
#                        9 and 5, boundary on and off: boundary resets and
#                        entries visited per pass
#   bench.pf=1           only the page fault microbenchmark, then stop
# Prints "BENCH key=value" lines for the host script.
. /tests/lib.sh
P=/sys/module/page_reporting/parameters
now_cs() { awk '{ split($1, t, "."); print t[1] * 100 + t[2] }' /proc/uptime; }
K=$(arg bench.k 64)
N=$(arg bench.rounds 5)
FREE=$(arg bench.free_mb 0)
HOLDS=$(arg bench.holds 0)
COMPACT=$(arg bench.compact 0)
# the boundary setting as the kernel reports it: 1, 0, or "absent"
boundary() {
	case $(cat $P/boundary 2>/dev/null) in
	1|Y|y) echo 1 ;; 0|N|n) echo 0 ;; *) echo absent ;;
	esac
}

wait_idle() { pr_wait_idle 900 || { echo "BENCH error=not-idle"; exit 1; }; }

if [ "$(arg bench.pf)" = 1 ]; then
	# fault in and unmap 256 MB of 4K pages, 15 times: the allocation
	# and free paths, once reporting (if any) is idle
	# (the unpatched base kernel has no page_reporting debugfs: "absent")
	state=$(pr_st state); state=${state:-absent}
	case $state in unregistered|absent) ;; *) wait_idle ;; esac
	state=$(pr_st state)
	echo "BENCH pf state=${state:-absent} boundary=$(boundary) $(pf-bench 256 15)"
	exit 0
fi
# free MB of THPs (or touch-and-free 4K pages with -4k) and wait until
# a pass has run and reporting is idle again
free_and_wait() {
	p0=$(pr_st passes)
	page_reporting_fill -t "$1" > /dev/null
	w=0
	while [ "$(pr_st passes)" -le "$p0" ]; do
		w=$((w + 1)); [ $w -le 120 ] || { echo "BENCH error=no-pass"; exit 1; }
		sleep 1
	done
	wait_idle
}

[ "$(pr_st state)" != unregistered ] || { echo "BENCH error=no-device"; exit 1; }
t0=$(now_cs)
wait_idle
echo "BENCH steady mem_kb=$(meminfo MemTotal) free_kb=$(meminfo MemFree) passes=$(pr_st passes) reported_pages=$(pr_st reported_pages) seconds=$(( ($(now_cs) - t0) / 100 ))"

r=1
while [ $r -le "$N" ]; do
	for b in 1 0; do
		put $P/boundary $b
		# after a switch on, the first pass walks everything once to
		# find the boundaries: not what is measured
		free_and_wait $((K * 2))
		v0=$(pr_st visited); s0=$(pr_st skipped); h0=$(pr_st hold_ns); p0=$(pr_st passes); i0=$(pr_st isolated)
		free_and_wait $((K * 2))
		echo "BENCH pass boundary=$(boundary) round=$r passes=$(( $(pr_st passes) - p0 )) visited=$(( $(pr_st visited) - v0 )) skipped=$(( $(pr_st skipped) - s0 )) isolated=$(( $(pr_st isolated) - i0 )) hold_ns=$(( $(pr_st hold_ns) - h0 )) max_hold_ns=$(pr_st last_max_hold_ns)"
	done
	r=$((r + 1))
done

if [ "$FREE" -gt 0 ]; then
	for b in 1 0; do
		put $P/boundary $b
		free_and_wait $((K * 2))
		p0=$(pr_st passes); r0=$(pr_st reported_pages)
		page_reporting_fill -t "$FREE" > /dev/null
		t0=$(now_cs)
		while [ "$(pr_st passes)" -le "$p0" ]; do sleep 1; done
		wait_idle
		echo "BENCH report boundary=$(boundary) mb=$FREE centiseconds=$(( $(now_cs) - t0 )) passes=$(( $(pr_st passes) - p0 )) reported_pages=$(( $(pr_st reported_pages) - r0 ))"
	done
fi
put $P/boundary 1
if [ "$HOLDS" -gt 0 ]; then
	free_and_wait $((K * 2))
	i=1
	while [ $i -le "$HOLDS" ]; do
		p0=$(pr_st passes); c0=$(pr_st verified_passes)
		free_and_wait $((K * 2))
		echo "BENCH hold i=$i passes=$(( $(pr_st passes) - p0 )) verified=$(( $(pr_st verified_passes) - c0 )) max_hold_ns=$(pr_st last_max_hold_ns) hold_ns=$(pr_st last_hold_ns) visited=$(pr_st last_visited)"
		i=$((i + 1))
	done
fi
if [ "$COMPACT" = 1 ]; then
	o0=$(cat $P/page_reporting_order)
	for order in $(arg bench.compact_orders "9 5" | tr , ' '); do
		put $P/page_reporting_order $order
		for b in 1 0; do
			put $P/boundary $b
			free_and_wait $((K * 2))
			free_and_wait $((K * 2))
			p0=$(pr_st passes); r0=$(pr_st boundary_resets); v0=$(pr_st visited)
			h0=$(pr_st hold_ns); i0=$(vm compact_isolated); s0=$(vm compact_stall)
			# the load of 40-page-reporting (guest/lib.sh)
			huge=$(compaction_load 40 25)
			wait_idle
			echo "BENCH compact order=$order boundary=$(boundary) huge=$huge passes=$(( $(pr_st passes) - p0 )) resets=$(( $(pr_st boundary_resets) - r0 )) visited=$(( $(pr_st visited) - v0 )) hold_ns=$(( $(pr_st hold_ns) - h0 )) compact_isolated=$(( $(vm compact_isolated) - i0 )) compact_stall=$(( $(vm compact_stall) - s0 ))"
		done
	done
	put $P/page_reporting_order "$o0"
	put $P/boundary 1
fi
exit 0
