#!/bin/sh
# Upstream tools/testing/selftests/mm/compaction_test: fragments memory, then
# asks for huge pages through compaction.  kselftest exit codes (4 = skip).
exec /kselftest/mm/compaction_test
