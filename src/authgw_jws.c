
/*
 * JWS compact verification (RFC 7515), in the order that closes the known
 * attacks: shape and size, strict base64url, header object, alg allow-list
 * bound to the key type, kid, exact signature length, signature over the
 * received bytes, and only then the payload. The parsed headers of recent
 * verified tokens are kept, per process.
 */


#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "authgw.h"


/*
 * The protected headers of recent tokens, parsed, per process: a provider
 * signs its tokens with one header (alg, kid, typ), so the segment repeats
 * and is decoded and parsed once. Only the header of a token whose
 * signature verified is kept, so a forger can neither fill nor churn the
 * slots. A slot is chosen by a hash of the segment, and a hit compares the
 * whole segment.
 */

#define AUTHGW_JWS_MEMO  16

typedef struct {
    unsigned char         *seg;         /* base64url, as received */
    size_t                 len;
    json_t                *header;      /* its own, on the heap */
    json_t                *kid;         /* in header, or NULL */
    authgw_alg_t           alg;
} authgw_jws_memo_t;


static authgw_jws_memo_t  authgw_jws_memo[AUTHGW_JWS_MEMO];


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
static size_t authgw_jws_sig_len(const authgw_key_t *key, authgw_alg_t alg);
static int authgw_jws_check(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, const unsigned char *sig,
    size_t slen);
static size_t authgw_jws_candidates(authgw_key_t *const *keys, size_t nkeys,
    json_t *kid, int alg, const authgw_key_t **first);
static authgw_status_t authgw_jws_header(const unsigned char *seg,
    size_t len, unsigned algs, const authgw_alloc_t *a, authgw_jws_t *jws,
    json_t **kid);
static authgw_jws_memo_t *authgw_jws_memo_slot(const unsigned char *seg,
    size_t len);
static void authgw_jws_memo_put(authgw_jws_memo_t *m,
    const unsigned char *seg, size_t len, json_t *header, json_t *kid,
    authgw_alg_t alg);
static authgw_status_t authgw_jws_signature(const unsigned char *token,
    size_t len, size_t dot2, authgw_key_t *const *keys, size_t nkeys,
    unsigned flags, json_t *kid, const authgw_alloc_t *a, authgw_jws_t *jws);


/* the key's own digest context and digest, made at load and reused */

static int
authgw_jws_digest(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, unsigned char *hash,
    unsigned int *hlen)
{
    EVP_MD  *md;

    md = key->md[AUTHGW_ALG_HASH(alg)];

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

    ctx = key->hmac[AUTHGW_ALG_HASH(alg)];
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


/* the exact length of a signature of this key and algorithm */

static size_t
authgw_jws_sig_len(const authgw_key_t *key, authgw_alg_t alg)
{
    switch (key->kty) {

    case AUTHGW_KTY_OCT:
        return AUTHGW_SHA2_LEN(AUTHGW_ALG_HASH(alg));

    case AUTHGW_KTY_EC:
        return 2 * key->size;

    case AUTHGW_KTY_OKP:
        return 64;

    default:
        return key->size;
    }
}


static int
authgw_jws_check(const authgw_key_t *key, authgw_alg_t alg,
    const unsigned char *data, size_t len, const unsigned char *sig,
    size_t slen)
{
    if (slen != authgw_jws_sig_len(key, alg)) {
        return 0;
    }

    if (key->kty == AUTHGW_KTY_OCT) {
        return authgw_jws_hmac(key, alg, data, len, sig, slen);
    }

    return authgw_jws_pkey(key, alg, data, len, sig, slen);
}


/*
 * How many keys a token may be for, the first in *first: the key of its
 * kid, or without a kid every key of its algorithm.
 */

static size_t
authgw_jws_candidates(authgw_key_t *const *keys, size_t nkeys, json_t *kid,
    int alg, const authgw_key_t **first)
{
    size_t  i, n;

    if (kid != NULL) {
        *first = authgw_key_find(keys, nkeys,
                                 (const unsigned char *) json_string_value(kid),
                                 json_string_length(kid));
        return *first != NULL;
    }

    n = 0;
    *first = NULL;

    for (i = 0; i < nkeys; i++) {
        if ((keys[i]->algs & AUTHGW_ALG_BIT(alg)) && n++ == 0) {
            *first = keys[i];
        }
    }

    return n;
}


void
authgw_jws_free(authgw_jws_t *jws)
{
    if (!jws->pooled) {
        json_decref(jws->header);
        json_decref(jws->payload);

    } else if (jws->header_held) {
        json_decref(jws->header);
    }

    jws->header_held = 0;

    jws->header = NULL;
    jws->payload = NULL;
}


/* the slot of a header segment: FNV-1a of its bytes */

static authgw_jws_memo_t *
authgw_jws_memo_slot(const unsigned char *seg, size_t len)
{
    size_t    i;
    uint32_t  h;

    h = 2166136261u;

    for (i = 0; i < len; i++) {
        h = (h ^ seg[i]) * 16777619u;
    }

    return &authgw_jws_memo[h % AUTHGW_JWS_MEMO];
}


/* keeps a verified token's header in its slot, in place of the one there */

static void
authgw_jws_memo_put(authgw_jws_memo_t *m, const unsigned char *seg,
    size_t len, json_t *header, json_t *kid, authgw_alg_t alg)
{
    json_t         *h;
    unsigned char  *copy;

    /* a copy on the heap: the token's own lives in a request's memory */

    h = json_deep_copy(header);
    copy = malloc(len);

    if (h == NULL || copy == NULL) {
        json_decref(h);
        free(copy);
        return;
    }

    memcpy(copy, seg, len);

    json_decref(m->header);
    free(m->seg);

    m->seg = copy;
    m->len = len;
    m->header = h;
    m->kid = kid ? json_object_get(h, "kid") : NULL;
    m->alg = alg;
}


/* drops every kept header: nginx's exit_process, a test */

void
authgw_jws_forget(void)
{
    size_t  i;

    for (i = 0; i < AUTHGW_JWS_MEMO; i++) {
        json_decref(authgw_jws_memo[i].header);
        free(authgw_jws_memo[i].seg);
        memset(&authgw_jws_memo[i], 0, sizeof(authgw_jws_memo_t));
    }
}


/*
 * The protected header, bounded before it is parsed: its alg (allowed),
 * no crit, and its kid if any (a string of at most AUTHGW_KID_MAX bytes).
 */

static authgw_status_t
authgw_jws_header(const unsigned char *seg, size_t len, unsigned algs,
    const authgw_alloc_t *a, authgw_jws_t *jws, json_t **kid)
{
    int             alg;
    size_t          blen;
    json_t         *v;
    unsigned char  *buf;

    if (len > authgw_b64url_encoded_len(AUTHGW_JOSE_HEADER_MAX)) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    buf = authgw_b64url_decode_alloc(a, seg, len, &blen);
    if (buf == NULL) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    jws->header = authgw_json_parse_header(buf, blen, JSON_ALLOW_NUL, a);
    if (jws->header == NULL) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    v = json_object_get(jws->header, "alg");
    if (!json_is_string(v)) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    /* no extension is implemented: any "crit" is refused (RFC 7515 4.1.11) */

    if (json_object_get(jws->header, "crit") != NULL) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    *kid = json_object_get(jws->header, "kid");
    if (*kid != NULL
        && (!json_is_string(*kid)
            || json_string_length(*kid) > AUTHGW_KID_MAX))
    {
        return AUTHGW_MALFORMED_TOKEN;
    }

    alg = authgw_alg_from_name(json_string_value(v), json_string_length(v));
    if (alg < 0 || !(algs & AUTHGW_ALG_BIT(alg))) {
        return AUTHGW_ALG_NOT_ALLOWED;
    }

    jws->alg = (authgw_alg_t) alg;

    return AUTHGW_OK;
}


/*
 * The signature over header.payload, with the key of the kid, or without a
 * kid with the one key that fits the alg. Several keys are tried only with
 * AUTHGW_VERIFY_ALL_KEYS: each is a signature check a forger gets for free.
 */

static authgw_status_t
authgw_jws_signature(const unsigned char *token, size_t len, size_t dot2,
    authgw_key_t *const *keys, size_t nkeys, unsigned flags, json_t *kid,
    const authgw_alloc_t *a, authgw_jws_t *jws)
{
    int                   rc;
    size_t                i, slen;
    unsigned char        *sig;
    const authgw_key_t   *key;

    jws->candidates = authgw_jws_candidates(keys, nkeys, kid, jws->alg, &key);

    if (key == NULL) {
        return (kid != NULL) ? AUTHGW_UNKNOWN_KID : AUTHGW_ALG_NOT_ALLOWED;
    }

    if (kid == NULL && jws->candidates > 1
        && !(flags & AUTHGW_VERIFY_ALL_KEYS))
    {
        return AUTHGW_UNKNOWN_KID;
    }

    /* the key type decides which algorithms it may verify */

    if (!(key->algs & AUTHGW_ALG_BIT(jws->alg))) {
        return AUTHGW_ALG_NOT_ALLOWED;
    }

    sig = authgw_b64url_decode_alloc(a, token + dot2 + 1, len - dot2 - 1,
                                     &slen);
    if (sig == NULL) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    for (i = 0; i < nkeys; i++) {

        /* the one candidate, or each of them in turn */

        if (jws->candidates > 1) {
            key = keys[i];

            if (!(key->algs & AUTHGW_ALG_BIT(jws->alg))) {
                continue;
            }
        }

        rc = authgw_jws_check(key, jws->alg, token, dot2, sig, slen);

        /* a refused signature leaves errors: none reaches the next request */

        if (rc != 1) {
            ERR_clear_error();
        }

        if (rc < 0) {
            return AUTHGW_INTERNAL_ERROR;
        }

        if (rc == 1) {
            jws->key = key;
            return AUTHGW_OK;
        }

        if (jws->candidates == 1) {
            break;
        }
    }

    return AUTHGW_BAD_SIGNATURE;
}


/*
 * A compact JWS's shape: at most AUTHGW_TOKEN_MAX bytes, exactly three
 * non-empty segments (a JWE or anything else is refused); *dot1, *dot2:
 * where its two dots are
 */

authgw_status_t
authgw_jws_split(const unsigned char *token, size_t len, size_t *dot1,
    size_t *dot2)
{
    const unsigned char  *p1, *p2;

    if (len == 0) {
        return AUTHGW_MISSING_TOKEN;
    }

    if (len > AUTHGW_TOKEN_MAX) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    p1 = memchr(token, '.', len);
    p2 = p1 ? memchr(p1 + 1, '.', len - (p1 + 1 - token)) : NULL;

    if (p2 == NULL
        || memchr(p2 + 1, '.', len - (p2 + 1 - token)) != NULL)
    {
        return AUTHGW_MALFORMED_TOKEN;
    }

    *dot1 = p1 - token;
    *dot2 = p2 - token;

    if (*dot1 == 0 || *dot2 == *dot1 + 1 || *dot2 == len - 1) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    return AUTHGW_OK;
}


authgw_status_t
authgw_jws_verify(const unsigned char *token, size_t len,
    authgw_key_t *const *keys, size_t nkeys, unsigned algs, unsigned flags,
    const authgw_alloc_t *a, authgw_jws_t *jws)
{
    size_t                blen, dot1, dot2;
    json_t               *kid;
    unsigned char        *buf;
    authgw_status_t       status;
    authgw_jws_memo_t    *memo;

    memset(jws, 0, sizeof(authgw_jws_t));

    /* its objects live in a's memory */
    jws->pooled = 1;

    status = authgw_jws_split(token, len, &dot1, &dot2);
    if (status != AUTHGW_OK) {
        return status;
    }

    kid = NULL;
    memo = NULL;

    if (dot1 <= authgw_b64url_encoded_len(AUTHGW_JOSE_HEADER_MAX)
        && !(flags & AUTHGW_VERIFY_PROOF))
    {
        memo = authgw_jws_memo_slot(token, dot1);
    }

    if (memo != NULL && memo->len == dot1
        && memcmp(memo->seg, token, dot1) == 0)
    {
        jws->header = json_incref(memo->header);
        jws->header_held = 1;
        jws->alg = memo->alg;
        kid = memo->kid;

        status = (algs & AUTHGW_ALG_BIT(memo->alg)) ? AUTHGW_OK
                                                    : AUTHGW_ALG_NOT_ALLOWED;
        memo = NULL;

    } else {
        status = authgw_jws_header(token, dot1, algs, a, jws, &kid);
    }

    if (status == AUTHGW_OK) {
        status = authgw_jws_signature(token, len, dot2, keys, nkeys, flags,
                                      (flags & AUTHGW_VERIFY_PROOF) ? NULL
                                                                    : kid,
                                      a, jws);
    }

    if (status != AUTHGW_OK) {
        goto failed;
    }

    /* only now the payload: exactly one UTF-8 JSON object */

    buf = authgw_b64url_decode_alloc(a, token + dot1 + 1, dot2 - dot1 - 1,
                                     &blen);
    if (buf == NULL) {
        status = AUTHGW_MALFORMED_TOKEN;
        goto failed;
    }

    jws->payload = authgw_json_parse(buf, blen, JSON_ALLOW_NUL, a);
    if (jws->payload == NULL) {
        status = AUTHGW_MALFORMED_TOKEN;
        goto failed;
    }

    if (memo != NULL) {
        authgw_jws_memo_put(memo, token, dot1, jws->header, kid, jws->alg);
    }

    return AUTHGW_OK;

failed:

    /* the header, when it was parsed, stays for authgw_explain() */

    jws->payload = NULL;
    jws->key = NULL;

    return status;
}
