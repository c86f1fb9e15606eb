
/*
 * Unit tests of src/authgw_json.c: the text and compact JSON renderings
 * of claims (exact lengths, doubles, control bytes) and parsing into a
 * request's pool.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"


static void
test_json_text(void **state)
{
    size_t          i, len;
    json_t         *v;
    unsigned char  *out;

    static const struct {
        const char  *json;
        const char  *text;
    } cases[] = {
        { "\"alice\"", "alice" },
        { "42", "42" },
        { "-7", "-7" },
        { "1.5", "1.5" },
        { "0.1", "0.1" },
        { "true", "true" },
        { "false", "false" },
        { "null", "null" },
        { "[\"a\",\"b\",3,true]", "a,b,3,true" },
        { "[]", "" },
        { "[[1],2]", "[[1],2]" },
        { "{\"a\":[1,2]}", "{\"a\":[1,2]}" },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        test_pool_reset();
        v = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
        assert_non_null(v);
        assert_int_equal(authgw_json_text(v, &alloc, &out, &len), 0);

        if (len != strlen(cases[i].text)
            || memcmp(out, cases[i].text, len) != 0)
        {
            fail_msg("%s gave \"%.*s\"", cases[i].json, (int) len, out);
        }

        json_decref(v);
    }
}


/*
 * Issue 10: the rendering computes the exact length first and writes
 * nothing past it. Every block of the test allocator is its own malloc(),
 * so ASan stops at a byte past it; a successful text is either the string
 * itself or a block of exactly its length.
 */

static int
text_exact(json_t *v, unsigned char **out, size_t *len)
{
    int  rc;

    rc = authgw_json_text(v, &alloc, out, len);

    if (rc == 0 && *len > 0
        && !(json_is_string(v)
             && *out == (unsigned char *) json_string_value(v)))
    {
        assert_int_equal(test_block_size(*out), *len);
    }

    return rc;
}


static int
dump_exact(json_t *v, unsigned char **out, size_t *len)
{
    int  rc;

    rc = authgw_json_dump(v, &alloc, out, len);

    if (rc == 0) {
        assert_int_equal(test_block_size(*out), *len);
    }

    return rc;
}


static void
assert_text(json_t *v, const char *expect)
{
    size_t          len;
    unsigned char  *out;

    assert_int_equal(text_exact(v, &out, &len), 0);

    if (len != strlen(expect) || memcmp(out, expect, len) != 0) {
        fail_msg("gave \"%.*s\", expected \"%s\"", (int) len, out, expect);
    }
}


/* the text the rendering keeps: the shortest of 15, 16, 17 digits */

static void
shortest(double d, char *buf, size_t size)
{
    int  prec;

    for (prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);

        if (strtod(buf, NULL) == d) {
            return;
        }
    }
}


static void
test_json_text_exact(void **state)
{
    int            i;
    char          *t, num[64], expect[160];
    double         d;
    json_t        *v, *roles;
    uint64_t       x;
    test_keys_t    k;
    authgw_jws_t   jws;

    static const double  edges[] = {
        1e15, 1e16, 1e17, 12345678901234568.0, 1234567890123456.7,
        4503599627370497.5, 9007199254740993.0, 99999999999999984.0,
        1000000000000000.1, 123456789012345.67, -12345678901234568.0
    };

    (void) state;

    /* the example of the issue, in a signed token */

    k = load("0123456789abcdef0123456789abcdef", AUTHGW_HS256);
    t = hs256_token("{\"alg\":\"HS256\"}",
                    "{\"sub\":\"a\",\"roles\":[\"abcdefgh\","
                    "12345678901234568.0]}", secret, 32);

    assert_int_equal(verify(t, k, AUTHGW_ALGS_ALL, &jws), AUTHGW_OK);
    roles = json_object_get(jws.payload, "roles");
    assert_non_null(roles);
    assert_text(roles, "abcdefgh,12345678901234568");

    authgw_jws_free(&jws);
    free(t);
    authgw_keys_free(k.keys, k.nkeys);
    test_pool_reset();

    /* doubles between 1e15 and 1e17 after a string, alone, and in pairs */

    x = 0x9e3779b97f4a7c15ULL;

    for (i = 0; i < 20000; i++) {

        if ((size_t) i < sizeof(edges) / sizeof(edges[0])) {
            d = edges[i];

        } else {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            d = 1e15 + (double) (x >> 11) / 9007199254740992.0 * 99e15;
        }

        shortest(d, num, sizeof(num));

        v = json_pack("[s,f]", "abcdefgh", d);
        snprintf(expect, sizeof(expect), "abcdefgh,%s", num);
        assert_text(v, expect);
        json_decref(v);

        v = json_pack("[f]", d);
        assert_text(v, num);
        json_decref(v);

        v = json_pack("[f,s,f]", d, "", d);
        snprintf(expect, sizeof(expect), "%s,,%s", num, num);
        assert_text(v, expect);
        json_decref(v);

        v = json_real(d);
        assert_text(v, num);
        json_decref(v);

        test_pool_reset();
    }
}


/* what authgw_json_dump() must give: jansson's compact JSON, 0x7F escaped */

static char *
reference_dump(json_t *v)
{
    char    *s, *r, *p;
    size_t   i;

    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_non_null(s);

    r = malloc(strlen(s) * 6 + 1);
    p = r;

    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] == 0x7f) {
            memcpy(p, "\\u007f", 6);
            p += 6;

        } else {
            *p++ = s[i];
        }
    }

    *p = '\0';
    free(s);

    return r;
}


static int
has_control(const unsigned char *p, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (p[i] < 0x20 || p[i] == 0x7f) {
            return 1;
        }
    }

    return 0;
}


/* the dump of v is the reference, has no control byte, and reads back */

static void
assert_dump(json_t *v)
{
    char            *ref;
    size_t           len;
    json_t          *back;
    unsigned char   *out;

    assert_int_equal(dump_exact(v, &out, &len), 0);
    assert_false(has_control(out, len));

    ref = reference_dump(v);

    if (len != strlen(ref) || memcmp(out, ref, len) != 0) {
        fail_msg("dump gave \"%.*s\", expected \"%s\"", (int) len, out, ref);
    }

    free(ref);

    back = json_loadb((const char *) out, len,
                      JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    assert_non_null(back);
    assert_true(json_equal(back, v));
    json_decref(back);
}


static void
test_json_text_control(void **state)
{
    int             c, rc;
    char            s[3], key[3];
    size_t          i, len;
    json_t         *str, *v[9];
    unsigned char  *out;

    (void) state;

    for (c = 0; c < 0x80; c++) {

        if (c >= 0x20 && c != 0x7f) {
            continue;
        }

        s[0] = 'a';
        s[1] = (char) c;
        s[2] = 'b';
        memcpy(key, s, 3);

        str = json_stringn(s, 3);
        assert_non_null(str);

        /* a string, or an array of scalars, is refused as it is */

        v[0] = json_incref(str);
        v[1] = json_pack("[O]", str);
        v[2] = json_pack("[s,O]", "ok", str);
        v[3] = json_pack("[i,b,O,n]", 1, 1, str);

        for (i = 0; i < 4; i++) {
            assert_non_null(v[i]);

            if (text_exact(v[i], &out, &len) != AUTHGW_TEXT_CONTROL) {
                fail_msg("byte 0x%02x in case %zu not refused", c, i);
            }

            assert_dump(v[i]);
        }

        /*
         * compact JSON: every control byte escaped, 0x7F as \u007f too,
         * so the text is good
         */

        v[4] = json_pack("{s:O}", "k", str);
        v[5] = json_pack("[[s],O]", "x", str);
        v[6] = json_pack("{s:{s:[O]}}", "k", "n", str);
        v[7] = json_object();

        if (c != 0) {
            json_object_setn_new(v[7], key, 3, json_integer(1));

        } else {
            /* jansson reads no NUL in a key: it never comes from a token */
            json_object_set(v[7], "k", v[5]);
        }

        v[8] = json_pack("[O,{s:i}]", str, "k", 1);

        for (i = 4; i < 9; i++) {
            assert_non_null(v[i]);

            rc = text_exact(v[i], &out, &len);

            assert_int_equal(rc, 0);
            assert_false(has_control(out, len));

            assert_dump(v[i]);
        }

        for (i = 0; i < 9; i++) {
            json_decref(v[i]);
        }

        json_decref(str);
        test_pool_reset();
    }

    /* 0x7F in a dump is \u007f */

    str = json_string("a\x7f");
    assert_int_equal(dump_exact(str, &out, &len), 0);
    assert_int_equal(len, sizeof("\"a\\u007f\"") - 1);
    assert_memory_equal(out, "\"a\\u007f\"", len);
    json_decref(str);

    test_pool_reset();
}


/* exact lengths of both renderings, for values of every kind */

static void
test_json_dump(void **state)
{
    size_t          i, len;
    json_t         *v;
    unsigned char  *out;

    static const char  *cases[] = {
        "\"alice\"", "\"\"", "42", "-7", "1.5", "0.1", "1e300", "true",
        "false", "null", "[]", "{}", "[\"a\",\"b\",3,true]", "[[1],2]",
        "{\"a\":[1,2]}", "{\"a\":\"b/c\\\"d\\\\e\\u00e9\\ud83d\\ude00\"}",
        "{\"sub\":\"u\",\"aud\":[\"a\",\"b\"],\"n\":{\"x\":1.5,\"y\":null}}",
        "[\"\\u007f\",{\"\\u007f\\u0001\":\"\\u001f\\u0000\"}]",
        "[12345678901234568.0,{\"r\":1234567890123456.7}]",
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        v = json_loads(cases[i], JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        assert_non_null(v);

        assert_dump(v);

        if (text_exact(v, &out, &len) == 0) {
            assert_false(has_control(out, len));
        }

        json_decref(v);
        test_pool_reset();
    }
}


/*
 * A parse given an allocator takes every block from it and frees none
 * (ASan would see a free() of pool memory), restores jansson's allocation
 * functions, and the cache copies pool objects out.
 */

static int
in_pool(const void *p)
{
    size_t       i;
    const char  *b;

    for (i = 0; i < pool.n; i++) {
        b = pool.blocks[i].data;

        if ((const char *) p >= b && (const char *) p < b + pool.blocks[i].size)
        {
            return 1;
        }
    }

    return 0;
}


static json_t *
test_parse(const char *text, const authgw_alloc_t *a)
{
    return authgw_json_parse((const unsigned char *) text, strlen(text), 0, a);
}


static void *
foreign_malloc(size_t size)
{
    return malloc(size);
}


static void
test_json_pool(void **state)
{
    size_t                  used;
    json_t                 *h, *p, *heap;
    json_free_t             f;
    json_malloc_t           m;
    unsigned char           k[32];
    authgw_cache_t         *c;
    authgw_cache_entry_t   *e;

    (void) state;

    test_pool_reset();
    json_set_alloc_funcs(foreign_malloc, free);

    h = test_parse("{\"alg\":\"HS256\",\"kid\":\"k1\"}", &alloc);
    p = test_parse("{\"sub\":\"u\",\"aud\":[\"a\",\"b\"],"
                   "\"n\":{\"x\":1.5}}", &alloc);
    heap = test_parse("{\"sub\":\"u\"}", NULL);

    /* another user's allocation functions are back after each parse */
    json_get_alloc_funcs(&m, &f);
    assert_ptr_equal(m, foreign_malloc);
    assert_ptr_equal(f, free);
    json_set_alloc_funcs(malloc, free);

    assert_non_null(h);
    assert_non_null(p);
    assert_non_null(heap);
    assert_true(in_pool(h));
    assert_true(in_pool(json_object_get(p, "aud")));
    assert_true(in_pool(json_array_get(json_object_get(p, "aud"), 1)));
    assert_false(in_pool(heap));

    used = pool.used;
    assert_true(used > 0);

    /* a refused text leaves nothing to free either */
    assert_null(test_parse("{\"a\":1,\"a\":2}", &alloc));
    assert_null(test_parse("[1,2]", &alloc));
    assert_true(pool.used > used);

    c = authgw_cache_create(4);
    assert_non_null(c);
    memset(k, 7, sizeof(k));

    e = authgw_cache_put(c, k, h, p, AUTHGW_HS256, NULL);
    assert_non_null(e);
    assert_false(in_pool(e->header));
    assert_false(in_pool(json_object_get(e->payload, "aud")));
    assert_true(json_equal(e->payload, p));

    json_decref(heap);

    /* the pool goes; the cache's copies stay good */
    test_pool_reset();

    e = authgw_cache_get(c, k);
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e->header, "kid")),
                        "k1");
    authgw_cache_destroy(c);
}


/* a NUL byte anywhere is refused: json_loadb() ends a number at one */

static void
test_json_nul(void **state)
{
    size_t          i, n;
    char            err[256];
    json_t         *j;
    authgw_key_t  **keys;

    static const struct {
        const char  *text;
        size_t       len;
    } nul[] = {
        { "{\"exp\":1\0}", 10 },
        { "{\"a\":\"b\"\0}", 10 },
        { "{\"a\":\"b\0\"}", 10 },
        { "{\"a\":true}\0", 11 },
        { "\0{\"a\":1}", 8 },
    };

    (void) state;

    /* jansson alone takes the first */
    j = json_loadb(nul[0].text, nul[0].len, 0, NULL);
    assert_non_null(j);
    json_decref(j);

    for (i = 0; i < sizeof(nul) / sizeof(nul[0]); i++) {
        if (authgw_json_parse((const unsigned char *) nul[i].text,
                              nul[i].len, 0, NULL)
            != NULL
            || authgw_json_parse_header((const unsigned char *) nul[i].text,
                                        nul[i].len, 0, NULL)
               != NULL)
        {
            fail_msg("text #%zu with a NUL byte parsed", i);
        }
    }

    assert_int_not_equal(authgw_key_load_buf((const unsigned char *)
                                             "{\"keys\":[],\"n\":1\0}", 18,
                                             NULL, 0, -1, &keys, &n, err,
                                             sizeof(err)),
                         0);
    assert_non_null(strstr(err, "invalid JSON at line 1: a NUL byte"));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_json_text),
        cmocka_unit_test(test_json_text_exact),
        cmocka_unit_test(test_json_text_control),
        cmocka_unit_test(test_json_dump),
        cmocka_unit_test(test_json_pool),
        cmocka_unit_test(test_json_nul),
    };

    return cmocka_run_group_tests_name("json", tests, NULL, test_pool_free);
}
