# shellcheck shell=sh
# Helpers shared by the guest tests: . /tests/lib.sh
# value of kernel parameter $1 (the last one given), or $2 when it is absent
arg() {
	_a=$(tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -n1)
	echo "${_a:-$2}"
}
# number of CPUs in a CPU list ("0-63", "0,2-5"); the list expanded
cpu_count() { echo "$1" | tr , '\n' | awk -F- 'NF { n += ($2 == "" ? 1 : $2 - $1 + 1) } END { print n + 0 }'; }
cpu_expand() { echo "$1" | tr , '\n' | awk -F- 'NF { e = ($2 == "" ? $1 : $2); for (i = $1; i <= e; i++) printf "%s%d", (n++ ? "," : ""), i }'; }
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
# TcpExt: PFMemallocDrop (pfmemalloc skbs dropped by non-memalloc sockets)
pfdrop() { awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "PFMemallocDrop") c = i; h = 1 } else print $c }' /proc/net/netstat; }

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
