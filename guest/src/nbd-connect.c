// SPDX-License-Identifier: GPL-2.0
/*
 * nbd-connect HOST PORT EXPORT /dev/nbdN
 * nbd-connect -d /dev/nbdN
 *
 * A minimal NBD client for the swap-over-NBD soak: fixed newstyle
 * handshake with NBD_OPT_EXPORT_NAME (qemu-nbd -x EXPORT), then hands the
 * socket to the kernel (NBD_SET_SOCK) and stays in NBD_DO_IT in a child
 * process.  Returns once the device has its size.  With -d: disconnect
 * (NBD_DISCONNECT); the NBD_DO_IT child then clears the device and exits.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <fcntl.h>
#include <linux/nbd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define IHAVEOPT	0x49484156454F5054ULL

static int rd(int s, void *b, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(s, (char *)b + got, n - got);

		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

static void die(const char *m)
{
	perror(m);
	exit(1);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint64_t magic, size, opt_magic = htobe64(IHAVEOPT);
	uint32_t cflags, opt = htobe32(1), len;
	uint16_t hflags, tflags;
	char zeroes[124];
	int s, fd, one = 1;
	pid_t pid;

	if (argc == 3 && !strcmp(argv[1], "-d")) {
		fd = open(argv[2], O_RDWR);
		if (fd < 0)
			die(argv[2]);
		if (ioctl(fd, NBD_DISCONNECT))
			die("NBD_DISCONNECT");
		return 0;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: nbd-connect HOST PORT EXPORT /dev/nbdN\n"
			"       nbd-connect -d /dev/nbdN\n");
		return 2;
	}
	sin.sin_port = htons(atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1)
		die("address");
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sin, sizeof(sin)))
		die("connect");
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	if (rd(s, &magic, 8) || be64toh(magic) != 0x4e42444d41474943ULL)
		die("no NBDMAGIC");
	if (rd(s, &magic, 8) || be64toh(magic) != IHAVEOPT)
		die("not a newstyle server");
	if (rd(s, &hflags, 2))
		die("handshake flags");
	hflags = be16toh(hflags);
	cflags = htobe32(hflags & 3);	/* FIXED_NEWSTYLE, NO_ZEROES if offered */
	len = htobe32(strlen(argv[3]));
	if (write(s, &cflags, 4) != 4 || write(s, &opt_magic, 8) != 8 ||
	    write(s, &opt, 4) != 4 || write(s, &len, 4) != 4 ||
	    write(s, argv[3], strlen(argv[3])) != (ssize_t)strlen(argv[3]))
		die("option");
	if (rd(s, &size, 8) || rd(s, &tflags, 2))
		die("export");
	if (!(hflags & 2) && rd(s, zeroes, sizeof(zeroes)))
		die("zeroes");
	size = be64toh(size);
	tflags = be16toh(tflags);

	fd = open(argv[4], O_RDWR);
	if (fd < 0)
		die(argv[4]);
	if (ioctl(fd, NBD_SET_BLKSIZE, 4096UL) ||
	    ioctl(fd, NBD_SET_SIZE_BLOCKS, (unsigned long)(size / 4096)) ||
	    ioctl(fd, NBD_SET_FLAGS, (unsigned long)tflags) ||
	    ioctl(fd, NBD_SET_TIMEOUT, 600UL) ||
	    ioctl(fd, NBD_SET_SOCK, (unsigned long)s))
		die("nbd ioctl");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		if (ioctl(fd, NBD_DO_IT))
			perror("NBD_DO_IT");
		ioctl(fd, NBD_CLEAR_QUE);
		ioctl(fd, NBD_CLEAR_SOCK);
		_exit(0);
	}
	printf("%s: %llu MB, flags 0x%x, NBD_DO_IT in pid %d\n", argv[4],
	       (unsigned long long)(size >> 20), tflags, pid);
	return 0;
}
