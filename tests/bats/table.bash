# SPDX-License-Identifier: GPL-2.0-or-later
# Assertions on the text tables (libsmartcols) of list, check and features; loaded by helpers.bash
# and by the real-kernel files.

# row_re CELL...: an extended regexp for a table row holding exactly these cells, in order
# (libsmartcols pads cells with one or more spaces)
row_re() {
	local re="" cell c
	for cell in "$@"; do
		# every ERE metacharacter escaped (the backslash first), in the shell: no process per cell
		for c in '\' '[' ']' '.' '*' '^' '$' '(' ')' '+' '?' '{' '}' '|'; do
			cell=${cell//"$c"/"\\$c"}
		done
		re+="${re:+ +}$cell"
	done
	printf '^%s$' "$re"
}

# assert_row CELL...: some line of $output is a table row of exactly these cells
assert_row() {
	assert_line --regexp "$(row_re "$@")"
}

# assert_only_row CELL...: $output is a header line and this one row
assert_only_row() {
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --regexp "$(row_re "$@")"
}
