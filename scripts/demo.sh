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

echo
echo "=== Deferred struct page init: pages, threads and time per node ==="
echo "    (QEMU TCG, 2 vCPUs, one NUMA node; TCG is ~10-20x slower than hardware)"
printf '%-6s %-22s %12s %8s %8s %10s\n' memory "kernel parameter" pages ms threads pages/ms
for mem in 16G 64G; do
	for t in default 1; do
		arg=""
		[ "$t" = default ] || arg="deferred_init_threads=$t"
		log=$logs/definit-$mem-$t.log
		"$TOP/scripts/qemu-run" --kernel "$IMAGES/guest/bzImage" --mem "$mem" --smp 2 \
			--tests deferred-init --append "quiet $arg" --log "$log" --timeout 600 \
			>/dev/null 2>&1 || die "boot failed, see $log"
		sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms: \([0-9]*\) pages, \([0-9]*\) threads.*/\2 \3 \4/p' "$log" |
			head -n1 | while read -r ms pages threads; do
			printf '%-6s %-22s %12s %8s %8s %10.0f\n' "$mem" "${arg:-(none)}" "$pages" \
				"$ms" "$threads" "$(echo "$pages / $ms" | bc -l)"
		done
	done
done

echo
echo "=== Percpu units backed only for CPUs that have been online ==="
echo "    (4 GiB guest, 2 CPUs online, 64 possible; 1000 memcgs; same kernel,"
echo "     percpu_lazy_units=0 vs 1)"
printf '%-9s %-19s %14s %14s %16s
' possible "kernel parameter" "MemFree cost" "Percpu growth" "1st online (ms)"
for cfg in 2:0 64:0 64:1; do
	possible=${cfg%:*}; lazy=${cfg#*:}
	k=1; [ "$possible" -gt 2 ] || k=0
	log=$logs/percpu-$possible-$lazy.log
	"$TOP/scripts/qemu-run" --kernel "$IMAGES/guest/bzImage" --mem 4G --smp "$possible" \
		--online 2 --tests bench-percpu-lazy --timeout 900 \
		--append "quiet percpu_lazy_units=$lazy bench.memcgs=1000 bench.onlines=$k" \
		--log "$log" >/dev/null 2>&1 || die "boot failed, see $log"
	line=$(grep -o 'BENCH memcgs=.*' "$log" | tail -n1)
	free=$(echo "$line" | sed 's/.*memfree_kb=\([0-9-]*\).*/\1/')
	pcpu=$(echo "$line" | sed 's/.*percpu_kb=\([0-9-]*\).*/\1/')
	ns=$({ grep -o 'BENCH first_online.*' "$log" || true; } | head -n1 | sed -n 's/.* ns=\([0-9]*\).*/\1/p')
	printf '%-9s %-19s %11s MB %11s MB %16s\n' "$possible" "percpu_lazy_units=$lazy" \
		"$(awk -v k="$free" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$(awk -v k="$pcpu" 'BEGIN { printf "%.1f", k / 1024 }')" \
		"$(awk -v n="${ns:-}" 'BEGIN { if (n != "") printf "%.1f", n / 1e6; else print "-" }')"
done

echo
echo "=== Free page reporting: memory the guest frees goes back to the host ==="
echo "    (4 GiB guest, virtio-balloon free-page-reporting=on,"
echo "     page_reporting.boundary=1; QEMU's RSS seen from the host)"
log=$logs/page-reporting.log
pidfile=$logs/qemu.pid
rm -f "$pidfile"
"$TOP/scripts/qemu-run" --kernel "$IMAGES/guest/bzImage" --mem 4G --smp 2 \
	--tests demo-page-reporting --timeout 600 --pidfile "$pidfile" \
	--append "quiet page_reporting.boundary=1 demo.mb=3072" \
	--device "-device virtio-balloon-pci,free-page-reporting=on" \
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
echo "Logs: $logs/.  Benchmarks with repeats and medians: make bench-deferred-init,"
echo "make bench-percpu-lazy, make bench-page-reporting"
