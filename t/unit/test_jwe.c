
/*
 * Unit tests of src/authgw_jwe.c: the encrypted user id, with the RFC 7520
 * section 5.6 known answer, every alg/enc pair made by tools/jwe.c, key
 * contexts reused across tokens, every refusal, kids, and the user id
 * rule (its claim, and the id kept in a cache entry).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/jwe.h"
#include "unit.h"


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


/* the segments: tag, encrypted key, key length, count */

static void
test_jwe_segments_refused(void **state)
{
    char           *jwe, *t;
    size_t          n;
    test_keys_t     k16, k32;
    unsigned char   tag[64];

    (void) state;

    k16 = enc_keys(k64, 16, NULL);
    k32 = enc_keys(k64, 32, NULL);

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

    authgw_keys_free(k16.keys, k16.nkeys);
    authgw_keys_free(k32.keys, k32.nkeys);
}


/* the protected header: IV length, zip, crit, alg and enc */

static void
test_jwe_header_refused(void **state)
{
    char         *jwe;
    test_keys_t   k16;

    (void) state;

    k16 = enc_keys(k64, 16, NULL);

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

    authgw_keys_free(k16.keys, k16.nkeys);
}


/* CBC-HS padding and MAC, and a changed wrapped key */

static void
test_jwe_mac_refused(void **state)
{
    char           *jwe, *t;
    size_t          n;
    test_keys_t     k64s, kw;
    unsigned char   tag[64], block[32];

    (void) state;

    k64s = enc_keys(k64, 64, NULL);
    kw = enc_keys(k64, 16, NULL);

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

    authgw_keys_free(k64s.keys, k64s.nkeys);
    authgw_keys_free(kw.keys, kw.nkeys);
}


/* what the plaintext may be: no control byte, valid UTF-8, bounded */

static void
test_jwe_plaintext_refused(void **state)
{
    char           *jwe, big[AUTHGW_USER_ID_MAX + 2];
    size_t          i;
    test_keys_t     k16;

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
}


/* a JWK's "alg" binds a user-id key to what it decrypts */

static test_keys_t
alg_key(size_t len, const char *alg)
{
    int          n;
    char         text[256], err[256];
    test_keys_t  k;

    n = snprintf(text, sizeof(text), "{\"kty\":\"oct\",\"alg\":\"%s\","
                 "\"k\":\"", alg);
    n += (int) authgw_b64url_encode(text + n, k64, len);
    snprintf(text + n, sizeof(text) - (size_t) n, "\"}");

    k.keys = NULL;
    k.nkeys = 0;
    (void) authgw_enc_key_load_buf((const unsigned char *) text, strlen(text),
                                   NULL, 0, &k.keys, &k.nkeys, err,
                                   sizeof(err));
    return k;
}


static void
test_jwe_key_alg(void **state)
{
    size_t        i;
    char         *jwe;
    test_keys_t   k;

    static const struct {
        size_t       len;
        const char  *key_alg;
        const char  *alg;
        const char  *enc;
        int          ok;
    } cases[] = {
        { 16, "A128KW", "A128KW", "A128GCM", 1 },
        { 16, "A128KW", "A128KW", "A256CBC-HS512", 1 },
        { 16, "A128KW", "dir", "A128GCM", 0 },
        { 16, "dir", "dir", "A128GCM", 1 },
        { 16, "dir", "A128KW", "A128GCM", 0 },
        { 16, "A128GCM", "dir", "A128GCM", 1 },
        { 16, "A128GCM", "A128KW", "A128GCM", 0 },
        { 32, "A256GCM", "dir", "A256GCM", 1 },
        { 32, "A256GCM", "dir", "A128CBC-HS256", 0 },
        { 32, "A128CBC-HS256", "dir", "A128CBC-HS256", 1 },
        { 32, "A256KW", "A256KW", "A192GCM", 1 },
        { 32, "A256KW", "dir", "A256GCM", 0 },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        k = alg_key(cases[i].len, cases[i].key_alg);
        assert_int_equal(k.nkeys, 1);

        jwe = tool_jwe_encrypt(cases[i].alg, cases[i].enc, k64,
                               cases[i].len, NULL, NULL,
                               (const unsigned char *) "42", 2, 0, 0);
        assert_non_null(jwe);

        if ((decrypt(jwe, k, "42") == AUTHGW_OK) != cases[i].ok) {
            fail_msg("a key of alg %s, a JWE of %s and %s: expected %s",
                     cases[i].key_alg, cases[i].alg, cases[i].enc,
                     cases[i].ok ? "decrypted" : "refused");
        }

        free(jwe);
        authgw_keys_free(k.keys, k.nkeys);
    }

    /* an algorithm user ids are never under: the key is not taken */
    k = alg_key(16, "A128GCMKW");
    assert_int_equal(k.nkeys, 0);
    k = alg_key(16, "dir\\u0000x");
    assert_int_equal(k.nkeys, 0);
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


static authgw_status_t
user_id(json_t *payload, const authgw_user_id_rule_t *rule,
    authgw_cache_entry_t *e, const char *expect)
{
    size_t            len;
    unsigned char    *id;
    authgw_status_t   status;

    status = authgw_user_id(payload, rule, e, &alloc, &id, &len);

    if (expect == NULL) {
        assert_null(id);
        assert_int_equal(len, 0);

    } else {
        assert_int_equal(status, AUTHGW_OK);
        assert_int_equal(len, strlen(expect));
        assert_memory_equal(id, expect, len);
    }

    return status;
}


static void
test_user_id_rule(void **state)
{
    char                   *jwe;
    json_t                 *payload, *other, *h;
    test_keys_t             k, k2;
    authgw_cache_t         *c;
    unsigned char           hash[32];
    authgw_cache_entry_t   *e;
    authgw_user_id_rule_t   rule, rule2;

    (void) state;

    k = enc_keys(k64, 32, NULL);
    k2 = enc_keys(k64, 32, NULL);

    jwe = tool_jwe_encrypt("dir", "A256GCM", k64, 32, NULL, NULL,
                           (const unsigned char *) "u-1001", 6, 0, 0);
    payload = json_pack("{s:s, s:{s:s}}", "sub", "a", "ext", "uid", jwe);

    memset(&rule, 0, sizeof(rule));
    rule.claim = (const unsigned char *) "/ext/uid";
    rule.claim_len = 8;
    rule.keys = k.keys;
    rule.nkeys = k.nkeys;

    assert_int_equal(user_id(payload, &rule, NULL, "u-1001"), AUTHGW_OK);

    /* no claim, or null: refused unless optional; any other type: bad */

    other = json_pack("{s:s, s:n}", "sub", "a", "uid", "x");
    rule2 = rule;
    rule2.claim = (const unsigned char *) "uid";
    rule2.claim_len = 3;

    assert_int_equal(user_id(other, &rule2, NULL, NULL), AUTHGW_MISSING_CLAIM);
    rule2.optional = 1;
    assert_int_equal(user_id(other, &rule2, NULL, NULL), AUTHGW_OK);
    json_object_set_new(other, "uid", json_integer(7));
    assert_int_equal(user_id(other, &rule2, NULL, NULL), AUTHGW_BAD_USER_ID);
    json_object_del(other, "uid");
    assert_int_equal(user_id(other, &rule2, NULL, NULL), AUTHGW_OK);
    json_object_set_new(other, "uid", json_string("not a JWE"));
    assert_int_equal(user_id(other, &rule2, NULL, NULL), AUTHGW_BAD_USER_ID);

    /* kept in the token's cache entry, for the rule that decrypted it */

    c = authgw_cache_create(2);
    h = json_object();
    memset(hash, 7, sizeof(hash));
    e = authgw_cache_put(c, hash, h, payload, AUTHGW_HS256, NULL);
    assert_non_null(e);

    assert_int_equal(user_id(payload, &rule, e, "u-1001"), AUTHGW_OK);
    assert_int_equal(e->user_id_len, 6);

    /* the entry answers for the same rule, without decrypting */
    assert_int_equal(user_id(other, &(authgw_user_id_rule_t) {
                                 rule.claim, rule.claim_len, rule.keys,
                                 rule.nkeys, 0 }, e, NULL),
                     AUTHGW_MISSING_CLAIM);
    json_object_set_new(other, "ext", json_pack("{s:s}", "uid", "garbage"));
    assert_int_equal(user_id(other, &rule, e, "u-1001"), AUTHGW_OK);

    /* under other keys or another claim it decrypts again */
    rule2 = rule;
    rule2.keys = k2.keys;
    assert_int_equal(user_id(other, &rule2, e, NULL), AUTHGW_BAD_USER_ID);
    assert_int_equal(user_id(payload, &rule2, e, "u-1001"), AUTHGW_OK);
    assert_ptr_equal(e->user_id_keys, k2.keys);

    authgw_cache_destroy(c);
    json_decref(h);
    json_decref(other);
    json_decref(payload);
    free(jwe);
    authgw_keys_free(k.keys, k.nkeys);
    authgw_keys_free(k2.keys, k2.nkeys);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_jwe_rfc7520),
        cmocka_unit_test(test_jwe_roundtrip),
        cmocka_unit_test(test_jwe_context_reuse),
        cmocka_unit_test(test_jwe_segments_refused),
        cmocka_unit_test(test_jwe_header_refused),
        cmocka_unit_test(test_jwe_mac_refused),
        cmocka_unit_test(test_jwe_plaintext_refused),
        cmocka_unit_test(test_jwe_key_alg),
        cmocka_unit_test(test_jwe_kid),
        cmocka_unit_test(test_user_id_rule),
    };

    return cmocka_run_group_tests_name("jwe", tests, NULL, test_pool_free);
}
