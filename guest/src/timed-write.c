// SPDX-License-Identifier: GPL-2.0
/*
 * timed-write FILE VALUE: write VALUE to FILE (a sysfs attribute) in one
 * write(2) and print how long the write took, in nanoseconds
 * (CLOCK_MONOTONIC): what a user waits for when binding a driver or
 * onlining memory.  Exit status 0, or 1 with the error on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	ssize_t n;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s FILE VALUE\n", argv[0]);
		return 1;
	}
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = write(fd, argv[2], strlen(argv[2]));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (n < 0) {
		fprintf(stderr, "%s: write '%s': %s\n", argv[1], argv[2], strerror(errno));
		return 1;
	}
	close(fd);
	printf("%lld\n", (t1.tv_sec - t0.tv_sec) * 1000000000LL + t1.tv_nsec - t0.tv_nsec);
	return 0;
}
