// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output_prom.c - the Prometheus text exposition format (version 0.0.4) of a run, for the node
 * exporter's textfile collector: one table of metric families, each with HELP and TYPE; names
 * and units by the Prometheus conventions (vdpactl_ prefix, _info with labels, state sets as one
 * series per state, _seconds, _timestamp_seconds).
 */
#include "output_prom.h"

#include <inttypes.h>
#include <string.h>

#include "compat.h"
#include "util.h"

/* A label value: backslash, double quote and newline escaped; control characters (C0, DEL,
 * C1) and bytes that are not UTF-8 replaced by U+FFFD, so the file is always valid text. */
static void label_value(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		size_t n = utf8_seq_len(p);

		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p < 0x20 || *p == 0x7f || !n || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0))
			fputs("\xef\xbf\xbd", f); /* C0, DEL, C1 (8-bit CSI) and non-UTF-8 */
		else
			fwrite(p, 1, n, f);
		p += n ? n : 1;
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{device="..."[,key="value"]} value */
static void dev_sample(FILE *f, const char *name, const struct vdpa_device *d, const char *key,
		       const char *val, double v)
{
	fprintf(f, "%s{device=\"", name);
	label_value(f, d->name);
	if (key) {
		fprintf(f, "\",%s=\"", key);
		label_value(f, val);
	}
	fprintf(f, "\"} %.17g\n", v);
}

static void m_device_info(FILE *f, const struct run *r)
{
	family(f, "vdpactl_device_info", "gauge",
	       "A vDPA device: its node, class, management device and drivers (value 1).");
	for (size_t i = 0; i < r->n_dev; i++) {
		const struct vdpa_device *d = &r->dev[i];
		const char *keys[] = { "char_device", "class", "mgmtdev", "parent_driver",
				       "bound_driver" };
		const char *vals[] = { d->char_device, d->device_id.valid ? class_name(d->cls) : "",
				       d->mgmtdev, d->parent_driver, d->bound_driver };

		fputs("vdpactl_device_info{device=\"", f);
		label_value(f, d->name);
		for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
			fprintf(f, "\",%s=\"", keys[k]);
			label_value(f, vals[k]);
		}
		fputs("\"} 1\n", f);
	}
}

static void m_verdict(FILE *f, const struct run *r)
{
	static const enum verdict_status st[] = { VS_TRUSTED, VS_UNTRUSTED, VS_UNKNOWN };

	family(f, "vdpactl_device_verdict", "gauge",
	       "Can the device be trusted to keep IOTLB mappings across a reset: a state set "
	       "(trusted, untrusted, unknown); a device without a verdict is unknown.");
	for (size_t i = 0; i < r->n_dev; i++)
		for (size_t k = 0; k < ARRAY_SIZE(st); k++) {
			enum verdict_status s =
				r->dev[i].verdict.status ? r->dev[i].verdict.status : VS_UNKNOWN;

			dev_sample(f, "vdpactl_device_verdict", &r->dev[i], "verdict",
				   verdict_status_name(st[k]), s == st[k]);
		}
}

static void m_basis(FILE *f, const struct run *r)
{
	static const enum verdict_basis b[] = { VB_PREDICTED, VB_ADVERTISED, VB_PROBED,
						VB_VERIFIED };

	family(f, "vdpactl_device_verdict_basis", "gauge",
	       "What the verdict rests on: a state set (predicted from the table of parent "
	       "drivers, advertised, probed, verified); all 0 without a verdict.");
	for (size_t i = 0; i < r->n_dev; i++)
		for (size_t k = 0; k < ARRAY_SIZE(b); k++)
			dev_sample(f, "vdpactl_device_verdict_basis", &r->dev[i], "basis",
				   verdict_basis_name(b[k]),
				   r->dev[i].verdict.status && r->dev[i].verdict.basis == b[k]);
}

static void m_advertised(FILE *f, const struct run *r)
{
	family(f, "vdpactl_device_iotlb_persist_advertised", "gauge",
	       "1 if VHOST_GET_BACKEND_FEATURES offers IOTLB_PERSIST, 0 if not; absent when the "
	       "device was not opened (list) or could not be read (busy).");
	for (size_t i = 0; i < r->n_dev; i++) {
		const struct vdpa_device *d = &r->dev[i];

		if (d->backend_features.valid)
			dev_sample(f, "vdpactl_device_iotlb_persist_advertised", d, NULL, NULL,
				   !!(d->backend_features.v &
				      (UINT64_C(1) << VHOST_BACKEND_F_IOTLB_PERSIST)));
	}
}

static bool has_error(const struct vdpa_device *d, enum err_code c)
{
	for (size_t i = 0; i < d->errors.n; i++)
		if (d->errors.v[i].code == c)
			return true;
	return false;
}

static void m_busy_errors(FILE *f, const struct run *r)
{
	family(f, "vdpactl_device_busy", "gauge",
	       "1 if another process (a VMM) held the device, which was then left alone: busy, "
	       "never \"not persistent\".");
	for (size_t i = 0; i < r->n_dev; i++)
		dev_sample(f, "vdpactl_device_busy", &r->dev[i], NULL, NULL,
			   has_error(&r->dev[i], ERR_BUSY));
	family(f, "vdpactl_device_errors", "gauge",
	       "Error records of the device in this run (the JSON document's errors[] says what).");
	for (size_t i = 0; i < r->n_dev; i++)
		dev_sample(f, "vdpactl_device_errors", &r->dev[i], NULL, NULL,
			   (double)r->dev[i].errors.n);
}

/* "free", "held" or "unknown": what is established about the holder of a device with a node */
static const char *holder_state(const struct vdpa_device *d)
{
	if (d->holder.checked)
		return d->holder.status == HOLDER_HELD	 ? "held"
		       : d->holder.status == HOLDER_FREE ? "free"
							 : "unknown";
	return d->opened ? "free" : "unknown"; /* opened: nobody else had it (exclusive open) */
}

static void m_holder(FILE *f, const struct run *r)
{
	static const char *const states[] = { "free", "held", "unknown" };

	family(f, "vdpactl_device_holder", "gauge",
	       "Who has the device node open: a state set (free, held, unknown: /proc could not "
	       "tell, never counted as free); devices with a node only.");
	for (size_t i = 0; i < r->n_dev; i++)
		for (size_t k = 0; r->dev[i].has_devt && k < ARRAY_SIZE(states); k++)
			dev_sample(f, "vdpactl_device_holder", &r->dev[i], "state", states[k],
				   !strcmp(holder_state(&r->dev[i]), states[k]));
	family(f, "vdpactl_device_holder_info", "gauge",
	       "A process that holds the device (value 1): pid, command name and, for QEMU, the "
	       "VM name of -name guest=NAME (empty if none).");
	for (size_t i = 0; i < r->n_dev; i++) {
		const struct holder_info *h = &r->dev[i].holder;

		for (size_t k = 0; h->checked && k < h->n; k++) {
			fputs("vdpactl_device_holder_info{device=\"", f);
			label_value(f, r->dev[i].name);
			fprintf(f, "\",pid=\"%d\",comm=\"", h->procs[k].pid);
			label_value(f, h->procs[k].comm);
			fputs("\",vm=\"", f);
			label_value(f, h->procs[k].vm);
			fputs("\"} 1\n", f);
		}
	}
}

static void m_run(FILE *f, const struct run *r, const struct metrics_run *m)
{
	const struct host_info *h = &r->host;

	family(f, "vdpactl_build_info", "gauge", "The vdpactl that wrote these metrics (value 1).");
	fputs("vdpactl_build_info{version=\"", f);
	label_value(f, m->version);
	fputs("\"} 1\n", f);
	family(f, "vdpactl_host_info", "gauge", "The host these metrics describe (value 1).");
	fputs("vdpactl_host_info{hostname=\"", f);
	label_value(f, h->hostname);
	fputs("\",machine_id=\"", f);
	label_value(f, h->machine_id);
	fputs("\",boot_id=\"", f);
	label_value(f, h->boot_id);
	fputs("\",kernel_release=\"", f);
	label_value(f, h->kernel_release);
	fputs("\",machine=\"", f);
	label_value(f, h->machine);
	fputs("\"} 1\n", f);
	family(f, "vdpactl_run_info", "gauge",
	       "How the data was gathered: source list (no device opened), show (opened "
	       "read-only) or probe (value 1).");
	fprintf(f, "vdpactl_run_info{source=\"%s\"} 1\n", m->source);
	family(f, "vdpactl_last_run_timestamp_seconds", "gauge",
	       "When the run that wrote these metrics started (Unix time).");
	fprintf(f, "vdpactl_last_run_timestamp_seconds %.3f\n", m->start_unix);
	family(f, "vdpactl_run_duration_seconds", "gauge", "How long the run took.");
	fprintf(f, "vdpactl_run_duration_seconds %.6f\n", m->duration_s);
	family(f, "vdpactl_run_exit_code", "gauge",
	       "The exit code the same run of list, check or probe would have (vdpactl(8)).");
	fprintf(f, "vdpactl_run_exit_code %d\n", m->exit_code);
	family(f, "vdpactl_run_complete", "gauge",
	       "1 if nothing was skipped, failed or unreadable in the run (JSON \"complete\").");
	fprintf(f, "vdpactl_run_complete %d\n", m->complete);
	family(f, "vdpactl_devices", "gauge", "vDPA devices found.");
	fprintf(f, "vdpactl_devices %zu\n", r->n_dev);
}

void output_prom(FILE *f, const struct run *r, const struct metrics_run *m)
{
	m_run(f, r, m);
	m_device_info(f, r);
	m_verdict(f, r);
	m_basis(f, r);
	m_advertised(f, r);
	m_busy_errors(f, r);
	m_holder(f, r);
}
