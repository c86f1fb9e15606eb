
/*
 * The core's cost per token, in process: the JWS verification and claims of
 * a token, the decryption of its user id, a hit in the cache of verified
 * tokens, the JSON parse of the payload alone, and the scan for the issuer
 * that chooses a provider before the signature (of this token, and of the
 * largest token a forger may send), each timed over many calls. With a
 * DPoP line ("TOKEN PROOF", as make bench sends them) and the URL it was
 * made for: the whole check of the proof, and the part of it that reads
 * its header and makes its jwk a key (on every request: the key is the
 * client's, in the proof).
 *
 *   core-bench HS_KEY UID_KEY TOKEN_WITH_UID_FILE [SECONDS [TOKEN_FILE
 *              [DPOP_LINE_FILE URL]]]
 *
 * It prints one "name,value" line per figure (microseconds per call, and
 * the sizes they were measured on), for make bench to put beside the
 * request-level figures.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../src/authgw.h"


typedef struct {
    unsigned char           *base;
    size_t                   used;
    size_t                   size;
} arena_t;


typedef struct {
    const char              *token;
    size_t                   len;
    authgw_key_t           **keys;
    size_t                   nkeys;
    authgw_key_t           **uid;
    size_t                   nuid;
    unsigned char           *jwe;        /* the user id claim's value */
    size_t                   jwe_len;
    unsigned char           *payload;    /* decoded */
    size_t                   payload_len;
    authgw_cache_t          *cache;
    const unsigned char     *proof;      /* a DPoP proof */
    size_t                   proof_len;
    authgw_dpop_request_t    rq;         /* the request it was made for */
    arena_t                  arena;      /* reset before every call */
    authgw_alloc_t           a;
    authgw_claims_policy_t   policy;
} bench_t;


typedef int (*step_pt)(bench_t *b);


static void *arena_alloc(void *data, size_t size);
static double now(void);
static double time_step(step_pt step, bench_t *b, double secs);
static int step_verify(bench_t *b);
static int step_jwe(bench_t *b);
static int step_hit(bench_t *b);
static int step_json(bench_t *b);
static int step_issuer(bench_t *b);
static int step_dpop(bench_t *b);
static int step_dpop_key(bench_t *b);
static int bench_dpop(bench_t *b, const char *path, const char *url,
    double secs);
static char *forged_token(size_t *len);
static int print_time(const char *name, double t);
static int read_token(const char *path, char *buf, size_t size, size_t *len);
static int prepare(bench_t *b);


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


/* microseconds per call of step, over at least secs seconds; -1: it failed */

static double
time_step(step_pt step, bench_t *b, double secs)
{
    int     i;
    size_t  n;
    double  t0, t;

    n = 0;
    t0 = now();

    do {
        for (i = 0; i < 1000; i++) {
            b->arena.used = 0;

            if (step(b) != 0) {
                return -1;
            }
        }

        n += 1000;
        t = now() - t0;

    } while (t < secs);

    return t / n * 1e6;
}


static int
step_verify(bench_t *b)
{
    int            ok;
    authgw_jws_t   jws;

    ok = authgw_jws_verify((const unsigned char *) b->token, b->len, b->keys,
                           b->nkeys, AUTHGW_ALGS_ALL, 0, &b->a, &jws)
         == AUTHGW_OK
         && authgw_claims_check(jws.payload, &b->policy, time(NULL))
            == AUTHGW_OK;

    authgw_jws_free(&jws);

    return ok ? 0 : -1;
}


static int
step_jwe(bench_t *b)
{
    size_t          len;
    unsigned char  *out;

    return authgw_jwe_decrypt(b->jwe, b->jwe_len, b->uid, b->nuid, &b->a,
                              &out, &len) == AUTHGW_OK ? 0 : -1;
}


static int
step_hit(bench_t *b)
{
    unsigned char          hash[32];
    authgw_cache_entry_t  *e;

    return authgw_cache_hash(b->cache, (const unsigned char *) b->token,
                             b->len, hash) == 0
           && (e = authgw_cache_get(b->cache, hash)) != NULL
           && authgw_claims_check(e->payload, &b->policy, time(NULL))
              == AUTHGW_OK
           ? 0 : -1;
}


static int
step_json(bench_t *b)
{
    return authgw_json_parse(b->payload, b->payload_len, JSON_ALLOW_NUL,
                             &b->a) != NULL ? 0 : -1;
}


/* the issuer scan: a token without "iss" is as fast a call as with one */

static int
step_issuer(bench_t *b)
{
    size_t                len;
    authgw_status_t       st;
    const unsigned char  *iss;

    st = authgw_jws_issuer((const unsigned char *) b->token, b->len, &b->a,
                           &iss, &len);

    return st == AUTHGW_OK || st == AUTHGW_BAD_ISSUER ? 0 : -1;
}


/* the core's whole check of a proof, as the module makes it per request */

static int
step_dpop(bench_t *b)
{
    authgw_dpop_proof_t  out;

    return authgw_dpop_check(b->proof, b->proof_len, &b->rq, &b->a, &out);
}


/* of it: the proof's header read, and its jwk made a key */

static int
step_dpop_key(bench_t *b)
{
    int             rc;
    char            err[128];
    size_t          dot, hlen;
    json_t         *header;
    authgw_key_t   *key;
    unsigned char  *h;

    dot = (const unsigned char *) memchr(b->proof, '.', b->proof_len)
          - b->proof;
    h = authgw_b64url_decode_alloc(&b->a, b->proof, dot, &hlen);
    header = h != NULL ? authgw_json_parse_header(h, hlen, 0, &b->a) : NULL;

    if (header == NULL) {
        return -1;
    }

    rc = authgw_key_load_jwk(json_object_get(header, "jwk"), AUTHGW_ES256,
                             &key, err, sizeof(err));
    if (rc == 0) {
        authgw_key_free(key);
    }

    return rc;
}


/*
 * A line "TOKEN PROOF" of make bench's, and the URL of its proofs: the
 * check of the proof (an ES256 one), and its key alone
 */

static int
bench_dpop(bench_t *b, const char *path, const char *url, double secs)
{
    char    *sp;
    double   t;
    size_t   len;
    static char  line[16384];

    if (read_token(path, line, sizeof(line), &len) != 0) {
        return -1;
    }

    line[len] = '\0';
    sp = strchr(line, ' ');

    if (sp == NULL || memchr(line, '.', len) == NULL) {
        fprintf(stderr, "core-bench: %s is not a line TOKEN PROOF\n", path);
        return -1;
    }

    b->rq.method = "GET";
    b->rq.method_len = 3;
    b->rq.url = url;
    b->rq.url_len = strlen(url);
    b->rq.token = (const unsigned char *) line;
    b->rq.token_len = sp - line;
    b->rq.algs = AUTHGW_ALGS_ALL;
    b->rq.now = time(NULL);
    b->rq.window = 3600;
    b->rq.leeway = 60;

    b->proof = (const unsigned char *) sp + 1;
    b->proof_len = len - (sp + 1 - line);

    t = time_step(step_dpop, b, secs);
    if (print_time("dpop_check_us", t) != 0) {
        return -1;
    }

    t = time_step(step_dpop_key, b, secs);
    if (print_time("dpop_key_us", t) != 0) {
        return -1;
    }

    printf("dpop_proof_bytes,%zu\n", b->proof_len);

    return 0;
}


/*
 * The scan's worst case: a token of AUTHGW_TOKEN_MAX bytes whose payload
 * is members of short strings, with "iss" last
 */

static char *
forged_token(size_t *len)
{
    char    *t, *payload, *p;
    size_t   n, plen;

    plen = (AUTHGW_TOKEN_MAX - 16) / 4 * 3 - 32;
    payload = malloc(plen + 64);
    t = malloc(AUTHGW_TOKEN_MAX + 1);

    if (payload == NULL || t == NULL) {
        return NULL;
    }

    p = payload;
    *p++ = '{';

    for (n = 0; (size_t) (p - payload) < plen - 16; n++) {
        p += sprintf(p, "\"%zx\":\"a\",", n % 4096);
    }

    p += sprintf(p, "\"iss\":\"x\"}");

    memcpy(t, "e30.", 4);
    n = 4 + authgw_b64url_encode(t + 4, (unsigned char *) payload,
                                 p - payload);
    memcpy(t + n, ".c", 3);
    *len = n + 2;

    free(payload);

    return *len <= AUTHGW_TOKEN_MAX ? t : NULL;
}


static int
print_time(const char *name, double t)
{
    if (t < 0) {
        fprintf(stderr, "core-bench: %s: a call failed\n", name);
        return -1;
    }

    printf("%s,%.3f\n", name, t);

    return 0;
}


static int
read_token(const char *path, char *buf, size_t size, size_t *len)
{
    FILE  *f;

    f = fopen(path, "r");
    if (f == NULL || fgets(buf, (int) size, f) == NULL) {
        fprintf(stderr, "core-bench: cannot read %s\n", path);
        return -1;
    }

    fclose(f);
    *len = strcspn(buf, "\r\n");

    return 0;
}


/*
 * From the token with a user id: its user id claim, its decoded payload,
 * and a cache that holds it, all kept outside the arena that the steps
 * reset.
 */

static int
prepare(bench_t *b)
{
    int            rc;
    json_t        *v;
    const char    *p1, *p2;
    unsigned char  hash[32];
    authgw_jws_t   jws;

    rc = -1;
    b->arena.used = 0;

    if (authgw_jws_verify((const unsigned char *) b->token, b->len, b->keys,
                          b->nkeys, AUTHGW_ALGS_ALL, 0, &b->a, &jws)
        != AUTHGW_OK)
    {
        fprintf(stderr, "core-bench: the token does not verify\n");
        authgw_jws_free(&jws);
        return -1;
    }

    v = authgw_claim_get(jws.payload, (const unsigned char *) "uid", 3);
    if (!json_is_string(v)) {
        fprintf(stderr, "core-bench: the token has no uid claim\n");
        goto done;
    }

    b->jwe_len = json_string_length(v);
    b->jwe = malloc(b->jwe_len);

    p1 = memchr(b->token, '.', b->len);
    p2 = p1 ? memchr(p1 + 1, '.', b->len - (size_t) (p1 + 1 - b->token))
            : NULL;

    b->payload = p2 ? malloc(authgw_b64url_decoded_len(p2 - p1 - 1)) : NULL;
    b->cache = authgw_cache_create(1024);

    if (b->jwe == NULL || b->payload == NULL || b->cache == NULL
        || authgw_b64url_decode(b->payload, &b->payload_len,
                                (const unsigned char *) p1 + 1,
                                (size_t) (p2 - p1 - 1)) != 0
        || authgw_cache_hash(b->cache, (const unsigned char *) b->token,
                             b->len, hash) != 0
        || authgw_cache_put(b->cache, hash, jws.header, jws.payload, jws.alg,
                            jws.key) == NULL)
    {
        fprintf(stderr, "core-bench: cannot prepare the steps\n");
        goto done;
    }

    memcpy(b->jwe, json_string_value(v), b->jwe_len);
    rc = 0;

done:

    authgw_jws_free(&jws);

    return rc;
}


int
main(int argc, char **argv)
{
    char      err[256], line[16384], plain[16384];
    size_t    plain_len;
    double    secs, t;
    bench_t   b;

    if (argc < 4) {
        fprintf(stderr, "usage: core-bench HS_KEY UID_KEY TOKEN_FILE [SECS "
                "[PLAIN_TOKEN_FILE [DPOP_LINE_FILE URL]]]\n");
        return 2;
    }

    memset(&b, 0, sizeof(b));
    secs = argc > 4 ? atof(argv[4]) : 1.0;

    if (authgw_key_load_file(argv[1], NULL, 0, AUTHGW_HS256, &b.keys,
                             &b.nkeys, err, sizeof(err)) != 0
        || authgw_enc_key_load_file(argv[2], NULL, 0, &b.uid, &b.nuid, err,
                                    sizeof(err)) != 0)
    {
        fprintf(stderr, "core-bench: %s\n", err);
        return 1;
    }

    if (read_token(argv[3], line, sizeof(line), &b.len) != 0) {
        return 1;
    }

    b.token = line;
    b.arena.size = 1 << 20;
    b.arena.base = malloc(b.arena.size);
    b.a.alloc = arena_alloc;
    b.a.data = &b.arena;
    b.policy.require_exp = 1;

    if (b.arena.base == NULL || prepare(&b) != 0) {
        return 1;
    }

    /* the signature and claims, of this token and of one without a user id */

    t = time_step(step_verify, &b, secs);
    if (print_time("jws_verify_and_claims_us", t) != 0) {
        return 1;
    }
    printf("token_bytes,%zu\n", b.len);

    if (argc > 5) {
        if (read_token(argv[5], plain, sizeof(plain), &plain_len) != 0) {
            return 1;
        }

        b.token = plain;
        b.len = plain_len;
        t = time_step(step_verify, &b, secs);
        if (print_time("plain_jws_verify_and_claims_us", t) != 0) {
            return 1;
        }
        printf("plain_token_bytes,%zu\n", plain_len);

        b.token = line;
        b.len = strcspn(line, "\r\n");
    }

    /* the user id alone, a cache hit, the payload's JSON alone */

    t = time_step(step_jwe, &b, secs);
    if (print_time("jwe_decrypt_us", t) != 0) {
        return 1;
    }

    t = time_step(step_hit, &b, secs);
    if (print_time("cache_hit_us", t) != 0) {
        return 1;
    }

    t = time_step(step_json, &b, secs);
    if (print_time("payload_json_us", t) != 0) {
        return 1;
    }
    printf("payload_bytes,%zu\n", b.payload_len);

    t = time_step(step_issuer, &b, secs);
    if (print_time("issuer_scan_us", t) != 0) {
        return 1;
    }

    b.token = forged_token(&b.len);
    if (b.token == NULL) {
        fprintf(stderr, "core-bench: no forged token\n");
        return 1;
    }

    t = time_step(step_issuer, &b, secs);
    if (print_time("issuer_scan_forged_us", t) != 0) {
        return 1;
    }
    printf("issuer_scan_forged_bytes,%zu\n", b.len);
    free((char *) b.token);

    if (argc > 7 && bench_dpop(&b, argv[6], argv[7], secs) != 0) {
        return 1;
    }

    authgw_cache_destroy(b.cache);
    authgw_keys_free(b.keys, b.nkeys);
    authgw_keys_free(b.uid, b.nuid);
    free(b.jwe);
    free(b.payload);
    free(b.arena.base);

    return 0;
}
