#!/bin/sh
# Lazily backed percpu units, seen from userspace: the kselftest
# tools/testing/selftests/mm/percpu_lazy_units.sh of the tree (KTAP, one
# result per case; the harness judges each case, see boots.ini skips).
# Boot with percpu_lazy_units=1 and more possible than online CPUs, e.g.
# scripts/qemu-run --smp 64 --online 2 --append percpu_lazy_units=1.
exec /kselftest/mm/percpu_lazy_units.sh
