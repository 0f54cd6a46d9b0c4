// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parents.c - in-tree vDPA parent drivers and when vhost-vdpa offers IOTLB_PERSIST for them.
 *
 * The rule is vhost_vdpa_has_persistent_map() in drivers/vhost/vdpa.c (Linux 6.7, commit
 * 4398776f7a6d "vhost-vdpa: introduce IOTLB_PERSIST backend feature bit"): the bit is offered
 * when the parent has neither .set_map nor .dma_map (the platform IOMMU, which a device reset
 * does not touch), or has .reset_map, or reports the bit itself from .get_backend_features.
 * The rows say which case each parent is (its struct vdpa_config_ops, as of Linux 6.12; no
 * in-tree parent reports the bit from .get_backend_features). match[] are the names a host
 * shows: the driver bound to the vdpa device's parent device (an auxiliary driver as
 * "<module>.<name>"), or the management device for parents without one (vdpa_sim, VDUSE).
 */
#include "parents.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

#define NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

const struct parent_desc parent_table[] = {
	/* no parent device: matched by the management device */
	{ "vdpa_sim", NAMES("vdpasim_net", "vdpasim_blk"), PK_RESET_MAP, 6, 7,
	  "drivers/vdpa/vdpa_sim/vdpa_sim.c, vdpasim_reset_map() (86f6c224c979 \"vdpa_sim: "
	  "implement .reset_map support\", Linux 6.7)",
	  false },
	{ "mlx5_vdpa", NAMES("mlx5_core", "mlx5_core.sf"), PK_RESET_MAP, 6, 7,
	  "drivers/vdpa/mlx5/net/mlx5_vnet.c, mlx5_vdpa_reset_map() (2eacf4b5e3eb \"vdpa/mlx5: "
	  "implement .reset_map driver op\", Linux 6.7)",
	  false },
	{ "vp_vdpa", NAMES("vp-vdpa"), PK_PLATFORM, 6, 7,
	  "drivers/vdpa/virtio_pci/vp_vdpa.c: no .set_map/.dma_map (vp_vdpa_ops)", false },
	{ "ifcvf", NAMES("ifcvf"), PK_PLATFORM, 6, 7,
	  "drivers/vdpa/ifcvf/ifcvf_main.c: no .set_map/.dma_map (ifc_vdpa_ops)", false },
	{ "octep_vdpa", NAMES("octep_vdpa"), PK_PLATFORM, 6, 11,
	  "drivers/vdpa/octeon_ep/octep_vdpa_main.c: no .set_map/.dma_map (octep_vdpa_ops); the "
	  "driver came with Linux 6.11 (8b6c724cdab8)",
	  false },
	{ "pds_vdpa", NAMES("pds_vdpa.vDPA"), PK_PLATFORM, 6, 7,
	  "drivers/vdpa/pds/vdpa_dev.c: no .set_map/.dma_map (pds_vdpa_ops)", false },
	{ "snet_vdpa", NAMES("snet-vdpa-driver"), PK_PLATFORM, 6, 7,
	  "drivers/vdpa/solidrun/snet_main.c: no .set_map/.dma_map (snet_config_ops)", false },
	{ "eni_vdpa", NAMES("alibaba-eni-vdpa"), PK_PLATFORM, 6, 7,
	  "drivers/vdpa/alibaba/eni_vdpa.c: no .set_map/.dma_map (eni_vdpa_ops)", false },
	/* use_va: vduse_dev_init_vdpa() allocates the device with use_va = true (as of Linux 6.1
	   and 6.12) */
	{ "vduse", NAMES("vduse"), PK_NO_RESET_MAP, 0, 0,
	  "drivers/vdpa/vdpa_user/vduse_dev.c: .set_map without .reset_map (vduse_vdpa_config_ops, "
	  "Linux 6.12)",
	  true },
};
const size_t parent_table_len = ARRAY_SIZE(parent_table);

const char *parent_kind_name(enum parent_kind k)
{
	static const char *const names[] = { "platform_iommu", "reset_map", "no_reset_map" };

	return (unsigned)k < ARRAY_SIZE(names) ? names[k] : "unknown";
}

static bool matches(const struct parent_desc *row, const char *name)
{
	for (size_t i = 0; name && row->match[i]; i++)
		if (!strcmp(row->match[i], name))
			return true;
	return false;
}

const struct parent_desc *parent_lookup(const char *parent_driver, const char *mgmtdev)
{
	for (size_t i = 0; i < parent_table_len; i++)
		if (matches(&parent_table[i], parent_driver))
			return &parent_table[i];
	for (size_t i = 0; i < parent_table_len; i++)
		if (matches(&parent_table[i], mgmtdev))
			return &parent_table[i];
	return NULL;
}

/*
 * 6.6.y: a stable backport of the vhost-vdpa part of IOTLB_PERSIST was reported (around 6.6.158)
 * but is not confirmed from the stable tree; the parents' .reset_map was not backported. So a
 * platform-IOMMU parent on 6.6.y is not predicted either way.
 */
static bool six_six(const char *release)
{
	unsigned ma, mi;

	return kernel_version(release, &ma, &mi) == 0 && ma == 6 && mi == 6;
}

void parent_predict(const struct parent_desc *row, const char *who, const char *release,
		    struct prediction *out)
{
	unsigned ma, mi;

	memset(out, 0, sizeof(*out));
	out->row = row;
	out->status = VS_UNKNOWN;
	if (!row) {
		snprintf(out->reason, sizeof(out->reason),
			 "the parent driver %s is not in vdpactl's table of in-tree parents",
			 who ? who : "(unknown)");
		return;
	}
	if (kernel_version(release, &ma, &mi)) {
		snprintf(out->reason, sizeof(out->reason), "unparsable kernel release '%s'",
			 release ? release : "");
		return;
	}
	out->status = VS_UNTRUSTED;
	if (row->kind == PK_NO_RESET_MAP)
		snprintf(out->reason, sizeof(out->reason),
			 "%s translates with .set_map and has no .reset_map: vhost-vdpa does not "
			 "offer IOTLB_PERSIST for it",
			 row->name);
	else if (ma > row->persist_major ||
		 (ma == row->persist_major && mi >= row->persist_minor)) {
		out->status = VS_TRUSTED;
		snprintf(out->reason, sizeof(out->reason),
			 "on Linux %u.%u+ vhost-vdpa offers IOTLB_PERSIST for %s (%s)",
			 row->persist_major, row->persist_minor, row->name,
			 row->kind == PK_PLATFORM ? "platform IOMMU" : ".reset_map");
	} else if (row->kind == PK_PLATFORM && six_six(release)) {
		out->status = VS_UNKNOWN;
		snprintf(out->reason, sizeof(out->reason),
			 "kernel %s: a 6.6.y stable backport of IOTLB_PERSIST would cover "
			 "platform-IOMMU parents such as %s, but which 6.6.y carries it is not "
			 "established: open the device (vdpactl check) to know",
			 release, row->name);
	} else
		snprintf(out->reason, sizeof(out->reason),
			 "kernel %s predates IOTLB_PERSIST for %s (Linux %u.%u)", release,
			 row->name, row->persist_major, row->persist_minor);
}

void prediction_verdict(const struct prediction *p, struct verdict *out)
{
	memset(out, 0, sizeof(*out));
	out->status = p->status;
	out->basis = VB_PREDICTED;
	out->severity = p->status == VS_TRUSTED	    ? SEV_INFO
			: p->status == VS_UNTRUSTED ? SEV_HIGH
						    : SEV_MEDIUM;
	snprintf(out->reason, sizeof(out->reason), "%s", p->reason);
	snprintf(out->remedy, sizeof(out->remedy), "%s",
		 p->status == VS_TRUSTED
			 ? "none predicted; open the device (vdpactl check, probe) for evidence"
			 : "open the device (vdpactl check, probe) for evidence; until then unmap "
			   "before a reset and map again after");
}
