
/*
 * Unit tests of src/authgw_jws.c: the RFC 7515 appendix A, RFC 7520
 * section 4 and RFC 8037 A.4 known answers, header and shape rules, ECDSA
 * and RSA signature forms, the bounds on work before a signature, and the
 * protected headers kept from verified tokens.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ecdsa.h>

#include "../../tools/jwe.h"
#include "unit.h"


#define RFC7515_NOW  1300819379    /* one second before the examples expire */


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


static authgw_status_t
verify_flags(const char *token, test_keys_t k, unsigned algs, int *held,
    const authgw_key_t **key)
{
    authgw_jws_t     jws;
    authgw_status_t  rc;

    rc = authgw_jws_verify((const unsigned char *) token, strlen(token),
                           k.keys, k.nkeys, algs, 0, &alloc, &jws);

    *held = jws.header_held;
    *key = jws.key;

    if (rc == AUTHGW_OK) {
        assert_non_null(jws.header);
        assert_string_equal(json_string_value(json_object_get(jws.header,
                                                              "alg")),
                            "HS256");
    }

    authgw_jws_free(&jws);

    return rc;
}


/*
 * A header held by a request outlives its slot: headers of other verified
 * tokens replace it in the memo while the request still reads it.
 */

static void
test_header_memo_replaced(void **state)
{
    int                   held, n;
    char                 *t1, *t2, *t, hdr[128], jwk[128], *text;
    test_keys_t           k;
    authgw_jws_t          jws;
    const authgw_key_t   *key;

    (void) state;

    n = snprintf(jwk, sizeof(jwk), "{\"kty\":\"oct\",\"k\":\"");
    n += (int) authgw_b64url_encode(jwk + n, secret, 32);
    snprintf(jwk + n, sizeof(jwk) - (size_t) n, "\"}");
    k = load(jwk, -1);
    t1 = hs256_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                     "{\"sub\":\"1\"}", secret, 32);
    t2 = hs256_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                     "{\"sub\":\"2\"}", secret, 32);

    assert_int_equal(verify_flags(t1, k, AUTHGW_ALGS_ALL, &held, &key),
                     AUTHGW_OK);
    assert_int_equal(authgw_jws_verify((const unsigned char *) t2,
                                       strlen(t2), k.keys, k.nkeys,
                                       AUTHGW_ALGS_ALL, 0, &alloc, &jws),
                     AUTHGW_OK);
    assert_int_equal(jws.header_held, 1);

    /* other headers until one takes the slot: t1's then parses again */

    for (n = 0; n < 1000; n++) {
        snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"n\":%d}", n);
        t = hs256_token(hdr, "{\"sub\":\"3\"}", secret, 32);
        assert_int_equal(verify_flags(t, k, AUTHGW_ALGS_ALL, &held, &key),
                         AUTHGW_OK);
        free(t);

        assert_int_equal(verify_flags(t1, k, AUTHGW_ALGS_ALL, &held, &key),
                         AUTHGW_OK);
        if (!held) {
            break;
        }
    }

    assert_true(n < 1000);

    /* the held header is whole (ASan sees a read of freed memory) */
    text = json_dumps(jws.header, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal(text, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    free(text);
    authgw_jws_free(&jws);

    /* and dropping every slot leaves a held header whole too */
    assert_int_equal(authgw_jws_verify((const unsigned char *) t2,
                                       strlen(t2), k.keys, k.nkeys,
                                       AUTHGW_ALGS_ALL, 0, &alloc, &jws),
                     AUTHGW_OK);
    assert_int_equal(jws.header_held, 1);
    authgw_jws_forget();
    assert_string_equal(json_string_value(json_object_get(jws.header, "typ")),
                        "JWT");
    authgw_jws_free(&jws);

    free(t1);
    free(t2);
    authgw_keys_free(k.keys, k.nkeys);
}


/*
 * A verified token's protected header is kept and parsed once; the rules
 * (algorithms, keys) are applied again on each token, and a token that
 * fails never leaves its header.
 */

static void
test_header_memo(void **state)
{
    int                   held, i;
    char                 *t1, *t2, *forged, *hdr, text[512], a[64], b[64];
    test_keys_t           k, only_a;
    unsigned char         other[32];
    const authgw_key_t   *key;

    (void) state;

    authgw_jws_forget();

    memset(other, 0x33, sizeof(other));
    a[authgw_b64url_encode(a, secret, 32)] = '\0';
    b[authgw_b64url_encode(b, other, 32)] = '\0';

    snprintf(text, sizeof(text), "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"a\","
             "\"k\":\"%s\"},{\"kty\":\"oct\",\"kid\":\"b\",\"k\":\"%s\"}]}",
             a, b);
    k = load(text, -1);

    snprintf(text, sizeof(text), "{\"kty\":\"oct\",\"kid\":\"a\","
             "\"k\":\"%s\"}", a);
    only_a = load(text, -1);

    hdr = "{\"alg\":\"HS256\",\"kid\":\"b\",\"typ\":\"JWT\"}";
    t1 = hs256_token(hdr, "{\"sub\":\"1\"}", other, 32);
    t2 = hs256_token(hdr, "{\"sub\":\"2\"}", other, 32);

    assert_int_equal(verify_flags(t1, k, AUTHGW_ALGS_ALL, &held, &key),
                     AUTHGW_OK);
    assert_int_equal(held, 0);
    assert_ptr_equal(key, k.keys[1]);

    /* the next token of that header reuses it, and its kid picks the key */
    for (i = 0; i < 2; i++) {
        assert_int_equal(verify_flags(t2, k, AUTHGW_ALGS_ALL, &held, &key),
                         AUTHGW_OK);
        assert_int_equal(held, 1);
        assert_ptr_equal(key, k.keys[1]);
    }

    /* the algorithms and keys of this call still decide */
    assert_int_equal(verify_flags(t2, k, AUTHGW_ALGS_RSA, &held, &key),
                     AUTHGW_ALG_NOT_ALLOWED);
    assert_int_equal(verify_flags(t2, only_a, AUTHGW_ALGS_ALL, &held, &key),
                     AUTHGW_UNKNOWN_KID);

    /* a kept header with a signature made by another key: refused */
    free(t2);
    t2 = hs256_token(hdr, "{\"sub\":\"2\"}", secret, 32);
    assert_int_equal(verify_flags(t2, k, AUTHGW_ALGS_ALL, &held, &key),
                     AUTHGW_BAD_SIGNATURE);

    /* a forged token's header is never kept, however often it comes */
    forged = hs256_token("{\"alg\":\"HS256\",\"kid\":\"a\",\"x\":1}",
                         "{\"sub\":\"3\"}", other, 32);

    for (i = 0; i < 3; i++) {
        assert_int_equal(verify_flags(forged, k, AUTHGW_ALGS_ALL, &held, &key),
                         AUTHGW_BAD_SIGNATURE);
        assert_int_equal(held, 0);
    }

    /* forgotten: parsed again */
    authgw_jws_forget();
    assert_int_equal(verify_flags(t1, k, AUTHGW_ALGS_ALL, &held, &key),
                     AUTHGW_OK);
    assert_int_equal(held, 0);

    authgw_jws_forget();

    free(t1);
    free(t2);
    free(forged);
    authgw_keys_free(k.keys, k.nkeys);
    authgw_keys_free(only_a.keys, only_a.nkeys);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test_setup(test_header_memo, unit_forget),
        cmocka_unit_test_setup(test_header_memo_replaced, unit_forget),
        cmocka_unit_test_setup(test_rfc7515_kats, unit_forget),
        cmocka_unit_test_setup(test_rfc7520_rfc8037_kats, unit_forget),
        cmocka_unit_test_setup(test_header_rules, unit_forget),
        cmocka_unit_test_setup(test_shape_rules, unit_forget),
        cmocka_unit_test_setup(test_ecdsa_ranges, unit_forget),
        cmocka_unit_test_setup(test_rsa_lengths, unit_forget),
        cmocka_unit_test_setup(test_jose_bounds, unit_forget),
    };

    return cmocka_run_group_tests_name("jws", tests, NULL, test_pool_free);
}
