// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the pure side of holder.h (QEMU's -name, fdinfo flags, cell and message). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "holder.h"
#include "model.h"
#include "tap.h"
#include "util.h"

/* holder_qemu_name() on a literal with embedded NULs (sizeof - 1: the literal's own NUL) */
#define NAME(lit) holder_qemu_name(lit, sizeof(lit) - 1)

static void name_is(char *got, const char *want, const char *what)
{
	is_str(got, want, "%s", what);
	free(got);
}

static void test_qemu_name(void)
{
	name_is(NAME("qemu-system-x86_64\0-name\0guest=web1,debug-threads=on\0-S\0"), "web1",
		"libvirt: -name guest=NAME,debug-threads=on");
	name_is(NAME("qemu-system-x86_64\0-name\0vm1\0"), "vm1", "plain QEMU: -name NAME");
	name_is(NAME("qemu\0--name\0vm2\0"), "vm2", "two dashes are the same option");
	name_is(NAME("qemu\0-name\0db,,1\0"), "db,1", "',,' is a literal comma");
	name_is(NAME("qemu\0-name\0guest=a,,b,,,debug-threads=on\0"), "a,b,",
		"escaped commas, then the next parameter");
	name_is(NAME("qemu\0-name\0guest=x=y\0"), "x=y", "'=' inside the value");
	name_is(NAME("qemu\0-name\0first,guest=second\0"), "second",
		"implied first parameter, then guest=: the last one wins");
	name_is(NAME("qemu\0-name\0a\0-name\0b,debug-threads=on\0"), "b",
		"two -name options merge: the last guest wins");
	name_is(NAME("qemu\0-name\0a\0-name\0debug-threads=on\0"), "a",
		"a later -name without guest keeps the earlier one");
	name_is(NAME("qemu\0-name\0debug-threads=on\0"), NULL, "no guest parameter");
	name_is(NAME("qemu\0-name\0process=p1,guest=g\0"), "g", "other parameters are skipped");
	name_is(NAME("qemu\0-name\0nodebug-threads,guest=g\0"), "g",
		"a flag after the first parameter is not the name");
	name_is(NAME("qemu\0-name\0guest=\0"), NULL, "an empty name is no name");
	name_is(NAME("qemu\0-name\0"), NULL, "-name as the last argument (no value)");
	name_is(NAME("qemu\0-m\0512\0"), NULL, "no -name at all");
	name_is(NAME("-name\0x\0"), NULL, "argv[0] is the program, never an option");
	name_is(NAME("qemu\0-name\0unterminated"), "unterminated",
		"the last argument without its NUL (cut cmdline)");
	name_is(NAME("qemu\0-name\0guest=\xff\x1b[2Kevil\n,debug-threads=on\0"),
		"\xff\x1b[2Kevil\n", "bytes are kept as they are (the renderers escape them)");
	name_is(holder_qemu_name(NULL, 0), NULL, "no command line");
	name_is(holder_qemu_name("", 0), NULL, "an empty command line (a kernel thread)");
	name_is(NAME("\0\0\0-name\0z\0"), "z", "empty arguments");
}

static void test_is_qemu(void)
{
	static const char argv_path[] = "/usr/bin/qemu-system-x86_64\0-S\0";
	static const char argv_other[] = "/usr/bin/cloud-hypervisor\0";

	ok(holder_is_qemu("qemu-system-x86", NULL, 0), "comm qemu-system-x86");
	ok(holder_is_qemu("qemu-kvm", NULL, 0), "comm qemu-kvm");
	ok(holder_is_qemu("CPU 0/KVM", argv_path, sizeof(argv_path) - 1),
	   "renamed comm: argv[0]'s base name decides");
	ok(!holder_is_qemu("cloud-hyperviso", argv_other, sizeof(argv_other) - 1),
	   "another VMM is not QEMU");
	ok(!holder_is_qemu(NULL, "/qem", 4), "a short base name");
	ok(!holder_is_qemu("sh", "", 0), "no command line");
}

static void test_fdinfo(void)
{
	unsigned long f = 0;

	ok(!holder_fdinfo_flags("pos:\t0\nflags:\t02100002\nmnt_id:\t24\nino:\t5\n", &f) &&
		   f == 02100002,
	   "flags of an O_RDWR|O_CLOEXEC|O_LARGEFILE descriptor");
	ok(!holder_fdinfo_flags("pos:\t0\nflags:\t012000000\n", &f) && (f & O_PATH),
	   "O_PATH is seen");
	ok(!holder_fdinfo_flags("flags:\t0\n", &f) && f == 0, "O_RDONLY");
	ok(holder_fdinfo_flags("pos:\t0\nmnt_id:\t24\n", &f) == -1, "no flags line");
	ok(holder_fdinfo_flags("flags:\t08\n", &f) == -1, "not octal");
	ok(holder_fdinfo_flags("flags:\t\n", &f) == -1, "no digits");
	ok(holder_fdinfo_flags("", &f) == -1, "empty");
	ok(holder_fdinfo_flags("xflags:\t01\n", &f) == -1, "only at the start of a line");
}

static void add_proc(struct holder_info *h, int pid, const char *comm, const char *vm)
{
	h->procs = xgrow(h->procs, h->n, sizeof(*h->procs));
	h->procs[h->n].pid = pid;
	h->procs[h->n].comm = comm ? xstrdup(comm) : NULL;
	h->procs[h->n].vm = vm ? xstrdup(vm) : NULL;
	h->n++;
}

static void test_cell_describe(void)
{
	struct vdpa_device d;
	char buf[64], small[16];
	char *s;

	memset(&d, 0, sizeof(d));
	is_str(holder_cell(&d, buf, sizeof(buf)), "-", "not looked up: -");
	d.holder.checked = true;
	is_str(holder_cell(&d, buf, sizeof(buf)), "-", "free: -");
	s = holder_describe(&d.holder);
	is_str(s, "no process holds it", "free: described");
	free(s);

	d.holder.status = HOLDER_UNKNOWN;
	err_add(&d.holder.errors, ERR_PERMISSION, 13, "/proc/1/fd", "opendir", "holder",
		"the descriptors of 3 of 9 processes could not be read: Permission denied");
	is_str(holder_cell(&d, buf, sizeof(buf)), "?", "unknown: ?");
	s = holder_describe(&d.holder);
	is_str(s,
	       "holder unknown: the descriptors of 3 of 9 processes could not be read: "
	       "Permission denied",
	       "unknown: the reason");
	free(s);
	holder_info_free(&d.holder);

	d.holder.checked = true;
	d.holder.status = HOLDER_HELD;
	add_proc(&d.holder, 1234, "qemu-system-x86", "guest1");
	is_str(holder_cell(&d, buf, sizeof(buf)), "1234 qemu-system-x86 (guest1)", "one holder");
	s = holder_describe(&d.holder);
	is_str(s, "held by pid 1234 (qemu-system-x86), VM guest1", "one holder described");
	free(s);
	add_proc(&d.holder, 1240, NULL, NULL);
	is_str(holder_cell(&d, buf, sizeof(buf)), "1234 qemu-system-x86 (guest1), 1240",
	       "two holders, the second without comm or VM");
	s = holder_describe(&d.holder);
	is_str(s, "held by pid 1234 (qemu-system-x86), VM guest1; pid 1240 (?)",
	       "two holders described");
	free(s);
	is_str(holder_cell(&d, small, sizeof(small)), "1234 qemu-sy...", "cut to fit, with ...");
	free(d.holder.procs[0].comm);
	d.holder.procs[0].comm = xstrdup("qemu-s\xc3\xa9\xc3\xa9\xc3\xa9");
	is_str(holder_cell(&d, small, sizeof(small)), "1234 qemu-s...",
	       "never cut inside a UTF-8 sequence");
	free(d.holder.procs[0].comm);
	d.holder.procs[0].comm = xstrdup("qemu-system-x86");
	err_add(&d.holder.errors, ERR_PERMISSION, 13, "/proc/7/fd", "opendir", "holder",
		"the descriptors of 1 of 9 processes could not be read: Permission denied");
	is_str(holder_cell(&d, buf, sizeof(buf)), "1234 qemu-system-x86 (guest1), 1240, ?",
	       "held, but there may be more: ', ?'");
	is_str(holder_cell(&d, buf, 4), "", "a buffer too small for anything");
	holder_info_free(&d.holder);
}

int main(void)
{
	test_qemu_name();
	test_is_qemu();
	test_fdinfo();
	test_cell_describe();
	return tap_done();
}
