// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * holder: keep a vhost-vdpa device open, like a VMM would, for vdpactl's real-kernel tests.
 *
 * Usage: holder DEVICE [GO_FILE [SECONDS]]
 *
 * Opens DEVICE (O_RDWR), prints "held", then waits until GO_FILE exists, SIGUSR1 arrives or
 * SECONDS (default 30) pass. Then it issues VHOST_GET_BACKEND_FEATURES on the descriptor it
 * kept, prints "woke: file|signal|timeout" and "backend_features=0x...", and exits 0.
 * This shows the holder can still use the device after another process was refused (EBUSY).
 * Exit status: 0 success, 1 open/ioctl failed, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_signal;

static void on_usr1(int sig)
{
	(void)sig;
	got_signal = 1;
}

static int parse_seconds(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 86400)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	const char *dev, *go_file = NULL;
	const char *woke = "timeout";
	long seconds = 30, waited_ms = 0;
	struct sigaction sa;
	uint64_t features = 0;
	int fd;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "Usage: %s DEVICE [GO_FILE [SECONDS]]\n", argv[0]);
		return 2;
	}
	dev = argv[1];
	if (argc > 2 && argv[2][0])
		go_file = argv[2];
	if (argc > 3 && parse_seconds(argv[3], &seconds)) {
		fprintf(stderr, "holder: bad SECONDS '%s' (0-86400)\n", argv[3]);
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL)) {
		fprintf(stderr, "holder: sigaction: %s\n", strerror(errno));
		return 1;
	}

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "holder: %s: open: %s\n", dev, strerror(errno));
		return 1;
	}
	printf("held %s\n", dev);
	fflush(stdout);

	for (;;) {
		const struct timespec tick = { .tv_sec = 0, .tv_nsec = 20 * 1000 * 1000 };

		if (got_signal) {
			woke = "signal";
			break;
		}
		if (go_file && access(go_file, F_OK) == 0) {
			woke = "file";
			break;
		}
		if (waited_ms >= seconds * 1000)
			break;
		nanosleep(&tick, NULL);
		waited_ms += 20;
	}

	if (ioctl(fd, VHOST_GET_BACKEND_FEATURES, &features)) {
		fprintf(stderr, "holder: %s: VHOST_GET_BACKEND_FEATURES: %s\n", dev, strerror(errno));
		close(fd);
		return 1;
	}
	printf("woke: %s\n", woke);
	printf("backend_features=0x%llx\n", (unsigned long long)features);
	fflush(stdout);
	close(fd);
	return 0;
}
