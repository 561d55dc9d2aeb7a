# shellcheck shell=sh
# Helpers shared by the guest tests: . /tests/lib.sh
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | tail -n1; }	# kernel parameter $1
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }	# /proc/meminfo field, kB
# write $2 to $1, failing if the write fails (busybox echo ignores write errors)
put() { echo "$2" | dd of="$1" 2>/dev/null; }

# free page reporting (CONFIG_PAGE_REPORTING, debugfs)
PR=/sys/kernel/debug/page_reporting
pr_st() { awk -v k="$1" '$1 == k { print $2; exit }' $PR/stats; }	# stats field
# wait until reporting is idle (a pass found nothing left); 1 after $1 s (180)
pr_wait_idle() {
	wi=0
	while [ "$(pr_st state)" != idle ]; do
		wi=$((wi + 1)); [ $wi -le "${1:-180}" ] || return 1
		sleep 1
	done
}
