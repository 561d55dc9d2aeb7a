#!/bin/sh
# Lazily backed percpu units, seen from userspace.  Boot with
# percpu_lazy_units=1 and more possible than online CPUs, e.g.
# scripts/qemu-run --smp 64 --online 2 --append percpu_lazy_units=1.
#
#  1. at boot only the online CPUs are backed;
#  2. 1000 memcgs grow Percpu by a few kB each, not by 64 copies;
#  3. CPUs onlined later get backed once, and memcgs work from them;
#  4. offline/online cycles neither re-back nor free anything;
#  5. a failing page allocation fails the online with ENOMEM and leaves
#     nothing behind; the next attempt succeeds;
#  5b. the same under real memory pressure (memory filled to just above the
#     min watermark, no swap): the online fails or succeeds, but never
#     invokes the OOM killer;
#  6. a later hotplug state failing rolls the online back cleanly;
#  7. memcg churn concurrent with CPU hotplug (lockdep watches);
#  8. Percpu accounting equals what the page tables map, throughout.
# Step 3 also checks that a parent memcg's statistics include what its
# children charged from CPUs backed after they were created.
. /tests/lib.sh
S=/sys/kernel/debug/percpu_stats
CPU=/sys/devices/system/cpu
CG=/sys/fs/cgroup
fail=0
bad() { echo "FAIL: $*"; fail=1; }
st() { stat_field $S "$1" 3; }
backed() { case ",$(cpu_expand "$(st backed_cpus)")," in *",$1,"*) return 0 ;; esac; return 1; }
check_accounting() {
	pop=$(st lazy_pop_pages); nb=$(st nr_backed_cpus); mapped=$(st lazy_mapped_pages)
	if [ "$mapped" -ne $((pop * nb)) ]; then
		bad "$1: $mapped pages mapped, accounting says $pop x $nb"
	else
		echo "$1: accounting ok ($pop lazy pages x $nb backed CPUs = $mapped)"
	fi
}
online() { echo 1 > $CPU/cpu$1/online 2>/dev/null; }
offline() { echo 0 > $CPU/cpu$1/online 2>/dev/null; }

[ -r $S ] || { echo "no $S (CONFIG_PERCPU_STATS)"; exit 4; }
val=$(arg percpu_lazy_units)
if [ "$(st enabled)" != 1 ]; then
	case $val in
	1|y|Y|on) bad "percpu_lazy_units=$val given but lazy units are off"; exit 1 ;;
	""|0|n|N|off) echo "lazy units off (boot with percpu_lazy_units=1)"; exit 4 ;;
	esac
	# a bad value is reported and leaves the feature off
	if dmesg | grep -q "percpu_lazy_units=$val is invalid"; then
		echo "percpu_lazy_units=$val: warned about, lazy units stay off"; exit 0
	fi
	bad "no warning for percpu_lazy_units=$val"; exit 1
fi
possible=$(cpu_count "$(cat $CPU/possible)")
onl=$(cpu_count "$(cat $CPU/online)")
echo "possible $possible, online $onl, backed $(st backed_cpus)"
[ "$possible" -ge 16 ] || { echo "needs >= 16 possible CPUs"; exit 4; }

# 1. boot: the online CPUs, plus those the KUnit suite onlined
for c in $(cpu_expand "$(cat $CPU/online)"); do
	backed "$c" || bad "online CPU $c is not backed"
done
# (the KUnit suite's cases bring up one CPU each, at most 8)
[ "$(st nr_backed_cpus)" -le $((onl + 8)) ] ||
	bad "$(st nr_backed_cpus) CPUs backed at boot, $onl online"
check_accounting boot

# 2. 1000 memcgs
echo +memory > $CG/cgroup.subtree_control
mkdir $CG/t && echo +memory > $CG/t/cgroup.subtree_control
sync; echo 3 > /proc/sys/vm/drop_caches
p0=$(meminfo Percpu); f0=$(meminfo MemFree)
i=0
while [ $i -lt 1000 ]; do mkdir $CG/t/m$i || { bad "mkdir m$i"; break; }; i=$((i + 1)); done
p1=$(meminfo Percpu); f1=$(meminfo MemFree)
per=$(( (p1 - p0) / 1000 ))
echo "1000 memcgs: Percpu +$((p1 - p0)) kB ($per kB each), MemFree -$((f0 - f1)) kB"
# unpatched, one memcg costs ~1.4 kB per possible CPU (~90 kB at 64)
[ "$per" -lt 16 ] || bad "Percpu grows $per kB per memcg: units are not lazy"
check_accounting "1000 memcgs"

# 3. bring up CPUs 2-9 for the first time and use memcgs from them
prepared=$(st nr_prepared); pages=$(st lazy_pop_pages)
for c in 2 3 4 5 6 7 8 9; do
	backed $c && continue
	online $c || bad "cpu$c online failed"
	backed $c || bad "cpu$c online but not backed"
done
echo "CPU online with 1000 memcgs: last backing $(st last_pages) pages," \
     "$(st last_ctors) constructors, pcpu_alloc_mutex held $(st last_hold_ns) ns" \
     "(max $(st max_hold_ns)), callback $(st last_total_ns) ns"
[ "$(st last_ctors)" -ge 2000 ] || bad "$(st last_ctors) constructors run, want >= 2000 (1000 memcgs x vmstats + rstat)"
p2=$(meminfo Percpu)
echo "Percpu after onlining: +$((p2 - p1)) kB (lazy_pop_pages $pages)"
check_accounting "CPUs 2-9 up"
mkdir -p /mnt/t && mount -t tmpfs none /mnt/t
for c in 2 3 4 5 6 7 8 9; do
	taskset -c $c sh -c "echo \$\$ > $CG/t/m$c/cgroup.procs &&
		dd if=/dev/zero of=/mnt/t/f$c bs=1M count=4 2>/dev/null"
	cur=$(cat $CG/t/m$c/memory.current)
	# memory.stat is flushed from the per-CPU counters when enough has
	# changed or by the periodic flush (every 2 s): give it that long
	w=0
	while :; do
		shm=$(awk '$1 == "shmem" { print $2 }' $CG/t/m$c/memory.stat)
		[ "${shm:-0}" -ge 4194304 ] || [ $w -ge 5 ] && break
		w=$((w + 1)); sleep 1
	done
	if [ "$cur" -lt 4194304 ] || [ "${shm:-0}" -lt 4194304 ]; then
		bad "memcg m$c used from cpu$c: memory.current $cur, shmem ${shm:-?}"
	fi
done
echo "memcgs charged from CPUs 2-9: memory.current and memory.stat ok"
# the parent's statistics are fed by its children's copies on those CPUs
pshm=$(awk '$1 == "shmem" { print $2 }' $CG/t/memory.stat)
if [ "${pshm:-0}" -lt $((8 * 4194304)) ]; then
	bad "parent memcg t: shmem ${pshm:-?}, want >= 8 x 4 MiB from its children on CPUs 2-9"
else
	echo "parent memcg t: shmem $pshm bytes from its children on CPUs 2-9"
fi
rm -f /mnt/t/f*

# 4. offline/online cycles keep the units
prepared=$(st nr_prepared); p3=$(meminfo Percpu)
for round in 1 2 3; do
	for c in 2 3 4 5 6 7 8 9; do offline $c || bad "cpu$c offline"; done
	for c in 2 3 4 5 6 7 8 9; do online $c || bad "cpu$c online (round $round)"; done
done
[ "$(st nr_prepared)" -eq "$prepared" ] || bad "re-online backed CPUs again"
p4=$(meminfo Percpu)
[ "$p4" -eq "$p3" ] || bad "Percpu changed over offline/online cycles: $p3 -> $p4 kB"
for c in 2 9; do
	taskset -c $c sh -c "echo \$\$ > $CG/t/m1$c/cgroup.procs &&
		dd if=/dev/zero of=/mnt/t/g$c bs=1M count=4 2>/dev/null"
	[ "$(cat $CG/t/m1$c/memory.current)" -ge 4194304 ] || bad "memcg m1$c after cycles"
done
rm -f /mnt/t/g*
echo "3 offline/online cycles of CPUs 2-9: no re-backing, Percpu $p3 -> $p4 kB"

# 5. out of memory while backing a CPU: -ENOMEM, nothing left behind
F=/sys/kernel/debug/fail_page_alloc
if [ -d $F ]; then
	c=10
	failed=$(st nr_failed); nb=$(st nr_backed_cpus); p5=$(meminfo Percpu)
	echo N > $F/ignore-gfp-wait; echo N > $F/ignore-gfp-highmem
	echo 0 > $F/min-order; echo 0 > $F/verbose
	echo Y > $F/task-filter; echo 100 > $F/probability
	echo 1 > $F/interval; echo -1 > $F/times
	err=$(cpu-online-ns -f $c 1 2>&1)
	rc=$?
	echo 0 > $F/probability
	echo "online cpu$c under fail_page_alloc: rc $rc: $err"
	[ $rc -ne 0 ] || bad "cpu$c came up although every page allocation failed"
	case $err in *"out of memory"*|*"Cannot allocate"*) ;; *) bad "not ENOMEM: $err" ;; esac
	[ "$(cat $CPU/cpu$c/online)" = 0 ] || bad "cpu$c online after a failed online"
	[ "$(st nr_failed)" -eq $((failed + 1)) ] || bad "nr_failed $(st nr_failed), want $((failed + 1))"
	[ "$(st nr_backed_cpus)" -eq "$nb" ] || bad "a failed online changed the backed CPUs"
	backed $c && bad "cpu$c half backed after the failure"
	[ "$(meminfo Percpu)" -eq "$p5" ] || bad "Percpu changed: $p5 -> $(meminfo Percpu) kB"
	check_accounting "after the failed online"
	online $c || bad "cpu$c online after the failure"
	backed $c || bad "cpu$c not backed after the second attempt"
	echo "cpu$c: ENOMEM rolled back, second attempt backed it"
else
	echo "no fail_page_alloc (CONFIG_FAIL_PAGE_ALLOC): step 5 skipped"
fi

# 5b. real memory pressure: no swap, memory filled to just above the min
#     watermark by a task that holds anonymous memory, then the first online
#     of a CPU that needs more pages than are left.  Backing is bounded
#     effort: -ENOMEM (or success if reclaim found enough), no OOM kill.
c=16
if dmesg | grep -q 'KernelAddressSanitizer initialized'; then
	# KASAN's quarantine and shadow pages move free memory under memhog's
	# feet: it overshoots and is OOM-killed at every target
	echo "5b skipped under KASAN (free memory cannot be targeted)"
else
# What memhog leaves has to be less than the online needs, also counting
# the pages parked on per-CPU lists, which the allocator drains before it
# gives up: take CPUs 2-10 down (their lists are drained), shrink the lists
# of the others, and add memcgs so that the online needs more pages.
for x in 2 3 4 5 6 7 8 9 10; do offline $x || bad "cpu$x offline before 5b"; done
frac=$(cat /proc/sys/vm/percpu_pagelist_high_fraction)
echo 100000 > /proc/sys/vm/percpu_pagelist_high_fraction
i=0
while [ $i -lt 3000 ]; do mkdir $CG/t/p$i || { bad "mkdir p$i"; break; }; i=$((i + 1)); done
need=$(st lazy_pop_pages)
# memhog is the OOM victim if it overshoots while filling: start over with
# more room, and take the OOM count once it holds its memory
memhog_start $((need * 4 / 2)) $((need * 4)) $((need * 8)) || bad "memhog never got ready"
oom0=$(vm oom_kill); failed=$(st nr_failed); nb=$(st nr_backed_cpus)
echo "memory pressure: memhog $(cat /tmp/memhog.out) (kB left above the min watermarks, kB held; the online needs $need pages)"
err=$(cpu-online-ns $c 1 2>&1)
rc=$?
oom1=$(vm oom_kill)
# a killed task may linger as a zombie until reaped: look at its state
alive=no
grep -q '^State:[[:space:]]*[RSD]' /proc/$hog/status 2>/dev/null && alive=yes
kill $hog 2>/dev/null; wait $hog 2>/dev/null
echo "online cpu$c under memory pressure: rc $rc: $err; oom kills $oom0 -> $oom1, hog alive: $alive"
[ "$oom1" -eq "$oom0" ] || bad "bringing cpu$c up invoked the OOM killer ($oom0 -> $oom1 kills)"
[ $alive = yes ] || bad "the memory hog died during the online"
if [ $rc -ne 0 ]; then
	case $err in *"out of memory"*|*"Cannot allocate"*) ;; *) bad "not ENOMEM: $err" ;; esac
	[ "$(cat $CPU/cpu$c/online)" = 0 ] || bad "cpu$c online after a failed online"
	if backed $c; then
		# percpu:prepare got its pages, a later state did not (as in 6)
		echo "cpu$c: backed, then a later hotplug state failed with ENOMEM"
	else
		[ "$(st nr_failed)" -eq $((failed + 1)) ] || bad "nr_failed $(st nr_failed), want $((failed + 1))"
		[ "$(st nr_backed_cpus)" -eq "$nb" ] || bad "a failed online changed the backed CPUs"
		echo "cpu$c: percpu:prepare failed with ENOMEM, nothing backed"
	fi
	check_accounting "after the online that failed under pressure"
	online $c || bad "cpu$c online once the pressure is gone"
	echo "cpu$c: no OOM kill, up once the memory was back"
elif [ "$oom1" -eq "$oom0" ]; then
	echo "cpu$c: reclaim found enough memory, online without an OOM kill"
fi
backed $c || bad "cpu$c not backed after the pressure"
echo "$frac" > /proc/sys/vm/percpu_pagelist_high_fraction
i=0
while [ $i -lt 3000 ]; do rmdir $CG/t/p$i 2>/dev/null; i=$((i + 1)); done
for x in 2 3 4 5 6 7 8 9 10; do online $x || bad "cpu$x online after 5b"; done
fi

# 6. a later PREPARE state fails: the online rolls back, the CPU keeps
#    its (complete) units, the retry succeeds without backing again
c=11
next=$(awk -F': ' '$2 == "threads:prepare" { print $1 + 0 }' $CPU/hotplug/states)
if [ -n "$next" ]; then
	prepared=$(st nr_prepared)
	echo "$next" > $CPU/cpu$c/hotplug/fail
	online $c && bad "cpu$c came up through an injected failure at state $next"
	[ "$(cat $CPU/cpu$c/online)" = 0 ] || bad "cpu$c online after the injected failure"
	[ "$(st nr_prepared)" -eq $((prepared + 1)) ] || bad "percpu:prepare did not run before state $next"
	online $c || bad "cpu$c online after the injected failure"
	[ "$(st nr_prepared)" -eq $((prepared + 1)) ] || bad "cpu$c backed twice"
	check_accounting "after the injected hotplug failure"
	echo "cpu$c: failure at state $next rolled back, retry ok"
else
	bad "no threads:prepare in $CPU/hotplug/states"
fi

# 7. memcg churn while CPUs come up for the first time and go down again
( i=0; while [ $i -lt 200 ]; do mkdir $CG/t/c$i; rmdir $CG/t/c$i; i=$((i + 1)); done ) &
churn=$!
for round in 1 2; do
	for c in 12 13 14 15; do online $c || bad "cpu$c online under churn"; done
	for c in 12 13 14 15; do offline $c || bad "cpu$c offline under churn"; done
done
wait $churn
for c in 12 13 14 15; do backed $c || bad "cpu$c not backed after churn"; done
echo "memcg churn during hotplug of CPUs 12-15: done"

# 8. tear down and check the books once more
i=0
while [ $i -lt 1000 ]; do rmdir $CG/t/m$i 2>/dev/null; i=$((i + 1)); done
rmdir $CG/t 2>/dev/null
umount /mnt/t
# css frees are asynchronous (RCU, then a work item): wait until no memcg
# is dying, then until the percpu balance work has settled
w=0
while [ "$(awk '$1 == "nr_dying_descendants" { print $2 }' $CG/cgroup.stat)" != 0 ]; do
	w=$((w + 1)); [ $w -le 120 ] || { bad "memcgs still dying after 120 s"; break; }
	sleep 1
done
prev=""; cur=$(st lazy_pop_pages)
while [ "$cur" != "$prev" ]; do sleep 1; prev=$cur; cur=$(st lazy_pop_pages); done
check_accounting "memcgs removed"
echo "Percpu: boot $p0 kB, 1000 memcgs $p1 kB, CPUs 2-9 up $p2 kB, end $(meminfo Percpu) kB"
echo "backed CPUs at the end: $(st backed_cpus) ($(st nr_prepared) prepared, $(st nr_failed) failed)"
exit $fail
