// SPDX-License-Identifier: MIT
/*
 * fake_scenario.c - load a scenario file (one JSON document = one host).
 *
 * The schema is documented in tests/fake/README.md.  Loading is strict: a
 * missing or mistyped field, a bad hex string, an unknown key or an unknown op
 * ends the process with a message that names the file and the field
 * ("devices[1].device_features"), so a typo can never silently produce a
 * different host.  Keys starting with '_' and "description"/"comment" are
 * free-form notes and ignored.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <json-c/json.h>

#include "fake.h"

static const char *const op_names[FAKE_OP_COUNT] = {
	[FAKE_OP_SUSPEND] = "suspend",
	[FAKE_OP_RESUME] = "resume",
	[FAKE_OP_RESET_MAP] = "reset_map",
	[FAKE_OP_COMPAT_RESET] = "compat_reset",
	[FAKE_OP_GET_VQ_DESC_GROUP] = "get_vq_desc_group",
	[FAKE_OP_GET_VQ_GROUP] = "get_vq_group",
	[FAKE_OP_SET_GROUP_ASID] = "set_group_asid",
	[FAKE_OP_GET_VQ_SIZE] = "get_vq_size",
	[FAKE_OP_SET_CONFIG] = "set_config",
	[FAKE_OP_GET_VQ_NOTIFICATION] = "get_vq_notification",
	[FAKE_OP_BIND_MM] = "bind_mm",
	[FAKE_OP_GET_VENDOR_VQ_STATS] = "get_vendor_vq_stats",
};

const char *fake_op_name(unsigned op)
{
	return op < FAKE_OP_COUNT ? op_names[op] : "?";
}

/* Where we are in the document, for error messages. */
struct ctx {
	const char *file;
	char where[96];
};

static _Noreturn FAKE_PRINTF(3, 4) void bad(const struct ctx *c, const char *field, const char *fmt,
					    ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fake_die("scenario %s: %s%s%s: %s", c->file, c->where, c->where[0] ? "." : "", field, msg);
}

static bool ignored_key(const char *key)
{
	return key[0] == '_' || !strcmp(key, "description") || !strcmp(key, "comment");
}

static void check_keys(const struct ctx *c, json_object *obj, const char *const *allowed)
{
	json_object_object_foreach(obj, key, val)
	{
		(void)val;
		if (ignored_key(key))
			continue;
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			if (!strcmp(key, allowed[i]))
				ok = true;
		if (!ok)
			bad(c, key, "unknown key (typo?)");
	}
}

static json_object *get(const struct ctx *c, json_object *obj, const char *key, json_type type,
			bool required)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !v) {
		if (required)
			bad(c, key, "missing required field");
		return NULL;
	}
	if (!json_object_is_type(v, type))
		bad(c, key, "must be a JSON %s, not %s", json_type_to_name(type),
		    json_type_to_name(json_object_get_type(v)));
	return v;
}

static char *get_str(const struct ctx *c, json_object *obj, const char *key, const char *dflt)
{
	json_object *v = get(c, obj, key, json_type_string, dflt == NULL);
	const char *s = v ? json_object_get_string(v) : dflt;
	char *r = strdup(s);

	if (!r)
		fake_die("out of memory");
	if (v && !r[0])
		bad(c, key, "must not be empty");
	return r;
}

static uint64_t get_int(const struct ctx *c, json_object *obj, const char *key, bool required,
			uint64_t dflt, uint64_t min, uint64_t max)
{
	json_object *v = get(c, obj, key, json_type_int, required);
	int64_t x;

	if (!v)
		return dflt;
	errno = 0;
	x = json_object_get_int64(v);
	if (errno || x < 0 || (uint64_t)x < min || (uint64_t)x > max)
		bad(c, key, "must be an integer in %llu..%llu", (unsigned long long)min,
		    (unsigned long long)max);
	return (uint64_t)x;
}

static bool get_bool(const struct ctx *c, json_object *obj, const char *key, bool required,
		     bool dflt)
{
	json_object *v = get(c, obj, key, json_type_boolean, required);

	return v ? json_object_get_boolean(v) : dflt;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* "0x1e" or "1e": 1 to 16 hex digits, nothing else. */
static uint64_t parse_hex(const struct ctx *c, const char *key, const char *s)
{
	const char *p = s;
	uint64_t v = 0;
	int n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; *p; p++, n++) {
		int h = hexval(*p);

		if (h < 0 || n >= 16)
			bad(c, key, "bad hex number '%s' (want e.g. \"0x17e\", at most 64 bits)",
			    s);
		v = v << 4 | (uint64_t)h;
	}
	if (n == 0)
		bad(c, key, "bad hex number '%s' (no digits)", s);
	return v;
}

static uint64_t get_hex(const struct ctx *c, json_object *obj, const char *key, bool required,
			uint64_t dflt, bool *present)
{
	json_object *v = get(c, obj, key, json_type_string, required);

	if (present)
		*present = v != NULL;
	return v ? parse_hex(c, key, json_object_get_string(v)) : dflt;
}

/* Hex bytes; whitespace, ':', '-' and '_' may separate byte pairs. */
static uint8_t *parse_bytes(const struct ctx *c, const char *key, const char *s, size_t *len)
{
	size_t cap = strlen(s) / 2 + 1, n = 0;
	uint8_t *buf = malloc(cap);
	int hi = -1;

	if (!buf)
		fake_die("out of memory");
	for (const char *p = s; *p; p++) {
		int h = hexval(*p);

		if (h < 0) {
			if (strchr(" \t\n:-_", *p) && hi < 0)
				continue;
			free(buf);
			bad(c, key, "bad hex byte string near offset %zu ('%c')", (size_t)(p - s),
			    *p);
		}
		if (hi < 0) {
			hi = h;
		} else {
			buf[n++] = (uint8_t)(hi << 4 | h);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(buf);
		bad(c, key, "odd number of hex digits");
	}
	*len = n;
	return buf;
}

/* Optional per-vq array of integers; dflt fills it when absent. */
static uint32_t *get_vq_array(const struct ctx *c, json_object *obj, const char *key, uint32_t nvqs,
			      uint32_t dflt, uint32_t max)
{
	json_object *a = get(c, obj, key, json_type_array, false);
	uint32_t *v = calloc(nvqs, sizeof(*v));

	if (!v)
		fake_die("out of memory");
	for (uint32_t i = 0; i < nvqs; i++)
		v[i] = dflt;
	if (!a)
		return v;
	if (json_object_array_length(a) != nvqs)
		bad(c, key, "must have exactly nvqs (%u) entries", nvqs);
	for (uint32_t i = 0; i < nvqs; i++) {
		json_object *e = json_object_array_get_idx(a, i);
		int64_t x;

		if (!json_object_is_type(e, json_type_int))
			bad(c, key, "entry %u is not an integer", i);
		x = json_object_get_int64(e);
		if (x < 0 || (uint64_t)x > max)
			bad(c, key, "entry %u out of range 0..%u", i, max);
		v[i] = (uint32_t)x;
	}
	return v;
}

unsigned long fake_parse_kver(const char *s, bool *ok)
{
	unsigned long part[3] = { 0, 0, 0 };
	int i = 0;
	const char *p = s;

	*ok = false;
	while (i < 3) {
		char *end;

		if (*p < '0' || *p > '9')
			break;
		part[i++] = strtoul(p, &end, 10);
		p = end;
		if (*p != '.')
			break;
		p++;
	}
	if (i < 2 || part[1] > 999 || part[2] > 999)
		return 0;
	*ok = true;
	return FAKE_KV(part[0], part[1], part[2]);
}

/* A string, JSON null (-> NULL), or absent (-> dflt, NULL allowed). */
static char *get_str_or_null(const struct ctx *c, json_object *obj, const char *key,
			     const char *dflt)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v))
		return dflt ? strdup(dflt) : NULL;
	if (!v)
		return NULL;
	return get_str(c, obj, key, NULL);
}

static char *xstrdup_(const char *s)
{
	char *r = strdup(s);

	if (!r)
		fake_die("out of memory");
	return r;
}

static char *xasprintf_(const char *fmt, ...) FAKE_PRINTF(1, 2);
static char *xasprintf_(const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	if (vasprintf(&r, fmt, ap) < 0)
		fake_die("out of memory");
	va_end(ap);
	return r;
}

/*
 * The sysfs parent when the scenario does not say (drivers/vdpa/vdpa.c, the vdpa bus in sysfs): a
 * "pci/BDF" or "auxiliary/NAME" management device is the parent device, with the parent driver
 * bound to it; VDUSE devices sit under their VDUSE class device; vdpa_sim devices (and anything
 * else) have none.
 */
static void derive_parent(struct fake_dev_cfg *d)
{
	const char *m = d->mgmtdev;

	if (m && (!strncmp(m, "pci/", 4) || !strncmp(m, "auxiliary/", 10))) {
		const char *slash = strchr(m, '/');

		d->parent.bus = xasprintf_("%.*s", (int)(slash - m), m);
		d->parent.bus_id = xstrdup_(slash + 1);
		d->parent.driver = xstrdup_(d->parent_driver);
	} else if (m && !strcmp(m, "vduse")) {
		d->parent.bus = xstrdup_("vduse");
		d->parent.bus_id = xstrdup_(d->name);
	}
}

/* Where the parent lives: PCI functions under their root bus, auxiliary devices under
 * /sys/devices/auxiliary (a simplification), VDUSE under /sys/devices/virtual/vduse. */
static void default_parent_path(struct fake_dev_cfg *d)
{
	const char *id = d->parent.bus_id;

	if (!strcmp(d->parent.bus, "pci")) {
		unsigned dom = 0, bus = 0;

		if (sscanf(id, "%x:%x:", &dom, &bus) != 2)
			dom = bus = 0;
		d->parent.path = xasprintf_("/sys/devices/pci%04x:%02x/%s", dom, bus, id);
	} else if (!strcmp(d->parent.bus, "vduse")) {
		d->parent.path = xasprintf_("/sys/devices/virtual/vduse/%s", id);
	} else {
		d->parent.path = xasprintf_("/sys/devices/%s/%s", d->parent.bus, id);
	}
}

/* "parent": an object (bus, bus_id, driver, path), null, or absent (derived from the name) */
static void load_parent(struct ctx *c, json_object *o, struct fake_dev_cfg *d)
{
	static const char *const parent_keys[] = { "bus", "bus_id", "driver", "path", NULL };
	json_object *v;

	if (json_object_object_get_ex(o, "parent", &v)) {
		if (v && !json_object_is_type(v, json_type_object))
			bad(c, "parent", "must be an object or null");
		if (v) {
			struct ctx pc = *c;

			snprintf(pc.where, sizeof(pc.where), "%.80s.parent", c->where);
			check_keys(&pc, v, parent_keys);
			d->parent.bus = get_str(&pc, v, "bus", NULL);
			d->parent.bus_id = get_str(&pc, v, "bus_id", NULL);
			d->parent.driver = get_str_or_null(&pc, v, "driver", NULL);
			d->parent.path = get_str_or_null(&pc, v, "path", NULL);
			if (strchr(d->parent.bus_id, '/'))
				bad(&pc, "bus_id", "'%s' must not contain '/'", d->parent.bus_id);
			if (d->parent.path && (strncmp(d->parent.path, "/sys/devices/", 13) ||
					       strstr(d->parent.path, "/.")))
				bad(&pc, "path", "'%s' must be a directory under /sys/devices/",
				    d->parent.path);
		}
	} else {
		derive_parent(d);
	}
	if (d->parent.bus && !d->parent.path)
		default_parent_path(d);
}

/* "config" bytes, padded with "config_pad" up to "config_size" */
static void load_config(struct ctx *c, json_object *o, struct fake_dev_cfg *d)
{
	json_object *v;
	size_t given;
	uint8_t *bytes;

	v = get(c, o, "config", json_type_string, true);
	bytes = parse_bytes(c, "config", json_object_get_string(v), &given);
	d->config_size = (uint32_t)get_int(c, o, "config_size", true, 0, 0, 1u << 16);
	if (given > d->config_size)
		bad(c, "config", "has %zu bytes, more than config_size %u", given, d->config_size);
	uint64_t pad = get_hex(c, o, "config_pad", false, 0, NULL);
	if (pad > 0xff)
		bad(c, "config_pad", "must be one byte");
	d->config = malloc(d->config_size ? d->config_size : 1);
	if (!d->config)
		fake_die("out of memory");
	memset(d->config, (int)pad, d->config_size);
	memcpy(d->config, bytes, given);
	free(bytes);
}

/* virtqueues, groups, address spaces and their sizes */
static void load_vqs(struct ctx *c, json_object *o, struct fake_dev_cfg *d)
{
	d->vq_num_max = (uint16_t)get_int(c, o, "vq_num_max", true, 0, 1, 0xffff);
	d->nvqs = (uint32_t)get_int(c, o, "nvqs", true, 0, 1, 0xffff);
	d->ngroups = (uint32_t)get_int(c, o, "ngroups", true, 0, 1, 0xffff);
	d->nas = (uint32_t)get_int(c, o, "nas", true, 0, 1, 0xffff);
	d->vq_group = get_vq_array(c, o, "vq_groups", d->nvqs, 0, UINT32_MAX);
	d->vq_desc_group = get_vq_array(c, o, "vq_desc_groups", d->nvqs, 0, UINT32_MAX);
	if (!json_object_object_get_ex(o, "vq_desc_groups", NULL))
		memcpy(d->vq_desc_group, d->vq_group, d->nvqs * sizeof(uint32_t));
	uint32_t *sizes = get_vq_array(c, o, "vq_sizes", d->nvqs, d->vq_num_max, 0xffff);
	d->vq_size = malloc(d->nvqs * sizeof(uint16_t));
	if (!d->vq_size)
		fake_die("out of memory");
	for (uint32_t i = 0; i < d->nvqs; i++)
		d->vq_size[i] = (uint16_t)sizes[i];
	free(sizes);
}

/* "iova_range" and the DMA model ("dma", "va_mode") */
static void load_dma(struct ctx *c, json_object *o, struct fake_dev_cfg *d)
{
	static const char *const range_keys[] = { "first", "last", NULL };
	json_object *v;
	const char *s;

	v = get(c, o, "iova_range", json_type_object, true);
	{
		struct ctx rc = *c;

		snprintf(rc.where, sizeof(rc.where), "%.80s.iova_range", c->where);
		check_keys(&rc, v, range_keys);
		d->iova_first = get_hex(&rc, v, "first", true, 0, NULL);
		d->iova_last = get_hex(&rc, v, "last", true, 0, NULL);
		if (d->iova_first > d->iova_last)
			bad(&rc, "first", "is above last");
	}

	v = get(c, o, "dma", json_type_string, true);
	s = json_object_get_string(v);
	if (!strcmp(s, "set_map"))
		d->dma = FAKE_DMA_SET_MAP;
	else if (!strcmp(s, "dma_map"))
		d->dma = FAKE_DMA_DMA_MAP;
	else if (!strcmp(s, "platform"))
		d->dma = FAKE_DMA_PLATFORM;
	else
		bad(c, "dma", "'%s' is not one of set_map, dma_map, platform", s);
	d->va_mode = get_bool(c, o, "va_mode", true, false);
	if (d->va_mode && d->dma == FAKE_DMA_PLATFORM)
		bad(c, "va_mode", "a platform-IOMMU parent cannot use VA mode");
}

/* "ops": the struct vdpa_config_ops members the parent has */
static void load_ops(struct ctx *c, json_object *o, struct fake_dev_cfg *d)
{
	json_object *v;
	const char *s;

	v = get(c, o, "ops", json_type_array, true);
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *e = json_object_array_get_idx(v, i);
		unsigned op;

		if (!json_object_is_type(e, json_type_string))
			bad(c, "ops", "entry %zu is not a string", i);
		s = json_object_get_string(e);
		for (op = 0; op < FAKE_OP_COUNT; op++)
			if (!strcmp(s, op_names[op]))
				break;
		if (op == FAKE_OP_COUNT)
			bad(c, "ops", "unknown op '%s'", s);
		if (d->ops & (1u << op))
			bad(c, "ops", "op '%s' listed twice", s);
		d->ops |= 1u << op;
	}
}

static void load_device(const struct fake_scenario *sc, struct ctx *c, json_object *o,
			struct fake_dev_cfg *d)
{
	/* clang-format off */
	static const char *const keys[] = {
		"index", "name", "mgmtdev", "parent_driver", "device_id", "device_features",
		"config", "config_size", "config_pad", "vq_num_max", "nvqs", "ngroups", "nas",
		"vq_groups", "vq_desc_groups", "vq_sizes", "iova_range", "dma", "va_mode", "ops",
		"parent_backend_features", "backend_features_override", "features_required",
		"reset_drops_maps", "reset_identity_fallback", "busy", "bound_driver", "parent",
		"driver_override", "vendor_id", "vq_num_min", "msg_timeout", "disk_sector0", NULL
	};
	/* clang-format on */
	bool present;

	(void)sc;
	check_keys(c, o, keys);
	d->name = get_str(c, o, "name", NULL);
	if (strchr(d->name, '/') || !strcmp(d->name, ".") || !strcmp(d->name, ".."))
		bad(c, "name", "'%s' is not a device name", d->name);
	/* a VDUSE device's msg_timeout file, as written (VDUSE_MSG_DEFAULT_TIMEOUT: 30) */
	d->msg_timeout = get_str(c, o, "msg_timeout", "30");
	/* a block device's sector 0 (the test VMs' VDUSE images start with a known text) */
	d->disk_sector0 = get_str(c, o, "disk_sector0", "");
	d->bound_driver = get_str_or_null(c, o, "bound_driver", "vhost_vdpa");
	if (d->bound_driver && strcmp(d->bound_driver, "vhost_vdpa") &&
	    strcmp(d->bound_driver, "virtio_vdpa"))
		bad(c, "bound_driver", "'%s' is not vhost_vdpa, virtio_vdpa or null",
		    d->bound_driver);
	d->has_index = json_object_object_get_ex(o, "index", NULL);
	if (d->bound_driver && !strcmp(d->bound_driver, "vhost_vdpa")) {
		d->index = (unsigned)get_int(c, o, "index", true, 0, 0, (1u << 20) - 1);
		d->has_index = true;
	} else if (d->has_index) {
		bad(c, "index", "only a device bound to vhost_vdpa has a vhost-vdpa-N node");
	}
	d->mgmtdev = get_str_or_null(c, o, "mgmtdev", NULL);
	if (!json_object_object_get_ex(o, "mgmtdev", NULL))
		bad(c, "mgmtdev",
		    "missing required field (null: a device without management "
		    "device)");
	d->parent_driver = get_str(c, o, "parent_driver", NULL);
	d->driver_override = get_str_or_null(c, o, "driver_override", NULL);
	d->vendor_id = (uint32_t)get_int(c, o, "vendor_id", false, 0, 0, UINT32_MAX);
	d->vq_num_min = (uint16_t)get_int(c, o, "vq_num_min", false, 1, 0, 0xffff);
	load_parent(c, o, d);
	d->device_id = (uint32_t)get_int(c, o, "device_id", true, 0, 0, UINT32_MAX);
	d->device_features = get_hex(c, o, "device_features", true, 0, NULL);

	load_config(c, o, d);
	load_vqs(c, o, d);
	load_dma(c, o, d);
	load_ops(c, o, d);
	d->parent_backend_features = get_hex(c, o, "parent_backend_features", false, 0, NULL);
	d->backend_features_override =
		get_hex(c, o, "backend_features_override", false, 0, &present);
	d->has_override = present;
	d->features_required =
		get_hex(c, o, "features_required", false,
			/* vdpa_sim and mlx5 refuse drivers without ACCESS_PLATFORM
			 * (vdpasim_set_driver_features(), mlx5_vdpa_set_driver_features());
			 * platform-IOMMU parents pass features through. */
			d->dma == FAKE_DMA_PLATFORM ? 0 : 1ULL << VIRTIO_F_ACCESS_PLATFORM, NULL);
	d->reset_drops_maps = get_bool(c, o, "reset_drops_maps", true, false);
	d->reset_identity_fallback = get_bool(c, o, "reset_identity_fallback", false, false);
	d->busy = get_bool(c, o, "busy", false, false);
}

static char *slurp(const char *path, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	int fd = fake_real_open(path, O_RDONLY | O_CLOEXEC, 0);

	if (!buf)
		fake_die("out of memory");
	if (fd < 0)
		fake_die("scenario %s: cannot open: %s", path, strerror(errno));
	for (;;) {
		ssize_t r;

		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				fake_die("out of memory");
		}
		r = fake_real_read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			fake_die("scenario %s: read: %s", path, strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	fake_real_close(fd);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* An optional array of strings ("inject", "delay", "netlink_faults"). */
static char **get_str_array(const struct ctx *c, json_object *obj, const char *key, size_t *n)
{
	json_object *v = get(c, obj, key, json_type_array, false);
	char **r;

	*n = 0;
	if (!v)
		return NULL;
	*n = json_object_array_length(v);
	r = calloc(*n ? *n : 1, sizeof(char *));
	if (!r)
		fake_die("out of memory");
	for (size_t i = 0; i < *n; i++) {
		json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_string))
			bad(c, key, "entry %zu is not a string", i);
		r[i] = xstrdup_(json_object_get_string(e));
	}
	return r;
}

static int class_id(const char *name)
{
	if (!strcmp(name, "net"))
		return 1;
	if (!strcmp(name, "block"))
		return 2;
	return -1;
}

static void mgmt_set_handle(struct fake_mgmt_cfg *m, const char *handle)
{
	const char *slash = strchr(handle, '/');

	m->handle = xstrdup_(handle);
	m->bus = slash ? xasprintf_("%.*s", (int)(slash - handle), handle) : NULL;
	m->dev = xstrdup_(slash ? slash + 1 : handle);
}

const struct fake_mgmt_cfg *fake_mgmt_of(const struct fake_scenario *sc,
					 const struct fake_dev_cfg *d)
{
	for (size_t i = 0; d->mgmtdev && i < sc->nmgmt; i++)
		if (!strcmp(sc->mgmt[i].handle, d->mgmtdev))
			return &sc->mgmt[i];
	return NULL;
}

/*
 * "mgmtdevs": the management devices in registration order (the order of netlink dumps).
 * Without it, one per distinct device mgmtdev, in device order, offering the classes, the
 * largest vq count and the union of the features of its devices.
 */
static void load_mgmtdevs(const struct ctx *c, json_object *root, struct fake_scenario *sc)
{
	static const char *const keys[] = { "name", "classes", "max_vqs", "supported_features",
					    NULL };
	json_object *v = get(c, root, "mgmtdevs", json_type_array, false);

	if (v) {
		sc->nmgmt = json_object_array_length(v);
		sc->mgmt = calloc(sc->nmgmt ? sc->nmgmt : 1, sizeof(*sc->mgmt));
		if (!sc->mgmt)
			fake_die("out of memory");
		for (size_t i = 0; i < sc->nmgmt; i++) {
			json_object *o = json_object_array_get_idx(v, i), *cl;
			struct fake_mgmt_cfg *m = &sc->mgmt[i];
			struct ctx mc = *c;
			char *name;

			snprintf(mc.where, sizeof(mc.where), "mgmtdevs[%zu]", i);
			if (!json_object_is_type(o, json_type_object))
				fake_die("scenario %s: %s: must be an object", c->file, mc.where);
			check_keys(&mc, o, keys);
			name = get_str(&mc, o, "name", NULL);
			mgmt_set_handle(m, name);
			free(name);
			if (!m->dev[0] || (m->bus && !m->bus[0]) || strchr(m->dev, '/'))
				bad(&mc, "name", "'%s' is not DEV or BUS/DEV", m->handle);
			for (size_t j = 0; j < i; j++)
				if (!strcmp(sc->mgmt[j].handle, m->handle))
					bad(&mc, "name", "'%s' is listed twice", m->handle);
			cl = get(&mc, o, "classes", json_type_array, true);
			for (size_t k = 0; k < json_object_array_length(cl); k++) {
				json_object *e = json_object_array_get_idx(cl, k);
				int id = -1;

				if (json_object_is_type(e, json_type_string))
					id = class_id(json_object_get_string(e));
				else if (json_object_is_type(e, json_type_int))
					id = json_object_get_int(e);
				if (id < 0 || id > 63)
					bad(&mc, "classes",
					    "entry %zu: want \"net\", \"block\" or a virtio id "
					    "0..63",
					    k);
				m->classes |= 1ULL << id;
			}
			m->max_vqs = (uint32_t)get_int(&mc, o, "max_vqs", true, 0, 0, UINT32_MAX);
			m->features = get_hex(&mc, o, "supported_features", true, 0, NULL);
		}
		for (size_t i = 0; i < sc->ndevs; i++)
			if (sc->devs[i].mgmtdev && !fake_mgmt_of(sc, &sc->devs[i])) {
				struct ctx dc = *c;

				snprintf(dc.where, sizeof(dc.where), "devices[%zu]", i);
				bad(&dc, "mgmtdev", "'%s' is not in mgmtdevs", sc->devs[i].mgmtdev);
			}
		return;
	}
	sc->mgmt = calloc(sc->ndevs ? sc->ndevs : 1, sizeof(*sc->mgmt));
	if (!sc->mgmt)
		fake_die("out of memory");
	for (size_t i = 0; i < sc->ndevs; i++) {
		const struct fake_dev_cfg *d = &sc->devs[i];
		struct fake_mgmt_cfg *m = (struct fake_mgmt_cfg *)fake_mgmt_of(sc, d);

		if (!d->mgmtdev)
			continue;
		if (!m) {
			m = &sc->mgmt[sc->nmgmt++];
			mgmt_set_handle(m, d->mgmtdev);
		}
		if (d->device_id < 64)
			m->classes |= 1ULL << d->device_id;
		if (d->nvqs > m->max_vqs)
			m->max_vqs = d->nvqs;
		m->features |= d->device_features;
	}
}

static void add_param(struct fake_scenario *sc, const char *module, const char *name,
		      const char *value)
{
	struct fake_modparam *p = NULL;

	for (size_t i = 0; i < sc->nparams; i++)
		if (!strcmp(sc->params[i].module, module) && !strcmp(sc->params[i].name, name))
			p = &sc->params[i];
	if (!p) {
		sc->params = realloc(sc->params, (sc->nparams + 1) * sizeof(*sc->params));
		if (!sc->params)
			fake_die("out of memory");
		p = &sc->params[sc->nparams++];
		p->module = xstrdup_(module);
		p->name = xstrdup_(name);
	} else {
		free(p->value);
	}
	p->value = value ? xstrdup_(value) : NULL;
}

/*
 * /sys/module entries of the modules this host has (measured on the 6.1/6.12 VMs; the vDPA
 * drivers were built in there, which still gives /sys/module/NAME with parameters/ and the
 * MODULE_VERSION file). "module_parameters" adds or overrides: {"vdpa_sim/use_va": "N"};
 * null removes one.
 */
static void load_params(const struct ctx *c, json_object *root, struct fake_scenario *sc)
{
	bool sim = false, sim_net = false, sim_blk = false, vp = false, vduse = false, va = false;
	json_object *v;
	char buf[32];

	for (size_t i = 0; i < sc->nmgmt; i++) {
		const char *h = sc->mgmt[i].handle;

		sim_net |= !strcmp(h, "vdpasim_net");
		sim_blk |= !strcmp(h, "vdpasim_blk");
		vduse |= !strcmp(h, "vduse");
	}
	for (size_t i = 0; i < sc->ndevs; i++) {
		const struct fake_dev_cfg *d = &sc->devs[i];

		if (d->mgmtdev && !strncmp(d->mgmtdev, "vdpasim_", 8))
			va |= d->va_mode;
		vp |= d->parent.driver && !strcmp(d->parent.driver, "vp-vdpa");
	}
	sim = sim_net || sim_blk;
	if (sc->module) {
		snprintf(buf, sizeof(buf), "%u", sc->max_iotlb_entries);
		add_param(sc, "vhost_vdpa", "max_iotlb_entries", buf);
		add_param(sc, "vhost_vdpa", "version", "0.0.1");
	}
	if (sim) {
		add_param(sc, "vdpa_sim", "batch_mapping", "1");
		add_param(sc, "vdpa_sim", "max_iotlb_entries", "2048");
		if (sc->kver >= FAKE_KV(6, 4, 0)) /* use_va: 6.4 */
			add_param(sc, "vdpa_sim", "use_va", va ? "Y" : "N");
		add_param(sc, "vdpa_sim", "version", "0.1");
	}
	if (sim_net)
		add_param(sc, "vdpa_sim_net", "version", "0.1");
	if (sim_blk) {
		if (sc->kver >= FAKE_KV(6, 5, 0)) /* shared_backend: in 6.12, not in 6.1 */
			add_param(sc, "vdpa_sim_blk", "shared_backend", "N");
		add_param(sc, "vdpa_sim_blk", "version", "0.1");
	}
	if (vp)
		add_param(sc, "vp_vdpa", "version", "1");
	if (vduse)
		add_param(sc, "vduse", "max_iotlb_entries", "2048");

	v = get(c, root, "module_parameters", json_type_object, false);
	if (v) {
		json_object_object_foreach(v, key, val)
		{
			const char *slash = strchr(key, '/');
			char mod[128];

			if (!slash || slash == key || !slash[1] || strchr(slash + 1, '/') ||
			    (size_t)(slash - key) >= sizeof(mod))
				bad(c, "module_parameters", "key '%s' is not MODULE/PARAM", key);
			if (val && !json_object_is_type(val, json_type_string))
				bad(c, "module_parameters", "'%s' must be a string or null", key);
			snprintf(mod, sizeof(mod), "%.*s", (int)(slash - key), key);
			add_param(sc, mod, slash + 1, val ? json_object_get_string(val) : NULL);
		}
	}
}

/* One "fds" entry of a process. */
static void load_fd(const struct fake_scenario *sc, const struct ctx *c, json_object *o,
		    struct fake_fd_cfg *f)
{
	static const char *const keys[] = { "fd", "device", "path", "vduse", "o_path", "flags",
					    NULL };
	json_object *v = get(c, o, "device", json_type_int, false);
	const char *vduse;
	bool o_path;

	check_keys(c, o, keys);
	f->fd = (int)get_int(c, o, "fd", true, 0, 0, 1u << 20);
	f->dev_index = -1;
	if (v) {
		unsigned idx = (unsigned)get_int(c, o, "device", true, 0, 0, (1u << 20) - 1);
		bool found = false;

		for (size_t i = 0; i < sc->ndevs; i++)
			found |= sc->devs[i].has_index && sc->devs[i].index == idx;
		if (!found)
			bad(c, "device", "no device has index %u (/dev/vhost-vdpa-%u)", idx, idx);
		f->dev_index = (int)idx;
	}
	f->path = get(c, o, "path", json_type_string, false) ? get_str(c, o, "path", NULL) : NULL;
	/* "vduse": NAME, a descriptor on /dev/vduse/NAME: the daemon of that VDUSE device */
	f->vduse_dev = -1;
	vduse = get(c, o, "vduse", json_type_string, false) ? get_str(c, o, "vduse", NULL) : NULL;
	for (size_t i = 0; vduse && i < sc->ndevs; i++)
		if (sc->devs[i].vduse_minor && !strcmp(sc->devs[i].name, vduse))
			f->vduse_dev = (int)i;
	if (vduse && f->vduse_dev < 0)
		bad(c, "vduse", "no VDUSE device is called '%s'", vduse);
	if ((f->dev_index >= 0) + (f->path != NULL) + (vduse != NULL) != 1)
		bad(c, "device", "give exactly one of \"device\", \"path\" and \"vduse\"");
	free((char *)vduse);
	if (f->path && f->path[0] != '/')
		bad(c, "path", "must be absolute");
	o_path = get_bool(c, o, "o_path", false, false);
	/* QEMU opens the node O_RDWR (qemu_open() adds O_CLOEXEC); fdinfo adds O_LARGEFILE */
	f->flags = (unsigned)get_int(c, o, "flags", false, o_path ? 012000000 : 02100002, 0,
				     077777777);
	if (o_path)
		f->flags |= 010000000;
}

/* "processes": the host's process table as /proc shows it (fake_proc.c). */
static void load_procs(const struct ctx *c, json_object *root, struct fake_scenario *sc)
{
	static const char *const keys[] = { "pid",	"uid", "comm",	"state",
					    "cmdline", "fds", "exits", NULL };
	static const char *const exits[] = { "never", "fd_dir",	 "fd_link", "fdinfo",
					     "comm",  "cmdline", NULL };
	json_object *a = get(c, root, "processes", json_type_array, false);

	sc->nprocs = a ? json_object_array_length(a) : 0;
	sc->procs = calloc(sc->nprocs ? sc->nprocs : 1, sizeof(*sc->procs));
	if (!sc->procs)
		fake_die("out of memory");
	for (size_t i = 0; i < sc->nprocs; i++) {
		json_object *o = json_object_array_get_idx(a, i), *args, *fds;
		struct fake_proc_cfg *p = &sc->procs[i];
		struct ctx pc = *c;
		char *ex;

		snprintf(pc.where, sizeof(pc.where), "processes[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			bad(c, "processes", "entry %zu is not an object", i);
		check_keys(&pc, o, keys);
		p->pid = (int)get_int(&pc, o, "pid", true, 0, 1, 4194304); /* PID_MAX_LIMIT */
		for (size_t j = 0; j < i; j++)
			if (sc->procs[j].pid == p->pid)
				bad(&pc, "pid", "%d is used by processes[%zu] too", p->pid, j);
		p->uid = (unsigned)get_int(&pc, o, "uid", false, 0, 0, 0xfffffffe);
		p->comm = get_str(&pc, o, "comm", NULL);
		if (strlen(p->comm) > 15) /* TASK_COMM_LEN - 1: the kernel cuts it */
			bad(&pc, "comm", "longer than 15 bytes");
		/* task_state_array[], fs/proc/array.c: R S D T t X Z P I */
		ex = get_str(&pc, o, "state", "S");
		if (strlen(ex) != 1 || !strchr("RSDTtXZPI", ex[0]))
			bad(&pc, "state", "'%s' is not a state letter of /proc/PID/stat", ex);
		p->state = ex[0];
		free(ex);
		args = get(&pc, o, "cmdline", json_type_array, false);
		for (size_t j = 0; args && j < json_object_array_length(args); j++) {
			json_object *s = json_object_array_get_idx(args, j);
			size_t l;

			if (!json_object_is_type(s, json_type_string))
				bad(&pc, "cmdline", "entry %zu is not a string", j);
			l = (size_t)json_object_get_string_len(s);
			p->cmdline = realloc(p->cmdline, p->cmdline_len + l + 1);
			if (!p->cmdline)
				fake_die("out of memory");
			memcpy(p->cmdline + p->cmdline_len, json_object_get_string(s), l + 1);
			p->cmdline_len += l + 1;
		}
		fds = get(&pc, o, "fds", json_type_array, false);
		p->nfds = fds ? json_object_array_length(fds) : 0;
		p->fds = calloc(p->nfds ? p->nfds : 1, sizeof(*p->fds));
		if (!p->fds)
			fake_die("out of memory");
		for (size_t j = 0; j < p->nfds; j++) {
			struct ctx fc = pc;

			snprintf(fc.where, sizeof(fc.where), "processes[%zu].fds[%zu]", i, j);
			load_fd(sc, &fc, json_object_array_get_idx(fds, j), &p->fds[j]);
			for (size_t k = 0; k < j; k++)
				if (p->fds[k].fd == p->fds[j].fd)
					bad(&fc, "fd", "%d is listed twice", p->fds[j].fd);
			/* an open (not O_PATH) file on a node: the device is busy
			 * (drivers/vhost/vdpa.c vhost_vdpa_open()/vhost_vdpa_release()) */
			for (size_t k = 0; p->fds[j].dev_index >= 0 && k < sc->ndevs; k++)
				if (sc->devs[k].has_index &&
				    (int)sc->devs[k].index == p->fds[j].dev_index &&
				    !(p->fds[j].flags & 010000000))
					sc->devs[k].busy = true;
		}
		ex = get_str(&pc, o, "exits", "never");
		p->exit_at = FAKE_EXIT_NEVER;
		for (size_t j = 0; exits[j]; j++)
			if (!strcmp(ex, exits[j]))
				p->exit_at = (enum fake_exit_at)j;
		if (strcmp(ex, exits[p->exit_at]))
			bad(&pc, "exits",
			    "'%s': use never, fd_dir, fd_link, fdinfo, comm or cmdline", ex);
		free(ex);
	}
}

/* parse_file PATH: the scenario's JSON object; a clear error (with the line) for anything else */
static json_object *parse_file(const char *path)
{
	enum json_tokener_error jerr;
	json_tokener *tok = json_tokener_new();
	json_object *root;
	size_t len;
	char *text = slurp(path, &len);

	if (!tok)
		fake_die("out of memory");
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!root || jerr != json_tokener_success) {
		size_t off = json_tokener_get_parse_end(tok), line = 1;
		const char *why = json_tokener_error_desc(jerr);

		if (root)
			why = "trailing data";
		else if (jerr == json_tokener_continue)
			why = "the file ends inside a value"; /* json-c says only "continue" */
		for (size_t i = 0; i < off && i < len; i++)
			line += text[i] == '\n';
		fake_die("scenario %s: line %zu: invalid JSON: %s", path, line, why);
	}
	json_tokener_free(tok);
	free(text);
	if (!json_object_is_type(root, json_type_object))
		fake_die("scenario %s: the top level must be a JSON object", path);
	return root;
}

/* "devices": each one loaded; names and indexes unique; a bound node needs the module */
static void load_devices(const struct ctx *c, json_object *root, struct fake_scenario *sc)
{
	json_object *v = get(c, root, "devices", json_type_array, true);

	sc->ndevs = json_object_array_length(v);
	sc->devs = calloc(sc->ndevs ? sc->ndevs : 1, sizeof(*sc->devs));
	if (!sc->devs)
		fake_die("out of memory");
	for (size_t i = 0; i < sc->ndevs; i++) {
		json_object *o = json_object_array_get_idx(v, i);
		struct ctx dc = *c;

		snprintf(dc.where, sizeof(dc.where), "devices[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			fake_die("scenario %s: %s: must be an object", c->file, dc.where);
		load_device(sc, &dc, o, &sc->devs[i]);
		for (size_t j = 0; j < i; j++) {
			if (sc->devs[i].has_index && sc->devs[j].has_index &&
			    sc->devs[j].index == sc->devs[i].index)
				bad(&dc, "index", "%u is used by devices[%zu] too",
				    sc->devs[i].index, j);
			if (!strcmp(sc->devs[j].name, sc->devs[i].name))
				bad(&dc, "name", "'%s' is used by devices[%zu] too",
				    sc->devs[i].name, j);
		}
		if (sc->devs[i].has_index && !sc->module)
			bad(&dc, "bound_driver",
			    "vhost_vdpa, but the scenario has no vhost-vdpa module");
	}
	/* VDUSE control devices take minors 1, 2, ... in order of creation (vduse_create_dev(),
	 * idr_alloc() from 1; 0 is /dev/vduse/control): here, in the order of the devices */
	for (size_t i = 0, minor = 0; i < sc->ndevs; i++)
		if (sc->devs[i].parent.bus && !strcmp(sc->devs[i].parent.bus, "vduse"))
			sc->devs[i].vduse_minor = (unsigned)++minor;
}

void fake_scenario_load(const char *path, struct fake_scenario *sc)
{
	static const char *const keys[] = { "kernel",
					    "machine",
					    "vhost_vdpa_major",
					    "vhost_vdpa_module",
					    "max_iotlb_entries",
					    "devices",
					    "inject",
					    "delay",
					    "vdpa_bus",
					    "vdpa_netlink",
					    "netlink_family_id",
					    "netlink_u64_pad",
					    "vduse_major",
					    "mgmtdevs",
					    "module_parameters",
					    "netlink_faults",
					    "datapath",
					    "processes",
					    "host_processes",
					    NULL };
	struct ctx c = { .file = path, .where = "" };
	json_object *root;
	bool ok;

	memset(sc, 0, sizeof(*sc));
	sc->path = strdup(path);
	if (!sc->path)
		fake_die("out of memory");
	root = parse_file(path);
	check_keys(&c, root, keys);

	sc->kernel = get_str(&c, root, "kernel", NULL);
	sc->kver = fake_parse_kver(sc->kernel, &ok);
	if (!ok)
		bad(&c, "kernel", "'%s' is not a kernel release like \"6.12.117\"", sc->kernel);
	sc->machine = get_str(&c, root, "machine", "x86_64");
	sc->major = (unsigned)get_int(&c, root, "vhost_vdpa_major", false, 236, 1, 4095);
	sc->module = get_bool(&c, root, "vhost_vdpa_module", false, true);
	sc->max_iotlb_entries =
		(unsigned)get_int(&c, root, "max_iotlb_entries", false, 2048, 1, 1u << 24);

	load_devices(&c, root, sc);

	sc->inject = get_str_array(&c, root, "inject", &sc->ninject);
	sc->delay = get_str_array(&c, root, "delay", &sc->ndelay);
	sc->nl_faults = get_str_array(&c, root, "netlink_faults", &sc->nnl_faults);

	sc->vdpa_bus = get_bool(&c, root, "vdpa_bus", false, true);
	sc->vdpa_netlink = get_bool(&c, root, "vdpa_netlink", false, sc->vdpa_bus);
	if (sc->vdpa_netlink && !sc->vdpa_bus)
		bad(&c, "vdpa_netlink", "the family comes with the vdpa bus (vdpa_bus is false)");
	if (!sc->vdpa_bus && sc->ndevs)
		bad(&c, "vdpa_bus", "false, but there are devices");
	/* measured: 19 (0x13) on the 6.1 and 6.12 test kernels */
	sc->family_id = (uint16_t)get_int(&c, root, "netlink_family_id", false, 19, 0x11, 0xffff);
	/* x86-64, arm64, ppc64, s390 have efficient unaligned access: no pad attributes */
	sc->u64_pad = get_bool(&c, root, "netlink_u64_pad", false,
			       strcmp(sc->machine, "x86_64") && strcmp(sc->machine, "aarch64") &&
				       strcmp(sc->machine, "ppc64le") &&
				       strcmp(sc->machine, "s390x") && strcmp(sc->machine, "i686"));
	sc->vduse_major = (unsigned)get_int(&c, root, "vduse_major", false, 254, 1, 4095);
	sc->datapath = get_bool(&c, root, "datapath", false, false);
	load_mgmtdevs(&c, root, sc);
	load_params(&c, root, sc);
	load_procs(&c, root, sc);
	/* the real /proc instead of the scenario's: no process can hold a fake node there, but a
	 * scan costs what it costs on the host (tests/bench/holder-bench.sh) */
	sc->host_procs = get_bool(&c, root, "host_processes", false, false);
	if (sc->host_procs && sc->nprocs)
		bad(&c, "host_processes", "true, but the scenario lists processes");
	json_object_put(root);
}
