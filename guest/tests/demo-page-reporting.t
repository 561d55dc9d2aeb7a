#!/bin/sh
# Guest side of the page reporting part of make demo (not part of "all"):
# boot with virtio-balloon free-page-reporting=on.  Fill demo.mb= MB
# (default 3072), hold it, free it, and wait until reporting is idle, with
# "DEMO phase=..." markers the host matches against QEMU's RSS.
. /tests/lib.sh
wait_idle() { pr_wait_idle 300; }
# straight to the console: the test's own output is only printed at its end
say() { echo "$*" > /dev/console; echo "$*"; }
MB=$(arg demo.mb); MB=${MB:-3072}
[ "$(pr_st state)" != unregistered ] || { echo "DEMO error=no-reporting-device"; exit 1; }
wait_idle
say "DEMO phase=booted"
sleep 3
say "DEMO phase=filling"
page_reporting_fill -t -s 5 "$MB" > /dev/null
say "DEMO phase=freed"
r0=$(pr_st reported_pages)
p0=$(pr_st passes)
while [ "$(pr_st passes)" -le "$p0" ]; do sleep 1; done
wait_idle
say "DEMO phase=reported mb=$(( ($(pr_st reported_pages) - r0) * 4 / 1024 ))"
sleep 3
say "DEMO phase=end"
exit 0
