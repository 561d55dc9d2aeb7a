#!/bin/sh
# Guest side of the page reporting part of make demo (not part of "all"):
# boot with virtio-balloon free-page-reporting=on.  Fill demo.mb= MB
# (default 3072), hold it, free it, and wait until reporting is idle, with
# "DEMO phase=..." markers the host matches against QEMU's RSS.
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -n1; }
D=/sys/kernel/debug/page_reporting
st() { awk -v k="$1" '$1 == k { print $2; exit }' $D/stats; }
wait_idle() {
	wi=0
	while [ "$(st state)" != idle ]; do
		wi=$((wi + 1)); [ $wi -le 300 ] || return 1
		sleep 1
	done
}
# straight to the console: the test's own output is only printed at its end
say() { echo "$*" > /dev/console; echo "$*"; }
MB=$(arg demo.mb); MB=${MB:-3072}
[ "$(st state)" != unregistered ] || { echo "DEMO error=no-reporting-device"; exit 1; }
wait_idle
say "DEMO phase=booted"
sleep 3
say "DEMO phase=filling"
memfill -t -s 5 "$MB" > /dev/null
say "DEMO phase=freed"
r0=$(st reported_pages)
p0=$(st passes)
while [ "$(st passes)" -le "$p0" ]; do sleep 1; done
wait_idle
say "DEMO phase=reported mb=$(( ($(st reported_pages) - r0) * 4 / 1024 ))"
sleep 3
say "DEMO phase=end"
exit 0
