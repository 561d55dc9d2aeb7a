#!/bin/sh
# Bean-counted reserves for SOCK_MEMALLOC sockets (CONFIG_NET_MEMALLOC_RESERVE,
# CONFIG_NET_MEMALLOC_RESERVE_TEST), booted with memalloc_reserve.mode=enforce.
#
# The test driver sends UDP datagrams out of one end of a veth pair to three
# kernel sockets behind the other: A and B are SOCK_MEMALLOC with reserve
# nodes test-a (64 KiB) and test-b (256 KiB), C is a plain socket.  With
# the fault attribute fail_skb_emergency on, every datagram is allocated as
# if from the emergency reserves (pfmemalloc).  Nobody reads the sockets
# until "drain".
#
#  1. bad input is refused; the nodes' pages join the emergency pool;
#  2. a flood to C with A and B interleaved: usage <= limit at every sample
#     and in max_usage, both nodes refuse at their limit (failcnt), C drops
#     everything (PFMemallocDrop), A and B both get datagrams, B more;
#  3. clones: taken before the charge (a tap on the sender) and after it
#     (clones of what a socket queued); the charge stays with the skb the
#     socket accepted: usage is 0 once the sockets are read, with every
#     clone still held, and freeing the clones uncharges nothing more;
#  4. account mode lets a node go over its limit, and counts it;
#  5. TCP over loopback between two SOCK_MEMALLOC sockets (client on
#     test-tcp-c, the listener's accepted socket inheriting test-tcp-s),
#     every 8th data segment to the client dropped: out-of-order segments
#     fill test-tcp-c, and the transfer completes, because in-sequence data
#     and ACKs are charged above the limit (forced) while out-of-order
#     data is refused (failcnt);
#  6. teardown: the nodes go, the pool shrinks back, nothing charged.
# At the end no uncharge took more than was charged (vmstat
# memalloc_reserve_error, the nodes' errors).
. /tests/lib.sh
D=$MR
T=$MRT
MODE=/sys/module/memalloc_reserve/parameters/mode
LA=65536
LB=262144
fail=0
bad() { echo "FAIL: $*"; fail=1; }
nd() { cat "$D/test-$1/$2"; }				# node a|b field
pool() { awk '$1 == "mode" { print $4 }' $D/nodes; }
inwm() { awk '$1 == "mode" { print $6 }' $D/nodes; }
# the zones' watermarks carry the whole pool (less a page of rounding per zone)
check_pool() {
	[ $(( $(pool) - $(inwm) )) -ge 0 ] && [ $(( $(pool) - $(inwm) )) -le 4 ] ||
		bad "$1: the watermarks carry $(inwm) pages of a $(pool)-page pool"
}
zmin() { awk '$1 == "min" { s += $2 } END { print s }' /proc/zoneinfo; }
st() { stat_field $T/stats "$1"; }
ctl() { put $T/ctl "$*"; }

[ -d $T ] || { echo "no $T (CONFIG_NET_MEMALLOC_RESERVE_TEST)"; exit 4; }
[ "$(cat $MODE)" = enforce ] || { echo "booted without memalloc_reserve.mode=enforce"; exit 4; }
[ -d $FSE ] || { echo "no $FSE (CONFIG_FAIL_SKB_EMERGENCY)"; exit 4; }
e0=$(vm memalloc_reserve_error)

# 1. bad input (before the veth pair exists: mr0 is a missing device)
ctl "send 7001 1 100" && bad "send before setup accepted"
ctl "setup mr0 10.99.0.1 10.99.0.2 $LA $LB" && bad "setup on a missing device accepted"
put $MODE off && bad "mode=off accepted at run time"
put $MODE bogus && bad "mode=bogus accepted"
p0=$(pool)
mr_veth_setup 0 $LB && bad "setup with a zero limit accepted"
ctl "setup mr0 10.99.0.1 not-an-ip $LA $LB" && bad "setup with a bad address accepted"
[ -d $D/test-a ] && bad "a refused setup left node test-a behind"
echo "# veth pair mr0 <-> $MR_PEER (10.99.0.2)"
ctl "setup mr0 10.99.0.1 10.99.0.2 $LA $LB" || { bad "setup failed"; exit 1; }
ctl "setup mr0 10.99.0.1 10.99.0.2 $LA $LB" && bad "second setup accepted"
ctl "send 7001 1 100 sideways" && bad "send with a bad mode accepted"
p1=$(pool)
echo "# pool $p0 -> $p1 pages; test-a size $(nd a size), test-b size $(nd b size)"
[ "$p1" -eq $((p0 + $(nd a size) + $(nd b size))) ] || bad "pool did not grow by the nodes' sizes"
check_pool "after connecting"

# 1b. the pool stays across what recomputes the watermarks: a min_free_kbytes
# write, and a memory block onlined and offlined (into ZONE_MOVABLE, so that
# it can go offline again)
mfk=$(cat /proc/sys/vm/min_free_kbytes); z0=$(zmin)
echo $((mfk + 4096)) > /proc/sys/vm/min_free_kbytes
echo "# min_free_kbytes $mfk -> $((mfk + 4096)): zone min pages $z0 -> $(zmin), pool $(pool), in watermarks $(inwm)"
[ $(( $(zmin) - z0 )) -ge 1000 ] || bad "min_free_kbytes +4096 raised the zones' min by $(( $(zmin) - z0 )) pages"
check_pool "after a min_free_kbytes write"
echo $mfk > /proc/sys/vm/min_free_kbytes
# a DIMM block: offline (memhp_default_state=offline), or online movable
# (taken offline first)
blk=""; back=""
for b in /sys/devices/system/memory/memory*; do
	[ "$(cat $b/removable 2>/dev/null)" = 0 ] && continue
	case "$(cat $b/state) $(cat $b/valid_zones 2>/dev/null)" in
	offline*) blk=$b; break ;;
	"online Movable") put $b/state offline && { blk=$b; back=online_movable; break; } ;;
	esac
done
if [ -z "$blk" ]; then
	bad "no hotpluggable memory block (boots.ini: a DIMM)"
else
	put $blk/state online_movable || bad "cannot online ${blk##*/}"
	echo "# ${blk##*/} online ($(cat $blk/valid_zones)): pool $(pool), in watermarks $(inwm)"
	check_pool "after onlining a block"
	put $blk/state offline || bad "cannot offline ${blk##*/} again"
	check_pool "after offlining it"
	[ -n "$back" ] && put $blk/state $back
fi

mr_force 1 || bad "cannot set fail_skb_emergency"

# 2. the flood
d0=$(pfdrop); c0=$(vm memalloc_reserve_charge); f0=$(vm memalloc_reserve_fail)
over=0; samples=0
for r in 1 2 3 4 5 6 7 8 9 10; do
	ctl "send 7003 300 1000 linear" || bad "send to C failed"
	ctl "send 7001 40 1000 linear" || bad "send to A failed"
	ctl "send 7002 40 1000 frag" || bad "send to B failed"
	ctl "send 7003 300 1000 frag" || bad "send to C failed"
	ua=$(nd a usage); ub=$(nd b usage); samples=$((samples + 1))
	[ "$ua" -le $LA ] && [ "$ub" -le $LB ] || over=$((over + 1))
	echo "# round $r: usage a $ua/$LA b $ub/$LB, failcnt a $(nd a failcnt) b $(nd b failcnt)"
done
[ $over -eq 0 ] || bad "usage over the limit in $over of $samples samples"
[ "$(nd a max_usage)" -le $LA ] || bad "test-a max_usage $(nd a max_usage) > $LA"
[ "$(nd b max_usage)" -le $LB ] || bad "test-b max_usage $(nd b max_usage) > $LB"
[ "$(nd a failcnt)" -gt 0 ] || bad "test-a never refused at its limit"
[ "$(nd b failcnt)" -gt 0 ] || bad "test-b never refused at its limit"
[ "$(nd a usage)" -gt $((LA / 2)) ] || bad "test-a holds only $(nd a usage) bytes: limit not reached?"
d1=$(pfdrop)
echo "# PFMemallocDrop $d0 -> $d1; vmstat memalloc_reserve_fail +$(( $(vm memalloc_reserve_fail) - f0 ))"
[ $((d1 - d0)) -ge 6000 ] || bad "PFMemallocDrop rose by $((d1 - d0)), expected >= 6000 (C's datagrams)"
[ "$(vm memalloc_reserve_charge)" -gt "$c0" ] || bad "vmstat memalloc_reserve_charge did not rise"
[ "$(vm memalloc_reserve_fail)" -gt "$f0" ] || bad "vmstat memalloc_reserve_fail did not rise"
ctl drain || bad "drain failed"
ra=$(st rcvd_a); rb=$(st rcvd_b); rc=$(st rcvd_c)
echo "# received: a $ra, b $rb, c $rc of $(st sent) sent"
[ "$ra" -gt 0 ] && [ "$rb" -gt 0 ] || bad "a memalloc user made no progress (a $ra, b $rb)"
[ "$rb" -gt "$ra" ] || bad "test-b (4x the limit) received no more than test-a"
[ "$rc" -eq 0 ] || bad "the plain socket received $rc pfmemalloc datagrams"
[ "$(nd a usage)" -eq 0 ] && [ "$(nd b usage)" -eq 0 ] ||
	bad "charges left after drain: a $(nd a usage), b $(nd b usage)"

# 3a. clones taken before the charge (as a tap on the sender), page frags
put $D/test-a/max_usage 0 || bad "cannot reset max_usage"
ctl "send 7001 50 500 clone" || bad "clone send failed"
ctl "send 7002 100 1400 frag" || bad "frag send failed"
echo "# clones held $(st clones); usage a $(nd a usage) b $(nd b usage)"
[ "$(st clones)" -eq 50 ] || bad "expected 50 held clones, got $(st clones)"
[ "$(nd a usage)" -gt 0 ] && [ "$(nd b usage)" -gt 0 ] || bad "cloned or frag datagrams were not charged"
[ "$(nd a max_usage)" -le $LA ] || bad "test-a over its limit with clones"
ctl drain
[ "$(nd a usage)" -eq 0 ] && [ "$(nd b usage)" -eq 0 ] ||
	bad "charges left with the sender's clones held: a $(nd a usage), b $(nd b usage)"
ctl release
# 3b. clones of charged skbs (taken from the socket's queue)
ctl "send 7001 40 500 linear" || bad "send to A failed"
ua=$(nd a usage)
ctl "hold 7001" || bad "hold failed"
echo "# held $(st clones) clones of charged datagrams; usage a $ua -> $(nd a usage)"
[ "$(st clones)" -ge 30 ] || bad "expected >= 30 clones of queued datagrams, got $(st clones)"
[ "$(nd a usage)" -eq "$ua" ] || bad "cloning changed the charge: $ua -> $(nd a usage)"
ctl drain
[ "$(nd a usage)" -eq 0 ] || bad "charge left with the clones after the socket was read: $(nd a usage)"
ctl release
[ "$(nd a errors)" -eq 0 ] || bad "freeing the clones uncharged again (test-a errors $(nd a errors))"
[ "$(vm memalloc_reserve_error)" -eq "$e0" ] || bad "memalloc_reserve_error rose by $(( $(vm memalloc_reserve_error) - e0 ))"

# 4. account: over the limit is allowed, and counted
put $MODE account || bad "cannot switch to account"
fa=$(nd a failcnt)
ctl "send 7001 100 1000 linear"
echo "# account: usage a $(nd a usage)/$LA, failcnt +$(( $(nd a failcnt) - fa ))"
[ "$(nd a usage)" -gt $LA ] || bad "account mode did not let test-a over its limit"
[ "$(nd a failcnt)" -gt "$fa" ] || bad "account mode did not count going over"
ctl drain
[ "$(nd a usage)" -eq 0 ] || bad "charges left after account-mode drain: $(nd a usage)"
put $MODE enforce || bad "cannot switch back to enforce"

# 5. TCP with loss: nodes test-tcp-c (client) and test-tcp-s (listener) of $LT
LT=16384
tn() { cat "$D/test-tcp-$1/$2" 2>/dev/null || echo 0; }	# node c|s field
ip link set lo up
rc0=$(tcpext TCPRcvCoalesce); ofo0=$(tcpext TCPOFOQueue); bl0=$(tcpext TCPBacklogCoalesce)
ctl "tcp 4000000 8 $LT" || bad "the TCP transfer stalled (no progress for 10 s)"
echo "# tcp: $(st tcp_rcvd) of 4000000 bytes in $(st tcp_ms) ms, $(st tcp_dropped) segments dropped;" \
	"client node: failcnt $(tn c failcnt) forced $(tn c forced) max_usage $(tn c max_usage)/$LT;" \
	"listener node: charges $(tn s charges); TcpExt RcvCoalesce +$(( $(tcpext TCPRcvCoalesce) - rc0 ))" \
	"OFOQueue +$(( $(tcpext TCPOFOQueue) - ofo0 )) BacklogCoalesce +$(( $(tcpext TCPBacklogCoalesce) - bl0 ))"
[ "$(st tcp_rcvd)" -eq 4000000 ] || bad "the client received $(st tcp_rcvd) of 4000000 bytes"
[ "$(st tcp_dropped)" -gt 0 ] || bad "no segment was dropped: nothing was tested"
[ "$(tn c failcnt)" -gt 0 ] || bad "test-tcp-c never refused out-of-order data at its limit"
[ "$(tn c forced)" -gt 0 ] || bad "nothing was charged above the limit to make progress"
[ "$(tn c max_usage)" -le $((2 * LT)) ] || bad "test-tcp-c held $(tn c max_usage) bytes, more than twice its limit"
[ "$(tn s charges)" -gt 0 ] || bad "the accepted socket did not charge test-tcp-s (inherited from the listener)"
[ "$(tcpext TCPOFOQueue)" -gt "$ofo0" ] || bad "no out-of-order segment was queued"
[ "$(tcpext TCPRcvCoalesce)" -gt "$rc0" ] || bad "no receive-queue coalescing happened"
# closed sockets free their queues when TCP is done with them, not at close()
w=0
while [ "$(tn c usage)" -ne 0 ] || [ "$(tn s usage)" -ne 0 ]; do
	w=$((w + 1)); [ $w -le 90 ] || break
	[ $w = 5 ] && { echo "# after 5 s: c $(tn c usage), s $(tn s usage)"; netstat -tan | grep ':7004' | sed 's/^/#   /'; }
	sleep 1
done
echo "# TCP charges paid back after ${w} s"
[ "$(tn c usage)" -eq 0 ] && [ "$(tn s usage)" -eq 0 ] ||
	bad "charges left 90 s after the TCP sockets were closed: c $(tn c usage), s $(tn s usage)"
[ "$(tn c errors)" -eq 0 ] && [ "$(tn s errors)" -eq 0 ] || bad "TCP uncharged more than it charged"

# 6. teardown with datagrams still queued: the sockets' frees uncharge
ctl "send 7001 20 1000 linear"
ctl "send 7002 20 1000 linear"
mr_force 0
ctl teardown || bad "teardown failed"
w=0
while [ -d $D/test-a ] || [ -d $D/test-b ] || grep -q ' test-' $D/nodes; do
	w=$((w + 1)); [ $w -le 20 ] || break
	sleep 1
done
grep ' test-' $D/nodes && bad "nodes left after teardown (a leaked charge or reference)"
[ "$(pool)" -eq "$p0" ] || bad "pool $(pool) after teardown, was $p0"
echo "# nodes after teardown:"; sed 's/^/#   /' $D/nodes
[ "$(vm memalloc_reserve_error)" -eq "$e0" ] || bad "an uncharge took more than was charged (memalloc_reserve_error)"
ip link del mr0
exit $fail
