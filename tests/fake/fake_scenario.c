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

static _Noreturn FAKE_PRINTF(3, 4) void bad(const struct ctx *c, const char *field,
					    const char *fmt, ...)
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
			bad(c, key, "bad hex number '%s' (want e.g. \"0x17e\", at most 64 bits)", s);
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
static uint32_t *get_vq_array(const struct ctx *c, json_object *obj, const char *key,
			      uint32_t nvqs, uint32_t dflt, uint32_t max)
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

static void load_device(const struct fake_scenario *sc, struct ctx *c, json_object *o,
			struct fake_dev_cfg *d)
{
	static const char *const keys[] = {
		"index", "name", "mgmtdev", "parent_driver", "device_id", "device_features",
		"config", "config_size", "config_pad", "vq_num_max", "nvqs", "ngroups", "nas",
		"vq_groups", "vq_desc_groups", "vq_sizes", "iova_range", "dma", "va_mode", "ops",
		"parent_backend_features", "backend_features_override", "features_required",
		"reset_drops_maps", "reset_identity_fallback", "busy", NULL
	};
	static const char *const range_keys[] = { "first", "last", NULL };
	json_object *v;
	size_t given;
	uint8_t *bytes;
	const char *s;
	bool present;

	(void)sc;
	check_keys(c, o, keys);
	d->index = (unsigned)get_int(c, o, "index", true, 0, 0, (1u << 20) - 1);
	d->name = get_str(c, o, "name", NULL);
	d->mgmtdev = get_str(c, o, "mgmtdev", NULL);
	d->parent_driver = get_str(c, o, "parent_driver", NULL);
	d->device_id = (uint32_t)get_int(c, o, "device_id", true, 0, 0, UINT32_MAX);
	d->device_features = get_hex(c, o, "device_features", true, 0, NULL);

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

	d->parent_backend_features = get_hex(c, o, "parent_backend_features", false, 0, NULL);
	d->backend_features_override =
		get_hex(c, o, "backend_features_override", false, 0, &present);
	d->has_override = present;
	d->features_required =
		get_hex(c, o, "features_required", false,
			/* vdpa_sim and mlx5 refuse drivers without ACCESS_PLATFORM
			 * (facts 1.3 VHOST_SET_FEATURES); platform-IOMMU parents
			 * pass features through. */
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

void fake_scenario_load(const char *path, struct fake_scenario *sc)
{
	static const char *const keys[] = { "kernel", "machine", "vhost_vdpa_major",
					    "vhost_vdpa_module", "max_iotlb_entries", "devices",
					    "inject", NULL };
	struct ctx c = { .file = path, .where = "" };
	enum json_tokener_error jerr = json_tokener_success;
	json_tokener *tok;
	json_object *root, *v;
	size_t len;
	char *text = slurp(path, &len);
	bool ok;

	memset(sc, 0, sizeof(*sc));
	sc->path = strdup(path);
	tok = json_tokener_new();
	if (!tok || !sc->path)
		fake_die("out of memory");
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!root || jerr != json_tokener_success) {
		size_t off = json_tokener_get_parse_end(tok), line = 1;

		for (size_t i = 0; i < off && i < len; i++)
			line += text[i] == '\n';
		fake_die("scenario %s: line %zu: invalid JSON: %s", path, line,
			 root ? "trailing data" : json_tokener_error_desc(jerr));
	}
	json_tokener_free(tok);
	free(text);
	if (!json_object_is_type(root, json_type_object))
		fake_die("scenario %s: the top level must be a JSON object", path);
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

	v = get(&c, root, "devices", json_type_array, true);
	sc->ndevs = json_object_array_length(v);
	sc->devs = calloc(sc->ndevs ? sc->ndevs : 1, sizeof(*sc->devs));
	if (!sc->devs)
		fake_die("out of memory");
	for (size_t i = 0; i < sc->ndevs; i++) {
		json_object *o = json_object_array_get_idx(v, i);
		struct ctx dc = c;

		snprintf(dc.where, sizeof(dc.where), "devices[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			fake_die("scenario %s: %s: must be an object", path, dc.where);
		load_device(sc, &dc, o, &sc->devs[i]);
		for (size_t j = 0; j < i; j++)
			if (sc->devs[j].index == sc->devs[i].index)
				bad(&dc, "index", "%u is used by devices[%zu] too",
				    sc->devs[i].index, j);
	}

	v = get(&c, root, "inject", json_type_array, false);
	if (v) {
		sc->ninject = json_object_array_length(v);
		sc->inject = calloc(sc->ninject ? sc->ninject : 1, sizeof(char *));
		if (!sc->inject)
			fake_die("out of memory");
		for (size_t i = 0; i < sc->ninject; i++) {
			json_object *e = json_object_array_get_idx(v, i);

			if (!json_object_is_type(e, json_type_string))
				bad(&c, "inject", "entry %zu is not a string", i);
			sc->inject[i] = strdup(json_object_get_string(e));
			if (!sc->inject[i])
				fake_die("out of memory");
		}
	}
	json_object_put(root);
}
