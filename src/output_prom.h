/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output_prom.h - render a run as Prometheus metrics (output_prom.c) */
#ifndef VDPACTL_OUTPUT_PROM_H
#define VDPACTL_OUTPUT_PROM_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

/* What the metrics command adds to the run. */
struct metrics_run {
	const char *source;  /* list, show or probe */
	const char *version; /* vdpactl's */
	double start_unix;   /* when the run started */
	double duration_s;
	int exit_code; /* of the list/check/probe run the metrics come from */
	bool complete;
};

void output_prom(FILE *f, const struct run *r, const struct metrics_run *m);

#endif
