
/*
 * Unit tests of src/authgw_cache.c: keys of tokens that share a prefix,
 * LRU eviction, removal, copies of the cached objects, a flush, and the
 * hit policy: a hit refuses what a verification now would.
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


/* two HS256 keys without kid: a kid-less token fits both */

static test_keys_t
two_hs_keys(const unsigned char *other)
{
    char  text[512], a[64], b[64];

    a[authgw_b64url_encode(a, secret, 32)] = '\0';
    b[authgw_b64url_encode(b, other, 32)] = '\0';

    snprintf(text, sizeof(text),
             "{\"keys\":[{\"kty\":\"oct\",\"alg\":\"HS256\",\"k\":\"%s\"},"
             "{\"kty\":\"oct\",\"alg\":\"HS256\",\"k\":\"%s\"}]}", a, b);

    return load(text, -1);
}


/* the cache's answer, then the same token verified now, same rules */

static authgw_status_t
cached(authgw_cache_t *c, const char *token, test_keys_t k, unsigned algs,
    unsigned flags, authgw_cache_lookup_t lookup, authgw_cache_entry_t **e)
{
    authgw_jws_t     jws, now;
    authgw_status_t  status, fresh;

    status = authgw_cache_verify(c, (const unsigned char *) token,
                                 strlen(token), k.keys, k.nkeys, algs, flags,
                                 &alloc, &jws, e);

    assert_int_equal(jws.cache, lookup);

    fresh = authgw_jws_verify((const unsigned char *) token, strlen(token),
                              k.keys, k.nkeys, algs, flags, &alloc, &now);
    assert_int_equal(status, fresh);

    if (status == AUTHGW_OK) {
        assert_true((*e != NULL) == (c != NULL));
        assert_ptr_equal(jws.key, now.key);
        assert_int_equal(jws.alg, now.alg);
        assert_true(json_equal(jws.header, now.header));
        assert_true(json_equal(jws.payload, now.payload));

    } else {
        assert_null(*e);
    }

    authgw_jws_free(&jws);
    authgw_jws_free(&now);

    return status;
}


static void
test_cache_hit_policy(void **state)
{
    char                   *t, *forged, *old, payload[128];
    json_t                 *p;
    test_keys_t             k;
    authgw_cache_t         *c;
    unsigned char           other[32];
    authgw_cache_entry_t   *e;
    authgw_claims_policy_t  policy;

    (void) state;

    memset(other, 0x5a, sizeof(other));
    k = two_hs_keys(other);

    c = authgw_cache_create(8);
    assert_non_null(c);

    /* signed with the second key: found only where every key is tried */

    t = hs256_token("{\"alg\":\"HS256\"}", "{\"sub\":\"a\"}", other, 32);

    assert_int_equal(cached(c, t, k, AUTHGW_ALGS_HS, 0, AUTHGW_CACHE_MISS,
                            &e), AUTHGW_UNKNOWN_KID);
    assert_int_equal(cached(c, t, k, AUTHGW_ALGS_HS, AUTHGW_VERIFY_ALL_KEYS,
                            AUTHGW_CACHE_MISS, &e), AUTHGW_OK);
    assert_int_equal(e->candidates, 2);
    assert_ptr_equal(e->key, k.keys[1]);

    /* a hit, where every key is tried */
    assert_int_equal(cached(c, t, k, AUTHGW_ALGS_HS, AUTHGW_VERIFY_ALL_KEYS,
                            AUTHGW_CACHE_HIT, &e), AUTHGW_OK);

    /* a hit under other rules: refused as a verification now refuses it */
    assert_int_equal(cached(c, t, k, AUTHGW_ALGS_HS, 0, AUTHGW_CACHE_HIT,
                            &e), AUTHGW_UNKNOWN_KID);
    assert_int_equal(cached(c, t, k, AUTHGW_ALGS_RSA, AUTHGW_VERIFY_ALL_KEYS,
                            AUTHGW_CACHE_HIT, &e), AUTHGW_ALG_NOT_ALLOWED);

    /* what fails is never stored */

    forged = hs256_token("{\"alg\":\"HS256\"}", "{\"sub\":\"b\"}",
                         (const unsigned char *) "not the key", 11);

    assert_int_equal(cached(c, forged, k, AUTHGW_ALGS_HS,
                            AUTHGW_VERIFY_ALL_KEYS, AUTHGW_CACHE_MISS, &e),
                     AUTHGW_BAD_SIGNATURE);
    assert_int_equal(cached(c, forged, k, AUTHGW_ALGS_HS,
                            AUTHGW_VERIFY_ALL_KEYS, AUTHGW_CACHE_MISS, &e),
                     AUTHGW_BAD_SIGNATURE);

    /* no cache: a verification, not looked up */
    assert_int_equal(cached(NULL, t, k, AUTHGW_ALGS_HS,
                            AUTHGW_VERIFY_ALL_KEYS, AUTHGW_CACHE_BYPASS, &e),
                     AUTHGW_OK);

    /* every claim rule on a hit; an expired token is dropped */

    snprintf(payload, sizeof(payload), "{\"sub\":\"c\",\"exp\":%d}", 1000);
    old = hs256_token("{\"alg\":\"HS256\"}", payload, secret, 32);

    memset(&policy, 0, sizeof(policy));
    policy.require_exp = 1;

    assert_int_equal(cached(c, old, k, AUTHGW_ALGS_HS, AUTHGW_VERIFY_ALL_KEYS,
                            AUTHGW_CACHE_MISS, &e), AUTHGW_OK);
    assert_int_equal(cached(c, old, k, AUTHGW_ALGS_HS, AUTHGW_VERIFY_ALL_KEYS,
                            AUTHGW_CACHE_HIT, &e), AUTHGW_OK);

    p = json_incref(e->payload);

    assert_int_equal(authgw_cache_claims_check(c, &e, p, &policy, 999),
                     AUTHGW_OK);
    assert_non_null(e);
    assert_int_equal(authgw_cache_claims_check(c, &e, p, &policy, 1001),
                     AUTHGW_EXPIRED);
    assert_null(e);

    json_decref(p);

    assert_int_equal(cached(c, old, k, AUTHGW_ALGS_HS, AUTHGW_VERIFY_ALL_KEYS,
                            AUTHGW_CACHE_MISS, &e), AUTHGW_OK);

    /* other refusals of the claims keep the entry: they depend on rules */

    policy.nissuers = 1;
    policy.issuers = &(authgw_str_t) { (const unsigned char *) "x", 1 };

    assert_int_equal(authgw_cache_claims_check(c, &e, e->payload, &policy,
                                               999),
                     AUTHGW_BAD_ISSUER);
    assert_non_null(e);
    assert_int_equal(cached(c, old, k, AUTHGW_ALGS_HS, AUTHGW_VERIFY_ALL_KEYS,
                            AUTHGW_CACHE_HIT, &e), AUTHGW_OK);

    free(t);
    free(forged);
    free(old);
    authgw_cache_destroy(c);
    authgw_keys_free(k.keys, k.nkeys);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup(test_cache_lru, unit_forget),
        cmocka_unit_test_setup(test_cache_hit_policy, unit_forget),
    };

    return cmocka_run_group_tests_name("cache", tests, NULL, test_pool_free);
}
