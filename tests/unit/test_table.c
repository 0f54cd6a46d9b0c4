// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests: the tables' column choice (-o) and cells, and what libsmartcols prints for them:
 * defaults, +COLS, any case, unknown and empty names, raw and no headings, "-" for no value.
 */
#include <stdlib.h>

#include "errors.h"
#include "model.h"
#include "table.h"
#include "tap.h"

static const char *names(const struct table_spec *s, const struct col_sel *sel, char *buf,
			 size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sel->n && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "",
				      s->cols[sel->idx[i]].name);
	return buf;
}

static void test_select(void)
{
	const struct table_spec *list = table_for_command("list"),
				*check = table_for_command("check");
	struct err_list errs = { 0 };
	struct col_sel sel;
	char buf[512];

	ok(list && check && table_for_command("features") && !table_for_command("show"),
	   "list, check and features have tables; show has none");
	ok(!table_select(list, NULL, false, &sel, &errs), "list: defaults");
	is_str(names(list, &sel, buf, sizeof(buf)),
	       "NAME,CLASS,MGMTDEV,PARENT,BOUND,CHAR-DEVICE,MAX-VQS,MAX-VQ-SIZE,PREDICTED,HOLDER",
	       "list's default columns");
	ok(!table_select(check, NULL, false, &sel, &errs), "check: defaults");
	is_str(names(check, &sel, buf, sizeof(buf)), "DEVICE,VERDICT,BASIS,REASON",
	       "check's default columns");
	ok(!table_select(check, NULL, true, &sel, &errs), "check --require: defaults");
	is_str(names(check, &sel, buf, sizeof(buf)), "DEVICE,RESULT,MISSING,VERDICT,BASIS,REASON",
	       "check --require adds RESULT and MISSING, in table order");
	ok(!table_select(list, "name,Char-Device", false, &sel, &errs), "any case");
	is_str(names(list, &sel, buf, sizeof(buf)), "NAME,CHAR-DEVICE", "exactly those, in order");
	ok(!table_select(check, "+exit,name", false, &sel, &errs), "+COLS");
	is_str(names(check, &sel, buf, sizeof(buf)), "DEVICE,VERDICT,BASIS,REASON,EXIT,NAME",
	       "+COLS follows the defaults");
	ok(errs.n == 0, "no error so far");
	ok(table_select(list, "NAME,NODE", false, &sel, &errs) == -1 && errs.n == 1 &&
		   errs.v[0].code == ERR_USAGE,
	   "an unknown column is a usage error");
	is_str(errs.v[0].message,
	       "unknown column 'NODE' for list: use NAME, CLASS, MGMTDEV, PARENT, PARENT-DEV, "
	       "BOUND, "
	       "CHAR-DEVICE, MAX-VQS, MAX-VQ-SIZE, PREDICTED, HOLDER, REASON (any case)",
	       "it names every column");
	ok(table_select(list, "NAME,", false, &sel, &errs) == -1, "an empty name is an error");
	ok(table_select(list, "NAM", false, &sel, &errs) == -1, "a prefix is not a name");
	err_list_free(&errs);
}

/* print @n devices with -o @cols, raw or not, into @buf */
static const char *render(const char *command, const char *cols, const struct vdpa_device *d,
			  size_t n, bool raw, bool noheadings, char *buf, size_t len)
{
	const struct table_spec *s = table_for_command(command);
	const struct table_fmt f = { noheadings, raw, false };
	const void *rows[4];
	struct err_list errs = { 0 };
	struct col_sel sel;
	FILE *out = fmemopen(buf, len, "w");

	for (size_t i = 0; i < n; i++)
		rows[i] = &d[i];
	if (table_select(s, cols, false, &sel, &errs) == 0)
		table_print(out, s, &sel, rows, n, &f);
	fclose(out);
	err_list_free(&errs);
	return buf;
}

static void test_cells(void)
{
	struct vdpa_device d[2] = { { 0 } };
	char buf[1024];

	d[0].name = "net0";
	d[0].char_device = "/dev/vhost-vdpa-0";
	d[0].nl.has_max_vqs = true;
	d[0].nl.max_vqs = 3;
	d[1].name = "a b\033[2K";
	is_str(render("list", "NAME,CHAR-DEVICE,MAX-VQS", d, 2, true, true, buf, sizeof(buf)),
	       "net0 /dev/vhost-vdpa-0 3\na\\x20b\\x1b[2K - -\n",
	       "raw: one space, unsafe bytes hex-encoded, '-' for no value");
	is_str(render("list", "NAME,MAX-VQS,PREDICTED", d, 2, false, false, buf, sizeof(buf)),
	       "NAME       MAX-VQS PREDICTED\nnet0             3 unknown\na b\\x1b[2K       - "
	       "unknown\n",
	       "aligned, numbers right-aligned; no verdict reads unknown, never blank");
	d[0].required = 1;
	d[0].exit_code = 10;
	d[0].vin = NULL; /* never examined: no evidence record */
	is_str(render("check", "DEVICE,RESULT,MISSING,BASIS,EXIT", d, 1, true, true, buf,
		      sizeof(buf)),
	       "/dev/vhost-vdpa-0 fail ? - 10\n",
	       "MISSING is ? when the device was not examined; no verdict: basis -");
}

int main(void)
{
	test_select();
	test_cells();
	return tap_done();
}
