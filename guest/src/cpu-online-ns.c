// SPDX-License-Identifier: GPL-2.0
/*
 * cpu-online-ns [-f] CPU 0|1: write 0 or 1 to
 * /sys/devices/system/cpu/cpuCPU/online and print how long the write took,
 * in nanoseconds (CLOCK_MONOTONIC).  Exits 1 with the errno text if the
 * write fails.  -f first sets /proc/self/make-it-fail, so that
 * fail_page_alloc with task-filter fails this task's allocations only.
 * Used by the percpu-lazy bench and test (busybox's date has no sub-second
 * resolution, and its echo does not report write errors).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char outbuf[256];

int main(int argc, char **argv)
{
	struct timespec a, b;
	int fd, fail_fd = -1, err = 0;
	char path[64];
	ssize_t n;

	/* no allocation (stdio buffer, page faults) while make-it-fail is set */
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	setvbuf(stderr, NULL, _IONBF, 0);
	if (argc == 4 && !strcmp(argv[1], "-f")) {
		fail_fd = open("/proc/self/make-it-fail", O_WRONLY);
		if (fail_fd < 0) {
			perror("/proc/self/make-it-fail");
			return 2;
		}
		argv++;
		argc--;
	}
	if (argc != 3 || (strcmp(argv[2], "0") && strcmp(argv[2], "1"))) {
		fprintf(stderr, "usage: cpu-online-ns [-f] CPU 0|1\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%s/online", argv[1]);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	/* fault in the code and data used below while allocations work */
	if (fail_fd >= 0 && pwrite(fail_fd, "0", 1, 0) != 1)
		return 2;
	if (write(fd, argv[2], 0) < 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (fail_fd >= 0 && pwrite(fail_fd, "1", 1, 0) != 1)
		return 2;
	n = write(fd, argv[2], 1);
	if (n != 1)
		err = errno;
	if (fail_fd >= 0 && pwrite(fail_fd, "0", 1, 0) != 1)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (n != 1) {
		fprintf(stderr, "%s: %s\n", path, strerror(err));
		return 1;
	}
	close(fd);
	printf("%lld\n", (long long)(b.tv_sec - a.tv_sec) * 1000000000LL +
	       (b.tv_nsec - a.tv_nsec));
	return 0;
}
