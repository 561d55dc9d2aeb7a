#!/bin/bash
# make test: build the test kernel, boot it in QEMU (KUnit suites run at boot,
# then the initramfs tests), check every patch with checkpatch --strict, and
# end with one line "N passed, N failed".  Non-zero exit on any failure.
#
# Results and logs: build/test-results/ (one NAME.log per boot).
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
results=$BUILD/test-results
rm -rf "$results"
mkdir -p "$results"

"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/build.sh" test
"$TOP/scripts/mkinitramfs.sh"

boot() { # NAME qemu-run args...
	local name=$1 rc=0
	shift
	msg "boot $name: $*"
	"$TOP/scripts/qemu-run" --log "$results/$name.log" "$@" >/dev/null 2>&1 || rc=$?
	echo $rc > "$results/$name.rc"
	msg "boot $name: exit $rc ($(sed -n 's/^# qemu-run: //p' "$results/$name.log" | tail -n1))"
}

# 1. Everything at once: KUnit suites at boot, all guest tests; 2 NUMA nodes
#    with one CPU each.
boot main --mem 4G --smp 2 --numa 2 --tests all --timeout 900

# 2. deferred_init_threads=: default (2 CPUs on one node), a cap, a bad value.
boot definit-default --mem 2G --smp 2 --tests deferred-init --append kunit.enable=0
boot definit-cap1 --mem 2G --smp 2 --tests deferred-init \
	--append kunit.enable=0 --append deferred_init_threads=1
boot definit-bad --mem 2G --smp 2 --tests deferred-init \
	--append kunit.enable=0 --append deferred_init_threads=zero

# 3. Lazily backed percpu units: 64 possible CPUs, 2 online (maxcpus=2).
#    KUnit runs again with the feature on; then the hotplug/memcg test.
boot percpu-lazy --mem 4G --smp 64 --online 2 --tests percpu-lazy \
	--append percpu_lazy_units=1 --timeout 900
boot percpu-bad --mem 2G --smp 4 --online 2 --tests percpu-lazy \
	--append kunit.enable=0 --append percpu_lazy_units=maybe

# 4. Free page reporting with the test device and the reported boundary:
#    KUnit again, then 40-page-reporting with shuffling on and a cold-plugged
#    DIMM (online_movable) for offline/online, and the compaction selftest
#    with reporting and the boundary still on; then with virtio-balloon's
#    reporting, which must keep the test device out.
boot page-reporting --mem 4G --smp 2 --tests page-reporting,compaction \
	--append page_alloc.shuffle=1 --append memhp_default_state=online_movable \
	--device "-object memory-backend-ram,id=hp0,size=512M -device pc-dimm,id=dimm0,memdev=hp0"
boot page-reporting-balloon --mem 2G --smp 2 --tests page-reporting \
	--append kunit.enable=0 --append page_reporting_test.enable=1 \
	--device "-device virtio-balloon-pci,free-page-reporting=on"

# 5. Bean-counted reserves for SOCK_MEMALLOC sockets, enforced: KUnit again
#    (memalloc_reserve, with the boot's mode), then the veth flood test.
boot memalloc-reserve --mem 2G --smp 2 --tests memalloc-reserve \
	--append memalloc_reserve.mode=enforce

# 6. percpu-km (uniprocessor: NEED_PER_CPU_KM) still builds the percpu
#    allocator and its converted users, and (no PAGE_REPORTING there) the
#    page allocator, without a compiler warning.  The
#    objects are removed first so that an incremental run compiles (and
#    warns) again; ccache replays a cached warning too.  The log is .out, not
#    .log: summarize.py takes every .log for a guest boot.
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

# 7. checkpatch --strict on every patch.
"$TOP/scripts/checkpatch.sh" > "$results/checkpatch.tap" || true

msg "make test: $(( $(date +%s) - start ))s wall"
python3 "$TOP/scripts/summarize.py" "$results" "$TREE"
