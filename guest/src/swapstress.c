// SPDX-License-Identifier: GPL-2.0
/*
 * swapstress PROCS MB PASSES
 *
 * PROCS processes each map MB of anonymous memory and touch every page
 * PASSES times, linearly (the first pass writes, later passes read and
 * write back), as MMTests' vmscan-anon-mmap-write does: with more than RAM
 * in total, this swaps out and in continuously.  Prints the elapsed time
 * and how many processes failed (0 expected).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int procs, passes, i, failed = 0, st;
	struct timespec t0, t1;
	size_t len;

	if (argc != 4) {
		fprintf(stderr, "usage: swapstress PROCS MB PASSES\n");
		return 2;
	}
	procs = atoi(argv[1]);
	len = (size_t)atol(argv[2]) << 20;
	passes = atoi(argv[3]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < procs; i++) {
		if (!fork()) {
			unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
						MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			size_t off;
			int pass;

			if (p == MAP_FAILED)
				_exit(1);
			for (pass = 0; pass < passes; pass++)
				for (off = 0; off < len; off += 4096)
					p[off] = p[off] + 1 + pass;
			for (off = 0; off < len; off += 4096)
				if (p[off] != (unsigned char)(passes * (passes + 1) / 2))
					_exit(3);
			_exit(0);
		}
	}
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			failed++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("swapstress: %d procs x %s MB x %d passes: %.1f s, %d failed\n",
	       procs, argv[2], passes,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9, failed);
	return failed ? 1 : 0;
}
