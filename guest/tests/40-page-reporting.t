#!/bin/sh
# Free page reporting with the test device and the reported boundary
# (CONFIG_PAGE_REPORTING_TEST, CONFIG_PAGE_REPORTING_BOUNDARY).
#
#  1. bad writes to the controls are refused and change nothing;
#  2. the device registers, and a pass reports freed memory;
#  3. in the steady state a pass after k new order-9 frees visits O(k)
#     entries with the boundary, and every reported block without it;
#  4. a failing device puts the pages back unreported, and they are
#     reported later;
#  0. (booted with virtio-balloon free-page-reporting=on and
#     page_reporting_test.enable=1) the test device is refused, and the
#     balloon gets the reports;
#  5. churn with DEBUG_VM/DEBUG_LIST: THP fault/unmap loops, compaction,
#     shuffle-free tail inserts, offline/online of memory blocks, the
#     boundary switched off and on; then every boundary is checked.
. /tests/lib.sh
D=$PR
P=/sys/module/page_reporting/parameters
T=$D/test
fail=0
bad() { echo "FAIL: $*"; fail=1; }

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
put $T/enabled 2 && bad "enabled accepted 2"
put $P/boundary maybe && bad "boundary accepted 'maybe'"
[ "$(pr_st state)" = unregistered ] || bad "state $(pr_st state) before registering"

# 2. register, report what is free
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
#    later pass reports them
e0=$(cat $T/errors)
put $T/fail 2
n=0
while [ "$(cat $T/errors)" -lt $((e0 + 2)) ] && [ $n -lt 5 ]; do
	free_and_wait 64; n=$((n + 1))
done
free_and_wait 64
[ "$(cat $T/errors)" -eq $((e0 + 2)) ] || bad "device errors $(cat $T/errors), expected $((e0 + 2))"
[ "$(pr_st boundary_violations)" -eq 0 ] || bad "boundary violations after report errors"

# 5. churn
memfill -t -l 20 256 > /dev/null
echo 1 > /proc/sys/vm/compact_memory
memfill -l 5 256 > /dev/null
n=0
for nr in $(ls /sys/devices/system/memory | sed -n 's/^memory//p' | sort -n -r); do
	b=/sys/devices/system/memory/memory$nr
	[ "$(cat $b/state)" = online ] || continue
	if put $b/state offline; then
		put $b/state online || bad "$(basename $b) did not come back online"
		n=$((n + 1)); [ $n -lt 4 ] || break
	fi
done
echo "offlined and onlined $n memory blocks"
put $P/boundary 0; memfill -t 64 > /dev/null; put $P/boundary 1
echo 1 > /proc/sys/vm/compact_memory
free_and_wait 64
check=$(cat $D/check)
echo "check:" $check
echo "$check" | grep -q '^broken 0$' || bad "a boundary is wrong after churn"
[ "$(echo "$check" | awk '$1 == "lists" { print $2 }')" -gt 0 ] || bad "check saw no boundaries"
[ "$(pr_st boundary_violations)" -eq 0 ] || bad "$(pr_st boundary_violations) boundary violations"
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
