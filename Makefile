# The series' workshop.  `make help` lists the targets and their knobs;
# README.md explains them.
SHELL := /bin/bash
S := scripts

.PHONY: help demo test kunit selftest tree export export-check mail build \
	build-test build-kasan initramfs check-series checkpatch deps \
	bench-deferred-init bench-percpu-lazy bench-page-reporting bench-padata-memmap bench-padata-latency \
	bench-memalloc-reserve bench-memmap-lazy bench-dense-fleet boot clean distclean

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## Targets:
## demo                 build the default kernel, boot it, show what the series does
demo:
	@$(S)/demo.sh

## test                 harness self-test, the kernels, every boot of boots.ini,
##                      percpu-km build, checkpatch, export-check; the verdict
##                        BOOT=a[,b]   only these boots of boots.ini (no host checks)
##                        SUITE=name   with BOOT: only this KUnit suite
test:
	@$(S)/test.sh

## kunit SUITE=name     one KUnit suite, in the boot of boots.ini that is its
##                      home (kunit_home: its feature on; BOOT= to choose another)
kunit:
	@[ -n "$(SUITE)" ] || { echo "usage: make kunit SUITE=name [BOOT=boot]"; exit 2; }
	@boot=$${BOOT:-$$(python3 $(S)/matrix.py kunit-boot $(SUITE))} || exit 2; \
		SUITE=$(SUITE) BOOT=$$boot $(S)/test.sh

## selftest             the harness alone: canned result folders must be judged right
selftest: tree
	@python3 $(S)/selftest.py build/linux

## tree                 generate the kernel tree build/linux = base + patches/
##                        FORCE=1      regenerate even over unexported work
tree:
	@$(S)/tree.sh

## export               regenerate patches/ from the tree's commits
export:
	@$(S)/export.sh

## export-check         fail if the tree and patches/ differ in either direction
export-check:
	@$(S)/export-check.sh

## mail                 numbered [PATCH n/N] mails + cover letter in build/mail/
##                        (git format-patch, base-commit trailer, b4-compatible)
mail:
	@$(S)/mail.sh

## build                build the default guest kernel (build/images/guest/)
build: tree
	@$(S)/build.sh guest

## build-test           build the test kernel (build/images/test/)
build-test: tree
	@$(S)/build.sh test

## build-kasan          build the KASAN test kernel (build/images/kasan/)
build-kasan: tree
	@$(S)/build.sh kasan

## initramfs            build the test initramfs (build/initramfs.cpio.gz)
initramfs:
	@$(S)/mkinitramfs.sh

## boot                 boot the test kernel interactively
##                        ARGS="--mem 8G --smp 4 ..."   scripts/qemu-run options
boot: initramfs
	@$(S)/qemu-run --interactive --tests none $(ARGS)

## check-series         checkpatch --strict every patch + build after each patch
##                        FROM=N       start the builds at patch N
check-series:
	@$(S)/check-series.sh

## checkpatch           checkpatch --strict on every patch (TAP)
checkpatch:
	@$(S)/checkpatch.sh

## bench-deferred-init  deferred init pages/ms, 1 vs 2 threads, 16 + 64 GiB guests
bench-deferred-init:
	@bench/deferred-init/run.sh

## bench-percpu-lazy    cost of 1000 memcgs by possible CPUs, lazy percpu off/on
bench-percpu-lazy:
	@bench/percpu-lazy/run.sh

## bench-page-reporting page reporting pass cost, boundary on/off, 4/16/64 GiB guests
bench-page-reporting:
	@bench/page-reporting/run.sh

## bench-padata-memmap  memmap init of pmem (16 + 64 GiB) and of onlining, 1 vs 2 threads
bench-padata-memmap:
	@bench/padata-memmap/run.sh

## bench-padata-latency  cyclictest latency while runtime padata jobs run
bench-padata-latency:
	@bench/padata-latency/run.sh

## bench-memmap-lazy   host memory and early-life cost, memmap_init=lazy vs eager, 2/16/64 GiB
bench-memmap-lazy:
	@bench/memmap-lazy/run.sh

## bench-dense-fleet   the features together on a 2 GiB, 64-vCPU, 1000-memcg guest: on vs off
bench-dense-fleet:
	@bench/dense-fleet/run.sh

## bench-memalloc-reserve  SOCK_MEMALLOC reserves: normal-path cost; swap-over-NBD soak
##                      every bench: REPEAT=N repeats, OUT=dir output directory
bench-memalloc-reserve:
	@bench/memalloc-reserve/run.sh

## deps                 install the Debian packages the workshop needs
deps:
	@$(S)/deps.sh

## clean                remove build output (keeps the kernel tree and ccache)
clean:
	rm -rf build/kbuild-* build/images build/initramfs* build/logs build/test-results

## distclean            remove build/ entirely (the kernel tree too: export first!)
distclean:
	@$(S)/export-check.sh
	rm -rf build
##
## Environment: JOBS=N (build jobs, default nproc), MM_SERIES_CACHE=dir
## (downloads + ccache, default ~/.cache/mm-series)
