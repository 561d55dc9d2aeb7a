// SPDX-License-Identifier: GPL-2.0
/*
 * pf-bench MB LOOPS
 *
 * Page fault microbenchmark: map MB megabytes of anonymous memory with 4K
 * pages (MADV_NOHUGEPAGE), write one byte per page, unmap; LOOPS times.
 * Prints "ns_per_fault=N" (median over the loops of the time per page,
 * fault and unmap together: the allocation and the free paths) and
 * "min=N max=N".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), loops, i;
	size_t len, off, pages;
	long long *ns, t;
	char *p;

	if (argc != 3 || atol(argv[1]) <= 0 || atol(argv[2]) <= 0) {
		fprintf(stderr, "usage: pf-bench MB LOOPS\n");
		return 2;
	}
	len = (size_t)atol(argv[1]) << 20;
	loops = atol(argv[2]);
	pages = len / page;
	ns = calloc(loops, sizeof(*ns));
	if (!ns)
		return 1;
	for (i = 0; i < loops; i++) {
		t = now_ns();
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		for (off = 0; off < len; off += page)
			p[off] = 1;
		munmap(p, len);
		ns[i] = (now_ns() - t) / (long long)pages;
	}
	qsort(ns, loops, sizeof(*ns), cmp);
	printf("ns_per_fault=%lld min=%lld max=%lld\n", ns[loops / 2], ns[0],
	       ns[loops - 1]);
	return 0;
}
