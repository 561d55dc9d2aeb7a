#!/bin/sh
# Deferred struct page init reports, per node with memory, the pages it
# initialised, the threads it used and the time it took; and it honours
# deferred_init_threads= (a bad value warns and falls back to the default).
#
#   node N deferred pages initialised in Xms: P pages, T threads
fail=0
. /tests/lib.sh
cap=$(arg deferred_init_threads)
bad_cap=0
case $cap in
"") ;;
*[!0-9]*|0) bad_cap=1 ;;
esac
if [ $bad_cap = 1 ]; then
	if dmesg | grep -q "deferred_init_threads=$cap.*invalid"; then
		echo "bad value '$cap' was warned about"
	else
		echo "FAIL: no warning for deferred_init_threads=$cap"; fail=1
	fi
	cap=""
fi

# present pages of the highest populated zone of node $1: deferred init
# covers that zone only (lower zones are initialised early, for
# address-constrained allocations), minus what memblock handed out early
# (KASAN's shadow, percpu areas, ...)
top_zone_present() {
	awk -v n="$1" '$1 == "Node" { gsub(",", "", $2); node = $2; zone = $4 }
		node == n && zone != "Movable" && $1 == "present" && $2 > 0 { p = $2; z = zone }
		END { print p + 0, z }' /proc/zoneinfo
}
nodes=$(cat /sys/devices/system/node/has_memory)
for n in $(echo "$nodes" | tr , '\n' | awk -F- '{ e = ($2 == "" ? $1 : $2); for (i = $1; i <= e; i++) print i }'); do
	line=$(dmesg | grep "node $n deferred pages initialised in")
	echo "$line"
	pages=$(echo "$line" | sed -n 's/.*: \([0-9]*\) pages, \([0-9]*\) threads.*/\1/p')
	threads=$(echo "$line" | sed -n 's/.*: \([0-9]*\) pages, \([0-9]*\) threads.*/\2/p')
	if [ -z "$pages" ] || [ -z "$threads" ]; then
		echo "FAIL: node $n: no 'P pages, T threads' in the report"; fail=1; continue
	fi
	cpus=$(cpu_count "$(cat /sys/devices/system/node/node$n/cpulist)")
	[ "$cpus" -ge 1 ] || cpus=1
	want=$cpus
	[ -n "$cap" ] && [ "$cap" -lt "$want" ] && want=$cap
	if [ "$threads" -ne "$want" ]; then
		echo "FAIL: node $n used $threads threads, expected $want (node cpus $cpus, cap '${cap:-none}')"
		fail=1
	fi
	total_kb=$(awk '/MemTotal/ { print $4 }' /sys/devices/system/node/node$n/meminfo)
	kb=$((pages * 4))
	set -- $(top_zone_present "$n")
	zone_pages=$1 zone=$2
	if [ "$kb" -gt "$total_kb" ] || [ "$pages" -le 0 ]; then
		echo "FAIL: node $n: $pages pages ($kb kB) vs MemTotal $total_kb kB"; fail=1
	elif [ "$zone_pages" -ge 262144 ] && [ $((pages * 2)) -lt "$zone_pages" ]; then
		echo "FAIL: node $n: only $pages of the $zone_pages pages of zone $zone were deferred"; fail=1
	else
		echo "node $n: $pages of the $zone_pages present pages of zone $zone deferred"
	fi
done
exit $fail
