// SPDX-License-Identifier: GPL-2.0
/*
 * memfill [-t] [-f] [-l LOOPS] [-s SECONDS] MB
 *
 * Map MB megabytes of anonymous memory, touch every page, (hold it for
 * SECONDS,) unmap; LOOPS times (default 1).  With -t the mapping is 2 MiB aligned and
 * MADV_HUGEPAGE, so that it faults in (and frees) transparent huge pages;
 * without, MADV_NOHUGEPAGE, so that it takes 4K pages whatever the THP
 * setting.  With -f, once touched, every other page is given back
 * (MADV_DONTNEED), so that the memory freed is fragmented into single
 * pages.
 * Used by the free page reporting test and bench to free memory of a
 * known size and order.  Prints the number of huge pages the last loop
 * got (AnonHugePages of the process), so a caller can tell THP from 4K.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define HPAGE (2UL << 20)

static long anon_huge_kb(void)
{
	char line[256];
	long kb = 0, v;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld kB", &v) == 1)
			kb = v;
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	long loops = 1, huge = -1, page = sysconf(_SC_PAGESIZE);
	int opt, thp = 0, hold = 0, frag = 0;
	size_t len, off;
	char *map, *p;

	while ((opt = getopt(argc, argv, "tfl:s:")) != -1) {
		switch (opt) {
		case 't':
			thp = 1;
			break;
		case 'f':
			frag = 1;
			break;
		case 'l':
			loops = atol(optarg);
			break;
		case 's':
			hold = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || atol(argv[optind]) <= 0 || loops <= 0)
		goto usage;
	len = (size_t)atol(argv[optind]) << 20;

	while (loops--) {
		map = mmap(NULL, len + HPAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (map == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		p = (char *)(((unsigned long)map + HPAGE - 1) & ~(HPAGE - 1));
		if (madvise(p, len, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
			perror("madvise");
			return 1;
		}
		for (off = 0; off < len; off += page)
			p[off] = 1;
		huge = anon_huge_kb();
		for (off = 0; frag && off < len; off += 2 * page)
			madvise(p + off, page, MADV_DONTNEED);
		if (hold > 0)
			sleep(hold);
		munmap(map, len + HPAGE);
	}
	printf("%ld\n", huge < 0 ? -1 : huge / 2048);
	return 0;
usage:
	fprintf(stderr, "usage: memfill [-t] [-l LOOPS] [-s SECONDS] MB\n");
	return 2;
}
