#!/bin/sh
# tools/testing/selftests/mm/padata_mt_memmap.sh: the memmap init jobs of
# persistent memory (devdax and fsdax, memmap in RAM and on the device)
# and of memory onlining leave the same, fully initialised memmap on one
# thread and on two.  kselftest exit codes (4 = skip).
exec /kselftest/mm/padata_mt_memmap.sh
