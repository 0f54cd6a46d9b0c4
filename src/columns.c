// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * columns.c - the columns of the text tables: list (one row per vDPA device), check (one row
 * per vhost-vdpa device) and features (one row per feature bit). Headers are one word each, as
 * lsblk's, so that awk and cut can take any field.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "feature_bits.h"
#include "holder.h"
#include "model.h"
#include "table.h"

#define DEV(row) ((const struct vdpa_device *)(row))
#define FEAT(row) ((const struct feature_desc *)(row))
#define UNUSED_BUF (void)buf, (void)len

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

static const char *verdict_colour(enum verdict_status s)
{
	return s == VS_TRUSTED ? "green" : s == VS_UNTRUSTED ? "red" : "yellow";
}

/* list */

static const char *c_name(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return or_dash(DEV(row)->name);
}

static const char *c_class(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return DEV(row)->device_id.valid ? class_name(DEV(row)->cls) : "-";
}

static const char *c_mgmtdev(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return or_dash(DEV(row)->mgmtdev);
}

static const char *c_parent(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return or_dash(DEV(row)->parent_driver);
}

static const char *c_parent_dev(const void *row, char *buf, size_t len)
{
	const struct vdpa_device *d = DEV(row);

	if (!d->parent_id)
		return "-";
	snprintf(buf, len, "%s:%s", d->parent_bus ? d->parent_bus : "?", d->parent_id);
	return buf;
}

static const char *c_bound(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return or_dash(DEV(row)->bound_driver);
}

static const char *c_char_device(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return or_dash(DEV(row)->char_device);
}

/* who has the node open: "PID COMM (VM)", "-" when free or not looked up, "?" when unknown */
static const char *c_holder(const void *row, char *buf, size_t len)
{
	return holder_cell(DEV(row), buf, len);
}

static const char *c_max_vqs(const void *row, char *buf, size_t len)
{
	if (!DEV(row)->nl.has_max_vqs)
		return "-";
	snprintf(buf, len, "%u", DEV(row)->nl.max_vqs);
	return buf;
}

static const char *c_max_vq_size(const void *row, char *buf, size_t len)
{
	if (!DEV(row)->nl.has_max_vq_size)
		return "-";
	snprintf(buf, len, "%u", DEV(row)->nl.max_vq_size);
	return buf;
}

static const char *c_verdict(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	/* a device without a verdict (not evaluated, interrupted) is unknown, never blank */
	return DEV(row)->verdict.status ? verdict_status_name(DEV(row)->verdict.status) : "unknown";
}

static const char *k_verdict(const void *row)
{
	return verdict_colour(DEV(row)->verdict.status);
}

static const char *c_basis(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return DEV(row)->verdict.status ? verdict_basis_name(DEV(row)->verdict.basis) : "-";
}

static const char *c_reason(const void *row, char *buf, size_t len)
{
	const struct vdpa_device *d = DEV(row);

	UNUSED_BUF;
	if (d->verdict.status)
		return d->verdict.reason;
	return d->interrupted ? "interrupted before its evaluation finished: no verdict"
			      : "not evaluated";
}

static const struct table_col list_cols[] = {
	{ "NAME", "vdpa device name", TC_DEFAULT, c_name, NULL },
	{ "CLASS", "virtio class: net, block, ...", TC_DEFAULT, c_class, NULL },
	{ "MGMTDEV", "management device", TC_DEFAULT, c_mgmtdev, NULL },
	{ "PARENT", "parent device's driver", TC_DEFAULT, c_parent, NULL },
	{ "PARENT-DEV", "parent device, BUS:ID", 0, c_parent_dev, NULL },
	{ "BOUND", "vdpa bus driver: vhost_vdpa, virtio_vdpa", TC_DEFAULT, c_bound, NULL },
	{ "CHAR-DEVICE", "vhost-vdpa node", TC_DEFAULT, c_char_device, NULL },
	{ "MAX-VQS", "max virtqueues", TC_DEFAULT | TC_RIGHT, c_max_vqs, NULL },
	{ "MAX-VQ-SIZE", "max virtqueue size", TC_DEFAULT | TC_RIGHT, c_max_vq_size, NULL },
	{ "PREDICTED", "verdict predicted for the running kernel", TC_DEFAULT, c_verdict,
	  k_verdict },
	{ "HOLDER", "who has the node open: PID COMM (VM); ? unknown", TC_DEFAULT, c_holder, NULL },
	{ "REASON", "why the prediction is what it is", 0, c_reason, NULL },
};

/* check */

static const char *c_result(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return DEV(row)->exit_code == 0 ? "pass" : "fail";
}

static const char *k_result(const void *row)
{
	return DEV(row)->exit_code == 0 ? "green" : "red";
}

/* Required features not offered: their names, "-" when none is missing, "?" when unknown. */
static const char *c_missing(const void *row, char *buf, size_t len)
{
	const struct vdpa_device *d = DEV(row);
	size_t n = 0;

	if (!d->required)
		return "-";
	if (!d->required_missing)
		return d->vin && d->vin->identified ? "-" : "?";
	buf[0] = '\0';
	for (size_t i = 0; i < feature_table_len && n < len; i++) {
		const struct feature_desc *f = &feature_table[i];

		if (f->ns == NS_BACKEND && (d->required_missing & (UINT64_C(1) << f->bit)))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "", f->name);
	}
	return buf;
}

static const char *c_exit(const void *row, char *buf, size_t len)
{
	snprintf(buf, len, "%d", DEV(row)->exit_code);
	return buf;
}

static const struct table_col check_cols[] = {
	{ "DEVICE", "vhost-vdpa node", TC_DEFAULT, c_char_device, NULL },
	{ "NAME", "vdpa device name", 0, c_name, NULL },
	{ "PARENT", "parent device's driver", 0, c_parent, NULL },
	{ "RESULT", "pass or fail (exit 0 or not)", TC_GATE, c_result, k_result },
	{ "MISSING", "required features not offered", TC_GATE, c_missing, NULL },
	{ "VERDICT", "trusted, untrusted or unknown", TC_DEFAULT, c_verdict, k_verdict },
	{ "BASIS", "predicted, advertised, probed, verified", TC_DEFAULT, c_basis, NULL },
	{ "EXIT", "the device's own exit code", 0, c_exit, NULL },
	{ "HOLDER", "who holds a busy node: PID COMM (VM); - not busy", 0, c_holder, NULL },
	{ "REASON", "why, with what was observed", TC_DEFAULT, c_reason, NULL },
};

/* features */

static const char *c_ns(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return feat_ns_name(FEAT(row)->ns);
}

static const char *c_bit(const void *row, char *buf, size_t len)
{
	snprintf(buf, len, "%u", FEAT(row)->bit);
	return buf;
}

static const char *c_fname(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return FEAT(row)->name;
}

static const char *c_since(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return FEAT(row)->since;
}

static const char *c_meaning(const void *row, char *buf, size_t len)
{
	UNUSED_BUF;
	return FEAT(row)->meaning;
}

static const struct table_col feature_cols[] = {
	{ "NAMESPACE", "backend, transport, net, block, status, net_status", TC_DEFAULT, c_ns,
	  NULL },
	{ "BIT", "bit number", TC_DEFAULT | TC_RIGHT, c_bit, NULL },
	{ "NAME", "UAPI name without its prefix", TC_DEFAULT, c_fname, NULL },
	{ "SINCE", "mainline release that added it", TC_DEFAULT, c_since, NULL },
	{ "MEANING", "what it means", TC_DEFAULT, c_meaning, NULL },
};

static const struct table_spec specs[] = {
	{ "list", list_cols, sizeof(list_cols) / sizeof(list_cols[0]) },
	{ "check", check_cols, sizeof(check_cols) / sizeof(check_cols[0]) },
	{ "features", feature_cols, sizeof(feature_cols) / sizeof(feature_cols[0]) },
};

const struct table_spec *table_for_command(const char *command)
{
	for (size_t i = 0; command && i < sizeof(specs) / sizeof(specs[0]); i++)
		if (!strcmp(specs[i].command, command))
			return &specs[i];
	return NULL;
}
