#!/bin/bash
# bench/memmap-lazy/pf-diag.sh: where the page-fault microbenchmark's time
# goes, eager vs lazy, at one size (a diagnostic beside run.sh, no goal).
#
# Each boot runs the guest side of the bench with bench.marks=1: before and
# after each pf-bench the guest prints "BENCH mark NAME" and pauses, and
# this script reads QEMU's RssShmem then.  What a pf-bench run adds to it
# is guest memory the host backed for the first time during that run (a
# host page fault per 4 KiB under TCG); the guest prints the fastest,
# median and slowest of the 10 loops and the zones' pcp sizes.
#
#   SIZE=64G REPEAT=2 MODES="eager lazy" OUT=DIR (build/bench/pf-diag)
#   PIN=CPU  as run.sh
#   REPORT=DIR  only print the summary again from DIR/runs.csv
#
# Output: OUT/runs.csv (one row per boot and pf-bench run), OUT/summary.csv
# (medians per run and mode, lazy/eager, a permutation test's p; the
# widest gap between the two runs after finishing in one boot),
# OUT/meta.txt, OUT/logs/.
. "$(dirname "$0")/../lib.sh"

SIZE=${SIZE:-64G}
REPEAT=${REPEAT:-2}
MODES=${MODES:-"eager lazy"}
PIN=${PIN:-}
OUT=${OUT:-$BUILD/bench/pf-diag}
if [ -n "${REPORT:-}" ]; then
	out=$REPORT
	[ -s "$out/runs.csv" ] || die "$out/runs.csv: no runs"
else
	bench_init pf-diag SIZE REPEAT MODES PIN
	pin=(); [ -z "$PIN" ] || pin=(taskset -c "$PIN")
	case $SIZE in
	2G) sargs=(--smp 1 --numa 1) ;;
	16G) sargs=(--smp 2 --numa 2) ;;
	*) sargs=(--smp 2 --numa 1) ;;
	esac
	mapfile -d '' -t common < <(python3 "$TOP/scripts/matrix.py" argv bench-memmap-lazy)

	# boot_marks LOG CMD...: run the boot; at each new "BENCH mark NAME" on its
	# console, append "NAME RssShmem_kB" to LOG.marks
	boot_marks() {
		local log=$1 pid=$out/qemu.pid runner rc=0 seen=0 n name
		shift
		rm -f "$pid" "$log.marks"
		"$@" --log "$log" --pidfile "$pid" >/dev/null 2>&1 &
		runner=$!
		while kill -0 $runner 2>/dev/null; do
			n=$(cat "$log" "$log.serial" 2>/dev/null | grep -c 'BENCH mark ' || true)
			while [ "$n" -gt "$seen" ] && [ -s "$pid" ]; do
				seen=$((seen + 1))
				name=$(cat "$log" "$log.serial" 2>/dev/null | grep -o 'BENCH mark [a-z_]*' |
					sed -n "${seen}p" | awk '{ print $3 }')
				echo "$name $(awk '$1 == "RssShmem:" { print $2 }' "/proc/$(cat "$pid")/status")" >> "$log.marks"
			done
			sleep 0.5
		done
		wait $runner || rc=$?
		rm -f "$pid"
		return $rc
	}

	mk() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
	echo "mode,rep,run,ns_median,ns_min,ns_max,host_new_kb" > "$out/runs.csv"
	for rep in $(seq 1 "$REPEAT"); do
		# shellcheck disable=SC2086
		for mode in $(bench_order "$rep" $MODES); do
			log=$out/logs/$SIZE-$mode-$rep.log rc=0
			boot_marks "$log" "${pin[@]}" "$TOP/scripts/qemu-run" "${common[@]}" "${sargs[@]}" \
				--mem "$SIZE" --timeout 1500 \
				--append "memmap_init=$mode bench.idle=5 bench.hold=1 bench.marks=1" || rc=$?
			if [ $rc != 0 ] || [ ! -s "$log.marks" ]; then
				bench_fail "$SIZE:$mode" "$rep" "exit $rc" "$log"; continue
			fi
			m=$log.marks
			for r in booted finished again; do
				case $r in
				booted) a=$(mk pf_booted_start "$m") b=$(mk pf_booted_end "$m") key=pf_booted ;;
				finished) a=$(mk pf_finished_start "$m") b=$(mk pf_finished_end "$m") key=pf_finished ;;
				again) a=$(mk pf_finished_end "$m") b=$(mk pf_again_end "$m") key=pf_finished_again ;;
				esac
				line=$(grep -o "BENCH $key: .*" "$log" | head -n1)
				echo "$mode,$rep,$r,$(kv ns_per_fault "$line"),$(kv min "$line"),$(kv max "$line"),$((b - a))" \
					>> "$out/runs.csv"
			done
			grep -o 'BENCH zoneinfo .*' "$log" | sed "s/^/  $mode rep $rep: /" >&2
		done
	done
	column -t -s, "$out/runs.csv"
fi

# medians per run and mode, lazy/eager; and, per boot, how far apart the
# two runs after finishing (the same state, one after the other) are
# p: exact two-sided permutation test of the boots' medians, lazy vs eager
# (the chance of a rank sum this far from even if the mode did not matter)
perm_p() { # run
	python3 - "$out/runs.csv" "$1" <<'PY'
import csv, itertools, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["run"] == sys.argv[2]]
v = [int(r["ns_median"]) for r in rows]
lazy = [r["mode"] == "lazy" for r in rows]
k, n = sum(lazy), len(v)
def u(idx):
    s = set(idx)
    return sum((v[i] > v[j]) + 0.5 * (v[i] == v[j]) for i in s for j in range(n) if j not in s)
mid = k * (n - k) / 2
obs = abs(u([i for i in range(n) if lazy[i]]) - mid)
c = [abs(u(idx) - mid) >= obs - 1e-9 for idx in itertools.combinations(range(n), k)]
print("%.2f" % (sum(c) / len(c)) if k and k < n else "nan")
PY
}
echo "run,eager_ns,lazy_ns,lazy_eager,p,eager_host_new_kb,lazy_host_new_kb" > "$out/summary.csv"
cm() { awk -F, -v m="$1" -v r="$2" -v c="$3" 'NR > 1 && $1 == m && $3 == r { print $c }' "$out/runs.csv" | median; }
for r in booted finished again; do
	e=$(cm eager $r 4) l=$(cm lazy $r 4)
	echo "$r,$e,$l,$(ratio "$l" "$e"),$(perm_p $r),$(cm eager $r 7),$(cm lazy $r 7)" >> "$out/summary.csv"
done
awk -F, 'NR > 1 && $3 == "finished" { f[$1 " " $2] = $4 }
	NR > 1 && $3 == "again" && f[$1 " " $2] { r = $4 / f[$1 " " $2]; if (r < 1) r = 1 / r
		if (r > w) { w = r; b = $1 " rep " $2 } }
	END { printf "spread,%.3f,%s\n", w, b }' "$out/runs.csv" >> "$out/summary.csv"
echo
column -t -s, "$out/summary.csv"
echo "(spread: the largest ratio, in one boot, between the two runs after finishing)"
[ -n "${REPORT:-}" ] || bench_finish
