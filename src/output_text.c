// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output_text.c - human output. Same content whether or not stdout is a TTY; only colour differs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "output.h"
#include "table.h"
#include "util.h"

#define LABEL_W 22
#define WRAP_COL 100

struct pen {
	FILE *out;
	bool color;
};

static const char *col(const struct pen *p, const char *code)
{
	return p->color ? code : "";
}
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RED "\033[31m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

static void label_w(const struct pen *p, int indent, const char *l, int width)
{
	int w = width - indent;

	int pad = w - (int)strlen(l) - 1;

	fprintf(p->out, "%*s%s:%*s", indent, "", l, pad > 0 ? pad : 1, "");
}

static void label(const struct pen *p, int indent, const char *l)
{
	label_w(p, indent, l, LABEL_W);
}

/* config field names are the JSON keys, some long: their own, wider column */
#define CFG_LABEL_W 38

/* Print words wrapped at WRAP_COL, continuation lines aligned under the value column. */
static void words(const struct pen *p, const struct decoded_mask *m, bool with_unknown)
{
	int colpos = LABEL_W;
	size_t shown = 0;

	for (size_t i = 0; i < m->n_feat + (with_unknown ? m->n_unknown : 0); i++) {
		char buf[32];
		int len;

		if (i < m->n_feat)
			snprintf(buf, sizeof(buf), "%s", m->feat[i]->name);
		else
			snprintf(buf, sizeof(buf), "bit%u", m->unknown[i - m->n_feat]);
		len = (int)strlen(buf);
		if (shown && colpos + 1 + len > WRAP_COL) {
			fprintf(p->out, "\n%*s", LABEL_W, "");
			colpos = LABEL_W;
		} else if (shown) {
			fputc(' ', p->out);
			colpos++;
		}
		fputs(buf, p->out);
		colpos += len;
		shown++;
	}
	if (!shown)
		fputs("(none)", p->out);
	fputc('\n', p->out);
}

static void unavailable(const struct pen *p, const struct vdpa_device *d, const char *field)
{
	for (size_t i = 0; i < d->errors.n; i++) {
		const struct vd_error *e = &d->errors.v[i];

		if (e->field && !strcmp(e->field, field)) {
			fprintf(p->out, "unavailable: %s\n", esc(e->message));
			return;
		}
	}
	fputs("unavailable\n", p->out);
}

static void u64_line(const struct pen *p, const struct vdpa_device *d, int indent, const char *l,
		     const struct opt_u64 *v, const char *field, const char *unit)
{
	label(p, indent, l);
	if (v->valid)
		fprintf(p->out, "%" PRIu64 "%s\n", v->v, unit);
	else
		unavailable(p, d, field);
}

static void print_config(const struct pen *p, const struct vdpa_device *d, bool verbose)
{
	char title[32];

	snprintf(title, sizeof(title), "config (%s)", class_name(d->cls));
	label(p, 2, title);
	if (!d->config_valid) {
		unavailable(p, d, "config");
		return;
	}
	fprintf(p->out, "%zu bytes read\n", d->config_len);
	if (verbose) {
		label(p, 4, "raw");
		for (size_t i = 0; i < d->config_len; i++)
			fprintf(p->out, "%02x%s", d->config_raw[i],
				(i + 1) % 32 == 0 && i + 1 < d->config_len
					? "\n                      "
					: "");
		fputc('\n', p->out);
	}
	for (size_t i = 0; d->config && i < d->config->n; i++) {
		const struct cfg_value *v = &d->config->v[i];
		struct decoded_mask m;
		enum feat_ns ns = NS_NET_STATUS;

		label_w(p, 4, v->field->key, CFG_LABEL_W);
		if (v->state == CFG_NOT_OFFERED) {
			fprintf(p->out, "- (%s not offered)\n",
				cfg_need_name(v->field) ? cfg_need_name(v->field) : "feature");
			continue;
		}
		if (v->state == CFG_TOO_SHORT) {
			fputs("unavailable: config space too short\n", p->out);
			continue;
		}
		switch (v->field->fmt) {
		case CFG_MAC:
			fprintf(p->out, "%02x:%02x:%02x:%02x:%02x:%02x\n", v->mac[0], v->mac[1],
				v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
			break;
		case CFG_FLAGS:
			decode_mask(v->v, &ns, 1, &m);
			fprintf(p->out, "0x%04" PRIx64 " ", v->v);
			words(p, &m, true);
			break;
		case CFG_DUPLEX:
			fprintf(p->out, "%s\n",
				v->v == 1   ? "full"
				: v->v == 0 ? "half"
					    : "unknown");
			break;
		case CFG_SPEED:
			if (v->v == UINT32_MAX)
				fputs("unknown\n", p->out);
			else
				fprintf(p->out, "%" PRIu64 " Mbit/s\n", v->v);
			break;
		default:
			fprintf(p->out, "%" PRIu64 "\n", v->v);
			break;
		}
	}
}

/* A VDUSE device's daemon: "running: pid 3100 (dpdk-testpmd); msg_timeout 30 s" */
static void print_vduse(const struct pen *p, const struct vduse_info *v)
{
	if (!v->present)
		return;
	label(p, 2, "VDUSE daemon");
	if (v->daemon == VDUSE_NOT_CHECKED)
		fputs("not looked for", p->out);
	else
		fputs(vduse_daemon_name(v->daemon), p->out);
	for (size_t i = 0; i < v->holders.n; i++)
		fprintf(p->out, "%s pid %d (%s, state %c)", i ? "," : ":", v->holders.procs[i].pid,
			v->holders.procs[i].comm ? esc(v->holders.procs[i].comm) : "?",
			v->states ? v->states[i] : '?');
	if (v->msg_timeout >= 0)
		fprintf(p->out, "; msg_timeout %ld s\n", v->msg_timeout);
	else
		fputs("; msg_timeout unknown\n", p->out);
}

static void print_identity(const struct pen *p, const struct vdpa_device *d)
{
	if (d->discovered) {
		label(p, 2, "vdpa device");
		fprintf(p->out, "%s\n", esc(d->vdpa_device));
		label(p, 2, "mgmtdev");
		fprintf(p->out, "%s\n",
			d->mgmtdev ? esc(d->mgmtdev) : "- (unknown: no vdpa netlink family)");
		label(p, 2, "parent");
		if (d->parent_id)
			fprintf(p->out, "%s %s (driver %s)\n",
				d->parent_bus ? esc(d->parent_bus) : "?", esc(d->parent_id),
				d->parent_driver ? esc(d->parent_driver) : "none");
		else
			fputs("- (no parent device)\n", p->out);
	}
	print_vduse(p, &d->vduse);
	label(p, 2, "class");
	if (d->device_id.valid)
		fprintf(p->out, "%s (virtio device id %" PRIu64 ")\n", class_name(d->cls),
			d->device_id.v);
	else
		unavailable(p, d, "virtio_device_id");
}

static void print_backend(const struct pen *p, const struct vdpa_device *d)
{
	struct decoded_mask m;
	enum feat_ns ns = NS_BACKEND;
	bool persist = d->backend_features.v & (UINT64_C(1) << VHOST_BACKEND_F_IOTLB_PERSIST);

	label(p, 2, "backend features");
	if (!d->backend_features.valid) {
		unavailable(p, d, "backend_features");
		return;
	}
	fprintf(p->out, "0x%016" PRIx64 "\n", d->backend_features.v);
	fprintf(p->out, "%*s", LABEL_W, "");
	decode_mask(d->backend_features.v, &ns, 1, &m);
	words(p, &m, true);
	label(p, 2, "IOTLB_PERSIST");
	if (persist)
		fprintf(p->out,
			"%syes%s: kernel and parent driver promise that IOTLB mappings survive a "
			"reset\n",
			col(p, GREEN), col(p, RESET));
	else
		fprintf(p->out, "%sno%s: mappings are not promised to survive a reset\n",
			col(p, YELLOW), col(p, RESET));
}

static void print_device_features(const struct pen *p, const struct vdpa_device *d)
{
	enum feat_ns tns = NS_TRANSPORT, ns;
	int cns = class_feature_ns(d->cls);
	struct decoded_mask m, all;

	label(p, 2, "device features");
	if (!d->device_features.valid) {
		unavailable(p, d, "device_features");
		return;
	}
	fprintf(p->out, "0x%016" PRIx64 "\n", d->device_features.v);
	decode_mask(d->device_features.v, &tns, 1, &m);
	label(p, 4, "transport");
	words(p, &m, false);
	if (cns >= 0) {
		ns = (enum feat_ns)cns;
		decode_mask(d->device_features.v, &ns, 1, &m);
		label(p, 4, class_name(d->cls));
		words(p, &m, false);
	}
	decode_device_features(d->device_features.v, d->cls, &all);
	if (all.n_unknown) {
		all.n_feat = 0;
		label(p, 4, "unknown bits");
		words(p, &all, true);
	}
}

static void print_status_limits(const struct pen *p, const struct vdpa_device *d)
{
	struct decoded_mask m;
	enum feat_ns ns = NS_STATUS;

	label(p, 2, "status");
	if (d->status.valid) {
		decode_mask(d->status.v, &ns, 1, &m);
		fprintf(p->out, "0x%02" PRIx64 " ", d->status.v);
		if (d->status.v == 0)
			fputs("(reset)\n", p->out);
		else
			words(p, &m, true);
	} else {
		unavailable(p, d, "status");
	}
	u64_line(p, d, 2, "max vring size", &d->max_vring_size, "limits.max_vring_size", "");
	u64_line(p, d, 2, "virtqueues", &d->vq_count, "limits.vq_count", "");
	u64_line(p, d, 2, "address spaces", &d->address_spaces, "limits.address_spaces", "");
	u64_line(p, d, 2, "vq groups", &d->groups, "limits.groups", "");
	u64_line(p, d, 2, "config size", &d->config_size, "limits.config_size", " bytes");
	label(p, 2, "IOVA range");
	if (d->iova_first.valid)
		fprintf(p->out, "0x%016" PRIx64 "-0x%016" PRIx64 "\n", d->iova_first.v,
			d->iova_last.v);
	else
		unavailable(p, d, "limits.iova_range");
}

static void print_device(const struct pen *p, const struct vdpa_device *d, bool verbose)
{
	fprintf(p->out, "%s%s%s", col(p, BOLD), esc(d->char_device), col(p, RESET));
	if (d->vdpa_device)
		fprintf(p->out, " (%s)", esc(d->vdpa_device));
	fputc('\n', p->out);
	if (!d->opened) {
		for (size_t i = 0; i < d->errors.n; i++) {
			const struct vd_error *e = &d->errors.v[i];

			label(p, 2, "error");
			fprintf(p->out, "%s%s%s%s\n", col(p, RED), e->op ? esc(e->op) : "",
				e->op ? ": " : "", esc(e->message));
			fputs(col(p, RESET), p->out);
		}
		return;
	}
	print_identity(p, d);
	print_backend(p, d);
	print_device_features(p, d);
	print_status_limits(p, d);
	print_config(p, d, verbose);
}

/* list, check and features: a table of the run's rows, with the columns -o chose */
static void print_table(const struct pen *p, const struct opts *o, const void *const *rows,
			size_t n)
{
	const struct table_fmt f = { o->noheadings, o->raw, p->color };

	table_print(p->out, o->table, &o->cols, rows, n, &f);
}

static void print_features(const struct pen *p, const struct run *r, const struct opts *o)
{
	const void **rows = xcalloc(feature_table_len, sizeof(*rows));
	size_t n = 0;

	for (size_t i = 0; i < feature_table_len; i++)
		if (r->ns_filter & (UINT64_C(1) << feature_table[i].ns))
			rows[n++] = &feature_table[i];
	print_table(p, o, rows, n);
	free(rows);
}

static void print_devices_table(const struct pen *p, const struct run *r, const struct opts *o)
{
	const void **rows = xcalloc(r->n_dev, sizeof(*rows));

	for (size_t i = 0; i < r->n_dev; i++)
		rows[i] = &r->dev[i];
	print_table(p, o, rows, r->n_dev);
	free(rows);
}

static const char *verdict_color(const struct pen *p, enum verdict_status s)
{
	return col(p, s == VS_TRUSTED ? GREEN : s == VS_UNTRUSTED ? RED : YELLOW);
}

/* "trusted (verified)", or "unknown (not evaluated)" for a device without a verdict. */
static void status_basis(const struct pen *p, const struct vdpa_device *d)
{
	const struct verdict *v = &d->verdict;

	if (!v->status) {
		fprintf(p->out, "%sunknown%s (not evaluated)", col(p, YELLOW), col(p, RESET));
		return;
	}
	fprintf(p->out, "%s%s%s (%s)", verdict_color(p, v->status), verdict_status_name(v->status),
		col(p, RESET), verdict_basis_name(v->basis));
}

/* The reason of the verdict; for a device without one, why there is none. */
static const char *reason(const struct vdpa_device *d)
{
	if (d->verdict.status)
		return d->verdict.reason;
	return d->interrupted ? "interrupted before its evaluation finished: no verdict"
			      : "not evaluated";
}

static void print_evidence(const struct pen *p, const struct vdpa_device *d)
{
	bool first = true;

	for (int i = 0; d->vin && i < CHK_COUNT; i++) {
		const struct check_result *c = &d->vin->checks[i];

		if (c->state == CS_NOT_RUN)
			continue;
		if (first)
			label(p, 2, "evidence");
		else
			fprintf(p->out, "%*s", LABEL_W, "");
		first = false;
		fprintf(p->out, "%-25s %-7s %s\n", check_table[i].key, check_state_name(c->state),
			esc(c->detail));
	}
}

/* Steps that could not run or failed: shown without -v (the errors say why). */
static void print_incomplete(const struct pen *p, const struct vdpa_device *d)
{
	bool first = true;

	for (size_t i = 0; i < d->errors.n; i++) {
		const struct vd_error *e = &d->errors.v[i];

		if (e->code != ERR_INCOMPLETE || strstr(reason(d), e->message))
			continue;
		if (first)
			label(p, 2, "not established");
		else
			fprintf(p->out, "%*s", LABEL_W, "");
		first = false;
		fprintf(p->out, "%s: %s\n", e->op ? esc(e->op) : "?", esc(e->message));
	}
}

static void print_probes(const struct pen *p, const struct vdpa_device *d)
{
	for (size_t i = 0; i < d->n_probes; i++) {
		const struct probe_record *pr = &d->probes[i];

		if (i == 0)
			label(p, 2, "probes");
		else
			fprintf(p->out, "%*s", LABEL_W, "");
		fprintf(p->out, "%-29s %-11s %6llu us %-10s %s\n", step_key(pr->step),
			probe_status_name(pr->status), (unsigned long long)pr->duration_us,
			pr->errnum ? (errno_name(pr->errnum) ? errno_name(pr->errnum) : "?") : "",
			esc(pr->detail));
	}
}

static void print_verdict(const struct pen *p, const struct vdpa_device *d, bool verbose)
{
	fprintf(p->out, "%s%s%s: ", col(p, BOLD), esc(d->char_device), col(p, RESET));
	status_basis(p, d);
	fputc('\n', p->out);
	label(p, 2, "reason");
	fprintf(p->out, "%s\n", esc(reason(d)));
	if (d->verdict.status)
		print_evidence(p, d);
	print_incomplete(p, d);
	if (d->verdict.status) {
		label(p, 2, "remedy");
		fprintf(p->out, "%s\n", d->verdict.remedy);
	}
	/* a finding of its own, with its own remedy (the verdict's is about persistence) */
	if (d->verdict.status && d->vin->checks[CHK_MAPPINGS_DROPPED_ON_CLOSE].state == CS_FAIL) {
		label(p, 2, "finding");
		fprintf(p->out, "%s\n", check_table[CHK_MAPPINGS_DROPPED_ON_CLOSE].remedy);
	}
	if (!verbose)
		return;
	print_probes(p, d);
	fputc('\n', p->out);
	print_device(p, d, verbose);
}

static void print_evaluation(const struct pen *p, const struct run *r, bool verbose)
{
	const struct summary *s = &r->summary;

	for (size_t i = 0; i < r->n_dev; i++) {
		if (i)
			fputc('\n', p->out);
		print_verdict(p, &r->dev[i], verbose);
	}
	if (r->n_dev > 1 && !r->gate_lines)
		fprintf(p->out, "\n%zu devices: %zu trusted, %zu untrusted, %zu unknown\n",
			s->devices, s->trusted, s->untrusted, s->unknown);
}

static void render(FILE *out, const struct run *r, const struct opts *o);

void output_text(FILE *out, const struct run *r, const struct opts *o)
{
	render(out, r, o);
	esc_release();
}

static void render(FILE *out, const struct run *r, const struct opts *o)
{
	struct pen p = { out, o->use_color };

	if (o->quiet)
		return;
	if (r->features_catalogue) {
		print_features(&p, r, o);
		return;
	}
	/* list and check: a table (an empty host is said on stderr, the table stays parsable) */
	if (r->listing || r->gate_lines) {
		print_devices_table(&p, r, o);
		return;
	}
	if (r->evaluates) {
		print_evaluation(&p, r, o->verbose);
		return;
	}
	/* a single device that failed is reported on stderr only */
	if (r->n_dev == 1 && !r->dev[0].opened)
		return;
	for (size_t i = 0; i < r->n_dev; i++) {
		if (i)
			fputc('\n', out);
		print_device(&p, &r->dev[i], o->verbose);
	}
	if (r->n_dev > 1)
		fprintf(out, "\n%zu devices: %zu shown, %zu failed\n", r->summary.devices,
			r->summary.succeeded, r->summary.failed);
}
