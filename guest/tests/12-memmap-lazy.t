#!/bin/sh
# memmap_init=lazy: the kselftest tools/testing/selftests/mm/memmap_lazy.sh
# of the tree (KTAP, one result per case; the harness judges each case).
# It ends lazy mode (its last case writes "eager").
/kselftest/mm/memmap_lazy.sh
