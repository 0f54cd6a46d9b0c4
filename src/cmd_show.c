// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_show.c - "vdpactl show DEV... | --all": open each device, read it, close it */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "collect.h"
#include "discovery.h"
#include "exitcode.h"
#include "signals.h"
#include "util.h"
#include "vhost.h"

int cmd_show(struct run *r, const struct opts *o)
{
	struct err_list scratch = { 0 };
	struct discovery dv;
	int vmajor, rc, *codes;

	/* named devices: only those are looked up, whatever the size of the host */
	if (o->all)
		discovery_load(&dv, false, &scratch);
	else
		discovery_load_args(&dv, o->args, o->n_args, &scratch);
	err_list_free(&scratch);
	rc = select_devices(r, o, &dv, &vmajor);
	if (rc) {
		discovery_free(&dv);
		return rc;
	}
	codes = xcalloc(r->n_dev, sizeof(int));
	vduse_scan_run(&dv); /* the daemons of VDUSE devices, before any is opened */
	for (size_t i = 0; i < r->n_dev; i++) {
		struct vdpa_device *d = &r->dev[i];
		struct open_gate g = { &dv, d };
		struct vhost_gate gate = { open_gate_fn, &g };
		struct stat st;
		int fd;

		if (vd_signal) {
			codes[i] = d->exit_code = signals_exit_code();
			continue;
		}
		d->exit_code = vduse_open_failed(d, vhost_open_gated(d->char_device, vmajor, false,
								     &fd, &st, &d->errors, &gate));
		annotate(&dv, d, &st);
		device_predict(d, r->host.kernel_release);
		if (d->exit_code == 0) {
			d->exit_code = collect_device(d, fd);
			vhost_close(fd);
		}
		codes[i] = d->exit_code;
	}
	holder_attach(r, false); /* who holds the busy ones */
	rc = signals_exit_code();
	if (!rc)
		rc = exit_combine(codes, r->n_dev);
	free(codes);
	discovery_free(&dv);
	return rc;
}
