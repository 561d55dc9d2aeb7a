#!/bin/bash
# bench/memalloc-reserve: the cost and the effect of bean-counted reserves
# for SOCK_MEMALLOC sockets (issue 5).  One guest kernel (make build).
#
# 1. Overhead (PART=overhead or all): loopback TCP and UDP throughput and
#    page faults, with the test driver's two SOCK_MEMALLOC sockets present
#    (the memalloc static keys on, nothing forced): memalloc_reserve.mode=
#    off vs enforce; no memalloc socket at all; and the unpatched base
#    kernel built with the same config (build/images/base) as the baseline.
#    Configurations interleaved, medians over REPEAT boots.
#    Goal: enforce/off and off/base within noise.
#
# 2. Soak (PART=soak or all): a MEM guest swapping to /dev/nbd0 served by
#    qemu-nbd on the host's 127.0.0.1 (the guest reaches it through QEMU
#    user networking as 10.0.2.2: no traffic leaves loopback); swapstress
#    PROCS x MB x PASSES (default 16 x 512 MB x 1: 4x RAM); a second
#    memalloc user (test driver socket A, node test-a, 256 KiB) flooded
#    with pfmemalloc datagrams, and skb allocations that may use the
#    reserves skip their normal attempt (fault attribute
#    fail_skb_emergency), so that NBD's receive skbs are emergency skbs
#    too.  Modes MODES (off, account, enforce).  Reports elapsed time,
#    hung-task reports (none allowed), throttled direct reclaim, max_usage,
#    refusals and charges above the limit (forced) per node.
#
#   REPEAT=N (overhead: 3, soak: 1)   MEM=2G PROCS=16 MB=512 PASSES=1
#   PART=all|overhead|soak            OUT=DIR (build/bench/memalloc-reserve)
#   MODES="off account enforce"       the soak's modes
#   NBD_KB=N                          nbd.reserve_kb (default: NBD's own size)
#   TIMEOUT=2400  seconds before a soak guest counts as hung
#
# Rows carry the mode (and, for the overhead part, the number of reserve
# nodes) the guest reads back; a boot where they differ from what was asked
# stops the run.  A soak guest that does not finish is reported as hung.
#
# Output: OUT/{overhead,soak,summary}.csv, OUT/meta.txt, OUT/logs/.
. "$(dirname "$0")/../lib.sh"

PART=${PART:-all}
MEM=${MEM:-2G}
TIMEOUT=${TIMEOUT:-2400}
PROCS=${PROCS:-16}
MB=${MB:-512}
PASSES=${PASSES:-1}
MODES=${MODES:-off account enforce}
NBD_KB=${NBD_KB:-}
# the effective repeat counts of the two parts
REPEAT_OVERHEAD=${REPEAT:-3} REPEAT_SOAK=${REPEAT:-1}
base=0; case $PART in all|overhead) base=1 ;; esac
BENCH_BASE=$base bench_init memalloc-reserve PART MEM TIMEOUT PROCS MB PASSES \
	REPEAT_OVERHEAD REPEAT_SOAK MODES NBD_KB
echo "part,config,metric,median,ratio" > "$out/summary.csv"

v() { kv "$@"; }
boot_bench() { bench_boot bench-memalloc-reserve "$@"; }	# log mem timeout append...

if [ "$PART" = all ] || [ "$PART" = overhead ]; then
	rep_n=$REPEAT_OVERHEAD
	echo "rep,config,tcp_mbps,udp_mbps,ns_per_fault" > "$out/overhead.csv"
	for rep in $(seq 1 "$rep_n"); do
		for cfg in $(bench_order "$rep" base nosock off enforce); do
			log=$out/logs/overhead-$cfg-$rep.log
			kernel=$IMAGES/guest/bzImage
			case $cfg in
			base) args=""; want="absent 0"; kernel=$IMAGES/base/bzImage ;;
			nosock) args="memalloc_reserve.mode=off"; want="off 0" ;;
			off) args="memalloc_reserve.mode=off bench.sock=1"; want="off 2" ;;
			enforce) args="memalloc_reserve.mode=enforce bench.sock=1"; want="enforce 2" ;;
			esac
			# shellcheck disable=SC2086
			BENCH_KERNEL=$kernel CFG=overhead-$cfg REP=$rep \
				boot_bench "$log" 2G 600 bench.part=overhead $args || continue
			bench_check "overhead boot $cfg (mode, nodes)" "$want" \
				"$(v mode "$(grep -o 'BENCH ran mode=.*' "$log")") $(v nodes "$(grep -o 'BENCH ran nodes=.*' "$log")")" "$log"
			tcp=$({ grep -o 'BENCH net tcp mbps=[0-9.]*' "$log" || true; } | sed 's/.*mbps=//' | median)
			udp=$({ grep -o 'BENCH net udp mbps=[0-9.]*' "$log" || true; } | sed 's/.*mbps=//' | median)
			pf=$(v ns_per_fault "$(grep -o 'BENCH pf .*' "$log" || true)")
			if [ "$tcp" = nan ] || [ "$udp" = nan ] || [ -z "$pf" ]; then
				bench_fail "overhead-$cfg" "$rep" "incomplete result (tcp $tcp, udp $udp, pf ${pf:-none})" "$log"
				continue
			fi
			echo "$rep,$cfg,$tcp,$udp,$pf" >> "$out/overhead.csv"
			printf '  overhead %-7s rep %s: tcp %s MB/s, udp %s MB/s, %s ns/fault\n' \
				"$cfg" "$rep" "$tcp" "$udp" "$pf" >&2
		done
	done
	m() { awk -F, -v c="$1" -v k="$2" 'NR > 1 && $2 == c { print $k }' "$out/overhead.csv" | median; }
	printf '\nNormal path, medians of %s boots (2 GiB guest, loopback):\n' "$rep_n"
	printf '%-8s %10s %10s %12s\n' config "TCP MB/s" "UDP MB/s" "ns/fault"
	for cfg in base nosock off enforce; do
		printf '%-8s %10s %10s %12s\n' "$cfg" "$(m $cfg 3)" "$(m $cfg 4)" "$(m $cfg 5)"
		for k in 3:tcp_mbps 4:udp_mbps 5:ns_per_fault; do
			echo "overhead,$cfg,${k#*:},$(m "$cfg" "${k%:*}"),$(ratio "$(m "$cfg" "${k%:*}")" "$(m base "${k%:*}")")"
		done >> "$out/summary.csv"
	done
	printf 'off/base:    TCP %s, UDP %s, page faults %s\n' \
		"$(ratio "$(m off 3)" "$(m base 3)")" "$(ratio "$(m off 4)" "$(m base 4)")" \
		"$(ratio "$(m off 5)" "$(m base 5)")"
	printf 'enforce/off: TCP %s, UDP %s, page faults %s\n' \
		"$(ratio "$(m enforce 3)" "$(m off 3)")" "$(ratio "$(m enforce 4)" "$(m off 4)")" \
		"$(ratio "$(m enforce 5)" "$(m off 5)")"
fi

if [ "$PART" = all ] || [ "$PART" = soak ]; then
	rep_n=$REPEAT_SOAK
	port=$((10800 + RANDOM % 100))
	img=$out/swap.img
	echo "rep,mode,rc,seconds,hung,throttle,pswpout,pswpin,nbd_max_usage,nbd_limit,nbd_failcnt,a_max_usage,a_failcnt,pfdrop,a_rxq,nbd_forced" > "$out/soak.csv"
	for rep in $(seq 1 "$rep_n"); do
		# shellcheck disable=SC2086
		for mode in $(bench_order "$rep" $MODES); do
			log=$out/logs/soak-$mode-$rep.log
			rm -f "$img"; truncate -s 16G "$img"
			qemu-nbd -f raw -x swap -b 127.0.0.1 -p "$port" -t --fork \
				--pid-file "$out/qemu-nbd.pid" "$img" || die "qemu-nbd"
			# A guest that does not finish within TIMEOUT counts as hung.
			qrc=0
			mapfile -d '' -t margs < <(python3 "$TOP/scripts/matrix.py" argv bench-memalloc-reserve)
			[ ${#margs[@]} -gt 0 ] || die "boots.ini: no section bench-memalloc-reserve"
			"$TOP/scripts/qemu-run" "${margs[@]}" --mem "$MEM" --timeout "$TIMEOUT" \
				--append "bench.part=soak bench.port=$port bench.procs=$PROCS" \
				--append "bench.mb=$MB bench.passes=$PASSES bench.flood=1" \
				--append "memalloc_reserve.mode=$mode" --log "$log" \
				${NBD_KB:+--append "nbd.reserve_kb=$NBD_KB"} \
				--device "-netdev user,id=n0 -device virtio-net-pci,netdev=n0" \
				>/dev/null 2>&1 || qrc=$?
			kill "$(cat "$out/qemu-nbd.pid")" 2>/dev/null || true
			sleep 1
			if grep -q 'BENCH error' "$log"; then
				bench_fail "soak-$mode" "$rep" "$(grep -o 'BENCH error.*' "$log" | head -n1)" "$log"
				continue
			fi
			case $qrc in
			2) why=$(grep -q '^# qemu-run: timeout' "$log" && echo "hung: no end within ${TIMEOUT}s" || echo "crashed") ;;
			3) why=panic ;;
			*)	# hung-task reports are the soak's figure; any other splat
				# means no figure
				why=$(python3 "$TOP/scripts/summarize.py" --splats "$log" |
					grep -v 'blocked for more than' | head -n1 | sed 's/^/splat: /' || true) ;;
			esac
			if [ -n "$why" ]; then
				bench_fail "soak-$mode" "$rep" "$why" "$log"
				continue
			fi
			if ! l=$(grep -o 'BENCH soak .*' "$log"); then
				if grep -q '^# qemu-run: timeout' "$log"; then
					bench_fail "soak-$mode" "$rep" "hung: no result within ${TIMEOUT}s" "$log"
				else
					bench_fail "soak-$mode" "$rep" "crashed: no result" "$log"
				fi
				continue
			fi
			bench_check "soak mode" "$mode" "$(v mode "$(grep -o 'BENCH ran mode=.*' "$log")")" "$log"
			echo "$rep,$mode,$(v rc "$l"),$(v seconds "$l"),$(v hung "$l"),$(v throttle "$l"),$(v pswpout "$l"),$(v pswpin "$l"),$(v nbd_max_usage "$l"),$(v nbd_limit "$l"),$(v nbd_failcnt "$l"),$(v a_max_usage "$l"),$(v a_failcnt "$l"),$(v pfdrop "$l"),$(v a_rxq "$l"),$(v nbd_forced "$l")" >> "$out/soak.csv"
			printf '  soak %-7s rep %s: %s\n' "$mode" "$rep" "${l#BENCH soak }" >&2
		done
	done
	rm -f "$img"
	printf '\nSwap over NBD, %s guest, swapstress %s x %s MB x %s, flood on (medians of %s):\n' \
		"$MEM" "$PROCS" "$MB" "$PASSES" "$rep_n"
	printf '%-8s %9s %5s %9s %14s %12s %12s %14s %12s %12s\n' mode seconds hung throttle \
		"nbd0 max_use" "nbd0 refused" "nbd0 forced" "test-a max_use" "a refused" "A rx queue"
	for mode in $MODES; do
		s() { awk -F, -v c="$mode" -v k="$1" 'NR > 1 && $2 == c { print $k }' "$out/soak.csv" | median; }
		printf '%-8s %9s %5s %9s %14s %12s %12s %14s %12s %12s\n' "$mode" "$(s 4)" "$(s 5)" "$(s 6)" \
			"$(s 9)" "$(s 11)" "$(s 16)" "$(s 12)" "$(s 13)" "$(s 15)"
		for k in 4:seconds 5:hung_tasks 9:nbd_max_usage 11:nbd_failcnt 16:nbd_forced 12:a_max_usage 13:a_failcnt; do
			echo "soak,$mode,${k#*:},$(s "${k%:*}"),"
		done >> "$out/summary.csv"
	done
fi
echo
echo "raw: $out/*.csv, logs: $out/logs/"
bench_finish
