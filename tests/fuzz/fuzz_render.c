// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_render.c - the renderers with hostile strings: a run whose device names, paths, driver
 * names, notes, error messages, verdict reasons and probe details come from the input, rendered
 * as JSON (src/output_json.c), text (output_text.c) and Prometheus metrics (output_prom.c).
 *
 * Input: NUL-separated strings, used in turn for the fields above; the first byte chooses the
 * command shape (list, show, probe, check with --require).
 * Invariants: the JSON document parses with json-c's strict tokener and is valid UTF-8 as a
 * whole; the text and the metrics hold no control character but newline (no ESC, no CR, no
 * C1 control) and are valid UTF-8; every metrics line outside a label value has the shape
 * "name{...} value" or "# HELP/TYPE".
 */
#include <json-c/json.h>
#include <stdbool.h>

#include "cmd.h"
#include "fuzz.h"
#include "output.h"
#include "output_prom.h"
#include "probe.h"
#include "util.h"

static bool valid_utf8(const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = utf8_seq_len((const unsigned char *)s + i);

		if (!n || i + n > len)
			return false;
		i += n;
	}
	return true;
}

/* no control character but newline; no C1 control (U+0080..U+009F) */
static bool clean_text(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return false;
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] < 0xa0)
			return false;
	}
	return valid_utf8(s, len);
}

/* the next NUL-terminated piece of the input, or "" when it ran out */
static char *next(const char **p, const char *end)
{
	const char *s = *p;
	size_t n = 0;

	while (s + n < end && s[n])
		n++;
	*p = s + n < end ? s + n + 1 : end;
	return fuzz_strdup((const uint8_t *)s, n);
}

static void fill(struct run *r, const char *in, size_t size)
{
	const char *p = in + 1, *end = in + size;
	struct vdpa_device *d;

	for (int k = 0; k < 2 && p < end; k++) {
		char *arg = next(&p, end), *path = next(&p, end);

		d = run_add_device(r, arg, path);
		free(arg);
		free(path);
		d->vdpa_device = next(&p, end);
		d->mgmtdev = next(&p, end);
		d->parent_driver = next(&p, end);
		d->bound_driver = next(&p, end);
		d->note = next(&p, end);
		d->opened = true;
		d->backend_features.valid = true;
		d->backend_features.v = 0x17e;
		{
			char *m = next(&p, end), *op = next(&p, end);

			err_add(&d->errors, ERR_INCOMPLETE, 5, d->char_device, op, NULL, "%s", m);
			free(m);
			free(op);
		}
		char *why = next(&p, end);

		d->verdict.status = (enum verdict_status)(1 + (in[0] & 3) % 3);
		d->verdict.basis = (enum verdict_basis)((in[0] >> 2) & 3);
		snprintf(d->verdict.reason, sizeof(d->verdict.reason), "%s", why);
		probe_add(d, STEP_DATAPATH, PR_FAIL, 0, 0, "%s", why);
		d->vin = xcalloc(1, sizeof(*d->vin));
		d->vin->checks[0].state = CS_FAIL;
		snprintf(d->vin->checks[0].detail, sizeof(d->vin->checks[0].detail), "%s", why);
		free(why);
		d->required = (in[0] & 16) ? 0x100 : 0;
		d->required_missing = d->required;
		d->exit_code = (in[0] & 32) ? 10 : 0;
	}
}

static void check_json(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *doc;

	FUZZ_CHECK(valid_utf8(buf, len));
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, buf, (int)len);
	FUZZ_CHECK(doc != NULL);
	json_object_put(doc);
	json_tokener_free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct opts o = { .verbose = true };
	struct metrics_run m = { .source = "list", .version = "0" };
	struct run r = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (size < 1 || size > 4096)
		return -1;
	r.command = "probe";
	r.evaluates = !(data[0] & 64);
	r.listing = !r.evaluates;
	r.gate_lines = data[0] & 128;
	snprintf(r.host.kernel_release, sizeof(r.host.kernel_release), "6.12.117");
	snprintf(r.host.machine, sizeof(r.host.machine), "x86_64");
	fill(&r, (const char *)data, size);
	run_summarize(&r);

	f = open_memstream(&buf, &len);
	output_json(f, &r, &o);
	fclose(f);
	check_json(buf, len);
	free(buf);

	f = open_memstream(&buf, &len);
	output_text(f, &r, &o);
	fclose(f);
	FUZZ_CHECK(clean_text(buf, len));
	free(buf);

	f = open_memstream(&buf, &len);
	output_prom(f, &r, &m);
	fclose(f);
	FUZZ_CHECK(clean_text(buf, len));
	free(buf);
	run_free(&r);
	return 0;
}
