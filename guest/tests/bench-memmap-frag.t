#!/bin/sh
# Guest side of bench/memmap-lazy/frag.sh: fragmentation after a mixed
# workload, for memmap_init=eager vs lazy (Mel Gorman's question: does
# growing on demand make the allocator fall back across migratetypes
# more often?).  16 rounds, each: 60 MB of anonymous memory in 4 KiB pages
# of which every other page is given back and the rest held (movable, and
# fragmenting the free lists), 200 small files in the rootfs (page cache,
# reclaimable slab), 20 sleeping processes (kernel stacks and page tables:
# unmovable).  Then, with page_owner=on, /proc/pagetypeinfo's count of
# pageblocks by migratetype and of mixed ones, and the mm_page_alloc_extfrag
# events counted during the workload (all, and those that fragment).
#
#   BENCH frag mode=M extfrag=N fragmenting=N mixed_unmovable=N
#     mixed_movable=N mixed_reclaimable=N blocks_unmovable=N ...
. /tests/lib.sh
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T
mode=$(cat /sys/kernel/mm/memmap_lazy/state 2>/dev/null || echo none)
echo 16384 > $T/buffer_size_kb
echo 1 > $T/events/kmem/mm_page_alloc_extfrag/enable
echo > $T/trace
mkdir -p /tmp/frag
i=0
while [ $i -lt 16 ]; do
	/kselftest/mm/page_reporting_fill -f -s 3600 100 > /dev/null &
	j=0
	while [ $j -lt 200 ]; do
		echo "$i $j" > /tmp/frag/f$i.$j
		j=$((j + 1))
	done
	j=0
	while [ $j -lt 20 ]; do
		sleep 3600 &
		j=$((j + 1))
	done
	sleep 2
	i=$((i + 1))
done
sleep 5
echo 0 > $T/events/kmem/mm_page_alloc_extfrag/enable
ev=$(grep -c mm_page_alloc_extfrag $T/trace)
fr=$(grep -c 'fragmenting=1' $T/trace)
lost=$(awk '/entries-in-buffer/ { print $0 }' $T/trace | head -n1)
# "Number of mixed blocks" needs page_owner=on; sum over zones
pt() { # header-prefix column-name
	awk -v h="$1" -v c="$2" '
		index($0, h) == 1 { on = 1; split($0, hd); for (k = 1; k <= NF; k++) if (hd[k] == c) col = k; next }
		on && $1 == "Node" { s += $(col) }
		on && $1 != "Node" { on = 0 }
		END { print s + 0 }' /proc/pagetypeinfo
}
out="BENCH frag mode=$mode extfrag=$ev fragmenting=$fr"
for t in Unmovable Movable Reclaimable; do
	out="$out mixed_$t=$(pt 'Number of mixed blocks' $t) blocks_$t=$(pt 'Number of blocks type' $t)"
done
echo "$out"
echo "BENCH frag_trace $lost"
echo "BENCH uninit_kb=$(meminfo MemmapUninit) memfree_kb=$(meminfo MemFree)"
cat /proc/pagetypeinfo | sed -n '/Number of blocks type/,$p' | sed 's/^/BENCH pti /'
