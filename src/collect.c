// SPDX-License-Identifier: GPL-2.0-or-later
/* collect.c - read-only identification of a vhost-vdpa device into the data model */
#include "collect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "signals.h"
#include "util.h"
#include "vhost.h"

#define VD_ENOTSUPP 524

enum err_code classify_query_errno(int errnum)
{
	switch (errnum) {
	case EPERM:
	case ENOTTY:
	case EOPNOTSUPP:
	case VD_ENOTSUPP:
	case ENOBUFS:
		return ERR_UNSUPPORTED;
	case EINTR:
		return ERR_INTERRUPTED;
	default:
		return ERR_INTERNAL;
	}
}

/* Record a failed query; returns the exit code it implies for the device (0 if none). */
static int query_failed(struct vdpa_device *d, int errnum, const char *op, const char *field)
{
	enum err_code code = classify_query_errno(errnum);

	if (code == ERR_UNSUPPORTED) {
		err_add(&d->errors, code, errnum, d->char_device, op, field,
			"not supported by this kernel or parent driver (%s)",
			errno_name(errnum) ? errno_name(errnum) : vd_strerror(errnum));
		return 0;
	}
	err_add(&d->errors, code, errnum, d->char_device, op, field, "%s", vd_strerror(errnum));
	return code == ERR_INTERRUPTED ? signals_exit_code() : VD_EXIT_INTERNAL;
}

static int query(struct vdpa_device *d, int fd, enum vhost_query q, struct opt_u64 *out,
		 const char *field)
{
	int rc;

	if (vd_signal)
		return signals_exit_code();
	rc = vhost_query(fd, q, &out->v);
	out->valid = rc == 0;
	return rc ? query_failed(d, -rc, vhost_query_name(q), field) : 0;
}

static int worst(int a, int b)
{
	return a ? a : b;
}

/*
 * The largest length in [1, @hi] that VHOST_VDPA_GET_CONFIG accepts at offset 0: the kernel
 * refuses a read past the config space with EINVAL (vhost_vdpa_config_validate(), drivers/vhost/
 * vdpa.c), so a binary search finds the size a kernel without GET_CONFIG_SIZE does not tell.
 * 0 if even one byte is refused; reads nothing but config space.
 */
static unsigned accepted_len(int fd, unsigned hi, uint8_t *buf, int *err)
{
	unsigned lo = 0;

	while (lo < hi && !vd_signal) {
		unsigned mid = lo + (hi - lo + 1) / 2;
		int rc = vhost_get_config(fd, 0, mid, buf);

		if (rc == 0)
			lo = mid;
		else if (rc == -EINVAL)
			hi = mid - 1;
		else {
			*err = -rc;
			return 0;
		}
	}
	return lo;
}

/* How many bytes to read: GET_CONFIG_SIZE when the kernel has it, else the virtio layout. */
static unsigned config_want(const struct vdpa_device *d, uint64_t features)
{
	unsigned want = cfg_read_len(d->cls);

	if (d->config_size.valid)
		return d->config_size.v < want ? (unsigned)d->config_size.v : want;
	/* before Linux 5.18 (no VHOST_VDPA_GET_CONFIG_SIZE): the fields the features give */
	return cfg_spec_len(d->cls, features);
}

static void config_failed(struct vdpa_device *d, int errnum)
{
	free(d->config_raw);
	d->config_raw = NULL;
	d->config_len = 0;
	err_add(&d->errors, classify_query_errno(errnum), errnum, d->char_device,
		"VHOST_VDPA_GET_CONFIG", "config", "config space unreadable: %s",
		vd_strerror(errnum));
}

/* Read and decode config space. A read that fails leaves config null with the reason. */
static void collect_config(struct vdpa_device *d, int fd)
{
	uint64_t features = d->device_features.valid ? d->device_features.v : UINT64_MAX;
	unsigned want = config_want(d, features);
	size_t n_short;
	int rc = 0, err = 0;

	if (d->cls == CLASS_UNKNOWN) {
		err_add(&d->errors, ERR_UNSUPPORTED, 0, d->char_device, NULL, "config",
			"config space of this device class is not decoded");
		return;
	}
	d->config_raw = xcalloc(1, want ? want : 1);
	d->config_len = want;
	if (want > 0)
		rc = vhost_get_config(fd, 0, want, d->config_raw);
	if (rc == -EINVAL && !d->config_size.valid && want > 1) {
		d->config_len = accepted_len(fd, want - 1, d->config_raw, &err);
		rc = d->config_len ? vhost_get_config(fd, 0, (uint32_t)d->config_len, d->config_raw)
				   : -(err ? err : EINVAL);
	}
	if (rc) {
		config_failed(d, -rc);
		return;
	}
	d->config_valid = true;
	if (!d->config)
		d->config = xcalloc(1, sizeof(*d->config));
	n_short = cfg_decode(d->cls, features, d->config_raw, d->config_len, d->config);
	for (size_t i = 0; n_short && i < d->config->n; i++) {
		const struct cfg_value *v = &d->config->v[i];

		if (v->state != CFG_TOO_SHORT)
			continue;
		err_add(&d->errors, ERR_MALFORMED, 0, d->char_device, "VHOST_VDPA_GET_CONFIG", NULL,
			"config space is %zu bytes but field '%s' (offset %u, %u bytes) lies "
			"beyond it although its feature is offered",
			d->config_len, v->field->key, v->field->off, v->field->size);
	}
}

int collect_device(struct vdpa_device *d, int fd)
{
	int rc = 0;

	rc = worst(rc, query(d, fd, VQ_DEVICE_ID, &d->device_id, "virtio_device_id"));
	if (d->device_id.valid)
		d->cls = class_from_device_id((uint32_t)d->device_id.v);
	rc = worst(rc, query(d, fd, VQ_BACKEND_FEATURES, &d->backend_features, "backend_features"));
	rc = worst(rc, query(d, fd, VQ_FEATURES, &d->device_features, "device_features"));
	rc = worst(rc, query(d, fd, VQ_STATUS, &d->status, "status"));
	rc = worst(rc, query(d, fd, VQ_VRING_NUM, &d->max_vring_size, "limits.max_vring_size"));
	rc = worst(rc, query(d, fd, VQ_VQS_COUNT, &d->vq_count, "limits.vq_count"));
	rc = worst(rc, query(d, fd, VQ_CONFIG_SIZE, &d->config_size, "limits.config_size"));
	rc = worst(rc, query(d, fd, VQ_AS_NUM, &d->address_spaces, "limits.address_spaces"));
	rc = worst(rc, query(d, fd, VQ_GROUP_NUM, &d->groups, "limits.groups"));
	if (!vd_signal) {
		int e = vhost_get_iova_range(fd, &d->iova_first.v, &d->iova_last.v);

		d->iova_first.valid = d->iova_last.valid = e == 0;
		if (e)
			rc = worst(rc, query_failed(d, -e, "VHOST_VDPA_GET_IOVA_RANGE",
						    "limits.iova_range"));
		else if (d->iova_first.v > d->iova_last.v)
			err_add(&d->errors, ERR_MALFORMED, 0, d->char_device,
				"VHOST_VDPA_GET_IOVA_RANGE", NULL,
				"the kernel reported an empty IOVA range (first > last)");
	}
	if (!vd_signal)
		collect_config(d, fd);
	if (vd_signal)
		rc = signals_exit_code();
	d->opened = true;
	return rc;
}
