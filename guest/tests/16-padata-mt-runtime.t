#!/bin/sh
# tools/testing/selftests/mm/padata_mt_runtime.sh: the helpers of a runtime
# padata job follow their caller's cpuset, cpu.max, nice, memcg, mempolicy
# and fatal signals.  kselftest exit codes (4 = skip).
exec /kselftest/mm/padata_mt_runtime.sh
