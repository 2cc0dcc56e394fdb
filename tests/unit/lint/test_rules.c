/* test_rules.c - the rule table, alias lookups and Pod Security level parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lint/pss.h"
#include "lint/rules.h"

static void test_table_is_consistent(void **state)
{
	(void)state;
	for (unsigned i = 0; i < R__COUNT; i++) {
		const vakt_rule *r = &vakt_rules[i];
		assert_non_null(r->id);
		assert_non_null(r->title);
		assert_non_null(r->rationale);
		assert_non_null(r->fix);
		assert_true(strlen(r->title) > 5);
		assert_true((r->pss_check == NULL) == (r->pss_level == NULL));
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(r->id, vakt_rules[j].id);
		for (const char *const *a = r->aliases; *a; a++)
			assert_non_null(strchr(*a, ':'));
	}
}

static void test_match(void **state)
{
	(void)state;
	assert_int_equal(vakt_rule_match("K8S-008", 0), R_K8S_008);
	assert_int_equal(vakt_rule_match("k8s-008", 0), R_K8S_008);
	assert_int_equal(vakt_rule_match("PSS-runAsNonRoot", 0), R_PSS_RUN_AS_NON_ROOT);
	/* Trivy's current ID and its older spellings */
	assert_int_equal(vakt_rule_match("trivy:KSV-0017", 0), R_K8S_008);
	assert_int_equal(vakt_rule_match("trivy:AVD-KSV-0017", 0), R_K8S_008);
	assert_int_equal(vakt_rule_match("trivy:KSV017", 0), R_K8S_008);
	assert_int_equal(vakt_rule_match("KSV017", 0), R_K8S_008);
	assert_int_equal(vakt_rule_match("checkov:CKV_K8S_16", 0), R_K8S_008);
	assert_int_equal(vakt_rule_match("kube-linter:privileged-container", 0), R_K8S_008);
	assert_int_equal(vakt_rule_match("nope:privileged-container", 0), -1);
	assert_int_equal(vakt_rule_match("trivy:KSV-9999", 0), -1);
	/* one alias naming two rules: iterate */
	int first = vakt_rule_match("kube-linter:run-as-non-root", 0);
	assert_int_equal(first, R_K8S_002);
	assert_int_equal(vakt_rule_match("kube-linter:run-as-non-root", (size_t)first + 1), R_K8S_003);
}

static void test_pss_parse(void **state)
{
	(void)state;
	vakt_pss_policy p;
	assert_int_equal(vakt_pss_parse("restricted:v1.30", &p, NULL), 0);
	assert_int_equal(p.level, VAKT_PSS_RESTRICTED);
	assert_false(p.latest);
	assert_int_equal(p.minor, 30);
	assert_int_equal(vakt_pss_parse("baseline", &p, NULL), 0);
	assert_true(p.latest);
	assert_int_equal(vakt_pss_parse("baseline:latest", &p, NULL), 0);
	assert_int_equal(vakt_pss_parse("restricted:v1.0", &p, NULL), 0);
	assert_int_equal(vakt_pss_parse("restricted:v1.99", &p, NULL), 0); /* clamped when evaluated */
	assert_int_equal(p.minor, 99);
	vakt_error *e = NULL;
	assert_int_equal(vakt_pss_parse("restricted:v1.01", &p, &e), VAKT_E_USAGE);
	vakt_error_free(e), e = NULL;
	assert_int_equal(vakt_pss_parse("restricted:v2.0", &p, NULL), VAKT_E_USAGE);
	assert_int_equal(vakt_pss_parse("restricted:1.30", &p, NULL), VAKT_E_USAGE);
	assert_int_equal(vakt_pss_parse("Restricted", &p, NULL), VAKT_E_USAGE);
	/* namespace labels fall back as the admission controller does */
	const char *warn;
	assert_true(vakt_pss_from_labels("bogus", "v1.20", &p, &warn));
	assert_int_equal(p.level, VAKT_PSS_RESTRICTED);
	assert_non_null(warn);
	assert_true(vakt_pss_from_labels("baseline", "v9", &p, &warn));
	assert_true(p.latest);
	assert_false(vakt_pss_from_labels(NULL, "v1.20", &p, &warn));
}

static void test_sysctls_by_version(void **state)
{
	(void)state;
	assert_true(vakt_pss_sysctl_allowed("kernel.shm_rmid_forced", 0));
	assert_false(vakt_pss_sysctl_allowed("net.ipv4.ip_local_reserved_ports", 26));
	assert_true(vakt_pss_sysctl_allowed("net.ipv4.ip_local_reserved_ports", 27));
	assert_false(vakt_pss_sysctl_allowed("net.ipv4.tcp_rmem", 31));
	assert_true(vakt_pss_sysctl_allowed("net.ipv4.tcp_rmem", 32));
	assert_false(vakt_pss_sysctl_allowed("kernel.msgmax", 37));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_is_consistent),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_pss_parse),
		cmocka_unit_test(test_sysctls_by_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
