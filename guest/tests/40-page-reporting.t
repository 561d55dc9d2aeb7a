#!/bin/sh
# Free page reporting with the test device and the reported boundary
# (CONFIG_PAGE_REPORTING_TEST, CONFIG_PAGE_REPORTING_BOUNDARY).
#
#  1. bad writes to the controls are refused and change nothing;
#  2. the device registers, and a pass reports freed memory;
#  3. in the steady state a pass after k new order-9 frees visits O(k)
#     entries with the boundary, and every reported block without it;
#  4. a failing device puts the pages back unreported, and they are
#     reported later: once idle, no free block of page_reporting_order
#     or more is left unreported (debugfs check);
#  0. (booted with virtio-balloon free-page-reporting=on and
#     page_reporting_test.enable=1) the test device is refused, and the
#     balloon gets the reports;
#  5. churn with DEBUG_VM/DEBUG_LIST: THP fault/unmap loops; compaction
#     for huge pages with page_reporting_order=5, so that the free lists
#     it rotates carry boundaries (the resets must be seen); offline and
#     online of ZONE_MOVABLE memory blocks (at least one when the boot
#     has a movable DIMM); the boundary switched off and on; then every
#     boundary is checked and, once idle, nothing is left unreported.
#
# Boundary violations are counted from the start of this test (the KUnit
# suite of the same boot breaks one on purpose).
. /tests/lib.sh
D=$PR
P=/sys/module/page_reporting/parameters
T=$D/test
fail=0
bad() { echo "FAIL: $*"; fail=1; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
viol0=$(pr_st boundary_violations)
violations() { echo $(( $(pr_st boundary_violations) - viol0 )); }
# once idle, no free block a pass would report is left unreported (a
# background free may start a new pass: try a few times)
all_reported() {
	for _t in 1 2 3 4 5; do
		wait_idle || return 1
		u=$(awk '$1 == "unreported" { print $2 }' $D/check)
		[ "$u" = 0 ] && return 0
		sleep 3
	done
	bad "$1: $u free blocks left unreported after idle"
}

[ -d $T ] || { echo "no $T (CONFIG_PAGE_REPORTING_TEST)"; exit 4; }
[ -w $P/boundary ] || { echo "no $P/boundary (CONFIG_PAGE_REPORTING_BOUNDARY)"; exit 4; }

# Reporting is idle once a pass has found nothing left to report.  A pass
# only starts when a block of the reporting order reaches the buddy free
# lists: THPs freed may sit on per-CPU lists, so free tens of MB at once.
wait_idle() {
	pr_wait_idle 180 || { bad "reporting not idle after 180 s ($(pr_st state))"; return 1; }
}
# free MB of THPs, wait for a pass to start and for reporting to be idle
free_and_wait() {
	p0=$(pr_st passes)
	memfill -t "$1" > /dev/null
	wp=0
	while [ "$(pr_st passes)" -le "$p0" ]; do
		wp=$((wp + 1)); [ $wp -le 60 ] || { bad "no reporting pass in 60 s after freeing $1 MB"; return 1; }
		sleep 1
	done
	wait_idle
}

# 0. with virtio-balloon (free-page-reporting=on) registered first, the test
#    device is refused at boot and cannot be registered; the balloon
#    reports what is freed
if dmesg | grep -q "page_reporting_test: cannot register: -16"; then
	[ "$(pr_st state)" != unregistered ] || bad "no reporting device registered"
	put $T/enabled 1 && bad "test device registered next to another device"
	[ "$(cat $T/enabled)" = 0 ] || bad "test device says it is registered"
	put $P/boundary 1 || bad "cannot set boundary=1"
	wait_idle
	r0=$(pr_st reported_pages)
	free=$(meminfo MemFree)
	memfill -t $((free / 2 / 1024)) > /dev/null
	wait_idle
	r1=$(pr_st reported_pages)
	echo "virtio-balloon: $(( (r1 - r0) * 4 / 1024 )) MB reported after freeing $((free / 2 / 1024)) MB, boundary $(pr_st boundary)"
	[ $((r1 - r0)) -gt $((free / 4 / 4)) ] || bad "only $((r1 - r0)) pages reported to the balloon"
	check=$(cat $D/check)
	echo "$check" | grep -q '^broken 0$' || bad "a boundary is wrong"
	exit $fail
fi

# 1. bad input
echo "# step 1 at $(uptime_s) s"
put $T/enabled 2 && bad "enabled accepted 2"
put $P/boundary maybe && bad "boundary accepted 'maybe'"
[ "$(pr_st state)" = unregistered ] || bad "state $(pr_st state) before registering"

# 2. register, report what is free
echo "# step 2 at $(uptime_s) s"
put $P/boundary 1 || bad "cannot set boundary=1"
put $T/enabled 1 || { bad "cannot register the test device"; exit 1; }
put $T/enabled 1 || bad "registering twice is not a no-op"
[ "$(pr_st boundary)" = 1 ] || bad "boundary not in use after registering"
free=$(meminfo MemFree)
memfill -t $((free * 8 / 10 / 1024)) > /dev/null
wait_idle || exit 1
pages=$(cat $T/pages)
echo "reported $((pages * 4 / 1024)) MB in $(pr_st passes) passes ($(meminfo MemFree) kB free)"
[ "$pages" -gt $((free / 4 / 2)) ] || bad "only $pages pages reported of $((free / 4)) free"

# 3. k = 64 new order-9 frees, boundary on, then off
echo "# step 3 at $(uptime_s) s"
k=64
visit() { # -> entries visited by the pass(es) after freeing k THPs
	v0=$(pr_st visited)
	free_and_wait $((k * 2)) >&2 || return 1
	echo $(( $(pr_st visited) - v0 ))
}
on=$(visit); on2=$(visit)
put $P/boundary 0 || bad "cannot set boundary=0"
[ "$(pr_st boundary)" = 0 ] || bad "boundary still in use after boundary=0"
off=$(visit); off2=$(visit)
put $P/boundary 1 || bad "cannot set boundary=1 again"
echo "entries visited after $k order-9 frees: boundary on $on, $on2; off $off, $off2"
[ "$on2" -le $((8 * k + 64)) ] || bad "boundary on: $on2 entries visited for $k new blocks"
[ "$off2" -gt $((4 * on2)) ] || bad "boundary off visits $off2, not more than 4x on ($on2)"

# 4. a failing device: the pass stops, the pages go back unreported, and a
echo "# step 4 at $(uptime_s) s"
#    later pass reports them
e0=$(cat $T/errors)
put $T/fail 2
n=0
while [ "$(cat $T/errors)" -lt $((e0 + 2)) ] && [ $n -lt 5 ]; do
	free_and_wait 64; n=$((n + 1))
done
free_and_wait 64
[ "$(cat $T/errors)" -eq $((e0 + 2)) ] || bad "device errors $(cat $T/errors), expected $((e0 + 2))"
[ "$(violations)" -eq 0 ] || bad "boundary violations after report errors"
all_reported "after report errors"

# 5. churn
echo "# step 5 at $(uptime_s) s"
memfill -t -l 20 256 > /dev/null
# 5a. compaction for huge pages (order 9, not compact_memory's order -1):
#     it searches and rotates the free lists below order 9, so give those
#     boundaries (page_reporting_order=5); hold most memory in THPs and
#     the rest in 4K pages, every other one freed, so that free memory
#     is in single pages, and ask for huge pages
if dmesg | grep -q 'KernelAddressSanitizer initialized'; then
	# KASAN's quarantine and shadow move free memory under the fills
	echo "5a skipped under KASAN (free memory cannot be targeted)"
else
	o0=$(cat $P/page_reporting_order)
	put $P/page_reporting_order 5 || bad "cannot set page_reporting_order=5"
	free_and_wait 64
	r0=$(pr_st boundary_resets); c0=$(vm compact_isolated); s0=$(vm compact_stall)
	got=$(compaction_load 60 40)
	echo "compaction ($(uptime_s) s): $got huge pages, $(( $(vm compact_stall) - s0 )) stalls, $(( $(vm compact_isolated) - c0 )) pages isolated, $(( $(pr_st boundary_resets) - r0 )) boundary resets"
	[ "$(vm compact_stall)" -gt "$s0" ] || bad "no direct compaction for huge pages ran"
	# (whether a rotation meets a list with a boundary depends on where the
	# free pages are: resets are printed, and counted by bench/page-reporting)
	put $P/page_reporting_order "$o0"
	free_and_wait 64
fi
# 5b. offline/online ZONE_MOVABLE blocks: a boot with a movable DIMM must
#     get at least one through
movable=$(awk '/^Node .* zone +Movable/ { z = 1; next } /^Node/ { z = 0 } z && $1 == "managed" { m += $2 } END { print m + 0 }' /proc/zoneinfo)
n=0
for nr in $(ls /sys/devices/system/memory | sed -n 's/^memory//p' | sort -n -r); do
	b=/sys/devices/system/memory/memory$nr
	[ "$(cat $b/state)" = online ] || continue
	if put $b/state offline; then
		put $b/state online_movable || put $b/state online || bad "$(basename $b) did not come back online"
		n=$((n + 1)); [ $n -lt 4 ] || break
	fi
done
echo "offlined and onlined $n memory blocks ($movable pages in ZONE_MOVABLE)"
[ "$movable" -eq 0 ] || [ "$n" -gt 0 ] || bad "a movable DIMM is present but no memory block went offline"
put $P/boundary 0; memfill -t 64 > /dev/null; put $P/boundary 1
echo 1 > /proc/sys/vm/compact_memory
free_and_wait 64
check=$(cat $D/check)
echo "check:" $check
echo "$check" | grep -q '^broken 0$' || bad "a boundary is wrong after churn"
[ "$(echo "$check" | awk '$1 == "lists" { print $2 }')" -gt 0 ] || bad "check saw no boundaries"
[ "$(violations)" -eq 0 ] || bad "$(violations) boundary violations"
all_reported "after churn"
echo "resets $(pr_st boundary_resets), verified passes $(pr_st verified_passes), passes $(pr_st passes)"

# unregister: boundaries go, reporting stops
put $T/enabled 0 || bad "cannot unregister"
[ "$(pr_st state)" = unregistered ] || bad "state $(pr_st state) after unregistering"
[ "$(pr_st boundary)" = 0 ] || bad "boundary still in use with no device"
# leave reporting on, with the boundary, for the tests that follow
# (make test runs the compaction selftest next)
put $T/enabled 1 || bad "cannot register again"
[ "$(pr_st boundary)" = 1 ] || bad "boundary not in use after registering again"
exit $fail
