#!/bin/sh
# Guest side of bench/padata-memmap (not part of "all"): how long the memmap
# init of persistent memory and of onlining takes with
# padata.mt_max_threads=1 and =2, interleaved within this boot.
#
# pmem: the first raw namespace is bound as fsdax with its memmap on the
# device (ndctl's default for fsdax), bench.reps= times per thread count
# (default 5) plus one warm-up bind that is not reported (it is the first
# touch of the device's memmap, which costs the host a fault per page under
# TCG); each bind is timed from user space (what a user waits for) and the
# memmap init job from its padata_mt_job_end tracepoint (duration, threads).
# online: every offline memory block is onlined (online_movable) and
# offlined again, once as a warm-up that is not reported (the first touch
# of the blocks' memmap, in guest RAM, costs the host a fault per page),
# then bench.reps= times per thread count, one write timed per block, its
# two jobs (memmap init, freeing the pages) read from the tracepoint.
#
# Prints "BENCH what=pmem|online threads=T rep=R pages=N write_ns=W job_ns=J
# job_threads=K" per bind or block, with "free_ns=F free_threads=L" for the
# freeing job of an online, and "BENCH error ..." when something did not
# work.
. /tests/lib.sh
P=/sys/module/padata/parameters/mt_max_threads
ND=/sys/bus/nd
M=/sys/devices/system/memory
TR=/sys/kernel/tracing
REPS=$(arg bench.reps 5)

[ -e $P ] || { echo "BENCH error no $P"; exit 1; }
[ -e $TR/events ] || mount -t tracefs nodev $TR 2>/dev/null
[ -e $TR/events/padata/padata_mt_job_end ] || { echo "BENCH error no padata tracepoints"; exit 1; }
echo 1 > $TR/events/padata/padata_mt_job_end/enable
echo > $TR/trace
rm -f /tmp/seen_*
# job NAME: "ns threads" of the job NAME that ended since the last call for
# NAME ("none none" if none did).  The trace is never cleared while the
# bench runs: clearing it before a write made that write take 10-12 ms
# longer under TCG (bench/padata-memmap/trace-clear.sh).
# job runs in $(...), a subshell: the count seen so far is kept in a file.
job() {
	_n=$(grep -c "padata_mt_job_end: $1 " $TR/trace)
	_prev=$(cat "/tmp/seen_$1" 2>/dev/null || echo 0)
	echo "$_n" > "/tmp/seen_$1"
	if [ "$_n" -le "$_prev" ]; then echo "none none"; return; fi
	sed -n "s/.*padata_mt_job_end: $1 size=[0-9]* threads=\([0-9]*\) chunks=[0-9]* duration_ns=\([0-9]*\) error=0$/\2 \1/p" \
		$TR/trace | tail -n1 | grep . || echo "none none"
}
order() { if [ $(($1 % 2)) = 1 ]; then echo 1 2; else echo 2 1; fi; }

ns=""
for d in $ND/devices/namespace*.*; do
	[ -e "$d/mode" ] && [ "$(cat "$d/mode")" = raw ] || continue
	ns=$(basename "$d"); break
done
if [ -n "$ns" ]; then
	region=$(basename "$(readlink -f "$ND/devices/$ns/..")")
	pages=$(( $(cat "$ND/devices/$ns/size") / 4096 ))
	[ -e "$ND/devices/$ns/driver" ] && put "$ND/devices/$ns/driver/unbind" "$ns"
	echo "BENCH pmem namespace=$ns pages=$pages"
	# bind T REP: fsdax, memmap on the device; REP 0 is the warm-up
	bind() {
		t=$1 rep=$2
		put $P "$t"
		seed=$(cat $ND/devices/$region/pfn_seed)
		sd=$ND/devices/$seed
		put "$sd/uuid" "$(cat /proc/sys/kernel/random/uuid)" && put "$sd/mode" pmem &&
			put "$sd/align" 2097152 && put "$sd/namespace" "$ns" ||
			{ echo "BENCH error could not set up $seed"; exit 1; }
		w=$(timed-write $ND/drivers/nd_pmem/bind "$seed") ||
			{ echo "BENCH error could not bind $seed"; exit 1; }
		set -- $(job memmap_init_zone_device)
		[ "$rep" = 0 ] || echo "BENCH what=pmem threads=$t rep=$rep pages=$pages write_ns=$w job_ns=$1 job_threads=$2"
		put "$sd/driver/unbind" "$seed"
		put "$sd/namespace" ""
	}
	bind 2 0
	r=1
	while [ $r -le "$REPS" ]; do
		for t in $(order $r); do bind "$t" $r; done
		r=$((r + 1))
	done
fi

blocks=""
for b in $M/memory*; do
	[ "$(cat "$b/state")" = offline ] && blocks="$blocks $(basename "$b")"
done
if [ -n "$blocks" ]; then
	bpages=$(( $(cat $M/block_size_bytes | sed 's/^/0x/') / 4096 ))
	echo "BENCH online blocks=$(echo $blocks | wc -w) block_pages=$bpages"
	online() {	# T REP
		t=$1 rep=$2
		put $P "$t"
		for b in $blocks; do
			w=$(timed-write $M/$b/state online_movable) ||
				{ echo "BENCH error could not online $b"; exit 1; }
			set -- $(job memmap_init_hotplug) $(job online_pages_range)
			[ "$rep" = 0 ] ||
				echo "BENCH what=online threads=$t rep=$rep pages=$bpages write_ns=$w job_ns=$1 job_threads=$2 free_ns=$3 free_threads=$4"
		done
		for b in $blocks; do
			put $M/$b/state offline || { echo "BENCH error could not offline $b"; exit 1; }
		done
	}
	online 2 0
	r=1
	while [ $r -le "$REPS" ]; do
		for t in $(order $r); do online "$t" $r; done
		r=$((r + 1))
	done
fi
put $P 1
[ -n "$ns$blocks" ] || { echo "BENCH error neither a raw namespace nor an offline block"; exit 1; }
exit 0
