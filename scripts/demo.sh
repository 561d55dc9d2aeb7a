#!/bin/bash
# make demo: on a fresh machine, build the default kernel of the series, boot
# it in QEMU and show what the series does, with numbers.  Each feature of the
# series adds its part here.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build.sh" guest
"$TOP/scripts/mkinitramfs.sh"
logs=$BUILD/demo
mkdir -p "$logs"

# demo_bench NAME SED-SCRIPT COMMAND...: run one bench script (its knobs as
# variables before the call) into $logs/NAME.out and print the part of its
# output that SED-SCRIPT selects; stop the demo if it fails.
demo_bench() {
	local name=$1 range=$2
	shift 2
	OUT=$logs/$name "$@" > "$logs/$name.out" 2>&1 ||
		die "the $name part failed: $(tail -n 5 "$logs/$name.out")"
	sed -n "$range" "$logs/$name.out"
}

echo
echo "=== Deferred struct page init: pages, threads and time per node ==="
echo "    (QEMU TCG, 2 vCPUs, one NUMA node; TCG is ~10-20x slower than hardware;"
echo "     one boot each: make bench-deferred-init for medians)"
REPEAT=1 demo_bench deferred-init '/^memory/,/^$/p' "$TOP/bench/deferred-init/run.sh"

echo
echo "=== padata at run time: binding pmem and onlining memory on 1 vs 2 threads ==="
echo "    (62 GiB guest, 2 vCPUs; a 16 GiB nvdimm bound as fsdax, a 4 GiB DIMM"
echo "     onlined block by block; padata.mt_max_threads=1 vs 2; \"write\" is what"
echo "     a user waits for; one boot: make bench-padata-memmap for medians)"
REPEAT=1 REPS=2 SIZES=16G DIMM=4G demo_bench padata-memmap \
	'/^kernel /,/^meta:/{/^meta:/d;/^plot/d;p}' "$TOP/bench/padata-memmap/run.sh"

echo
echo "=== Percpu units backed only for CPUs that have been online ==="
echo "    (4 GiB guest, 2 CPUs online; 1000 memcgs; same kernel,"
echo "     percpu_lazy_units=0 vs 1; one boot each: make bench-percpu-lazy for medians)"
REPEAT=1 CONFIGS="2:0 64:0 64:1" ONLINES=1 demo_bench percpu-lazy '/^possible/,/^$/p' \
	"$TOP/bench/percpu-lazy/run.sh"

echo
echo "=== Free page reporting: memory the guest frees goes back to the host ==="
echo "    (4 GiB guest, virtio-balloon free-page-reporting=on,"
echo "     page_reporting.boundary=1; QEMU's RSS seen from the host)"
log=$logs/page-reporting.log
pidfile=$logs/qemu.pid
rm -f "$pidfile"
mapfile -d '' -t args < <(python3 "$TOP/scripts/matrix.py" argv demo-page-reporting)
[ ${#args[@]} -gt 0 ] || die "boots.ini: no section demo-page-reporting"
"$TOP/scripts/qemu-run" "${args[@]}" --pidfile "$pidfile" --append demo.mb=3072 \
	--log "$log" >/dev/null 2>&1 &
runner=$!
printf '%-10s %8s %14s\n' "guest" "seconds" "QEMU RSS"
start=$(date +%s); last=""; peak=0
while kill -0 "$runner" 2>/dev/null; do
	sleep 1
	pid=$(cat "$pidfile" 2>/dev/null) || continue
	rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null) || continue
	[ -n "$rss" ] || continue
	# the serial console is in $log.serial while the guest runs
	phase=$({ cat "$log.serial" 2>/dev/null | grep -ao 'DEMO phase=[a-z]*' || true; } |
		tail -n1 | cut -d= -f2)
	[ "$rss" -gt "$peak" ] && peak=$rss
	if [ "$phase" != "$last" ] && [ -n "$phase" ]; then
		printf '%-10s %8s %11s MB\n' "$phase" "$(( $(date +%s) - start ))" "$rss"
		last=$phase
	fi
	last_rss=$rss
done
wait "$runner" || die "boot failed, see $log"
{ grep -ao 'DEMO phase=reported.*' "$log" || true; } | head -n1 |
	sed 's/DEMO phase=reported mb=/reported to the host: /; s/$/ MB/'
echo "QEMU RSS: peak $peak MB, last seen ${last_rss:-?} MB"

echo
echo "=== Struct pages initialised on demand after boot (memmap_init=lazy) ==="
echo "    (2 GiB guest, 1 vCPU, the same kernel booted eager and lazy; guest RAM"
echo "     the host backs after boot + 30 s idle; one boot each:"
echo "     make bench-memmap-lazy for medians at 2, 16 and 64 GiB)"
REPEAT=1 SIZES=2G demo_bench memmap-lazy '/^size /,/^(pf:/p' "$TOP/bench/memmap-lazy/run.sh"

echo
echo "=== All together: a dense-fleet guest, the series' features on vs off ==="
echo "    (memmap_init=lazy, percpu_lazy_units=1, page_reporting.boundary=1 vs"
echo "     eager, 0, 0; virtio-balloon reporting in both; one boot each:"
echo "     make bench-dense-fleet for medians)"
REPEAT=1 demo_bench dense-fleet '/^dense-fleet guest/,/^host memory/p' "$TOP/bench/dense-fleet/run.sh"

echo
echo "Logs: $logs/.  Benchmarks with repeats and medians: make bench-deferred-init,"
echo "make bench-percpu-lazy, make bench-page-reporting, make bench-memmap-lazy,"
echo "make bench-dense-fleet"
