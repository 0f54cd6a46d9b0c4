// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * table.c - the text tables of list, check and features through libsmartcols, the library
 * lsblk, findmnt and lscpu print with: alignment, -n (no headings), -r (raw: one space between
 * cells, unsafe characters hex-encoded) and the hex encoding of control characters and bytes that
 * are not printable, which it applies to every cell (kernel strings are untrusted).
 */
#include <libsmartcols.h>
#include <string.h>
#include <strings.h>

#include "table.h"
#include "util.h"

static int find_col(const struct table_spec *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->n_cols; i++)
		if (strlen(s->cols[i].name) == len && !strncasecmp(s->cols[i].name, name, len))
			return (int)i;
	return -1;
}

static void add_defaults(const struct table_spec *s, bool gate, struct col_sel *sel)
{
	for (size_t i = 0; i < s->n_cols && sel->n < TABLE_MAX_COLS; i++)
		if ((s->cols[i].flags & TC_DEFAULT) || (gate && (s->cols[i].flags & TC_GATE)))
			sel->idx[sel->n++] = (unsigned char)i;
}

static void unknown_column(const struct table_spec *s, const char *name, size_t len,
			   struct err_list *errs)
{
	char list[512];
	size_t n = 0;

	list[0] = '\0';
	for (size_t i = 0; i < s->n_cols && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
				      s->cols[i].name);
	err_add(errs, ERR_USAGE, 0, NULL, "--output", NULL,
		"unknown column '%.*s' for %s: use %s (any case)", (int)len, name, s->command,
		list);
}

int table_select(const struct table_spec *s, const char *arg, bool gate, struct col_sel *sel,
		 struct err_list *errs)
{
	const char *p;

	sel->n = 0;
	if (!arg || *arg == '+')
		add_defaults(s, gate, sel);
	if (!arg)
		return 0;
	p = *arg == '+' ? arg + 1 : arg;
	for (;;) {
		size_t len = strcspn(p, ",");
		int i = find_col(s, p, len);

		if (i < 0) {
			unknown_column(s, p, len, errs);
			return -1;
		}
		if (sel->n == TABLE_MAX_COLS) {
			err_add(errs, ERR_USAGE, 0, NULL, "--output", NULL, "more than %d columns",
				TABLE_MAX_COLS);
			return -1;
		}
		sel->idx[sel->n++] = (unsigned char)i;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static struct libscols_table *new_table(const struct table_spec *s, const struct col_sel *sel,
					const struct table_fmt *f)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		oom();
	scols_table_enable_raw(tb, f->raw);
	scols_table_enable_noheadings(tb, f->noheadings);
	scols_table_enable_colors(tb, f->color);
	for (size_t i = 0; i < sel->n; i++) {
		const struct table_col *c = &s->cols[sel->idx[i]];
		struct libscols_column *cl;

		cl = scols_table_new_column(tb, c->name, 0,
					    c->flags & TC_RIGHT ? SCOLS_FL_RIGHT : 0);
		if (!cl)
			oom();
		if (f->color && scols_cell_set_color(scols_column_get_header(cl), "bold"))
			oom();
	}
	return tb;
}

static void add_row(struct libscols_table *tb, const struct table_spec *s,
		    const struct col_sel *sel, const void *row, bool color)
{
	struct libscols_line *ln = scols_table_new_line(tb, NULL);

	if (!ln)
		oom();
	for (size_t i = 0; i < sel->n; i++) {
		const struct table_col *c = &s->cols[sel->idx[i]];
		char buf[256];
		const char *v = c->cell(row, buf, sizeof(buf));
		const char *colour = color && c->color ? c->color(row) : NULL;

		/* an empty cell would shift every later field for awk and cut: "-" holds its place
		 */
		if (scols_line_set_data(ln, i, v && *v ? v : "-"))
			oom();
		if (colour && scols_cell_set_color(scols_line_get_cell(ln, i), colour))
			oom();
	}
}

void table_print(FILE *out, const struct table_spec *s, const struct col_sel *sel,
		 const void *const *rows, size_t n, const struct table_fmt *f)
{
	struct libscols_table *tb = new_table(s, sel, f);

	for (size_t r = 0; r < n; r++)
		add_row(tb, s, sel, rows[r], f->color);
	scols_table_set_stream(tb, out);
	scols_print_table(tb);
	scols_unref_table(tb);
}

void table_help(FILE *out, const struct table_spec *s)
{
	bool gate = false;

	fputs("\nColumns (-o/--output; * shown by default", out);
	for (size_t i = 0; i < s->n_cols; i++)
		gate |= (s->cols[i].flags & TC_GATE) != 0;
	fputs(gate ? ", + by default with --require):\n" : "):\n", out);
	for (size_t i = 0; i < s->n_cols; i++) {
		const struct table_col *c = &s->cols[i];
		char mark = c->flags & TC_DEFAULT ? '*' : c->flags & TC_GATE ? '+' : ' ';

		fprintf(out, " %c%-12s %s\n", mark, c->name, c->help);
	}
}
