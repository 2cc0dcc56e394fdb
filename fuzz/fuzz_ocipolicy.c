/* fuzz_ocipolicy.c - vakt oci's policy: the first byte picks the input. Even: the rest is
 * a policy YAML file (vakt_oci_policy_parse). Odd: the rest is a config.json the default
 * policy is applied to, twice, checking that the second pass changes nothing further
 * when the first did not refuse the config. Abort on violation. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/error.h"
#include "oci/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (1 << 20))
		return 0;
	vakt_error *err = NULL;
	if (!(data[0] & 1)) {
		vakt_oci_policy *p = NULL;
		if (vakt_oci_policy_parse(data + 1, size - 1, "fuzz.yaml", &p, &err) < 0 && (!err || !err->msg))
			abort();
		vakt_oci_policy_free(p);
		vakt_error_free(err);
		return 0;
	}
	json_t *cfg = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
	if (!cfg)
		return 0;
	vakt_oci_policy *pol = vakt_oci_policy_default();
	vakt_oci_result *r1 = NULL, *r2 = NULL;
	if (vakt_oci_policy_apply(pol, cfg, &r1, &err) == 0 && !r1->denied) {
		if (vakt_oci_policy_apply(pol, cfg, &r2, NULL) != 0)
			abort();
		for (size_t i = 0; i < r2->n; i++)
			if (r2->actions[i].kind == VAKT_OCI_ACT_CHANGED)
				abort(); /* tightening must be idempotent */
	}
	vakt_oci_result_free(r1);
	vakt_oci_result_free(r2);
	vakt_oci_policy_free(pol);
	vakt_error_free(err);
	json_decref(cfg);
	return 0;
}
