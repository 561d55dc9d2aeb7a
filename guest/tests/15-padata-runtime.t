#!/bin/sh
# padata's multithreaded jobs after boot: the padata_mt KUnit suite runs
# again from debugfs, once the init sections are gone, as runtime users
# (pmem binding, memory onlining) call padata.  No case may fail; which
# cases skip is not compared with the boot run.
d=/sys/kernel/debug/kunit/padata_mt
mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ ! -e $d/run ]; then
	echo "no $d/run (CONFIG_PADATA_KUNIT_TEST, CONFIG_KUNIT_DEBUGFS)"
	exit 4
fi
# KUnit prints its KTAP to the console too, where the harness would read
# it as the guest's own results: keep KERN_INFO off the console meanwhile
lvl=$(cut -f1 /proc/sys/kernel/printk)
echo 4 > /proc/sys/kernel/printk
echo 1 > $d/run; rc=$?
echo "$lvl" > /proc/sys/kernel/printk
[ $rc = 0 ] || { echo "FAIL: writing $d/run"; exit 1; }
# the results file is the suite's KTAP; prefix it so that the harness
# does not read it as this test's own cases
sed 's/^/kunit: /' $d/results
cases=$(grep -c '^    ok \|^    not ok ' $d/results)
bad=$(grep -c '^    not ok ' $d/results)
echo "after boot: $cases cases, $bad failed"
if ! grep -q '^ok [0-9]* padata_mt' $d/results || [ "$bad" -ne 0 ] || [ "$cases" -lt 5 ]; then
	echo "FAIL: padata_mt after boot"
	exit 1
fi
