
/*
 * Unit tests of the authgw core (src/), with the RFC 7515 appendix A,
 * RFC 7520 section 4 and RFC 8037 appendix A.4 examples as known answers.
 */


#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "../../src/authgw.h"
#include "../../tools/jwe.h"


#define RFC7515_NOW  1300819379    /* one second before the examples expire */


/*
 * The allocator hook of the tests: each block is its own malloc(), so that
 * AddressSanitizer sees a byte read or written past any of them (a bump
 * arena hides that), and test_pool_reset() frees them all. malloc() aligns
 * for any object, more than authgw_alloc_t asks. The 64 KB limit and the
 * 16-byte rounding of "used" are those of the arena it replaces.
 */

#define TEST_POOL_MAX  65536

typedef struct {
    void          *data;
    size_t         size;
} test_block_t;

typedef struct {
    test_block_t  *blocks;
    size_t         n;
    size_t         nalloc;
    size_t         used;
} test_pool_t;


static test_pool_t  pool;


static void *
test_alloc(void *data, size_t size)
{
    void          *m;
    size_t         rounded, n;
    test_pool_t   *p = data;
    test_block_t  *b;

    rounded = (size + 15) & ~(size_t) 15;

    if (p->used + rounded > TEST_POOL_MAX) {
        return NULL;
    }

    if (p->n == p->nalloc) {
        n = p->nalloc ? p->nalloc * 2 : 256;

        b = realloc(p->blocks, n * sizeof(test_block_t));
        if (b == NULL) {
            return NULL;
        }

        p->blocks = b;
        p->nalloc = n;
    }

    m = malloc(size);
    if (m == NULL) {
        return NULL;
    }

    p->blocks[p->n].data = m;
    p->blocks[p->n].size = size;
    p->n++;
    p->used += rounded;

    return m;
}


/* what goes with a request pool: every block, poisoned then freed */

static void
test_pool_reset(void)
{
    size_t  i;

    for (i = 0; i < pool.n; i++) {
        memset(pool.blocks[i].data, 0xa5, pool.blocks[i].size);
        free(pool.blocks[i].data);
    }

    pool.n = 0;
    pool.used = 0;
}


/* after the last test: nothing left behind */

static int
test_pool_free(void **state)
{
    (void) state;

    test_pool_reset();

    free(pool.blocks);
    memset(&pool, 0, sizeof(pool));

    return 0;
}


/* the size of the block that starts at m, or (size_t) -1 */

static size_t
test_block_size(const void *m)
{
    size_t  i;

    for (i = 0; i < pool.n; i++) {
        if (pool.blocks[i].data == m) {
            return pool.blocks[i].size;
        }
    }

    return (size_t) -1;
}


static const authgw_alloc_t  alloc = { test_alloc, &pool };


/* RFC 7515 A.1-A.3 payload, shared by the tokens */
#define RFC7515_PAYLOAD                                                       \
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxl"   \
    "LmNvbS9pc19yb290Ijp0cnVlfQ"

static const char  *rfc7515_a1_key =
    "{\"kty\":\"oct\",\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1q"
    "S0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}";

static const char  *rfc7515_a1 =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9." RFC7515_PAYLOAD
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

static const char  *rfc7515_a2_key =
    "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAk"
    "d_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-"
    "SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpa"
    "SHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZl"
    "xvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkM"
    "Ls91kzk2PAcDTW9gb54h4FRWyuXpoQ\"}";

static const char  *rfc7515_a2 =
    "eyJhbGciOiJSUzI1NiJ9." RFC7515_PAYLOAD
    ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuH"
    "Im4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB"
    "--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383"
    "LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYE"
    "UipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

static const char  *rfc7515_a3_key =
    "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e"
    "8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}";

static const char  *rfc7515_a3 =
    "eyJhbGciOiJFUzI1NiJ9." RFC7515_PAYLOAD
    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQ"
    "xfKTUJqPP3-Kg6NU1Q";

static const char  *rfc7515_a4_key =
    "{\"kty\":\"EC\",\"crv\":\"P-521\",\"x\":\"AekpBQ8ST8a8VcfVOTNl353vSrDCLL"
    "JXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk\",\"y\":\"A"
    "DSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMa"
    "Zmh9ubmf63e3kyMj2\"}";

static const char  *rfc7515_a4 =
    "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_Ux"
    "Mi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2Y"
    "BJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";

static const char  *rfc7515_a5 =
    "eyJhbGciOiJub25lIn0." RFC7515_PAYLOAD ".";

static const char  *rfc7520_hs_key =
    "{\"kty\":\"oct\",\"kid\":\"018c0ae5-4d9b-471b-bfd6-eef314bc7037\",\"use"
    "\":\"sig\",\"alg\":\"HS256\",\"k\":\"hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-On"
    "bc6mxCcYg\"}";

static const char  *rfc7520_hs =
    "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNG"
    "JjNzAzNyJ9.SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V"
    "0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24nd"
    "CBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h"
    "0IGJlIHN3ZXB0IG9mZiB0by4.s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0";

static const char  *rfc8037_key =
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvP"
    "apiMlrwIaaPcHURo\"}";

static const char  *rfc8037_a4 =
    "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP"
    "0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0"
    "KAg";


typedef struct {
    authgw_key_t  **keys;
    size_t          nkeys;
} test_keys_t;


static test_keys_t
load(const char *text, int alg)
{
    char         err[256];
    test_keys_t  k;

    if (authgw_key_load_buf((const unsigned char *) text, strlen(text), NULL,
                            0, alg, &k.keys, &k.nkeys, err, sizeof(err))
        != 0)
    {
        fail_msg("key did not load: %s", err);
    }

    return k;
}


static const char *
load_error(const char *text, int alg)
{
    static char    err[256];
    size_t         n;
    authgw_key_t **keys;

    if (authgw_key_load_buf((const unsigned char *) text, strlen(text), NULL,
                            0, alg, &keys, &n, err, sizeof(err))
        == 0)
    {
        authgw_keys_free(keys, n);
        fail_msg("key loaded but should not");
    }

    return err;
}


static authgw_status_t
verify(const char *token, test_keys_t k, unsigned algs, authgw_jws_t *jws)
{
    authgw_status_t  rc;

    test_pool_reset();

    rc = authgw_jws_verify((const unsigned char *) token, strlen(token),
                           k.keys, k.nkeys, algs, 0, &alloc, jws);

    return rc;
}


static authgw_status_t
verify_now(const char *token, test_keys_t k, int64_t now)
{
    authgw_jws_t            jws;
    authgw_status_t         rc;
    authgw_claims_policy_t  policy;

    memset(&policy, 0, sizeof(policy));
    policy.require_exp = 1;

    rc = verify(token, k, AUTHGW_ALGS_ALL, &jws);
    if (rc != AUTHGW_OK) {
        return rc;
    }

    rc = authgw_claims_check(jws.payload, &policy, now);
    authgw_jws_free(&jws);

    return rc;
}


/* a copy of token with one bit of its last signature character flipped */

static char *
flip_sig(const char *token)
{
    char    *t;
    size_t   n;

    t = strdup(token);
    n = strlen(t);

    /* flip a bit that decodes into the signature, not the unused bits */
    t[n - 3] = t[n - 3] == 'A' ? 'B' : 'A';

    return t;
}


static void
test_b64url_strict(void **state)
{
    size_t          n;
    unsigned char   out[16];

    (void) state;

    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QUJD", 4),
                     0);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "ABC", 3);

    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QQ", 2), 0);
    assert_int_equal(n, 1);

    /* padding, the standard alphabet, whitespace, a length of 1 mod 4 */
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QQ==", 4),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "a+b/", 4),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QU D", 4),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QUJDR", 5),
                     -1);

    /* unused trailing bits must be zero: "QR" and "QUE" carry stray bits */
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QR", 2),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QUF", 3),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QUE", 3),
                     0);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "-_", 2),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "-w", 2),
                     0);
    assert_int_equal(out[0], 0xfb);
}


static void
test_b64url_roundtrip(void **state)
{
    char            enc[64];
    size_t          i, n, m;
    unsigned char   in[40], out[40];

    (void) state;

    for (i = 0; i < sizeof(in); i++) {
        in[i] = (unsigned char) (i * 37 + 11);
    }

    for (i = 0; i <= sizeof(in); i++) {
        n = authgw_b64url_encode(enc, in, i);
        assert_int_equal(authgw_b64url_decode(out, &m,
                                              (unsigned char *) enc, n), 0);
        assert_int_equal(m, i);
        assert_memory_equal(out, in, i);
    }
}


static void
test_rfc7515_kats(void **state)
{
    char         *bad;
    test_keys_t   hs, rs, es, es512;
    authgw_jws_t  jws;

    (void) state;

    hs = load(rfc7515_a1_key, -1);
    rs = load(rfc7515_a2_key, -1);
    es = load(rfc7515_a3_key, -1);
    es512 = load(rfc7515_a4_key, -1);

    assert_int_equal(verify_now(rfc7515_a1, hs, RFC7515_NOW), AUTHGW_OK);
    assert_int_equal(verify_now(rfc7515_a2, rs, RFC7515_NOW), AUTHGW_OK);
    assert_int_equal(verify_now(rfc7515_a3, es, RFC7515_NOW), AUTHGW_OK);

    /* exp == now is expired (RFC 7519 4.1.4) */
    assert_int_equal(verify_now(rfc7515_a1, hs, RFC7515_NOW + 1),
                     AUTHGW_EXPIRED);

    /* A.4 signs the text "Payload": the signature verifies, the JWT not */
    assert_int_equal(verify(rfc7515_a4, es512, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);
    bad = flip_sig(rfc7515_a4);
    assert_int_equal(verify(bad, es512, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_BAD_SIGNATURE);
    free(bad);

    /* A.5 unsecured: its empty signature segment is refused as a shape */
    assert_int_equal(verify(rfc7515_a5, hs, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);

    bad = flip_sig(rfc7515_a1);
    assert_int_equal(verify(bad, hs, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_BAD_SIGNATURE);
    free(bad);

    bad = flip_sig(rfc7515_a2);
    assert_int_equal(verify(bad, rs, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_BAD_SIGNATURE);
    free(bad);

    bad = flip_sig(rfc7515_a3);
    assert_int_equal(verify(bad, es, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_BAD_SIGNATURE);
    free(bad);

    /* the key type binds the algorithm: an RS256 token to an EC key */
    assert_int_equal(verify(rfc7515_a2, es, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_ALG_NOT_ALLOWED);

    /* the allow-list */
    assert_int_equal(verify(rfc7515_a2, rs, AUTHGW_ALG_BIT(AUTHGW_PS256),
                            &jws),
                     AUTHGW_ALG_NOT_ALLOWED);

    authgw_keys_free(hs.keys, hs.nkeys);
    authgw_keys_free(rs.keys, rs.nkeys);
    authgw_keys_free(es.keys, es.nkeys);
    authgw_keys_free(es512.keys, es512.nkeys);
}


static void
test_rfc7520_rfc8037_kats(void **state)
{
    char         *bad;
    test_keys_t   hs, ed;
    authgw_jws_t  jws;

    (void) state;

    hs = load(rfc7520_hs_key, -1);
    ed = load(rfc8037_key, -1);

    assert_int_equal(hs.nkeys, 1);
    assert_int_equal(hs.keys[0]->algs, AUTHGW_ALG_BIT(AUTHGW_HS256));

    /* both sign English text: signature good, payload not a JWT */
    assert_int_equal(verify(rfc7520_hs, hs, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);
    assert_int_equal(verify(rfc8037_a4, ed, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);

    bad = flip_sig(rfc7520_hs);
    assert_int_equal(verify(bad, hs, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_BAD_SIGNATURE);
    free(bad);

    bad = flip_sig(rfc8037_a4);
    assert_int_equal(verify(bad, ed, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_BAD_SIGNATURE);
    free(bad);

    authgw_keys_free(hs.keys, hs.nkeys);
    authgw_keys_free(ed.keys, ed.nkeys);
}


/* builds header.payload.signature from JSON texts and raw signature bytes */

static char *
make_token(const char *header, const char *payload, const unsigned char *sig,
    size_t slen)
{
    char    *t, *p;

    t = malloc(strlen(header) * 2 + strlen(payload) * 2 + slen * 2 + 128);
    p = t;
    p += authgw_b64url_encode(p, (const unsigned char *) header,
                              strlen(header));
    *p++ = '.';
    p += authgw_b64url_encode(p, (const unsigned char *) payload,
                              strlen(payload));
    *p++ = '.';
    p += authgw_b64url_encode(p, sig, slen);
    *p = '\0';

    return t;
}


static char *
hs256_token(const char *header, const char *payload, const unsigned char *key,
    size_t klen)
{
    char           *t, *dot;
    size_t          n;
    unsigned char   mac[32];

    t = make_token(header, payload, (const unsigned char *) "x", 1);
    dot = strrchr(t, '.');

    EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, klen,
              (unsigned char *) t, (size_t) (dot - t), mac, sizeof(mac), &n);

    n = authgw_b64url_encode(dot + 1, mac, 32);
    dot[1 + n] = '\0';

    return t;
}


static const unsigned char  secret[32] = "0123456789abcdef0123456789abcdef";


static void
test_header_rules(void **state)
{
    size_t         i;
    char          *t, jwk[256], ssecret[64];
    test_keys_t    k;
    authgw_jws_t   jws;
    const char    *p = "{\"sub\":\"a\"}";

    static const struct {
        const char       *header;
        authgw_status_t   expect;
    } cases[] = {
        { "{\"alg\":\"HS256\"}", AUTHGW_OK },
        { "{\"alg\":\"HS256\",\"kid\":\"k1\"}", AUTHGW_OK },
        { "{\"alg\":\"none\"}", AUTHGW_ALG_NOT_ALLOWED },
        { "{\"alg\":\"None\"}", AUTHGW_ALG_NOT_ALLOWED },
        { "{\"alg\":\"nOnE\"}", AUTHGW_ALG_NOT_ALLOWED },
        { "{\"alg\":\"hs256\"}", AUTHGW_ALG_NOT_ALLOWED },
        { "{\"alg\":\"HS256 \"}", AUTHGW_ALG_NOT_ALLOWED },
        { "{\"alg\":\"\"}", AUTHGW_ALG_NOT_ALLOWED },
        { "{\"typ\":\"JWT\"}", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":null}", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":[\"HS256\"]}", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":256}", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":\"HS256\",\"alg\":\"HS256\"}", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":true}",
          AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":\"HS256\",\"crit\":[]}", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":\"HS256\",\"kid\":\"k2\"}", AUTHGW_UNKNOWN_KID },
        { "{\"alg\":\"HS256\",\"kid\":\"\"}", AUTHGW_UNKNOWN_KID },
        { "{\"alg\":\"HS256\",\"kid\":\"k1\\u0000x\"}", AUTHGW_UNKNOWN_KID },
        { "{\"alg\":\"HS256\",\"kid\":1}", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":\"HS256\",\"kid\":null}", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":\"HS256\",\"jku\":\"http://evil/\",\"x5u\":\"x\"}",
          AUTHGW_OK },
        { "[\"alg\",\"HS256\"]", AUTHGW_MALFORMED_TOKEN },
        { "\xef\xbb\xbf{\"alg\":\"HS256\"}", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":\"HS256\"} x", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":\"HS256\",\"x\":\"\\ud800\"}", AUTHGW_MALFORMED_TOKEN },
        { "{\"alg\":\"HS256\",\"x\":\"\xff\"}", AUTHGW_MALFORMED_TOKEN },
    };

    (void) state;

    authgw_b64url_encode(ssecret, secret, 32);
    ssecret[43] = '\0';
    snprintf(jwk, sizeof(jwk), "{\"kty\":\"oct\",\"kid\":\"k1\",\"k\":\"%s\"}",
             ssecret);
    k = load(jwk, -1);

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        t = hs256_token(cases[i].header, p, secret, 32);

        if (verify(t, k, AUTHGW_ALGS_ALL, &jws) != cases[i].expect) {
            fail_msg("header %s: got %s, expected %s", cases[i].header,
                     authgw_status_str(verify(t, k, AUTHGW_ALGS_ALL, &jws)),
                     authgw_status_str(cases[i].expect));
        }

        authgw_jws_free(&jws);
        free(t);
    }

    authgw_keys_free(k.keys, k.nkeys);
}


static void
test_shape_rules(void **state)
{
    size_t         i;
    char          *good, *t, big[AUTHGW_TOKEN_MAX + 64];
    test_keys_t    k;
    authgw_jws_t   jws;

    static const char  *bad[] = {
        "", ".", "..", "...", "abc", "a.b", "a.b.c.d", "a.b.c.d.e", ".a.b",
        "a.b.", "a..b"
    };

    (void) state;

    k = load("0123456789abcdef0123456789abcdef", AUTHGW_HS256);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_not_equal(verify(bad[i], k, AUTHGW_ALGS_ALL, &jws),
                             AUTHGW_OK);
    }

    assert_int_equal(verify("", k, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MISSING_TOKEN);

    good = hs256_token("{\"alg\":\"HS256\"}", "{\"a\":1}", secret, 32);
    assert_int_equal(verify(good, k, AUTHGW_ALGS_ALL, &jws), AUTHGW_OK);
    authgw_jws_free(&jws);

    /* padding added to the signature */
    t = malloc(strlen(good) + 3);
    sprintf(t, "%s=", good);
    assert_int_equal(verify(t, k, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);
    free(t);

    /* payloads that are not one JSON object */
    t = hs256_token("{\"alg\":\"HS256\"}", "[1]", secret, 32);
    assert_int_equal(verify(t, k, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);
    free(t);
    t = hs256_token("{\"alg\":\"HS256\"}", "{\"a\":1,\"a\":2}", secret, 32);
    assert_int_equal(verify(t, k, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);
    free(t);
    t = hs256_token("{\"alg\":\"HS256\"}", "\"text\"", secret, 32);
    assert_int_equal(verify(t, k, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);
    free(t);

    /* nesting beyond the bound, inside an otherwise valid object */
    memset(big, 0, sizeof(big));
    strcpy(big, "{\"a\":");
    for (i = 0; i < AUTHGW_JSON_MAX_DEPTH; i++) {
        strcat(big, "[");
    }
    for (i = 0; i < AUTHGW_JSON_MAX_DEPTH; i++) {
        strcat(big, "]");
    }
    strcat(big, "}");
    t = hs256_token("{\"alg\":\"HS256\"}", big, secret, 32);
    assert_int_equal(verify(t, k, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);
    free(t);

    /* over the size cap, refused before decoding */
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    big[10] = '.';
    big[20] = '.';
    assert_int_equal(verify(big, k, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);

    free(good);
    authgw_keys_free(k.keys, k.nkeys);
}


/* the token's signing input with another signature; the status of it */

static authgw_status_t
resign(const char *token, test_keys_t k, const unsigned char *sig,
    size_t slen)
{
    char             *t;
    size_t            n;
    authgw_jws_t      jws;
    authgw_status_t   rc;

    n = (size_t) (strrchr(token, '.') - token);
    t = malloc(n + slen * 2 + 8);
    memcpy(t, token, n + 1);
    t[n + 1 + authgw_b64url_encode(t + n + 1, sig, slen)] = '\0';

    rc = verify(t, k, AUTHGW_ALGS_ALL, &jws);
    authgw_jws_free(&jws);
    free(t);

    return rc;
}


/* R||S of half bytes each, as a DER ECDSA-Sig-Value */

static unsigned char *
der_of(const unsigned char *rs, size_t half, size_t *len)
{
    static unsigned char   der[160];
    unsigned char         *p;
    ECDSA_SIG             *es;

    es = ECDSA_SIG_new();
    ECDSA_SIG_set0(es, BN_bin2bn(rs, (int) half, NULL),
                   BN_bin2bn(rs + half, (int) half, NULL));
    p = der;
    *len = (size_t) i2d_ECDSA_SIG(es, &p);
    ECDSA_SIG_free(es);

    return der;
}


static void
test_ecdsa_ranges(void **state)
{
    char           *t;
    const char     *dot;
    size_t          n;
    test_keys_t     es;
    authgw_jws_t    jws;
    unsigned char   sig[64];

    (void) state;

    es = load(rfc7515_a3_key, -1);

    /* r = s = 0 ("psychic signatures", CVE-2022-21449) */
    memset(sig, 0, sizeof(sig));
    t = make_token("{\"alg\":\"ES256\"}", "{}", sig, 64);
    assert_int_equal(verify(t, es, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_BAD_SIGNATURE);
    free(t);

    /* r = s = n */
    memcpy(sig, es.keys[0]->order, 32);
    memcpy(sig + 32, es.keys[0]->order, 32);
    t = make_token("{\"alg\":\"ES256\"}", "{}", sig, 64);
    assert_int_equal(verify(t, es, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_BAD_SIGNATURE);
    free(t);

    /* the RFC signature with one byte more or less, or DER-encoded */
    dot = strrchr(rfc7515_a3, '.');
    assert_int_equal(authgw_b64url_decode(sig, &n,
                                          (const unsigned char *) dot + 1,
                                          strlen(dot + 1)), 0);
    assert_int_equal(n, 64);

    t = make_token("{\"alg\":\"ES256\"}", "{}", sig, 63);
    assert_int_equal(verify(t, es, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_BAD_SIGNATURE);
    free(t);

    /* the RFC token itself, with its signature re-encoded as DER */
    assert_int_equal(resign(rfc7515_a3, es, der_of(sig, 32, &n), n),
                     AUTHGW_BAD_SIGNATURE);

    authgw_keys_free(es.keys, es.nkeys);
}


static void
test_rsa_lengths(void **state)
{
    size_t          n;
    test_keys_t     rs;
    const char     *dot;
    unsigned char   sig[300];

    (void) state;

    rs = load(rfc7515_a2_key, -1);

    dot = strrchr(rfc7515_a2, '.');
    assert_int_equal(authgw_b64url_decode(sig + 1, &n,
                                          (const unsigned char *) dot + 1,
                                          strlen(dot + 1)), 0);
    assert_int_equal(n, 256);

    /* the same signature value with a leading zero byte, or one byte short */
    sig[0] = 0;
    assert_int_equal(resign(rfc7515_a2, rs, sig, 257), AUTHGW_BAD_SIGNATURE);
    assert_int_equal(resign(rfc7515_a2, rs, sig + 2, 255),
                     AUTHGW_BAD_SIGNATURE);
    assert_int_equal(resign(rfc7515_a2, rs, sig + 1, 256), AUTHGW_OK);

    authgw_keys_free(rs.keys, rs.nkeys);
}


static void
test_key_loading(void **state)
{
    BIO          *bio;
    char         *pem;
    long          len;
    EVP_PKEY     *pkey;
    test_keys_t   k;

    (void) state;

    /* an RSA key under 2048 bits is refused at load */
    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 1024);
    assert_non_null(pkey);
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey);
    len = BIO_get_mem_data(bio, &pem);
    pem[len] = '\0';
    assert_non_null(strstr(load_error(pem, -1), "at least 2048"));
    BIO_free(bio);

    /* a private key is refused: the gateway holds public keys only */
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
    len = BIO_get_mem_data(bio, &pem);
    pem[len - 1] = '\0';
    assert_non_null(strstr(load_error(pem, -1), "private key"));
    BIO_free(bio);
    EVP_PKEY_free(pkey);

    /* HMAC secrets shorter than the hash */
    assert_non_null(strstr(load_error("0123456789abcdef", AUTHGW_HS256),
                           "shorter"));
    assert_non_null(strstr(load_error("0123456789abcdef0123456789abcdef",
                                      AUTHGW_HS384), "shorter"));

    /* an oct JWK of 32 bytes verifies HS256 only */
    k = load("{\"kty\":\"oct\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmN"
             "kZWY\"}", -1);
    assert_int_equal(k.keys[0]->algs, AUTHGW_ALG_BIT(AUTHGW_HS256));
    authgw_keys_free(k.keys, k.nkeys);

    /* JWKS: enc keys and foreign algorithms are skipped, kids kept */
    k = load("{\"keys\":[{\"kty\":\"oct\",\"use\":\"enc\",\"k\":\"AAAA\"},"
             "{\"kty\":\"RSA\",\"alg\":\"RSA-OAEP\",\"n\":\"AQAB\",\"e\":\"AQA"
             "B\"},{\"kty\":\"oct\",\"kid\":\"a\",\"key_ops\":[\"sign\"],\"k\":"
             "\"AAAA\"}, {\"kty\":\"EC\",\"kid\":\"e\",\"crv\":\"P-256\",\"x\":"
             "\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9"
             "m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}", -1);
    assert_int_equal(k.nkeys, 1);
    assert_int_equal(k.keys[0]->kid_len, 1);
    authgw_keys_free(k.keys, k.nkeys);

    assert_non_null(strstr(load_error("{\"keys\":[{\"kty\":\"oct\",\"use\":"
                                      "\"enc\",\"k\":\"AAAA\"}]}", -1),
                           "no usable"));
    assert_non_null(strstr(load_error("{\"kty\":\"oct\",\"use\":\"enc\","
                                      "\"k\":\"AAAA\"}", -1),
                           "not a signature"));
    assert_non_null(strstr(load_error("{\"keys\":[{\"kty\":\"OKP\",\"kid\":"
                                      "\"a\",\"crv\":\"Ed25519\",\"x\":\"11q"
                                      "YAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcH"
                                      "URo\"},{\"kty\":\"OKP\",\"kid\":\"a\","
                                      "\"crv\":\"Ed25519\",\"x\":\"11qYAYKxC"
                                      "rfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"
                                      "]}", -1),
                           "duplicate kid"));
    assert_non_null(strstr(load_error("{\"kty\":\"oct\",\"k\":\"AAAA\","
                                      "\"k\":\"AAAA\"}", -1),
                           "duplicate"));
    assert_non_null(strstr(load_error("{\"kty\":\"EC\",\"crv\":\"P-256\","
                                      "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76"
                                      "e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu8m36H"
                                      "LN_tue659LNpXW6pCyStikYjKIWI5a0\"}",
                                      -1),
                           "not on the curve"));
    assert_non_null(strstr(load_error("{\"kty\":\"RSA\",\"alg\":\"ES256\","
                                      "\"n\":\"AQAB\",\"e\":\"AQAB\"}", -1),
                           "at least 2048"));
    assert_non_null(strstr(load_error("just some text", -1), "not a JWK"));
    assert_non_null(strstr(load_error("{\"keys\":{}}", -1), "not an array"));
}


/* a raw HMAC secret (alg=HS256) is refused when it is a key's encoding */

static void
secret_refused(const void *buf, size_t len, const char *what)
{
    char            err[256];
    size_t          n;
    authgw_key_t  **keys;

    if (authgw_key_load_buf(buf, len, NULL, 0, AUTHGW_HS256, &keys, &n, err,
                            sizeof(err))
        == 0)
    {
        authgw_keys_free(keys, n);
        fail_msg("%s loaded as an HMAC secret", what);
    }

    if (strstr(err, what) == NULL || strstr(err, "alg=HS256") == NULL) {
        fail_msg("\"%s\" does not say \"%s\"", err, what);
    }
}


static void
secret_accepted(const unsigned char *buf, size_t len)
{
    char            err[256];
    size_t          n;
    authgw_key_t  **keys;

    if (authgw_key_load_buf(buf, len, NULL, 0, AUTHGW_HS256, &keys, &n, err,
                            sizeof(err))
        != 0)
    {
        fail_msg("a secret of %zu bytes refused: %s", len, err);
    }

    assert_int_equal(n, 1);
    assert_int_equal(keys[0]->algs, AUTHGW_ALG_BIT(AUTHGW_HS256));
    authgw_keys_free(keys, n);
}


/* the PEM text BIO holds, with "pad" before it */

static void
secret_refused_pem(BIO *bio, const char *pad, const char *what)
{
    char    *pem, *text;
    long     len;
    size_t   plen;

    len = BIO_get_mem_data(bio, &pem);
    assert_true(len > 0);

    plen = strlen(pad);
    text = malloc(plen + (size_t) len);
    assert_non_null(text);
    memcpy(text, pad, plen);
    memcpy(text + plen, pem, (size_t) len);

    secret_refused(text, plen + (size_t) len, what);

    free(text);
    BIO_free(bio);
}


static X509 *
self_signed(EVP_PKEY *pkey)
{
    X509  *x509;

    x509 = X509_new();
    assert_non_null(x509);

    assert_int_equal(X509_set_version(x509, X509_VERSION_3), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x509), 1), 1);
    assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x509), 0));
    assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x509), 3600));
    assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(x509),
                                                "CN", MBSTRING_ASC,
                                                (unsigned char *) "authgw",
                                                -1, -1, 0), 1);
    assert_int_equal(X509_set_issuer_name(x509, X509_get_subject_name(x509)),
                     1);
    assert_int_equal(X509_set_pubkey(x509, pkey), 1);
    assert_true(X509_sign(x509, pkey, EVP_sha256()) > 0);

    return x509;
}


static void
test_secret_not_a_key(void **state)
{
    int             n;
    BIO            *bio;
    X509           *x509;
    EVP_PKEY       *pkey;
    char           *body, b64[64];
    const char     *jwk;
    unsigned char  *der, raw[32];

    (void) state;

    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(pkey);
    x509 = self_signed(pkey);

    /* PEM: a public key, a certificate, a private key, after white space */

    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
    secret_refused_pem(bio, "", "a PEM block");

    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_X509(bio, x509), 1);
    secret_refused_pem(bio, "", "a PEM block");

    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
                                              NULL), 1);
    secret_refused_pem(bio, "", "a PEM block");

    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
    secret_refused_pem(bio, " \r\n\t\n", "a PEM block");

    /* a PEM block after other text */

    bio = BIO_new(BIO_s_mem());
    assert_true(BIO_puts(bio, "the key:\n") > 0);
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
    secret_refused_pem(bio, "", "a PEM block");

    /* JWK and JWKS (RFC 7515 A.3's public key), and JSON that is not */

    jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMz"
          "V76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIW"
          "I5a0\"}";
    secret_refused(jwk, strlen(jwk), "a JWK or JWKS");

    jwk = "\n {\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF"
          "1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659L"
          "NpXW6pCyStikYjKIWI5a0\"}]}\n";
    secret_refused(jwk, strlen(jwk), "a JWK or JWKS");

    jwk = "  {\"kty\":\"oct\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlh\",";
    secret_refused(jwk, strlen(jwk), "JSON text");

    /* DER: SubjectPublicKeyInfo, a certificate, a private key */

    der = NULL;
    n = i2d_PUBKEY(pkey, &der);
    assert_true(n > 0);
    secret_refused(der, (size_t) n, "a DER public key");
    OPENSSL_free(der);

    der = NULL;
    n = i2d_X509(x509, &der);
    assert_true(n > 0);
    secret_refused(der, (size_t) n, "a DER certificate");
    OPENSSL_free(der);

    der = NULL;
    n = i2d_PrivateKey(pkey, &der);
    assert_true(n > 0);
    secret_refused(der, (size_t) n, "a DER private key");
    OPENSSL_free(der);

    X509_free(x509);
    EVP_PKEY_free(pkey);

    /* any other DER structure: an RSA public key in PKCS#1 */

    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 2048);
    assert_non_null(pkey);
    der = NULL;
    n = i2d_PublicKey(pkey, &der);
    assert_true(n > 0);
    secret_refused(der, (size_t) n, "a DER structure");
    OPENSSL_free(der);
    EVP_PKEY_free(pkey);

    /*
     * SSH public keys, a PEM body without its armour, a JWK after a BOM:
     * keys all the same (CVE-2022-29217, CVE-2024-33663 took SSH keys)
     */

    jwk = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9"
          "okWi0dh2l9GKJl user@host\n";
    secret_refused(jwk, strlen(jwk), "an SSH public key");

    jwk = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= u@h\n";
    secret_refused(jwk, strlen(jwk), "an SSH public key");

    jwk = "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVz"
          "rm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
          "---- END SSH2 PUBLIC KEY ----\n";
    secret_refused(jwk, strlen(jwk), "an SSH public key (RFC 4716)");

    jwk = "\xef\xbb\xbf{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8"
          "vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6"
          "pCyStikYjKIWI5a0\"}";
    secret_refused(jwk, strlen(jwk), "a JWK or JWKS");

    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(pkey);
    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
    n = (int) BIO_get_mem_data(bio, &body);
    body = strchr(body, '\n') + 1;
    *strstr(body, "-----END") = '\0';
    secret_refused(body, strlen(body), "base64 of a DER key");
    BIO_free(bio);
    EVP_PKEY_free(pkey);

    /* a random secret still loads, even one that begins with "{" */

    assert_int_equal(RAND_bytes(raw, sizeof(raw)), 1);
    secret_accepted(raw, sizeof(raw));

    /* and a secret kept as base64 text (openssl rand -base64 32) */

    assert_true(EVP_EncodeBlock((unsigned char *) b64, raw, sizeof(raw))
                > 0);
    strcat(b64, "\n");
    secret_accepted((const unsigned char *) b64, strlen(b64));

    raw[0] = '{';
    raw[1] = 0x80;
    secret_accepted(raw, sizeof(raw));

    secret_accepted((const unsigned char *) "0123456789abcdef0123456789abcdef",
                    32);
}


static void
test_claims(void **state)
{
    size_t                  i;
    json_t                 *p;
    authgw_str_t            iss[1], aud[2];
    authgw_claims_policy_t  pol;

    static const struct {
        const char       *payload;
        int64_t           now;
        int64_t           leeway;
        authgw_status_t   expect;
    } cases[] = {
        { "{\"exp\":1000}", 999, 0, AUTHGW_OK },
        { "{\"exp\":1000}", 1000, 0, AUTHGW_EXPIRED },
        { "{\"exp\":1000}", 1009, 10, AUTHGW_OK },
        { "{\"exp\":1000}", 1010, 10, AUTHGW_EXPIRED },
        { "{\"exp\":1000.5}", 1000, 0, AUTHGW_OK },
        { "{\"exp\":1000.5}", 1001, 0, AUTHGW_EXPIRED },
        { "{\"exp\":4.1024448E9}", 1000, 0, AUTHGW_OK },
        { "{\"exp\":\"4102444800\"}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":true}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":null}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":1e300}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":9223372036854775807}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":-1}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{}", 1000, 0, AUTHGW_MISSING_CLAIM },
        { "{\"exp\":2000,\"nbf\":1000}", 1000, 0, AUTHGW_OK },
        { "{\"exp\":2000,\"nbf\":1000}", 999, 0, AUTHGW_NOT_YET_VALID },
        { "{\"exp\":2000,\"nbf\":1000}", 990, 10, AUTHGW_OK },
        { "{\"exp\":2000,\"nbf\":1000}", 989, 10, AUTHGW_NOT_YET_VALID },
        { "{\"exp\":2000,\"nbf\":\"0\"}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":2000,\"nbf\":999.5}", 999, 0, AUTHGW_NOT_YET_VALID },
    };

    (void) state;

    memset(&pol, 0, sizeof(pol));
    pol.require_exp = 1;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        p = json_loads(cases[i].payload, 0, NULL);
        assert_non_null(p);
        pol.leeway = cases[i].leeway;

        if (authgw_claims_check(p, &pol, cases[i].now) != cases[i].expect) {
            fail_msg("%s at %lld: got %s", cases[i].payload,
                     (long long) cases[i].now,
                     authgw_status_str(authgw_claims_check(p, &pol,
                                                           cases[i].now)));
        }

        json_decref(p);
    }

    /* issuer and audience: exact length and bytes */

    iss[0].data = (const unsigned char *) "https://idp.example";
    iss[0].len = strlen("https://idp.example");
    aud[0].data = (const unsigned char *) "api";
    aud[0].len = 3;
    aud[1].data = (const unsigned char *) "web";
    aud[1].len = 3;

    pol.require_exp = 0;
    pol.leeway = 0;
    pol.issuers = iss;
    pol.nissuers = 1;
    pol.audiences = aud;
    pol.naudiences = 2;

#define CLAIMS(text, expect)                                                  \
    p = json_loads(text, JSON_ALLOW_NUL, NULL);                               \
    assert_non_null(p);                                                       \
    assert_int_equal(authgw_claims_check(p, &pol, 0), expect);                \
    json_decref(p)

    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":\"api\"}", AUTHGW_OK);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":[\"x\",\"web\"]}",
           AUTHGW_OK);
    CLAIMS("{\"iss\":\"https://idp.example.evil\",\"aud\":\"api\"}",
           AUTHGW_BAD_ISSUER);
    CLAIMS("{\"iss\":\"https://idp.exampl\",\"aud\":\"api\"}",
           AUTHGW_BAD_ISSUER);
    CLAIMS("{\"iss\":\"https://idp.example\\u0000x\",\"aud\":\"api\"}",
           AUTHGW_BAD_ISSUER);
    CLAIMS("{\"iss\":\"HTTPS://idp.example\",\"aud\":\"api\"}",
           AUTHGW_BAD_ISSUER);
    CLAIMS("{\"aud\":\"api\"}", AUTHGW_BAD_ISSUER);
    CLAIMS("{\"iss\":[\"https://idp.example\"],\"aud\":\"api\"}",
           AUTHGW_BAD_ISSUER);
    CLAIMS("{\"iss\":\"https://idp.example\"}", AUTHGW_BAD_AUDIENCE);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":\"api2\"}",
           AUTHGW_BAD_AUDIENCE);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":\"ap\"}",
           AUTHGW_BAD_AUDIENCE);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":[]}",
           AUTHGW_BAD_AUDIENCE);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":[\"api\",1]}",
           AUTHGW_BAD_AUDIENCE);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":{\"api\":1}}",
           AUTHGW_BAD_AUDIENCE);
}


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


/* RFC 7520 section 5.6: dir + A128GCM */

static const char  *rfc7520_jwe_key =
    "{\"kty\":\"oct\",\"kid\":\"77c7e2b8-6e13-45cf-8672-617b5b45243a\",\"use\""
    ":\"enc\",\"alg\":\"A128GCM\",\"k\":\"XctOhJAkA-pD9Lh7ZgW_2A\"}";

static const char  *rfc7520_jwe =
    "eyJhbGciOiJkaXIiLCJraWQiOiI3N2M3ZTJiOC02ZTEzLTQ1Y2YtODY3Mi02MTdiNWI0NT"
    "I0M2EiLCJlbmMiOiJBMTI4R0NNIn0..refa467QzzKx6QAB.JW_i_f52hww_ELQPGaYyeAB"
    "6HYGcR559l9TYnSovc23XJoBcW29rHP8yZOZG7YhLpT1bjFuvZPjQS-m0IFtVcXkZXdH_lr"
    "_FrdYt9HRUYkshtrMmIUAyGmUnd9zMDB2n0cRDIHAzFVeJUDxkUwVAE7_YGRPdcqMyiBoCO"
    "-FBdE-Nceb4h3-FtBP-c_BIwCPTjb9o0SbdcdREEMJMyZBH8ySWMVi1gPD9yxi-aQpGbSv_"
    "F9N4IZAxscj5g-NJsUPbjk29-s7LJAGb15wEBtXphVCgyy53CoIKLHHeJHXex45Uz9aKZSR"
    "SInZI-wjsY0yu3cT4_aQ3i1o-tiE-F8Ios61EKgyIQ4CWao8PFMj8TTnp.vbb32Xvllea2Ot"
    "mHAdccRQ";

static const char  *rfc7520_jwe_plaintext =
    "You can trust us to stick with you through thick and thin\xe2\x80\x93to "
    "the bitter end. And you can trust us to keep any secret of yours\xe2\x80"
    "\x93" "closer than you keep it yourself. But you cannot trust us to "
    "let you face trouble alone, and go off without a word. We are your "
    "friends, Frodo.";


static test_keys_t
enc_keys(const unsigned char *raw, size_t len, const char *kid)
{
    char         err[256];
    test_keys_t  k;

    if (authgw_enc_key_load_buf(raw, len, (const unsigned char *) kid,
                                kid ? strlen(kid) : 0, &k.keys, &k.nkeys,
                                err, sizeof(err))
        != 0)
    {
        fail_msg("user-id key did not load: %s", err);
    }

    return k;
}


static authgw_status_t
decrypt(const char *jwe, test_keys_t k, const char *expect)
{
    size_t            n;
    unsigned char    *out;
    authgw_status_t   rc;

    test_pool_reset();

    rc = authgw_jwe_decrypt((const unsigned char *) jwe, strlen(jwe), k.keys,
                            k.nkeys, &alloc, &out, &n);

    if (rc == AUTHGW_OK && expect != NULL
        && (n != strlen(expect) || memcmp(out, expect, n) != 0))
    {
        fail_msg("decrypted \"%.*s\", expected \"%s\"", (int) n, out, expect);
    }

    return rc;
}


static const unsigned char  k64[64] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const unsigned char  other64[64] =
    "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";


static void
test_jwe_rfc7520(void **state)
{
    char         *t;
    test_keys_t   k;

    (void) state;

    k = enc_keys((const unsigned char *) rfc7520_jwe_key,
                 strlen(rfc7520_jwe_key), NULL);
    assert_int_equal(k.nkeys, 1);
    assert_int_equal(k.keys[0]->size, 16);

    assert_int_equal(decrypt(rfc7520_jwe, k, rfc7520_jwe_plaintext),
                     AUTHGW_OK);

    /* the protected header is the AAD: a changed kid breaks the tag */
    t = strdup(rfc7520_jwe);
    t[10] = t[10] == 'A' ? 'B' : 'A';
    assert_int_equal(decrypt(t, k, NULL), AUTHGW_BAD_USER_ID);
    free(t);

    authgw_keys_free(k.keys, k.nkeys);
}


static void
test_jwe_roundtrip(void **state)
{
    int           a, e;
    char         *jwe;
    size_t        klen;
    test_keys_t   k;

    static const char  *algs[] = { "dir", "A128KW", "A192KW", "A256KW" };
    static const char  *encs[] = { "A128GCM", "A192GCM", "A256GCM",
                                   "A128CBC-HS256", "A192CBC-HS384",
                                   "A256CBC-HS512" };
    static const size_t  enc_len[] = { 16, 24, 32, 32, 48, 64 };
    static const size_t  kw_len[] = { 0, 16, 24, 32 };

    (void) state;

    for (a = 0; a < 4; a++) {
        for (e = 0; e < 6; e++) {
            klen = a == 0 ? enc_len[e] : kw_len[a];

            jwe = tool_jwe_encrypt(algs[a], encs[e], k64, klen, NULL, NULL,
                                   (const unsigned char *) "user-42", 7, 0,
                                   0);
            assert_non_null(jwe);

            k = enc_keys(k64, klen, NULL);
            if (decrypt(jwe, k, "user-42") != AUTHGW_OK) {
                fail_msg("%s/%s did not decrypt", algs[a], encs[e]);
            }
            authgw_keys_free(k.keys, k.nkeys);

            /* the same length, other bytes: the wrong key */
            k = enc_keys(other64, klen, NULL);
            if (decrypt(jwe, k, NULL) != AUTHGW_BAD_USER_ID) {
                fail_msg("%s/%s decrypted with a wrong key", algs[a],
                         encs[e]);
            }
            authgw_keys_free(k.keys, k.nkeys);

            free(jwe);
        }
    }
}


/* replaces segment i (0-4) of a compact JWE with the base64url of data */

static char *
jwe_with_segment(const char *jwe, int seg, const unsigned char *data,
    size_t len)
{
    int          i;
    char        *out, *p;
    const char  *s, *e;

    out = malloc(strlen(jwe) + len * 2 + 8);
    p = out;
    s = jwe;

    for (i = 0; i < 5; i++) {
        e = strchr(s, '.');
        if (e == NULL) {
            e = s + strlen(s);
        }

        if (i == seg) {
            p += authgw_b64url_encode(p, data, len);

        } else {
            memcpy(p, s, (size_t) (e - s));
            p += e - s;
        }

        if (i < 4) {
            *p++ = '.';
        }

        s = e + 1;
    }

    *p = '\0';

    return out;
}


static size_t
jwe_segment(const char *jwe, int seg, unsigned char *out)
{
    int          i;
    size_t       n;
    const char  *s, *e;

    s = jwe;

    for (i = 0; i < seg; i++) {
        s = strchr(s, '.') + 1;
    }

    e = strchr(s, '.');
    if (e == NULL) {
        e = s + strlen(s);
    }

    assert_int_equal(authgw_b64url_decode(out, &n, (const unsigned char *) s,
                                          (size_t) (e - s)), 0);

    return n;
}


/*
 * One 32-byte key serves "dir" A256GCM and A128CBC-HS256 and is the KEK of
 * A256KW: its prepared contexts switch between its own bytes and each
 * token's CEK. Tokens of every kind, and failures, in an order that makes
 * every switch; each must still decrypt to its own plaintext.
 */

static void
test_jwe_context_reuse(void **state)
{
    int           i, r;
    char         *jwe[6], *bad;
    size_t        n;
    test_keys_t   k;
    unsigned char tag[64];

    static const char  *algs[] = { "dir", "A256KW", "dir", "A256KW",
                                   "A256KW", "dir" };
    static const char  *encs[] = { "A256GCM", "A256GCM", "A128CBC-HS256",
                                   "A128CBC-HS256", "A192GCM",
                                   "A256GCM" };
    static const char  *pts[] = { "u-0", "u-1", "u-2", "u-3", "u-4", "u-5" };

    (void) state;

    for (i = 0; i < 6; i++) {
        jwe[i] = tool_jwe_encrypt(algs[i], encs[i], k64, 32, NULL, NULL,
                                  (const unsigned char *) pts[i], 3, 0, 0);
        assert_non_null(jwe[i]);
    }

    /* the first with one bit of its tag flipped */

    n = jwe_segment(jwe[0], 4, tag);
    tag[0] ^= 1;
    bad = jwe_with_segment(jwe[0], 4, tag, n);

    k = enc_keys(k64, 32, NULL);

    for (r = 0; r < 3; r++) {
        for (i = 0; i < 6; i++) {
            if (decrypt(jwe[(i + r) % 6], k, pts[(i + r) % 6]) != AUTHGW_OK) {
                fail_msg("round %d: %s/%s did not decrypt", r,
                         algs[(i + r) % 6], encs[(i + r) % 6]);
            }

            assert_int_equal(decrypt(bad, k, NULL), AUTHGW_BAD_USER_ID);
        }
    }

    authgw_keys_free(k.keys, k.nkeys);

    for (i = 0; i < 6; i++) {
        free(jwe[i]);
    }

    free(bad);
}


static void
test_jwe_refusals(void **state)
{
    char           *jwe, *t, big[AUTHGW_USER_ID_MAX + 2];
    size_t          i, n;
    test_keys_t     k16, k32, k64s, kw;
    unsigned char   tag[64], block[32];

    static const struct {
        const char  *text;
        size_t       len;
    } bad_text[] = {
        { "a\rb", 3 }, { "a\nb", 3 }, { "a\0b", 3 }, { "", 0 },
        { "a\tb", 3 }, { "a\x7f", 2 }, { "\xff", 1 }, { "\xc3", 1 },
        { "\xc0\xaf", 2 }, { "\xed\xa0\x80", 3 }, { "\xc2\x85", 2 },
        { "\xf4\x90\x80\x80", 4 },
    };

    (void) state;

    k16 = enc_keys(k64, 16, NULL);
    k32 = enc_keys(k64, 32, NULL);
    k64s = enc_keys(k64, 64, NULL);
    kw = enc_keys(k64, 16, NULL);

    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL, NULL,
                           (const unsigned char *) "42", 2, 0, 0);
    assert_int_equal(decrypt(jwe, k16, "42"), AUTHGW_OK);

    /* the tag flipped, truncated by one byte, extended by one byte */
    n = jwe_segment(jwe, 4, tag);
    assert_int_equal(n, 16);
    tag[0] ^= 1;
    t = jwe_with_segment(jwe, 4, tag, 16);
    assert_int_equal(decrypt(t, k16, NULL), AUTHGW_BAD_USER_ID);
    free(t);
    tag[0] ^= 1;
    t = jwe_with_segment(jwe, 4, tag, 15);
    assert_int_equal(decrypt(t, k16, NULL), AUTHGW_BAD_USER_ID);
    free(t);
    t = jwe_with_segment(jwe, 4, tag, 1);
    assert_int_equal(decrypt(t, k16, NULL), AUTHGW_BAD_USER_ID);
    free(t);
    tag[16] = 0;
    t = jwe_with_segment(jwe, 4, tag, 17);
    assert_int_equal(decrypt(t, k16, NULL), AUTHGW_BAD_USER_ID);
    free(t);

    /* a non-empty encrypted key with dir */
    t = jwe_with_segment(jwe, 1, k64, 24);
    assert_int_equal(decrypt(t, k16, NULL), AUTHGW_BAD_USER_ID);
    free(t);

    /* a key whose length is not the enc key length (A128GCM needs 16) */
    assert_int_equal(decrypt(jwe, k32, NULL), AUTHGW_BAD_USER_ID);

    /* four or six segments */
    t = malloc(strlen(jwe) + 8);
    strcpy(t, jwe);
    *strrchr(t, '.') = '\0';
    assert_int_equal(decrypt(t, k16, NULL), AUTHGW_BAD_USER_ID);
    sprintf(t, "%s.AA", jwe);
    assert_int_equal(decrypt(t, k16, NULL), AUTHGW_BAD_USER_ID);
    free(t);
    free(jwe);

    /* a GCM IV of 16 or 8 bytes is valid GCM, but not JWE */
    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL, NULL,
                           (const unsigned char *) "42", 2, 16, 0);
    assert_int_equal(decrypt(jwe, k16, NULL), AUTHGW_BAD_USER_ID);
    free(jwe);
    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL, NULL,
                           (const unsigned char *) "42", 2, 8, 0);
    assert_int_equal(decrypt(jwe, k16, NULL), AUTHGW_BAD_USER_ID);
    free(jwe);

    /* zip and crit, each inside a correctly encrypted token */
    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL, "{\"zip\":\"DEF\"}",
                           (const unsigned char *) "42", 2, 0, 0);
    assert_int_equal(decrypt(jwe, k16, NULL), AUTHGW_BAD_USER_ID);
    free(jwe);
    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL,
                           "{\"crit\":[\"exp\"],\"exp\":1}",
                           (const unsigned char *) "42", 2, 0, 0);
    assert_int_equal(decrypt(jwe, k16, NULL), AUTHGW_BAD_USER_ID);
    free(jwe);

    /* alg and enc that are not supported, in a correctly encrypted token */
    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL,
                           "{\"alg\":\"PBES2-HS256+A128KW\",\"p2c\":1}",
                           (const unsigned char *) "42", 2, 0, 0);
    assert_int_equal(decrypt(jwe, k16, NULL), AUTHGW_BAD_USER_ID);
    free(jwe);
    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL,
                           "{\"enc\":\"a128gcm\"}",
                           (const unsigned char *) "42", 2, 0, 0);
    assert_int_equal(decrypt(jwe, k16, NULL), AUTHGW_BAD_USER_ID);
    free(jwe);

    /* CBC-HS: a valid MAC over a ciphertext with bad padding */
    memset(block, 'A', sizeof(block));
    jwe = tool_jwe_encrypt("dir", "A256CBC-HS512", k64, 64, NULL, NULL,
                           block, 16, 0, TOOL_JWE_NO_PAD);
    assert_non_null(jwe);
    assert_int_equal(decrypt(jwe, k64s, NULL), AUTHGW_BAD_USER_ID);
    free(jwe);

    /* CBC-HS: the tag flipped (the MAC fails before any decryption) */
    jwe = tool_jwe_encrypt("dir", "A256CBC-HS512", k64, 64, NULL, NULL,
                           (const unsigned char *) "42", 2, 0, 0);
    assert_int_equal(decrypt(jwe, k64s, "42"), AUTHGW_OK);
    n = jwe_segment(jwe, 4, tag);
    assert_int_equal(n, 32);
    tag[31] ^= 0x80;
    t = jwe_with_segment(jwe, 4, tag, 32);
    assert_int_equal(decrypt(t, k64s, NULL), AUTHGW_BAD_USER_ID);
    free(t);
    free(jwe);

    /* key wrap: the wrapped key changed */
    jwe = tool_jwe_encrypt("A128KW", "A128GCM", k64, 16, NULL, NULL,
                           (const unsigned char *) "42", 2, 0, 0);
    assert_int_equal(decrypt(jwe, kw, "42"), AUTHGW_OK);
    n = jwe_segment(jwe, 1, tag);
    assert_int_equal(n, 24);
    tag[5] ^= 1;
    t = jwe_with_segment(jwe, 1, tag, 24);
    assert_int_equal(decrypt(t, kw, NULL), AUTHGW_BAD_USER_ID);
    free(t);
    free(jwe);

    /* plaintexts that must never reach a header */
    for (i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
        jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL, NULL,
                               (const unsigned char *) bad_text[i].text,
                               bad_text[i].len, 0, 0);
        if (decrypt(jwe, k16, NULL) != AUTHGW_BAD_USER_ID) {
            fail_msg("plaintext #%zu was accepted", i);
        }
        free(jwe);
    }

    /* bounded length: the limit itself passes, one byte more does not */
    memset(big, 'x', sizeof(big));
    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL, NULL,
                           (unsigned char *) big, AUTHGW_USER_ID_MAX, 0, 0);
    assert_int_equal(decrypt(jwe, k16, NULL), AUTHGW_OK);
    free(jwe);
    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL, NULL,
                           (unsigned char *) big, AUTHGW_USER_ID_MAX + 1, 0,
                           0);
    assert_int_equal(decrypt(jwe, k16, NULL), AUTHGW_BAD_USER_ID);
    free(jwe);

    /* UTF-8 beyond ASCII is fine */
    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL, NULL,
                           (const unsigned char *) "j\xc3\xb6rg \xf0\x9f\x98"
                           "\x80", 10, 0, 0);
    assert_int_equal(decrypt(jwe, k16, "j\xc3\xb6rg \xf0\x9f\x98\x80"),
                     AUTHGW_OK);
    free(jwe);

    authgw_keys_free(k16.keys, k16.nkeys);
    authgw_keys_free(k32.keys, k32.nkeys);
    authgw_keys_free(k64s.keys, k64s.nkeys);
    authgw_keys_free(kw.keys, kw.nkeys);
}


static void
test_jwe_kid(void **state)
{
    char         *jwe, err[256];
    size_t        n;
    test_keys_t   k;
    const char   *jwks =
        "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"old\",\"use\":\"enc\",\"k\":"
        "\"MDEyMzQ1Njc4OWFiY2RlZg\"},{\"kty\":\"oct\",\"kid\":\"new\",\"k\":"
        "\"ZmVkY2JhOTg3NjU0MzIxMA\"},{\"kty\":\"oct\",\"use\":\"sig\",\"k\":"
        "\"AAAAAAAAAAAAAAAAAAAAAA\"},{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":"
        "\"AQAB\"}]}";

    (void) state;

    k = enc_keys((const unsigned char *) jwks, strlen(jwks), NULL);
    assert_int_equal(k.nkeys, 2);

    jwe = tool_jwe_encrypt("dir", "A128GCM", other64, 16, "new", NULL,
                           (const unsigned char *) "7", 1, 0, 0);
    assert_int_equal(decrypt(jwe, k, "7"), AUTHGW_OK);
    free(jwe);

    /* the kid of the other key: not tried with the right one */
    jwe = tool_jwe_encrypt("dir", "A128GCM", other64, 16, "old", NULL,
                           (const unsigned char *) "7", 1, 0, 0);
    assert_int_equal(decrypt(jwe, k, NULL), AUTHGW_BAD_USER_ID);
    free(jwe);

    /* no kid: each key is tried */
    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, NULL, NULL,
                           (const unsigned char *) "7", 1, 0, 0);
    assert_int_equal(decrypt(jwe, k, "7"), AUTHGW_OK);
    free(jwe);

    jwe = tool_jwe_encrypt("dir", "A128GCM", k64, 16, "gone", NULL,
                           (const unsigned char *) "7", 1, 0, 0);
    assert_int_equal(decrypt(jwe, k, NULL), AUTHGW_BAD_USER_ID);
    free(jwe);

    authgw_keys_free(k.keys, k.nkeys);

    /* raw files must have a key size */
    assert_int_not_equal(authgw_enc_key_load_buf(k64, 20, NULL, 0, &k.keys,
                                                 &n, err, sizeof(err)), 0);
    assert_non_null(strstr(err, "16, 24, 32, 48 or 64"));
}


static void
test_claim_pointer(void **state)
{
    json_t  *p, *v;

    (void) state;

    p = json_loads("{\"realm_access\":{\"roles\":[\"admin\",\"dev\"]},"
                   "\"a/b\":{\"m~n\":1},\"https://x.example/r\":\"r\","
                   "\"list\":[10,20,30]}", 0, NULL);
    assert_non_null(p);

#define PTR(s)  authgw_claim_get(p, (const unsigned char *) s, strlen(s))

    v = PTR("/realm_access/roles");
    assert_true(json_is_array(v));
    v = PTR("/realm_access/roles/1");
    assert_string_equal(json_string_value(v), "dev");
    assert_int_equal(json_integer_value(PTR("/a~1b/m~0n")), 1);
    assert_int_equal(json_integer_value(PTR("/list/2")), 30);
    assert_null(PTR("/list/3"));
    assert_null(PTR("/list/01"));
    assert_null(PTR("/list/-"));
    assert_null(PTR("/a~2b"));
    assert_null(PTR("/realm_access/roles/0/x"));
    assert_string_equal(json_string_value(PTR("https://x.example/r")), "r");
    assert_null(PTR("realm_access/roles"));
    assert_true(json_is_object(PTR("/realm_access")));

    json_decref(p);
}


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


/*
 * Work before a signature or tag is checked is bounded (issue 15): the
 * protected header's size, members and depth; a kid-less token tries one
 * key unless AUTHGW_VERIFY_ALL_KEYS says otherwise.
 */

static void
test_jose_bounds(void **state)
{
    char          *t, jwks[512], s1[64], s2[64], h[1100], *jwe, extra[256];
    size_t         i, n;
    test_keys_t    k, one, uk;
    authgw_jws_t   jws;

    static const unsigned char  secret2[32] =
        "fedcba9876543210fedcba9876543210";

    (void) state;

    authgw_b64url_encode(s1, secret, 32);
    s1[43] = '\0';
    authgw_b64url_encode(s2, secret2, 32);
    s2[43] = '\0';
    snprintf(jwks, sizeof(jwks),
             "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"a\",\"k\":\"%s\"},"
             "{\"kty\":\"oct\",\"kid\":\"b\",\"k\":\"%s\"}]}", s1, s2);
    k = load(jwks, -1);

    /* no kid, two keys fit: none is tried, unless all may be */

    t = hs256_token("{\"alg\":\"HS256\"}", "{\"sub\":\"a\"}", secret2, 32);
    assert_int_equal(verify(t, k, AUTHGW_ALGS_ALL, &jws), AUTHGW_UNKNOWN_KID);
    assert_int_equal(jws.candidates, 2);

    test_pool_reset();
    assert_int_equal(authgw_jws_verify((unsigned char *) t, strlen(t), k.keys,
                                       k.nkeys, AUTHGW_ALGS_ALL,
                                       AUTHGW_VERIFY_ALL_KEYS, &alloc, &jws),
                     AUTHGW_OK);
    authgw_jws_free(&jws);
    free(t);

    /* with its kid: the one key */

    t = hs256_token("{\"alg\":\"HS256\",\"kid\":\"b\"}", "{\"sub\":\"a\"}",
                    secret2, 32);
    assert_int_equal(verify(t, k, AUTHGW_ALGS_ALL, &jws), AUTHGW_OK);
    assert_int_equal(jws.candidates, 1);
    authgw_jws_free(&jws);
    free(t);
    authgw_keys_free(k.keys, k.nkeys);

    /* the header: 16 members pass, 17 do not; 1024 bytes, not 1025 */

    snprintf(jwks, sizeof(jwks), "{\"kty\":\"oct\",\"k\":\"%s\"}", s1);
    one = load(jwks, -1);

    for (n = AUTHGW_JOSE_MEMBERS_MAX; n <= AUTHGW_JOSE_MEMBERS_MAX + 1; n++)
    {
        strcpy(h, "{\"alg\":\"HS256\"");

        for (i = 1; i < n; i++) {
            sprintf(h + strlen(h), ",\"m%zu\":%zu", i, i);
        }

        strcat(h, "}");
        t = hs256_token(h, "{\"sub\":\"a\"}", secret, 32);
        assert_int_equal(verify(t, one, AUTHGW_ALGS_ALL, &jws),
                         n == AUTHGW_JOSE_MEMBERS_MAX
                         ? AUTHGW_OK : AUTHGW_MALFORMED_TOKEN);
        authgw_jws_free(&jws);
        free(t);
    }

    for (n = AUTHGW_JOSE_HEADER_MAX; n <= AUTHGW_JOSE_HEADER_MAX + 1; n++) {
        strcpy(h, "{\"alg\":\"HS256\",\"p\":\"");
        memset(h + strlen(h), 'x', n - strlen(h) - 2);
        strcpy(h + n - 2, "\"}");
        assert_int_equal(strlen(h), n);

        t = hs256_token(h, "{\"sub\":\"a\"}", secret, 32);
        assert_int_equal(verify(t, one, AUTHGW_ALGS_ALL, &jws),
                         n == AUTHGW_JOSE_HEADER_MAX
                         ? AUTHGW_OK : AUTHGW_MALFORMED_TOKEN);
        authgw_jws_free(&jws);
        free(t);
    }

    t = hs256_token("{\"alg\":\"HS256\",\"x\":[[1]]}", "{\"sub\":\"a\"}",
                    secret, 32);
    assert_int_equal(verify(t, one, AUTHGW_ALGS_ALL, &jws), AUTHGW_OK);
    authgw_jws_free(&jws);
    free(t);

    t = hs256_token("{\"alg\":\"HS256\",\"x\":[[[1]]]}", "{\"sub\":\"a\"}",
                    secret, 32);
    assert_int_equal(verify(t, one, AUTHGW_ALGS_ALL, &jws),
                     AUTHGW_MALFORMED_TOKEN);
    free(t);
    authgw_keys_free(one.keys, one.nkeys);

    /* the user id JWE header: the same bound, the same single refusal */

    uk = enc_keys(k64, 32, NULL);

    for (n = 14; n <= 15; n++) {
        strcpy(extra, "{");

        for (i = 0; i < n; i++) {
            sprintf(extra + strlen(extra), "%s\"m%zu\":1", i ? "," : "", i);
        }

        strcat(extra, "}");

        jwe = tool_jwe_encrypt("dir", "A256GCM", k64, 32, NULL, extra,
                               (const unsigned char *) "alice", 5, 12, 0);
        assert_non_null(jwe);
        assert_int_equal(decrypt(jwe, uk, n == 14 ? "alice" : NULL),
                         n == 14 ? AUTHGW_OK : AUTHGW_BAD_USER_ID);
        free(jwe);
    }

    authgw_keys_free(uk.keys, uk.nkeys);
}


/* authgw_require_claim's values and authgw_require_scope, in the core */

static void
test_claim_rules(void **state)
{
    size_t         i;
    json_t        *j;
    authgw_str_t   want[3];

    static const struct {
        const char  *json;
        int          match;
    } cases[] = {
        { "{\"v\":\"admin\"}", 1 },
        { "{\"v\":\"Admin\"}", 0 },
        { "{\"v\":\"admin \"}", 0 },
        { "{\"v\":\"admin\\u0000x\"}", 0 },
        { "{\"v\":\"\"}", 0 },
        { "{\"v\":[\"x\",\"admin\"]}", 1 },
        { "{\"v\":[[\"admin\"]]}", 0 },
        { "{\"v\":[{\"admin\":1}]}", 0 },
        { "{\"v\":{\"admin\":\"admin\"}}", 0 },
        { "{\"v\":null}", 0 },
        { "{\"v\":42}", 1 },
        { "{\"v\":42.0}", 1 },
        { "{\"v\":42.5}", 0 },
        { "{\"v\":420}", 0 },
        { "{\"v\":true}", 0 },
        { "{\"v\":false}", 0 },
        { "{\"v\":[1,42]}", 1 },
        { "{\"v\":[null]}", 0 },
    };

    static const struct {
        const char  *json;
        const char  *scope;
        int          has;
    } scopes[] = {
        { "{\"scope\":\"read write\"}", "write", 1 },
        { "{\"scope\":\"read write\"}", "read", 1 },
        { "{\"scope\":\"read write\"}", "wri", 0 },
        { "{\"scope\":\"read write\"}", "read write", 0 },
        { "{\"scope\":\"  read   write  \"}", "write", 1 },
        { "{\"scope\":\"readwrite\"}", "write", 0 },
        { "{\"scope\":\"\"}", "write", 0 },
        { "{\"scope\":[\"write\"]}", "write", 0 },
        { "{\"scope\":5}", "5", 0 },
        { "{\"scp\":[\"a\",\"write\"]}", "write", 1 },
        { "{\"scp\":[\"a write\"]}", "write", 0 },
        { "{\"scp\":\"read write\"}", "write", 1 },
        { "{\"scp\":[1,\"x\"]}", "1", 0 },
        { "{\"scope\":\"read\",\"scp\":[\"write\"]}", "write", 1 },
        { "{\"scope\":\"wr\\u0000ite\"}", "wr", 0 },
        { "{}", "write", 0 },
    };

    (void) state;

    want[0].data = (const unsigned char *) "dev";
    want[0].len = 3;
    want[1].data = (const unsigned char *) "admin";
    want[1].len = 5;
    want[2].data = (const unsigned char *) "42";
    want[2].len = 2;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        j = json_loads(cases[i].json, JSON_ALLOW_NUL, NULL);
        assert_non_null(j);

        if (authgw_claim_match(json_object_get(j, "v"), want, 3)
            != cases[i].match)
        {
            fail_msg("%s: expected %d", cases[i].json, cases[i].match);
        }

        json_decref(j);
    }

    /* "true" is the text of a boolean, not of the string "true" only */

    want[0].data = (const unsigned char *) "true";
    want[0].len = 4;
    j = json_loads("{\"v\":\"true\"}", 0, NULL);
    assert_int_equal(authgw_claim_match(json_object_get(j, "v"), want, 1), 1);
    json_decref(j);
    j = json_loads("{\"v\":true}", 0, NULL);
    assert_int_equal(authgw_claim_match(json_object_get(j, "v"), want, 1), 1);
    json_decref(j);

    for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
        j = json_loads(scopes[i].json, JSON_ALLOW_NUL, NULL);
        assert_non_null(j);

        if (authgw_has_scope(j, (const unsigned char *) scopes[i].scope,
                             strlen(scopes[i].scope))
            != scopes[i].has)
        {
            fail_msg("%s, scope %s: expected %d", scopes[i].json,
                     scopes[i].scope, scopes[i].has);
        }

        json_decref(j);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_b64url_strict),
        cmocka_unit_test(test_b64url_roundtrip),
        cmocka_unit_test(test_rfc7515_kats),
        cmocka_unit_test(test_rfc7520_rfc8037_kats),
        cmocka_unit_test(test_header_rules),
        cmocka_unit_test(test_shape_rules),
        cmocka_unit_test(test_ecdsa_ranges),
        cmocka_unit_test(test_rsa_lengths),
        cmocka_unit_test(test_key_loading),
        cmocka_unit_test(test_secret_not_a_key),
        cmocka_unit_test(test_claims),
        cmocka_unit_test(test_json_text),
        cmocka_unit_test(test_json_text_exact),
        cmocka_unit_test(test_json_text_control),
        cmocka_unit_test(test_json_dump),
        cmocka_unit_test(test_jwe_rfc7520),
        cmocka_unit_test(test_jwe_roundtrip),
        cmocka_unit_test(test_jwe_context_reuse),
        cmocka_unit_test(test_jwe_refusals),
        cmocka_unit_test(test_jwe_kid),
        cmocka_unit_test(test_claim_pointer),
        cmocka_unit_test(test_cache_lru),
        cmocka_unit_test(test_json_pool),
        cmocka_unit_test(test_jose_bounds),
        cmocka_unit_test(test_claim_rules),
    };

    return cmocka_run_group_tests(tests, NULL, test_pool_free);
}
