#!/bin/sh
# Bean-counted reserves for SOCK_MEMALLOC sockets, through the test driver:
# the kselftest tools/testing/selftests/mm/memalloc_reserve.sh of the tree
# (KTAP, one result per case; the harness judges each case).  Booted with
# memalloc_reserve.mode=enforce and a DIMM (boots.ini), so that
# pool_across_memory_hotplug has a block to online and offline.
exec /kselftest/mm/memalloc_reserve.sh
