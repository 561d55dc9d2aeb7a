#!/bin/bash
# bench/padata-memmap: the memmap init of persistent memory and of memory
# onlining with padata.mt_max_threads=1 and =2, on a 2-vCPU guest with 62
# GiB of boot memory (2 GiB memory blocks), a label-less nvdimm of each
# size in SIZES bound as fsdax with its memmap on the device, and a
# cold-plugged DIMM of DIMM (offline at boot) onlined block by block.  One
# guest kernel; the thread counts are interleaved within each boot
# (bench-padata-memmap.t), bench.reps= binds and onlines per count.
#
# Goals (issue 12): pmem memmap init pages/ms, 2 threads over 1, >= 1.7x at
# 16 and 64 GiB, with the bind time alongside; onlining, >= 1.5x.  An
# online has two jobs: the memmap init ("job") and the freeing of the
# block's pages ("free", none on kernels that free on one thread); "both"
# is their sum per online, the part of the write that threads can share.
#
#   REPEAT=N      boots per nvdimm size (default 1)
#   KERNELS="LABEL=BZIMAGE ..."  kernels to boot in turn, e.g. the series
#                 against the series without its last patches (default:
#                 the guest kernel, labelled "guest")
#   REPS=N        binds and onlines per thread count in each boot (default 5)
#   SIZES="16G 64G"  nvdimm sizes   DIMM=16G   OUT=DIR
#
# Rows carry the threads the job reports (its padata_mt_job_end
# tracepoint: those that took a chunk).  Fewer than asked is counted (a
# helper that started after the caller ran out of work); more, or none,
# stops the run.
#
# Output: OUT/{runs.csv,summary.csv,meta.txt,logs/}, and from plot.sh
# OUT/online-by-block.{csv,png} (onlines by the block's place in its round)
. "$(dirname "$0")/../lib.sh"

REPEAT=${REPEAT:-1}
REPS=${REPS:-5}
SIZES=${SIZES:-"16G 64G"}
DIMM=${DIMM:-16G}
KERNELS=${KERNELS:-guest=$IMAGES/guest/bzImage}
bench_init padata-memmap REPEAT REPS SIZES DIMM KERNELS

echo "nvdimm,rep,what,threads,boot_rep,pages,write_ns,job_ns,job_threads,kernel,free_ns,free_threads" > "$out/runs.csv"
for rep in $(seq 1 "$REPEAT"); do
	for size in $(bench_order "$rep" $SIZES); do
	for kernel in $(bench_order "$rep" $KERNELS); do
		label=${kernel%%=*}
		log=$out/logs/$label-nv$size-$rep.log
		# a sparse file in /dev/shm (QEMU creates and unlinks it): an
		# anonymous 64G backend exceeds the host's overcommit limit
		dev="-machine nvdimm=on -object memory-backend-file,id=nv0,size=$size,mem-path=/dev/shm,share=on"
		dev+=" -device nvdimm,id=nvdimm0,memdev=nv0"
		dev+=" -object memory-backend-ram,id=hp0,size=$DIMM -device pc-dimm,id=dimm0,memdev=hp0"
		maxmem=$(( 62 + ${size%G} + ${DIMM%G} + 2 ))G
		BENCH_KERNEL=${kernel#*=} CFG=$label-nv$size REP=$rep BENCH_DEV=$dev BENCH_QEMU="--maxmem $maxmem" \
			bench_boot bench-padata-memmap "$log" 62G 1800 "bench.reps=$REPS" || continue
		grep -o 'BENCH what=.*' "$log" | while read -r _ line; do
			what=$(kv what "$line"); t=$(kv threads "$line")
			jt=$(kv job_threads "$line") ft=$(kv free_threads "$line")
			case $jt in
			[1-9]*) [ "$jt" -le "$t" ] || bench_check "threads of a $what job" "$t" "$jt" "$log" ;;
			*) bench_check "threads of a $what job" "$t" "$jt" "$log" ;;
			esac
			case $ft in
			[1-9]*) [ "$ft" -le "$t" ] || bench_check "threads of a freeing job" "$t" "$ft" "$log" ;;
			esac
			echo "$size,$rep,$what,$t,$(kv rep "$line"),$(kv pages "$line"),$(kv write_ns "$line"),$(kv job_ns "$line"),$jt,$label,$(kv free_ns "$line"),$ft"
		done >> "$out/runs.csv"
	done
	done
done

# medians per (kernel, what, size, threads): pages/ms of the job and of the write
echo "kernel,what,nvdimm,threads,runs,fewer_threads,median_job_ms,q1_job_ms,job_pages_per_ms,median_write_ms,write_pages_per_ms,job_ratio_vs_1,write_ratio_vs_1,median_free_ms,free_ratio_vs_1,median_both_ms,both_ratio_vs_1" > "$out/summary.csv"
printf '\n%-8s %-7s %-7s %-7s %4s %5s %9s %9s %11s %9s %11s %8s %8s %8s %7s %8s %7s\n' kernel what nvdimm threads runs fewer "job ms" "q1 ms" "job pg/ms" \
	"write ms" "write pg/ms" "job x" "write x" "free ms" "free x" "both ms" "both x"
for kernel in $KERNELS; do
label=${kernel%%=*}
for what in pmem online; do
	for size in $SIZES; do
		[ "$what" = online ] && size_key=all || size_key=$size
		[ "$what" = online ] && [ "$size" != "${SIZES%% *}" ] && continue
		jb=""; wb=""; fb=""; bb=""
		for t in 1 2; do
			rows=$(awk -F, -v w="$what" -v s="$size" -v t="$t" -v k="$label" \
				'NR > 1 && $10 == k && $3 == w && $4 == t && (w == "online" || $1 == s)' "$out/runs.csv")
			n=$(echo "$rows" | grep -c . || true)
			[ "$n" -gt 0 ] || continue
			fewer=$(echo "$rows" | awk -F, '$9 < $4' | grep -c . || true)
			pages=$(echo "$rows" | cut -d, -f6 | median)
			jms=$(echo "$rows" | awk -F, '{ print $8 / 1e6 }' | median)
			jq1=$(echo "$rows" | awk -F, '{ print $8 / 1e6 }' | quantile 0.25)
			wms=$(echo "$rows" | awk -F, '{ print $7 / 1e6 }' | median)
			jppm=$(ratio "$pages" "$jms" %.0f); wppm=$(ratio "$pages" "$wms" %.0f)
			# the freeing job: online rows of kernels that have one
			fms=$(echo "$rows" | awk -F, '$11 ~ /^[0-9]+$/ { print $11 / 1e6 }' | median)
			[ -n "$fb" ] || fb=$fms
			fx=$(ratio "$fb" "$fms" %.2f)
			bms=$(echo "$rows" | awk -F, '$11 ~ /^[0-9]+$/ { print ($8 + $11) / 1e6 }' | median)
			[ -n "$bb" ] || bb=$bms
			bx=$(ratio "$bb" "$bms" %.2f)
			[ -n "$jb" ] || { jb=$jppm; wb=$wppm; }
			jx=$(ratio "$jppm" "$jb" %.2f); wx=$(ratio "$wppm" "$wb" %.2f)
			echo "$label,$what,$size_key,$t,$n,$fewer,$jms,$jq1,$jppm,$wms,$wppm,$jx,$wx,$fms,$fx,$bms,$bx" >> "$out/summary.csv"
			printf '%-8s %-7s %-7s %-7s %4s %5s %9.1f %9.1f %11s %9.1f %11s %7sx %7sx %8s %6sx %8s %6sx\n' "$label" "$what" "$size_key" "$t" "$n" \
				"$fewer" "$jms" "$jq1" "$jppm" "$wms" "$wppm" "$jx" "$wx" "$fms" "$fx" "$bms" "$bx"
		done
	done
done
done
"$(dirname "$0")/plot.sh" "$out"
bench_finish
