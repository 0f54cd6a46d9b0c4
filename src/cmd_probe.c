// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_probe.c - "vdpactl probe" and "vdpactl check": open each device, identify it, optionally
 * run the control-plane probe and the data path, then (once every device is done) compute the
 * verdicts from the evidence and the gate of --require.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Does the advertisement agree with the table of parent drivers? A finding when not. */
static void fill_prediction(struct vdpa_device *d, bool offered)
{
	struct check_result *c = &d->vin->checks[CHK_PREDICTION_AGREES];
	const struct prediction *p = &d->prediction;

	c->advertised = offered;
	c->evidence[0] = step_key(STEP_IDENTIFY);
	c->n_evidence = 1;
	if (p->status == VS_UNKNOWN) {
		c->state = CS_SKIPPED;
		c->observed = -1;
		snprintf(c->detail, sizeof(c->detail), "no prediction: %.170s", p->reason);
		return;
	}
	c->observed = p->status == VS_TRUSTED;
	c->state = c->observed == offered ? CS_PASS : CS_FAIL;
	snprintf(c->detail, sizeof(c->detail), "%s; the device %s it",
		 p->status == VS_TRUSTED ? "the table predicts IOTLB_PERSIST"
					 : "the table predicts no IOTLB_PERSIST",
		 offered ? "offers" : "does not offer");
}

static void fill_advertised(struct vdpa_device *d)
{
	struct check_result *c = &d->vin->checks[CHK_IOTLB_PERSIST_ADVERTISED];
	bool offered = d->backend_features.v & BIT(VHOST_BACKEND_F_IOTLB_PERSIST);

	c->state = offered ? CS_PASS : CS_FAIL;
	c->advertised = offered;
	c->observed = -1;
	c->evidence[0] = step_key(STEP_IDENTIFY);
	c->n_evidence = 1;
	snprintf(c->detail, sizeof(c->detail), "backend features 0x%llx %s bit 8",
		 (unsigned long long)d->backend_features.v, offered ? "include" : "lack");
	fill_prediction(d, offered);
}

/* The error recorded for @field, or the first error without a field. */
static const struct vd_error *find_error(const struct vdpa_device *d, const char *field)
{
	for (size_t i = 0; i < d->errors.n; i++) {
		const char *f = d->errors.v[i].field;

		if (field ? f && !strcmp(f, field) : !f)
			return &d->errors.v[i];
	}
	return NULL;
}

/*
 * The name the verdict gives the parent driver: the management device's driver for devices
 * without a parent device (vdpasim_net, vduse), else the parent device's driver.
 */
static const char *parent_name(const struct vdpa_device *d)
{
	return d->parent_driver ? d->parent_driver : d->mgmtdev;
}

static void dp_check(struct vdpa_device *d, enum check_id id, const struct dp_outcome *o,
		     bool after, enum step_id e1, int e2)
{
	struct check_result *c = &d->vin->checks[id];
	bool ok = after ? o->after_ok : o->before_ok;
	bool ran = after ? o->after_run : o->ran;

	c->advertised = id == CHK_DATAPATH_BEFORE_RESET ? -1 : d->vin->persist_offered;
	c->observed = ran ? ok : -1;
	c->state = !ran ? CS_SKIPPED : ok ? CS_PASS : CS_FAIL;
	c->evidence[c->n_evidence++] = step_key(e1);
	if (e2 >= 0)
		c->evidence[c->n_evidence++] = step_key((enum step_id)e2);
	snprintf(c->detail, sizeof(c->detail), "%s",
		 after || !o->before_detail[0] ? o->detail : o->before_detail);
}

/* Why the data path does not run at all on @d (not applicable, or not asked for); NULL: run. */
static const char *dp_not_applicable(const struct vdpa_device *d, enum dp_mode mode)
{
	if (mode == DP_OFF)
		return "";
	if (d->cls == CLASS_UNKNOWN)
		return "the device class has no data-path test (net and block only)";
	if (mode == DP_FORCE || dp_is_simulator(d->mgmtdev))
		return NULL;
	if (!d->mgmtdev)
		return "management device unknown (no vdpa netlink): not run by default; "
		       "--datapath=force runs it";
	return d->cls == CLASS_NET ? "not a simulator: it would send a frame through real hardware "
				     "onto its network; --datapath=force runs it"
				   : "not a simulator: it would read a block of a real disk; "
				     "--datapath=force runs it";
}

static void dp_record(struct vdpa_device *d, const struct dp_outcome *first)
{
	const struct dp_steps *st = dp_steps_for(d->vin->persist_offered);

	if (!first->ran && !first->detail[0])
		return;
	dp_check(d, CHK_DATAPATH_BEFORE_RESET, first, false, st->before, -1);
	d->vin->dp_before = first->before_ok;
	if (first->before_ok) {
		dp_check(d, CHK_DATAPATH_AFTER_RESET, first, true, st->reset, (int)st->after);
		d->vin->dp_after = first->after_run ? first->after_ok : -1;
	}
	if (!first->after_run) {
		snprintf(d->dp_failure, sizeof(d->dp_failure), "%s", first->detail);
		d->vin->dp_missing = d->dp_failure;
	}
}

/* The closed-owner check: a finding of its own, never a reason for the verdict's status. */
static void owner_record(struct vdpa_device *d, const struct dp_outcome *o)
{
	struct check_result *c = &d->vin->checks[CHK_MAPPINGS_DROPPED_ON_CLOSE];

	c->advertised = -1;
	c->observed = o->owner_dropped;
	c->state = o->owner_dropped < 0 ? CS_SKIPPED : o->owner_dropped ? CS_PASS : CS_FAIL;
	if (o->owner_ran) {
		c->evidence[c->n_evidence++] = step_key(STEP_DPO_REOPEN);
		c->evidence[c->n_evidence++] = step_key(STEP_DPO_AFTER_CLOSE);
	}
	if (!o->owner_detail[0])
		snprintf(c->detail, sizeof(c->detail), "not run: %s",
			 vd_signal ? "interrupted by a signal"
				   : "the data path did not complete its control round trip");
	else
		snprintf(c->detail, sizeof(c->detail), "%s%.170s",
			 vd_signal && o->owner_dropped < 0 &&
					 strncmp(o->owner_detail, "interrupted", 11)
				 ? "interrupted by a signal: "
				 : "",
			 o->owner_detail);
}

/*
 * Data-path verification: one run with IOTLB_PERSIST acked when it is offered (the promise; the
 * verdict rests on it) and, when offered, one without (what older userspace gets).
 */
static void datapath(struct run *r, struct vdpa_device *d, const struct opts *o,
		     const struct discovery *dv, int vmajor)
{
	struct dp_params p = { .mode = (enum dp_mode)o->datapath, .timeout_s = o->timeout };
	const char *why = dp_not_applicable(d, p.mode);
	struct dp_outcome first, second;
	enum dp_guard guard;

#ifdef VDPACTL_TEST_HOOKS
	p.unsafe_identity_iova = getenv("VDPACTL_TEST_UNSAFE_IDENTITY_IOVA") != NULL;
#endif
	if (why) {
		if (why[0])
			probe_add(d, STEP_DATAPATH, PR_SKIPPED, 0, 0, "%s", why);
		return;
	}
	/* warned after the evaluation, in device order (evaluate_all) */
	d->dp_forced_real = p.mode == DP_FORCE && !dp_is_simulator(d->mgmtdev);
	guard = dp_guard_for(d->mgmtdev, d->parent_driver, dv->params.vdpa_sim_use_va,
			     r->host.kernel_release);
	/* the closed-owner check follows the last run: the only one, or the one without the bit */
	p.owner_check = !d->vin->persist_offered;
	p.physical = dp_entries_physical(d->mgmtdev, d->parent_driver, dv->params.vdpa_sim_use_va);
	dp_run(d, vmajor, d->vin->persist_offered, guard, &p, &first);
	dp_record(d, &first);
	if (vd_signal || !d->vin->persist_offered || !first.before_ok) {
		owner_record(d, &first);
		return;
	}
	p.compat = true; /* informational: it waits as long as its control run suggests */
	p.owner_check = true;
	dp_run(d, vmajor, false, guard, &p, &second);
	if (second.after_run) {
		dp_check(d, CHK_DATAPATH_AFTER_RESET_COMPAT, &second, true, STEP_DPC_RESET,
			 STEP_DPC_AFTER);
		d->vin->dp_compat_after = second.after_ok;
	}
	owner_record(d, &second);
}

/* Open and identify. 0 with *fd open, or the device's exit code (the reason in vin.failure). */
static int open_identify(struct vdpa_device *d, const struct discovery *dv, int vmajor, bool rdwr,
			 int *fd)
{
	struct verdict_input *vin = d->vin;
	const struct vd_error *e;
	uint64_t t0 = now_us();
	struct open_gate g = { dv, d };
	struct vhost_gate gate = { open_gate_fn, &g };
	struct stat st;
	int rc = vduse_open_failed(
		d, vhost_open_gated(d->char_device, vmajor, rdwr, fd, &st, &d->errors, &gate));

	annotate(dv, d, &st);
	device_predict(d, vin->kernel_release);
	vin->parent_driver = parent_name(d);
	if (rc) {
		e = find_error(d, NULL);
		probe_add(d, STEP_OPEN, PR_FAIL, now_us() - t0, e ? e->errnum : 0, "%s",
			  e ? e->message : "failed");
		vin->failure = e ? e->message : NULL;
		return vin->failure_exit = rc;
	}
	probe_add(d, STEP_OPEN, PR_PASS, now_us() - t0, 0, "%s", rdwr ? "O_RDWR" : "O_RDONLY");
	t0 = now_us();
	collect_device(d, *fd);
	vin->identified = d->backend_features.valid && !vd_signal;
	if (vin->identified) {
		probe_add(d, STEP_IDENTIFY, PR_PASS, now_us() - t0, 0,
			  "device id, features, limits");
		vin->persist_offered = d->backend_features.v & BIT(VHOST_BACKEND_F_IOTLB_PERSIST);
		fill_advertised(d);
		return 0;
	}
	e = find_error(d, "backend_features");
	probe_add(d, STEP_IDENTIFY, PR_FAIL, now_us() - t0, e ? e->errnum : 0,
		  "backend features unreadable");
	snprintf(d->probe_failure, sizeof(d->probe_failure), "%s: %s",
		 e && e->op ? e->op : "VHOST_GET_BACKEND_FEATURES", e ? e->message : "failed");
	vin->failure = d->probe_failure;
	vin->failure_exit = e ? err_code_exit(e->code) : VD_EXIT_INTERNAL;
	vhost_close(*fd);
	*fd = -1;
	return vin->failure_exit;
}

/* Gather the evidence of one device. The verdict comes later, from judge(). */
static void evaluate(struct run *r, struct vdpa_device *d, const struct opts *o,
		     const struct discovery *dv, int vmajor, bool run_probe)
{
	int fd = -1;

	if (o->has_require)
		d->required = o->require;
	d->exit_code = open_identify(d, dv, vmajor, run_probe, &fd);
	if (!d->exit_code && run_probe)
		probe_control(d, fd);
	vhost_close(fd);
	if (!d->exit_code && run_probe && !vd_signal && !d->vin->probe_incomplete)
		datapath(r, d, o, dv, vmajor);
	d->interrupted = vd_signal != 0;
}

/* Another device of this run that offers IOTLB_PERSIST (the kernel has it), or NULL. */
static const char *host_offers_persist(const struct run *r, const struct vdpa_device *self)
{
	for (size_t i = 0; i < r->n_dev; i++) {
		const struct vdpa_device *d = &r->dev[i];

		if (d != self && d->vin->identified && d->vin->persist_offered)
			return d->name;
	}
	return NULL;
}

/* --require: the bits that are not there (with a probe, a refused IOTLB_PERSIST is not). */
static uint64_t missing(const struct vdpa_device *d, bool run_probe)
{
	uint64_t m = d->required & ~(d->backend_features.valid ? d->backend_features.v : 0);

	if ((d->required & BIT(VHOST_BACKEND_F_IOTLB_PERSIST)) && run_probe &&
	    d->vin->checks[CHK_IOTLB_PERSIST_ACCEPTED].state == CS_FAIL)
		m |= BIT(VHOST_BACKEND_F_IOTLB_PERSIST);
	return m;
}

/* Verdicts from the evidence; per-device exit codes: the verdict, then --require on top. */
static void judge(struct run *r, bool run_probe)
{
	for (size_t i = 0; i < r->n_dev; i++) {
		struct vdpa_device *d = &r->dev[i];

		if (d->interrupted) {
			d->exit_code = signals_exit_code();
			continue;
		}
		d->vin->host_persist_by = host_offers_persist(r, d);
		verdict_compute(d->vin, &d->verdict);
		d->required_missing = d->vin->identified ? missing(d, run_probe) : 0;
		if (d->exit_code)
			continue; /* could not be examined: its failure code */
		if (d->verdict.status == VS_UNTRUSTED || d->required_missing)
			d->exit_code = VD_EXIT_UNTRUSTED;
		else if (d->verdict.status == VS_UNKNOWN)
			d->exit_code = VD_EXIT_UNKNOWN;
	}
}

static int combine(const struct run *r)
{
	struct dev_outcome *out = xcalloc(r->n_dev, sizeof(*out));
	int rc;

	for (size_t i = 0; i < r->n_dev; i++) {
		int c = r->dev[i].exit_code;

		out[i].code = c;
		out[i].outcome = c == 0			  ? OUT_TRUSTED
				 : c == VD_EXIT_UNTRUSTED ? OUT_UNTRUSTED
				 : c == VD_EXIT_UNKNOWN	  ? OUT_UNKNOWN
							  : OUT_FAILED;
	}
	rc = exit_evaluated(out, r->n_dev);
	free(out);
	return rc;
}

/*
 * Devices are evaluated --jobs at a time: a probe spends nearly all its time waiting (a data
 * path round trip that never comes back waits its whole timeout), and the waits of different
 * devices overlap. Each device's evidence lives in its own struct vdpa_device, so the result
 * is the same as one after the other; output and verdicts come after every worker ended.
 */
struct pool {
	struct run *r;
	const struct opts *o;
	const struct discovery *dv;
	int vmajor;
	bool run_probe;
	size_t next; /* the next device to take */
};

static void *pool_worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&p->next, 1, __ATOMIC_SEQ_CST)) < p->r->n_dev) {
		if (vd_signal)
			p->r->dev[i].interrupted = true; /* never started */
		else
			evaluate(p->r, &p->r->dev[i], p->o, p->dv, p->vmajor, p->run_probe);
	}
	return NULL;
}

/*
 * Evaluate every device with up to o->jobs workers, the calling thread one of them. Only the data
 * path waits; without it (check without --probe, probe --datapath=off) devices go one after the
 * other: there is nothing to overlap, and devices at once would only hold each node open longer
 * (tests/bench/hold-bench.sh, 64 devices: longest window 0.1 s at once against 2 ms in turn).
 */
static void evaluate_all(struct run *r, const struct opts *o, const struct discovery *dv,
			 int vmajor, bool run_probe)
{
	struct pool p = { r, o, dv, vmajor, run_probe, 0 };

	/* every device's evidence record, also for those a signal stops before they start */
	for (size_t i = 0; i < r->n_dev; i++) {
		struct verdict_input *vin = r->dev[i].vin = xcalloc(1, sizeof(*vin));

		vin->dp_before = vin->dp_after = vin->dp_compat_after = -1;
		vin->kernel_release = r->host.kernel_release;
	}
	bool waits = run_probe && o->datapath != DP_OFF;
	size_t workers = !waits ? 1 : o->jobs < r->n_dev ? o->jobs : r->n_dev;
	size_t want = workers > 1 ? workers - 1 : 0, n = 0;
	pthread_t tid[DP_MAX_CONCURRENT];
	sigset_t block, old;

	/* SIGINT and SIGTERM reach this thread only; the workers see vd_signal */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	while (n < want && n < ARRAY_SIZE(tid) &&
	       pthread_create(&tid[n], NULL, pool_worker, &p) == 0)
		n++; /* fewer threads than asked (no resources): the others take more devices */
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pool_worker(&p);
	for (size_t i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	for (size_t i = 0; i < r->n_dev; i++)
		if (r->dev[i].dp_forced_real)
			fprintf(stderr,
				"vdpactl: %s: warning: --datapath=force %s through the real "
				"device\n",
				esc(r->dev[i].char_device),
				r->dev[i].cls == CLASS_NET
					? "sends a broadcast frame (ethertype 0x88b5)"
					: "reads sector 0");
}

static int run_evaluation(struct run *r, const struct opts *o, bool run_probe)
{
	struct err_list scratch = { 0 };
	struct opts sel = *o;
	struct discovery dv;
	int vmajor, rc;

	r->evaluates = true;
	if (!o->all && !o->n_args && (o->cmd_flags & CMD_DEFAULT_ALL))
		sel.all = true;
	/* named devices: only those are looked up, whatever the size of the host */
	if (sel.all)
		discovery_load(&dv, false, &scratch);
	else
		discovery_load_args(&dv, sel.args, sel.n_args, &scratch);
	err_list_free(&scratch);
	rc = select_devices(r, &sel, &dv, &vmajor);
	if (rc) {
		discovery_free(&dv);
		return rc;
	}
	vduse_scan_run(&dv); /* the daemons of VDUSE devices, before any is opened */
	evaluate_all(r, o, &dv, vmajor, run_probe);
	holder_attach(r, false); /* who holds the busy ones; before judge(): reasons name them */
	judge(r, run_probe);
	discovery_free(&dv);
	rc = signals_exit_code();
	return rc ? rc : combine(r);
}

int cmd_probe(struct run *r, const struct opts *o)
{
	return run_evaluation(r, o, true);
}

int cmd_check(struct run *r, const struct opts *o)
{
	r->gate_lines = true;
	return run_evaluation(r, o, o->probe);
}
