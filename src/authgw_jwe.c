
/*
 * The encrypted user id: a compact JWE (RFC 7516) inside one claim, with
 * alg "dir" or AES key wrap (RFC 3394) and an AES-GCM or AES-CBC-HMAC-SHA2
 * content encryption (RFC 7518 section 5). Every failure is the one status
 * AUTHGW_BAD_USER_ID: a bad tag, bad padding and a wrong key look alike.
 * Also the user id rule: which claim, and the id a cache entry keeps.
 */


#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "authgw.h"


#define AUTHGW_JWE_MAX  8192


typedef struct {
    const char   *name;
    size_t        key_len;     /* CEK bytes */
    const char   *cipher;
    const char   *digest;      /* CBC-HS: the HMAC hash; GCM: NULL */
    size_t        iv_len;
    size_t        tag_len;
} authgw_jwe_enc_t;


typedef struct {
    const char   *name;
    size_t        key_len;     /* KEK bytes; 0 for dir */
    const char   *cipher;
} authgw_jwe_alg_t;


static const authgw_jwe_enc_t  authgw_jwe_encs[] = {
    { "A128GCM", 16, "AES-128-GCM", NULL, 12, 16 },
    { "A192GCM", 24, "AES-192-GCM", NULL, 12, 16 },
    { "A256GCM", 32, "AES-256-GCM", NULL, 12, 16 },
    { "A128CBC-HS256", 32, "AES-128-CBC", "SHA256", 16, 16 },
    { "A192CBC-HS384", 48, "AES-192-CBC", "SHA384", 16, 24 },
    { "A256CBC-HS512", 64, "AES-256-CBC", "SHA512", 16, 32 },
    { NULL, 0, NULL, NULL, 0, 0 }
};


static const authgw_jwe_alg_t  authgw_jwe_algs[] = {
    { "dir", 0, NULL },
    { "A128KW", 16, "AES-128-WRAP" },
    { "A192KW", 24, "AES-192-WRAP" },
    { "A256KW", 32, "AES-256-WRAP" },
    { NULL, 0, NULL }
};


/*
 * A user-id key's OpenSSL state, made once at load: the key wrap context
 * keyed with it, and per content encryption a cipher context (and for
 * CBC-HS an HMAC context) with the cipher fetched. Bit i of "own" says that
 * content[i] and mac[i] hold the key itself ("dir"); a key-wrapped token
 * keys them with its CEK instead, and clears the bit.
 */

#define AUTHGW_JWE_NENC  6

struct authgw_jwe_key_s {
    EVP_CIPHER_CTX        *wrap;
    EVP_CIPHER_CTX        *content[AUTHGW_JWE_NENC];
    EVP_MAC_CTX           *mac[AUTHGW_JWE_NENC];
    unsigned               own;
};


typedef struct {
    const unsigned char   *aad;      /* the protected header segment */
    size_t                 aad_len;
    unsigned char         *ek;
    size_t                 ek_len;
    unsigned char         *iv;
    size_t                 iv_len;
    unsigned char         *ct;
    size_t                 ct_len;
    unsigned char         *tag;
    size_t                 tag_len;
    unsigned char         *pt;
    size_t                 pt_len;
} authgw_jwe_parts_t;


static int authgw_jwe_unwrap(const authgw_key_t *key,
    const authgw_jwe_parts_t *p, unsigned char *cek, size_t cek_len);
static int authgw_jwe_gcm(authgw_jwe_key_t *k, size_t i,
    const unsigned char *cek, authgw_jwe_parts_t *p);
static int authgw_jwe_cbc_hs(authgw_jwe_key_t *k, size_t i,
    const unsigned char *cek, authgw_jwe_parts_t *p);
static int authgw_jwe_text_ok(const unsigned char *s, size_t len);
static int authgw_jwe_split(const unsigned char *jwe, size_t len,
    size_t *dots);
static int authgw_jwe_header(const unsigned char *seg, size_t len,
    const authgw_alloc_t *a, const authgw_jwe_alg_t **alg,
    const authgw_jwe_enc_t **enc, json_t **kid);
static int authgw_jwe_segments(const unsigned char *jwe, size_t len,
    const size_t *dots, const authgw_jwe_alg_t *alg,
    const authgw_jwe_enc_t *enc, const authgw_alloc_t *a,
    authgw_jwe_parts_t *p);
static int authgw_jwe_with_key(authgw_key_t *key,
    const authgw_jwe_alg_t *alg, const authgw_jwe_enc_t *enc,
    authgw_jwe_parts_t *p);



/* bit i: authgw_jwe_algs[i]; bit 8 + j: authgw_jwe_encs[j] */

#define AUTHGW_JWE_USE_ALG(i)  (1u << (i))
#define AUTHGW_JWE_USE_ENC(j)  (1u << (8 + (j)))
#define AUTHGW_JWE_USE_ENCS    (((1u << AUTHGW_JWE_NENC) - 1) << 8)


/* a JWK's "alg" as AUTHGW_JWE_USE bits; -1: not one user ids are under */

int
authgw_jwe_use(const char *alg, size_t len, unsigned *use)
{
    size_t  i;

    for (i = 0; authgw_jwe_algs[i].name != NULL; i++) {
        if (strlen(authgw_jwe_algs[i].name) == len
            && memcmp(alg, authgw_jwe_algs[i].name, len) == 0)
        {
            *use = AUTHGW_JWE_USE_ALG(i) | AUTHGW_JWE_USE_ENCS;
            return 0;
        }
    }

    for (i = 0; authgw_jwe_encs[i].name != NULL; i++) {
        if (strlen(authgw_jwe_encs[i].name) == len
            && memcmp(alg, authgw_jwe_encs[i].name, len) == 0)
        {
            /* "dir" (authgw_jwe_algs[0]) with this encryption */
            *use = AUTHGW_JWE_USE_ALG(0) | AUTHGW_JWE_USE_ENC(i);
            return 0;
        }
    }

    return -1;
}


int
authgw_jwe_key_prepare(authgw_key_t *key)
{
    int                      ok;
    size_t                   i, half;
    EVP_MAC                 *hmac;
    OSSL_PARAM               params[2];
    EVP_CIPHER              *cipher;
    authgw_jwe_key_t        *k;
    const authgw_jwe_alg_t  *alg;
    const authgw_jwe_enc_t  *enc;

    k = calloc(1, sizeof(authgw_jwe_key_t));
    if (k == NULL) {
        return -1;
    }

    key->jwe = k;
    ok = 1;

    for (alg = authgw_jwe_algs; alg->name && ok; alg++) {
        if (alg->key_len == 0 || alg->key_len != key->size) {
            continue;
        }

        cipher = EVP_CIPHER_fetch(NULL, alg->cipher, NULL);
        k->wrap = EVP_CIPHER_CTX_new();

        ok = cipher != NULL && k->wrap != NULL
             && EVP_DecryptInit_ex2(k->wrap, cipher, key->secret, NULL,
                                    NULL) == 1;

        EVP_CIPHER_free(cipher);
    }

    hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    ok = ok && hmac != NULL;

    for (i = 0; i < AUTHGW_JWE_NENC && ok; i++) {
        enc = &authgw_jwe_encs[i];
        half = enc->digest ? enc->key_len / 2 : 0;

        cipher = EVP_CIPHER_fetch(NULL, enc->cipher, NULL);
        k->content[i] = EVP_CIPHER_CTX_new();

        ok = cipher != NULL && k->content[i] != NULL
             && EVP_DecryptInit_ex2(k->content[i], cipher,
                                    key->size == enc->key_len
                                    ? key->secret + half : NULL,
                                    NULL, NULL) == 1;

        EVP_CIPHER_free(cipher);

        if (ok && enc->digest) {
            params[0] = OSSL_PARAM_construct_utf8_string(
                            OSSL_MAC_PARAM_DIGEST, (char *) enc->digest, 0);
            params[1] = OSSL_PARAM_construct_end();

            k->mac[i] = EVP_MAC_CTX_new(hmac);

            ok = k->mac[i] != NULL
                 && EVP_MAC_CTX_set_params(k->mac[i], params) == 1
                 && (key->size != enc->key_len
                     || EVP_MAC_init(k->mac[i], key->secret, half, NULL)
                        == 1);
        }

        if (ok && key->size == enc->key_len) {
            k->own |= 1u << i;
        }
    }

    EVP_MAC_free(hmac);
    ERR_clear_error();

    return ok ? 0 : -1;
}


void
authgw_jwe_key_free(authgw_jwe_key_t *k)
{
    size_t  i;

    if (k == NULL) {
        return;
    }

    EVP_CIPHER_CTX_free(k->wrap);

    for (i = 0; i < AUTHGW_JWE_NENC; i++) {
        EVP_CIPHER_CTX_free(k->content[i]);
        EVP_MAC_CTX_free(k->mac[i]);
    }

    free(k);
}


/* AES key wrap (RFC 3394) with the key's prepared wrap context */

static int
authgw_jwe_unwrap(const authgw_key_t *key, const authgw_jwe_parts_t *p,
    unsigned char *cek, size_t cek_len)
{
    int                ok, n, m;
    unsigned char      out[64 + 16];
    EVP_CIPHER_CTX    *ctx;

    ctx = key->jwe->wrap;

    if (ctx == NULL || p->ek_len != cek_len + 8) {
        return 0;
    }

    ok = EVP_DecryptInit_ex2(ctx, NULL, NULL, NULL, NULL) == 1
         && EVP_DecryptUpdate(ctx, out, &n, p->ek, (int) p->ek_len) == 1
         && EVP_DecryptFinal_ex(ctx, out + n, &m) == 1
         && (size_t) (n + m) == cek_len;

    if (ok) {
        memcpy(cek, out, cek_len);
    }

    OPENSSL_cleanse(out, sizeof(out));

    return ok;
}


/* cek NULL: "dir", the context already holds the key */

static int
authgw_jwe_gcm(authgw_jwe_key_t *k, size_t i, const unsigned char *cek,
    authgw_jwe_parts_t *p)
{
    int                ok, n, m;
    EVP_CIPHER_CTX    *ctx;

    ctx = k->content[i];

    if (cek != NULL) {
        k->own &= ~(1u << i);
    }

    /* the tag length is fixed at 16 before this: OpenSSL would accept less */

    ok = EVP_DecryptInit_ex2(ctx, NULL, cek, p->iv, NULL) == 1
         && EVP_DecryptUpdate(ctx, NULL, &n, p->aad, (int) p->aad_len) == 1
         && EVP_DecryptUpdate(ctx, p->pt, &n, p->ct, (int) p->ct_len) == 1
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, (int) p->tag_len,
                                p->tag) == 1
         && EVP_DecryptFinal_ex(ctx, p->pt + n, &m) == 1;

    if (ok) {
        p->pt_len = (size_t) (n + m);
    }

    return ok;
}


/*
 * RFC 7518 5.2.2.2: the MAC over AAD || IV || ciphertext || AL is checked
 * in constant time before any decryption or unpadding.
 */

static int
authgw_jwe_cbc_hs(authgw_jwe_key_t *k, size_t i, const unsigned char *cek,
    authgw_jwe_parts_t *p)
{
    int                      ok, n, m, j;
    size_t                   half, mlen;
    uint64_t                 bits;
    EVP_MAC_CTX             *mctx;
    unsigned char            al[8], tag[EVP_MAX_MD_SIZE];
    EVP_CIPHER_CTX          *ctx;
    const authgw_jwe_enc_t  *enc;

    enc = &authgw_jwe_encs[i];
    half = enc->key_len / 2;
    ctx = k->content[i];
    mctx = k->mac[i];

    if (cek != NULL) {
        k->own &= ~(1u << i);
    }

    /* aad_len is bounded by AUTHGW_JWE_MAX: its bit length cannot overflow */

    bits = (uint64_t) p->aad_len * 8;

    for (j = 7; j >= 0; j--) {
        al[j] = (unsigned char) (bits & 0xff);
        bits >>= 8;
    }

    ok = EVP_MAC_init(mctx, cek, cek ? half : 0, NULL) == 1
         && EVP_MAC_update(mctx, p->aad, p->aad_len) == 1
         && EVP_MAC_update(mctx, p->iv, p->iv_len) == 1
         && EVP_MAC_update(mctx, p->ct, p->ct_len) == 1
         && EVP_MAC_update(mctx, al, sizeof(al)) == 1
         && EVP_MAC_final(mctx, tag, &mlen, sizeof(tag)) == 1
         && mlen >= p->tag_len
         && CRYPTO_memcmp(tag, p->tag, p->tag_len) == 0;

    if (!ok) {
        return 0;
    }

    ok = EVP_DecryptInit_ex2(ctx, NULL, cek ? cek + half : NULL, p->iv,
                             NULL) == 1
         && EVP_DecryptUpdate(ctx, p->pt, &n, p->ct, (int) p->ct_len) == 1
         && EVP_DecryptFinal_ex(ctx, p->pt + n, &m) == 1;

    if (ok) {
        p->pt_len = (size_t) (n + m);
    }

    return ok;
}


/* UTF-8 (no overlongs, surrogates or values past U+10FFFF), no controls */

static int
authgw_jwe_text_ok(const unsigned char *s, size_t len)
{
    size_t    i, n, k;
    uint32_t  c, min;

    for (i = 0; i < len; i += n) {
        c = s[i];

        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f) {
                return 0;
            }

            n = 1;
            continue;
        }

        if ((c & 0xe0) == 0xc0) {
            n = 2;
            c &= 0x1f;
            min = 0x80;

        } else if ((c & 0xf0) == 0xe0) {
            n = 3;
            c &= 0x0f;
            min = 0x800;

        } else if ((c & 0xf8) == 0xf0) {
            n = 4;
            c &= 0x07;
            min = 0x10000;

        } else {
            return 0;
        }

        if (i + n > len) {
            return 0;
        }

        for (k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return 0;
            }

            c = c << 6 | (s[i + k] & 0x3f);
        }

        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)
            || (c >= 0x80 && c <= 0x9f))
        {
            return 0;
        }
    }

    return 1;
}


/* the four dots of exactly five segments, the first not empty; or -1 */

static int
authgw_jwe_split(const unsigned char *jwe, size_t len, size_t *dots)
{
    size_t  i, n;

    n = 0;

    for (i = 0; i < len; i++) {
        if (jwe[i] == '.') {
            if (n == 4) {
                return -1;
            }

            dots[n++] = i;
        }
    }

    return (n == 4 && dots[0] != 0) ? 0 : -1;
}


/*
 * The protected header, bounded like a JWS header since it is parsed
 * before the tag is checked: its alg and enc, both known, its kid if any
 * (a string), no zip and no crit (neither is implemented). 0 or -1.
 */

static int
authgw_jwe_header(const unsigned char *seg, size_t len,
    const authgw_alloc_t *a, const authgw_jwe_alg_t **alg,
    const authgw_jwe_enc_t **enc, json_t **kid)
{
    size_t          hlen;
    json_t         *header, *v;
    unsigned char  *buf;

    if (len > authgw_b64url_encoded_len(AUTHGW_JOSE_HEADER_MAX)) {
        return -1;
    }

    buf = authgw_b64url_decode_alloc(a, seg, len, &hlen);
    if (buf == NULL) {
        return -1;
    }

    /* it lives in a's memory */

    header = authgw_json_parse_header(buf, hlen, 0, a);
    if (header == NULL
        || json_object_get(header, "zip") != NULL
        || json_object_get(header, "crit") != NULL)
    {
        return -1;
    }

    v = json_object_get(header, "alg");

    for (*alg = authgw_jwe_algs; (*alg)->name; (*alg)++) {
        if (json_is_string(v) && json_string_length(v) == strlen((*alg)->name)
            && strcmp(json_string_value(v), (*alg)->name) == 0)
        {
            break;
        }
    }

    v = json_object_get(header, "enc");

    for (*enc = authgw_jwe_encs; (*enc)->name; (*enc)++) {
        if (json_is_string(v) && json_string_length(v) == strlen((*enc)->name)
            && strcmp(json_string_value(v), (*enc)->name) == 0)
        {
            break;
        }
    }

    *kid = json_object_get(header, "kid");

    if ((*alg)->name == NULL || (*enc)->name == NULL
        || (*kid != NULL && !json_is_string(*kid)))
    {
        return -1;
    }

    return 0;
}


/* the four other segments, decoded, of the lengths alg and enc give */

static int
authgw_jwe_segments(const unsigned char *jwe, size_t len, const size_t *dots,
    const authgw_jwe_alg_t *alg, const authgw_jwe_enc_t *enc,
    const authgw_alloc_t *a, authgw_jwe_parts_t *p)
{
    p->ek = authgw_b64url_decode_alloc(a, jwe + dots[0] + 1,
                                       dots[1] - dots[0] - 1, &p->ek_len);
    p->iv = authgw_b64url_decode_alloc(a, jwe + dots[1] + 1,
                                       dots[2] - dots[1] - 1, &p->iv_len);
    p->ct = authgw_b64url_decode_alloc(a, jwe + dots[2] + 1,
                                       dots[3] - dots[2] - 1, &p->ct_len);
    p->tag = authgw_b64url_decode_alloc(a, jwe + dots[3] + 1,
                                        len - dots[3] - 1, &p->tag_len);

    if (p->ek == NULL || p->iv == NULL || p->ct == NULL || p->tag == NULL
        || p->iv_len != enc->iv_len || p->tag_len != enc->tag_len
        || (alg->key_len == 0 && p->ek_len != 0)
        || p->ct_len == 0 || p->ct_len > AUTHGW_USER_ID_MAX + 16)
    {
        return -1;
    }

    /* room for a CBC block of padding */

    p->pt = a->alloc(a->data, p->ct_len + 16);

    return p->pt ? 0 : -1;
}


/*
 * Decrypts with one key: "dir" uses the key's own contexts (keyed again
 * if a CEK was in them), a key wrap unwraps the CEK first. 1: decrypted
 * and authenticated, 0: not with this key.
 */

static int
authgw_jwe_with_key(authgw_key_t *key, const authgw_jwe_alg_t *alg,
    const authgw_jwe_enc_t *enc, authgw_jwe_parts_t *p)
{
    int                   ok;
    size_t                e;
    unsigned char         cek[64];
    const unsigned char  *kp;

    e = (size_t) (enc - authgw_jwe_encs);

    if (key->jwe == NULL
        || !(key->jwe_use & AUTHGW_JWE_USE_ALG(alg - authgw_jwe_algs))
        || !(key->jwe_use & AUTHGW_JWE_USE_ENC(e)))
    {
        return 0;
    }

    if (alg->key_len == 0) {
        if (key->size != enc->key_len) {
            return 0;
        }

        kp = (key->jwe->own & (1u << e)) ? NULL : key->secret;

    } else if (key->size != alg->key_len
               || !authgw_jwe_unwrap(key, p, cek, enc->key_len))
    {
        OPENSSL_cleanse(cek, sizeof(cek));
        return 0;

    } else {
        kp = cek;
    }

    ok = enc->digest ? authgw_jwe_cbc_hs(key->jwe, e, kp, p)
                     : authgw_jwe_gcm(key->jwe, e, kp, p);

    if (ok && kp == key->secret) {
        key->jwe->own |= 1u << e;
    }

    OPENSSL_cleanse(cek, sizeof(cek));

    return ok;
}


authgw_status_t
authgw_jwe_decrypt(const unsigned char *jwe, size_t len,
    authgw_key_t *const *keys, size_t nkeys, const authgw_alloc_t *a,
    unsigned char **out, size_t *outlen)
{
    int                      ok;
    size_t                   i, dots[4];
    json_t                  *kid;
    authgw_key_t            *key;
    authgw_jwe_parts_t       p;
    const authgw_jwe_alg_t  *alg;
    const authgw_jwe_enc_t  *enc;

    if (len == 0 || len > AUTHGW_JWE_MAX
        || authgw_jwe_split(jwe, len, dots) != 0)
    {
        return AUTHGW_BAD_USER_ID;
    }

    memset(&p, 0, sizeof(p));

    p.aad = jwe;
    p.aad_len = dots[0];

    ok = 0;

    if (authgw_jwe_header(jwe, dots[0], a, &alg, &enc, &kid) != 0
        || authgw_jwe_segments(jwe, len, dots, alg, enc, a, &p) != 0)
    {
        goto done;
    }

    if (kid != NULL) {
        key = authgw_key_find(keys, nkeys,
                              (const unsigned char *) json_string_value(kid),
                              json_string_length(kid));

        ok = (key != NULL) && authgw_jwe_with_key(key, alg, enc, &p);

    } else {
        for (i = 0; i < nkeys && !ok; i++) {
            ok = authgw_jwe_with_key(keys[i], alg, enc, &p);
        }
    }

    ok = ok && p.pt_len > 0 && p.pt_len <= AUTHGW_USER_ID_MAX
         && authgw_jwe_text_ok(p.pt, p.pt_len);

done:

    ERR_clear_error();

    if (!ok) {
        if (p.pt != NULL) {
            OPENSSL_cleanse(p.pt, p.ct_len + 16);
        }

        return AUTHGW_BAD_USER_ID;
    }

    *out = p.pt;
    *outlen = p.pt_len;

    return AUTHGW_OK;
}

/*
 * The user id of a verified token: the JWE in the rule's claim, decrypted
 * with the rule's keys, or taken from the cache entry of the token when
 * the same rule decrypted it before. *id NULL: no claim, where that is
 * allowed. The id lives in a's memory.
 */

authgw_status_t
authgw_user_id(json_t *payload, const authgw_user_id_rule_t *rule,
    authgw_cache_entry_t *e, const authgw_alloc_t *a, unsigned char **id,
    size_t *len)
{
    json_t           *v;
    authgw_status_t   status;

    *id = NULL;
    *len = 0;

    v = authgw_claim_get(payload, rule->claim, rule->claim_len);

    if (v == NULL || json_is_null(v)) {
        return rule->optional ? AUTHGW_OK : AUTHGW_MISSING_CLAIM;
    }

    if (!json_is_string(v)) {
        return AUTHGW_BAD_USER_ID;
    }

    if (e != NULL && e->user_id_len
        && e->user_id_keys == rule->keys && e->user_id_claim == rule->claim)
    {
        *id = a->alloc(a->data, e->user_id_len);
        if (*id == NULL) {
            return AUTHGW_INTERNAL_ERROR;
        }

        memcpy(*id, e->user_id, e->user_id_len);
        *len = e->user_id_len;

        return AUTHGW_OK;
    }

    status = authgw_jwe_decrypt((const unsigned char *) json_string_value(v),
                                json_string_length(v), rule->keys,
                                rule->nkeys, a, id, len);

    if (status == AUTHGW_OK && e != NULL && *len <= AUTHGW_CACHE_USER_ID_MAX) {
        memcpy(e->user_id, *id, *len);
        e->user_id_len = *len;
        e->user_id_keys = rule->keys;
        e->user_id_claim = rule->claim;
    }

    return status;
}
