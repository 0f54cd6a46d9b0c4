/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd.h - the command table and the options every command receives */
#ifndef VDPACTL_CMD_H
#define VDPACTL_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "discovery.h"
#include "model.h"
#include "table.h"
#include "vduse.h"

struct stat;

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
enum metrics_from { METRICS_LIST, METRICS_SHOW, METRICS_PROBE };

struct opts {
	bool json, pretty, quiet, verbose, all, help, version;
	bool probe;	/* check --probe */
	int datapath;	/* probe --datapath: enum dp_mode (auto by default) */
	double timeout; /* probe --timeout: seconds per data-path round trip */
	bool datapath_given, timeout_given;
	unsigned jobs; /* probe --jobs: devices evaluated at once (their data-path waits overlap) */
	bool jobs_given;
	uint64_t require; /* check --require: backend feature mask */
	bool has_require;
	enum color_mode color;
	bool use_color;			/* decided once from --color, the TTY and NO_COLOR */
	unsigned cmd_flags;		/* the command's CMD_* flags */
	enum metrics_from metrics_from; /* metrics --from */
	const char *output;		/* metrics --output FILE, or NULL (stdout) */
	const char *output_arg;		/* -o/--output as given, before the command is known */
	const struct table_spec *table; /* list, check, features: the table's columns */
	struct col_sel cols;		/* ...those -o chose, or the defaults */
	bool noheadings, raw;		/* -n, -r */
	bool from_given;
	char **args; /* positional arguments after the command */
	size_t n_args;
};

/* Command flags */
#define CMD_OPENS_DEVICE (1u << 0)  /* opens /dev/vhost-vdpa-N (resets it) */
#define CMD_TAKES_ALL (1u << 1)	    /* accepts DEV... | --all */
#define CMD_CHECK_OPTS (1u << 2)    /* accepts --require and --probe */
#define CMD_DEFAULT_ALL (1u << 3)   /* no DEV means --all */
#define CMD_DATAPATH_OPTS (1u << 4) /* accepts --datapath and --timeout */
#define CMD_METRICS_OPTS (1u << 5)  /* accepts --from and --output FILE; prints no JSON */
#define CMD_TABLE_OPTS (1u << 6)    /* prints a table: accepts -o COLS, -n and -r */

struct command {
	const char *name;
	int (*run)(struct run *r, const struct opts *o);
	const char *args;    /* synopsis of arguments */
	const char *summary; /* one line for the command list */
	const char *help;    /* details for "vdpactl COMMAND --help" */
	unsigned flags;
};

extern const struct command commands[];
extern const size_t commands_len;

/*
 * Resolve DEV arguments or --all into r->dev (no device is opened). Sets *vmajor to the
 * vhost-vdpa major or -1. Returns 0 or an exit code, with the reason in r->errors.
 */
int select_devices(struct run *r, const struct opts *o, const struct discovery *dv, int *vmajor);
/* Tie d to its vdpa device by the dev_t in @st (vhost_open()'s; st_mode 0: stat the node).
 * Once tied, a second call changes nothing. */
void annotate(const struct discovery *dv, struct vdpa_device *d, const struct stat *st);

/*
 * The gate of vhost_open_gated() for a device of the run: ties it to its vdpa device (annotate)
 * once its node is verified, then asks vduse_gate() whether it may be opened.
 */
struct open_gate {
	const struct discovery *dv;
	struct vdpa_device *d;
};
int open_gate_fn(const struct stat *st, void *arg);
/* d->prediction from the table of parent drivers (parents.c) and the running kernel. */
void device_predict(struct vdpa_device *d, const char *kernel_release);

int cmd_show(struct run *r, const struct opts *o);
int cmd_features(struct run *r, const struct opts *o);
int cmd_list(struct run *r, const struct opts *o);
int cmd_probe(struct run *r, const struct opts *o);
int cmd_check(struct run *r, const struct opts *o);
int cmd_metrics(struct run *r, const struct opts *o);

#endif
