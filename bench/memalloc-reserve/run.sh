#!/bin/bash
# bench/memalloc-reserve: the cost and the effect of bean-counted reserves
# for SOCK_MEMALLOC sockets (issue 5).  One guest kernel (make build).
#
# 1. Overhead (PART=overhead or all): loopback TCP and UDP throughput and
#    page faults, with the test driver's two SOCK_MEMALLOC sockets present
#    (the memalloc static keys on, nothing forced): memalloc_reserve.mode=
#    off (6.12 behaviour) vs enforce, and no memalloc socket at all as the
#    baseline.  Configurations interleaved, medians over REPEAT boots.
#    Goal: enforce/off within noise.
#
# 2. Soak (PART=soak or all): a MEM guest swapping to /dev/nbd0 served by
#    qemu-nbd on the host's 127.0.0.1 (the guest reaches it through QEMU
#    user networking as 10.0.2.2: no traffic leaves loopback); swapstress
#    PROCS x MB x PASSES (default 16 x 512 MB x 1: 4x RAM); a second
#    memalloc user (test driver socket A, node test-a, 256 KiB) flooded
#    with pfmemalloc datagrams, and skb allocations that may use the
#    reserves skip their normal attempt (force), so that NBD's receive
#    skbs are emergency skbs too.  Modes off (6.12 behaviour), account,
#    enforce.  Reports elapsed time, hung-task reports (none allowed),
#    throttled direct reclaim, max_usage and refusals per node.
#
#   REPEAT=N (overhead: 3, soak: 1)   MEM=2G PROCS=16 MB=512 PASSES=1
#   PART=all|overhead|soak            OUT=DIR (build/bench/memalloc-reserve)
#   TIMEOUT=2400  seconds before a soak guest counts as hung
#
# Output: OUT/{overhead,soak}.csv, OUT/logs/.
. "$(dirname "$0")/../lib.sh"

PART=${PART:-all}
MEM=${MEM:-2G}
TIMEOUT=${TIMEOUT:-2400}
PROCS=${PROCS:-16}
MB=${MB:-512}
PASSES=${PASSES:-1}
out=${OUT:-$BUILD/bench/memalloc-reserve}
mkdir -p "$out/logs"

bench_prepare

v() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1; }
boot_bench() { bench_boot bench-memalloc-reserve "$@"; }	# log mem timeout append...
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

if [ "$PART" = all ] || [ "$PART" = overhead ]; then
	rep_n=${REPEAT:-3}
	echo "rep,config,tcp_mbps,udp_mbps,ns_per_fault" > "$out/overhead.csv"
	for rep in $(seq 1 "$rep_n"); do
		for cfg in nosock off enforce; do
			log=$out/logs/overhead-$cfg-$rep.log
			case $cfg in
			nosock) args="memalloc_reserve.mode=off" ;;
			off) args="memalloc_reserve.mode=off bench.sock=1" ;;
			enforce) args="memalloc_reserve.mode=enforce bench.sock=1" ;;
			esac
			# shellcheck disable=SC2086
			boot_bench "$log" 2G 600 bench.part=overhead $args
			tcp=$(grep -o 'BENCH net tcp .*' "$log" | sed 's/.*mbps=//' | median)
			udp=$(grep -o 'BENCH net udp .*' "$log" | sed 's/.*mbps=//' | median)
			pf=$(v ns_per_fault "$(grep -o 'BENCH pf .*' "$log")")
			echo "$rep,$cfg,$tcp,$udp,$pf" >> "$out/overhead.csv"
			printf '  overhead %-7s rep %s: tcp %s MB/s, udp %s MB/s, %s ns/fault\n' \
				"$cfg" "$rep" "$tcp" "$udp" "$pf" >&2
		done
	done
	m() { awk -F, -v c="$1" -v k="$2" 'NR > 1 && $2 == c { print $k }' "$out/overhead.csv" | median; }
	printf '\nNormal path, medians of %s boots (2 GiB guest, loopback):\n' "$rep_n"
	printf '%-8s %10s %10s %12s\n' config "TCP MB/s" "UDP MB/s" "ns/fault"
	for cfg in nosock off enforce; do
		printf '%-8s %10s %10s %12s\n' "$cfg" "$(m $cfg 3)" "$(m $cfg 4)" "$(m $cfg 5)"
	done
	printf 'enforce/off: TCP %s, UDP %s, page faults %s\n' \
		"$(ratio "$(m enforce 3)" "$(m off 3)")" "$(ratio "$(m enforce 4)" "$(m off 4)")" \
		"$(ratio "$(m enforce 5)" "$(m off 5)")"
fi

if [ "$PART" = all ] || [ "$PART" = soak ]; then
	rep_n=${REPEAT:-1}
	port=$((10800 + RANDOM % 100))
	img=$out/swap.img
	echo "rep,mode,rc,seconds,hung,throttle,pswpout,pswpin,nbd_max_usage,nbd_limit,nbd_failcnt,a_max_usage,a_failcnt,pfdrop,a_rxq" > "$out/soak.csv"
	for rep in $(seq 1 "$rep_n"); do
		for mode in off account enforce; do
			log=$out/logs/soak-$mode-$rep.log
			rm -f "$img"; truncate -s 16G "$img"
			qemu-nbd -f raw -x swap -b 127.0.0.1 -p "$port" -t --fork \
				--pid-file "$out/qemu-nbd.pid" "$img" || die "qemu-nbd"
			# A guest that does not finish within TIMEOUT counts as hung.
			"$TOP/scripts/qemu-run" --kernel "$IMAGES/guest/bzImage" --mem "$MEM" \
				--smp 2 --tests bench-memalloc-reserve --timeout "$TIMEOUT" \
				--append "quiet bench.part=soak bench.port=$port bench.procs=$PROCS" \
				--append "bench.mb=$MB bench.passes=$PASSES bench.flood=1" \
				--append "memalloc_reserve.mode=$mode" --log "$log" \
				--device "-netdev user,id=n0 -device virtio-net-pci,netdev=n0" \
				>/dev/null 2>&1 || true
			kill "$(cat "$out/qemu-nbd.pid")" 2>/dev/null; sleep 1
			! grep -q 'BENCH error' "$log" || die "$(grep -o 'BENCH error.*' "$log") in $log"
			l=$(grep -o 'BENCH soak .*' "$log" ||
			    echo "BENCH soak rc=timeout seconds=$TIMEOUT hung=guest")
			echo "$rep,$mode,$(v rc "$l"),$(v seconds "$l"),$(v hung "$l"),$(v throttle "$l"),$(v pswpout "$l"),$(v pswpin "$l"),$(v nbd_max_usage "$l"),$(v nbd_limit "$l"),$(v nbd_failcnt "$l"),$(v a_max_usage "$l"),$(v a_failcnt "$l"),$(v pfdrop "$l"),$(v a_rxq "$l")" >> "$out/soak.csv"
			printf '  soak %-7s rep %s: %s\n' "$mode" "$rep" "${l#BENCH soak }" >&2
		done
	done
	rm -f "$img"
	printf '\nSwap over NBD, %s guest, swapstress %s x %s MB x %s, flood on (medians of %s):\n' \
		"$MEM" "$PROCS" "$MB" "$PASSES" "$rep_n"
	printf '%-8s %9s %5s %9s %14s %12s %14s %12s %12s\n' mode seconds hung throttle \
		"nbd0 max_use" "nbd0 refused" "test-a max_use" "a refused" "A rx queue"
	for mode in off account enforce; do
		s() { awk -F, -v c="$mode" -v k="$1" 'NR > 1 && $2 == c { print $k }' "$out/soak.csv" | median; }
		printf '%-8s %9s %5s %9s %14s %12s %14s %12s %12s\n' "$mode" "$(s 4)" "$(s 5)" "$(s 6)" \
			"$(s 9)" "$(s 11)" "$(s 12)" "$(s 13)" "$(s 15)"
	done
fi
echo
echo "raw: $out/*.csv, logs: $out/logs/"
