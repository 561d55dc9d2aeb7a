#!/bin/sh
# NBD with a reserve node (CONFIG_NET_MEMALLOC_RESERVE, CONFIG_BLK_DEV_NBD),
# booted with memalloc_reserve.mode=enforce and a host NBD server
# (boots.ini: nbd =), reached through virtio-net, whose receive path is NAPI.
#
#  1. connect: node nbd0 exists, connected, the pool grows by its size;
#     with fail_skb_emergency on, NBD's replies arrive as pfmemalloc skbs
#     from virtio-net and are charged to nbd0; data reads back intact;
#     usage returns to 0;
#  2. disconnect: the node goes and the pool shrinks back;
#  3. reconnect while the pool cannot grow (fail_memalloc_reserve): the
#     device starts all the same, nbd0 attached but not connected, a
#     warning says so, and I/O works;
#  4. reconnect under memory pressure (memhog leaves 16 MiB above the min
#     watermarks; less makes memhog itself overshoot into the OOM killer):
#     the device starts, connected or not, without an OOM kill; I/O works
#     once the pressure is gone.
# The boot runs with lockdep: pool growth happens under nbd->config_lock.
. /tests/lib.sh
D=$MR
port=$(arg mmtest.nbd_port)
FMR=/sys/kernel/debug/fail_memalloc_reserve
fail=0
bad() { echo "FAIL: $*"; fail=1; }
node() { awk -v n="$1" -v k="$2" '$2 == n { print $k }' $D/nodes; }	# 3 connected, 4 size, 6 usage, 8 charges
pool() { awk '$1 == "mode" { print $4 }' $D/nodes; }

[ -n "$port" ] || { echo "no NBD server (boots.ini: nbd =)"; exit 4; }
[ -d $FSE ] && [ -d $FMR ] || { echo "needs fail_skb_emergency and fail_memalloc_reserve"; exit 4; }
[ "$(cat /sys/module/memalloc_reserve/parameters/mode)" = enforce ] ||
	{ echo "booted without memalloc_reserve.mode=enforce"; exit 4; }

ip link set lo up
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 || { echo "FAIL: eth0"; exit 1; }

connect() {
	nbd-connect 10.0.2.2 "$port" test /dev/nbd0 > /tmp/nbd.out 2>&1 || { cat /tmp/nbd.out; return 1; }
	w=0	# NBD_DO_IT sets the capacity once the child runs
	while [ "$(cat /sys/block/nbd0/size)" = 0 ]; do
		w=$((w + 1)); [ $w -le 30 ] || return 1
		sleep 1
	done
}
disconnect() {
	nbd-connect -d /dev/nbd0 || return 1
	w=0	# the node goes with the device's config, once its charges are paid
	while grep -q ' nbd0 ' $D/nodes || [ "$(cat /sys/block/nbd0/size)" != 0 ]; do
		w=$((w + 1)); [ $w -le 30 ] || return 1
		sleep 1
	done
}
# write 8 MiB and read them back, bypassing the page cache
io() {
	dd if=/tmp/pat of=/dev/nbd0 bs=1M count=8 oflag=direct 2>/dev/null &&
		dd if=/dev/nbd0 of=/tmp/back bs=1M count=8 iflag=direct 2>/dev/null &&
		cmp -s /tmp/pat /tmp/back
}
dd if=/dev/urandom of=/tmp/pat bs=1M count=8 2>/dev/null

# 1. connect, I/O with emergency skbs
p0=$(pool)
connect || { bad "nbd0 did not start"; exit 1; }
echo "# nbd0: $(cat /tmp/nbd.out); pool $p0 -> $(pool) pages, node size $(node nbd0 4)"
[ "$(node nbd0 3)" = 1 ] || bad "nbd0 is not connected"
[ "$(pool)" -eq $((p0 + $(node nbd0 4))) ] || bad "the pool did not grow by nbd0's size"
c0=$(node nbd0 8)
mr_force 1 || bad "cannot set fail_skb_emergency"
io || bad "data written to nbd0 did not read back"
mr_force 0
echo "# nbd0 after 8 MiB each way: charges $((  $(node nbd0 8) - c0 )), max_usage $(node nbd0 7), limit $(node nbd0 5), failcnt $(node nbd0 9)"
[ "$(node nbd0 8)" -gt "$c0" ] || bad "NBD's receive skbs were not charged to nbd0"
w=0
while [ "$(node nbd0 6)" -ne 0 ]; do
	w=$((w + 1)); [ $w -le 10 ] || break
	sleep 1
done
[ "$(node nbd0 6)" -eq 0 ] || bad "nbd0 holds $(node nbd0 6) bytes once idle"

# 2. disconnect
disconnect || bad "nbd0 did not go away after disconnect"
[ "$(pool)" -eq "$p0" ] || bad "pool $(pool) after disconnect, was $p0"

# 3. the pool cannot grow: the device starts all the same
put $FMR/verbose 0; put $FMR/interval 1; put $FMR/times 1; put $FMR/probability 100
dmesg -c > /dev/null
connect || bad "nbd0 did not start while its pool could not grow"
put $FMR/probability 0
echo "# nbd0 with the pool growth failing: connected $(node nbd0 3), pool $(pool); $(dmesg | grep -o 'running without.*' | head -n1)"
[ "$(node nbd0 3)" = 0 ] || bad "nbd0 connected although its growth was failed"
dmesg | grep -q 'running without its emergency pool' || bad "no warning about the missing pool"
io || bad "I/O failed on the degraded device"
disconnect || bad "degraded nbd0 did not go away after disconnect"

# 4. real memory pressure
if dmesg | grep -q 'KernelAddressSanitizer initialized'; then
	echo "# 4 skipped under KASAN (free memory cannot be targeted)"
else
	memhog_start 16384 32768 65536 || bad "memhog never got ready"
	oom0=$(vm oom_kill)
	connect; rc=$?
	echo "# nbd0 under pressure (memhog: $(cat /tmp/memhog.out)): start rc $rc, connected $(node nbd0 3), oom kills +$(( $(vm oom_kill) - oom0 ))"
	kill $hog 2>/dev/null; wait $hog 2>/dev/null
	[ "$(vm oom_kill)" -eq "$oom0" ] || bad "starting nbd0 under pressure invoked the OOM killer"
	if [ $rc = 0 ]; then
		io || bad "I/O failed on nbd0 started under pressure"
	else
		bad "nbd0 did not start under memory pressure"
	fi
	disconnect || bad "nbd0 started under pressure did not go away"
fi
exit $fail
