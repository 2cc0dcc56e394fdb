/* test_k8s.c - reading workloads into the typed model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lint/k8s.h"

typedef struct fixture {
	vakt_doc_stream *st;
	vakt_doc *doc;
	k8s_object obj;
	k8s_pod pod;
	vakt_error *err;
	int rc;
} fixture;

static void load(fixture *f, const char *yaml)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(vakt_doc_stream_open_mem(yaml, strlen(yaml), "w.yaml", NULL, &f->st, NULL), 0);
	assert_int_equal(vakt_doc_stream_next(f->st, &f->doc, NULL), 1);
	assert_true(vakt_k8s_object(f->doc->root, &f->obj));
	f->rc = vakt_k8s_pod_read(&f->obj, "w.yaml", vakt_doc_stream_arena(f->st), &f->pod, &f->err);
}

static void unload(fixture *f)
{
	vakt_error_free(f->err);
	vakt_doc_stream_free(f->st);
}

static void test_cronjob_containers_in_visit_order(void **state)
{
	(void)state;
	fixture f;
	load(&f, "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c, namespace: n}\n"
		 "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
		 "          containers: [{name: main, image: x}]\n"
		 "          initContainers: [{name: init}]\n"
		 "          ephemeralContainers: [{name: dbg}]\n");
	assert_int_equal(f.rc, 0);
	assert_string_equal(f.pod.spec_path, "spec.jobTemplate.spec.template.spec");
	assert_int_equal(f.pod.n_containers, 3);
	assert_string_equal(f.pod.containers[0].name, "init");
	assert_int_equal(f.pod.containers[0].kind, K8S_INIT_CONTAINER);
	assert_string_equal(f.pod.containers[1].name, "main");
	assert_string_equal(f.pod.containers[2].name, "dbg");
	assert_int_equal(f.pod.containers[2].kind, K8S_EPHEMERAL_CONTAINER);
	assert_string_equal(f.pod.ns, "n");
	unload(&f);
}

static void test_nil_versus_empty(void **state)
{
	(void)state;
	fixture f;
	load(&f, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {}\n"
		 "  containers:\n  - name: a\n    securityContext:\n      runAsNonRoot: null\n"
		 "      capabilities: {}\n  - name: b\n");
	assert_int_equal(f.rc, 0);
	assert_true(f.pod.sc.c.set);
	assert_false(f.pod.sc.c.run_as_non_root.set);
	assert_true(f.pod.containers[0].sc.caps_set);
	assert_false(f.pod.containers[0].sc.c.run_as_non_root.set);
	assert_false(f.pod.containers[1].sc.c.set);
	unload(&f);
}

static void test_wrong_type_is_an_error_with_position(void **state)
{
	(void)state;
	fixture f;
	load(&f, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n"
		 "    spec:\n      containers:\n      - name: a\n        securityContext:\n"
		 "          privileged: \"true\"\n");
	assert_int_equal(f.rc, VAKT_E_INVALID);
	assert_non_null(f.err);
	assert_int_equal(f.err->line, 10);
	assert_int_equal(f.err->col, 23);
	assert_string_equal(f.err->msg, "spec.template.spec.containers[0].securityContext.privileged: "
					"expected a boolean, got string");
	unload(&f);
}

static void test_volumes_and_hosts(void **state)
{
	(void)state;
	fixture f;
	load(&f, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n"
		 "  - {name: h, hostPath: {path: /etc}}\n  - {name: e, emptyDir: {}}\n  - {name: none}\n"
		 "  containers:\n  - name: a\n    livenessProbe: {httpGet: {host: example.com, port: 80}}\n"
		 "    lifecycle: {preStop: {tcpSocket: {host: '', port: 1}}}\n");
	assert_int_equal(f.rc, 0);
	assert_int_equal(f.pod.n_volumes, 3);
	assert_true(f.pod.volumes[0].sources & (1ull << K8S_VOL_HOSTPATH));
	assert_string_equal(f.pod.volumes[0].host_path.value, "/etc");
	assert_true(f.pod.volumes[1].sources & (1ull << K8S_VOL_EMPTYDIR));
	assert_int_equal(f.pod.volumes[2].sources, 0);
	assert_int_equal(f.pod.containers[0].n_hosts, 1);
	assert_string_equal(f.pod.containers[0].hosts[0].host, "example.com");
	unload(&f);
}

static void test_not_a_workload(void **state)
{
	(void)state;
	assert_true(vakt_k8s_is_workload("apps/v1", "Deployment"));
	assert_false(vakt_k8s_is_workload("v1", "Service"));
	assert_false(vakt_k8s_is_workload("batch.volcano.sh/v1alpha1", "Job"));
	fixture f;
	load(&f, "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: j}\nspec: {}\n");
	/* a Job of another API group is not a batch Job */
	assert_int_equal(f.rc, VAKT_E_INVALID);
	unload(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cronjob_containers_in_visit_order),
		cmocka_unit_test(test_nil_versus_empty),
		cmocka_unit_test(test_wrong_type_is_an_error_with_position),
		cmocka_unit_test(test_volumes_and_hosts),
		cmocka_unit_test(test_not_a_workload),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
