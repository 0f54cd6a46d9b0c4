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
	{ "list", cmd_list, "",
	  "every vDPA device, its management device, parent driver and vhost-vdpa node",
	  "Lists every vDPA device of the host from sysfs (/sys/bus/vdpa) joined with the vdpa\n"
	  "generic netlink family: name, class, management device, parent driver, bound driver\n"
	  "(vhost_vdpa, virtio_vdpa or none), vhost-vdpa character device, max virtqueues and max\n"
	  "virtqueue size. Opens no character device and works as an ordinary user. A device "
	  "bound\n"
	  "to virtio_vdpa has no vhost-vdpa interface: the note says how to rebind it. Without "
	  "the\n"
	  "netlink family (no CONFIG_VDPA) sysfs alone is used and the output says so.",
	  0 },
	{ "show", cmd_show, "DEV... | --all",
	  "open each vhost-vdpa device and report features, status, limits and config",
	  "Opens each device read-only and reports its virtio device id and class, the backend\n"
	  "features (IOTLB_PERSIST called out), the device features decoded by class, status,\n"
	  "limits (max vring size, virtqueues, address spaces, groups, config size, IOVA range)\n"
	  "and the config space decoded for net and block devices. Only read-only ioctls are\n"
	  "issued, but opening a vhost-vdpa device resets it: never point it at a device in use\n"
	  "(a device held by another process fails with EBUSY and is left alone).\n"
	  "A query the kernel does not support leaves its field null with the reason.",
	  CMD_OPENS_DEVICE | CMD_TAKES_ALL },
	{ "probe", cmd_probe, "DEV... | --all [--datapath[=auto|force|off]] [--timeout=SEC]",
	  "map/reset/verify probe and a verdict: can mappings be trusted to survive reset?",
	  "Opens each device read-write and runs the control-plane probe: acknowledge the offered\n"
	  "IOTLB backend features (IOTLB_PERSIST only when offered; when it is not, check that "
	  "the\n"
	  "kernel refuses it), become owner, map a small memfd buffer, reset the device\n"
	  "(VHOST_VDPA_SET_STATUS 0), check that the status reads 0 and that vhost-vdpa still "
	  "holds\n"
	  "the mapping, then unmap and close. Every step is recorded with its duration and errno.\n"
	  "The verdict (trusted, untrusted, unknown) gives the reason, the evidence and a remedy;\n"
	  "a step that could not run is listed as 'not established' and makes the run incomplete,\n"
	  "and a device whose probe a signal cut short has no verdict ('unknown (not evaluated)').\n"
	  "Opening a device resets it: never probe a device a virtual machine is using (a busy\n"
	  "device fails with EBUSY and is left alone). The probe pins 16 KiB (RLIMIT_MEMLOCK).\n"
	  "\n"
	  "--datapath proves persistence through device DMA: rings and buffers are mapped once, a\n"
	  "round trip runs (net: a broadcast frame on TX queue 1 must come back on RX queue 0;\n"
	  "block: a READ of sector 0), the device is reset and set up again with no IOTLB write,\n"
	  "and a second round trip shows whether the parent kept its translation. With\n"
	  "IOTLB_PERSIST offered it runs twice: acked (the verdict) and not acked (what older\n"
	  "userspace gets). auto (default) runs it on simulator parents (vdpasim_*) only; force\n"
	  "also on real devices, after a warning (a frame goes out, a block is read); off skips "
	  "it.",
	  CMD_OPENS_DEVICE | CMD_TAKES_ALL | CMD_DATAPATH_OPTS },
	{ "check", cmd_check,
	  "[DEV... | --all] [--require FEAT[,FEAT...]] [--probe [--datapath[=M]] [--timeout=SEC]]",
	  "verdict for scripts: one line per device, the exit code says it all",
	  "Without DEV every vhost-vdpa device is checked. Without --probe the verdict rests on "
	  "the\n"
	  "advertised backend features only (the device is opened read-only) and says so; with\n"
	  "--probe the probe of 'vdpactl probe' runs first (with its data path on simulators;\n"
	  "--datapath and --timeout, which need --probe, work as for probe).\n"
	  "A device passes when it is trusted. --require adds to that, never replaces it: it\n"
	  "takes backend feature names (iotlb_persist, suspend, resume, ...; case-insensitive,\n"
	  "comma-separated, repeatable) and a device passes when it is trusted AND offers each\n"
	  "(with --probe an offered IOTLB_PERSIST must also be accepted); an untrusted device\n"
	  "fails whatever --require lists. A line says pass or fail, what is missing, and the\n"
	  "verdict with its reason; an interrupted device reads 'unknown (not evaluated)'.\n"
	  "Exit 0: all pass; 10: at least one fails; 11: none fails, some unknown; 12: some\n"
	  "could not be examined (busy, permission); 3-6 when no device could be examined.",
	  CMD_OPENS_DEVICE | CMD_TAKES_ALL | CMD_CHECK_OPTS | CMD_DATAPATH_OPTS | CMD_DEFAULT_ALL },
	{ "metrics", cmd_metrics, "[--from=list|show|probe] [--output=FILE]",
	  "every device as Prometheus metrics, for the node exporter's textfile collector",
	  "Prints the Prometheus text format (HELP and TYPE for every family): the host, every\n"
	  "vDPA device with its drivers, its verdict and what the verdict rests on (state sets),\n"
	  "whether IOTLB_PERSIST is advertised, whether the device was busy, its errors, and the\n"
	  "run's time, duration, exit code and completeness. --from=list (default) opens no\n"
	  "device: the verdict is the one vdpactl's table of parent drivers predicts for the\n"
	  "running kernel. --from=show opens each device read-only (as check does; opening resets\n"
	  "the device, and a device a VMM holds is reported busy, not retried); --from=probe runs\n"
	  "the probe of 'vdpactl probe' on every device. --output=FILE writes FILE atomically (a\n"
	  "temporary file in its directory, then rename), as the textfile collector requires.\n"
	  "Exit 0 when the metrics were written (the run's own code is vdpactl_run_exit_code);\n"
	  "an interrupted run writes nothing and leaves FILE as it was.",
	  CMD_METRICS_OPTS },
	{ "features", cmd_features, "[NAMESPACE...]",
	  "list every feature bit this build knows: bit, name, kernel version, meaning",
	  "Prints the catalogue of backend, transport, net, block, device status and net status\n"
	  "bits with the mainline kernel release that added each. NAMESPACE limits the list to\n"
	  "backend, transport, net, block, status or net_status. Opens no device.",
	  0 },
};
const size_t commands_len = ARRAY_SIZE(commands);

enum { OPT_COLOR = 256, OPT_PROBE, OPT_REQUIRE, OPT_DATAPATH, OPT_TIMEOUT, OPT_FROM, OPT_OUTPUT };

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
	{ "from", required_argument, NULL, OPT_FROM },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ NULL, 0, NULL, 0 },
};
static const char short_opts[] = "ajpqvhV";

static const struct {
	const char *opt, *text;
} option_help[] = {
	{ "-a, --all", "every vhost-vdpa device (commands taking DEV...)" },
	{ "    --require=FEAT", "check: backend features required on top of a trusted verdict" },
	{ "    --probe", "check: run the control-plane probe before deciding" },
	{ "    --datapath[=M]", "probe, check --probe: device-DMA verification: auto (default), "
				"force or off" },
	{ "    --timeout=SEC", "probe, check --probe: seconds to wait for each data-path round "
			       "trip (2)" },
	{ "    --from=SRC", "metrics: list (default, nothing opened), show or probe" },
	{ "    --output=FILE", "metrics: write FILE atomically instead of stdout" },
	{ "-j, --json", "one JSON document on stdout, also on failure" },
	{ "-p, --pretty", "indent the JSON document (implies --json)" },
	{ "-q, --quiet", "no text on stdout and no hint lines; the exit code says it" },
	{ "-v, --verbose", "more detail: raw config bytes, probe steps, unsupported queries" },
	{ "    --color=WHEN", "colour: auto (TTY and no NO_COLOR), always or never" },
	{ "-h, --help", "show this help; 'vdpactl COMMAND --help' for one command" },
	{ "-V, --version", "print the version" },
};

static void print_exit_codes(FILE *f)
{
	fputs("\nExit status:\n", f);
	for (size_t i = 0; i < exit_table_len; i++)
		fprintf(f, "  %3d  %s\n", exit_table[i].code, exit_table[i].meaning);
}

static void usage(FILE *f)
{
	fputs("Usage: vdpactl [OPTIONS] COMMAND [ARGS]\n\n"
	      "Shows what vDPA devices promise about IOTLB mappings across a device reset\n"
	      "(VHOST_BACKEND_F_IOTLB_PERSIST) and everything else vhost-vdpa reports.\n\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < commands_len; i++) {
		char syn[256];

		snprintf(syn, sizeof(syn), "%s %s", commands[i].name, commands[i].args);
		/* a synopsis too long for its column gets a line of its own */
		if (strlen(syn) > 26)
			fprintf(f, "  %s\n  %-26s %s\n", syn, "", commands[i].summary);
		else
			fprintf(f, "  %-26s %s\n", syn, commands[i].summary);
	}
	fputs("\nDEV is /dev/vhost-vdpa-N, vhost-vdpa-N, a path to such a node, or the name of a "
	      "vdpa\n"
	      "device (as given to 'vdpa dev add ... name NAME'; 'vdpactl list' shows them).\n"
	      "\nOptions:\n",
	      f);
	for (size_t i = 0; i < ARRAY_SIZE(option_help); i++)
		fprintf(f, "  %-18s %s\n", option_help[i].opt, option_help[i].text);
	print_exit_codes(f);
	fputs("\nSee vdpactl(8).\n", f);
}

static void command_usage(FILE *f, const struct command *c)
{
	fprintf(f, "Usage: vdpactl [OPTIONS] %s %s\n\n%s\n\n%s\n", c->name, c->args, c->summary,
		c->help);
	fputs(c->flags & CMD_OPENS_DEVICE
		      ? "Device access: opens /dev/vhost-vdpa-N, which resets the device; a device that\n"
			"another process holds is reported busy (exit 6) and left alone.\n"
		      : "Device access: opens no vhost-vdpa device.\n",
	      f);
	fputs("\nOptions:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(option_help); i++) {
		if (!(c->flags & CMD_TAKES_ALL) && !strcmp(option_help[i].opt, "-a, --all"))
			continue;
		if (!(c->flags & CMD_CHECK_OPTS) && (strstr(option_help[i].opt, "--require") ||
						     strstr(option_help[i].opt, "--probe")))
			continue;
		if (!(c->flags & CMD_DATAPATH_OPTS) && (strstr(option_help[i].opt, "--datapath") ||
							strstr(option_help[i].opt, "--timeout")))
			continue;
		if (!(c->flags & CMD_METRICS_OPTS) && (strstr(option_help[i].opt, "--from") ||
						       strstr(option_help[i].opt, "--output")))
			continue;
		if ((c->flags & CMD_METRICS_OPTS) && (strstr(option_help[i].opt, "--json") ||
						      strstr(option_help[i].opt, "--pretty")))
			continue;
		fprintf(f, "  %-18s %s\n", option_help[i].opt, option_help[i].text);
	}
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

/* A --json anywhere makes even a usage error a JSON document. */
static bool wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "--pretty") ||
		    (argv[i][0] == '-' && argv[i][1] != '-' &&
		     (strchr(argv[i], 'j') || strchr(argv[i], 'p'))))
			return true;
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
				      !i ? "" : names[i + 1] ? ", " : " or ", names[i]);
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

static void bad_option(struct run *r, char **argv)
{
	if (optopt && strchr(short_opts, optopt))
		err_add(&r->errors, ERR_USAGE, 0, NULL, NULL, NULL, "option '-%c' requires an argument",
			optopt);
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
	case OPT_REQUIRE:
		o->has_require = true;
		return parse_require(optarg, &o->require, &r->errors);
	case OPT_FROM:
		o->from_given = true;
		v = choice(r, "--from", optarg, sources);
		o->metrics_from = (enum metrics_from)v; /* the enum follows sources[] */
		return v < 0 ? -1 : 0;
	case OPT_OUTPUT:
		if (!optarg[0]) {
			err_add(&r->errors, ERR_USAGE, 0, NULL, "--output", NULL, "an empty file name");
			return -1;
		}
		o->output = optarg;
		return 0;
	default:
		bad_option(r, argv);
		return -1;
	}
}

/* Options that the command does not take. 0, or -1 after a usage error. */
static int check_command_options(const struct command *cmd, const struct opts *o, struct run *r)
{
	const char *dp_opt = o->datapath_given ? "--datapath" : "--timeout";
	bool dp = o->datapath_given || o->timeout_given;
	const char *opt;
	char why[128];

	if ((o->probe || o->has_require) && !(cmd->flags & CMD_CHECK_OPTS)) {
		opt = o->probe ? "--probe" : "--require";
		snprintf(why, sizeof(why),
			 "the %s command does not take this option (it belongs to check)", cmd->name);
	} else if (dp && !(cmd->flags & CMD_DATAPATH_OPTS)) {
		opt = dp_opt;
		snprintf(why, sizeof(why),
			 "the %s command does not take this option (it belongs to probe and check "
			 "--probe)",
			 cmd->name);
	} else if (dp && (cmd->flags & CMD_CHECK_OPTS) && !o->probe) {
		opt = dp_opt;
		snprintf(why, sizeof(why), "%s takes this option only with --probe (it tunes the probe)",
			 cmd->name);
	} else if ((o->from_given || o->output) && !(cmd->flags & CMD_METRICS_OPTS)) {
		opt = o->from_given ? "--from" : "--output";
		snprintf(why, sizeof(why), "the %s command does not take this option (it belongs to "
			 "metrics)", cmd->name);
	} else if (o->json && (cmd->flags & CMD_METRICS_OPTS)) {
		opt = "--json";
		snprintf(why, sizeof(why),
			 "%s prints the Prometheus text format; list, check and probe print JSON",
			 cmd->name);
	} else if (o->all && !(cmd->flags & CMD_TAKES_ALL)) {
		opt = "--all";
		snprintf(why, sizeof(why), "the %s command does not take --all", cmd->name);
	} else {
		return 0;
	}
	err_add(&r->errors, ERR_USAGE, 0, NULL, opt, NULL, "%s", why);
	return -1;
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
	struct opts o = { .color = COLOR_AUTO, .datapath = DP_AUTO, .timeout = 2.0 };
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
