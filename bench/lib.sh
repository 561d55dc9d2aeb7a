# shellcheck shell=bash
# Helpers shared by the benchmarks.  Every bench:
#   - has one documented target (make bench-NAME) and one goal, stated in its
#     README;
#   - writes into OUT (default build/bench/NAME): raw runs and summary.csv,
#     meta.txt (what was run, on what: bench_init), a PNG where a curve helps;
#   - interleaves the configurations it compares within one run, in an order
#     that alternates between repeats (bench_order), so that drift of the
#     host hits all of them alike;
#   - labels rows with what the guest reports it ran, and stops when that
#     differs from what was asked (bench_check);
#   - reports a boot that crashed or timed out as such, never as a figure
#     (bench_boot returns non-zero and records it; bench_finish lists them
#     and makes the run fail).
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

median() { # numbers on stdin -> median ("nan" when there are none)
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

quantile() { # q numbers on stdin -> the q-quantile, nearest rank ("nan" when none)
	sort -g | awk -v q="$1" '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		i = int(q * NR); if (i < q * NR) i++; if (i < 1) i = 1; print v[i] }'
}

ratio() { # a b [printf format] -> a / b ("nan" when b is 0 or missing)
	awk -v a="$1" -v b="$2" -v f="${3:-%.3f}" \
		'BEGIN { if (b + 0 > 0 && a != "" && a != "nan") printf f "\n", a / b; else print "nan" }'
}

kv() { # key "k1=v1 k2=v2 ..." -> value of key (first occurrence)
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1
}

# bench_init NAME KNOB...: set $out (OUT= or build/bench/NAME), create it,
# build what the bench boots (bench_prepare; BENCH_BASE=1: the unpatched base
# kernel too), then write $out/meta.txt: the project and kernel commits, the
# base, QEMU, the host, and the values of the named knobs (set them to their
# defaults before calling).
bench_init() {
	local name=$1 k
	shift
	out=${OUT:-$BUILD/bench/$name}
	mkdir -p "$out/logs"
	: > "$out/failures.csv"
	bench_prepare
	[ "${BENCH_BASE:-0}" = 1 ] && "$TOP/scripts/build.sh" base
	{
		echo "bench=$name"
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "command=$0 (knobs below)"
		echo "project_commit=$(git -C "$TOP" rev-parse HEAD 2>/dev/null)$(
			[ -z "$(git -C "$TOP" status --porcelain 2>/dev/null)" ] || echo "+modified")"
		echo "kernel_tree_head=$(git_tree rev-parse HEAD 2>/dev/null)"
		echo "kernel_tree_state=$(if tree_dirty || [ "$(state_get HEAD)" != "$(git_tree rev-parse HEAD)" ] ||
			[ "$(tree_patches_hash)" != "$(state_get EXPORTED)" ]; then
			echo "unexported work: $(tree_ahead)"; else echo "as exported in patches/"; fi)"
		echo "base=$BASE_PACKAGE $(state_get BASE_USED) sha256 $(state_get BASE_SHA_USED)"
		echo "qemu=$(qemu-system-x86_64 --version | head -n1)"
		echo "host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
		echo "host_cpus=$(nproc) host_mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
		echo "guest_kernel=$IMAGES/guest/bzImage config sha256 $(sha256sum "$IMAGES/guest/config" 2>/dev/null | cut -c1-16)"
		[ "${BENCH_BASE:-0}" = 1 ] &&
			echo "base_kernel=$IMAGES/base/bzImage (unpatched base, guest config) config sha256 $(sha256sum "$IMAGES/base/config" 2>/dev/null | cut -c1-16)"
		for k in "$@"; do echo "$k=${!k:-}"; done
	} > "$out/meta.txt"
}

# bench_order REP ITEM...: the items forward on odd repeats, reversed on even
# ones (A B C, C B A, A B C, ...).
bench_order() {
	local rep=$1
	shift
	if [ $((rep % 2)) = 1 ]; then
		echo "$@"
	else
		printf '%s\n' "$@" | tac | tr '\n' ' '; echo
	fi
}

# bench_check WHAT ASKED GOT LOG: the guest must have run what was asked.
bench_check() {
	[ "$2" = "$3" ] && return 0
	die "$1: asked for '$2', the guest reports '$3' (log: $4)"
}

bench_prepare() { # everything a bench boots: host tools, tree, guest kernel, initramfs
	"$TOP/scripts/deps.sh"
	"$TOP/scripts/tree.sh"
	"$TOP/scripts/build.sh" guest
	"$TOP/scripts/mkinitramfs.sh"
}

# bench_boot_sample LOG COMMAND...: run COMMAND (qemu-run and its arguments,
# maybe behind taskset), adding --log LOG and a pidfile; when the guest says
# "BENCH sample" on its console, read QEMU's RssShmem and VmRSS (kB) into
# $shmem and $rss (left empty if it never does); then wait for the guest.
# Returns qemu-run's exit status.
bench_boot_sample() {
	local log=$1 pid=$out/qemu.pid runner rc=0
	shift
	rm -f "$pid"
	shmem="" rss=""
	"$@" --log "$log" --pidfile "$pid" >/dev/null 2>&1 &
	runner=$!
	while kill -0 $runner 2>/dev/null; do
		if cat "$log" "$log.serial" 2>/dev/null | grep -q 'BENCH sample' && [ -s "$pid" ]; then
			read -r shmem rss < <(awk '$1 == "RssShmem:" { s = $2 } $1 == "VmRSS:" { r = $2 }
				END { print s, r }' "/proc/$(cat "$pid")/status")
			break
		fi
		sleep 1
	done
	wait $runner || rc=$?
	rm -f "$pid"
	return $rc
}

# bench_fail CONFIG REP REASON LOG: record a boot that gave no figure.
bench_fail() {
	echo "$1,$2,$3,$4" >> "$out/failures.csv"
	printf '  %s rep %s: %s, no figure (log: %s)\n' "$1" "$2" "$3" "$4" >&2
}

# bench_run CONFIG REP LOG qemu-run-args...: boot; 0 if the guest passed and
# printed no "BENCH error", else record why (timeout, panic, crash, error)
# and return 1.
bench_run() {
	local cfg=$1 rep=$2 log=$3 rc=0 why
	shift 3
	"$TOP/scripts/qemu-run" --log "$log" "$@" >/dev/null 2>&1 || rc=$?
	case $rc in
	0) why="" ;;
	2) why=$(grep -q '^# qemu-run: timeout' "$log" && echo timeout || echo "no verdict (crashed)") ;;
	3) why=panic ;;
	*) why="guest test failed (exit $rc)" ;;
	esac
	[ -n "$why" ] || ! grep -q 'BENCH error' "$log" || why=$(grep -o 'BENCH error.*' "$log" | head -n1)
	# a kernel that splatted gives no figure either (the host scans the
	# whole serial log, as make test does)
	[ -n "$why" ] || why=$(python3 "$TOP/scripts/summarize.py" --splats "$log" | head -n1 |
		sed 's/^/splat: /')
	[ -z "$why" ] && return 0
	bench_fail "$cfg" "$rep" "$why" "$log"
	return 1
}

# Boot section TEST of boots.ini (kind = bench: the guest kernel, the guest
# test, the arguments every boot of that bench shares), plus this boot's
# memory, timeout and command line; 1 (recorded) when it gave no figure.
# BENCH_DEV= adds QEMU devices, BENCH_QEMU= qemu-run options (--smp 64 ...),
# BENCH_KERNEL= another kernel (the unpatched base: build/images/base), CFG=
# and REP= label a failure.
bench_boot() { # test log mem timeout append...
	local test=$1 log=$2 mem=$3 tmo=$4 args
	shift 4
	mapfile -d '' -t args < <(python3 "$TOP/scripts/matrix.py" argv "$test")
	[ ${#args[@]} -gt 0 ] || die "boots.ini: no section $test"
	[ -z "${BENCH_KERNEL:-}" ] || args+=(--kernel "$BENCH_KERNEL")
	# shellcheck disable=SC2206
	args+=(${BENCH_QEMU:-})
	bench_run "${CFG:-$test}" "${REP:-1}" "$log" "${args[@]}" --mem "$mem" \
		--timeout "$tmo" ${*:+--append "$*"} ${BENCH_DEV:+--device "$BENCH_DEV"}
}

# bench_finish: list the boots that gave no figure; non-zero if there were any.
bench_finish() {
	echo "meta: $out/meta.txt"
	[ -s "$out/failures.csv" ] || return 0
	echo
	echo "$(wc -l < "$out/failures.csv") boot(s) gave no figure (config,rep,reason,log in $out/failures.csv):"
	sed 's/^/  /' "$out/failures.csv"
	return 1
}
