/* test_doc.c - the YAML/JSON document model: positions, resolution, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/doc.h"

/* Parse the first document of s; the stream is returned for freeing. */
static vakt_doc *parse1(const char *s, vakt_doc_stream **st, const vakt_doc_limits *lim,
			vakt_error **err)
{
	vakt_doc *doc = NULL;
	assert_int_equal(vakt_doc_stream_open_mem(s, strlen(s), "t.yaml", lim, st, NULL), 0);
	int r = vakt_doc_stream_next(*st, &doc, err);
	return r == 1 ? doc : NULL;
}

static void test_positions(void **state)
{
	(void)state;
	vakt_doc_stream *st = NULL;
	vakt_doc *d = parse1("a: 1\nb:\n  c: [x, y]\n", &st, NULL, NULL);
	assert_non_null(d);
	vakt_node *b = vakt_node_get(d->root, "b");
	assert_non_null(b);
	assert_int_equal(b->line, 3);
	assert_int_equal(b->col, 3);
	vakt_node *c = vakt_node_get(b, "c");
	assert_int_equal(c->type, VAKT_NODE_SEQ);
	assert_int_equal(c->seq.n, 2);
	assert_string_equal(c->seq.items[1]->scalar.str, "y");
	assert_int_equal(c->seq.items[1]->col, 10);
	vakt_doc_stream_free(st);
}

static void test_multi_document(void **state)
{
	(void)state;
	const char *s = "a: 1\n---\nb: 2\n---\n# empty\n---\nc: 3\n";
	vakt_doc_stream *st = NULL;
	assert_int_equal(vakt_doc_stream_open_mem(s, strlen(s), "m.yaml", NULL, &st, NULL), 0);
	vakt_doc *d;
	int n = 0, roots = 0;
	while (vakt_doc_stream_next(st, &d, NULL) == 1) {
		n++;
		roots += !vakt_node_is_null(d->root); /* "# empty" is a null document */
	}
	assert_int_equal(n, 4);
	assert_int_equal(roots, 3);
	vakt_doc_stream_free(st);
}

static void test_json(void **state)
{
	(void)state;
	vakt_doc_stream *st = NULL;
	vakt_doc *d = parse1("{\n\t\"kind\":\"Pod\",\"spec\":{\"hostPID\":true,\"x\":\"true\"}}", &st, NULL, NULL);
	assert_non_null(d);
	vakt_node *spec = vakt_node_get(d->root, "spec");
	assert_int_equal(vakt_node_bool(vakt_node_get(spec, "hostPID")), VAKT_BOOL_TRUE);
	/* a quoted "true" is a string, as in Kubernetes' decoder */
	assert_int_equal(vakt_node_bool(vakt_node_get(spec, "x")), VAKT_BOOL_INVALID);
	assert_int_equal(vakt_node_get(d->root, "kind")->line, 2);
	vakt_doc_stream_free(st);
}

/* JSON's surrogate-pair escapes (which libyaml refuses) decode as Go's decoder reads
 * them, also where a pair straddles the reads libyaml makes (5,000 pairs: 60 KB). */
static void test_json_surrogates(void **state)
{
	(void)state;
	size_t pairs = 5000;
	char *s = malloc(pairs * 12 + 64);
	strcpy(s, "{\"k\": \"");
	char *p = s + strlen(s);
	for (size_t i = 0; i < pairs; i++, p += 12)
		memcpy(p, "\\ud83d\\ude80", 12);
	strcpy(p, "\\udc00 \\\\ud83d\"}");
	vakt_doc_stream *st = NULL;
	vakt_doc *d = parse1(s, &st, NULL, NULL);
	assert_non_null(d);
	const vakt_node *k = vakt_node_get(d->root, "k");
	assert_int_equal(k->scalar.len, pairs * 4 + 3 + 1 + 6);
	for (size_t i = 0; i < pairs; i++)
		assert_memory_equal(k->scalar.str + 4 * i, "\xf0\x9f\x9a\x80", 4);
	/* a lone surrogate is U+FFFD; an escaped backslash stays a backslash */
	assert_string_equal(k->scalar.str + 4 * pairs, "\xef\xbf\xbd \\ud83d");
	vakt_doc_stream_free(st);
	free(s);
}

static void test_yaml11_scalars(void **state)
{
	(void)state;
	vakt_doc_stream *st = NULL;
	vakt_doc *d = parse1("a: yes\nb: Off\nc: ~\nd:\ne: 0x1F\nf: 0777\ng: 1_000\nh: 1e3\n"
			     "i: '5'\nj: 1.5\nk: !!str true\n",
			     &st, NULL, NULL);
	assert_non_null(d);
	int64_t v;
	assert_int_equal(vakt_node_bool(vakt_node_get(d->root, "a")), VAKT_BOOL_TRUE);
	assert_int_equal(vakt_node_bool(vakt_node_get(d->root, "b")), VAKT_BOOL_FALSE);
	assert_null(vakt_node_get(d->root, "c")); /* null is absent */
	assert_null(vakt_node_get(d->root, "d"));
	assert_true(vakt_node_int64(vakt_node_get(d->root, "e"), &v) && v == 31);
	assert_true(vakt_node_int64(vakt_node_get(d->root, "f"), &v) && v == 511);
	assert_true(vakt_node_int64(vakt_node_get(d->root, "g"), &v) && v == 1000);
	assert_true(vakt_node_int64(vakt_node_get(d->root, "h"), &v) && v == 1000);
	assert_false(vakt_node_int64(vakt_node_get(d->root, "i"), &v));
	assert_false(vakt_node_int64(vakt_node_get(d->root, "j"), &v));
	assert_int_equal(vakt_node_bool(vakt_node_get(d->root, "k")), VAKT_BOOL_INVALID);
	assert_string_equal(vakt_node_kind_name(vakt_node_get(d->root, "i")), "string");
	vakt_doc_stream_free(st);
}

static void test_duplicate_keys_last_wins(void **state)
{
	(void)state;
	vakt_doc_stream *st = NULL;
	vakt_doc *d = parse1("privileged: false\nprivileged: true\n", &st, NULL, NULL);
	assert_int_equal(vakt_node_bool(vakt_node_get(d->root, "privileged")), VAKT_BOOL_TRUE);
	vakt_doc_stream_free(st);
}

static void test_merge_keys(void **state)
{
	(void)state;
	vakt_doc_stream *st = NULL;
	vakt_doc *d = parse1("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n", &st, NULL, NULL);
	vakt_node *m = vakt_node_get(d->root, "m");
	int64_t v;
	assert_true(vakt_node_int64(vakt_node_get(m, "x"), &v) && v == 1);
	assert_true(vakt_node_int64(vakt_node_get(m, "y"), &v) && v == 3);
	vakt_doc_stream_free(st);
	/* go-yaml v2 applies pairs in order: a merge after an explicit key overwrites it, and
	 * of two merges the later wins (Kubernetes decodes `privileged: true` here) */
	d = parse1("p: &p {privileged: true}\ns: &s {privileged: false}\n"
		   "a: {privileged: false, <<: *p}\nb: {<<: *s, <<: *p}\nc: {<<: [*p, *s]}\n",
		   &st, NULL, NULL);
	assert_non_null(d);
	assert_int_equal(vakt_node_bool(vakt_node_get(vakt_node_get(d->root, "a"), "privileged")), VAKT_BOOL_TRUE);
	assert_int_equal(vakt_node_bool(vakt_node_get(vakt_node_get(d->root, "b"), "privileged")), VAKT_BOOL_TRUE);
	/* in a merged list the earlier mapping wins */
	assert_int_equal(vakt_node_bool(vakt_node_get(vakt_node_get(d->root, "c"), "privileged")), VAKT_BOOL_TRUE);
	vakt_doc_stream_free(st);
	/* merging a scalar fails the document, as in go-yaml */
	vakt_error *err = NULL;
	assert_null(parse1("x: &x 1\nm: {<<: *x}\n", &st, NULL, &err));
	assert_int_equal(err->code, VAKT_E_INVALID);
	assert_int_equal(err->line, 2);
	vakt_error_free(err);
	vakt_doc_stream_free(st);
}

static void test_map_entries(void **state)
{
	(void)state;
	vakt_doc_stream *st = NULL;
	vakt_doc *d = parse1("base: &b {x: 1, y: 2, z: 0}\nother: &o {z: 9, w: 8}\n"
			     "m:\n  <<: [*b, *o]\n  y: 3\n  y: 4\n  v: ~\n",
			     &st, NULL, NULL);
	vakt_map_entry *e = NULL;
	size_t n = 0;
	assert_true(vakt_node_map_entries(vakt_node_get(d->root, "m"), 1000, &e, &n));
	/* sorted by key; the last assignment wins; in a merged list the first map wins */
	assert_int_equal(n, 5);
	const char *want[][2] = {{"v", "~"}, {"w", "8"}, {"x", "1"}, {"y", "4"}, {"z", "0"}};
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(e[i].key->scalar.str, want[i][0]);
		assert_string_equal(e[i].value->scalar.str, want[i][1]);
	}
	free(e);
	/* the budget bounds the work and is reported, never wrapped */
	assert_false(vakt_node_map_entries(vakt_node_get(d->root, "m"), 2, &e, &n));
	free(e);
	vakt_doc_stream_free(st);
}

/* Nine levels of nine aliases each: a billion nodes if expanded. Kubernetes' decoder
 * (go-yaml v2) rejects it as excessive aliasing, and so does vakt, at once. */
static void test_billion_laughs(void **state)
{
	(void)state;
	const char *s = "a: &a [x,x,x,x,x,x,x,x,x]\n"
			"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
			"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
			"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
			"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
			"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
			"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
			"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
			"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	vakt_doc_stream *st = NULL;
	vakt_error *err = NULL;
	assert_null(parse1(s, &st, NULL, &err));
	assert_int_equal(err->code, VAKT_E_LIMIT);
	assert_non_null(strstr(err->msg, "excessive aliasing"));
	assert_int_equal(err->line, 4); /* where go-yaml would stop too: 1,000 nodes decoded */
	vakt_error_free(err);
	vakt_doc_stream_free(st);
}

/* A little aliasing, as real manifests use it, is fine; counting through it is budgeted. */
static void test_modest_aliasing(void **state)
{
	(void)state;
	const char *s = "a: &a [x,x,x]\nb: &b [*a,*a,*a]\nc: [*b,*b,*b]\n";
	vakt_doc_stream *st = NULL;
	vakt_doc *d = parse1(s, &st, NULL, NULL);
	assert_non_null(d);
	assert_true(d->nodes < 30);
	assert_int_equal(vakt_node_count_expanded(d->root, 1000), 61);
	assert_int_equal(vakt_node_count_expanded(d->root, 10), 11);
	vakt_doc_stream_free(st);
}

/* One container aliased 2,000 times is what Kubernetes accepts (ratio 0.9 at 20,000
 * decoded nodes); 200,000 times it rejects (0.9 at two million, where 0.55 is allowed). */
static void test_alias_amplification(void **state)
{
	(void)state;
	char *s = malloc(200000 * 5 + 200);
	strcpy(s, "c: &c {name: x, image: y, securityContext: {privileged: true}}\nl:\n");
	char *p = s + strlen(s);
	for (int i = 0; i < 2000; i++, p += 5)
		memcpy(p, "- *c\n", 6);
	vakt_doc_stream *st = NULL;
	assert_non_null(parse1(s, &st, NULL, NULL));
	vakt_doc_stream_free(st);
	for (int i = 2000; i < 200000; i++, p += 5)
		memcpy(p, "- *c\n", 6);
	st = NULL;
	vakt_error *err = NULL;
	assert_null(parse1(s, &st, NULL, &err));
	assert_non_null(strstr(err->msg, "excessive aliasing"));
	vakt_error_free(err);
	vakt_doc_stream_free(st);
	free(s);
}

static void test_alias_to_open_anchor_rejected(void **state)
{
	(void)state;
	vakt_doc_stream *st = NULL;
	vakt_error *err = NULL;
	vakt_doc *d = parse1("a: &x [1, *x]\n", &st, NULL, &err);
	assert_null(d);
	assert_non_null(err);
	assert_non_null(strstr(err->msg, "alias *x"));
	assert_int_equal(err->line, 1);
	vakt_error_free(err);
	vakt_doc_stream_free(st);
}

static void test_depth_limit(void **state)
{
	(void)state;
	size_t depth = 10000;
	char *s = malloc(depth * 2 + 1);
	for (size_t i = 0; i < depth; i++)
		s[i] = '[';
	for (size_t i = 0; i < depth; i++)
		s[depth + i] = ']';
	s[depth * 2] = '\0';
	vakt_doc_stream *st = NULL;
	vakt_error *err = NULL;
	assert_null(parse1(s, &st, NULL, &err));
	assert_int_equal(err->code, VAKT_E_LIMIT);
	assert_non_null(strstr(err->msg, "deeper than 256"));
	assert_int_equal(err->line, 1);
	assert_int_equal(err->col, 257);
	vakt_error_free(err);
	vakt_doc_stream_free(st);
	free(s);
}

static void test_node_limit(void **state)
{
	(void)state;
	vakt_doc_limits lim = vakt_doc_default_limits;
	lim.max_nodes = 10;
	vakt_doc_stream *st = NULL;
	vakt_error *err = NULL;
	assert_null(parse1("[1,2,3,4,5,6,7,8,9,10,11]", &st, &lim, &err));
	assert_int_equal(err->code, VAKT_E_LIMIT);
	vakt_error_free(err);
	vakt_doc_stream_free(st);
}

static void test_doc_size_limit(void **state)
{
	(void)state;
	vakt_doc_limits lim = vakt_doc_default_limits;
	lim.max_doc_bytes = 64 * 1024;
	size_t n = 1 << 20;
	char *s = malloc(n + 8);
	memcpy(s, "a: ", 3);
	memset(s + 3, 'x', n);
	s[n + 3] = '\0';
	vakt_doc_stream *st = NULL;
	vakt_error *err = NULL;
	assert_null(parse1(s, &st, &lim, &err));
	assert_int_equal(err->code, VAKT_E_LIMIT);
	assert_non_null(strstr(err->msg, "document is larger"));
	/* stopped early: libyaml never saw most of the input */
	assert_true(vakt_doc_stream_bytes(st) < 256 * 1024);
	vakt_error_free(err);
	vakt_doc_stream_free(st);
	free(s);
}

static void test_syntax_error_position(void **state)
{
	(void)state;
	vakt_doc_stream *st = NULL;
	vakt_error *err = NULL;
	assert_null(parse1("a: 1\nb: [1, 2\nc: 3\n", &st, NULL, &err));
	assert_int_equal(err->code, VAKT_E_PARSE);
	assert_string_equal(err->file, "t.yaml");
	assert_true(err->line >= 2);
	vakt_error_free(err);
	vakt_doc_stream_free(st);
}

static void test_invalid_utf8_located(void **state)
{
	(void)state;
	vakt_doc_stream *st = NULL;
	vakt_error *err = NULL;
	assert_null(parse1("a: 1\nb: caf\xff\n", &st, NULL, &err));
	assert_int_equal(err->code, VAKT_E_PARSE);
	assert_int_equal(err->line, 2);
	assert_int_equal(err->col, 7);
	assert_non_null(strstr(err->msg, "0xff"));
	vakt_error_free(err);
	vakt_doc_stream_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_multi_document),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_surrogates),
		cmocka_unit_test(test_yaml11_scalars),
		cmocka_unit_test(test_duplicate_keys_last_wins),
		cmocka_unit_test(test_merge_keys),
		cmocka_unit_test(test_map_entries),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_modest_aliasing),
		cmocka_unit_test(test_alias_amplification),
		cmocka_unit_test(test_alias_to_open_anchor_rejected),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_doc_size_limit),
		cmocka_unit_test(test_syntax_error_position),
		cmocka_unit_test(test_invalid_utf8_located),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
