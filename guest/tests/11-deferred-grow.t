#!/bin/sh
# Growth on demand before deferred init, on the trigger it was written for
# (2017: trace_buf_size= on many CPUs ran out of the memory initialised
# early).  The boot asks for per-CPU trace buffers that together exceed
# what is initialised before deferred init:
#   deferred_grow=on (default), stress: every possible CPU is online with
#     a buffer of the asked size, and growth was counted (deferred_grow in
#     /proc/vmstat)
#   deferred_grow=off: the control; nothing grew, and the boot came up
#     short: CPUs offline, the ring buffer having warned for each
fail=0
. /tests/lib.sh
mode=$(arg deferred_grow)
size=$(arg trace_buf_size)
[ -n "$size" ] || { echo "FAIL: boot without trace_buf_size="; exit 1; }
want_kb=$(echo "$size" | awk '{ n = $1 + 0; u = substr($1, length($1));
	if (u == "M" || u == "m") n *= 1024; else if (u == "G" || u == "g") n *= 1048576;
	else if (u != "K" && u != "k") n = int(n / 1024); print n }')
T=/sys/kernel/tracing
[ -d $T/per_cpu ] || mount -t tracefs nodev $T 2>/dev/null
possible=$(cpu_count "$(cat /sys/devices/system/cpu/present)")
online=$(cpu_count "$(cat /sys/devices/system/cpu/online)")
full=0
for d in $T/per_cpu/cpu*; do
	kb=$(cat $d/buffer_size_kb 2>/dev/null)
	# the buffer rounds up to whole pages
	[ -n "$kb" ] && [ "$kb" -ge "$want_kb" ] && full=$((full + 1))
done
grow=$(vm deferred_grow)
pages=$(vm deferred_grow_pages)
echo "trace_buf_size=$size ($want_kb kB): $full of $possible CPUs have a buffer of that size, $online online; deferred_grow ${grow:-missing}, ${pages:-missing} pages"
if [ "$mode" = off ]; then
	[ "${grow:-1}" -eq 0 ] || { echo "FAIL: deferred_grow=off grew ${grow:-?} times"; fail=1; }
	[ "$online" -lt "$possible" ] ||
		{ echo "FAIL: the control came up whole: the boot does not need growth"; fail=1; }
	dmesg | grep -q "failed to allocate ring buffer on CPU" ||
		{ echo "FAIL: no 'failed to allocate ring buffer' in the control"; fail=1; }
	exit $fail
fi
[ "$online" -eq "$possible" ] || { echo "FAIL: $online of $possible CPUs online"; fail=1; }
[ "$full" -eq "$possible" ] || { echo "FAIL: $full of $possible CPUs have a $want_kb kB buffer"; fail=1; }
[ "${grow:-0}" -ge 1 ] || { echo "FAIL: no growth counted (deferred_grow ${grow:-missing})"; fail=1; }
exit $fail
