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
#include "datapath.h"
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

static void dp_check(struct vdpa_device *d, enum check_id id, const struct dp_outcome *o,
		     bool after, const char *e1, const char *e2)
{
	struct check_result *c = &d->vin.checks[id];
	bool ok = after ? o->after_ok : o->before_ok;
	bool ran = after ? o->after_run : o->ran;

	c->advertised = id == CHK_DATAPATH_BEFORE_RESET ? -1 : d->vin.persist_offered;
	c->observed = ran ? ok : -1;
	c->state = !ran ? CS_SKIPPED : ok ? CS_PASS : CS_FAIL;
	c->evidence[c->n_evidence++] = e1;
	if (e2)
		c->evidence[c->n_evidence++] = e2;
	snprintf(c->detail, sizeof(c->detail), "%s",
		 after || !o->before_detail[0] ? o->detail : o->before_detail);
}

/*
 * Data-path verification (spec 5.3): one run with IOTLB_PERSIST acked when it is offered (the
 * promise; the verdict rests on it) and, when offered, one without (what older userspace gets).
 */
static int datapath(struct run *r, struct vdpa_device *d, const struct opts *o,
		    const struct discovery *dv, int vmajor)
{
	struct dp_params p = { .mode = (enum dp_mode)o->datapath, .timeout_s = o->timeout };
	struct dp_outcome first, second;
	enum dp_guard guard;
	const char *why = NULL;
	int rc;

	p.unsafe_identity_iova = getenv("VDPACTL_TEST_UNSAFE_IDENTITY_IOVA") != NULL;
	if (p.mode == DP_OFF)
		return 0;
	if (d->cls == CLASS_UNKNOWN)
		why = "the device class has no data-path test (net and block only)";
	else if (p.mode == DP_AUTO && !dp_is_simulator(d->mgmtdev))
		why = d->mgmtdev == NULL
			      ? "management device unknown (no vdpa netlink): not run by default; "
				"--datapath=force runs it"
		      : d->cls == CLASS_NET
			      ? "not a simulator: it would send a frame through real hardware onto "
				"its network; --datapath=force runs it"
			      : "not a simulator: it would read a block of a real disk; "
				"--datapath=force runs it";
	if (why) {
		probe_add(d, "datapath", PR_SKIPPED, 0, 0, "%s", why);
		return 0;
	}
	if (p.mode == DP_FORCE && !dp_is_simulator(d->mgmtdev))
		fprintf(stderr,
			"vdpactl: %s: warning: --datapath=force %s through the real device\n",
			d->char_device,
			d->cls == CLASS_NET ? "sends a broadcast frame (ethertype 0x88b5)"
					    : "reads sector 0");
	guard = dp_guard_for(d->mgmtdev, d->parent_driver, dv->params.vdpa_sim_use_va,
			     r->host.kernel_release);
	rc = dp_run(d, vmajor, d->vin.persist_offered, guard, &p, "dp", &first);
	if (first.ran || first.detail[0]) {
		dp_check(d, CHK_DATAPATH_BEFORE_RESET, &first, false,
			 d->vin.persist_offered ? "dp_before_reset" : "dp_compat_before_reset",
			 NULL);
		if (first.before_ok) {
			dp_check(d, CHK_DATAPATH_AFTER_RESET, &first, true,
				 d->vin.persist_offered ? "dp_reset" : "dp_compat_reset",
				 d->vin.persist_offered ? "dp_after_reset"
							: "dp_compat_after_reset");
			d->vin.dp_before = 1;
			d->vin.dp_after = first.after_run ? first.after_ok : -1;
		} else {
			d->vin.dp_before = 0;
		}
	}
	if (rc || !d->vin.persist_offered || !first.before_ok)
		return rc;
	rc = dp_run(d, vmajor, false, guard, &p, "dp_compat", &second);
	if (second.after_run) {
		dp_check(d, CHK_DATAPATH_AFTER_RESET_COMPAT, &second, true, "dp_compat_reset",
			 "dp_compat_after_reset");
		d->vin.dp_compat_after = second.after_ok;
	}
	return rc;
}

static enum outcome evaluate(struct run *r, struct vdpa_device *d, const struct opts *o,
			     const struct discovery *dv, int vmajor, bool run_probe)
{
	struct verdict_input *vin = &d->vin;
	uint64_t t0 = now_us();
	int fd, rc;

	memset(vin, 0, sizeof(*vin));
	vin->dp_before = vin->dp_after = vin->dp_compat_after = -1;
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
	if (!rc && run_probe && vin->identified && !vin->probe_incomplete)
		rc = datapath(r, d, o, dv, vmajor);
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
