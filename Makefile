# The series' workshop.  `make help` lists the targets; README.md explains them.
SHELL := /bin/bash
S := scripts

.PHONY: help demo test tree export export-check build build-test initramfs \
	check-series checkpatch deps bench-deferred-init bench-percpu-lazy \
	bench-page-reporting bench-memalloc-reserve boot clean distclean

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## demo                 build the default kernel, boot it, show what the series does
demo:
	@$(S)/demo.sh

## test                 build + boot the test kernel: KUnit, guest tests, checkpatch
test:
	@$(S)/test.sh

## tree                 generate the kernel git tree build/linux = base + patches/
tree:
	@$(S)/tree.sh

## export               regenerate patches/ from the tree's commits
export:
	@$(S)/export.sh

## export-check         fail if the tree and patches/ differ in either direction
export-check:
	@$(S)/export-check.sh

## build                build the default guest kernel (build/images/guest/)
build: tree
	@$(S)/build.sh guest

## build-test           build the test kernel (build/images/test/)
build-test: tree
	@$(S)/build.sh test

## initramfs            build the test initramfs (build/initramfs.cpio.gz)
initramfs:
	@$(S)/mkinitramfs.sh

## boot                 boot the test kernel interactively (ARGS="--mem 8G ...")
boot: initramfs
	@$(S)/qemu-run --interactive --tests none $(ARGS)

## check-series         checkpatch --strict every patch + build after each patch
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

## bench-memalloc-reserve  SOCK_MEMALLOC reserves: normal-path cost; swap-over-NBD soak
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
