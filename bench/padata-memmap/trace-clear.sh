#!/bin/bash
# bench/padata-memmap/trace-clear.sh: what clearing the trace before a
# timed write does to the write, under TCG.  One boot of the guest kernel
# (62 GiB, 2 GiB blocks, a 4 GiB DIMM offline at boot); one block onlined
# and offlined ROUNDS times per mode and thread count:
#   plain     no tracing
#   enabled   the padata_mt_job_end event on, the trace never cleared
#   cleared   the event on, the trace cleared before each write (what
#             bench-padata-memmap.t did before it counted jobs instead)
# Prints the median write per mode and thread count.  ROUNDS=6.
. "$(dirname "$0")/../lib.sh"
ROUNDS=${ROUNDS:-6}
bench_prepare >/dev/null
script=$(cat <<EOS
M=/sys/devices/system/memory
P=/sys/module/padata/parameters/mt_max_threads
TR=/sys/kernel/tracing
[ -e \$TR/events ] || mount -t tracefs nodev \$TR
b=""
for x in \$M/memory*; do [ "\$(cat \$x/state)" = offline ] && { b=\$(basename \$x); break; }; done
[ -n "\$b" ] || { echo "no offline memory block"; exit 1; }
put \$M/\$b/state online_movable; put \$M/\$b/state offline
for mode in plain enabled cleared; do
	[ \$mode = enabled ] && echo 1 > \$TR/events/padata/padata_mt_job_end/enable
	i=0
	while [ \$i -lt $ROUNDS ]; do
		for t in 1 2; do
			put \$P \$t
			[ \$mode = cleared ] && echo > \$TR/trace
			w=\$(timed-write \$M/\$b/state online_movable)
			echo "ONLINE mode=\$mode t=\$t ns=\$w"
			put \$M/\$b/state offline
		done
		i=\$((i + 1))
	done
done
EOS
)
out=$("$TOP/scripts/qemu-run" --kernel "$IMAGES/guest/bzImage" --mem 62G --file-backed --maxmem 96G \
	--smp 2 --timeout 900 --append memhp_default_state=offline \
	--device "-object memory-backend-ram,id=hp0,size=4G -device pc-dimm,id=dimm0,memdev=hp0" \
	-x "$script") || die "the guest failed: $(echo "$out" | tail -n 3)"
printf '%-8s %7s %16s\n' mode threads "median write ms"
for m in plain enabled cleared; do
	for t in 1 2; do
		printf '%-8s %7s %16s\n' "$m" "$t" "$(echo "$out" | sed -n "s/^ONLINE mode=$m t=$t ns=//p" |
			awk '{ print $1 / 1e6 }' | median)"
	done
done
