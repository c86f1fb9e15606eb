
/*
 * Key sets: JWKS, a single JWK, a PEM public key (SPKI or PKCS#1), an X.509
 * certificate, or a raw HMAC secret; user-id keys (symmetric, for the JWE);
 * and the set fetched from a provider (JSON, public keys only). One filter
 * decides which JWKs each use takes, one walker reads a JWK or a JWKS.
 * Everything is parsed here, once, into EVP_PKEY objects, HMAC templates
 * and cipher contexts; the request path only uses them.
 */


#ifndef _GNU_SOURCE
#define _GNU_SOURCE             /* memmem() */
#endif

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "authgw.h"


#define AUTHGW_RSA_MIN_BITS  2048


typedef struct {
    authgw_key_t   **keys;
    size_t           nkeys;
    size_t           nalloc;
    char            *err;
    size_t           errlen;
} authgw_key_list_t;


/* what a JWK is read for */
typedef enum {
    AUTHGW_JWK_SIG = 0,         /* verifying signatures */
    AUTHGW_JWK_ENC              /* decrypting the user id: a user-id key */
} authgw_jwk_use_t;


/* what a key file asks of its JWKs */
typedef struct {
    authgw_jwk_use_t      use;
    int                   alg;          /* alg= of the file, or -1 */
    const unsigned char  *kid;          /* kid= of the file, or NULL */
    size_t                kid_len;
} authgw_jwk_want_t;


static int authgw_key_fail(authgw_key_list_t *l, const char *fmt, ...);
static int authgw_key_file(const char *path, int user_id,
    const unsigned char *kid, size_t kid_len, int alg, authgw_key_t ***keys,
    size_t *nkeys, char *err, size_t errlen);
static int authgw_key_add(authgw_key_list_t *l, authgw_key_t *key);
static authgw_key_t *authgw_key_new(authgw_kty_t kty);
static int authgw_key_set_kid(authgw_key_t *key, const unsigned char *kid,
    size_t len);
static int authgw_key_hmac(authgw_key_list_t *l, authgw_key_t *key,
    const unsigned char *secret, size_t len, unsigned algs);
static int authgw_key_from_pkey(authgw_key_list_t *l, authgw_key_t **out,
    EVP_PKEY *pkey);
static int authgw_key_ec_order(authgw_key_t *key, const char *group);
static int authgw_key_prepare(authgw_key_list_t *l, authgw_key_t *key);
static int authgw_key_pem(authgw_key_list_t *l, const unsigned char *buf,
    size_t len, const unsigned char *kid, size_t kid_len, int alg);
static int authgw_key_json(authgw_key_list_t *l, const unsigned char *buf,
    size_t len, const authgw_jwk_want_t *w);
static int authgw_key_jwks(authgw_key_list_t *l, json_t *json,
    const authgw_jwk_want_t *w);
static int authgw_key_jwk(authgw_key_list_t *l, json_t *jwk,
    const authgw_jwk_want_t *w);
static int authgw_jwk_filter(authgw_key_list_t *l, json_t *jwk,
    authgw_jwk_use_t use, int *jalg, json_t **kid);
static authgw_key_t *authgw_key_jwk_sig(authgw_key_list_t *l, json_t *jwk,
    const char *kty, int jalg);
static int authgw_key_jwk_verify(authgw_key_list_t *l, json_t *jwk,
    int jalg, const authgw_jwk_want_t *w, const unsigned char *kid,
    size_t kid_len);
static int authgw_key_jwk_decrypt(authgw_key_list_t *l, json_t *jwk,
    const unsigned char *kid, size_t kid_len);
static const char *authgw_key_encoded(const unsigned char *buf, size_t len);
static const char *authgw_key_der(const unsigned char *buf, size_t len);
static int authgw_key_text(const unsigned char *buf, size_t len);
static size_t authgw_key_space(const unsigned char *buf, size_t len,
    size_t i);
static int authgw_key_is_json(const unsigned char *buf, size_t len);
static json_t *authgw_key_loadb(const unsigned char *buf, size_t len,
    size_t flags, json_error_t *error);
static const char *authgw_key_b64_der(const unsigned char *buf, size_t len);
static int authgw_key_jwk_b64(authgw_key_list_t *l, json_t *jwk,
    const char *name, unsigned char **out, size_t *len);
static EVP_PKEY *authgw_key_jwk_rsa(authgw_key_list_t *l, json_t *jwk);
static EVP_PKEY *authgw_key_jwk_ec(authgw_key_list_t *l, json_t *jwk,
    size_t *field);
static EVP_PKEY *authgw_key_jwk_okp(authgw_key_list_t *l, json_t *jwk);
static int authgw_enc_key_size_ok(size_t len);
static int authgw_enc_key_add(authgw_key_list_t *l,
    const unsigned char *secret, size_t len, const unsigned char *kid,
    size_t kid_len, unsigned use);


static int
authgw_key_fail(authgw_key_list_t *l, const char *fmt, ...)
{
    va_list  args;

    va_start(args, fmt);
    vsnprintf(l->err, l->errlen, fmt, args);
    va_end(args);

    ERR_clear_error();

    return -1;
}


static int
authgw_key_add(authgw_key_list_t *l, authgw_key_t *key)
{
    char            text[96];
    authgw_key_t  **keys;

    if (key->pkey != NULL && authgw_key_prepare(l, key) != 0) {
        authgw_key_free(key);
        return -1;
    }

    if (key->kid != NULL
        && authgw_key_find(l->keys, l->nkeys, key->kid, key->kid_len) != NULL)
    {
        authgw_escape(text, sizeof(text), (const char *) key->kid,
                      key->kid_len);
        (void) authgw_key_fail(l, "duplicate kid \"%s\"", text);
        authgw_key_free(key);
        return -1;
    }

    if (l->nkeys == l->nalloc) {
        l->nalloc = l->nalloc ? l->nalloc * 2 : 4;

        keys = realloc(l->keys, l->nalloc * sizeof(authgw_key_t *));
        if (keys == NULL) {
            authgw_key_free(key);
            return authgw_key_fail(l, "out of memory");
        }

        l->keys = keys;
    }

    l->keys[l->nkeys++] = key;

    return 0;
}


static authgw_key_t *
authgw_key_new(authgw_kty_t kty)
{
    authgw_key_t  *key;

    key = calloc(1, sizeof(authgw_key_t));
    if (key == NULL) {
        return NULL;
    }

    key->kty = kty;

    return key;
}


static int
authgw_key_set_kid(authgw_key_t *key, const unsigned char *kid, size_t len)
{
    free(key->kid);

    key->kid = malloc(len + 1);
    if (key->kid == NULL) {
        return -1;
    }

    memcpy(key->kid, kid, len);
    key->kid[len] = '\0';
    key->kid_len = len;

    return 0;
}


/* the key of that kid (exact length and bytes), or NULL */

authgw_key_t *
authgw_key_find(authgw_key_t *const *keys, size_t nkeys,
    const unsigned char *kid, size_t kid_len)
{
    size_t  i;

    for (i = 0; i < nkeys; i++) {
        if (keys[i]->kid != NULL && keys[i]->kid_len == kid_len
            && memcmp(keys[i]->kid, kid, kid_len) == 0)
        {
            return keys[i];
        }
    }

    return NULL;
}


void
authgw_key_free(authgw_key_t *key)
{
    int  i;

    if (key == NULL) {
        return;
    }

    for (i = 0; i < 3; i++) {
        EVP_MAC_CTX_free(key->hmac[i]);
    }

    for (i = 0; i < AUTHGW_ALG_COUNT; i++) {
        EVP_PKEY_CTX_free(key->verify[i]);
    }

    for (i = 0; i < 3; i++) {
        EVP_MD_free(key->md[i]);
    }

    EVP_MD_CTX_free(key->mctx);
    authgw_jwe_key_free(key->jwe);

    if (key->secret != NULL) {
        OPENSSL_clear_free(key->secret, key->size);
    }

    EVP_PKEY_free(key->pkey);
    free(key->kid);
    free(key);
}


void
authgw_keys_free(authgw_key_t **keys, size_t nkeys)
{
    size_t  i;

    for (i = 0; i < nkeys; i++) {
        authgw_key_free(keys[i]);
    }

    free(keys);
}


/* HMAC: one initialised template per allowed hash, duplicated per request */

static int
authgw_key_hmac(authgw_key_list_t *l, authgw_key_t *key,
    const unsigned char *secret, size_t len, unsigned algs)
{
    int          i;
    EVP_MAC     *mac;
    OSSL_PARAM   params[2];

    for (i = 0; i < 3; i++) {
        if (len < AUTHGW_SHA2_LEN(i)) {
            algs &= ~AUTHGW_ALG_BIT(AUTHGW_HS256 + i);
        }
    }

    if (algs == 0) {
        return authgw_key_fail(l, "HMAC secret of %zu bytes is shorter than "
                               "the hash output of its algorithm", len);
    }

    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) {
        return authgw_key_fail(l, "EVP_MAC_fetch(HMAC) failed");
    }

    for (i = 0; i < 3; i++) {
        if (!(algs & AUTHGW_ALG_BIT(AUTHGW_HS256 + i))) {
            continue;
        }

        key->hmac[i] = EVP_MAC_CTX_new(mac);
        if (key->hmac[i] == NULL) {
            EVP_MAC_free(mac);
            return authgw_key_fail(l, "EVP_MAC_CTX_new() failed");
        }

        params[0] = OSSL_PARAM_construct_utf8_string(
                        OSSL_MAC_PARAM_DIGEST,
                        (char *) authgw_sha2_names[i], 0);
        params[1] = OSSL_PARAM_construct_end();

        if (EVP_MAC_init(key->hmac[i], secret, len, params) != 1) {
            EVP_MAC_free(mac);
            return authgw_key_fail(l, "EVP_MAC_init() failed");
        }
    }

    EVP_MAC_free(mac);

    key->algs = algs;
    key->size = len;

    return 0;
}


/*
 * One verification context per algorithm the key allows, with padding and
 * digest set once: the request path hashes and calls EVP_PKEY_verify().
 * EdDSA signs the message itself, not a digest, and is left out.
 */

static int
authgw_key_prepare(authgw_key_list_t *l, authgw_key_t *key)
{
    int             a, h, ok;
    EVP_PKEY_CTX   *ctx;

    for (a = AUTHGW_RS256; a <= AUTHGW_ES512; a++) {
        if (!(key->algs & AUTHGW_ALG_BIT(a))) {
            continue;
        }

        h = AUTHGW_ALG_HASH(a);

        if (key->mctx == NULL) {
            key->mctx = EVP_MD_CTX_new();
        }

        if (key->md[h] == NULL) {
            key->md[h] = EVP_MD_fetch(NULL, authgw_sha2_names[h], NULL);
        }

        ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);

        ok = key->mctx != NULL && key->md[h] != NULL && ctx != NULL
             && EVP_PKEY_verify_init(ctx) == 1
             && EVP_PKEY_CTX_set_signature_md(ctx, key->md[h]) == 1;

        if (ok && a <= AUTHGW_RS512) {
            ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;

        } else if (ok && a <= AUTHGW_PS512) {
            ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) == 1
                 && EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx,
                                                     RSA_PSS_SALTLEN_DIGEST)
                    == 1
                 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, key->md[h]) == 1;
        }

        if (!ok) {
            EVP_PKEY_CTX_free(ctx);
            return authgw_key_fail(l, "cannot prepare %s verification",
                                   authgw_alg_name(a));
        }

        key->verify[a] = ctx;
    }

    return 0;
}


static int
authgw_key_ec_order(authgw_key_t *key, const char *group)
{
    int             nid, rc;
    EC_GROUP       *g;
    const BIGNUM   *order;

    nid = OBJ_txt2nid(group);
    if (nid == NID_undef) {
        return -1;
    }

    g = EC_GROUP_new_by_curve_name(nid);
    if (g == NULL) {
        return -1;
    }

    order = EC_GROUP_get0_order(g);
    rc = BN_bn2binpad(order, key->order, (int) key->size);

    EC_GROUP_free(g);

    return rc == (int) key->size ? 0 : -1;
}


/* binds a parsed public key to its algorithms; takes ownership of pkey */

static int
authgw_key_from_pkey(authgw_key_list_t *l, authgw_key_t **out,
    EVP_PKEY *pkey)
{
    int            bits;
    char           group[64];
    size_t         glen;
    authgw_key_t  *key;

    if (EVP_PKEY_is_a(pkey, "RSA")) {
        bits = EVP_PKEY_get_bits(pkey);

        if (bits < AUTHGW_RSA_MIN_BITS) {
            EVP_PKEY_free(pkey);
            return authgw_key_fail(l, "RSA key of %d bits, at least %d "
                                   "required", bits, AUTHGW_RSA_MIN_BITS);
        }

        key = authgw_key_new(AUTHGW_KTY_RSA);
        if (key == NULL) {
            EVP_PKEY_free(pkey);
            return authgw_key_fail(l, "out of memory");
        }

        key->algs = AUTHGW_ALGS_RSA;
        key->size = (size_t) EVP_PKEY_get_size(pkey);

    } else if (EVP_PKEY_is_a(pkey, "EC")) {
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                           group, sizeof(group), &glen)
            != 1)
        {
            EVP_PKEY_free(pkey);
            return authgw_key_fail(l, "EC key without a named curve");
        }

        key = authgw_key_new(AUTHGW_KTY_EC);
        if (key == NULL) {
            EVP_PKEY_free(pkey);
            return authgw_key_fail(l, "out of memory");
        }

        if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0) {
            key->algs = AUTHGW_ALG_BIT(AUTHGW_ES256);
            key->size = 32;

        } else if (strcmp(group, "secp384r1") == 0
                   || strcmp(group, "P-384") == 0)
        {
            key->algs = AUTHGW_ALG_BIT(AUTHGW_ES384);
            key->size = 48;

        } else if (strcmp(group, "secp521r1") == 0
                   || strcmp(group, "P-521") == 0)
        {
            key->algs = AUTHGW_ALG_BIT(AUTHGW_ES512);
            key->size = 66;

        } else {
            authgw_key_free(key);
            EVP_PKEY_free(pkey);
            return authgw_key_fail(l, "EC curve \"%s\" is not supported",
                                   group);
        }

        if (authgw_key_ec_order(key, group) != 0) {
            authgw_key_free(key);
            EVP_PKEY_free(pkey);
            return authgw_key_fail(l, "cannot read the order of \"%s\"",
                                   group);
        }

    } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
        key = authgw_key_new(AUTHGW_KTY_OKP);
        if (key == NULL) {
            EVP_PKEY_free(pkey);
            return authgw_key_fail(l, "out of memory");
        }

        key->algs = AUTHGW_ALG_BIT(AUTHGW_EDDSA);
        key->size = 32;

    } else {
        EVP_PKEY_free(pkey);
        return authgw_key_fail(l, "key type \"%s\" is not supported",
                               EVP_PKEY_get0_type_name(pkey));
    }

    key->pkey = pkey;
    *out = key;

    return 0;
}


static int
authgw_key_pem(authgw_key_list_t *l, const unsigned char *buf, size_t len,
    const unsigned char *kid, size_t kid_len, int alg)
{
    BIO                *bio;
    X509               *x509;
    EVP_PKEY           *pkey;
    authgw_key_t       *key;
    OSSL_DECODER_CTX   *dctx;

    if (memmem(buf, len, "PRIVATE KEY-----", 16) != NULL) {
        return authgw_key_fail(l, "is a private key; give the public key");
    }

    pkey = NULL;

    if (memmem(buf, len, "-----BEGIN CERTIFICATE-----", 27) != NULL) {
        bio = BIO_new_mem_buf(buf, (int) len);
        if (bio == NULL) {
            return authgw_key_fail(l, "out of memory");
        }

        x509 = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        BIO_free(bio);

        if (x509 == NULL) {
            return authgw_key_fail(l, "cannot parse the X.509 certificate");
        }

        pkey = X509_get_pubkey(x509);
        X509_free(x509);

        if (pkey == NULL) {
            return authgw_key_fail(l, "cannot read the certificate's key");
        }

    } else {
        dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "PEM", NULL, NULL,
                                             OSSL_KEYMGMT_SELECT_PUBLIC_KEY,
                                             NULL, NULL);
        if (dctx == NULL) {
            return authgw_key_fail(l, "OSSL_DECODER_CTX_new_for_pkey() "
                                   "failed");
        }

        if (OSSL_DECODER_from_data(dctx, &buf, &len) != 1 || pkey == NULL) {
            OSSL_DECODER_CTX_free(dctx);
            EVP_PKEY_free(pkey);
            return authgw_key_fail(l, "not a PEM public key");
        }

        OSSL_DECODER_CTX_free(dctx);
    }

    if (authgw_key_from_pkey(l, &key, pkey) != 0) {
        return -1;
    }

    if (alg >= 0) {
        if (!(key->algs & AUTHGW_ALG_BIT(alg))) {
            authgw_key_free(key);
            return authgw_key_fail(l, "alg=%s does not fit the key type",
                                   authgw_alg_name(alg));
        }

        key->algs = AUTHGW_ALG_BIT(alg);
    }

    if (kid != NULL && authgw_key_set_kid(key, kid, kid_len) != 0) {
        authgw_key_free(key);
        return authgw_key_fail(l, "out of memory");
    }

    return authgw_key_add(l, key);
}


static int
authgw_key_jwk_b64(authgw_key_list_t *l, json_t *jwk, const char *name,
    unsigned char **out, size_t *len)
{
    json_t      *v;
    const char  *s;
    size_t       slen;

    v = json_object_get(jwk, name);
    if (!json_is_string(v) || json_string_length(v) == 0) {
        return authgw_key_fail(l, "member \"%s\" missing or not a string",
                               name);
    }

    s = json_string_value(v);
    slen = json_string_length(v);

    *out = malloc(authgw_b64url_decoded_len(slen) + 1);
    if (*out == NULL) {
        return authgw_key_fail(l, "out of memory");
    }

    if (authgw_b64url_decode(*out, len, (const unsigned char *) s, slen)
        != 0)
    {
        free(*out);
        *out = NULL;
        return authgw_key_fail(l, "member \"%s\" is not base64url", name);
    }

    return 0;
}


static EVP_PKEY *
authgw_key_jwk_rsa(authgw_key_list_t *l, json_t *jwk)
{
    size_t           nlen, elen;
    BIGNUM          *n, *e;
    EVP_PKEY        *pkey;
    OSSL_PARAM      *params;
    EVP_PKEY_CTX    *pctx;
    unsigned char   *nb, *eb;
    OSSL_PARAM_BLD  *bld;

    nb = NULL;
    eb = NULL;
    n = NULL;
    e = NULL;
    bld = NULL;
    params = NULL;
    pctx = NULL;
    pkey = NULL;

    if (authgw_key_jwk_b64(l, jwk, "n", &nb, &nlen) != 0
        || authgw_key_jwk_b64(l, jwk, "e", &eb, &elen) != 0)
    {
        goto done;
    }

    n = BN_bin2bn(nb, (int) nlen, NULL);
    e = BN_bin2bn(eb, (int) elen, NULL);
    bld = OSSL_PARAM_BLD_new();

    if (n == NULL || e == NULL || bld == NULL
        || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1
        || OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1
        || (params = OSSL_PARAM_BLD_to_param(bld)) == NULL
        || (pctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL
        || EVP_PKEY_fromdata_init(pctx) != 1
        || EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    {
        EVP_PKEY_free(pkey);
        pkey = NULL;
        authgw_key_fail(l, "invalid RSA key");
    }

done:

    EVP_PKEY_CTX_free(pctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    free(nb);
    free(eb);

    return pkey;
}


static EVP_PKEY *
authgw_key_jwk_ec(authgw_key_list_t *l, json_t *jwk, size_t *field)
{
    char            text[64];
    size_t          xlen, ylen, fl;
    json_t         *crv;
    EVP_PKEY       *pkey;
    const char     *cs, *group;
    OSSL_PARAM      params[3];
    EVP_PKEY_CTX   *pctx;
    unsigned char  *x, *y, point[1 + 2 * 66];

    crv = json_object_get(jwk, "crv");
    cs = json_is_string(crv) ? json_string_value(crv) : "";

    if (strcmp(cs, "P-256") == 0) {
        group = "prime256v1";
        fl = 32;

    } else if (strcmp(cs, "P-384") == 0) {
        group = "secp384r1";
        fl = 48;

    } else if (strcmp(cs, "P-521") == 0) {
        group = "secp521r1";
        fl = 66;

    } else {
        authgw_escape(text, sizeof(text), cs, strlen(cs));
        authgw_key_fail(l, "EC curve \"%s\" is not supported", text);
        return NULL;
    }

    x = NULL;
    y = NULL;
    pkey = NULL;
    pctx = NULL;

    if (authgw_key_jwk_b64(l, jwk, "x", &x, &xlen) != 0
        || authgw_key_jwk_b64(l, jwk, "y", &y, &ylen) != 0)
    {
        goto done;
    }

    if (xlen != fl || ylen != fl) {
        authgw_key_fail(l, "EC coordinates must be %zu bytes", fl);
        goto done;
    }

    point[0] = 0x04;
    memcpy(point + 1, x, fl);
    memcpy(point + 1 + fl, y, fl);

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                 (char *) group, 0);
    params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                                  point, 1 + 2 * fl);
    params[2] = OSSL_PARAM_construct_end();

    pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);

    if (pctx == NULL
        || EVP_PKEY_fromdata_init(pctx) != 1
        || EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
    {
        EVP_PKEY_free(pkey);
        pkey = NULL;
        authgw_key_fail(l, "EC point is not on the curve");
        goto done;
    }

    EVP_PKEY_CTX_free(pctx);

    /* the point must be on the curve: fromdata alone does not check it */

    pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);

    if (pctx == NULL || EVP_PKEY_public_check(pctx) != 1) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
        authgw_key_fail(l, "EC point is not on the curve");
        goto done;
    }

    *field = fl;

done:

    EVP_PKEY_CTX_free(pctx);
    free(x);
    free(y);

    return pkey;
}


static EVP_PKEY *
authgw_key_jwk_okp(authgw_key_list_t *l, json_t *jwk)
{
    char            text[64];
    size_t          xlen;
    json_t         *crv;
    EVP_PKEY       *pkey;
    unsigned char  *x;

    crv = json_object_get(jwk, "crv");

    if (!json_is_string(crv)
        || strcmp(json_string_value(crv), "Ed25519") != 0)
    {
        authgw_escape(text, sizeof(text),
                      json_is_string(crv) ? json_string_value(crv) : "",
                      json_is_string(crv) ? json_string_length(crv) : 0);
        authgw_key_fail(l, "OKP curve \"%s\" is not supported", text);
        return NULL;
    }

    if (authgw_key_jwk_b64(l, jwk, "x", &x, &xlen) != 0) {
        return NULL;
    }

    if (xlen != 32) {
        free(x);
        authgw_key_fail(l, "Ed25519 key must be 32 bytes");
        return NULL;
    }

    pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, x, xlen);
    free(x);

    if (pkey == NULL) {
        authgw_key_fail(l, "invalid Ed25519 key");
    }

    return pkey;
}


/*
 * Whether a JWK is meant for this use, by what it says of itself: "use"
 * ("sig", or "enc"), "key_ops" ("verify", or "decrypt" or "unwrapKey")
 * and "alg" (a JWS algorithm, or for a user-id key anything else, which
 * authgw_key_jwk_decrypt binds the key to or skips).
 * 1: it is, with *jalg its JWS algorithm or -1 and *kid its kid or NULL;
 * 0: it is not, and a JWKS skips it; -1: a member is malformed.
 */

static int
authgw_jwk_filter(authgw_key_list_t *l, json_t *jwk, authgw_jwk_use_t use,
    int *jalg, json_t **kid)
{
    size_t       i;
    json_t      *v, *op;
    const char  *s;

    static const char  *uses[] = { "sig", "enc" };
    static const char  *ops[][2] = { { "verify", "verify" },
                                     { "decrypt", "unwrapKey" } };

    if (!json_is_object(jwk)) {
        return authgw_key_fail(l, "a JWK is not a JSON object");
    }

    v = json_object_get(jwk, "use");
    if (v != NULL) {
        if (!json_is_string(v)) {
            return authgw_key_fail(l, "JWK \"use\" is not a string");
        }

        if (strcmp(json_string_value(v), uses[use]) != 0) {
            return 0;
        }
    }

    v = json_object_get(jwk, "key_ops");
    if (v != NULL) {
        if (!json_is_array(v)) {
            return authgw_key_fail(l, "JWK \"key_ops\" is not an array");
        }

        json_array_foreach(v, i, op) {
            s = json_string_value(op);

            if (s != NULL
                && (strcmp(s, ops[use][0]) == 0
                    || strcmp(s, ops[use][1]) == 0))
            {
                break;
            }
        }

        if (i == json_array_size(v)) {
            return 0;
        }
    }

    *jalg = -1;

    v = json_object_get(jwk, "alg");
    if (v != NULL) {
        if (!json_is_string(v)) {
            return authgw_key_fail(l, "JWK \"alg\" is not a string");
        }

        *jalg = authgw_alg_from_name(json_string_value(v),
                                     json_string_length(v));

        /* an encryption algorithm, or a signature one, or an unknown one */

        if ((use == AUTHGW_JWK_SIG) != (*jalg >= 0)) {
            return 0;
        }
    }

    *kid = json_object_get(jwk, "kid");
    if (*kid != NULL
        && (!json_is_string(*kid) || json_string_length(*kid) == 0
            || json_string_length(*kid) > AUTHGW_KID_MAX))
    {
        return authgw_key_fail(l, "JWK \"kid\" is not a non-empty string");
    }

    if (!json_is_string(json_object_get(jwk, "kty"))) {
        return authgw_key_fail(l, "JWK \"kty\" missing or not a string");
    }

    return 1;
}


/* a signature key of any kty, for the algorithms it fits; NULL: an error */

static authgw_key_t *
authgw_key_jwk_sig(authgw_key_list_t *l, json_t *jwk, const char *kty,
    int jalg)
{
    char            text[64];
    size_t          slen, field;
    EVP_PKEY       *pkey;
    authgw_key_t   *key;
    unsigned char  *secret;

    if (strcmp(kty, "oct") == 0) {
        if (authgw_key_jwk_b64(l, jwk, "k", &secret, &slen) != 0) {
            return NULL;
        }

        key = authgw_key_new(AUTHGW_KTY_OCT);

        if (key == NULL) {
            (void) authgw_key_fail(l, "out of memory");

        } else if (authgw_key_hmac(l, key, secret, slen,
                                   jalg >= 0 ? AUTHGW_ALG_BIT(jalg)
                                               & AUTHGW_ALGS_HS
                                             : AUTHGW_ALGS_HS)
                   != 0)
        {
            authgw_key_free(key);
            key = NULL;
        }

        OPENSSL_clear_free(secret, slen);

        return key;
    }

    field = 0;

    if (strcmp(kty, "RSA") == 0) {
        pkey = authgw_key_jwk_rsa(l, jwk);

    } else if (strcmp(kty, "EC") == 0) {
        pkey = authgw_key_jwk_ec(l, jwk, &field);

    } else if (strcmp(kty, "OKP") == 0) {
        pkey = authgw_key_jwk_okp(l, jwk);

    } else {
        authgw_escape(text, sizeof(text), kty, strlen(kty));
        (void) authgw_key_fail(l, "JWK kty \"%s\" is not supported", text);
        return NULL;
    }

    if (pkey == NULL || authgw_key_from_pkey(l, &key, pkey) != 0) {
        return NULL;
    }

    return key;
}


/* a signature key, bound to its "alg" and to the file's alg= */

static int
authgw_key_jwk_verify(authgw_key_list_t *l, json_t *jwk, int jalg,
    const authgw_jwk_want_t *w, const unsigned char *kid, size_t kid_len)
{
    const char    *kty;
    authgw_key_t  *key;

    kty = json_string_value(json_object_get(jwk, "kty"));

    key = authgw_key_jwk_sig(l, jwk, kty, jalg);
    if (key == NULL) {
        return -1;
    }

    if (jalg >= 0) {
        if (!(key->algs & AUTHGW_ALG_BIT(jalg))) {
            authgw_key_free(key);
            return authgw_key_fail(l, "JWK alg \"%s\" does not fit kty "
                                   "\"%s\"", authgw_alg_name(jalg), kty);
        }

        key->algs = AUTHGW_ALG_BIT(jalg);
    }

    if (w->alg >= 0) {
        if (!(key->algs & AUTHGW_ALG_BIT(w->alg))) {
            authgw_key_free(key);
            return 0;
        }

        key->algs = AUTHGW_ALG_BIT(w->alg);
    }

    if (kid != NULL && authgw_key_set_kid(key, kid, kid_len) != 0) {
        authgw_key_free(key);
        return authgw_key_fail(l, "out of memory");
    }

    return authgw_key_add(l, key) == 0 ? 1 : -1;
}


/* a user-id key: kty "oct" only */

static int
authgw_key_jwk_decrypt(authgw_key_list_t *l, json_t *jwk,
    const unsigned char *kid, size_t kid_len)
{
    int             rc;
    size_t          slen;
    json_t         *alg;
    unsigned        use;
    unsigned char  *secret;

    if (strcmp(json_string_value(json_object_get(jwk, "kty")), "oct") != 0) {
        return 0;
    }

    /* its "alg" binds it; one user ids are never encrypted with skips it */

    use = AUTHGW_JWE_USE_ANY;
    alg = json_object_get(jwk, "alg");

    if (alg != NULL
        && authgw_jwe_use(json_string_value(alg), json_string_length(alg),
                          &use)
           != 0)
    {
        return 0;
    }

    if (authgw_key_jwk_b64(l, jwk, "k", &secret, &slen) != 0) {
        return -1;
    }

    rc = authgw_enc_key_add(l, secret, slen, kid, kid_len, use);

    OPENSSL_clear_free(secret, slen);

    return rc == 0 ? 1 : -1;
}


/*
 * One JWK of a file, for the use the file is read for. The file's kid=
 * replaces the JWK's own. 1: a key added, 0: the JWK is not for this use
 * (a JWKS skips it), -1: an error.
 */

static int
authgw_key_jwk(authgw_key_list_t *l, json_t *jwk, const authgw_jwk_want_t *w)
{
    int                   rc, jalg;
    size_t                kid_len;
    json_t               *kid;
    const unsigned char  *kp;

    kid = NULL;
    jalg = -1;

    rc = authgw_jwk_filter(l, jwk, w->use, &jalg, &kid);
    if (rc != 1) {
        return rc;
    }

    kp = w->kid;
    kid_len = w->kid_len;

    if (kp == NULL && kid != NULL) {
        kp = (const unsigned char *) json_string_value(kid);
        kid_len = json_string_length(kid);
    }

    if (w->use == AUTHGW_JWK_ENC) {
        return authgw_key_jwk_decrypt(l, jwk, kp, kid_len);
    }

    return authgw_key_jwk_verify(l, jwk, jalg, w, kp, kid_len);
}


/*
 * One JWK as it is, for one alg (a DPoP proof's key): never a set, a
 * "keys" member is not read, so that the key is the one whose members a
 * thumbprint covers. 0 with *key; -1 with err.
 */

int
authgw_key_load_jwk(json_t *jwk, int alg, authgw_key_t **key, char *err,
    size_t errlen)
{
    int                 rc;
    authgw_key_list_t   l;
    authgw_jwk_want_t   w;

    memset(&l, 0, sizeof(l));
    l.err = err;
    l.errlen = errlen;
    err[0] = '\0';

    ERR_clear_error();

    w.use = AUTHGW_JWK_SIG;
    w.alg = alg;
    w.kid = NULL;
    w.kid_len = 0;

    rc = json_is_object(jwk) ? authgw_key_jwk(&l, jwk, &w)
                             : authgw_key_fail(&l, "not a JWK object");

    if (rc < 0 || l.nkeys != 1) {
        authgw_keys_free(l.keys, l.nkeys);
        return -1;
    }

    *key = l.keys[0];
    free(l.keys);

    return 0;
}


/*
 * A single JWK, or a JWKS and each of its keys, for one use: a JWKS skips
 * the keys that are not for it, and must hold at least one that is.
 */

static int
authgw_key_jwks(authgw_key_list_t *l, json_t *json, const authgw_jwk_want_t *w)
{
    int      rc;
    char     reason[256], where[96];
    size_t   i, skipped;
    json_t  *set, *jwk, *uri;

    static const char  *single[] = {
        "the JWK is not a signature verification key (use, key_ops or alg)",
        "the JWK is not a user-id key (kty \"oct\", use \"enc\")"
    };

    static const char  *none[] = {
        "usable signature key (use, key_ops or alg)",
        "user-id key (kty \"oct\", use \"enc\")"
    };

    if (!json_is_object(json)) {
        return authgw_key_fail(l, "not a JWK or JWKS object");
    }

    set = json_object_get(json, "keys");
    uri = json_object_get(json, "jwks_uri");

    if (set == NULL && json_is_string(uri)
        && json_object_get(json, "kty") == NULL)
    {
        authgw_escape(where, sizeof(where), json_string_value(uri),
                      json_string_length(uri));

        return authgw_key_fail(l, "an OpenID Connect discovery document or "
                               "OAuth server metadata, not a JWK Set: the "
                               "keys are at its jwks_uri \"%s\"", where);
    }

    if (set == NULL) {
        rc = authgw_key_jwk(l, json, w);

        if (rc == 0) {
            return authgw_key_fail(l, "%s", single[w->use]);
        }

        return rc == 1 ? 0 : -1;
    }

    if (w->kid != NULL) {
        return authgw_key_fail(l, "kid= cannot be used with a JWKS");
    }

    if (!json_is_array(set)) {
        return authgw_key_fail(l, "JWKS \"keys\" is not an array");
    }

    skipped = 0;

    json_array_foreach(set, i, jwk) {
        rc = authgw_key_jwk(l, jwk, w);

        if (rc < 0) {
            snprintf(reason, sizeof(reason), "%s", l->err);
            return authgw_key_fail(l, "JWKS key #%zu: %s", i + 1, reason);
        }

        skipped += (rc == 0);
    }

    if (l->nkeys == 0) {
        return authgw_key_fail(l, "JWKS has no %s: %zu skipped",
                               none[w->use], skipped);
    }

    return 0;
}


static int
authgw_key_json(authgw_key_list_t *l, const unsigned char *buf, size_t len,
    const authgw_jwk_want_t *w)
{
    int            rc;
    char           text[128];
    json_t        *json;
    json_error_t   error;

    json = authgw_key_loadb(buf, len, JSON_REJECT_DUPLICATES, &error);
    if (json == NULL) {

        /* jansson quotes the text it stopped at: the answer's own bytes */

        authgw_escape(text, sizeof(text), error.text, strlen(error.text));

        return authgw_key_fail(l, "invalid JSON at line %d: %s",
                               error.line, text);
    }

    rc = authgw_key_jwks(l, json, w);

    json_decref(json);

    return rc;
}


/*
 * What a file given as a raw HMAC secret holds when it is a key or a
 * certificate in any encoding, or NULL. alg=HS256 on a public key's file
 * would make its text, which anyone may have, the secret that verifies
 * tokens. A binary secret that happens to begin with "{" is still taken:
 * a JWK is text.
 */

static const char *
authgw_key_encoded(const unsigned char *buf, size_t len)
{
    int      object;
    size_t   i;
    json_t  *json;

    if (memmem(buf, len, "-----BEGIN ", 11) != NULL) {
        return "a PEM block";
    }

    if (memmem(buf, len, "---- BEGIN SSH2 ", 16) != NULL) {
        return "an SSH public key (RFC 4716)";
    }

    /* a UTF-8 byte order mark, then whitespace, before the text */

    i = (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) ? 3 : 0;

    json = authgw_key_loadb(buf + i, len - i, 0, NULL);
    if (json != NULL) {
        object = json_is_object(json);
        json_decref(json);

        if (object) {
            return "a JWK or JWKS";
        }
    }

    i = authgw_key_space(buf, len, i);

    if (!authgw_key_text(buf + i, len - i)) {
        return authgw_key_der(buf, len);
    }

    if (i < len && buf[i] == '{') {
        return "JSON text (a JWK or JWKS)";
    }

    /* OpenSSH: "ssh-ed25519 AAAA... comment", "ecdsa-sha2-nistp256 ..." */

    if ((len - i > 4 && memcmp(buf + i, "ssh-", 4) == 0)
        || (len - i > 11 && memcmp(buf + i, "ecdsa-sha2-", 11) == 0)
        || (len - i > 3 && memcmp(buf + i, "sk-", 3) == 0))
    {
        return "an SSH public key";
    }

    return authgw_key_b64_der(buf + i, len - i);
}


/*
 * Text that is only base64 (a PEM body without its armour): what it
 * decodes to, if that is DER that OpenSSL parses whole.
 */

static const char *
authgw_key_b64_der(const unsigned char *buf, size_t len)
{
    int                out, fin;
    size_t             i;
    const char        *what;
    unsigned char     *der;
    EVP_ENCODE_CTX    *ctx;

    for (i = 0; i < len; i++) {
        if (!isalnum(buf[i]) && buf[i] != '+' && buf[i] != '/'
            && buf[i] != '=' && buf[i] != '\r' && buf[i] != '\n'
            && buf[i] != ' ' && buf[i] != '\t')
        {
            return NULL;
        }
    }

    if (len < 16 || len > INT_MAX) {
        return NULL;
    }

    der = malloc(len);
    ctx = EVP_ENCODE_CTX_new();
    what = NULL;

    if (der != NULL && ctx != NULL) {
        EVP_DecodeInit(ctx);

        if (EVP_DecodeUpdate(ctx, der, &out, buf, (int) len) >= 0
            && EVP_DecodeFinal(ctx, der + out, &fin) == 1
            && authgw_key_der(der, (size_t) out + fin) != NULL)
        {
            what = "base64 of a DER key or certificate";
        }
    }

    EVP_ENCODE_CTX_free(ctx);
    free(der);
    ERR_clear_error();

    return what;
}


/* DER that OpenSSL parses, spanning the whole buffer, or NULL */

static const char *
authgw_key_der(const unsigned char *buf, size_t len)
{
    int                    whole;
    long                   n;
    X509                  *x509;
    EVP_PKEY              *pkey;
    const char            *what;
    const unsigned char   *p;
    STACK_OF(ASN1_TYPE)   *seq;

    if (len > LONG_MAX) {
        return NULL;
    }

    n = (long) len;
    what = NULL;

    p = buf;
    x509 = d2i_X509(NULL, &p, n);
    whole = (x509 != NULL && p == buf + len);
    X509_free(x509);

    if (whole) {
        what = "a DER certificate";
        goto done;
    }

    p = buf;
    pkey = d2i_PUBKEY(NULL, &p, n);
    whole = (pkey != NULL && p == buf + len);
    EVP_PKEY_free(pkey);

    if (whole) {
        what = "a DER public key";
        goto done;
    }

    p = buf;
    pkey = d2i_AutoPrivateKey(NULL, &p, n);
    whole = (pkey != NULL && p == buf + len);
    EVP_PKEY_free(pkey);

    if (whole) {
        what = "a DER private key";
        goto done;
    }

    /* any other DER structure: PKCS#1, a request, a CRL, parameters */

    p = buf;
    seq = d2i_ASN1_SEQUENCE_ANY(NULL, &p, n);
    whole = (seq != NULL && p == buf + len);
    sk_ASN1_TYPE_pop_free(seq, ASN1_TYPE_free);

    if (whole) {
        what = "a DER structure";
    }

done:

    ERR_clear_error();

    return what;
}


/* jansson's json_loadb(), which would end a number at a NUL byte: none */

static json_t *
authgw_key_loadb(const unsigned char *buf, size_t len, size_t flags,
    json_error_t *error)
{
    const unsigned char  *nul, *p;

    nul = memchr(buf, '\0', len);

    if (nul != NULL) {
        if (error != NULL) {
            error->line = 1;

            for (p = buf; p < nul; p++) {
                error->line += (*p == '\n');
            }

            snprintf(error->text, sizeof(error->text), "a NUL byte");
        }

        return NULL;
    }

    return json_loadb((const char *) buf, len, flags, error);
}


/* the first byte from i on that is not JSON white space (RFC 8259) */

static size_t
authgw_key_space(const unsigned char *buf, size_t len, size_t i)
{
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r'
                       || buf[i] == '\n'))
    {
        i++;
    }

    return i;
}


/* 1: a file read as a JWK or JWKS: a "{" after JSON white space */

static int
authgw_key_is_json(const unsigned char *buf, size_t len)
{
    size_t  i;

    i = authgw_key_space(buf, len, 0);

    return i < len && buf[i] == '{';
}


/* 1: printable ASCII and white space only, as a JWK's text is */

static int
authgw_key_text(const unsigned char *buf, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if ((buf[i] < 0x20 || buf[i] > 0x7e)
            && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
        {
            return 0;
        }
    }

    return 1;
}


int
authgw_key_load_buf(const unsigned char *buf, size_t len,
    const unsigned char *kid, size_t kid_len, int alg, authgw_key_t ***keys,
    size_t *nkeys, char *err, size_t errlen)
{
    int                 rc;
    const char         *what;
    authgw_key_t       *key;
    authgw_key_list_t   l;
    authgw_jwk_want_t   w;

    memset(&l, 0, sizeof(l));
    l.err = err;
    l.errlen = errlen;
    err[0] = '\0';

    ERR_clear_error();

    if (kid != NULL && (kid_len == 0 || kid_len > AUTHGW_KID_MAX)) {
        return authgw_key_fail(&l, "kid must be 1 to %d bytes",
                               AUTHGW_KID_MAX);
    }

    if (alg >= 0 && (AUTHGW_ALG_BIT(alg) & AUTHGW_ALGS_HS)) {

        /* a raw secret: the file's bytes as they are, unless a key's */

        what = authgw_key_encoded(buf, len);
        if (what != NULL) {
            return authgw_key_fail(&l, "is %s; alg=%s takes a raw HMAC "
                                   "secret, never a key or certificate",
                                   what, authgw_alg_name(alg));
        }

        key = authgw_key_new(AUTHGW_KTY_OCT);
        if (key == NULL) {
            return authgw_key_fail(&l, "out of memory");
        }

        if (authgw_key_hmac(&l, key, buf, len, AUTHGW_ALG_BIT(alg)) != 0) {
            authgw_key_free(key);
            return -1;
        }

        if (kid != NULL && authgw_key_set_kid(key, kid, kid_len) != 0) {
            authgw_key_free(key);
            return authgw_key_fail(&l, "out of memory");
        }

        rc = authgw_key_add(&l, key);
        goto done;
    }

    if (authgw_key_is_json(buf, len)) {
        w.use = AUTHGW_JWK_SIG;
        w.alg = alg;
        w.kid = kid;
        w.kid_len = kid_len;

        rc = authgw_key_json(&l, buf, len, &w);

    } else if (memmem(buf, len, "-----BEGIN ", 11) != NULL) {
        rc = authgw_key_pem(&l, buf, len, kid, kid_len, alg);

    } else {
        rc = authgw_key_fail(&l, "not a JWK, JWKS, PEM public key or "
                             "certificate (a raw HMAC secret needs "
                             "alg=HS256, HS384 or HS512)");
    }

done:

    if (rc != 0) {
        authgw_keys_free(l.keys, l.nkeys);
        return -1;
    }

    *keys = l.keys;
    *nkeys = l.nkeys;

    return 0;
}


/*
 * A key set fetched from the network, not written by the operator: a JWK
 * or JWKS only (never PEM, never a raw secret), and of it only public
 * keys, none with a kid that a key of the operator's files (owned) has:
 * a provider can neither add an HMAC secret nor replace a key given at
 * load. 0 with at least one key taken, or -1.
 */

int
authgw_key_load_remote(const unsigned char *buf, size_t len,
    authgw_key_t *const *owned, size_t nowned, authgw_key_t ***keys,
    size_t *nkeys, char *err, size_t errlen)
{
    size_t          i, n, dropped;
    authgw_key_t  **k;

    if (!authgw_key_is_json(buf, len)) {
        snprintf(err, errlen, "not a JWK or JWKS");
        return -1;
    }

    if (authgw_key_load_buf(buf, len, NULL, 0, -1, &k, &n, err, errlen)
        != 0)
    {
        return -1;
    }

    dropped = 0;

    for (i = 0; i < n; /* void */) {
        if (k[i]->kty == AUTHGW_KTY_OCT
            || (k[i]->kid != NULL
                && authgw_key_find(owned, nowned, k[i]->kid, k[i]->kid_len)
                   != NULL))
        {
            authgw_key_free(k[i]);
            k[i] = k[--n];
            dropped++;
            continue;
        }

        i++;
    }

    if (n == 0) {
        authgw_keys_free(k, n);
        snprintf(err, errlen, "no usable public key (%zu symmetric, or with "
                 "the kid of a key file)", dropped);
        return -1;
    }

    *keys = k;
    *nkeys = n;

    return 0;
}


/* reads a key file and parses it: signature keys, or user-id keys */

static int
authgw_key_file(const char *path, int user_id, const unsigned char *kid,
    size_t kid_len, int alg, authgw_key_t ***keys, size_t *nkeys, char *err,
    size_t errlen)
{
    int             rc;
    FILE           *f;
    size_t          n;
    unsigned char  *buf;

    f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }

    buf = malloc(AUTHGW_KEY_FILE_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    n = fread(buf, 1, AUTHGW_KEY_FILE_MAX + 1, f);

    if (ferror(f)) {
        snprintf(err, errlen, "cannot read: %s", strerror(errno));
        rc = -1;

    } else if (n > AUTHGW_KEY_FILE_MAX) {
        snprintf(err, errlen, "larger than %d bytes", AUTHGW_KEY_FILE_MAX);
        rc = -1;

    } else if (n == 0) {
        snprintf(err, errlen, "is empty");
        rc = -1;

    } else if (user_id) {
        rc = authgw_enc_key_load_buf(buf, n, kid, kid_len, keys, nkeys, err,
                                     errlen);

    } else {
        rc = authgw_key_load_buf(buf, n, kid, kid_len, alg, keys, nkeys, err,
                                 errlen);
    }

    OPENSSL_cleanse(buf, n);
    free(buf);
    fclose(f);

    return rc;
}


int
authgw_key_load_file(const char *path, const unsigned char *kid,
    size_t kid_len, int alg, authgw_key_t ***keys, size_t *nkeys, char *err,
    size_t errlen)
{
    return authgw_key_file(path, 0, kid, kid_len, alg, keys, nkeys, err,
                           errlen);
}

/*
 * User-id keys: symmetric keys for the JWE in a claim. A JWKS or a JWK of
 * kty "oct" (use "enc" or none), or a raw file of 16, 24, 32, 48 or 64
 * bytes: the sizes of the key-wrap and content-encryption keys.
 */

static int
authgw_enc_key_size_ok(size_t len)
{
    return len == 16 || len == 24 || len == 32 || len == 48 || len == 64;
}


static int
authgw_enc_key_add(authgw_key_list_t *l, const unsigned char *secret,
    size_t len, const unsigned char *kid, size_t kid_len, unsigned use)
{
    authgw_key_t  *key;

    if (!authgw_enc_key_size_ok(len)) {
        return authgw_key_fail(l, "a user-id key of %zu bytes; it must be "
                               "16, 24, 32, 48 or 64 bytes", len);
    }

    key = authgw_key_new(AUTHGW_KTY_OCT);
    if (key == NULL) {
        return authgw_key_fail(l, "out of memory");
    }

    key->secret = malloc(len);
    if (key->secret == NULL
        || (kid != NULL && authgw_key_set_kid(key, kid, kid_len) != 0))
    {
        authgw_key_free(key);
        return authgw_key_fail(l, "out of memory");
    }

    memcpy(key->secret, secret, len);
    key->size = len;
    key->jwe_use = use;

    if (authgw_jwe_key_prepare(key) != 0) {
        authgw_key_free(key);
        return authgw_key_fail(l, "cannot prepare the user-id key's "
                               "ciphers in OpenSSL");
    }

    return authgw_key_add(l, key);
}


int
authgw_enc_key_load_buf(const unsigned char *buf, size_t len,
    const unsigned char *kid, size_t kid_len, authgw_key_t ***keys,
    size_t *nkeys, char *err, size_t errlen)
{
    int                 rc;
    json_t             *json;
    authgw_key_list_t   l;
    authgw_jwk_want_t   w;

    memset(&l, 0, sizeof(l));
    l.err = err;
    l.errlen = errlen;
    err[0] = '\0';

    if (kid != NULL && (kid_len == 0 || kid_len > AUTHGW_KID_MAX)) {
        return authgw_key_fail(&l, "kid must be 1 to %d bytes",
                               AUTHGW_KID_MAX);
    }

    json = authgw_key_is_json(buf, len)
           ? authgw_key_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL)
           : NULL;

    if (json == NULL) {
        rc = authgw_enc_key_add(&l, buf, len, kid, kid_len,
                                AUTHGW_JWE_USE_ANY);
        goto done;
    }

    w.use = AUTHGW_JWK_ENC;
    w.alg = -1;
    w.kid = kid;
    w.kid_len = kid_len;

    rc = authgw_key_jwks(&l, json, &w);

    json_decref(json);

done:

    if (rc != 0) {
        authgw_keys_free(l.keys, l.nkeys);
        return -1;
    }

    *keys = l.keys;
    *nkeys = l.nkeys;

    return 0;
}


int
authgw_enc_key_load_file(const char *path, const unsigned char *kid,
    size_t kid_len, authgw_key_t ***keys, size_t *nkeys, char *err,
    size_t errlen)
{
    return authgw_key_file(path, 1, kid, kid_len, -1, keys, nkeys, err,
                           errlen);
}
