// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the pure side of vduse.h (the daemon's status, whether a device may be opened). */
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "holder.h"
#include "tap.h"
#include "util.h"
#include "vduse.h"

static struct holder_proc procs[2] = { { 3100, "qemu-storage-d", NULL }, { 3101, "child", NULL } };

static struct holder_info held(size_t n)
{
	struct holder_info h = { .checked = true, .status = HOLDER_HELD, .procs = procs, .n = n };

	return h;
}

static void test_daemon_of(void)
{
	struct holder_info h = { 0 };

	ok(vduse_daemon_of(&h, NULL) == VDUSE_NOT_CHECKED, "nothing looked: not checked");
	h.checked = true;
	h.status = HOLDER_FREE;
	ok(vduse_daemon_of(&h, "") == VDUSE_GONE, "no holder: gone");
	h.status = HOLDER_UNKNOWN;
	ok(vduse_daemon_of(&h, "") == VDUSE_UNKNOWN, "/proc unreadable: unknown");
	h = held(1);
	ok(vduse_daemon_of(&h, "S") == VDUSE_RUNNING, "sleeping holder: running");
	ok(vduse_daemon_of(&h, "R") == VDUSE_RUNNING, "running holder: running");
	ok(vduse_daemon_of(&h, "D") == VDUSE_RUNNING, "in the kernel (D): running");
	ok(vduse_daemon_of(&h, "T") == VDUSE_STOPPED, "SIGSTOP (T): stopped");
	ok(vduse_daemon_of(&h, "t") == VDUSE_STOPPED, "stopped by a tracer (t): stopped");
	ok(vduse_daemon_of(&h, "?") == VDUSE_UNKNOWN, "state unreadable: unknown");
	ok(vduse_daemon_of(&h, NULL) == VDUSE_UNKNOWN, "no states at all: unknown");
	h = held(2);
	ok(vduse_daemon_of(&h, "TS") == VDUSE_RUNNING, "one of two holders answers: running");
	ok(vduse_daemon_of(&h, "TT") == VDUSE_STOPPED, "both stopped: stopped");
	ok(vduse_daemon_of(&h, "T?") == VDUSE_UNKNOWN, "one stopped, one unreadable: unknown");
	is_str(vduse_daemon_name(VDUSE_RUNNING), "running", "name: running");
	is_str(vduse_daemon_name(VDUSE_GONE), "gone", "name: gone");
	ok(vduse_daemon_name(VDUSE_NOT_CHECKED) == NULL, "name: not checked is null");
	ok(vduse_daemon_name((enum vduse_daemon)99) == NULL, "name: out of range is null");
}

static void test_refusal(void)
{
	struct vduse_info v = { .present = true, .ctl_path = "/dev/vduse/blk0", .msg_timeout = 30 };
	char buf[400];

	v.daemon = VDUSE_RUNNING;
	ok(!vduse_refusal(&v, buf, sizeof(buf)), "running daemon: opened");
	v.daemon = VDUSE_GONE;
	ok(vduse_refusal(&v, buf, sizeof(buf)), "gone: refused");
	is_str(buf,
	       "not opened: the VDUSE daemon is gone (no process holds /dev/vduse/blk0); opening "
	       "would reset the device, wait msg_timeout, 30 s, for the daemon's answer and leave "
	       "the device broken for good",
	       "gone: the reason names the control device and the wait");
	v.daemon = VDUSE_STOPPED;
	v.msg_timeout = 0;
	ok(vduse_refusal(&v, buf, sizeof(buf)), "stopped: refused");
	is_str(buf,
	       "not opened: the VDUSE daemon holding /dev/vduse/blk0 is stopped; opening would "
	       "reset the device, wait without limit for its answer and leave the device broken "
	       "for good",
	       "stopped, msg_timeout 0: a wait without limit");
	v.daemon = VDUSE_UNKNOWN;
	ok(vduse_refusal(&v, buf, sizeof(buf)), "unknown with msg_timeout 0: refused");
	is_str(buf,
	       "not opened: whether a VDUSE daemon holds /dev/vduse/blk0 is not known, and with "
	       "msg_timeout 0 a reset that no daemon answers would wait without limit",
	       "unknown, msg_timeout 0: the reason");
	v.msg_timeout = -1;
	ok(vduse_refusal(&v, buf, sizeof(buf)), "unknown with msg_timeout unreadable: refused");
	v.msg_timeout = 5;
	ok(!vduse_refusal(&v, buf, sizeof(buf)), "unknown, the wait bounded (5 s): opened");
	v.daemon = VDUSE_NOT_CHECKED;
	ok(!vduse_refusal(&v, buf, sizeof(buf)), "not checked: the gate does not decide");
	v.present = false;
	v.daemon = VDUSE_GONE;
	ok(!vduse_refusal(&v, buf, sizeof(buf)), "not a VDUSE device: never refused");
	v.present = true;
	ok(vduse_refusal(&v, buf, 16) && strlen(buf) == 15, "a short buffer is cut, not overrun");
	is_str(err_code_name(ERR_UNAVAILABLE), "unavailable", "the JSON code");
	ok(err_code_exit(ERR_UNAVAILABLE) == 6, "exit code 6, as for a busy device");
}

int main(void)
{
	test_daemon_of();
	test_refusal();
	return tap_done();
}
