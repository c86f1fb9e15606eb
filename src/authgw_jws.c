
/*
 * JWS compact verification (RFC 7515), in the order that closes the known
 * attacks: shape and size, strict base64url, header object, alg allow-list
 * bound to the key type, kid, exact signature length, signature over the
 * received bytes, and only then the payload.
 */


#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "authgw.h"


static int authgw_jws_hmac(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, const unsigned char *sig,
    size_t slen);
static int authgw_jws_ecdsa_der(const authgw_key_t *key,
    const unsigned char *sig, size_t slen, unsigned char *der, size_t *dlen);
static int authgw_jws_pkey(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, const unsigned char *sig,
    size_t slen);
static int authgw_jws_digest(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, unsigned char *hash,
    unsigned int *hlen);
static int authgw_jws_check(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, const unsigned char *sig,
    size_t slen);


/* the key's own digest context and digest, made at load and reused */

static int
authgw_jws_digest(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, unsigned char *hash,
    unsigned int *hlen)
{
    EVP_MD  *md;

    md = key->md[(alg - AUTHGW_RS256) % 3];

    if (key->mctx == NULL || md == NULL
        || EVP_DigestInit_ex2(key->mctx, md, NULL) != 1
        || EVP_DigestUpdate(key->mctx, data, len) != 1
        || EVP_DigestFinal_ex(key->mctx, hash, hlen) != 1)
    {
        return -1;
    }

    return 0;
}


static int
authgw_jws_hmac(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, const unsigned char *sig,
    size_t slen)
{
    size_t          mlen;
    EVP_MAC_CTX    *ctx;
    unsigned char   mac[EVP_MAX_MD_SIZE];

    ctx = key->hmac[alg - AUTHGW_HS256];
    if (ctx == NULL) {
        return 0;
    }

    /* a NULL key starts over with the key the context already holds */

    if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1
        || EVP_MAC_update(ctx, data, len) != 1
        || EVP_MAC_final(ctx, mac, &mlen, sizeof(mac)) != 1)
    {
        return -1;
    }

    return mlen == slen && CRYPTO_memcmp(mac, sig, slen) == 0;
}


/* raw R||S of exactly 2L bytes, 1 <= r, s < n, to DER for OpenSSL */

static int
authgw_jws_ecdsa_der(const authgw_key_t *key, const unsigned char *sig,
    size_t slen, unsigned char *der, size_t *dlen)
{
    int             n;
    size_t          i, half;
    BIGNUM         *r, *s;
    ECDSA_SIG      *es;
    unsigned char  *p, acc;

    half = slen / 2;

    for (i = 0; i < 2; i++) {
        acc = 0;

        for (n = 0; n < (int) half; n++) {
            acc |= sig[i * half + n];
        }

        if (acc == 0 || memcmp(sig + i * half, key->order, half) >= 0) {
            return 0;
        }
    }

    r = BN_bin2bn(sig, (int) half, NULL);
    s = BN_bin2bn(sig + half, (int) half, NULL);
    es = ECDSA_SIG_new();

    if (r == NULL || s == NULL || es == NULL) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(es);
        return -1;
    }

    ECDSA_SIG_set0(es, r, s);

    n = i2d_ECDSA_SIG(es, NULL);
    if (n <= 0 || (size_t) n > *dlen) {
        ECDSA_SIG_free(es);
        return -1;
    }

    p = der;
    n = i2d_ECDSA_SIG(es, &p);
    ECDSA_SIG_free(es);

    if (n <= 0) {
        return -1;
    }

    *dlen = (size_t) n;

    return 1;
}


static int
authgw_jws_pkey(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, const unsigned char *sig,
    size_t slen)
{
    int             rc;
    size_t          dlen;
    unsigned int    hlen;
    EVP_MD_CTX     *mctx;
    unsigned char   der[2 * 66 + 16], hash[EVP_MAX_MD_SIZE];

    if (alg == AUTHGW_EDDSA) {

        /* EdDSA signs the message itself: a one-shot verification */

        mctx = EVP_MD_CTX_new();
        if (mctx == NULL) {
            return -1;
        }

        if (EVP_DigestVerifyInit_ex(mctx, NULL, NULL, NULL, NULL, key->pkey,
                                    NULL)
            != 1)
        {
            EVP_MD_CTX_free(mctx);
            return -1;
        }

        rc = EVP_DigestVerify(mctx, sig, slen, data, len);
        EVP_MD_CTX_free(mctx);

        return rc == 1;
    }

    if (alg >= AUTHGW_ES256) {
        dlen = sizeof(der);

        rc = authgw_jws_ecdsa_der(key, sig, slen, der, &dlen);
        if (rc != 1) {
            return rc;
        }

        sig = der;
        slen = dlen;
    }

    if (authgw_jws_digest(key, alg, data, len, hash, &hlen) != 0) {
        return -1;
    }

    /* 0 is a bad signature; a negative value is also one, never a fault */

    return EVP_PKEY_verify(key->verify[alg], sig, slen, hash, hlen) == 1;
}


static int
authgw_jws_check(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, const unsigned char *sig,
    size_t slen)
{
    size_t  expect;

    switch (key->kty) {

    case AUTHGW_KTY_OCT:
        expect = (size_t) 32 + 16 * (alg - AUTHGW_HS256);
        break;

    case AUTHGW_KTY_EC:
        expect = 2 * key->size;
        break;

    case AUTHGW_KTY_OKP:
        expect = 64;
        break;

    default:
        expect = key->size;
        break;
    }

    if (slen != expect) {
        return 0;
    }

    if (key->kty == AUTHGW_KTY_OCT) {
        return authgw_jws_hmac(key, alg, data, len, sig, slen);
    }

    return authgw_jws_pkey(key, alg, data, len, sig, slen);
}



void
authgw_jws_free(authgw_jws_t *jws)
{
    if (!jws->pooled) {
        json_decref(jws->header);
        json_decref(jws->payload);
    }

    jws->header = NULL;
    jws->payload = NULL;
}


authgw_status_t
authgw_jws_verify(const unsigned char *token, size_t len,
    authgw_key_t *const *keys, size_t nkeys, unsigned algs,
    const authgw_alloc_t *a, authgw_jws_t *jws)
{
    int                   alg, rc, found;
    size_t                i, hlen, plen, slen, dot1, dot2, ndots, blen;
    json_t               *v, *kid;
    unsigned char        *buf;
    const unsigned char  *sig;
    authgw_status_t       status;
    const authgw_key_t   *key;

    memset(jws, 0, sizeof(authgw_jws_t));

    /* its objects live in a's memory */
    jws->pooled = 1;

    if (len == 0) {
        return AUTHGW_MISSING_TOKEN;
    }

    if (len > AUTHGW_TOKEN_MAX) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    /* exactly three non-empty segments: a JWE or anything else is refused */

    ndots = 0;
    dot1 = 0;
    dot2 = 0;

    for (i = 0; i < len; i++) {
        if (token[i] == '.') {
            if (++ndots == 1) {
                dot1 = i;

            } else {
                dot2 = i;
            }
        }
    }

    if (ndots != 2 || dot1 == 0 || dot2 == dot1 + 1 || dot2 == len - 1) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    buf = authgw_b64url_decode_alloc(a, token, dot1, &blen);
    if (buf == NULL) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    jws->header = authgw_json_parse(buf, blen, JSON_ALLOW_NUL, a);
    if (jws->header == NULL) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    status = AUTHGW_MALFORMED_TOKEN;

    v = json_object_get(jws->header, "alg");
    if (!json_is_string(v)) {
        goto failed;
    }

    /* no extension is implemented: any "crit" is refused (RFC 7515 4.1.11) */

    if (json_object_get(jws->header, "crit") != NULL) {
        goto failed;
    }

    kid = json_object_get(jws->header, "kid");
    if (kid != NULL
        && (!json_is_string(kid) || json_string_length(kid) > AUTHGW_KID_MAX))
    {
        goto failed;
    }

    status = AUTHGW_ALG_NOT_ALLOWED;

    alg = authgw_alg_from_name(json_string_value(v), json_string_length(v));
    if (alg < 0 || !(algs & AUTHGW_ALG_BIT(alg))) {
        goto failed;
    }

    jws->alg = (authgw_alg_t) alg;

    hlen = dot1;
    plen = dot2 - dot1 - 1;
    slen = len - dot2 - 1;

    buf = authgw_b64url_decode_alloc(a, token + dot2 + 1, slen, &blen);
    if (buf == NULL) {
        status = AUTHGW_MALFORMED_TOKEN;
        goto failed;
    }

    sig = buf;
    slen = blen;
    found = 0;

    for (i = 0; i < nkeys; i++) {
        key = keys[i];

        if (kid != NULL) {
            if (key->kid == NULL
                || key->kid_len != json_string_length(kid)
                || memcmp(key->kid, json_string_value(kid), key->kid_len)
                   != 0)
            {
                continue;
            }

        } else if (!(key->algs & AUTHGW_ALG_BIT(alg))) {
            continue;
        }

        /* the key type decides which algorithms it may verify */

        if (!(key->algs & AUTHGW_ALG_BIT(alg))) {
            status = AUTHGW_ALG_NOT_ALLOWED;
            goto failed;
        }

        found = 1;

        rc = authgw_jws_check(key, (authgw_alg_t) alg, token, dot2, sig,
                              slen);

        /* a refused signature leaves errors: none reaches the next request */

        if (rc != 1) {
            ERR_clear_error();
        }

        if (rc < 0) {
            status = AUTHGW_INTERNAL_ERROR;
            goto failed;
        }

        if (rc == 1) {
            jws->key = key;
            break;
        }
    }

    if (jws->key == NULL) {
        status = found ? AUTHGW_BAD_SIGNATURE
                       : (kid != NULL ? AUTHGW_UNKNOWN_KID
                                      : AUTHGW_ALG_NOT_ALLOWED);
        goto failed;
    }

    /* only now the payload: exactly one UTF-8 JSON object */

    buf = authgw_b64url_decode_alloc(a, token + hlen + 1, plen, &blen);
    if (buf == NULL) {
        status = AUTHGW_MALFORMED_TOKEN;
        goto failed;
    }

    jws->payload = authgw_json_parse(buf, blen, JSON_ALLOW_NUL, a);
    if (jws->payload == NULL) {
        status = AUTHGW_MALFORMED_TOKEN;
        goto failed;
    }

    return AUTHGW_OK;

failed:

    authgw_jws_free(jws);
    jws->key = NULL;

    return status;
}
