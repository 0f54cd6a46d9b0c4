// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_probe.c - "vdpactl probe" and "vdpactl check": open each device, identify it, optionally
 * run the control-plane probe, and compute a verdict per device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "collect.h"
#include "compat.h"
#include "exitcode.h"
#include "probe.h"
#include "signals.h"
#include "util.h"
#include "vhost.h"

#define BIT(n) (UINT64_C(1) << (n))

static void fill_advertised(struct vdpa_device *d)
{
	struct check_result *c = &d->vin.checks[CHK_IOTLB_PERSIST_ADVERTISED];
	bool offered = d->backend_features.v & BIT(VHOST_BACKEND_F_IOTLB_PERSIST);

	c->state = offered ? CS_PASS : CS_FAIL;
	c->advertised = offered;
	c->observed = -1;
	c->evidence[0] = "identify";
	c->n_evidence = 1;
	snprintf(c->detail, sizeof(c->detail), "backend features 0x%llx %s bit 8",
		 (unsigned long long)d->backend_features.v, offered ? "include" : "lack");
}

/* First error message of a device (for "could not be examined: ..."). */
static const char *first_error(const struct vdpa_device *d)
{
	for (size_t i = 0; i < d->errors.n; i++)
		if (!d->errors.v[i].field)
			return d->errors.v[i].message;
	return d->errors.n ? d->errors.v[0].message : NULL;
}

static const char *parent_name(const struct vdpa_device *d);

static enum outcome evaluate(struct run *r, struct vdpa_device *d, const struct opts *o,
			     const struct discovery *dv, int vmajor, bool run_probe)
{
	struct verdict_input *vin = &d->vin;
	uint64_t t0 = now_us();
	int fd, rc;

	memset(vin, 0, sizeof(*vin));
	vin->kernel_release = r->host.kernel_release;
	d->evaluated = true;
	if (o->has_require)
		d->required = o->require;

	rc = vhost_open(d->char_device, vmajor, run_probe, &fd, &d->errors);
	annotate(dv, d);
	vin->parent_driver = parent_name(d);
	if (rc) {
		probe_add(d, "open", PR_FAIL, now_us() - t0,
			  d->errors.n ? d->errors.v[d->errors.n - 1].errnum : 0, "%s",
			  first_error(d) ? first_error(d) : "failed");
		d->exit_code = rc;
		vin->failure = first_error(d);
		vin->failure_exit = rc;
		verdict_compute(vin, &d->verdict);
		return OUT_FAILED;
	}
	probe_add(d, "open", PR_PASS, now_us() - t0, 0, "%s", run_probe ? "O_RDWR" : "O_RDONLY");

	t0 = now_us();
	rc = collect_device(d, fd);
	vin->identified = d->backend_features.valid;
	probe_add(d, "identify", vin->identified ? PR_PASS : PR_FAIL, now_us() - t0,
		  vin->identified ? 0 : EINVAL,
		  vin->identified ? "device id, features, limits" : "backend features unreadable");
	if (!rc && vin->identified) {
		vin->persist_offered = d->backend_features.v & BIT(VHOST_BACKEND_F_IOTLB_PERSIST);
		fill_advertised(d);
		if (run_probe)
			rc = probe_control(d, fd);
	} else if (!vin->identified) {
		vin->failure = "VHOST_GET_BACKEND_FEATURES is not available";
	}
	vhost_close(fd);
	d->exit_code = rc;
	verdict_compute(vin, &d->verdict);
	if (rc)
		return OUT_FAILED;

	if (o->has_require) {
		d->required = o->require;
		d->required_missing =
			o->require & ~(d->backend_features.valid ? d->backend_features.v : 0);
		/* with --probe, an offered IOTLB_PERSIST that SET refused is not really there */
		if ((o->require & BIT(VHOST_BACKEND_F_IOTLB_PERSIST)) && run_probe &&
		    vin->checks[CHK_IOTLB_PERSIST_ACCEPTED].state == CS_FAIL)
			d->required_missing |= BIT(VHOST_BACKEND_F_IOTLB_PERSIST);
		if (d->required_missing)
			return OUT_UNTRUSTED;
		return d->verdict.status == VS_UNKNOWN ? OUT_UNKNOWN : OUT_TRUSTED;
	}
	switch (d->verdict.status) {
	case VS_TRUSTED:
		return OUT_TRUSTED;
	case VS_UNTRUSTED:
		return OUT_UNTRUSTED;
	default:
		return OUT_UNKNOWN;
	}
}

/*
 * The name the verdict gives the parent driver: the management device's driver for devices
 * without a parent device (vdpasim_net, vduse), else the parent device's driver.
 */
static const char *parent_name(const struct vdpa_device *d)
{
	if (d->parent_driver)
		return d->parent_driver;
	return d->mgmtdev;
}

static int run_evaluation(struct run *r, const struct opts *o, bool run_probe)
{
	struct err_list scratch = { 0 };
	struct opts sel = *o;
	struct dev_outcome *out;
	struct discovery dv;
	int vmajor, rc;

	r->evaluates = true;
	if (!o->all && !o->n_args && r->command && !strcmp(r->command, "check"))
		sel.all = true;
	discovery_load(&dv, false, &scratch);
	err_list_free(&scratch);
	rc = select_devices(r, &sel, &dv, &vmajor);
	if (rc) {
		discovery_free(&dv);
		return rc;
	}
	out = xcalloc(r->n_dev, sizeof(*out));
	for (size_t i = 0; i < r->n_dev; i++) {
		struct vdpa_device *d = &r->dev[i];

		if (vd_signal) {
			d->exit_code = signals_exit_code();
			out[i] = (struct dev_outcome){ OUT_FAILED, d->exit_code };
			continue;
		}
		out[i].outcome = evaluate(r, d, o, &dv, vmajor, run_probe);
		out[i].code = d->exit_code;
	}
	rc = signals_exit_code();
	if (!rc)
		rc = exit_evaluated(out, r->n_dev);
	free(out);
	discovery_free(&dv);
	return rc;
}

int cmd_probe(struct run *r, const struct opts *o)
{
	return run_evaluation(r, o, true);
}

int cmd_check(struct run *r, const struct opts *o)
{
	return run_evaluation(r, o, o->probe);
}
