// SPDX-License-Identifier: GPL-2.0
/*
 * netbench tcp|udp SECONDS
 *
 * Loopback throughput: a child receives on 127.0.0.1, the parent sends
 * 64 KiB writes (TCP) or 1400-byte datagrams (UDP) for SECONDS.  Prints
 * the MB/s the receiver got.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(7777) };
	int udp, secs, ls, s, p[2], one = 1;
	static char buf[65536];
	long long got = 0;
	double t0, end;
	pid_t pid;

	if (argc != 3)
		return 2;
	udp = !strcmp(argv[1], "udp");
	secs = atoi(argv[2]);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (pipe(p))
		return 1;
	ls = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) || (!udp && listen(ls, 1)))
		return 1;
	pid = fork();
	if (!pid) {	/* receiver */
		struct timeval tv = { .tv_sec = 1 };
		ssize_t r;

		s = udp ? ls : accept(ls, NULL, NULL);
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		t0 = 0;
		while ((r = read(s, buf, sizeof(buf))) > 0) {
			if (!t0)
				t0 = now();
			got += r;
			end = now();
		}
		if (write(p[1], &got, sizeof(got)) < 0 || write(p[1], &t0, sizeof(t0)) < 0 ||
		    write(p[1], &end, sizeof(end)) < 0)
			_exit(1);
		_exit(0);
	}
	s = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)))
		return 1;
	end = now() + secs;
	while (now() < end)
		if (write(s, buf, udp ? 1400 : sizeof(buf)) < 0 && !udp)
			break;
	close(s);
	if (read(p[0], &got, sizeof(got)) != sizeof(got) || read(p[0], &t0, sizeof(t0)) < 0 ||
	    read(p[0], &end, sizeof(end)) < 0)
		return 1;
	waitpid(pid, NULL, 0);
	printf("netbench %s: %.1f MB/s\n", argv[1], got / (end - t0) / 1e6);
	return 0;
}
