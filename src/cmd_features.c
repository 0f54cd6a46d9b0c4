// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd_features.c - "vdpactl features [NAMESPACE...]": the catalogue of known bits */
#include "cmd.h"
#include "exitcode.h"
#include "feature_bits.h"

int cmd_features(struct run *r, const struct opts *o)
{
	r->features_catalogue = true;
	r->ns_filter = 0;
	for (size_t i = 0; i < o->n_args; i++) {
		int ns = feat_ns_from_name(o->args[i]);

		if (ns < 0) {
			err_add(&r->errors, ERR_USAGE, 0, o->args[i], NULL, NULL,
				"unknown namespace: use backend, transport, net, block, status or "
				"net_status");
			r->features_catalogue = false;
			return VD_EXIT_USAGE;
		}
		r->ns_filter |= UINT64_C(1) << ns;
	}
	if (!o->n_args)
		r->ns_filter = (UINT64_C(1) << NS_COUNT) - 1;
	return VD_EXIT_OK;
}
