
/*
 * See jwe.h. RFC 7516 compact serialisation, RFC 7518 sections 4.4 (AES
 * key wrap), 4.5 (dir), 5.2 (AES-CBC-HMAC-SHA2) and 5.3 (AES-GCM).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "../src/authgw.h"
#include "jwe.h"


/* the longest HMAC output, SHA-512's, of which A256CBC-HS512 keeps half */
#define TOOL_JWE_TAG_MAX  64


typedef struct {
    const char  *name;
    size_t       key_len;
    const char  *cipher;
    const char  *digest;
    size_t       tag_len;
} tool_enc_t;


static const tool_enc_t  tool_encs[] = {
    { "A128GCM", 16, "AES-128-GCM", NULL, 16 },
    { "A192GCM", 24, "AES-192-GCM", NULL, 16 },
    { "A256GCM", 32, "AES-256-GCM", NULL, 16 },
    { "A128CBC-HS256", 32, "AES-128-CBC", "SHA256", 16 },
    { "A192CBC-HS384", 48, "AES-192-CBC", "SHA384", 24 },
    { "A256CBC-HS512", 64, "AES-256-CBC", "SHA512", 32 },
    { NULL, 0, NULL, NULL, 0 }
};


static char *
tool_b64(const unsigned char *data, size_t len)
{
    char    *s;
    size_t   n;

    s = malloc(len / 3 * 4 + 5);
    if (s == NULL) {
        return NULL;
    }

    n = authgw_b64url_encode(s, data, len);
    s[n] = '\0';

    return s;
}


/* the content encryption key, and its wrapped form for AES key wrap */

static int
tool_jwe_cek(const char *alg, const tool_enc_t *enc, const unsigned char *key,
    size_t klen, unsigned char *cek, unsigned char *ek, size_t *ek_len)
{
    int              n, m, rc;
    const char      *wrap;
    EVP_CIPHER      *cipher;
    EVP_CIPHER_CTX  *ctx;

    *ek_len = 0;

    if (strcmp(alg, "dir") == 0) {
        if (klen != enc->key_len) {
            return -1;
        }

        memcpy(cek, key, klen);
        return 0;
    }

    wrap = strcmp(alg, "A128KW") == 0 ? "AES-128-WRAP"
           : strcmp(alg, "A192KW") == 0 ? "AES-192-WRAP"
           : strcmp(alg, "A256KW") == 0 ? "AES-256-WRAP" : NULL;

    if (wrap == NULL || RAND_bytes(cek, (int) enc->key_len) != 1) {
        return -1;
    }

    cipher = EVP_CIPHER_fetch(NULL, wrap, NULL);
    ctx = EVP_CIPHER_CTX_new();

    rc = (cipher != NULL && ctx != NULL
          && EVP_EncryptInit_ex2(ctx, cipher, key, NULL, NULL) == 1
          && EVP_EncryptUpdate(ctx, ek, &n, cek, (int) enc->key_len) == 1
          && EVP_EncryptFinal_ex(ctx, ek + n, &m) == 1) ? 0 : -1;

    if (rc == 0) {
        *ek_len = (size_t) (n + m);
    }

    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);

    return rc;
}


/* the protected header, base64url: alg, enc, kid and any extra members */

static char *
tool_jwe_header(const char *alg, const tool_enc_t *enc, const char *kid,
    const char *extra_header)
{
    char    *hjson, *h;
    json_t  *header, *extra;

    header = json_object();
    if (header == NULL) {
        return NULL;
    }

    json_object_set_new(header, "alg", json_string(alg));
    json_object_set_new(header, "enc", json_string(enc->name));

    if (kid != NULL) {
        json_object_set_new(header, "kid", json_string(kid));
    }

    if (extra_header != NULL) {
        extra = json_loads(extra_header, 0, NULL);
        if (extra == NULL) {
            json_decref(header);
            return NULL;
        }

        json_object_update(header, extra);
        json_decref(extra);
    }

    hjson = json_dumps(header, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(header);

    if (hjson == NULL) {
        return NULL;
    }

    h = tool_b64((unsigned char *) hjson, strlen(hjson));
    free(hjson);

    return h;
}


/* AES-GCM with the header as additional data, of any IV length */

static int
tool_jwe_gcm(EVP_CIPHER_CTX *ctx, EVP_CIPHER *cipher, const unsigned char *cek,
    const unsigned char *iv, size_t iv_len, const char *h,
    const unsigned char *pt, size_t ptlen, unsigned char *ct, size_t *ct_len,
    unsigned char *tag)
{
    int         n, m;
    size_t      ivl;
    OSSL_PARAM  ivp[2];

    ivl = iv_len;
    ivp[0] = OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivl);
    ivp[1] = OSSL_PARAM_construct_end();

    if (EVP_EncryptInit_ex2(ctx, cipher, NULL, NULL, NULL) != 1
        || EVP_CIPHER_CTX_set_params(ctx, ivp) != 1
        || EVP_EncryptInit_ex2(ctx, NULL, cek, iv, NULL) != 1
        || EVP_EncryptUpdate(ctx, NULL, &n, (unsigned char *) h,
                             (int) strlen(h)) != 1
        || EVP_EncryptUpdate(ctx, ct, &n, pt, (int) ptlen) != 1
        || EVP_EncryptFinal_ex(ctx, ct + n, &m) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
    {
        return -1;
    }

    *ct_len = (size_t) (n + m);

    return 0;
}


/*
 * AES-CBC, then HMAC over header, IV, ciphertext and the header's length
 * in bits (RFC 7518 section 5.2.2.1); the CEK's first half is the MAC key
 */

static int
tool_jwe_cbc_hmac(EVP_CIPHER_CTX *ctx, EVP_CIPHER *cipher,
    const tool_enc_t *enc, const unsigned char *cek, const unsigned char *iv,
    size_t iv_len, const char *h, const unsigned char *pt, size_t ptlen,
    int flags, unsigned char *ct, size_t *ct_len, unsigned char *tag)
{
    int             n, m, i, rc;
    size_t          mlen;
    EVP_MAC        *mac;
    uint64_t        bits;
    OSSL_PARAM      params[2];
    EVP_MAC_CTX    *mctx;
    unsigned char   al[8];

    if (EVP_EncryptInit_ex2(ctx, cipher, cek + enc->key_len / 2, iv, NULL)
        != 1
        || EVP_CIPHER_CTX_set_padding(ctx, !(flags & TOOL_JWE_NO_PAD)) != 1
        || EVP_EncryptUpdate(ctx, ct, &n, pt, (int) ptlen) != 1
        || EVP_EncryptFinal_ex(ctx, ct + n, &m) != 1)
    {
        return -1;
    }

    *ct_len = (size_t) (n + m);

    bits = (uint64_t) strlen(h) * 8;

    for (i = 7; i >= 0; i--) {
        al[i] = (unsigned char) (bits & 0xff);
        bits >>= 8;
    }

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *) enc->digest, 0);
    params[1] = OSSL_PARAM_construct_end();

    mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    mctx = EVP_MAC_CTX_new(mac);

    rc = (mctx != NULL
          && EVP_MAC_init(mctx, cek, enc->key_len / 2, params) == 1
          && EVP_MAC_update(mctx, (unsigned char *) h, strlen(h)) == 1
          && EVP_MAC_update(mctx, iv, iv_len) == 1
          && EVP_MAC_update(mctx, ct, *ct_len) == 1
          && EVP_MAC_update(mctx, al, 8) == 1
          && EVP_MAC_final(mctx, tag, &mlen, TOOL_JWE_TAG_MAX) == 1) ? 0 : -1;

    EVP_MAC_CTX_free(mctx);
    EVP_MAC_free(mac);

    return rc;
}


/* the five segments joined with dots */

static char *
tool_jwe_join(const char *h, const unsigned char *ek, size_t ek_len,
    const unsigned char *iv, size_t iv_len, const unsigned char *ct,
    size_t ct_len, const unsigned char *tag, size_t tag_len)
{
    char  *e, *iv64, *ct64, *tag64, *out;

    e = tool_b64(ek, ek_len);
    iv64 = tool_b64(iv, iv_len);
    ct64 = tool_b64(ct, ct_len);
    tag64 = tool_b64(tag, tag_len);
    out = NULL;

    if (e != NULL && iv64 != NULL && ct64 != NULL && tag64 != NULL) {
        out = malloc(strlen(h) + strlen(e) + strlen(iv64) + strlen(ct64)
                     + strlen(tag64) + 5);
        if (out != NULL) {
            sprintf(out, "%s.%s.%s.%s.%s", h, e, iv64, ct64, tag64);
        }
    }

    free(e);
    free(iv64);
    free(ct64);
    free(tag64);

    return out;
}


char *
tool_jwe_encrypt(const char *alg, const char *enc_name,
    const unsigned char *key, size_t klen, const char *kid,
    const char *extra_header, const unsigned char *pt, size_t ptlen,
    size_t iv_len, int flags)
{
    int                 rc;
    char               *h, *out;
    size_t              ek_len, ct_len;
    EVP_CIPHER         *cipher;
    unsigned char       cek[64], ek[72], iv[32], tag[TOOL_JWE_TAG_MAX], *ct;
    EVP_CIPHER_CTX     *ctx;
    const tool_enc_t   *enc;

    for (enc = tool_encs; enc->name; enc++) {
        if (strcmp(enc->name, enc_name) == 0) {
            break;
        }
    }

    if (enc->name == NULL) {
        return NULL;
    }

    if (iv_len == 0) {
        iv_len = enc->digest ? 16 : 12;
    }

    if (iv_len > sizeof(iv) || RAND_bytes(iv, (int) iv_len) != 1
        || tool_jwe_cek(alg, enc, key, klen, cek, ek, &ek_len) != 0)
    {
        return NULL;
    }

    h = tool_jwe_header(alg, enc, kid, extra_header);
    ct = malloc(ptlen + 32);
    ctx = EVP_CIPHER_CTX_new();
    cipher = EVP_CIPHER_fetch(NULL, enc->cipher, NULL);
    out = NULL;

    if (h != NULL && ct != NULL && ctx != NULL && cipher != NULL) {
        rc = enc->digest == NULL
             ? tool_jwe_gcm(ctx, cipher, cek, iv, iv_len, h, pt, ptlen, ct,
                            &ct_len, tag)
             : tool_jwe_cbc_hmac(ctx, cipher, enc, cek, iv, iv_len, h, pt,
                                 ptlen, flags, ct, &ct_len, tag);
        if (rc == 0) {
            out = tool_jwe_join(h, ek, ek_len, iv, iv_len, ct, ct_len, tag,
                                enc->tag_len);
        }
    }

    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
    free(h);
    free(ct);

    return out;
}
