// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * output_json.c - the JSON document (schema in vdpactl.schema.json).
 * One document per run; fields are never omitted: unknown values are null.
 */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "keys.h"
#include "output.h"
#include "util.h"

/*
 * Every JSON string: valid UTF-8 always (json-c copies bytes as they are). A byte that is not
 * UTF-8 (a name from the kernel or the command line) becomes U+FFFD; json-c escapes control
 * characters itself.
 */
static json_object *jstr(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	json_object *o;
	char *clean;
	size_t n;

	while (*p && (n = utf8_seq_len(p)))
		p += n;
	if (!*p)
		return json_object_new_string(s);
	clean = utf8_sanitize(s);
	o = json_object_new_string(clean);
	free(clean);
	return o;
}

static json_object *hex(uint64_t v, unsigned digits)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%0*" PRIx64, (int)digits, v);
	return jstr(buf);
}

static json_object *str_or_null(const char *s)
{
	return s ? jstr(s) : NULL;
}

static json_object *str_or_empty_null(const char *s)
{
	return s[0] ? jstr(s) : NULL;
}

static json_object *u64_or_null(const struct opt_u64 *v)
{
	return v->valid ? json_object_new_uint64(v->v) : NULL;
}

static json_object *mask_object(const struct decoded_mask *m, uint64_t raw, unsigned digits)
{
	json_object *o = json_object_new_object();
	json_object *names = json_object_new_array();
	json_object *unknown = json_object_new_array();

	json_object_object_add(o, K_RAW, hex(raw, digits));
	for (size_t i = 0; i < m->n_feat; i++)
		json_object_array_add(names, jstr(m->feat[i]->name));
	for (size_t i = 0; i < m->n_unknown; i++)
		json_object_array_add(unknown, json_object_new_int((int)m->unknown[i]));
	json_object_object_add(o, K_NAMES, names);
	json_object_object_add(o, K_UNKNOWN_BITS, unknown);
	return o;
}

static json_object *ns_mask(uint64_t raw, enum feat_ns ns, unsigned digits)
{
	struct decoded_mask m;

	decode_mask(raw, &ns, 1, &m);
	return mask_object(&m, raw, digits);
}

static json_object *errors_array(const struct err_list *l)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++) {
		const struct vd_error *e = &l->v[i];
		json_object *o = json_object_new_object();
		const char *en = e->errnum ? errno_name(e->errnum) : NULL;

		json_object_object_add(o, K_CODE, jstr(err_code_name(e->code)));
		json_object_object_add(o, K_ERRNO,
				       e->errnum ? json_object_new_int(e->errnum) : NULL);
		json_object_object_add(o, K_ERRNO_NAME, str_or_null(en));
		json_object_object_add(o, K_OBJECT, str_or_null(e->object));
		json_object_object_add(o, K_OP, str_or_null(e->op));
		json_object_object_add(o, K_FIELD, str_or_null(e->field));
		json_object_object_add(o, K_MESSAGE, jstr(e->message));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *config_object(const struct vdpa_device *d)
{
	json_object *o, *raw;
	char *hexbuf;

	if (!d->config_valid)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, K_CLASS, jstr(class_name(d->cls)));
	json_object_object_add(o, K_BYTES_READ, json_object_new_uint64(d->config_len));
	hexbuf = xmalloc(d->config_len * 2 + 1);
	for (size_t i = 0; i < d->config_len; i++)
		snprintf(hexbuf + 2 * i, 3, "%02x", d->config_raw[i]);
	hexbuf[d->config_len * 2] = '\0';
	raw = jstr(hexbuf);
	free(hexbuf);
	json_object_object_add(o, K_RAW_BYTES, raw);
	for (size_t i = 0; d->config && i < d->config->n; i++) {
		const struct cfg_value *v = &d->config->v[i];
		json_object *val = NULL;
		char mac[18];

		if (v->state == CFG_PRESENT) {
			switch (v->field->fmt) {
			case CFG_MAC:
				snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
					 v->mac[0], v->mac[1], v->mac[2], v->mac[3], v->mac[4],
					 v->mac[5]);
				val = jstr(mac);
				break;
			case CFG_FLAGS:
				val = ns_mask(v->v, NS_NET_STATUS, v->field->size * 2);
				break;
			case CFG_DUPLEX:
				val = jstr(v->v == 1 ? "full" : v->v == 0 ? "half" : "unknown");
				break;
			default:
				val = json_object_new_uint64(v->v);
				break;
			}
		}
		json_object_object_add(o, v->field->key, val);
	}
	return o;
}

static json_object *parent_object(const struct vdpa_device *d)
{
	json_object *o;

	if (!d->parent_id)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, K_BUS, str_or_null(d->parent_bus));
	json_object_object_add(o, K_BUS_ID, str_or_null(d->parent_id));
	json_object_object_add(o, K_DRIVER, str_or_null(d->parent_driver));
	return o;
}

#define OPT(has, v) ((has) ? json_object_new_uint64(v) : NULL)

static json_object *device_mask(uint64_t raw, enum dev_class cls)
{
	struct decoded_mask m;

	decode_device_features(raw, cls, &m);
	return mask_object(&m, raw, 16);
}

static json_object *netlink_config(const struct nl_config *c, enum dev_class cls)
{
	json_object *o;
	char mac[18];

	if (!c->valid)
		return NULL;
	o = json_object_new_object();
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", c->mac[0], c->mac[1], c->mac[2],
		 c->mac[3], c->mac[4], c->mac[5]);
	json_object_object_add(o, K_MAC, c->has_mac ? jstr(mac) : NULL);
	json_object_object_add(o, K_LINK_STATUS,
			       c->has_status ? ns_mask(c->status, NS_NET_STATUS, 4) : NULL);
	json_object_object_add(o, K_MAX_VQ_PAIRS, OPT(c->has_max_vqp, c->max_vqp));
	json_object_object_add(o, K_MTU, OPT(c->has_mtu, c->mtu));
	json_object_object_add(o, K_NEGOTIATED_FEATURES,
			       c->has_negotiated ? device_mask(c->negotiated, cls) : NULL);
	json_object_object_add(o, K_DEVICE_FEATURES,
			       c->has_device_features ? device_mask(c->device_features, cls)
						      : NULL);
	json_object_object_add(o, K_CAPACITY, OPT(c->has_capacity, c->capacity));
	json_object_object_add(o, K_BLK_SIZE, OPT(c->has_blk_size, c->blk_size));
	json_object_object_add(o, K_SIZE_MAX, OPT(c->has_size_max, c->size_max));
	json_object_object_add(o, K_SEG_MAX, OPT(c->has_seg_max, c->seg_max));
	json_object_object_add(o, K_NUM_QUEUES, OPT(c->has_num_queues, c->num_queues));
	json_object_object_add(o, K_READ_ONLY,
			       c->has_read_only ? json_object_new_boolean(c->read_only) : NULL);
	return o;
}

static json_object *vdpa_object(const struct vdpa_device *d)
{
	json_object *o;

	if (!d->discovered && !d->has_nl)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, K_VENDOR_ID, OPT(d->nl.has_vendor, d->nl.vendor_id));
	json_object_object_add(o, K_MAX_VQS, OPT(d->nl.has_max_vqs, d->nl.max_vqs));
	json_object_object_add(o, K_MAX_VQ_SIZE, OPT(d->nl.has_max_vq_size, d->nl.max_vq_size));
	json_object_object_add(o, K_MIN_VQ_SIZE, OPT(d->nl.has_min_vq_size, d->nl.min_vq_size));
	json_object_object_add(o, K_DRIVER_OVERRIDE, str_or_null(d->driver_override));
	json_object_object_add(o, K_NETLINK_CONFIG, netlink_config(&d->nl.config, d->cls));
	return o;
}

/* The one class a management device supports, to decode its features by; else unknown. */
static enum dev_class mgmt_class(const struct nl_mgmtdev *m)
{
	if (!m->has_classes || !m->classes || (m->classes & (m->classes - 1)))
		return CLASS_UNKNOWN;
	for (unsigned id = 0; id < 64; id++)
		if (m->classes & (UINT64_C(1) << id))
			return class_from_device_id(id);
	return CLASS_UNKNOWN;
}

static json_object *mgmtdevs_array(const struct run *r)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < r->n_mgmt; i++) {
		const struct nl_mgmtdev *m = &r->mgmt[i];
		json_object *o = json_object_new_object();
		json_object *cls = json_object_new_array();

		json_object_object_add(o, K_NAME, jstr(m->handle));
		json_object_object_add(o, K_BUS, str_or_null(m->bus));
		json_object_object_add(o, K_DEV_NAME, jstr(m->dev));
		for (unsigned id = 0; m->has_classes && id < 64; id++)
			if (m->classes & (UINT64_C(1) << id))
				json_object_array_add(cls,
						      jstr(class_name(class_from_device_id(id))));
		json_object_object_add(o, K_SUPPORTED_CLASSES, m->has_classes ? cls : NULL);
		if (!m->has_classes)
			json_object_put(cls);
		json_object_object_add(o, K_MAX_VQS, OPT(m->has_max_vqs, m->max_vqs));
		json_object_object_add(o, K_SUPPORTED_FEATURES,
				       m->has_features ? device_mask(m->features, mgmt_class(m))
						       : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *int_or_null(long v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

static json_object *bool_or_null(int v)
{
	return v < 0 ? NULL : json_object_new_boolean(v);
}

static void add_listing(json_object *doc, const struct run *r)
{
	json_object *src = json_object_new_object();
	json_object *par = json_object_new_object();

	json_object_object_add(doc, K_MGMTDEVS, mgmtdevs_array(r));
	json_object_object_add(src, K_SYSFS, json_object_new_boolean(r->have_sysfs));
	json_object_object_add(src, K_NETLINK, json_object_new_boolean(r->netlink_ok));
	json_object_object_add(doc, K_SOURCES, src);
	json_object_object_add(par, K_VHOST_VDPA_MAX_IOTLB_ENTRIES,
			       int_or_null(r->params.vhost_vdpa_max_iotlb_entries));
	json_object_object_add(par, K_VDPA_SIM_USE_VA, bool_or_null(r->params.vdpa_sim_use_va));
	json_object_object_add(par, K_VDPA_SIM_BATCH_MAPPING,
			       bool_or_null(r->params.vdpa_sim_batch_mapping));
	json_object_object_add(par, K_VDPA_SIM_MAX_IOTLB_ENTRIES,
			       int_or_null(r->params.vdpa_sim_max_iotlb_entries));
	json_object_object_add(doc, K_MODULE_PARAMETERS, par);
}

static json_object *probes_array(const struct vdpa_device *d)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < d->n_probes; i++) {
		const struct probe_record *p = &d->probes[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, K_ID, jstr(step_key(p->step)));
		json_object_object_add(o, K_STATUS, jstr(probe_status_name(p->status)));
		json_object_object_add(o, K_DURATION_US, json_object_new_uint64(p->duration_us));
		json_object_object_add(o, K_ERROR,
				       p->errnum ? str_or_null(errno_name(p->errnum)
								       ? errno_name(p->errnum)
								       : "EUNKNOWN")
						 : NULL);
		json_object_object_add(o, K_DETAIL, p->detail[0] ? jstr(p->detail) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *tristate(int v)
{
	return v < 0 ? NULL : json_object_new_boolean(v);
}

static json_object *verdict_object(const struct vdpa_device *d)
{
	const struct verdict *v = &d->verdict;
	json_object *o = json_object_new_object();
	json_object *checks = json_object_new_array();

	json_object_object_add(o, K_STATUS, jstr(verdict_status_name(v->status)));
	json_object_object_add(o, K_BASIS, jstr(verdict_basis_name(v->basis)));
	json_object_object_add(o, K_SEVERITY, jstr(severity_name(v->severity)));
	json_object_object_add(o, K_REASON, jstr(v->reason));
	json_object_object_add(o, K_REMEDY, jstr(v->remedy));
	for (int i = 0; d->vin && v->basis != VB_PREDICTED && i < CHK_COUNT; i++) {
		const struct check_result *c = &d->vin->checks[i];
		json_object *co = json_object_new_object();
		json_object *ev = json_object_new_array();

		json_object_object_add(co, K_ID, jstr(check_table[i].key));
		json_object_object_add(co, K_STATUS, jstr(check_state_name(c->state)));
		json_object_object_add(co, K_ADVERTISED,
				       c->state == CS_NOT_RUN ? NULL : tristate(c->advertised));
		json_object_object_add(co, K_OBSERVED,
				       c->state == CS_NOT_RUN ? NULL : tristate(c->observed));
		json_object_object_add(co, K_SEVERITY,
				       jstr(severity_name(check_table[i].severity)));
		for (size_t e = 0; e < c->n_evidence; e++)
			json_object_array_add(ev, jstr(c->evidence[e]));
		json_object_object_add(co, K_EVIDENCE, ev);
		json_object_object_add(co, K_DETAIL, c->detail[0] ? jstr(c->detail) : NULL);
		json_object_object_add(co, K_DESCRIPTION, jstr(check_table[i].title));
		json_object_object_add(co, K_REMEDY, jstr(check_table[i].remedy));
		json_object_array_add(checks, co);
	}
	json_object_object_add(o, K_CHECKS, checks);
	return o;
}

static json_object *prediction_object(const struct prediction *p)
{
	json_object *o = json_object_new_object();
	const struct parent_desc *row = p->row;
	char since[16];

	if (!p->status) {
		json_object_put(o);
		return NULL;
	}
	snprintf(since, sizeof(since), "%u.%u", row ? row->persist_major : 0,
		 row ? row->persist_minor : 0);
	json_object_object_add(o, K_STATUS, jstr(verdict_status_name(p->status)));
	json_object_object_add(o, K_REASON, jstr(p->reason));
	json_object_object_add(o, K_PARENT, row ? jstr(row->name) : NULL);
	json_object_object_add(o, K_PARENT_KIND, row ? jstr(parent_kind_name(row->kind)) : NULL);
	json_object_object_add(o, K_PERSIST_SINCE, row && row->persist_major ? jstr(since) : NULL);
	json_object_object_add(o, K_SOURCE, row ? jstr(row->source) : NULL);
	return o;
}

/* null when free (or not looked up); else who holds it, and why the list may be short */
static json_object *holder_object(const struct holder_info *h)
{
	json_object *o, *procs;

	if (!h->checked || h->status == HOLDER_FREE)
		return NULL;
	o = json_object_new_object();
	procs = json_object_new_array();
	json_object_object_add(o, K_STATUS, jstr(h->status == HOLDER_HELD ? "held" : "unknown"));
	for (size_t i = 0; i < h->n; i++) {
		json_object *p = json_object_new_object();

		json_object_object_add(p, K_PID, json_object_new_int(h->procs[i].pid));
		json_object_object_add(p, K_COMM, str_or_null(h->procs[i].comm));
		json_object_object_add(p, K_VM, str_or_null(h->procs[i].vm));
		json_object_array_add(procs, p);
	}
	json_object_object_add(o, K_PROCESSES, procs);
	json_object_object_add(o, K_ERRORS, errors_array(&h->errors));
	return o;
}

/* null unless the parent is a VDUSE control device; its daemon null when nothing looked (list) */
static json_object *vduse_object(const struct vduse_info *v)
{
	json_object *o, *dm, *procs;

	if (!v->present)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, K_CONTROL_DEVICE, str_or_null(v->ctl_path));
	json_object_object_add(o, K_MSG_TIMEOUT_S,
			       v->msg_timeout >= 0 ? json_object_new_int64(v->msg_timeout) : NULL);
	if (v->daemon == VDUSE_NOT_CHECKED) {
		json_object_object_add(o, K_DAEMON, NULL);
		return o;
	}
	dm = json_object_new_object();
	procs = json_object_new_array();
	json_object_object_add(dm, K_STATUS, jstr(vduse_daemon_name(v->daemon)));
	for (size_t i = 0; i < v->holders.n; i++) {
		json_object *p = json_object_new_object();
		char st[2] = { v->states ? v->states[i] : '?', '\0' };

		json_object_object_add(p, K_PID, json_object_new_int(v->holders.procs[i].pid));
		json_object_object_add(p, K_COMM, str_or_null(v->holders.procs[i].comm));
		json_object_object_add(p, K_STATE, st[0] != '?' ? jstr(st) : NULL);
		json_object_array_add(procs, p);
	}
	json_object_object_add(dm, K_PROCESSES, procs);
	json_object_object_add(dm, K_ERRORS, errors_array(&v->holders.errors));
	json_object_object_add(o, K_DAEMON, dm);
	return o;
}

static json_object *require_object(const struct vdpa_device *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, K_REQUIRED, ns_mask(d->required, NS_BACKEND, 16));
	json_object_object_add(o, K_MISSING, ns_mask(d->required_missing, NS_BACKEND, 16));
	json_object_object_add(o, K_MET, json_object_new_boolean(d->required_missing == 0));
	return o;
}

static json_object *device_object(const struct vdpa_device *d)
{
	json_object *o = json_object_new_object();
	json_object *limits = json_object_new_object();
	json_object *iova = NULL;

	json_object_object_add(o, K_NAME, jstr(d->name));
	json_object_object_add(o, K_CHAR_DEVICE, str_or_null(d->char_device));
	json_object_object_add(o, K_VDPA_DEVICE, str_or_null(d->vdpa_device));
	json_object_object_add(o, K_CLASS, d->device_id.valid ? jstr(class_name(d->cls)) : NULL);
	json_object_object_add(o, K_VIRTIO_DEVICE_ID, u64_or_null(&d->device_id));
	json_object_object_add(o, K_MGMTDEV, str_or_null(d->mgmtdev));
	json_object_object_add(o, K_PARENT, parent_object(d));
	json_object_object_add(o, K_BOUND_DRIVER,
			       d->discovered ? str_or_null(d->bound_driver)
			       : d->opened   ? jstr("vhost_vdpa")
					     : NULL);
	json_object_object_add(o, K_VDPA, vdpa_object(d));
	json_object_object_add(o, K_NOTE, str_or_null(d->note));
	json_object_object_add(o, K_HOLDER, holder_object(&d->holder));
	json_object_object_add(o, K_VDUSE, vduse_object(&d->vduse));

	if (d->backend_features.valid) {
		json_object *bf = ns_mask(d->backend_features.v, NS_BACKEND, 16);
		uint64_t persist = UINT64_C(1) << VHOST_BACKEND_F_IOTLB_PERSIST;

		json_object_object_add(
			bf, K_IOTLB_PERSIST,
			json_object_new_boolean(!!(d->backend_features.v & persist)));
		json_object_object_add(o, K_BACKEND_FEATURES, bf);
	} else {
		json_object_object_add(o, K_BACKEND_FEATURES, NULL);
	}
	if (d->device_features.valid) {
		struct decoded_mask m;

		decode_device_features(d->device_features.v, d->cls, &m);
		json_object_object_add(o, K_DEVICE_FEATURES,
				       mask_object(&m, d->device_features.v, 16));
	} else {
		json_object_object_add(o, K_DEVICE_FEATURES, NULL);
	}
	json_object_object_add(o, K_STATUS,
			       d->status.valid ? ns_mask(d->status.v, NS_STATUS, 2) : NULL);

	json_object_object_add(limits, K_MAX_VRING_SIZE, u64_or_null(&d->max_vring_size));
	json_object_object_add(limits, K_VQ_COUNT, u64_or_null(&d->vq_count));
	json_object_object_add(limits, K_CONFIG_SIZE, u64_or_null(&d->config_size));
	json_object_object_add(limits, K_ADDRESS_SPACES, u64_or_null(&d->address_spaces));
	json_object_object_add(limits, K_GROUPS, u64_or_null(&d->groups));
	if (d->iova_first.valid) {
		iova = json_object_new_object();
		json_object_object_add(iova, K_FIRST, hex(d->iova_first.v, 16));
		json_object_object_add(iova, K_LAST, hex(d->iova_last.v, 16));
	}
	json_object_object_add(limits, K_IOVA_RANGE, iova);
	json_object_object_add(o, K_LIMITS, d->opened ? limits : NULL);
	if (!d->opened)
		json_object_put(limits);
	json_object_object_add(o, K_CONFIG, config_object(d));
	json_object_object_add(o, K_PROBES, probes_array(d));
	json_object_object_add(o, K_PREDICTION, prediction_object(&d->prediction));
	json_object_object_add(o, K_VERDICT, d->verdict.status ? verdict_object(d) : NULL);
	json_object_object_add(o, K_REQUIRE,
			       d->verdict.status && d->required ? require_object(d) : NULL);
	json_object_object_add(o, K_EXIT_CODE, json_object_new_int(d->exit_code));
	json_object_object_add(o, K_ERRORS, errors_array(&d->errors));
	return o;
}

static json_object *features_array(const struct run *r)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < feature_table_len; i++) {
		const struct feature_desc *f = &feature_table[i];
		json_object *o;

		if (!(r->ns_filter & (UINT64_C(1) << f->ns)))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, K_NAMESPACE, jstr(feat_ns_name(f->ns)));
		json_object_object_add(o, K_BIT, json_object_new_int((int)f->bit));
		json_object_object_add(o, K_MASK, hex(UINT64_C(1) << f->bit, 16));
		json_object_object_add(o, K_NAME, jstr(f->name));
		json_object_object_add(o, K_SINCE_KERNEL, jstr(f->since));
		json_object_object_add(o, K_MEANING, jstr(f->meaning));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *count_or_null(bool valid, size_t n)
{
	return valid ? json_object_new_uint64(n) : NULL;
}

static json_object *summary_object(const struct summary *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, K_DEVICES, json_object_new_uint64(s->devices));
	json_object_object_add(o, K_SUCCEEDED, json_object_new_uint64(s->succeeded));
	json_object_object_add(o, K_FAILED, json_object_new_uint64(s->failed));
	json_object_object_add(o, K_TRUSTED, count_or_null(s->has_verdicts, s->trusted));
	json_object_object_add(o, K_UNTRUSTED, count_or_null(s->has_verdicts, s->untrusted));
	json_object_object_add(o, K_UNKNOWN, count_or_null(s->has_verdicts, s->unknown));
	return o;
}

/*
 * Print @text (a device serialized on its own, at nesting level 0) with @indent after every
 * newline: the lines it would have at its place in the document. JSON strings never hold a raw
 * newline (json-c escapes it), so every newline is json-c's own.
 */
static void put_reindented(FILE *out, const char *text, const char *indent, size_t ilen)
{
	const char *nl;

	while ((nl = strchr(text, '\n'))) {
		fwrite(text, 1, (size_t)(nl - text) + 1, out);
		fwrite(indent, 1, ilen, out);
		text = nl + 1;
	}
	fputs(text, out);
}

/*
 * The document is printed one device at a time, so that only one device's JSON objects exist at
 * once (thousands of devices would otherwise hold the whole tree and its text). The frame comes
 * from json-c itself: the document serialized with two placeholder strings in "devices" gives
 * the text before the first device, between two devices and after the last, byte for byte what
 * json-c prints around array elements. Returns false if the placeholders were not found (then
 * the caller prints the whole document).
 */
static bool put_streamed(FILE *out, const struct run *r, json_object *doc, json_object *devs,
			 int flags)
{
	static const char slot[] = "vdpactl:device-slot", mark[] = "\"vdpactl:device-slot\"";
	const char *text, *key, *m1, *m2, *line;

	json_object_array_add(devs, jstr(slot));
	json_object_array_add(devs, jstr(slot));
	text = json_object_to_json_string_ext(doc, flags);
	/* the first unescaped "devices": is the top-level key (host's and command's come first, and
	 * an escaped quote inside a value never forms it); the placeholders follow it */
	key = strstr(text, "\"devices\":");
	m1 = key ? strstr(key, mark) : NULL;
	m2 = m1 ? strstr(m1 + sizeof(mark) - 1, mark) : NULL;
	if (!m2)
		return false;
	for (line = m1; line > text && line[-1] != '\n';)
		line--; /* m1's own indentation: that of every line of a device */
	fwrite(text, 1, (size_t)(m1 - text), out);
	for (size_t i = 0; i < r->n_dev; i++) {
		json_object *d = device_object(&r->dev[i]);

		if (i)
			fwrite(m1 + sizeof(mark) - 1, 1, (size_t)(m2 - m1) - (sizeof(mark) - 1),
			       out);
		put_reindented(out, json_object_to_json_string_ext(d, flags), line,
			       (size_t)(m1 - line));
		json_object_put(d);
	}
	fputs(m2 + sizeof(mark) - 1, out);
	return true;
}

void output_json(FILE *out, const struct run *r, const struct opts *o)
{
	json_object *doc = json_object_new_object();
	json_object *tool = json_object_new_object();
	json_object *host = json_object_new_object();
	json_object *devs = json_object_new_array();
	int flags = (o->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
			       : JSON_C_TO_STRING_PLAIN) |
		    JSON_C_TO_STRING_NOSLASHESCAPE;

	json_object_object_add(doc, K_SCHEMA_VERSION, json_object_new_int(SCHEMA_VERSION));
	json_object_object_add(tool, K_NAME, jstr("vdpactl"));
	json_object_object_add(tool, K_VERSION, jstr(VDPACTL_VERSION));
	json_object_object_add(doc, K_TOOL, tool);
	json_object_object_add(host, K_HOSTNAME, str_or_empty_null(r->host.hostname));
	json_object_object_add(host, K_MACHINE_ID, str_or_empty_null(r->host.machine_id));
	json_object_object_add(host, K_BOOT_ID, str_or_empty_null(r->host.boot_id));
	json_object_object_add(host, K_KERNEL_RELEASE, jstr(r->host.kernel_release));
	json_object_object_add(host, K_MACHINE, jstr(r->host.machine));
	json_object_object_add(doc, K_HOST, host);
	json_object_object_add(doc, K_TIME, jstr(r->host.time));
	json_object_object_add(doc, K_COMMAND, str_or_null(r->command));
	json_object_object_add(doc, K_COMPLETE, json_object_new_boolean(r->complete));
	json_object_object_add(doc, K_DEVICES, devs);
	if (r->features_catalogue)
		json_object_object_add(doc, K_FEATURES, features_array(r));
	if (r->listing)
		add_listing(doc, r);
	json_object_object_add(doc, K_SUMMARY, summary_object(&r->summary));
	json_object_object_add(doc, K_EXIT_CODE, json_object_new_int(r->exit_code));
	json_object_object_add(doc, K_ERRORS, errors_array(&r->errors));

	bool stream = r->n_dev > 0;

#ifdef VDPACTL_TEST_HOOKS
	/* test builds only: the whole document at once, to compare with the streamed one */
	if (getenv("VDPACTL_TEST_JSON_WHOLE"))
		stream = false;
#endif
	if (!stream || !put_streamed(out, r, doc, devs, flags)) {
		json_object_array_del_idx(devs, 0, json_object_array_length(devs));
		for (size_t i = 0; i < r->n_dev; i++)
			json_object_array_add(devs, device_object(&r->dev[i]));
		fputs(json_object_to_json_string_ext(doc, flags), out);
	}
	fputc('\n', out);
	json_object_put(doc);
}
