#!/bin/sh
# Guest side of bench/memalloc-reserve (not part of "all").  Prints
# "BENCH key=value" lines for the host script.
#   bench.part=overhead  loopback TCP and UDP throughput (netbench) and page
#                        faults (pf-bench); with bench.sock=1 the test
#                        driver's two SOCK_MEMALLOC sockets exist (the
#                        memalloc static keys on) but nothing is forced
#   bench.part=soak      swap on /dev/nbd0 served from the host (qemu-nbd
#                        on 127.0.0.1:bench.port, reached as 10.0.2.2), the
#                        anonymous workload swapstress bench.procs x
#                        bench.mb x bench.passes; with bench.flood=1 the test
#                        driver's socket A (a second memalloc user, node
#                        test-a) is flooded with pfmemalloc datagrams and
#                        skb allocations skip their normal attempt
#                        (fault attribute fail_skb_emergency)
. /tests/lib.sh
D=$MR
T=$MRT
part=$(arg bench.part)
node() { awk -v n="$1" -v k="$2" '$2 == n { print $k }' $D/nodes; }	# name column
veth_setup() { mr_veth_setup "${1:-262144}" "${2:-262144}" || { echo "BENCH error=setup"; exit 1; }; }

# what this boot runs, as the kernel reports it ("absent": the unpatched base)
mode=$(cat /sys/module/memalloc_reserve/parameters/mode 2>/dev/null)
echo "BENCH ran mode=${mode:-absent}"
if [ "$part" = overhead ]; then
	ip link set lo up
	[ "$(arg bench.sock)" = 1 ] && veth_setup
	echo "BENCH ran nodes=$(grep -c 'test-' $D/nodes 2>/dev/null || echo 0)"
	for i in 1 2 3; do
		echo "BENCH net tcp $(netbench tcp 4 | sed 's/.*: \([0-9.]*\) MB.*/mbps=\1/')"
		echo "BENCH net udp $(netbench udp 4 | sed 's/.*: \([0-9.]*\) MB.*/mbps=\1/')"
	done
	echo "BENCH pf $(pf-bench 256 15)"
	exit 0
fi

[ "$part" = soak ] || { echo "BENCH error=part"; exit 1; }
ip link set lo up
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 || { echo "BENCH error=eth0"; exit 1; }
nbd-connect 10.0.2.2 "$(arg bench.port)" swap /dev/nbd0 || { echo "BENCH error=nbd"; exit 1; }
w=0	# NBD_DO_IT sets the capacity once the child runs
while [ "$(cat /sys/block/nbd0/size)" = 0 ]; do
	w=$((w + 1)); [ $w -le 30 ] || { echo "BENCH error=nbd-size"; exit 1; }
	sleep 1
done
mkswap /dev/nbd0 > /dev/null && swapon /dev/nbd0 || { echo "BENCH error=swapon"; exit 1; }
if [ "$(arg bench.flood)" = 1 ]; then
	veth_setup 262144 262144
	mr_force 1 || { echo "BENCH error=fail_skb_emergency"; exit 1; }
	# The second memalloc user: floods socket A, never read.
	( while :; do put $T/ctl "send 7001 200 1400 linear"; done ) &
	flood=$!
fi
t0=$(vm pgscan_direct_throttle)
out=$(swapstress "$(arg bench.procs)" "$(arg bench.mb)" "$(arg bench.passes)")
rc=$?
[ -n "$flood" ] && kill $flood
mr_force 0 2>/dev/null
# what socket A (port 7001 = 0x1B59) holds in its receive queue, any mode
x=$(awk '$2 ~ /:1B59$/ { split($5, q, ":"); print q[2] }' /proc/net/udp)
a_rxq=$((0x${x:-0}))
echo "# $out"
echo "BENCH soak rc=$rc seconds=$(echo "$out" | sed -n 's/.*: \([0-9.]*\) s,.*/\1/p') \
throttle=$(( $(vm pgscan_direct_throttle) - t0 )) \
nbd_max_usage=$(node nbd0 7) nbd_limit=$(node nbd0 5) nbd_failcnt=$(node nbd0 9) nbd_forced=$(node nbd0 11) \
a_max_usage=$(node test-a 7) a_failcnt=$(node test-a 9) a_rxq=$a_rxq \
pswpout=$(vm pswpout) pswpin=$(vm pswpin) \
hung=$(dmesg | grep -c 'blocked for more than') \
pfdrop=$(pfdrop)"
sed 's/^/# /' $D/nodes
swapoff /dev/nbd0 2>/dev/null
exit 0
