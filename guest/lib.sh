# shellcheck shell=sh
# Helpers shared by the guest tests: . /tests/lib.sh
# value of kernel parameter $1 (the last one given), or $2 when it is absent
arg() {
	_a=$(tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -n1)
	echo "${_a:-$2}"
}
# number of CPUs in a CPU list ("0-63", "0,2-5")
cpu_count() { echo "$1" | tr , '\n' | awk -F- 'NF { n += ($2 == "" ? 1 : $2 - $1 + 1) } END { print n + 0 }'; }
# field $2 of a "name value" stats file $1 (debugfs stats files); $3: column
stat_field() { awk -v k="$2" -v c="${3:-2}" '$1 == k { print $c; exit }' "$1" 2>/dev/null; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }	# /proc/meminfo field, kB
# write $2 to $1, failing if the write fails (busybox echo ignores write errors)
put() { echo "$2" | dd of="$1" 2>/dev/null; }

# free page reporting (CONFIG_PAGE_REPORTING, debugfs)
PR=/sys/kernel/debug/page_reporting
pr_st() { stat_field $PR/stats "$1"; }	# stats field
# wait until reporting is idle (a pass found nothing left); 1 after $1 s (180)
pr_wait_idle() {
	wi=0
	while [ "$(pr_st state)" != idle ]; do
		wi=$((wi + 1)); [ $wi -le "${1:-180}" ] || return 1
		sleep 1
	done
}

# /proc/vmstat counter $1
vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
# a TcpExt counter of /proc/net/netstat
tcpext() { awk -v k="$1" '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == k) c = i; h = 1 } else print $c }' /proc/net/netstat; }
# TcpExt: PFMemallocDrop (pfmemalloc skbs dropped by non-memalloc sockets)
pfdrop() { tcpext PFMemallocDrop; }

# bean-counted reserves (CONFIG_MEMALLOC_RESERVE, CONFIG_NET_MEMALLOC_RESERVE_TEST)
MR=/sys/kernel/debug/memalloc_reserve
MRT=/sys/kernel/debug/memalloc_reserve_test
# a veth pair mr0 <-> veth<N> (10.99.0.2, busybox names the peer), and the
# test driver set up on it with node limits $1 and $2 (bytes); 1 on failure
mr_veth_setup() {
	ip link add mr0 type veth || return 1
	MR_PEER=$(ls /sys/class/net | grep '^veth' | head -n1)
	ip link set mr0 up && ip link set "$MR_PEER" up &&
		ip addr add 10.99.0.2/24 dev "$MR_PEER" || return 1
	put $MRT/ctl "setup mr0 10.99.0.1 10.99.0.2 $1 $2"
}
# fail_skb_emergency (CONFIG_FAIL_SKB_EMERGENCY): $1=1, every skb allocation
# entitled to the reserves skips its normal attempt (pfmemalloc skbs); 0: off
FSE=/sys/kernel/debug/fail_skb_emergency
mr_force() {
	[ -d $FSE ] || return 1
	if [ "$1" = 1 ]; then
		put $FSE/verbose 0 && put $FSE/interval 1 && put $FSE/times -1 &&
			put $FSE/probability 100
	else
		put $FSE/probability 0
	fi
}

# RssAnon of process $1, kB
rss() { awk '$1 == "RssAnon:" { print $2 }' /proc/$1/status 2>/dev/null || echo 0; }
# until process $1 holds at least $2 kB (RssAnon), then (with $3) until it
# holds less than $3 kB; for at most 120 s each
wait_rss() {
	w=0
	while [ "$(rss $1)" -lt "$2" ] && [ $w -lt 120 ]; do sleep 1; w=$((w + 1)); done
	w=0
	while [ -n "$3" ] && [ "$(rss $1)" -ge "${3:-0}" ] && [ $w -lt 120 ]; do sleep 1; w=$((w + 1)); done
}
# A load that compacts for huge pages (order 9): hold most free memory in
# THPs (for $1 s) and the rest but 400 MB in 4K pages with every other one
# given back (for $2 s), so that free memory is single pages; then ask for
# as many huge pages as free memory could hold, and give them back.
# Prints the number of huge pages got.
compaction_load() {
	_thp=$(( $(meminfo MemFree) * 65 / 100 / 1024 ))
	page_reporting_fill -t -s "$1" $_thp > /dev/null &
	_p1=$!
	wait_rss $_p1 $((_thp * 1024 * 95 / 100))
	_mb=$(( $(meminfo MemFree) / 1024 - 400 ))
	page_reporting_fill -f -s "$2" $_mb > /dev/null &
	_p2=$!
	wait_rss $_p2 $((_mb * 1024 * 9 / 10)) $((_mb * 1024 * 6 / 10))
	echo $(( $(meminfo MemFree) / 2048 )) > /proc/sys/vm/nr_hugepages
	cat /proc/sys/vm/nr_hugepages
	echo 0 > /proc/sys/vm/nr_hugepages
	wait $_p2; wait $_p1
}

# Start a memory hog (the kselftest helper percpu_lazy_hog) in the
# background, leaving TARGET kB above the min watermarks; it is the OOM
# killer's first choice.  It can overshoot and be killed while it fills:
# each next target leaves more room.  Sets $hog (empty if it never got
# ready) and leaves its report in /tmp/memhog.out.
memhog_start() {
	hog=""
	for target in "$@"; do
		echo 1000 > /proc/self/oom_score_adj
		percpu_lazy_hog "$target" > /tmp/memhog.out &
		hog=$!
		echo 0 > /proc/self/oom_score_adj
		w=0
		while ! grep -q ready /tmp/memhog.out; do
			w=$((w + 1)); [ $w -le 120 ] || break
			kill -0 $hog 2>/dev/null || break
			sleep 1
		done
		grep -q ready /tmp/memhog.out && return 0
		echo "# memhog $target: did not get ready, retrying with more room"
		kill $hog 2>/dev/null; wait $hog 2>/dev/null; hog=""
	done
	return 1
}
