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
#  5. teardown: the nodes go, the pool shrinks back, nothing charged.
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

# 5. teardown with datagrams still queued: the sockets' frees uncharge
ctl "send 7001 20 1000 linear"
ctl "send 7002 20 1000 linear"
mr_force 0
ctl teardown || bad "teardown failed"
w=0
while [ -d $D/test-a ] || [ -d $D/test-b ] || grep -q ' test-[ab] ' $D/nodes; do
	w=$((w + 1)); [ $w -le 20 ] || break
	sleep 1
done
grep ' test-[ab] ' $D/nodes && bad "nodes left after teardown (a leaked charge or reference)"
[ "$(pool)" -eq "$p0" ] || bad "pool $(pool) after teardown, was $p0"
echo "# nodes after teardown:"; sed 's/^/#   /' $D/nodes
[ "$(vm memalloc_reserve_error)" -eq "$e0" ] || bad "an uncharge took more than was charged (memalloc_reserve_error)"
ip link del mr0
exit $fail
