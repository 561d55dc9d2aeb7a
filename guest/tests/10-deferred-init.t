#!/bin/sh
# Deferred struct page init reports, per node with memory, the pages it
# initialised, the threads it used and the time it took; and it honours
# deferred_init_threads= (a bad value warns and falls back to the default).
# The same line says how the node's memmap grew on demand before: steps,
# pages and time with interrupts off, which must agree with the
# deferred_grow counters of /proc/vmstat; deferred_grow=stress must grow
# every node by steps smaller than a section, a bad value warns.
# memmap_init=lazy leaves sections to a node or says why it cannot; a bad
# value warns.
#
#   node N deferred pages initialised in Xms: P pages, T threads;
#     grown on demand E times: G pages in Uus (longest Lus)
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
mode=$(arg deferred_grow)
case $mode in
""|on|stress|off) ;;
*)
	if dmesg | grep -q "deferred_grow=$mode is invalid"; then
		echo "bad value '$mode' was warned about"
	else
		echo "FAIL: no warning for deferred_grow=$mode"; fail=1
	fi
	mode="" ;;
esac
# memmap_init=: a bad value warns; lazy mode either leaves sections to a
# node or says why it cannot (early_page_ext initialises every struct page
# before deferred init, which then has nothing to do)
early=0
tr ' ' '\n' < /proc/cmdline | grep -qx early_page_ext && early=1
lz=$(arg memmap_init)
case $lz in
""|eager) ;;
lazy)
	why=$(dmesg | sed -n 's/.*memmap_init=lazy has no effect: //p' | head -n1)
	if dmesg | grep -q "memmap_lazy: node [0-9]*: .* left uninitialised"; then
		[ -z "$why" ] || { echo "FAIL: lazy mode is in effect, yet: $why"; fail=1; }
	elif [ -n "$why" ]; then
		echo "memmap_init=lazy could not take effect, and said why: $why"
	else
		echo "FAIL: memmap_init=lazy left nothing uninitialised and said nothing"; fail=1
	fi
	if [ $early = 1 ] && ! echo "$why" | grep -q early_page_ext; then
		echo "FAIL: with early_page_ext the reason should name it: '$why'"; fail=1
	fi ;;
*)
	if dmesg | grep -q "memmap_init=$lz is invalid"; then
		echo "bad value '$lz' was warned about"
	else
		echo "FAIL: no warning for memmap_init=$lz"; fail=1
	fi ;;
esac
[ -z "$mode" ] && zcat /proc/config.gz 2>/dev/null | grep -q "^CONFIG_DEFERRED_STRUCT_PAGE_INIT_STRESS=y" && mode=stress
sum_ev=0 sum_pages=0

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
	if [ $early = 1 ]; then
		if [ -n "$line" ]; then
			echo "FAIL: node $n deferred struct pages with early_page_ext: $line"; fail=1
		else
			echo "node $n: early_page_ext: nothing deferred"
		fi
		continue
	fi
	echo "$line"
	pages=$(echo "$line" | sed -n 's/.*: \([0-9]*\) pages, \([0-9]*\) threads.*/\1/p')
	threads=$(echo "$line" | sed -n 's/.*: \([0-9]*\) pages, \([0-9]*\) threads.*/\2/p')
	if [ -z "$pages" ] || [ -z "$threads" ]; then
		echo "FAIL: node $n: no 'P pages, T threads' in the report"; fail=1; continue
	fi
	set -- $(echo "$line" | sed -n 's/.*; grown on demand \([0-9]*\) times: \([0-9]*\) pages in \([0-9]*\)us (longest \([0-9]*\)us)$/\1 \2 \3 \4/p')
	if [ $# -ne 4 ]; then
		echo "FAIL: node $n: no 'grown on demand E times: G pages in Uus (longest Lus)'"; fail=1; continue
	fi
	ev=$1 gp=$2 us=$3 longest=$4
	sum_ev=$((sum_ev + ev)) sum_pages=$((sum_pages + gp))
	bad=0
	[ "$ev" -eq 0 ] && [ "$gp" -ne 0 ] && bad=1
	[ "$ev" -gt 0 ] && [ "$gp" -eq 0 ] && bad=1
	[ "$longest" -gt "$us" ] && bad=1
	if [ $bad = 1 ]; then
		echo "FAIL: node $n: inconsistent growth report: $ev steps, $gp pages, ${us}us, longest ${longest}us"; fail=1
	fi
	# stress: the node's last zone starts with nothing initialised, and
	# grows by MAX_PAGE_ORDER blocks, not sections (32768 pages)
	if [ "$mode" = stress ] && [ "$ev" -lt 1 ]; then
		echo "FAIL: node $n never grew with deferred_grow=stress"; fail=1
	elif [ "$mode" = stress ] && [ "$gp" -ge $((ev * 32768)) ]; then
		echo "FAIL: node $n grew by $((gp / ev)) pages a step with deferred_grow=stress"; fail=1
	fi
	if [ "$mode" = off ] && [ "$ev" -ne 0 ]; then
		echo "FAIL: node $n grew $ev times with deferred_grow=off"; fail=1
	fi
	echo "node $n: grown on demand $ev times, $gp pages, ${us}us with interrupts off (longest ${longest}us)"
	cpus=$(cpu_count "$(cat /sys/devices/system/node/node$n/cpulist)")
	[ "$cpus" -ge 1 ] || cpus=1
	want=$cpus
	[ -n "$cap" ] && [ "$cap" -lt "$want" ] && want=$cap
	# growth may have left deferred init nothing to do
	[ "$pages" -eq 0 ] && [ "$threads" -eq 0 ] && want=0
	# memmap_init=lazy: what deferred init left uninitialised
	lazy=$(dmesg | sed -n "s/.*memmap_lazy: node $n: \([0-9]*\) sections .* left uninitialised.*/\1/p")
	if [ -n "$lazy" ] && [ "$threads" -ge 1 ] && [ "$threads" -le "$want" ]; then
		# the sections left to initialise may be fewer than the CPUs,
		# and a job takes at least a section a thread
		:
	elif [ "$threads" -ne "$want" ]; then
		echo "FAIL: node $n used $threads threads, expected $want (node cpus $cpus, cap '${cap:-none}')"
		fail=1
	fi
	[ -n "$lazy" ] && echo "node $n: $lazy sections left to memmap_init=lazy" && gp=$((gp + lazy * 32768))
	total_kb=$(awk '/MemTotal/ { print $4 }' /sys/devices/system/node/node$n/meminfo)
	kb=$(((pages + gp) * 4))
	set -- $(top_zone_present "$n")
	zone_pages=$1 zone=$2
	if [ "$kb" -gt "$total_kb" ] || [ $((pages + gp)) -le 0 ]; then
		echo "FAIL: node $n: $pages pages ($kb kB) vs MemTotal $total_kb kB"; fail=1
	elif [ "$zone_pages" -ge 262144 ] && [ $(((pages + gp) * 2)) -lt "$zone_pages" ]; then
		echo "FAIL: node $n: only $((pages + gp)) of the $zone_pages pages of zone $zone were deferred"; fail=1
	else
		echo "node $n: $pages + $gp grown of the $zone_pages present pages of zone $zone deferred"
	fi
done
vm_ev=$(vm deferred_grow) vm_pages=$(vm deferred_grow_pages)
if [ "$vm_ev" != "$sum_ev" ] || [ "$vm_pages" != "$sum_pages" ]; then
	echo "FAIL: /proc/vmstat deferred_grow ${vm_ev:-missing}, deferred_grow_pages ${vm_pages:-missing}; the nodes report $sum_ev and $sum_pages"
	fail=1
fi
exit $fail
