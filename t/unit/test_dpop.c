
/*
 * Unit tests of src/authgw_dpop.c: JWK thumbprints (RFC 7638) against the
 * RFCs' own examples, what a proof's jwk may not hold, and htu against the
 * request's URL.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include "unit.h"


static EVP_PKEY             *proof_key;
static char                  proof_x[64], proof_y[64];
static const unsigned char  *nonce_key;     /* check(): server nonces */


static int
jkt(const char *jwk, char *out)
{
    int      rc;
    json_t  *j;

    j = json_loads(jwk, 0, NULL);
    assert_non_null(j);

    rc = authgw_jwk_thumbprint(j, out);
    json_decref(j);

    return rc;
}


static void
test_thumbprint(void **state)
{
    char  out[AUTHGW_JKT_LEN + 1];

    (void) state;

    /* RFC 7638 3.1: the RSA key of RFC 7517 A.1, alg and kid not covered */

    assert_int_equal(jkt("{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9"
        "nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJE"
        "CPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6"
        "Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu"
        "6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcR"
        "wr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\","
        "\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}", out), 0);
    assert_string_equal(out, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");

    /* RFC 8037 A.3: the Ed25519 key of A.2 */

    assert_int_equal(jkt("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
                         "\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}",
                         out), 0);
    assert_string_equal(out, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");

    /*
     * the P-256 key of RFC 7517 A.1, members in another order, with d:
     * the thumbprint covers crv, kty, x, y only (the value as jwcrypto
     * 1.1 computes it)
     */

    assert_int_equal(jkt("{\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4"
                         "IFyM\",\"use\":\"enc\",\"x\":\"MKBCTNIcKUSDii11ySs3"
                         "526iDZ8AiTo7Tu6KPAqv7D4\",\"kty\":\"EC\",\"crv\":"
                         "\"P-256\",\"d\":\"x\"}", out), 0);
    assert_string_equal(out, "cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s");

    /* what has no thumbprint */

    assert_int_equal(jkt("{\"kty\":\"oct\",\"k\":\"AAAA\"}", out), -1);
    assert_int_equal(jkt("{\"kty\":\"RSA\",\"n\":\"AQAB\"}", out), -1);
    assert_int_equal(jkt("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":3}", out),
                     -1);
    assert_int_equal(jkt("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\"}",
                         out), -1);
    assert_int_equal(jkt("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
                         "\"a\\\"b\"}", out), -1);
    assert_int_equal(jkt("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
                         "\"a\\u00e9\"}", out), -1);
    assert_int_equal(jkt("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
                         "\"a\\nb\"}", out), -1);
    assert_int_equal(jkt("{\"kty\":[\"RSA\"]}", out), -1);
    assert_int_equal(jkt("{}", out), -1);
}


static void
test_thumbprint_bounds(void **state)
{
    char     out[AUTHGW_JKT_LEN + 1];
    char    *jwk;
    size_t   n;

    (void) state;

    /* an n that fills the input exactly fits; one byte more does not */

    for (n = AUTHGW_JKT_INPUT_MAX - 40; n < AUTHGW_JKT_INPUT_MAX; n++) {
        jwk = malloc(n + 64);
        assert_non_null(jwk);

        /* {"e":"AQAB","kty":"RSA","n":"..."}: 31 bytes around n */

        snprintf(jwk, n + 64, "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"%0*d\"}",
                 (int) n, 0);

        assert_int_equal(jkt(jwk, out),
                         n + 31 <= AUTHGW_JKT_INPUT_MAX ? 0 : -1);
        free(jwk);
    }
}


static void
test_public(void **state)
{
    size_t   i;
    json_t  *j;

    static const struct {
        const char  *jwk;
        int          public;
    } cases[] = {
        { "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\",\"y\":\"b\"}", 1 },
        { "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\",\"y\":\"b\","
          "\"d\":\"c\"}", 0 },
        { "{\"kty\":\"RSA\",\"n\":\"a\",\"e\":\"b\",\"p\":\"c\"}", 0 },
        { "{\"kty\":\"RSA\",\"n\":\"a\",\"e\":\"b\",\"qi\":null}", 0 },
        { "{\"kty\":\"RSA\",\"n\":\"a\",\"e\":\"b\",\"oth\":[]}", 0 },
        { "{\"kty\":\"oct\",\"k\":\"a\"}", 0 },
        { "[]", 0 },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        j = json_loads(cases[i].jwk, 0, NULL);
        assert_non_null(j);
        assert_int_equal(authgw_jwk_is_public(j), cases[i].public);
        json_decref(j);
    }
}


/* RFC 9449 4.3 (9): htu against the request's URL */

static void
test_htu(void **state)
{
    size_t  i;

    static const struct {
        const char  *htu;
        const char  *url;
        int          match;
    } cases[] = {
        { "https://server.example.com/token",
          "https://server.example.com/token", 1 },
        { "https://server.example.com/token?a=1#f",
          "https://server.example.com/token", 1 },
        { "https://server.example.com/token",
          "https://server.example.com/token?x", 1 },
        { "HTTPS://Server.Example.COM/token",
          "https://server.example.com/token", 1 },
        { "https://server.example.com:443/token",
          "https://server.example.com/token", 1 },
        { "http://server.example.com:80/a", "http://server.example.com/a",
          1 },
        { "https://server.example.com", "https://server.example.com/", 1 },
        { "https://server.example.com/", "https://server.example.com", 1 },
        { "https://server.example.com?q", "https://server.example.com/", 1 },
        { "https://server.example.com/Token",
          "https://server.example.com/token", 0 },
        { "https://server.example.com/token/",
          "https://server.example.com/token", 0 },
        { "https://server.example.com/t%6Fken",
          "https://server.example.com/token", 0 },
        { "https://server.example.com:8443/token",
          "https://server.example.com/token", 0 },
        { "http://server.example.com/token",
          "https://server.example.com/token", 0 },
        { "https://other.example.com/token",
          "https://server.example.com/token", 0 },
        { "https://server.example.com.evil/token",
          "https://server.example.com/token", 0 },
        { "https://user@server.example.com/token",
          "https://server.example.com/token", 0 },
        { "https://server.example.com/tokens",
          "https://server.example.com/token", 0 },
        { "https://server.example.com/x", "https://server.example.com/", 0 },
        { "/token", "https://server.example.com/token", 0 },
        { "server.example.com/token", "https://server.example.com/token",
          0 },
        { "https:/server.example.com/token",
          "https://server.example.com/token", 0 },
        { "ftp://server.example.com/token",
          "ftp://server.example.com/token", 0 },
        { "", "https://server.example.com/", 0 },
        { "https://", "https://", 0 },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (authgw_htu_match(cases[i].htu, strlen(cases[i].htu),
                             cases[i].url, strlen(cases[i].url))
            != cases[i].match)
        {
            fail_msg("case %zu: %s against %s", i, cases[i].htu,
                     cases[i].url);
        }
    }
}


/*
 * A proof signed ES256 with proof_key (made once): header and payload as
 * JSON texts, "%X" and "%Y" in the header standing for the key's x and y
 */

static char *
proof(const char *header, const char *payload)
{
    char            *h, *out, *p;
    size_t           hl, pl, n, dlen, off;
    unsigned char    pub[65], der[80], rs[64];
    const BIGNUM    *r, *s;
    ECDSA_SIG       *sig;
    EVP_MD_CTX      *md;
    const unsigned char  *dp;

    if (proof_key == NULL) {
        proof_key = EVP_EC_gen("P-256");
        assert_non_null(proof_key);
        assert_int_equal(EVP_PKEY_get_octet_string_param(proof_key,
                             OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof(pub), &n),
                         1);
        assert_int_equal(n, 65);
        proof_x[authgw_b64url_encode(proof_x, pub + 1, 32)] = '\0';
        proof_y[authgw_b64url_encode(proof_y, pub + 33, 32)] = '\0';
    }

    /* the header with x and y put in */

    h = malloc(strlen(header) + 128);
    assert_non_null(h);

    for (p = h; *header; header++) {
        if (header[0] == '%' && (header[1] == 'X' || header[1] == 'Y')) {
            p = stpcpy(p, header[1] == 'X' ? proof_x : proof_y);
            header++;

        } else {
            *p++ = *header;
        }
    }

    *p = '\0';

    hl = authgw_b64url_encoded_len(strlen(h));
    pl = authgw_b64url_encoded_len(strlen(payload));
    out = malloc(hl + pl + 2 + 90);
    assert_non_null(out);

    off = authgw_b64url_encode(out, (unsigned char *) h, strlen(h));
    out[off++] = '.';
    off += authgw_b64url_encode(out + off, (const unsigned char *) payload,
                                strlen(payload));
    free(h);

    md = EVP_MD_CTX_new();
    dlen = sizeof(der);
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL,
                                        proof_key), 1);
    assert_int_equal(EVP_DigestSign(md, der, &dlen, (unsigned char *) out,
                                    off), 1);
    EVP_MD_CTX_free(md);

    dp = der;
    sig = d2i_ECDSA_SIG(NULL, &dp, (long) dlen);
    assert_non_null(sig);
    ECDSA_SIG_get0(sig, &r, &s);
    assert_int_equal(BN_bn2binpad(r, rs, 32), 32);
    assert_int_equal(BN_bn2binpad(s, rs + 32, 32), 32);
    ECDSA_SIG_free(sig);

    out[off++] = '.';
    off += authgw_b64url_encode(out + off, rs, sizeof(rs));
    out[off] = '\0';

    return out;
}


#define PROOF_HEADER  "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" \
                      "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%X\"," \
                      "\"y\":\"%Y\"}}"
#define PROOF_URL     "https://api.example/orders"
#define PROOF_NOW     1800000000


static int
check(const char *header, const char *payload, const char *token,
    authgw_dpop_proof_t *out)
{
    int                     rc;
    char                   *t;
    authgw_dpop_request_t   rq;

    t = proof(header, payload);

    rq.method = "POST";
    rq.method_len = 4;
    rq.url = PROOF_URL;
    rq.url_len = sizeof(PROOF_URL) - 1;
    rq.token = (const unsigned char *) token;
    rq.token_len = token ? strlen(token) : 0;
    rq.algs = AUTHGW_ALGS_ALL;
    rq.now = PROOF_NOW;
    rq.window = 60;
    rq.leeway = 5;
    rq.nonce_key = nonce_key;
    rq.nonce_key_len = 32;
    rq.nonce_period = 60;

    test_pool_reset();
    rc = authgw_dpop_check((unsigned char *) t, strlen(t), &rq, &alloc, out);
    free(t);

    return rc;
}


static void
test_proof(void **state)
{
    char                  payload[512], ath[AUTHGW_JKT_LEN + 1];
    size_t                i;
    json_t               *jwk;
    unsigned char         md[32];
    authgw_dpop_proof_t   out;

    static const struct {
        const char  *header;
        const char  *payload;        /* %s: ath */
        const char  *why;            /* NULL: accepted */
    } cases[] = {
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\","
          "\"iat\":1800000000,\"jti\":\"j1\",\"ath\":\"%s\"}", NULL },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"HTTPS://API.example:443"
          "/orders\",\"iat\":1799999945,\"jti\":\"j1\",\"ath\":\"%s\"}",
          NULL },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "?x=1\","
          "\"iat\":1800000000,\"jti\":\"j1\",\"ath\":\"%s\"}",
          "htu has a query or a fragment" },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "#f\","
          "\"iat\":1800000000,\"jti\":\"j1\",\"ath\":\"%s\"}",
          "htu has a query or a fragment" },
        { PROOF_HEADER, "{\"htm\":\"GET\",\"htu\":\"" PROOF_URL "\","
          "\"iat\":1800000000,\"jti\":\"j1\",\"ath\":\"%s\"}",
          "htm is not the request's method" },
        { PROOF_HEADER, "{\"htm\":\"post\",\"htu\":\"" PROOF_URL "\","
          "\"iat\":1800000000,\"jti\":\"j1\",\"ath\":\"%s\"}",
          "htm is not the request's method" },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"https://api.example:8443"
          "/orders\",\"iat\":1800000000,\"jti\":\"j1\",\"ath\":\"%s\"}",
          "htu is not the request's URL" },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"https://other.example"
          "/orders\",\"iat\":1800000000,\"jti\":\"j1\",\"ath\":\"%s\"}",
          "htu is not the request's URL" },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\","
          "\"iat\":1799999934,\"jti\":\"j1\",\"ath\":\"%s\"}",
          "iat is outside the window" },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\","
          "\"iat\":1800000006,\"jti\":\"j1\",\"ath\":\"%s\"}",
          "iat is outside the window" },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\","
          "\"iat\":\"1800000000\",\"jti\":\"j1\",\"ath\":\"%s\"}",
          "iat is missing or not a NumericDate" },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\","
          "\"iat\":1800000000,\"ath\":\"%s\"}",
          "jti is missing, empty or too long" },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\","
          "\"iat\":1800000000,\"jti\":\"j1\",\"ath\":\"x%s\"}",
          "ath is not the access token's hash" },
        { PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\","
          "\"iat\":1800000000,\"jti\":\"j1\"}",
          "ath is not the access token's hash" },
        { "{\"typ\":\"JWT\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\","
          "\"crv\":\"P-256\",\"x\":\"%X\",\"y\":\"%Y\"}}",
          "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\",\"iat\":1800000000,"
          "\"jti\":\"j1\",\"ath\":\"%s\"}", "typ is not dpop+jwt" },
        { "{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":{\"kty\":\"EC\","
          "\"crv\":\"P-256\",\"x\":\"%X\",\"y\":\"%Y\"}}",
          "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\",\"iat\":1800000000,"
          "\"jti\":\"j1\",\"ath\":\"%s\"}",
          "alg is not an asymmetric algorithm this location allows" },
        { "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\","
          "\"crv\":\"P-256\",\"x\":\"%X\",\"y\":\"%Y\",\"d\":\"AA\"}}",
          "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\",\"iat\":1800000000,"
          "\"jti\":\"j1\",\"ath\":\"%s\"}",
          "jwk is missing, or holds a private key" },
        { "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\"}",
          "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\",\"iat\":1800000000,"
          "\"jti\":\"j1\",\"ath\":\"%s\"}",
          "jwk is missing, or holds a private key" },
        { "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"EC\","
          "\"crv\":\"P-256\",\"x\":\"%Y\",\"y\":\"%X\"}}",
          "{\"htm\":\"POST\",\"htu\":\"" PROOF_URL "\",\"iat\":1800000000,"
          "\"jti\":\"j1\",\"ath\":\"%s\"}", "jwk is not a key for its alg" },
    };

    (void) state;

    assert_int_equal(EVP_Digest("the-token", 9, md, NULL, EVP_sha256(),
                                NULL), 1);
    ath[authgw_b64url_encode(ath, md, sizeof(md))] = '\0';

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(payload, sizeof(payload), cases[i].payload, ath);

        if (check(cases[i].header, payload, "the-token", &out)
            != (cases[i].why ? -1 : 0)
            || (cases[i].why && strcmp(out.why, cases[i].why) != 0))
        {
            fail_msg("case %zu: %s", i, out.why ? out.why : "accepted");
        }
    }

    /* an accepted proof: its key's thumbprint, jti and iat */

    snprintf(payload, sizeof(payload), cases[0].payload, ath);
    assert_int_equal(check(PROOF_HEADER, payload, "the-token", &out), 0);
    assert_int_equal(out.jti_len, 2);
    assert_string_equal(out.jti, "j1");
    assert_true(out.iat == PROOF_NOW);

    snprintf(payload, sizeof(payload), "{\"kty\":\"EC\",\"crv\":\"P-256\","
             "\"x\":\"%s\",\"y\":\"%s\"}", proof_x, proof_y);
    jwk = json_loads(payload, 0, NULL);
    assert_non_null(jwk);
    assert_int_equal(authgw_jwk_thumbprint(jwk, ath), 0);
    assert_string_equal(out.jkt, ath);
    json_decref(jwk);

    /* no access token: no ath needed; another token's ath refused */

    assert_int_equal(check(PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\""
                           PROOF_URL "\",\"iat\":1800000000,\"jti\":\"j\"}",
                           NULL, &out), 0);
    snprintf(payload, sizeof(payload), cases[0].payload, "x");
    assert_int_equal(check(PROOF_HEADER, payload, "another-token", &out), -1);

    EVP_PKEY_free(proof_key);
    proof_key = NULL;
}


/* a proof whose signature does not verify with its own jwk */

static void
test_proof_signature(void **state)
{
    char                   *t, payload[256];
    size_t                  n;
    authgw_dpop_proof_t     out;
    authgw_dpop_request_t   rq;

    (void) state;

    snprintf(payload, sizeof(payload), "{\"htm\":\"POST\",\"htu\":\""
             PROOF_URL "\",\"iat\":1800000000,\"jti\":\"j1\"}");
    t = proof(PROOF_HEADER, payload);
    n = strlen(t);
    t[n - 2] = (t[n - 2] == 'A') ? 'B' : 'A';

    memset(&rq, 0, sizeof(rq));
    rq.method = "POST";
    rq.method_len = 4;
    rq.url = PROOF_URL;
    rq.url_len = sizeof(PROOF_URL) - 1;
    rq.algs = AUTHGW_ALGS_ALL;
    rq.now = PROOF_NOW;
    rq.window = 60;

    test_pool_reset();
    assert_int_equal(authgw_dpop_check((unsigned char *) t, n, &rq, &alloc,
                                       &out), -1);
    assert_string_equal(out.why, "the signature does not verify with its jwk");
    free(t);

    /*
     * a jwk that is another key (RFC 7517 A.1's P-256) with the signing
     * key in a "keys" member: the thumbprint would name the one and the
     * signature the other. The header's depth bound refuses it first;
     * test_jwk_one_key shows the jwk is read as one key anyway.
     */

    test_pool_reset();
    t = proof("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{"
              "\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"MKBCTNIcKUSDii"
              "11ySs3526iDZ8AiTo7Tu6KPAqv7D4\",\"y\":\"4Etl6SRW2YiLUrN5vfvV"
              "Huhp7x8PxltmWWlbbM4IFyM\",\"keys\":[{\"kty\":\"EC\",\"crv\":"
              "\"P-256\",\"x\":\"%X\",\"y\":\"%Y\"}]}}", payload);
    assert_int_equal(authgw_dpop_check((unsigned char *) t, strlen(t), &rq,
                                       &alloc, &out), -1);
    free(t);

    /* and with one more byte: not a proof at all */

    test_pool_reset();
    t = proof(PROOF_HEADER, payload);
    t[strlen(t) - 1] = '\0';
    assert_int_equal(authgw_dpop_check((unsigned char *) t, strlen(t), &rq,
                                       &alloc, &out), -1);
    free(t);

    EVP_PKEY_free(proof_key);
    proof_key = NULL;
}


/* RFC 9449 8: server nonces any node with the key checks, without state */

static void
test_nonce(void **state)
{
    char                    n1[AUTHGW_NONCE_LEN + 1], n2[AUTHGW_NONCE_LEN + 1];
    char                    payload[256];
    authgw_dpop_proof_t     out;

    static const unsigned char  key[] = "0123456789abcdef0123456789abcdef";
    static const unsigned char  other[] = "0123456789abcdef0123456789abcdeF";

    (void) state;

    /* made at 1000 with a period of 60: slot 16, good through slot 17 */

    assert_int_equal(authgw_dpop_nonce(key, 32, 1000, 60, n1, NULL, 0), 0);
    assert_int_equal(strlen(n1), AUTHGW_NONCE_LEN);
    assert_int_equal(authgw_dpop_nonce(key, 32, 1019, 60, n2, NULL, 0), 0);
    assert_string_equal(n1, n2);
    assert_int_equal(authgw_dpop_nonce(key, 32, 1020, 60, n2, NULL, 0), 0);
    assert_string_not_equal(n1, n2);

    assert_int_equal(authgw_dpop_nonce(key, 32, 1000, 60, NULL, n1, 32), 0);
    assert_int_equal(authgw_dpop_nonce(key, 32, 1079, 60, NULL, n1, 32), 0);
    assert_int_equal(authgw_dpop_nonce(key, 32, 1080, 60, NULL, n1, 32), -1);
    assert_int_equal(authgw_dpop_nonce(key, 32, 959, 60, NULL, n1, 32), -1);
    assert_int_equal(authgw_dpop_nonce(other, 32, 1000, 60, NULL, n1, 32),
                     -1);
    assert_int_equal(authgw_dpop_nonce(key, 32, 1000, 60, NULL, n1, 31), -1);
    assert_int_equal(authgw_dpop_nonce(key, 32, 1000, 0, NULL, n1, 32), -1);

    /* any one character changed */

    memcpy(n2, n1, sizeof(n1));
    n2[20] = (n2[20] == 'A') ? 'B' : 'A';
    assert_int_equal(authgw_dpop_nonce(key, 32, 1000, 60, NULL, n2, 32), -1);
    memcpy(n2, n1, sizeof(n1));
    n2[5] = (n2[5] == 'A') ? 'B' : 'A';
    assert_int_equal(authgw_dpop_nonce(key, 32, 1000, 60, NULL, n2, 32), -1);

    /* in a proof: none, or a stale one, is use_dpop_nonce; a fresh one is */

    nonce_key = key;

    assert_int_equal(check(PROOF_HEADER, "{\"htm\":\"POST\",\"htu\":\""
                           PROOF_URL "\",\"iat\":1800000000,\"jti\":\"j\"}",
                           NULL, &out), -1);
    assert_true(out.use_nonce);

    assert_int_equal(authgw_dpop_nonce(key, 32, PROOF_NOW, 60, n1, NULL, 0),
                     0);
    snprintf(payload, sizeof(payload), "{\"htm\":\"POST\",\"htu\":\""
             PROOF_URL "\",\"iat\":1800000000,\"jti\":\"j\",\"nonce\":"
             "\"%s\"}", n1);
    assert_int_equal(check(PROOF_HEADER, payload, NULL, &out), 0);

    assert_int_equal(authgw_dpop_nonce(key, 32, PROOF_NOW - 120, 60, n1,
                                       NULL, 0), 0);
    snprintf(payload, sizeof(payload), "{\"htm\":\"POST\",\"htu\":\""
             PROOF_URL "\",\"iat\":1800000000,\"jti\":\"j\",\"nonce\":"
             "\"%s\"}", n1);
    assert_int_equal(check(PROOF_HEADER, payload, NULL, &out), -1);
    assert_true(out.use_nonce);

    nonce_key = NULL;
    EVP_PKEY_free(proof_key);
    proof_key = NULL;
}


/*
 * A proof's jwk is one key: a "keys" member is never read as a set, so
 * the key that verifies is the one the thumbprint names
 */

static void
test_jwk_one_key(void **state)
{
    char           err[128];
    json_t        *jwk;
    authgw_key_t  *key;

    (void) state;

    /* the members of no key, with a whole key in "keys": refused */

    jwk = json_loads("{\"kty\":\"EC\",\"crv\":\"P-256\",\"keys\":[{\"kty\":"
                     "\"EC\",\"crv\":\"P-256\",\"x\":\"MKBCTNIcKUSDii11ySs35"
                     "26iDZ8AiTo7Tu6KPAqv7D4\",\"y\":\"4Etl6SRW2YiLUrN5vfvVH"
                     "uhp7x8PxltmWWlbbM4IFyM\"}]}", 0, NULL);
    assert_non_null(jwk);
    assert_int_equal(authgw_key_load_jwk(jwk, AUTHGW_ES256, &key, err,
                                         sizeof(err)), -1);
    json_decref(jwk);

    /* the key itself: loaded, for its alg only */

    jwk = json_loads("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"MKBCTNIcKUSD"
                     "ii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\",\"y\":\"4Etl6SRW2YiL"
                     "UrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\"}", 0, NULL);
    assert_non_null(jwk);
    assert_int_equal(authgw_key_load_jwk(jwk, AUTHGW_ES256, &key, err,
                                         sizeof(err)), 0);
    assert_int_equal(key->algs, AUTHGW_ALG_BIT(AUTHGW_ES256));
    authgw_key_free(key);
    assert_int_equal(authgw_key_load_jwk(jwk, AUTHGW_RS256, &key, err,
                                         sizeof(err)), -1);
    json_decref(jwk);
}


/*
 * RFC 9449's own proofs, checked at the time they were made: figure 4 (at
 * the token endpoint, no ath) and figure 13 (at a resource, with the ath
 * of figure 12's access token); figure 9's thumbprint is the token's jkt
 */

#define RFC9449_HEADER  "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7" \
    "Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldW" \
    "QVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JE" \
    "QSIsImNydiI6IlAtMjU2In19"
#define RFC9449_FIG4  RFC9449_HEADER ".eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwia" \
    "HRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwia" \
    "WF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFL" \
    "bdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg"
#define RFC9449_FIG13  RFC9449_HEADER ".eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwia" \
    "HRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0Z" \
    "WRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV" \
    "0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9.2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPT" \
    "oA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA"
#define RFC9449_TOKEN  "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
#define RFC9449_JKT    "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"


static int
rfc9449(const char *proof, const char *method, const char *url,
    const char *token, int64_t now, unsigned algs, authgw_dpop_proof_t *out)
{
    authgw_dpop_request_t  rq;

    memset(&rq, 0, sizeof(rq));
    rq.method = method;
    rq.method_len = strlen(method);
    rq.url = url;
    rq.url_len = strlen(url);
    rq.token = (const unsigned char *) token;
    rq.token_len = token ? strlen(token) : 0;
    rq.algs = algs;
    rq.now = now;
    rq.window = 60;
    rq.leeway = 5;

    test_pool_reset();

    return authgw_dpop_check((const unsigned char *) proof, strlen(proof),
                             &rq, &alloc, out);
}


static void
test_rfc9449(void **state)
{
    json_t                *payload;
    const char            *why;
    authgw_binding_t       b;
    authgw_dpop_proof_t    out;

    static const unsigned  es256 = AUTHGW_ALG_BIT(AUTHGW_ES256);

    (void) state;

    assert_int_equal(rfc9449(RFC9449_FIG4, "POST",
                             "https://server.example.com/token", NULL,
                             1562262616, es256, &out), 0);
    assert_string_equal(out.jkt, RFC9449_JKT);
    assert_null(out.why);
    assert_int_equal(out.alg, AUTHGW_ES256);
    assert_int_equal(out.iat, 1562262616);
    assert_int_equal(out.jti_len, 16);
    assert_memory_equal(out.jti, "-BwC3ESc6acc2lTc", 16);

    assert_int_equal(rfc9449(RFC9449_FIG13, "GET",
                             "https://resource.example.org/protectedresource",
                             RFC9449_TOKEN, 1562262618, es256, &out), 0);
    assert_string_equal(out.jkt, RFC9449_JKT);
    assert_memory_equal(out.jti, "e1j3V_bKic8-LAEB", 16);

    /* each a check failing alone */

    assert_int_equal(rfc9449(RFC9449_FIG13, "GET",
                             "https://resource.example.org/protectedresource",
                             "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxV",
                             1562262618, es256, &out), -1);
    assert_string_equal(out.why, "ath is not the access token's hash");
    assert_int_equal(rfc9449(RFC9449_FIG13, "POST",
                             "https://resource.example.org/protectedresource",
                             RFC9449_TOKEN, 1562262618, es256, &out), -1);
    assert_int_equal(rfc9449(RFC9449_FIG13, "GET",
                             "https://resource.example.org:8443/"
                             "protectedresource", RFC9449_TOKEN, 1562262618,
                             es256, &out), -1);
    assert_int_equal(rfc9449(RFC9449_FIG13, "GET",
                             "https://resource.example.org/protectedresource",
                             RFC9449_TOKEN, 1562262618 + 66, es256, &out),
                     -1);
    assert_int_equal(rfc9449(RFC9449_FIG13, "GET",
                             "https://resource.example.org/protectedresource",
                             RFC9449_TOKEN, 1562262618,
                             AUTHGW_ALG_BIT(AUTHGW_PS256), &out), -1);
    assert_int_equal(rfc9449(RFC9449_FIG4, "POST",
                             "https://server.example.com/token?x=1", NULL,
                             1562262616, es256, &out), 0);

    /* the token of figure 12 bound to figure 9's key, with its proof */

    payload = json_loads("{\"cnf\":{\"jkt\":\"" RFC9449_JKT "\"}}", 0, NULL);
    assert_non_null(payload);

    memset(&b, 0, sizeof(b));
    b.dpop = AUTHGW_BIND_REQUIRED;
    b.scheme_dpop = 1;
    b.proof_jkt = RFC9449_JKT;
    assert_int_equal(authgw_binding_check(payload, &b, &why), AUTHGW_OK);

    b.proof_jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4J";
    assert_int_equal(authgw_binding_check(payload, &b, &why),
                     AUTHGW_DPOP_KEY_MISMATCH);

    json_decref(payload);
}


/* cnf against what the request shows, in each mode */

static void
test_binding(void **state)
{
    size_t             i;
    json_t            *payload;
    const char        *why;
    authgw_binding_t   b;

#define JKT_A  "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
#define JKT_B  "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

    static const struct {
        const char        *payload;
        unsigned           dpop, mtls;
        int                scheme_dpop;
        const char        *proof, *cert;
        authgw_status_t    status;
    } cases[] = {
        /* off: nothing is looked at */
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\"}}", 0, 0, 0, NULL, NULL,
          AUTHGW_OK },
        { "{\"cnf\":7}", 0, 0, 0, NULL, NULL, AUTHGW_OK },
        { "{\"cnf\":7}", 1, 0, 0, NULL, NULL, AUTHGW_UNBOUND_TOKEN },

        /* a binding the location does not check is no bearer token */
        { "{\"cnf\":{\"jwk\":{\"kty\":\"EC\"}}}", 1, 0, 0, NULL, NULL,
          AUTHGW_UNBOUND_TOKEN },
        { "{\"cnf\":{\"kid\":\"k\"}}", 0, 1, 0, NULL, JKT_A,
          AUTHGW_UNBOUND_TOKEN },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\"}}", 0, 1, 0, NULL, JKT_A,
          AUTHGW_UNBOUND_TOKEN },
        { "{\"cnf\":{\"x5t#S256\":\"" JKT_A "\"}}", 1, 0, 0, NULL, NULL,
          AUTHGW_UNBOUND_TOKEN },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\",\"jku\":\"https://x\"}}", 1, 0, 1,
          JKT_A, NULL, AUTHGW_UNBOUND_TOKEN },

        /* DPoP optional */
        { "{}", 1, 0, 0, NULL, NULL, AUTHGW_OK },
        { "{\"cnf\":{}}", 1, 0, 0, NULL, NULL, AUTHGW_OK },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\"}}", 1, 0, 0, NULL, NULL,
          AUTHGW_UNBOUND_TOKEN },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\"}}", 1, 0, 1, JKT_A, NULL,
          AUTHGW_OK },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\"}}", 1, 0, 1, JKT_B, NULL,
          AUTHGW_DPOP_KEY_MISMATCH },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "x\"}}", 1, 0, 1, JKT_A, NULL,
          AUTHGW_DPOP_KEY_MISMATCH },
        { "{\"cnf\":{\"jkt\":[\"" JKT_A "\"]}}", 1, 0, 1, JKT_A, NULL,
          AUTHGW_DPOP_KEY_MISMATCH },
        { "{}", 1, 0, 1, JKT_A, NULL, AUTHGW_UNBOUND_TOKEN },

        /* DPoP required */
        { "{}", 2, 0, 0, NULL, NULL, AUTHGW_UNBOUND_TOKEN },
        { "{}", 2, 0, 1, JKT_A, NULL, AUTHGW_UNBOUND_TOKEN },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\"}}", 2, 0, 0, NULL, NULL,
          AUTHGW_UNBOUND_TOKEN },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\"}}", 2, 0, 1, JKT_A, NULL,
          AUTHGW_OK },

        /* certificates optional */
        { "{}", 0, 1, 0, NULL, NULL, AUTHGW_OK },
        { "{}", 0, 1, 0, NULL, JKT_A, AUTHGW_OK },
        { "{\"cnf\":{\"x5t#S256\":\"" JKT_A "\"}}", 0, 1, 0, NULL, NULL,
          AUTHGW_CERT_MISMATCH },
        { "{\"cnf\":{\"x5t#S256\":\"" JKT_A "\"}}", 0, 1, 0, NULL, JKT_B,
          AUTHGW_CERT_MISMATCH },
        { "{\"cnf\":{\"x5t#S256\":\"" JKT_A "\"}}", 0, 1, 0, NULL, JKT_A,
          AUTHGW_OK },
        { "{\"cnf\":{\"x5t#S256\":1}}", 0, 1, 0, NULL, JKT_A,
          AUTHGW_CERT_MISMATCH },

        /* certificates required */
        { "{}", 0, 2, 0, NULL, JKT_A, AUTHGW_UNBOUND_TOKEN },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\"}}", 0, 2, 0, NULL, JKT_A,
          AUTHGW_UNBOUND_TOKEN },
        { "{\"cnf\":{\"x5t#S256\":\"" JKT_A "\"}}", 0, 2, 0, NULL, JKT_A,
          AUTHGW_OK },

        /* both: each binding the token has is met */
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\",\"x5t#S256\":\"" JKT_B "\"}}",
          1, 1, 1, JKT_A, JKT_B, AUTHGW_OK },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\",\"x5t#S256\":\"" JKT_B "\"}}",
          1, 1, 1, JKT_A, JKT_A, AUTHGW_CERT_MISMATCH },
        { "{\"cnf\":{\"jkt\":\"" JKT_A "\",\"x5t#S256\":\"" JKT_B "\"}}",
          1, 1, 0, NULL, JKT_B, AUTHGW_UNBOUND_TOKEN },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        payload = json_loads(cases[i].payload, 0, NULL);
        assert_non_null(payload);

        b.dpop = cases[i].dpop;
        b.mtls = cases[i].mtls;
        b.scheme_dpop = cases[i].scheme_dpop;
        b.proof_jkt = cases[i].proof;
        b.cert_x5t = cases[i].cert;
        why = NULL;

        if (authgw_binding_check(payload, &b, &why) != cases[i].status) {
            fail_msg("case %zu: %s", i, why ? why : "accepted");
        }

        assert_true((cases[i].status == AUTHGW_OK) == (why == NULL)
                    || cases[i].dpop == 0);
        json_decref(payload);
    }
}


/*
 * x5t#S256 of a certificate (here: any DER, the hash does not parse it)
 * from the forms a TLS terminator passes it in
 */

static void
test_cert_text(void **state)
{
    size_t          i, n;
    char            der64[64], text[512];
    char            want[AUTHGW_JKT_LEN + 1], got[AUTHGW_JKT_LEN + 1];
    unsigned char   der[40];
    int             m;

    (void) state;

    /* one DER SEQUENCE of 38 bytes */

    der[0] = 0x30;
    der[1] = sizeof(der) - 2;

    for (i = 2; i < sizeof(der); i++) {
        der[i] = (unsigned char) (0x30 + i * 7);
    }

    assert_int_equal(authgw_cert_thumbprint(der, sizeof(der), want), 0);
    assert_int_equal(strlen(want), AUTHGW_JKT_LEN);

    m = EVP_EncodeBlock((unsigned char *) der64, der, sizeof(der));
    assert_int_equal(m, 56);          /* 40 bytes: one "=" of padding */
    n = (size_t) m;

    /* PEM with lines */
    snprintf(text, sizeof(text), "-----BEGIN CERTIFICATE-----\n%.32s\n%s\n"
             "-----END CERTIFICATE-----\n", der64, der64 + 32);
    test_pool_reset();
    assert_int_equal(authgw_cert_text_thumbprint(text, strlen(text), &alloc,
                                                 got), 0);
    assert_string_equal(got, want);

    /* URL-encoded, as $ssl_client_escaped_cert */
    snprintf(text, sizeof(text), "-----BEGIN%%20CERTIFICATE-----%%0A%.32s"
             "%%0A%s%%0A-----END%%20CERTIFICATE-----%%0A", der64, der64 + 32);
    assert_int_equal(authgw_cert_text_thumbprint(text, strlen(text), &alloc,
                                                 got), 0);
    assert_string_equal(got, want);

    /* newlines folded into spaces, a chain after it */
    snprintf(text, sizeof(text), "-----BEGIN CERTIFICATE----- %.32s %s "
             "-----END CERTIFICATE----- -----BEGIN CERTIFICATE----- AAAA "
             "-----END CERTIFICATE-----", der64, der64 + 32);
    assert_int_equal(authgw_cert_text_thumbprint(text, strlen(text), &alloc,
                                                 got), 0);
    assert_string_equal(got, want);

    /* RFC 9440 */
    snprintf(text, sizeof(text), ":%s:", der64);
    assert_int_equal(authgw_cert_text_thumbprint(text, strlen(text), &alloc,
                                                 got), 0);
    assert_string_equal(got, want);

    /* none, and malformed ones */
    assert_int_equal(authgw_cert_text_thumbprint("", 0, &alloc, got), 1);

    snprintf(text, sizeof(text), ":%.*s:", (int) n - 1, der64);
    assert_int_equal(authgw_cert_text_thumbprint(text, strlen(text), &alloc,
                                                 got), -1);
    snprintf(text, sizeof(text), "-----BEGIN CERTIFICATE-----\n%s\n", der64);
    assert_int_equal(authgw_cert_text_thumbprint(text, strlen(text), &alloc,
                                                 got), -1);
    snprintf(text, sizeof(text), "-----BEGIN CERTIFICATE-----%%0%s"
             "-----END CERTIFICATE-----", der64);
    assert_int_equal(authgw_cert_text_thumbprint(text, strlen(text), &alloc,
                                                 got), -1);
    snprintf(text, sizeof(text), "-----BEGIN CERTIFICATE-----%%00%s"
             "-----END CERTIFICATE-----", der64);
    assert_int_equal(authgw_cert_text_thumbprint(text, strlen(text), &alloc,
                                                 got), -1);
    assert_int_equal(authgw_cert_text_thumbprint("%", 1, &alloc, got), -1);
    assert_int_equal(authgw_cert_text_thumbprint("-----BEGIN CERTIFICATE"
                     "----------END CERTIFICATE-----", 52, &alloc, got), -1);
    assert_int_equal(authgw_cert_text_thumbprint("::", 2, &alloc, got), -1);

    /* base64 of no certificate: "=" inside, bytes that are no SEQUENCE */
    assert_int_equal(authgw_cert_text_thumbprint(":====:", 6, &alloc, got),
                     -1);
    assert_int_equal(authgw_cert_text_thumbprint(":QU=D:", 6, &alloc, got),
                     -1);
    assert_int_equal(authgw_cert_text_thumbprint(":MAA=:", 6, &alloc, got),
                     0);                       /* 30 00: an empty SEQUENCE */
    assert_int_equal(authgw_cert_text_thumbprint(":MAE=:", 6, &alloc, got),
                     -1);                      /* 30 01: one byte short */
    assert_int_equal(authgw_cert_text_thumbprint(":QUFB:", 6, &alloc, got),
                     -1);                      /* "AAA" */
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_thumbprint),
        cmocka_unit_test(test_thumbprint_bounds),
        cmocka_unit_test(test_public),
        cmocka_unit_test(test_htu),
        cmocka_unit_test(test_proof),
        cmocka_unit_test(test_proof_signature),
        cmocka_unit_test(test_nonce),
        cmocka_unit_test(test_jwk_one_key),
        cmocka_unit_test(test_rfc9449),
        cmocka_unit_test(test_binding),
        cmocka_unit_test(test_cert_text),
    };

    return cmocka_run_group_tests_name("dpop", tests, NULL, test_pool_free);
}
