#!/bin/sh
# DIMM hot-add, online, offline and hot-remove cycles, with
# padata.mt_max_threads=1 and =2 in turn.  The guest asks the host on its
# second serial port, ttyS1 ("QMP-REQUEST dimm-add|dimm-del ...", done by
# scripts/qmp-agent.py through QEMU's monitor: qemu-run --hotplug, which
# also sets mmtest.hotplug=1) and checks what it sees:
#  - the DIMM's memory blocks appear (offline: memhp_default_state=offline);
#  - each block onlines (online_movable); its two onlining jobs, the memmap
#    init and the freeing of its pages, report no error and at most the
#    threads allowed (padata_mt_job_end); no page of it is left PageOffline,
#    i.e. never freed (CONFIG_PADATA_MT_TEST's memmap file, if present);
#  - MemTotal grows by the pages the freeing jobs freed, which is the
#    DIMM's size unless memory_hotplug.memmap_on_memory=1 keeps each
#    block's memmap in the block (then the job is the rest of it);
#  - in cycles 1 and 2 (of every 4) the blocks are offlined first, in 3
#    and 4 the DIMM is removed while online (the kernel offlines it when
#    ACPI ejects it);
#  - the blocks go away and MemTotal is what it was.
# Over the 2-thread cycles, each job must have run on 2 threads at least
# once.  With memory_hotplug.memmap_on_memory=1 on the command line, the
# kernel must use it: the jobs free less than the DIMM.  Needs 2 online
# CPUs, memory blocks larger than a section (x86: 64 GiB of boot memory or
# more) and the padata tracepoints; skips (4) without them or without
# mmtest.hotplug=1.
. /tests/lib.sh
P=/sys/module/padata/parameters/mt_max_threads
M=/sys/devices/system/memory
TR=/sys/kernel/tracing
T=/sys/kernel/debug/padata_mt_test
SIZE=$(arg hotplug.size 4G)
CYCLES=$(arg hotplug.cycles 4)
fail=0
bad() { echo "FAIL: $*"; fail=1; }

[ "$(arg mmtest.hotplug 0)" = 1 ] ||
	{ echo "SKIP: no host agent for hot-add (qemu-run --hotplug)"; exit 4; }
[ -c /dev/ttyS1 ] || { echo "FAIL: no /dev/ttyS1 to ask the host on"; exit 1; }

[ -e $P ] || { echo "SKIP: no $P (CONFIG_PADATA_MT_RUNTIME)"; exit 4; }
[ "$(cpu_count "$(cat /sys/devices/system/cpu/online)")" -ge 2 ] ||
	{ echo "SKIP: one online CPU"; exit 4; }
bs=$(( 0x$(cat $M/block_size_bytes) ))
[ "$bs" -gt $((128 << 20)) ] ||
	{ echo "SKIP: memory blocks of $((bs >> 20)) MiB: one section, one chunk"; exit 4; }
[ -e $TR/events ] || mount -t tracefs nodev $TR 2>/dev/null
[ -e $TR/events/padata/padata_mt_job_end ] || { echo "SKIP: no padata tracepoints"; exit 4; }
case $SIZE in
*G) sbytes=$(( ${SIZE%G} << 30 )) ;;
*M) sbytes=$(( ${SIZE%M} << 20 )) ;;
*) echo "FAIL: hotplug.size=$SIZE: want NG or NM"; exit 1 ;;
esac
nblocks=$((sbytes / bs))
[ "$nblocks" -ge 1 ] && [ $((nblocks * bs)) = "$sbytes" ] ||
	{ echo "FAIL: hotplug.size=$SIZE is not a multiple of the $((bs >> 20)) MiB block"; exit 1; }
p0=$(cat $P)
mom=$(cat /sys/module/memory_hotplug/parameters/memmap_on_memory 2>/dev/null || echo N)
echo "memory blocks of $((bs >> 20)) MiB, memmap_on_memory=$mom"
case $(arg memory_hotplug.memmap_on_memory 0) in
1|y|Y|force) mom_asked=1 ;;
*) mom_asked=0 ;;
esac
[ $mom_asked = 0 ] || [ "$mom" != N ] ||
	{ echo "FAIL: memory_hotplug.memmap_on_memory asked for, not enabled"; exit 1; }
echo 1 > $TR/events/padata/padata_mt_job_end/enable
trap 'put $P "$p0"; echo 0 > $TR/events/padata/padata_mt_job_end/enable' EXIT

blocks() { ls -d $M/memory* | sed 's|.*/||' | sort; }
request() { echo "QMP-REQUEST $*" > /dev/ttyS1; }
# wait_blocks N S: until there are N memory blocks, at most S seconds; 1 if not
wait_blocks() {
	w=0
	while [ "$(blocks | wc -l)" != "$1" ]; do
		w=$((w + 1)); [ $w -le $(($2 * 5)) ] || return 1
		sleep 0.2
	done
}
# the size of the last job NAME in the trace (0 if none)
job_size() {
	r=$(sed -n "s/.*padata_mt_job_end: $1 size=\([0-9]*\) .*error=0$/\1/p" $TR/trace | tail -n1)
	echo "${r:-0}"
}
# the threads of the last job NAME in the trace ("none" if it did not end well)
job_threads() {
	r=$(sed -n "s/.*padata_mt_job_end: $1 size=[0-9]* threads=\([0-9]*\) .*error=0$/\1/p" \
		$TR/trace | tail -n1)
	echo "${r:-none}"
}

two_memmap=0 two_free=0
c=1
while [ $c -le "$CYCLES" ]; do
	t=$((2 - c % 2))		# 1, 2, 1, 2, ...
	[ $((c % 4)) = 1 ] || [ $((c % 4)) = 2 ] && how=offline || how=eject
	id=hp$c
	before=$(blocks); n0=$(echo "$before" | wc -l)
	total0=$(meminfo MemTotal)
	request dimm-add $id "$SIZE"
	if ! wait_blocks $((n0 + nblocks)) 60; then
		bad "cycle $c: $(($(blocks | wc -l) - n0)) of $nblocks blocks appeared 60 s after asking for $id (see the qmp-agent lines)"
		break
	fi
	new=$(blocks | grep -vxF "$before")
	put $P $t
	freed_kb=0
	for b in $new; do
		[ "$(cat $M/$b/state)" = offline ] || bad "cycle $c: $b came up $(cat $M/$b/state)"
		echo > $TR/trace
		put $M/$b/state online_movable || { bad "cycle $c: could not online $b"; continue; }
		jm=$(job_threads memmap_init_hotplug) jf=$(job_threads online_pages_range)
		freed_kb=$((freed_kb + $(job_size online_pages_range) * 4))
		for j in "memmap:$jm" "freeing:$jf"; do
			case ${j#*:} in
			[1-9]) [ "${j#*:}" -le $t ] || bad "cycle $c: $b's ${j%%:*} job ran on ${j#*:} threads, more than $t" ;;
			*) bad "cycle $c: no ${j%%:*} job of $b ended without error" ;;
			esac
		done
		[ "$jm" = 2 ] && two_memmap=$((two_memmap + 1))
		[ "$jf" = 2 ] && two_free=$((two_free + 1))
		off=-
		if [ -e $T/memmap ]; then
			nr=$((bs / 4096))
			put $T/memmap "$(( ${b#memory} * nr )) $nr"
			off=$(stat_field $T/memmap offline)
			[ "$off" = 0 ] || bad "cycle $c: $off pages of $b never freed (still PageOffline)"
		fi
		echo "cycle $c, mt_max_threads=$t: $b online, threads $jm (memmap) $jf (freeing), PageOffline $off"
	done
	grew=$(( $(meminfo MemTotal) - total0 ))
	[ $grew = $freed_kb ] || bad "cycle $c: MemTotal grew by $grew kB, the jobs freed $freed_kb kB"
	[ "$mom" != N ] || [ $freed_kb = $((sbytes >> 10)) ] ||
		bad "cycle $c: the jobs freed $freed_kb kB of a $((sbytes >> 10)) kB DIMM"
	[ $mom_asked = 0 ] || [ $freed_kb -lt $((sbytes >> 10)) ] ||
		bad "cycle $c: memmap_on_memory, yet the jobs freed all $freed_kb kB of the DIMM"
	if [ $how = offline ]; then
		for b in $new; do
			put $M/$b/state offline || bad "cycle $c: could not offline $b"
		done
	fi
	request dimm-del $id
	if ! wait_blocks "$n0" 120; then
		bad "cycle $c: $(($(blocks | wc -l) - n0)) blocks of $id left 120 s after removing it ($how)"
		break
	fi
	total1=$(meminfo MemTotal)
	[ "$total1" = "$total0" ] || bad "cycle $c: MemTotal $total1 kB after removal, $total0 before"
	echo "cycle $c: $id ($SIZE, $nblocks blocks) added, onlined ($freed_kb kB freed), removed ($how first)"
	c=$((c + 1))
done
if [ "$CYCLES" -ge 2 ] && [ $fail = 0 ]; then
	[ $two_memmap -gt 0 ] || bad "no memmap init job ran on 2 threads in the 2-thread cycles"
	[ $two_free -gt 0 ] || bad "no freeing job ran on 2 threads in the 2-thread cycles"
	echo "2-thread cycles: $two_memmap memmap and $two_free freeing jobs on 2 threads"
fi
exit $fail
