#!/bin/sh
# memmap_init=lazy: the first cases of the kselftest memmap_lazy.sh (the
# pfn walkers, memory-failure, offline/online, own pages visible), which
# leave lazy mode on, so that a boot can run them while most sections are
# untouched and then another test in lazy mode (12-memmap-lazy runs them
# all, and ends lazy mode).
/kselftest/mm/memmap_lazy.sh --walkers
