#!/bin/bash
# bench/dense-fleet: the series' features together on the dense-fleet guest
# of the seeds (2 GiB, 64 possible vCPUs of which 2 are online, 1000 memcgs,
# virtio-balloon free page reporting), on vs off on the same kernel, boots
# interleaved.
#
#   off: memmap_init=eager percpu_lazy_units=0 page_reporting.boundary=0
#   on:  memmap_init=lazy  percpu_lazy_units=1 page_reporting.boundary=1
#
# The balloon reports free memory in both (it is part of the guest, not of
# the series).  Guest RAM is a sparse file in /dev/shm: what the guest has
# touched, less what it reported, is QEMU's RssShmem, read when the guest
# says "BENCH sample" after bench.idle= seconds; VmRSS beside it.  The
# guest prints its own view: MemFree, MemAvailable, Percpu, MemmapUninit.
#
#   REPEAT=N (default 5)  IDLE=30  MEMCGS=1000  OUT=DIR (build/bench/dense-fleet)
#
# Output: OUT/{runs.csv,summary.csv,meta.txt}
. "$(dirname "$0")/../lib.sh"

REPEAT=${REPEAT:-5}
IDLE=${IDLE:-30}
MEMCGS=${MEMCGS:-1000}
MODES="off on"
bench_init dense-fleet REPEAT IDLE MEMCGS MODES

mode_args() {
	case $1 in
	off) echo "memmap_init=eager percpu_lazy_units=0 page_reporting.boundary=0" ;;
	on) echo "memmap_init=lazy percpu_lazy_units=1 page_reporting.boundary=1" ;;
	esac
}

mapfile -d '' -t common < <(python3 "$TOP/scripts/matrix.py" argv bench-dense-fleet)
[ ${#common[@]} -gt 0 ] || die "boots.ini: no section bench-dense-fleet"

bv() { sed -n "s/.*BENCH .*\\b$1=\\([0-9a-z-]*\\).*/\\1/p" "$2" | head -n1; }
echo "mode,rep,shmem_kb,rss_kb,memtotal_kb,memfree_kb,memavail_kb,percpu_kb,uninit_kb" > "$out/runs.csv"
for rep in $(seq 1 "$REPEAT"); do
	for mode in $(bench_order "$rep" $MODES); do
		log=$out/logs/$mode-$rep.log rc=0
		bench_boot_sample "$log" "$TOP/scripts/qemu-run" "${common[@]}" \
			--append "$(mode_args "$mode") bench.idle=$IDLE bench.memcgs=$MEMCGS" || rc=$?
		if [ $rc != 0 ] || [ -z "$shmem" ]; then
			bench_fail "$mode" "$rep" "exit $rc, sample '${shmem:-none}'" "$log"; continue
		fi
		# each feature must be in the state asked for
		got=$(sed -n 's/.*BENCH memmap=\([a-z]*\) percpu_lazy=\([0-9a-z]*\) boundary=\([A-Za-z]*\).*/\1 \2 \3/p' "$log" | head -n1)
		want="eager 0 N"; [ "$mode" = on ] && want="lazy 1 Y"
		bench_check "memmap_init, percpu_lazy_units, page_reporting.boundary" "$want" "$got" "$log"
		echo "$mode,$rep,$shmem,$rss,$(bv memtotal_kb "$log"),$(bv memfree_kb "$log"),$(bv memavail_kb "$log"),$(bv percpu_kb "$log"),$(bv uninit_kb "$log")" \
			>> "$out/runs.csv"
		printf '  %-3s rep %s: guest RAM %7s kB, VmRSS %7s kB, MemFree %7s kB, Percpu %6s kB\n' \
			"$mode" "$rep" "$shmem" "$rss" "$(bv memfree_kb "$log")" "$(bv percpu_kb "$log")" >&2
	done
done

col() { # mode column -> median
	awk -F, -v m="$1" -v c="$2" 'NR > 1 && $1 == m && $c != "" { print $c }' "$out/runs.csv" | median
}
n=$(awk -F, 'NR > 1 && $1 == "on"' "$out/runs.csv" | grep -c . || true)
echo "what,off,on,difference" > "$out/summary.csv"
printf '\ndense-fleet guest: 2 GiB, 64 possible / 2 online vCPUs, %s memcgs, balloon reporting (median of %s)\n' \
	"$MEMCGS" "$n"
printf '%-28s %12s %12s %12s\n' "" "features off" "features on" "difference"
for w in "host: guest RAM backed:3" "host: QEMU VmRSS:4" "guest: MemFree:6" "guest: MemAvailable:7" \
	"guest: Percpu:8" "guest: MemmapUninit:9"; do
	name=${w%:*} c=${w##*:}
	a=$(col off "$c") b=$(col on "$c")
	d=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a == "nan" || b == "nan") print "nan"; else printf "%+d", b - a }')
	echo "$name,$a,$b,$d" >> "$out/summary.csv"
	printf '%-28s %9s kB %9s kB %9s kB\n' "$name" "$a" "$b" "$d"
done
es=$(col off 3) ls=$(col on 3)
printf 'host memory for this guest: %s\n' "$(awk -v a="$es" -v b="$ls" 'BEGIN {
	if (a > 0) printf "%.1f MB less with the features on (%.1f%%)", (a - b) / 1024, 100 * (a - b) / a; else print "nan" }')"
echo
echo "raw runs: $out/runs.csv   summary: $out/summary.csv   meta: $out/meta.txt"
bench_finish
