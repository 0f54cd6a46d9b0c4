// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the JSON model rendered from plain structs (output_json.c), no kernel involved. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>

#include "model.h"
#include "output.h"
#include "tap.h"
#include "util.h"

static json_object *render(struct run *r, bool pretty)
{
	struct opts o = { .json = true, .pretty = pretty };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_object *doc;

	run_summarize(r);
	output_json(f, r, &o);
	fclose(f);
	doc = json_tokener_parse(buf);
	ok(doc != NULL, "document parses (%zu bytes)", len);
	ok(len > 0 && buf[len - 1] == '\n', "ends with a newline");
	free(buf);
	return doc;
}

static json_object *at(json_object *o, const char *path)
{
	char *p = xstrdup(path), *save = NULL;

	for (char *t = strtok_r(p, ".", &save); t && o; t = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(t));
		else if (!json_object_object_get_ex(o, t, &o))
			o = (json_object *)-1;
		if (o == (json_object *)-1) {
			free(p);
			return (json_object *)-1; /* missing key */
		}
	}
	free(p);
	return o;
}

static const char *str_at(json_object *o, const char *path)
{
	json_object *v = at(o, path);

	return v && v != (json_object *)-1 ? json_object_get_string(v) : "(null-or-missing)";
}

static void opened_device(void)
{
	struct run r = { .command = "show" };
	struct vdpa_device *d;
	json_object *doc;
	uint8_t cfg[24] = { 1, 2, 3, 4, 5, 0xab, 1, 0, 0, 0, 0xdc, 5 };

	strcpy(r.host.kernel_release, "6.12.117");
	strcpy(r.host.machine, "x86_64");
	d = run_add_device(&r, "vhost-vdpa-0", "/dev/vhost-vdpa-0");
	d->opened = true;
	d->device_id = (struct opt_u64){ true, 1 };
	d->cls = CLASS_NET;
	d->backend_features = (struct opt_u64){ true, 0x17e | (1ull << 12) };
	d->device_features = (struct opt_u64){ true, 0x308830028ull };
	d->status = (struct opt_u64){ true, 0 };
	d->max_vring_size = (struct opt_u64){ true, 256 };
	d->vq_count = (struct opt_u64){ true, 3 };
	d->config_size = (struct opt_u64){ true, 24 };
	d->iova_first = (struct opt_u64){ true, 0 };
	d->iova_last = (struct opt_u64){ true, UINT64_MAX };
	/* address_spaces and groups unsupported on this "kernel" */
	err_add(&d->errors, ERR_UNSUPPORTED, EPERM, d->char_device, "VHOST_VDPA_GET_AS_NUM",
		"limits.address_spaces", "not supported by this kernel or parent driver (EPERM)");
	d->config_raw = xmalloc(sizeof(cfg));
	memcpy(d->config_raw, cfg, sizeof(cfg));
	d->config_len = sizeof(cfg);
	d->config_valid = true;
	d->config = xcalloc(1, sizeof(*d->config));
	cfg_decode(CLASS_NET, d->device_features.v, d->config_raw, d->config_len, d->config);
	r.exit_code = 0;
	r.complete = false;

	doc = render(&r, false);
	is_u64(json_object_get_int(at(doc, "schema_version")), 2, "schema_version 2");
	is_str(str_at(doc, "tool.name"), "vdpactl", "tool name");
	is_str(str_at(doc, "host.kernel_release"), "6.12.117", "kernel release");
	is_str(str_at(doc, "command"), "show", "command");
	ok(!json_object_get_boolean(at(doc, "complete")), "complete false with errors");
	is_str(str_at(doc, "devices.0.backend_features.raw"), "0x000000000000117e",
	       "backend raw is fixed-width hex");
	is_str(json_object_to_json_string(at(doc, "devices.0.backend_features.names")),
	       "[ \"IOTLB_MSG_V2\", \"IOTLB_BATCH\", \"IOTLB_ASID\", \"SUSPEND\", \"RESUME\", "
	       "\"ENABLE_AFTER_DRIVER_OK\", \"IOTLB_PERSIST\" ]",
	       "backend names: names only");
	is_str(json_object_to_json_string(at(doc, "devices.0.backend_features.unknown_bits")),
	       "[ 12 ]", "backend unknown bits: integers only");
	ok(json_object_get_boolean(at(doc, "devices.0.backend_features.iotlb_persist")),
	   "iotlb_persist true");
	is_str(str_at(doc, "devices.0.class"), "net", "class");
	is_str(str_at(doc, "devices.0.status.raw"), "0x00", "status raw");
	ok(at(doc, "devices.0.limits.address_spaces") == NULL, "unsupported field is null");
	ok(at(doc, "devices.0.limits.groups") == NULL, "unread field is null");
	ok(at(doc, "devices.0.vdpa_device") == NULL && at(doc, "devices.0.mgmtdev") == NULL,
	   "discovery fields present and null");
	is_str(str_at(doc, "devices.0.limits.iova_range.last"), "0xffffffffffffffff", "iova last");
	is_str(str_at(doc, "devices.0.errors.0.code"), "unsupported", "error code");
	is_str(str_at(doc, "devices.0.errors.0.errno_name"), "EPERM", "errno name");
	is_str(str_at(doc, "devices.0.errors.0.field"), "limits.address_spaces",
	       "error names field");
	is_str(str_at(doc, "devices.0.config.mac"), "01:02:03:04:05:ab", "mac");
	is_str(str_at(doc, "devices.0.config.status.raw"), "0x0001", "net status raw");
	is_str(json_object_to_json_string(at(doc, "devices.0.config.status.names")),
	       "[ \"LINK_UP\" ]", "net status names");
	is_u64(json_object_get_int(at(doc, "devices.0.config.mtu")), 1500, "mtu");
	ok(at(doc, "devices.0.config.max_virtqueue_pairs") == NULL, "MQ not offered: null");
	is_str(str_at(doc, "devices.0.config.raw_bytes"),
	       "0102030405ab01000000dc05000000000000000000000000", "raw config bytes");
	ok(at(doc, "devices.0.verdict") == NULL, "no verdict for show");
	is_u64(json_object_array_length(at(doc, "devices.0.probes")), 0, "no probes for show");
	is_u64(json_object_get_int(at(doc, "summary.succeeded")), 1, "summary succeeded");
	ok(at(doc, "summary.trusted") == NULL, "no trust counts for show");
	ok(at(doc, "features") == (json_object *)-1,
	   "no features key outside the features command");
	json_object_put(doc);

	run_free(&r);
}

/* failed device: everything null, not omitted */
static void failed_device(void)
{
	struct run r = { .command = "show" };
	struct vdpa_device *d;
	json_object *doc;

	d = run_add_device(&r, "/tmp/x", "/tmp/x");
	d->exit_code = 2;
	err_add(&d->errors, ERR_NOT_VHOST_VDPA, 0, "/tmp/x", NULL, NULL, "not a vhost-vdpa device");
	r.exit_code = 2;
	doc = render(&r, true);
	const char *keys[] = { "backend_features", "device_features", "status",
			       "limits",	   "config",	      "class",
			       "virtio_device_id", "bound_driver" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char path[64];

		snprintf(path, sizeof(path), "devices.0.%s", keys[i]);
		ok(at(doc, path) == NULL, "failed device: %s is null, not omitted", keys[i]);
	}
	ok(at(doc, "devices.0.errors.0.errno") == NULL, "errno null when none applies");
	is_u64(json_object_get_int(at(doc, "exit_code")), 2, "exit_code echoed");
	json_object_put(doc);
	run_free(&r);
}

int main(void)
{
	opened_device();
	failed_device();
	return tap_done();
}
