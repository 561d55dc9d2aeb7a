# shellcheck shell=bash
# Helpers shared by the benchmarks.  Every bench:
#   - has one documented target (make bench-NAME) and one goal, stated in its README;
#   - interleaves the configurations it compares within one run (A B A B ...),
#     so that drift of the host hits all of them alike;
#   - writes raw runs and a summary as CSV under build/bench/NAME/, prints a
#     table of medians and ratios, and plots with gnuplot where a curve helps.
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

median() { # numbers on stdin -> median
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

bench_prepare() { # everything a bench boots: host tools, tree, guest kernel, initramfs
	"$TOP/scripts/deps.sh"
	"$TOP/scripts/tree.sh"
	"$TOP/scripts/build.sh" guest
	"$TOP/scripts/mkinitramfs.sh"
}

# Boot the guest kernel (make build) with guest test TEST; die unless the
# guest passes and printed no "BENCH error".  BENCH_DEV= adds QEMU devices.
bench_boot() { # test log mem timeout append...
	local test=$1 log=$2 mem=$3 tmo=$4
	shift 4
	"$TOP/scripts/qemu-run" --kernel "$IMAGES/guest/bzImage" --mem "$mem" \
		--smp 2 --tests "$test" --timeout "$tmo" \
		--append "quiet $*" --log "$log" ${BENCH_DEV:+--device "$BENCH_DEV"} \
		>/dev/null 2>&1 || die "boot failed: $log"
	! grep -q 'BENCH error' "$log" || die "$(grep -o 'BENCH error.*' "$log") in $log"
}
