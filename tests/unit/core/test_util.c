/* test_util.c - arena, bounded buffers, errors, the JSON writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/jsonw.h"

static void test_arena(void **state)
{
	(void)state;
	vakt_arena a;
	vakt_arena_init(&a, 128);
	char *s = vakt_arena_strdup(&a, "hello");
	void *big = vakt_arena_alloc(&a, 4096); /* larger than a chunk */
	memset(big, 1, 4096);
	assert_string_equal(s, "hello");
	assert_true(((uintptr_t)vakt_arena_alloc(&a, 3) % _Alignof(max_align_t)) == 0);
	assert_string_equal(vakt_arena_printf(&a, "%d-%s", 7, "x"), "7-x");
	assert_true(vakt_arena_used(&a) >= 4096);
	vakt_arena_reset(&a);
	assert_int_equal(vakt_arena_used(&a), 0);
	assert_string_equal(vakt_arena_strdup(&a, "again"), "again");
	vakt_arena_destroy(&a);
}

static void test_buf_limit(void **state)
{
	(void)state;
	vakt_buf b = VAKT_BUF_INIT(8);
	assert_int_equal(vakt_buf_puts(&b, "12345"), 0);
	assert_int_equal(vakt_buf_puts(&b, "6789"), VAKT_E_LIMIT);
	assert_string_equal(vakt_buf_str(&b), "12345"); /* unchanged on failure */
	assert_int_equal(vakt_buf_printf(&b, "%d", 678), 0);
	assert_string_equal(vakt_buf_str(&b), "12345678");
	assert_int_equal(vakt_buf_putc(&b, 'x'), VAKT_E_LIMIT);
	vakt_buf_free(&b);
}

static void test_error_wrap(void **state)
{
	(void)state;
	vakt_error *e = NULL;
	assert_int_equal(vakt_error_set_at(&e, VAKT_E_PARSE, "f.yaml", 3, 4, "bad %s", "thing"),
			 VAKT_E_PARSE);
	/* the first error is kept */
	vakt_error_set(&e, VAKT_E_IO, "later");
	assert_int_equal(vakt_error_wrap(&e, "reading %s", "config"), VAKT_E_PARSE);
	char *s = vakt_error_format(e);
	assert_string_equal(s, "f.yaml:3:4: reading config: bad thing");
	free(s);
	vakt_error_free(e);
	vakt_error_set(NULL, VAKT_E_IO, "no crash without a slot");
}

static void test_jsonw(void **state)
{
	(void)state;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	jsonw w;
	jsonw_init(&w, f, 0);
	jsonw_obj_begin(&w);
	jsonw_kv_str(&w, "s", "a\"b\\c\n\x01\xff\xc3\xa9");
	jsonw_key(&w, "a");
	jsonw_arr_begin(&w);
	jsonw_int(&w, -3);
	jsonw_bool(&w, true);
	jsonw_null(&w);
	jsonw_arr_end(&w);
	jsonw_key(&w, "e");
	jsonw_arr_begin(&w);
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	fclose(f);
	assert_string_equal(out, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd\xc3\xa9\",\"a\":[-3,true,null],\"e\":[]}");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_buf_limit),
		cmocka_unit_test(test_error_wrap),
		cmocka_unit_test(test_jsonw),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
