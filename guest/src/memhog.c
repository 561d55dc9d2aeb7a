// SPDX-License-Identifier: GPL-2.0
/*
 * memhog KB: fault in anonymous memory until a GFP_KERNEL allocation has at
 * most KB left above the min watermarks, then print "ready LEFT_KB HELD_KB"
 * and sleep until killed.  Without swap nothing it holds can be reclaimed,
 * so the next allocations of more than KB go into reclaim and fail (or, if
 * they may, invoke the OOM killer).
 *
 * What is left is computed from /proc/zoneinfo as the sum over zones of
 * free - min - protection[ZONE_NORMAL]: the lowmem reserve that keeps
 * allocations which may use ZONE_NORMAL out of the DMA zones.  MemFree
 * counts those reserves and so would never get close.  Steps halve the
 * distance, so the last one is small.  The counters are approximate (pages
 * on per-CPU lists are not free, per-CPU deltas), so memhog can overshoot
 * and be OOM-killed itself: a caller retries with a larger KB.  Used by the
 * percpu-lazy test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define ZONE_NORMAL_IDX	2	/* x86-64: DMA, DMA32, Normal, Movable, ... */

static long zone_left(long free, long min, long prot)
{
	long left = free - min - prot;

	return left > 0 ? left : 0;
}

/* pages a GFP_KERNEL allocation can still take above the min watermarks */
static long left_pages(void)
{
	long free = 0, min = 0, prot = 0, left = 0, v;
	char line[512], *p;
	int in_zone = 0, i;
	FILE *f;

	/* fold the per-CPU counter deltas into the zone counters first */
	f = fopen("/proc/sys/vm/stat_refresh", "w");
	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node ", 5)) {
			if (in_zone)
				left += zone_left(free, min, prot);
			in_zone = 1;
			free = min = prot = 0;
		} else if (sscanf(line, " pages free %ld", &v) == 1) {
			free = v;
		} else if (sscanf(line, " min %ld", &v) == 1) {
			min = v;
		} else if ((p = strstr(line, "protection: ("))) {
			p += strlen("protection: (");
			for (i = 0; i <= ZONE_NORMAL_IDX && p; i++) {
				prot = strtol(p, NULL, 10);
				p = strchr(p, ',');
				if (p)
					p++;
			}
		}
	}
	if (in_zone)
		left += zone_left(free, min, prot);
	fclose(f);
	return left;
}

int main(int argc, char **argv)
{
	long target, left, step_kb, held = 0, page_kb = getpagesize() / 1024;
	char *p;

	if (argc != 2 || (target = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: memhog KB\n");
		return 2;
	}
	while ((left = left_pages() * page_kb) > target) {
		step_kb = (left - target) / 2;
		if (step_kb > 65536)
			step_kb = 65536;
		if (step_kb < 16)
			step_kb = 16;
		p = mmap(NULL, step_kb << 10, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		held += step_kb;
	}
	printf("ready %ld %ld\n", left, held);
	fflush(stdout);
	for (;;)
		pause();
}
