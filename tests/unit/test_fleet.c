// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: host identity parsers, the table of parent drivers and its predictions, UTF-8. */
#include "host.h"
#include "parents.h"
#include "tap.h"
#include "util.h"

static enum verdict_status predict(const char *drv, const char *mgmt, const char *kernel)
{
	struct prediction p;

	parent_predict(parent_lookup(drv, mgmt), drv ? drv : mgmt, kernel, &p);
	return p.status;
}

int main(void)
{
	char mid[33], bid[37], t[32];
	struct prediction p;

	ok(host_parse_machine_id("0123456789abcdef0123456789abcdef\n", 33, mid) == 0 &&
		   !strcmp(mid, "0123456789abcdef0123456789abcdef"),
	   "machine id with its newline");
	ok(host_parse_machine_id("0123456789ABCDEF0123456789abcdef\n", 33, mid) == -1,
	   "upper case is not a machine id (machine-id(5))");
	ok(host_parse_machine_id("0123456789abcdef0123456789abcde\n", 32, mid) == -1 &&
		   host_parse_machine_id("", 0, mid) == -1 &&
		   host_parse_machine_id("uninitialized\n", 14, mid) == -1,
	   "short, empty, 'uninitialized'");
	ok(host_parse_boot_id("f9f10633-8b1a-49ba-b57f-b87826152bdb\n", 37, bid) == 0 &&
		   !strcmp(bid, "f9f10633-8b1a-49ba-b57f-b87826152bdb"),
	   "boot id");
	ok(host_parse_boot_id("f9f10633x8b1a-49ba-b57f-b87826152bdb\n", 37, bid) == -1 &&
		   host_parse_boot_id("f9f10633-8b1a-49ba-b57f-b87826152bd\n", 36, bid) == -1,
	   "malformed boot ids");
	host_format_time(0, t, sizeof(t));
	is_str(t, "1970-01-01T00:00:00Z", "RFC 3339 UTC");
	host_format_time(1796110292, t, sizeof(t));
	is_str(t, "2026-12-01T07:31:32Z", "RFC 3339 UTC, now");

	/* the table: names as a host shows them */
	is_str(parent_lookup("vp-vdpa", "pci/0000:00:01.0")->name, "vp_vdpa", "vp_vdpa by driver");
	is_str(parent_lookup(NULL, "vdpasim_blk")->name, "vdpa_sim", "vdpa_sim by mgmtdev");
	is_str(parent_lookup(NULL, "vduse")->name, "vduse", "VDUSE by mgmtdev");
	is_str(parent_lookup("mlx5_core.sf", "auxiliary/mlx5_core.sf.1")->name, "mlx5_vdpa",
	       "mlx5 SF");
	is_str(parent_lookup("pds_vdpa.vDPA", "auxiliary/pds_core.vDPA.1")->name, "pds_vdpa",
	       "pds auxiliary driver");
	ok(parent_lookup("liar_vdpa", "pci/0000:00:05.0") == NULL &&
		   parent_lookup(NULL, NULL) == NULL,
	   "unknown parents");
	for (size_t i = 0; i < parent_table_len; i++)
		ok(parent_table[i].source[0] && parent_table[i].match[0] &&
			   (parent_table[i].kind == PK_NO_RESET_MAP) ==
				   !parent_table[i].persist_major,
		   "row %s: a source, names, and a release exactly when the bit can be offered",
		   parent_table[i].name);

	/* predictions */
	ok(predict(NULL, "vdpasim_net", "6.12.117") == VS_TRUSTED, "vdpa_sim on 6.12: trusted");
	ok(predict(NULL, "vdpasim_net", "6.1.192") == VS_UNTRUSTED, "vdpa_sim on 6.1: untrusted");
	ok(predict(NULL, "vdpasim_net", "6.6.160") == VS_UNTRUSTED,
	   "vdpa_sim on 6.6.y: no .reset_map there");
	ok(predict("vp-vdpa", NULL, "6.6.160") == VS_UNKNOWN,
	   "vp_vdpa on 6.6.y: a backport is not established either way");
	ok(predict("vp-vdpa", NULL, "6.7.0") == VS_TRUSTED, "vp_vdpa on 6.7: trusted");
	ok(predict("octep_vdpa", NULL, "6.10.3") == VS_UNTRUSTED &&
		   predict("octep_vdpa", NULL, "6.11.0") == VS_TRUSTED,
	   "octep_vdpa from its first release, 6.11");
	ok(predict(NULL, "vduse", "6.12.117") == VS_UNTRUSTED, "VDUSE: never");
	ok(predict("liar_vdpa", NULL, "6.12.117") == VS_UNKNOWN, "unknown parent: unknown");
	parent_predict(parent_lookup(NULL, "vdpasim_net"), "vdpasim_net", "garbage", &p);
	ok(p.status == VS_UNKNOWN && strstr(p.reason, "unparsable"), "unparsable kernel: unknown");
	parent_predict(parent_lookup(NULL, "vdpasim_net"), "vdpasim_net", "6.1.192", &p);
	is_str(p.reason, "kernel 6.1.192 predates IOTLB_PERSIST for vdpa_sim (Linux 6.7)",
	       "reason");

	/* UTF-8 */
	is_u64(utf8_seq_len((const unsigned char *)"a"), 1, "ASCII");
	is_u64(utf8_seq_len((const unsigned char *)"\xc3\xa9"), 2, "e acute");
	is_u64(utf8_seq_len((const unsigned char *)"\xf0\x9f\x98\x80"), 4, "emoji");
	is_u64(utf8_seq_len((const unsigned char *)"\xff"), 0, "0xff");
	is_u64(utf8_seq_len((const unsigned char *)"\xc0\xaf"), 0, "overlong");
	is_u64(utf8_seq_len((const unsigned char *)"\xed\xa0\x80"), 0, "surrogate");
	is_u64(utf8_seq_len((const unsigned char *)"\xe2\x82"), 0, "truncated");
	return tap_done();
}
