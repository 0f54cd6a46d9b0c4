/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.h - render a collected run: JSON (output_json.c) or text (output_text.c) */
#ifndef VDPACTL_OUTPUT_H
#define VDPACTL_OUTPUT_H

#include <stdio.h>

#include "cmd.h"
#include "model.h"

#ifndef VDPACTL_VERSION
#define VDPACTL_VERSION "0.0.0"
#endif

void output_json(FILE *out, const struct run *r, const struct opts *o);
void output_text(FILE *out, const struct run *r, const struct opts *o);

#endif
