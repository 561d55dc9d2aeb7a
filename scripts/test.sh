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
	for b in "${boots[@]}"; do python3 "$TOP/scripts/matrix.py" argv "$b" >/dev/null; done
	host=harness
else
	mapfile -t boots < <(python3 "$TOP/scripts/matrix.py" names)
	host=harness,build-km,checkpatch,export-check
fi

for f in $(python3 "$TOP/scripts/matrix.py" flavours "${boots[@]}"); do
	"$TOP/scripts/build.sh" "$f"
	part "build-$f"
done
"$TOP/scripts/mkinitramfs.sh"
part initramfs

for b in "${boots[@]}"; do
	mapfile -d '' -t args < <(python3 "$TOP/scripts/matrix.py" argv "$b")
	if [ -n "${SUITE:-}" ]; then
		args+=(--tests none --append "kunit.filter_glob=$SUITE")
	fi
	msg "boot $b: ${args[*]}"
	rc=0
	"$TOP/scripts/qemu-run" --log "$results/$b.log" "${args[@]}" >/dev/null 2>&1 || rc=$?
	echo $rc > "$results/$b.rc"
	msg "boot $b: exit $rc ($(sed -n 's/^# qemu-run: //p' "$results/$b.log" 2>/dev/null | tail -n1))"
	part "boot-$b"
done

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
exit $rc
