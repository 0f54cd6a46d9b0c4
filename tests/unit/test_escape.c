// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: escaping untrusted strings for a terminal, and UTF-8 for JSON. */
#include <stdlib.h>

#include "tap.h"
#include "util.h"

int main(void)
{
	const char *plain = "vhost-vdpa-0 caf\xc3\xa9";
	char *u;

	ok(esc(plain) == plain, "nothing to escape: the string itself, no copy");
	is_str(esc("a\x1b[2K\rb\nc\td\\e"), "a\\e[2K\\rb\\nc\\td\\\\e",
	       "ESC, CR, LF, tab, backslash");
	is_str(esc("x\x01\x7f"), "x\\x01\\x7f", "other C0 controls and DEL as \\xNN");
	is_str(esc("\xc2\x9b"
		   "31m"),
	       "\\xc2\\x9b31m", "C1 control (8-bit CSI) as bytes");
	is_str(esc("\xff\xfe"), "\\xff\\xfe", "bytes that are not UTF-8");
	is_str(esc("\xe2\x82"), "\\xe2\\x82", "a truncated sequence");
	is_str(esc(NULL), "(null)", "NULL");
	esc_release();

	u = utf8_sanitize("ok\xff\xc3\xa9\xe2\x82");
	is_str(u, "ok\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd", "invalid bytes become U+FFFD");
	free(u);
	u = utf8_sanitize("");
	is_str(u, "", "empty");
	free(u);
	return tap_done();
}
