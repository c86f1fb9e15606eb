
/*
 * Unit tests of src/authgw_cache.c: keys of tokens that share a prefix,
 * LRU eviction, removal, copies of the cached objects, and a flush.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"


static void
test_cache_lru(void **state)
{
    int                     i;
    json_t                 *h, *p;
    authgw_cache_t         *c;
    unsigned char           k[4][32];
    authgw_cache_entry_t   *e;

    (void) state;

    c = authgw_cache_create(2);
    assert_non_null(c);

    static const char  *tokens[4] = { "h.p.sig", "h.p.sig2", "h.p.si",
                                      "other" };

    for (i = 0; i < 4; i++) {
        assert_int_equal(authgw_cache_hash(c, (unsigned char *) tokens[i],
                                           strlen(tokens[i]), k[i]), 0);
    }

    /* tokens that share a prefix share no key */
    assert_memory_not_equal(k[0], k[1], 32);
    assert_memory_not_equal(k[0], k[2], 32);

    h = json_object();
    p = json_object();

    assert_null(authgw_cache_get(c, k[0]));
    authgw_cache_put(c, k[0], h, p, AUTHGW_HS256, NULL);
    authgw_cache_put(c, k[1], h, p, AUTHGW_RS256, NULL);

    /* k0 used last: k1 is evicted to make room for k2 */
    e = authgw_cache_get(c, k[0]);
    assert_non_null(e);
    assert_int_equal(e->alg, AUTHGW_HS256);
    authgw_cache_put(c, k[2], h, p, AUTHGW_ES256, NULL);
    assert_null(authgw_cache_get(c, k[1]));
    assert_non_null(authgw_cache_get(c, k[0]));
    assert_non_null(authgw_cache_get(c, k[2]));

    /* a removed entry is gone, and its place is reused first */
    authgw_cache_remove(c, authgw_cache_get(c, k[2]));
    assert_null(authgw_cache_get(c, k[2]));
    authgw_cache_put(c, k[3], h, p, AUTHGW_EDDSA, NULL);
    assert_non_null(authgw_cache_get(c, k[0]));
    assert_non_null(authgw_cache_get(c, k[3]));

    assert_int_equal(authgw_cache_stats(c)->evictions, 2);
    assert_int_equal(authgw_cache_stats(c)->misses, 3);

    /* the cache holds copies: the objects may live in a request's pool */
    assert_int_equal(h->refcount, 1);
    assert_ptr_not_equal(authgw_cache_get(c, k[0])->header, h);
    assert_true(json_equal(authgw_cache_get(c, k[0])->header, h));

    /* a flush (the keys changed) empties it; it fills again from the start */
    authgw_cache_flush(c);
    assert_null(authgw_cache_get(c, k[0]));
    assert_null(authgw_cache_get(c, k[3]));
    assert_non_null(authgw_cache_put(c, k[1], h, p, AUTHGW_RS256, NULL));
    assert_non_null(authgw_cache_put(c, k[3], h, p, AUTHGW_EDDSA, NULL));
    assert_int_equal(authgw_cache_get(c, k[1])->alg, AUTHGW_RS256);
    assert_int_equal(authgw_cache_get(c, k[3])->alg, AUTHGW_EDDSA);
    assert_null(authgw_cache_get(c, k[0]));
    assert_int_equal(authgw_cache_stats(c)->evictions, 2);

    authgw_cache_destroy(c);

    json_decref(h);
    json_decref(p);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_cache_lru),
    };

    return cmocka_run_group_tests_name("cache", tests, NULL, test_pool_free);
}
