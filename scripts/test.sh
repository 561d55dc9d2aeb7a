#!/bin/bash
# make test: the harness checks itself, the kernels the matrix needs are built,
# every boot of the matrix (boots.ini) runs in QEMU, then the host checks
# (percpu-km build, checkpatch --strict, export-check); summarize.py judges it
# all against the matrix and ends with "N passed, N failed, N skipped".
#
#   BOOT=name[,name]  only these boots (no host checks): the inner loop
#   SUITE=name        with BOOT: only this KUnit suite (kunit.filter_glob)
#
# Results and logs: build/test-results/ (NAME.log, NAME.rc per boot, *.tap).
# Non-zero exit status on any failure.
. "$(dirname "$0")/lib.sh"

# All in one function, read before it runs: editing this file during a run
# cannot change the run.
main() {
results=${RESULTS:-$BUILD/test-results}
rm -rf "$results"
mkdir -p "$results"
times=()
t0=$(date +%s)
part_start=$t0
part() { # record the time of the part that just ended
	local now
	now=$(date +%s)
	times+=("$1 $((now - part_start))s")
	part_start=$now
}

"$TOP/scripts/deps.sh"
part deps
"$TOP/scripts/tree.sh"
part tree

# The harness first: a summariser that cannot see a failure would make
# everything below meaningless.
python3 "$TOP/scripts/selftest.py" "$TREE" "$results/harness-selftest" \
	> "$results/harness.tap" || true
part harness-selftest

if [ -n "${BOOT:-}" ]; then
	IFS=, read -r -a boots <<<"$BOOT"
	for b in "${boots[@]}"; do
		[ "$(python3 "$TOP/scripts/matrix.py" get "$b" kind)" = test ] ||
			die "BOOT=$b: not a boot of make test (boots.ini: kind is not test)"
	done
	host=harness
else
	mapfile -t boots < <(python3 "$TOP/scripts/matrix.py" names)
	host=harness,build-km,checkpatch,matrix,export-check
fi

# A kernel that does not build fails its own host check; its boots then have
# no log and fail too, and everything else still runs and is counted.  The
# first flavour is built first; the others build in the background at low
# priority while the first one's boots run (they are mostly QEMU waiting on
# the guest), and each is waited for before its first boot.
mapfile -t flavours < <(python3 "$TOP/scripts/matrix.py" flavours "${boots[@]}")
declare -A build_pid=() built=()
build_one() { # flavour
	if "$TOP/scripts/build.sh" "$1" > "$results/build-$1.out" 2>&1; then
		echo 0 > "$results/build-$1.rc"
	else
		echo 1 > "$results/build-$1.rc"
	fi
}
build_wait() { # flavour: 0 when it built
	[ -n "${built[$1]:-}" ] || {
		[ -z "${build_pid[$1]:-}" ] || wait "${build_pid[$1]}" || true
		built[$1]=$(cat "$results/build-$1.rc" 2>/dev/null || echo 1)
		# the wait (0 s when a background build was done in time), and the
		# build's own time, from its log
		part "wait-build-$1"
		times+=("(build-$1 $(sed -n 's/.*built .* in \([0-9]*s\)$/\1/p' "$results/build-$1.out" | tail -n1))")
	}
	[ "${built[$1]}" = 0 ]
}
# Background builds run in their own session (setsid), so that they can be
# stopped as a group: a make test that ends early, or Ctrl-C, must not leave a
# build running into the next one's object dir.
stop_builds() {
	local p
	for p in "${build_pid[@]}"; do kill -- -"$p" 2>/dev/null || true; done
}
trap stop_builds EXIT
build_one "${flavours[0]}"
for f in "${flavours[@]:1}"; do
	BUILD_ONE=$(declare -f build_one) results=$results TOP=$TOP \
		setsid nice -n 10 bash -c 'eval "$BUILD_ONE"; build_one "$1"' _ "$f" &
	build_pid[$f]=$!
done
build_wait "${flavours[0]}" || true
"$TOP/scripts/mkinitramfs.sh"
part initramfs

for b in "${boots[@]}"; do
	f=$(python3 "$TOP/scripts/matrix.py" get "$b" flavour)
	if ! build_wait "$f"; then
		msg "boot $b: skipped, the $f kernel did not build"
		continue
	fi
	mapfile -d '' -t args < <(python3 "$TOP/scripts/matrix.py" argv "$b")
	[ ${#args[@]} -gt 0 ] || die "boots.ini: no arguments for boot $b"
	if [ -n "${SUITE:-}" ]; then
		args+=(--tests none --append "kunit.filter_glob=$SUITE")
	fi
	# nbd = SIZE: qemu-nbd serves a sparse SIZE file (export "test") on a
	# free port of the host's loopback; the guest reaches it at 10.0.2.2
	# through QEMU user networking (virtio-net), port in mmtest.nbd_port
	nbd=$(python3 "$TOP/scripts/matrix.py" get "$b" nbd)
	nbd_pidf=
	if [ -n "$nbd" ] && [ -z "${SUITE:-}" ]; then
		port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		rm -f "$results/$b.nbd.img"
		truncate -s "$nbd" "$results/$b.nbd.img"
		nbd_pidf=$results/$b.nbd.pid
		qemu-nbd -f raw -x test -b 127.0.0.1 -p "$port" -t --fork \
			--pid-file "$nbd_pidf" "$results/$b.nbd.img" ||
			die "boot $b: qemu-nbd did not start"
		args+=(--device "-netdev user,id=n0 -device virtio-net-pci,netdev=n0"
		       --append "mmtest.nbd_port=$port")
	fi
	msg "boot $b: ${args[*]}"
	rc=0
	"$TOP/scripts/qemu-run" --log "$results/$b.log" "${args[@]}" >/dev/null \
		2>"$results/$b.err" || rc=$?
	echo $rc > "$results/$b.rc"
	if [ -n "$nbd_pidf" ]; then
		kill "$(cat "$nbd_pidf")" 2>/dev/null || true
		rm -f "$results/$b.nbd.img"
	fi
	msg "boot $b: exit $rc ($(sed -n 's/^# qemu-run: //p' "$results/$b.log" 2>/dev/null | tail -n1))"
	part "boot-$b"
done

# The build results, as a host check.
n=0
for f in "${flavours[@]}"; do
	n=$((n + 1))
	build_wait "$f" || true
	if [ "${built[$f]}" = 0 ]; then
		echo "ok $n the $f kernel builds"
	else
		tail -n 20 "$results/build-$f.out" | sed 's/^/# /'
		echo "not ok $n the $f kernel builds (see build-$f.out)"
	fi
done > "$results/build.tap"
echo "1..$n" >> "$results/build.tap"
host+=,build

if [ -z "${BOOT:-}" ]; then
	# percpu-km (uniprocessor: NEED_PER_CPU_KM) still builds the percpu
	# allocator and its converted users, and (no PAGE_REPORTING there) the
	# page allocator, without a compiler warning.  The objects are removed
	# first so that an incremental run compiles (and warns) again; ccache
	# replays a cached warning too.
	km_objs=(mm/percpu.o mm/memcontrol.o kernel/cgroup/rstat.o mm/page_alloc.o)
	km_out=$results/build-km.out
	for o in "${km_objs[@]}"; do rm -f "$BUILD/kbuild-km/$o"; done
	if "$TOP/scripts/build.sh" km "${km_objs[@]}" > "$km_out" 2>&1 &&
	   grep -q '^CONFIG_NEED_PER_CPU_KM=y' "$BUILD/kbuild-km/.config"; then
		echo "ok 1 percpu-km config builds ${km_objs[*]}"
		if grep -q 'warning:' "$km_out"; then
			echo "not ok 2 percpu-km build has no compiler warning (see build-km.out)"
		else
			echo "ok 2 percpu-km build has no compiler warning"
		fi
	else
		echo "not ok 1 percpu-km config builds ${km_objs[*]} (see build-km.out)"
		echo "not ok 2 percpu-km build has no compiler warning # not built"
	fi > "$results/build-km.tap"
	echo "1..2" >> "$results/build-km.tap"
	part build-km

	"$TOP/scripts/checkpatch.sh" > "$results/checkpatch.tap" || true
	part checkpatch

	# Every numbered guest test is required by some boot of the matrix.
	orphans=$(python3 "$TOP/scripts/matrix.py" orphans)
	if [ -z "$orphans" ]; then
		echo "ok 1 every guest test is required by a boot of boots.ini"
	else
		echo "not ok 1 guest tests no boot requires: $(echo $orphans)"
	fi > "$results/matrix.tap"
	echo "1..1" >> "$results/matrix.tap"

	# Last: the tree that was tested is the series in patches/.
	if "$TOP/scripts/export-check.sh" > "$results/export-check.out" 2>&1; then
		echo "ok 1 the tree and patches/ agree"
	else
		sed 's/^/# /' "$results/export-check.out"
		echo "not ok 1 the tree and patches/ agree (make export, or make tree)"
	fi > "$results/export-check.tap"
	echo "1..1" >> "$results/export-check.tap"
	part export-check
fi

repro="make test BOOT={boot}"
[ -n "${SUITE:-}" ] && repro+=" SUITE=$SUITE"
rc=0
python3 "$TOP/scripts/summarize.py" --tree "$TREE" --host "$host" \
	--boots "$(IFS=,; echo "${boots[*]}")" --repro "$repro" \
	${SUITE:+--suite "$SUITE"} "$results" > "$results/summary.txt" 2>&1 || rc=$?
part summarize
{
	echo "# time per part: ${times[*]}"
	echo "# make test: $(( $(date +%s) - t0 ))s wall"
} >> "$results/summary.txt"
# The verdict line ("N passed, N failed, N skipped") stays last.
grep -v '^[0-9]* passed, ' "$results/summary.txt"
grep '^[0-9]* passed, ' "$results/summary.txt" || { echo "summarize.py crashed"; rc=1; }
return $rc
}
main "$@"
exit $?
