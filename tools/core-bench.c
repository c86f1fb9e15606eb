
/*
 * The core's cost per token, in process: the JWS verification and claims of
 * a token, the decryption of its user id, a hit in the cache of verified
 * tokens, and the JSON parse of the payload alone, each timed over many
 * calls.
 *
 *   core-bench HS_KEY UID_KEY TOKEN_WITH_UID_FILE [SECONDS [TOKEN_FILE]]
 *
 * It prints one line per step with the mean time per call in microseconds,
 * for make bench to put beside the request-level figures.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/authgw.h"


typedef struct {
    unsigned char  *base;
    size_t          used;
    size_t          size;
} arena_t;


static void *arena_alloc(void *data, size_t size);
static double now(void);
static double time_verify(const char *token, size_t len, authgw_key_t **keys,
    size_t nkeys, const authgw_alloc_t *a, arena_t *arena,
    const authgw_claims_policy_t *policy, double secs);


static void *
arena_alloc(void *data, size_t size)
{
    void     *p;
    arena_t  *a = data;

    size = (size + 15) & ~(size_t) 15;

    if (a->used + size > a->size) {
        return NULL;
    }

    p = a->base + a->used;
    a->used += size;

    return p;
}


static double
now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static double
time_verify(const char *token, size_t len, authgw_key_t **keys, size_t nkeys,
    const authgw_alloc_t *a, arena_t *arena,
    const authgw_claims_policy_t *policy, double secs)
{
    int            ok;
    size_t         n;
    double         t0, t;
    authgw_jws_t   jws;

    n = 0;
    t0 = now();

    do {
        for (int i = 0; i < 1000; i++) {
            arena->used = 0;
            ok = authgw_jws_verify((const unsigned char *) token, len, keys,
                                   nkeys, AUTHGW_ALGS_ALL, a, &jws)
                 == AUTHGW_OK
                 && authgw_claims_check(jws.payload, policy, time(NULL))
                    == AUTHGW_OK;
            authgw_jws_free(&jws);

            if (!ok) {
                fprintf(stderr, "core-bench: the token does not verify\n");
                return -1;
            }
        }

        n += 1000;
        t = now() - t0;

    } while (t < secs);

    return t / n * 1e6;
}


int
main(int argc, char **argv)
{
    int                      ok;
    char                     err[256], line[16384], plain[16384];
    FILE                    *f;
    json_t                  *v;
    size_t                   nkeys, nuid, len, outlen, n;
    char                    *dot;
    double                   secs, t0, t;
    size_t                   plen;
    unsigned char            hash[32], *payload;
    authgw_cache_t          *cache;
    authgw_cache_entry_t    *e;
    arena_t                  arena;
    unsigned char           *out;
    authgw_key_t           **keys, **uid;
    authgw_jws_t             jws;
    authgw_alloc_t           a;
    authgw_claims_policy_t   policy;

    if (argc < 4) {
        fprintf(stderr, "usage: core-bench HS_KEY UID_KEY TOKEN_FILE [SECS "
                "[PLAIN_TOKEN_FILE]]\n");
        return 2;
    }

    secs = argc > 4 ? atof(argv[4]) : 1.0;

    if (authgw_key_load_file(argv[1], NULL, 0, AUTHGW_HS256, &keys, &nkeys,
                             err, sizeof(err)) != 0
        || authgw_enc_key_load_file(argv[2], NULL, 0, &uid, &nuid, err,
                                    sizeof(err)) != 0)
    {
        fprintf(stderr, "core-bench: %s\n", err);
        return 1;
    }

    f = fopen(argv[3], "r");
    if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
        fprintf(stderr, "core-bench: cannot read %s\n", argv[3]);
        return 1;
    }

    fclose(f);
    len = strcspn(line, "\r\n");

    arena.size = 1 << 20;
    arena.base = malloc(arena.size);
    a.alloc = arena_alloc;
    a.data = &arena;

    memset(&policy, 0, sizeof(policy));
    policy.require_exp = 1;

    /* the signature and claims, of this token and of one without a user id */

    t = time_verify(line, len, keys, nkeys, &a, &arena, &policy, secs);
    if (t < 0) {
        return 1;
    }

    printf("jws_verify_and_claims_us,%.3f\n", t);
    printf("token_bytes,%zu\n", len);

    if (argc > 5) {
        f = fopen(argv[5], "r");
        if (f == NULL || fgets(plain, sizeof(plain), f) == NULL) {
            fprintf(stderr, "core-bench: cannot read %s\n", argv[5]);
            return 1;
        }

        fclose(f);
        plen = strcspn(plain, "\r\n");

        t = time_verify(plain, plen, keys, nkeys, &a, &arena, &policy, secs);
        if (t < 0) {
            return 1;
        }

        printf("plain_jws_verify_and_claims_us,%.3f\n", t);
        printf("plain_token_bytes,%zu\n", plen);
    }

    /* the user id alone */

    arena.used = 0;

    if (authgw_jws_verify((unsigned char *) line, len, keys, nkeys,
                          AUTHGW_ALGS_ALL, &a, &jws) != AUTHGW_OK)
    {
        return 1;
    }

    v = authgw_claim_get(jws.payload, (const unsigned char *) "uid", 3);
    if (!json_is_string(v)) {
        fprintf(stderr, "core-bench: the token has no uid claim\n");
        return 1;
    }

    n = 0;
    t0 = now();

    do {
        for (int i = 0; i < 1000; i++) {
            arena.used = 0;

            if (authgw_jwe_decrypt((const unsigned char *) json_string_value(v),
                                   json_string_length(v), uid, nuid, &a, &out,
                                   &outlen) != AUTHGW_OK)
            {
                fprintf(stderr, "core-bench: the user id does not decrypt\n");
                return 1;
            }
        }

        n += 1000;
        t = now() - t0;

    } while (t < secs);

    printf("jwe_decrypt_us,%.3f\n", t / n * 1e6);

    /* a hit in the cache of verified tokens: hash, lookup, the claims */

    cache = authgw_cache_create(1024);
    if (cache == NULL
        || authgw_cache_hash(cache, (unsigned char *) line, len, hash) != 0
        || authgw_cache_put(cache, hash, jws.header, jws.payload, jws.alg,
                            jws.key) == NULL)
    {
        fprintf(stderr, "core-bench: no cache\n");
        return 1;
    }

    n = 0;
    t0 = now();

    do {
        for (int i = 0; i < 1000; i++) {
            ok = authgw_cache_hash(cache, (unsigned char *) line, len, hash)
                 == 0
                 && (e = authgw_cache_get(cache, hash)) != NULL
                 && authgw_claims_check(e->payload, &policy, time(NULL))
                    == AUTHGW_OK;

            if (!ok) {
                fprintf(stderr, "core-bench: no hit\n");
                return 1;
            }
        }

        n += 1000;
        t = now() - t0;

    } while (t < secs);

    printf("cache_hit_us,%.3f\n", t / n * 1e6);

    /* JSON alone: the payload of the token, parsed into the arena */

    plen = authgw_b64url_decoded_len(len);
    payload = malloc(plen);
    dot = memchr(line, '.', len);

    if (payload == NULL || dot == NULL
        || authgw_b64url_decode(payload, &plen, (unsigned char *) dot + 1,
                                (size_t) ((char *) memchr(dot + 1, '.',
                                          len - (dot + 1 - line))
                                          - (dot + 1))) != 0)
    {
        fprintf(stderr, "core-bench: cannot decode the payload\n");
        return 1;
    }

    n = 0;
    t0 = now();

    do {
        for (int i = 0; i < 1000; i++) {
            arena.used = 0;

            if (authgw_json_parse(payload, plen, JSON_ALLOW_NUL, &a) == NULL) {
                fprintf(stderr, "core-bench: the payload does not parse\n");
                return 1;
            }
        }

        n += 1000;
        t = now() - t0;

    } while (t < secs);

    printf("payload_json_us,%.3f\n", t / n * 1e6);
    printf("payload_bytes,%zu\n", plen);

    authgw_cache_destroy(cache);
    free(payload);

    authgw_jws_free(&jws);
    authgw_keys_free(keys, nkeys);
    authgw_keys_free(uid, nuid);
    free(arena.base);

    return 0;
}
