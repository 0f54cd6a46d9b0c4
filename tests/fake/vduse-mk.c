// SPDX-License-Identifier: MIT
/*
 * vduse-mk - create a VDUSE device for the real-kernel conformance run (it is not a daemon:
 * the device answers nothing, so it must never be opened through vhost-vdpa; it exists for
 * `vdpa dev add mgmtdev vduse name NAME` and what sysfs/netlink then show).
 *
 * Usage: vduse-mk NAME DEVICE_ID FEATURES_HEX VQ_NUM CONFIG_HEX
 *   e.g. vduse-mk vduse0 2 300000044 1 0008000000000000000000007e0000000000000000020000
 * Sets API version 0, VDUSE_CREATE_DEV (vq_align 4096), then VDUSE_VQ_SETUP max_size 256 for
 * every vq on /dev/vduse/NAME, and prints "created NAME". Exit 0, 1 on failure, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vduse.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct vduse_dev_config *cfg;
	uint64_t api = VDUSE_API_VERSION;
	size_t clen;
	char path[300];
	int c, d;

	if (argc != 6 || strlen(argv[5]) % 2) {
		fprintf(stderr, "usage: vduse-mk NAME DEVICE_ID FEATURES_HEX VQ_NUM CONFIG_HEX\n");
		return 2;
	}
	clen = strlen(argv[5]) / 2;
	cfg = calloc(1, sizeof(*cfg) + clen);
	if (!cfg)
		return 1;
	snprintf(cfg->name, sizeof(cfg->name), "%s", argv[1]);
	cfg->device_id = (uint32_t)strtoul(argv[2], NULL, 0);
	cfg->features = strtoull(argv[3], NULL, 16);
	cfg->vq_num = (uint32_t)strtoul(argv[4], NULL, 0);
	cfg->vq_align = 4096;
	cfg->config_size = (uint32_t)clen;
	for (size_t i = 0; i < clen; i++) {
		unsigned b;

		if (sscanf(argv[5] + 2 * i, "%2x", &b) != 1) {
			fprintf(stderr, "vduse-mk: bad config hex\n");
			return 2;
		}
		cfg->config[i] = (uint8_t)b;
	}
	c = open("/dev/vduse/control", O_RDWR | O_CLOEXEC);
	if (c < 0) {
		perror("vduse-mk: /dev/vduse/control");
		return 1;
	}
	if (ioctl(c, VDUSE_SET_API_VERSION, &api) || ioctl(c, VDUSE_CREATE_DEV, cfg)) {
		perror("vduse-mk: VDUSE_SET_API_VERSION/VDUSE_CREATE_DEV");
		return 1;
	}
	snprintf(path, sizeof(path), "/dev/vduse/%s", argv[1]);
	d = open(path, O_RDWR | O_CLOEXEC);
	if (d < 0) {
		perror(path);
		return 1;
	}
	for (uint32_t i = 0; i < cfg->vq_num; i++) {
		struct vduse_vq_config q = { .index = i, .max_size = 256 };

		if (ioctl(d, VDUSE_VQ_SETUP, &q)) {
			perror("vduse-mk: VDUSE_VQ_SETUP");
			return 1;
		}
	}
	printf("created %s\n", argv[1]);
	close(d);
	close(c);
	free(cfg);
	return 0;
}
