// SPDX-License-Identifier: GPL-2.0-or-later
/* main.c - command line: options, the command table, help, and the run -> output flow */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "datapath.h"
#include "devnode.h"
#include "exitcode.h"
#include "feature_bits.h"
#include "output.h"
#include "signals.h"
#include "util.h"

const struct command commands[] = {
	{ "list", cmd_list, "[-o COLS] [-n] [-r]",
	  "every vDPA device, its drivers, its node and the predicted verdict",
	  "Lists every vDPA device of the host from sysfs (/sys/bus/vdpa) joined with the\n"
	  "vdpa generic netlink family: name, class, management device, parent driver,\n"
	  "bound driver (vhost_vdpa, virtio_vdpa or none), vhost-vdpa node, max virtqueues\n"
	  "and max virtqueue size, the verdict vdpactl's table of parent drivers predicts\n"
	  "for the running kernel, and who holds each node (HOLDER: PID COMM (VM), from\n"
	  "/proc; - free, ? unknown: run as root). Opens no character device and works\n"
	  "as an ordinary user. A device bound to virtio_vdpa has no vhost-vdpa node: a\n"
	  "note on stderr says how to rebind it. Without the netlink family (no\n"
	  "CONFIG_VDPA) sysfs alone is used and stderr says so.",
	  CMD_TABLE_OPTS },
	{ "show", cmd_show, "DEV... | --all",
	  "open each vhost-vdpa device: features, status, limits, config",
	  "Opens each device read-only and reports its virtio device id and class, the\n"
	  "backend features (IOTLB_PERSIST called out), the device features decoded by\n"
	  "class, status, limits (max vring size, virtqueues, address spaces, groups,\n"
	  "config size, IOVA range) and the config space decoded for net and block\n"
	  "devices. Only read-only ioctls are issued,\n"
	  "but opening a vhost-vdpa device resets it: never point it at a device in use\n"
	  "(a device held by another process fails with EBUSY and is left alone). A query\n"
	  "the kernel does not support leaves its field null with the reason.",
	  CMD_OPENS_DEVICE | CMD_TAKES_ALL },
	{ "probe", cmd_probe, "DEV... | --all [--datapath[=M]] [--timeout=SEC]",
	  "map/reset/verify probe: do mappings survive a reset?",
	  "Opens each device read-write and runs the control-plane probe: acknowledge the\n"
	  "offered IOTLB backend features (IOTLB_PERSIST only when offered; when it is not,\n"
	  "check that the kernel refuses it), become owner, map a small memfd buffer, reset\n"
	  "the device (VHOST_VDPA_SET_STATUS 0), check that the status reads 0 and that\n"
	  "vhost-vdpa still holds the mapping, then unmap and close. Every step is recorded\n"
	  "with its duration and errno. The verdict (trusted, untrusted, unknown) gives the\n"
	  "reason, the evidence and a remedy; a step that could not run is listed as 'not\n"
	  "established' and makes the run incomplete, and a device whose probe a signal\n"
	  "cut short has no verdict ('unknown (not evaluated)'). Opening a device resets\n"
	  "it: never probe a device a virtual machine is using (a busy device fails with\n"
	  "EBUSY and is left alone). The probe pins 16 KiB (RLIMIT_MEMLOCK).\n"
	  "\n"
	  "--datapath proves persistence through device DMA: rings and buffers are mapped\n"
	  "once, a round trip runs (net: a broadcast frame on TX queue 1 must come back on\n"
	  "RX queue 0; block: a READ of sector 0), the device is reset and set up again\n"
	  "with no IOTLB write, and a second round trip shows whether the parent kept its\n"
	  "translation. With IOTLB_PERSIST offered it runs twice: acked (the verdict) and\n"
	  "not acked (what older userspace gets). Then the closed-owner check: close, open\n"
	  "again as a new owner that maps nothing, rings at the old IOVAs, one more round\n"
	  "trip; a device that still reaches the old buffers keeps a closed owner's\n"
	  "mappings (a finding, check mappings_dropped_on_close; behind a platform IOMMU\n"
	  "the good answer is an IOMMU fault in the kernel log). auto (default) runs it on\n"
	  "simulator parents (vdpasim_*) only; force also on real devices, after a warning\n"
	  "(a frame goes out, a block is read); off skips it.",
	  CMD_OPENS_DEVICE | CMD_TAKES_ALL | CMD_DATAPATH_OPTS },
	{ "check", cmd_check, "[DEV...] [--require=FEAT,...] [--probe] [-o COLS]",
	  "verdict for scripts: one row per device, the exit code says it all",
	  "Without DEV every vhost-vdpa device is checked. Without --probe the verdict\n"
	  "rests on the advertised backend features only (the device is opened read-only)\n"
	  "and says so; with --probe the probe of 'vdpactl probe' runs first (with its\n"
	  "data path on simulators; --datapath and --timeout, which need --probe, work as\n"
	  "for probe).\n"
	  "A device passes when it is trusted. --require adds to that, never replaces it:\n"
	  "it takes backend feature names (iotlb_persist, suspend, resume, ...; any case,\n"
	  "comma-separated, repeatable) and a device passes when it is trusted AND offers\n"
	  "each (with --probe an offered IOTLB_PERSIST must also be accepted); an\n"
	  "untrusted device fails whatever --require lists. With --require the table\n"
	  "gains RESULT (pass or fail) and MISSING; an interrupted device reads 'unknown'\n"
	  "with no basis. Exit 0: all pass; 10: at least one fails; 11: none fails, some\n"
	  "unknown; 12: some could not be examined (busy, permission); 3-6 when no device\n"
	  "could be examined.",
	  CMD_OPENS_DEVICE | CMD_TAKES_ALL | CMD_CHECK_OPTS | CMD_DATAPATH_OPTS | CMD_DEFAULT_ALL |
		  CMD_TABLE_OPTS },
	{ "metrics", cmd_metrics, "[--from=list|show|probe] [--output=FILE]",
	  "every device as Prometheus metrics (node exporter textfile)",
	  "Prints the Prometheus text format (HELP and TYPE for every family): the host,\n"
	  "every vDPA device with its drivers, its verdict and what the verdict rests on\n"
	  "(state sets), whether IOTLB_PERSIST is advertised, whether the device was busy,\n"
	  "its errors, and the run's time, duration, exit code and completeness.\n"
	  "--from=list (default) opens no device: the verdict is the one vdpactl's table\n"
	  "of parent drivers predicts for the running kernel. --from=show opens each device\n"
	  "read-only (as check does; opening resets the device, and a device a VMM holds is\n"
	  "reported busy, not retried); --from=probe runs the probe of 'vdpactl probe' on\n"
	  "every device. --output=FILE writes FILE atomically (a temporary file in its\n"
	  "directory, then rename), as the textfile collector requires. Exit 0 when the\n"
	  "metrics were written (the run's own code is vdpactl_run_exit_code); an\n"
	  "interrupted run writes nothing and leaves FILE as it was.",
	  CMD_METRICS_OPTS },
	{ "features", cmd_features, "[NAMESPACE...] [-o COLS] [-n] [-r]",
	  "every feature bit this build knows: bit, name, release, meaning",
	  "Prints the catalogue of backend, transport, net, block, device status and net\n"
	  "status bits with the mainline kernel release that added each. NAMESPACE limits\n"
	  "the list to backend, transport, net, block, status or net_status. Opens no\n"
	  "device.",
	  CMD_TABLE_OPTS },
};
const size_t commands_len = ARRAY_SIZE(commands);

enum { OPT_COLOR = 256, OPT_PROBE, OPT_REQUIRE, OPT_DATAPATH, OPT_TIMEOUT, OPT_JOBS, OPT_FROM };

static const struct option long_opts[] = {
	{ "all", no_argument, NULL, 'a' },
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "require", required_argument, NULL, OPT_REQUIRE },
	{ "datapath", optional_argument, NULL, OPT_DATAPATH },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "output", required_argument, NULL, 'o' },
	{ "noheadings", no_argument, NULL, 'n' },
	{ "raw", no_argument, NULL, 'r' },
	{ NULL, 0, NULL, 0 },
};
static const char short_opts[] = "ajpqvhVo:nr";

/*
 * An option's help line: shown for the commands that have every flag in @need (0: all) and none
 * in @unless; in the help of all commands, prefixed by @scope, the commands it belongs to.
 */
static const struct {
	const char *opt, *scope, *text;
	unsigned need, unless;
} option_help[] = {
	{ "-a, --all", NULL, "every vhost-vdpa device (show, probe, check)", CMD_TAKES_ALL, 0 },
	{ "    --require=FEAT", "check", "backend features required beyond trusted", CMD_CHECK_OPTS,
	  0 },
	{ "    --probe", "check", "run the control-plane probe first", CMD_CHECK_OPTS, 0 },
	{ "    --datapath[=M]", "probe", "device-DMA verification: auto, force or off",
	  CMD_DATAPATH_OPTS, 0 },
	{ "    --timeout=SEC", "probe", "seconds per data-path round trip (2)", CMD_DATAPATH_OPTS,
	  0 },
	{ "    --jobs=N", "probe", "devices evaluated at once, 1-64 (64)", CMD_DATAPATH_OPTS, 0 },
	{ "    --from=SRC", "metrics", "list (default, opens nothing), show or probe",
	  CMD_METRICS_OPTS, 0 },
	{ "-o, --output=FILE", "metrics", "write FILE atomically, not stdout", CMD_METRICS_OPTS,
	  0 },
	{ "-o, --output=COLS", "tables", "the columns; +COLS adds to the default", CMD_TABLE_OPTS,
	  0 },
	{ "-n, --noheadings", "tables", "no header line", CMD_TABLE_OPTS, 0 },
	{ "-r, --raw", "tables", "one space between cells, unsafe bytes as \\xNN", CMD_TABLE_OPTS,
	  0 },
	{ "-j, --json", NULL, "one JSON document on stdout, also on failure", 0, CMD_METRICS_OPTS },
	{ "-p, --pretty", NULL, "indent the JSON document (implies --json)", 0, CMD_METRICS_OPTS },
	{ "-q, --quiet", NULL, "no text on stdout and no hint lines; the exit code says it", 0, 0 },
	{ "-v, --verbose", NULL, "more detail: raw config, probe steps, unsupported queries", 0,
	  0 },
	{ "    --color=WHEN", NULL, "colour: auto (TTY and no NO_COLOR), always or never", 0, 0 },
	{ "-h, --help", NULL, "this help; 'vdpactl COMMAND --help' for one command", 0, 0 },
	{ "-V, --version", NULL, "print the version", 0, 0 },
};

static void print_exit_codes(FILE *f)
{
	fputs("\nExit status:\n", f);
	for (size_t i = 0; i < exit_table_len; i++)
		fprintf(f, "  %3d  %s\n", exit_table[i].code, exit_table[i].meaning);
}

static void print_option(FILE *f, size_t i, bool with_scope)
{
	const char *scope = with_scope ? option_help[i].scope : NULL;

	fprintf(f, "  %-18s %s%s%s\n", option_help[i].opt, scope ? scope : "", scope ? ": " : "",
		option_help[i].text);
}

static void usage(FILE *f)
{
	fputs("Usage: vdpactl [OPTIONS] COMMAND [ARGS]\n\n"
	      "Shows what vDPA devices promise about IOTLB mappings across a device reset\n"
	      "(VHOST_BACKEND_F_IOTLB_PERSIST) and everything else vhost-vdpa reports.\n\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < commands_len; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'vdpactl COMMAND --help' shows a command's arguments; the tables are those of\n"
	      "list, check and features. DEV is /dev/vhost-vdpa-N, vhost-vdpa-N, a path to such\n"
	      "a node, or the name of a vdpa device (as given to 'vdpa dev add ... name NAME';\n"
	      "'vdpactl list' shows them).\n"
	      "\nOptions:\n",
	      f);
	for (size_t i = 0; i < ARRAY_SIZE(option_help); i++)
		print_option(f, i, true);
	print_exit_codes(f);
	fputs("\nSee vdpactl(8).\n", f);
}

static void command_usage(FILE *f, const struct command *c)
{
	const struct table_spec *t = table_for_command(c->name);

	fprintf(f, "Usage: vdpactl [OPTIONS] %s %s\n\n%s\n\n%s\n", c->name, c->args, c->summary,
		c->help);
	fputs(c->flags & CMD_OPENS_DEVICE
		      ? "Device access: opens /dev/vhost-vdpa-N, which resets the device; a "
			"device\n"
			"that another process holds is reported busy (exit 6) and left alone.\n"
		      : "Device access: opens no vhost-vdpa device.\n",
	      f);
	fputs("\nOptions:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(option_help); i++)
		if ((c->flags & option_help[i].need) == option_help[i].need &&
		    !(c->flags & option_help[i].unless))
			print_option(f, i, false);
	if (t)
		table_help(f, t);
	print_exit_codes(f);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < commands_len; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* --require: comma-separated backend feature names, case-insensitive. */
static int parse_require(const char *arg, uint64_t *mask, struct err_list *errs)
{
	char *copy = xstrdup(arg), *save = NULL;
	int rc = 0;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const struct feature_desc *f = feature_by_name(NS_BACKEND, t);

		if (!f) {
			char names[256];
			size_t n = 0;

			names[0] = '\0';
			for (size_t i = 0; i < feature_table_len && n < sizeof(names); i++)
				if (feature_table[i].ns == NS_BACKEND)
					n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
							      n ? ", " : "", feature_table[i].name);
			err_add(errs, ERR_USAGE, 0, t, "--require", NULL,
				"unknown backend feature: use one of %s (any case)", names);
			rc = -1;
			break;
		}
		*mask |= UINT64_C(1) << f->bit;
	}
	if (!rc && !*mask) {
		err_add(errs, ERR_USAGE, 0, NULL, "--require", NULL, "no feature named");
		rc = -1;
	}
	free(copy);
	return rc;
}

/*
 * Print errors to stderr, in text mode and with --json: every error record, except that a
 * query the kernel or parent does not support (a field left null, code "unsupported") is a note
 * shown only with --verbose.
 */
static void print_errors(const struct run *r, const struct opts *o)
{
	/* list's notes (how to rebind, what sysfs lacks) and an empty host: text mode only, on
	 * stderr so the table stays parsable (JSON holds them as "note") */
	for (size_t d = 0; r->listing && !o->json && !o->quiet && d < r->n_dev; d++)
		if (r->dev[d].note)
			fprintf(stderr, "vdpactl: %s: %s\n", esc(r->dev[d].name),
				esc(r->dev[d].note));
	if (r->listing && !o->json && !o->quiet && !r->n_dev && !r->exit_code)
		fputs("vdpactl: no vDPA devices\n", stderr);
	esc_release();
	for (size_t i = 0; i < r->errors.n; i++)
		err_print(&r->errors.v[i], o->quiet);
	for (size_t d = 0; d < r->n_dev; d++) {
		const struct err_list *l = &r->dev[d].errors;

		for (size_t i = 0; i < l->n; i++)
			if (!l->v[i].field || l->v[i].code != ERR_UNSUPPORTED || o->verbose)
				err_print(&l->v[i], o->quiet);
	}
}

/*
 * Flush and close standard output, as coreutils' close_stdout does: output that could not be
 * written (a full disk, /dev/full, a closed descriptor) is reported on stderr and never passes
 * for success. The run's own non-zero code (a gate's 10) is kept; 0 becomes 1. A closed pipe
 * ends the process with SIGPIPE first (the Unix default is kept).
 */
static int close_stdout(int rc)
{
	int e = stdout_errno();

	if (fflush(stdout) != 0 && !e)
		e = errno;
	if (ferror(stdout) && !e)
		e = EIO;
	if (fclose(stdout) != 0 && !e && errno != EBADF)
		e = errno;
	if (!e)
		return rc;
	fprintf(stderr, "vdpactl: standard output: write: %s\n", strerror(e));
	return rc ? rc : VD_EXIT_INTERNAL;
}

/* The document or the text, rendered whole, then written (a failed write keeps its errno). */
static void render(const struct run *r, const struct opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		fprintf(stderr, "vdpactl: out of memory\n");
		return;
	}
	if (o->json)
		output_json(f, r, o);
	else
		output_text(f, r, o);
	fclose(f);
	stdout_write(buf, len);
	free(buf);
}

static int finish(struct run *r, struct opts *o, int rc, bool usage_error)
{
	r->exit_code = rc;
	r->complete = !run_has_errors(r) && rc != VD_EXIT_USAGE;
	run_summarize(r);
	if (!r->rendered && (o->json || rc == 0 || r->n_dev || r->features_catalogue))
		render(r, o);
	print_errors(r, o);
	if (usage_error)
		fputs("Try 'vdpactl --help' for more information.\n", stderr);
	rc = close_stdout(rc);
	run_free(r);
	devnode_release();
	return rc;
}

/* -j or -p in a cluster of short options ("-aj"); an 'o' takes the rest as its argument */
static bool short_json(const char *arg)
{
	if (arg[0] != '-' || arg[1] == '-')
		return false;
	for (const char *c = arg + 1; *c && *c != 'o'; c++)
		if (*c == 'j' || *c == 'p')
			return true;
	return false;
}

/* A --json anywhere makes even a usage error a JSON document. */
static bool wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "--pretty") ||
		    short_json(argv[i]))
			return true;
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output"))
			i++; /* its argument */
	}
	return false;
}

/* One of @names[] (NULL-terminated) for an option value; its index, or -1 with a usage error. */
static int choice(struct run *r, const char *opt, const char *val, const char *const *names)
{
	char list[64];
	size_t n = 0;

	for (int i = 0; names[i]; i++)
		if (!strcmp(val, names[i]))
			return i;
	list[0] = '\0';
	for (int i = 0; names[i] && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      !i	     ? ""
				      : names[i + 1] ? ", "
						     : " or ",
				      names[i]);
	err_add(&r->errors, ERR_USAGE, 0, NULL, opt, NULL, "invalid value '%s': use %s", val, list);
	return -1;
}

static int parse_timeout(struct run *r, struct opts *o, const char *val)
{
	char *end;

	o->timeout = strtod(val, &end);
	o->timeout_given = true;
	if (end == val || *end || !(o->timeout > 0) || o->timeout > 600) {
		err_add(&r->errors, ERR_USAGE, 0, NULL, "--timeout", NULL,
			"invalid value '%s': seconds, more than 0 and at most 600", val);
		return -1;
	}
	return 0;
}

static int parse_jobs(struct run *r, struct opts *o, const char *val)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(val, &end, 10);
	o->jobs_given = true;
	if (end == val || *end || errno || val[0] == '-' || n < 1 || n > DP_MAX_CONCURRENT) {
		err_add(&r->errors, ERR_USAGE, 0, NULL, "--jobs", NULL,
			"invalid value '%s': a number of devices from 1 to %d", val,
			DP_MAX_CONCURRENT);
		return -1;
	}
	o->jobs = (unsigned)n;
	return 0;
}

static void bad_option(struct run *r, char **argv)
{
	if (optopt && strchr(short_opts, optopt))
		err_add(&r->errors, ERR_USAGE, 0, NULL, NULL, NULL,
			"option '-%c' requires an argument", optopt);
	else if (optopt)
		err_add(&r->errors, ERR_USAGE, 0, NULL, NULL, NULL, "invalid option '-%c'", optopt);
	else
		err_add(&r->errors, ERR_USAGE, 0, NULL, NULL, NULL, "unrecognized option '%s'",
			argv[optind - 1]);
}

/* One option of getopt_long. 0, or -1 after a usage error. */
static int take_option(int c, char **argv, struct opts *o, struct run *r)
{
	static const char *const colors[] = { "auto", "always", "never", NULL };
	static const char *const modes[] = { "auto", "force", "off", NULL };
	static const char *const sources[] = { "list", "show", "probe", NULL };
	int v;

	switch (c) {
	case 'a':
		o->all = true;
		return 0;
	case 'j':
		o->json = true;
		return 0;
	case 'p':
		o->json = o->pretty = true;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	case 'h':
		o->help = true;
		return 0;
	case 'V':
		o->version = true;
		return 0;
	case OPT_PROBE:
		o->probe = true;
		return 0;
	case OPT_COLOR:
		v = choice(r, "--color", optarg, colors);
		o->color = (enum color_mode)v; /* the enum follows colors[] */
		return v < 0 ? -1 : 0;
	case OPT_DATAPATH:
		o->datapath_given = true;
		v = optarg ? choice(r, "--datapath", optarg, modes) : DP_AUTO;
		o->datapath = v; /* enum dp_mode follows modes[] */
		return v < 0 ? -1 : 0;
	case OPT_TIMEOUT:
		return parse_timeout(r, o, optarg);
	case OPT_JOBS:
		return parse_jobs(r, o, optarg);
	case OPT_REQUIRE:
		o->has_require = true;
		return parse_require(optarg, &o->require, &r->errors);
	case OPT_FROM:
		o->from_given = true;
		v = choice(r, "--from", optarg, sources);
		o->metrics_from = (enum metrics_from)v; /* the enum follows sources[] */
		return v < 0 ? -1 : 0;
	case 'o':
		if (!optarg[0]) {
			err_add(&r->errors, ERR_USAGE, 0, NULL, "--output", NULL,
				"an empty argument (a file for metrics, columns for a table)");
			return -1;
		}
		o->output_arg = optarg;
		return 0;
	case 'n':
		o->noheadings = true;
		return 0;
	case 'r':
		o->raw = true;
		return 0;
	default:
		bad_option(r, argv);
		return -1;
	}
}

/* Why the command does not take an option it was given, in @why; NULL when it takes them all. */
static const char *misplaced_option(const struct command *cmd, const struct opts *o, char *why,
				    size_t len)
{
	const char *dp_opt = o->datapath_given	? "--datapath"
			     : o->timeout_given ? "--timeout"
						: "--jobs";
	bool dp = o->datapath_given || o->timeout_given || o->jobs_given;
	bool table = o->noheadings || o->raw;
	unsigned f = cmd->flags;
	const char *opt = NULL, *owner = NULL;

	if ((o->probe || o->has_require) && !(f & CMD_CHECK_OPTS))
		opt = o->probe ? "--probe" : "--require", owner = "check";
	else if (dp && !(f & CMD_DATAPATH_OPTS))
		opt = dp_opt, owner = "probe and check --probe";
	else if (dp && (f & CMD_CHECK_OPTS) && !o->probe)
		snprintf(why, len, "%s takes this option only with --probe (it tunes the probe)",
			 cmd->name),
			opt = dp_opt;
	else if (o->from_given && !(f & CMD_METRICS_OPTS))
		opt = "--from", owner = "metrics";
	else if (o->output_arg && !(f & (CMD_METRICS_OPTS | CMD_TABLE_OPTS)))
		opt = "--output", owner = "metrics, and to list, check and features";
	else if (table && !(f & CMD_TABLE_OPTS))
		opt = o->raw ? "--raw" : "--noheadings", owner = "list, check and features";
	else if (o->json && (f & CMD_METRICS_OPTS))
		snprintf(why, len,
			 "%s prints the Prometheus text format; list, check and probe "
			 "print JSON",
			 cmd->name),
			opt = "--json";
	else if (o->json && (table || o->output_arg))
		snprintf(why, len,
			 "it shapes text tables; the JSON document always holds every "
			 "field"),
			opt = table ? (o->raw ? "--raw" : "--noheadings") : "--output";
	else if (o->all && !(f & CMD_TAKES_ALL))
		snprintf(why, len, "the %s command does not take --all", cmd->name), opt = "--all";
	if (owner)
		snprintf(why, len, "the %s command does not take this option (it belongs to %s)",
			 cmd->name, owner);
	return opt;
}

/* Options that the command does not take; -o's meaning for this command. 0, or -1 after a
 * usage error. */
static int check_command_options(const struct command *cmd, struct opts *o, struct run *r)
{
	char why[160];
	const char *opt = misplaced_option(cmd, o, why, sizeof(why));

	if (opt) {
		err_add(&r->errors, ERR_USAGE, 0, NULL, opt, NULL, "%s", why);
		return -1;
	}
	if (cmd->flags & CMD_METRICS_OPTS) {
		o->output = o->output_arg;
		return 0;
	}
	o->table = table_for_command(cmd->name);
	if (o->table && table_select(o->table, o->output_arg, o->has_require, &o->cols, &r->errors))
		return -1;
	return 0;
}

/* "list, show, probe, check, features": from the command table. */
static void unknown_command(struct run *r, const char *name)
{
	char list[128];
	size_t n = 0;

	list[0] = '\0';
	for (size_t i = 0; i < commands_len && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
				      commands[i].name);
	err_add(&r->errors, ERR_USAGE, 0, name, NULL, NULL, "unknown command (commands: %s)", list);
}

static bool has_usage_error(const struct run *r)
{
	for (size_t i = 0; i < r->errors.n; i++)
		if (r->errors.v[i].code == ERR_USAGE)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.color = COLOR_AUTO, .datapath = DP_AUTO, .timeout = 2.0, .jobs = DP_MAX_CONCURRENT
	};
	struct run r = { 0 };
	const struct command *cmd = NULL;
	int c, rc;

	host_collect(&r.host, &r.errors);
	o.json = wants_json(argc, argv);
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1)
		if (take_option(c, argv, &o, &r))
			return finish(&r, &o, VD_EXIT_USAGE, true);
	if (o.version) {
		printf("vdpactl %s\n", VDPACTL_VERSION);
		return close_stdout(VD_EXIT_OK);
	}
	o.use_color = o.color == COLOR_ALWAYS ||
		      (o.color == COLOR_AUTO && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
	if (optind < argc) {
		cmd = find_command(argv[optind]);
		if (!cmd && !o.help) {
			unknown_command(&r, argv[optind]);
			return finish(&r, &o, VD_EXIT_USAGE, true);
		}
		r.command = cmd ? cmd->name : NULL;
		optind++;
	}
	if (o.help) {
		if (cmd)
			command_usage(stdout, cmd);
		else
			usage(stdout);
		return close_stdout(VD_EXIT_OK);
	}
	if (!cmd) {
		err_add(&r.errors, ERR_USAGE, 0, NULL, NULL, NULL, "no command given");
		return finish(&r, &o, VD_EXIT_USAGE, true);
	}
	if (check_command_options(cmd, &o, &r))
		return finish(&r, &o, VD_EXIT_USAGE, true);
	o.cmd_flags = cmd->flags;
	o.args = argv + optind;
	o.n_args = (size_t)(argc - optind);

	signals_install();
	rc = cmd->run(&r, &o);
	if (vd_signal) {
		rc = signals_exit_code();
		err_add(&r.errors, ERR_INTERRUPTED, 0, NULL, NULL, NULL,
			"interrupted by %s; every device was closed",
			vd_signal == SIGTERM ? "SIGTERM" : "SIGINT");
	}
	return finish(&r, &o, rc, rc == VD_EXIT_USAGE && has_usage_error(&r));
}
