
/*
 * A cached verification against an uncached one: each token is verified
 * through a small cache under one set of rules, then under a second set
 * through the cache (a hit, when the first verified it), without it (the
 * protected header most often a kept one, authgw_jws.c), and afresh with
 * no header kept. They must agree on the status, the key, the algorithm,
 * the header and payload, the claim rules, the user id, and an expired
 * token must never hit again. The cache and the kept headers live across
 * inputs, so entries of earlier tokens are evicted and reused as they are
 * in a worker.
 *
 * The first byte is fuzz_token's (bit 0: the rest is the token, or header
 * and payload JSON that the harness signs with the HS256 key); its other
 * bits choose the rules.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"


#define CACHE_ENTRIES  4
#define CACHE_KEYS     32


static authgw_cache_t  *cache;
static authgw_key_t    *keys[CACHE_KEYS];
static size_t           nkeys;


/*
 * The fuzz keys, and two HS256 keys without kid in front of them (one of
 * them the harness's secret): a kid-less token then fits several keys.
 */

static void
cache_init(void)
{
    char           err[256];
    size_t         i, n;
    authgw_key_t **k;

    static const unsigned char  other[32] = "another HS256 secret, 32 bytes!";

    if (cache != NULL) {
        return;
    }

    cache = authgw_cache_create(CACHE_ENTRIES);

    if (authgw_key_load_buf(other, sizeof(other), NULL, 0, AUTHGW_HS256, &k,
                            &n, err, sizeof(err))
        != 0)
    {
        fprintf(stderr, "fuzz_cache: %s\n", err);
        abort();
    }

    keys[nkeys++] = k[0];
    free(k);

    if (authgw_key_load_buf(fuzz_hs256, sizeof(fuzz_hs256), NULL, 0,
                            AUTHGW_HS256, &k, &n, err, sizeof(err))
        != 0)
    {
        fprintf(stderr, "fuzz_cache: %s\n", err);
        abort();
    }

    keys[nkeys++] = k[0];
    free(k);

    for (i = 0; i < fuzz_sig_keys.nkeys && nkeys < CACHE_KEYS; i++) {
        keys[nkeys++] = fuzz_sig_keys.keys[i];
    }
}


static void
cache_same_user_id(json_t *payload, authgw_cache_entry_t *e)
{
    size_t                  len1, len2;
    unsigned char          *id1, *id2;
    authgw_status_t         s1, s2;
    authgw_user_id_rule_t   rule;

    rule.claim = (const unsigned char *) "uid";
    rule.claim_len = 3;
    rule.keys = fuzz_uid_keys.keys;
    rule.nkeys = fuzz_uid_keys.nkeys;
    rule.optional = 1;

    s1 = authgw_user_id(payload, &rule, e, &fuzz_alloc, &id1, &len1);
    s2 = authgw_user_id(payload, &rule, NULL, &fuzz_alloc, &id2, &len2);

    if (s1 != s2 || len1 != len2
        || (len1 != 0 && memcmp(id1, id2, len1) != 0))
    {
        fprintf(stderr, "fuzz_cache: user id %s from the cache, %s now\n",
                authgw_status_str(s1), authgw_status_str(s2));
        abort();
    }
}


/* one verification (what) against a fresh one: the same in every part */

static void
cache_same(const char *what, authgw_status_t s, authgw_jws_t *jws,
    authgw_status_t fs, authgw_jws_t *fresh)
{
    if (s != fs
        || (s == AUTHGW_OK
            && (jws->key != fresh->key || jws->alg != fresh->alg
                || !json_equal(jws->header, fresh->header)
                || !json_equal(jws->payload, fresh->payload))))
    {
        fprintf(stderr, "fuzz_cache: %s %s (cache %s), %s now\n",
                s == AUTHGW_OK ? "ok" : authgw_status_str(s), what,
                jws->cache == AUTHGW_CACHE_HIT ? "hit" : "miss",
                fs == AUTHGW_OK ? "ok" : authgw_status_str(fs));
        abort();
    }
}


int
fuzz_one(const uint8_t *data, size_t size)
{
    char                   *token;
    size_t                  len;
    int64_t                 now;
    unsigned                algs, flags1, flags2;
    authgw_str_t            iss;
    authgw_jws_t            jws, kept, fresh;
    authgw_status_t         s1, s2, sk, c1, c2;
    authgw_cache_entry_t   *e;
    authgw_claims_policy_t  policy;

    static const unsigned  masks[4] = {
        AUTHGW_ALGS_ALL, AUTHGW_ALGS_HS, AUTHGW_ALGS_RSA,
        AUTHGW_ALGS_ALL & ~AUTHGW_ALG_BIT(AUTHGW_HS256)
    };

    static const int64_t   times[4] = { 0, 1800000000, 1800000200,
                                        4000000000 };

    fuzz_init();
    cache_init();

    if (size == 0 || cache == NULL) {
        return 0;
    }

    token = fuzz_token_of(data, size, &len);
    if (token == NULL) {
        return 0;
    }

    flags1 = (data[0] & 2) ? AUTHGW_VERIFY_ALL_KEYS : 0;
    flags2 = (data[0] & 4) ? AUTHGW_VERIFY_ALL_KEYS : 0;
    algs = masks[(data[0] >> 3) & 3];
    now = times[(data[0] >> 5) & 3];

    /* the first rules fill the cache */

    (void) authgw_cache_verify(cache, (unsigned char *) token, len, keys,
                               nkeys, AUTHGW_ALGS_ALL, flags1, &fuzz_alloc,
                               &jws, &e);
    authgw_jws_free(&jws);

    /* the second: through the cache, without it, and with nothing kept */

    s1 = authgw_cache_verify(cache, (unsigned char *) token, len, keys,
                             nkeys, algs, flags2, &fuzz_alloc, &jws, &e);
    sk = authgw_jws_verify((unsigned char *) token, len, keys, nkeys, algs,
                           flags2, &fuzz_alloc, &kept);
    authgw_jws_forget();
    s2 = authgw_jws_verify((unsigned char *) token, len, keys, nkeys, algs,
                           flags2, &fuzz_alloc, &fresh);

    cache_same("from the cache", s1, &jws, s2, &fresh);
    cache_same("with a kept header", sk, &kept, s2, &fresh);
    authgw_jws_free(&kept);

    if (s1 == AUTHGW_OK) {
        iss.data = (const unsigned char *) "i";
        iss.len = 1;

        memset(&policy, 0, sizeof(policy));
        policy.issuers = &iss;
        policy.nissuers = (data[0] & 0x80) ? 1 : 0;
        policy.leeway = 30;
        policy.require_exp = (data[0] & 0x80) ? 1 : 0;

        c2 = authgw_claims_check(fresh.payload, &policy, now);
        c1 = authgw_cache_claims_check(cache, &e, jws.payload, &policy, now);

        if (c1 != c2) {
            fprintf(stderr, "fuzz_cache: claims %s from the cache, %s now\n",
                    authgw_status_str(c1), authgw_status_str(c2));
            abort();
        }

        if (c1 == AUTHGW_OK) {
            cache_same_user_id(jws.payload, e);
        }

        authgw_jws_free(&jws);

        /* an expired token is gone: it is verified again */

        if (c1 == AUTHGW_EXPIRED) {
            (void) authgw_cache_verify(cache, (unsigned char *) token, len,
                                       keys, nkeys, algs, flags2,
                                       &fuzz_alloc, &jws, &e);

            if (jws.cache == AUTHGW_CACHE_HIT) {
                fprintf(stderr, "fuzz_cache: an expired token hit\n");
                abort();
            }

            authgw_jws_free(&jws);
        }
    }

    authgw_jws_free(&jws);
    authgw_jws_free(&fresh);
    free(token);

    return 0;
}
