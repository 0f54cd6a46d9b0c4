// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_netlink.c - the "vdpa" generic netlink replies as vdpactl reads them.
 *
 * Input: one datagram as recvfrom() returns it (one or more netlink messages, exactly the
 * bytes; the seeds in corpus/netlink are real replies captured with tests/fake/nlprobe).
 * It goes through
 *   - nl_replay_datagram() (src/netlink.c): the code nl_query() runs on a reply, for each of
 *     its six requests (family lookup, MGMTDEV_GET and DEV_GET dumps, DEV_CONFIG_GET of a net
 *     and of a block device, the DEV_CONFIG_GET dump): datagram check, libmnl's callback loop,
 * NLMSG_ERROR/DONE, the family callback, the dump collectors and the error records;
 *   - nl_parse_mgmtdev(), nl_parse_dev() and nl_parse_config() on each message, each message
 *     copied to end at an inaccessible page, so that a read past the message's end (not only
 *     the datagram's) faults, also inside libmnl (which AddressSanitizer does not see).
 * The datagram too ends at an inaccessible page (fuzz_guarded_copy).
 * Invariants: results in range, strings NUL-terminated and bounded, handles built from their
 * parts, every error explained, and the dump collectors agree with the parsers called directly.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <stdbool.h>

#include "errors.h"
#include "fuzz.h"
#include "netlink.h"

/* src/netlink.c: the test entry point (not in netlink.h; keep in sync) */
int nl_replay_datagram(int step, const void *buf, size_t len, struct nl_vdpa *v,
		       struct nl_config *cfg, unsigned *family, struct err_list *errs);

enum {
	STEP_FAMILY,
	STEP_MGMTDEV,
	STEP_DEV,
	STEP_CONFIG_NET,
	STEP_CONFIG_BLOCK,
	STEP_CONFIG_DUMP,
	N_STEPS
};

/* the devices a config dump is matched against (the names of the seeds), sorted by name */
static const struct {
	const char *name;
	uint32_t id;
} dump_devs[] = { { "blk0", 2 }, { "net0", 1 }, { "vdpa0", 1 }, { "vpblk0", 2 }, { "vpnet0", 1 } };

static void fill_dump_devs(struct nl_vdpa *v)
{
	v->n_dev = sizeof(dump_devs) / sizeof(dump_devs[0]);
	v->dev = calloc(v->n_dev, sizeof(*v->dev));
	FUZZ_CHECK(v->dev != NULL);
	for (size_t i = 0; i < v->n_dev; i++) {
		v->dev[i].name = strdup(dump_devs[i].name);
		v->dev[i].mgmtdev = strdup("fuzz");
		FUZZ_CHECK(v->dev[i].name && v->dev[i].mgmtdev);
		v->dev[i].has_id = true;
		v->dev[i].device_id = dump_devs[i].id;
	}
}

#define MAX_INPUT FUZZ_GUARDED_MAX
#define MAX_STR 256 /* attr_cb(): string attributes are at most 256 bytes with their NUL */

static void check_str(const char *s)
{
	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(fuzz_terminated(s, MAX_STR));
}

static void check_mgmtdev(const struct nl_mgmtdev *m)
{
	char handle[2 * MAX_STR + 1];

	check_str(m->dev);
	check_str(m->handle);
	if (m->bus)
		check_str(m->bus);
	snprintf(handle, sizeof(handle), "%s%s%s", m->bus ? m->bus : "", m->bus ? "/" : "", m->dev);
	FUZZ_CHECK(strcmp(handle, m->handle) == 0);
}

static void check_dev(const struct nl_dev *d)
{
	check_str(d->name);
	FUZZ_CHECK(d->mgmtdev != NULL);
	FUZZ_CHECK(fuzz_terminated(d->mgmtdev, 2 * MAX_STR));
	FUZZ_CHECK(!d->config.valid); /* dumps never fill the config */
}

static void check_config(const struct nl_config *c, bool block)
{
	if (!c->valid) {
		FUZZ_CHECK(!c->has_mac && !c->has_status && !c->has_mtu && !c->has_max_vqp &&
			   !c->has_negotiated && !c->has_device_features);
		return;
	}
	/* attribute 21 is the capacity of a block device, never of a net device */
	if (!block)
		FUZZ_CHECK(!c->has_capacity && !c->has_blk_size && !c->has_size_max &&
			   !c->has_seg_max && !c->has_num_queues && !c->has_read_only);
	if (!c->has_status)
		FUZZ_CHECK(c->status == 0);
}

static void check_errors(const struct err_list *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		const struct vd_error *e = &errs->v[i];

		FUZZ_CHECK(e->message != NULL);
		FUZZ_CHECK(e->errnum >= 0 && e->errnum <= 4095);
		if (e->code == ERR_MALFORMED)
			FUZZ_CHECK(strncmp(e->message, "malformed reply: ", 17) == 0);
	}
}

/* What the parsers say of each message, for comparison with the dump collectors. */
struct direct {
	size_t data_msgs; /* type >= NLMSG_MIN_TYPE */
	size_t mgmt_ok, dev_ok;
};

static void parse_direct(const uint8_t *data, size_t size, struct direct *out)
{
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	while (size - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		struct nl_mgmtdev m;
		struct nl_dev d;
		struct nl_config c;
		const char *why;
		uint8_t *msg;

		memcpy(&h, data + off, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > size - off)
			break;
		msg = fuzz_guarded_copy(data + off, h.nlmsg_len);
		if (h.nlmsg_type >= NLMSG_MIN_TYPE)
			out->data_msgs++;

		why = NULL;
		if (nl_parse_mgmtdev(msg, &m, &why) == 0) {
			check_mgmtdev(&m);
			out->mgmt_ok += h.nlmsg_type >= NLMSG_MIN_TYPE;
		} else {
			FUZZ_CHECK(why && *why);
		}
		nl_mgmtdev_free(&m);

		why = NULL;
		if (nl_parse_dev(msg, &d, &why) == 0) {
			check_dev(&d);
			out->dev_ok += h.nlmsg_type >= NLMSG_MIN_TYPE;
		} else {
			FUZZ_CHECK(why && *why);
		}
		nl_dev_free(&d);

		why = NULL;
		if (nl_parse_config(msg, &c, &why) == 0) {
			FUZZ_CHECK(c.valid);
			check_config(&c, false);
		} else {
			FUZZ_CHECK(why && *why);
			FUZZ_CHECK(!c.valid);
		}

		if ((size_t)NLMSG_ALIGN(h.nlmsg_len) >= size - off)
			break;
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct direct dir;

	const uint8_t *dgram;

	if (size > MAX_INPUT)
		return -1; /* not added to the corpus */
	parse_direct(data, size, &dir);
	dgram = fuzz_guarded_copy(data, size);
	for (int step = 0; step < N_STEPS; step++) {
		struct nl_vdpa v = { 0 };
		struct nl_config cfg = { 0 };
		struct err_list errs = { 0 };
		unsigned family = 0;
		int rc;

		if (step == STEP_CONFIG_DUMP)
			fill_dump_devs(&v);
		rc = nl_replay_datagram(step, dgram, size, &v, &cfg, &family, &errs);
		FUZZ_CHECK(rc == 0 || rc == 1 || (rc < 0 && rc >= -4095));
		check_errors(&errs);
		for (size_t i = 0; i < v.n_mgmt; i++)
			check_mgmtdev(&v.mgmt[i]);
		for (size_t i = 0; step != STEP_CONFIG_DUMP && i < v.n_dev; i++)
			check_dev(&v.dev[i]);
		switch (step) {
		case STEP_CONFIG_DUMP:
			/* each device's config is parsed as its own class, or left alone. rc may be
			 * any -errno without an error record: a dump the kernel refused (also with
			 * EBADMSG in its NLMSG_ERROR) is no error, each device is then asked by
			 * name; the records there are (check_errors() above) are explained */
			FUZZ_CHECK(v.n_mgmt == 0 && !cfg.valid);
			for (size_t i = 0; i < v.n_dev; i++) {
				FUZZ_CHECK(!strcmp(v.dev[i].name, dump_devs[i].name));
				check_config(&v.dev[i].config, dump_devs[i].id == 2);
			}
			break;
		case STEP_FAMILY:
			FUZZ_CHECK(family <= 0xffff);
			if (rc == 0)
				FUZZ_CHECK(family != 0 && errs.n == 0);
			else if (rc < 0)
				FUZZ_CHECK(errs.n >= 1);
			else
				FUZZ_CHECK(errs.n == 0);
			break;
		case STEP_MGMTDEV:
		case STEP_DEV:
			FUZZ_CHECK(rc >= 0 || errs.n >= 1);
			FUZZ_CHECK(step == STEP_MGMTDEV ? v.n_dev == 0 : v.n_mgmt == 0);
			if (rc == 1) {
				/* every data message reached the collector: it agrees with the
				 * parser */
				size_t ok = step == STEP_MGMTDEV ? dir.mgmt_ok : dir.dev_ok;

				FUZZ_CHECK((step == STEP_MGMTDEV ? v.n_mgmt : v.n_dev) == ok);
				FUZZ_CHECK(errs.n == dir.data_msgs - ok);
			}
			break;
		default:
			FUZZ_CHECK(rc >= 0 || rc == -EOPNOTSUPP || errs.n >= 1);
			FUZZ_CHECK(v.n_dev == 0 && v.n_mgmt == 0);
			check_config(&cfg, step == STEP_CONFIG_BLOCK);
			break;
		}
		nl_free(&v);
		err_list_free(&errs);
	}
	return 0;
}
