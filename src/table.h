/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * table.h - text tables through libsmartcols (util-linux): the columns of a command, the
 * -o/--output column list, -n/--noheadings and -r/--raw, as lsblk has them.
 */
#ifndef VDPACTL_TABLE_H
#define VDPACTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "errors.h"

/* when a column is shown without -o */
#define TC_DEFAULT (1u << 0) /* always */
#define TC_GATE (1u << 1)    /* check --require only */
#define TC_RIGHT (1u << 2)   /* right-aligned (numbers) */

struct table_col {
	const char *name; /* the header, and the name -o takes (any case) */
	const char *help; /* one line for --help and the man page */
	unsigned flags;
	/* the cell's text for @row; may format into @buf; never NULL ("-" for no value) */
	const char *(*cell)(const void *row, char *buf, size_t len);
	/* a libsmartcols colour name for the cell, or NULL */
	const char *(*color)(const void *row);
};

struct table_spec {
	const char *command;
	const struct table_col *cols;
	size_t n_cols;
};

#define TABLE_MAX_COLS 32

/* the columns chosen for one run, in order */
struct col_sel {
	unsigned char idx[TABLE_MAX_COLS];
	size_t n;
};

struct table_fmt {
	bool noheadings, raw, color;
};

/* The table of a command's columns, or NULL for a command that prints no table. */
const struct table_spec *table_for_command(const char *command);

/*
 * Choose the columns: @arg NULL gives the defaults (TC_GATE ones too when @gate), "A,B" exactly
 * those, "+A,B" the defaults and then those (as lsblk). Names are matched in any case.
 * 0, or -1 with a usage error naming the valid columns.
 */
int table_select(const struct table_spec *s, const char *arg, bool gate, struct col_sel *sel,
		 struct err_list *errs);

/* Print @n rows (each passed to the cells as is) with the chosen columns. */
void table_print(FILE *out, const struct table_spec *s, const struct col_sel *sel,
		 const void *const *rows, size_t n, const struct table_fmt *f);

/* "Columns:" and one line per column for --help (default columns marked). */
void table_help(FILE *out, const struct table_spec *s);

#endif
