#!/bin/sh
# Free page reporting with the reported boundary, through the test device:
# the kselftest tools/testing/selftests/mm/page_reporting_boundary.sh of
# the tree (KTAP, one result per case; the harness judges each case).
# Afterwards the test device is registered again, with the boundary, so
# that the compaction selftest that follows (50-compaction) runs with
# reporting on.
. /tests/lib.sh
/kselftest/mm/page_reporting_boundary.sh
rc=$?
if [ -d $PR/test ] && [ "$(pr_st state)" = unregistered ]; then
	put /sys/module/page_reporting/parameters/boundary 1
	put $PR/test/enabled 1 || echo "could not register the test device again"
fi
exit $rc
