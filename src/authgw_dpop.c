
/*
 * Sender-constrained tokens (RFC 9449 DPoP, RFC 8705): what binds a token
 * to a key. authgw_jwk_thumbprint() is the RFC 7638 thumbprint of a public
 * JWK, which a DPoP-bound token names in cnf.jkt; authgw_jwk_is_public()
 * tells a proof's jwk that carries a private member; authgw_htu_match()
 * compares a proof's htu with the request's URL; authgw_dpop_check()
 * checks a proof (RFC 9449 4.3) but for its jti's replay;
 * authgw_dpop_nonce() makes and checks server nonces (RFC 9449 8) that
 * any node with the same key can check, without state.
 */


#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "authgw.h"


/* the members of each key type that its thumbprint covers, sorted */

static const char  *authgw_jkt_rsa[] = { "e", "kty", "n", NULL };
static const char  *authgw_jkt_ec[] = { "crv", "kty", "x", "y", NULL };
static const char  *authgw_jkt_okp[] = { "crv", "kty", "x", NULL };


/*
 * RFC 7638 3: SHA-256 over the required members, in lexicographic order,
 * as JSON without white space. The members of a key are base64url texts
 * and names: one with a byte JSON would escape, or that is not printable
 * ASCII, is no key member, and fails (returns -1). out: 43 characters of
 * base64url and a NUL.
 */

int
authgw_jwk_thumbprint(json_t *jwk, char out[AUTHGW_JKT_LEN + 1])
{
    size_t          i, k, n, len;
    json_t         *v;
    const char     *kty, *s, **members;
    unsigned char   c, md[32];
    unsigned int    mdlen;
    char            buf[AUTHGW_JKT_INPUT_MAX];

    kty = json_string_value(json_object_get(jwk, "kty"));

    if (kty == NULL) {
        return -1;
    }

    if (strcmp(kty, "RSA") == 0) {
        members = authgw_jkt_rsa;

    } else if (strcmp(kty, "EC") == 0) {
        members = authgw_jkt_ec;

    } else if (strcmp(kty, "OKP") == 0) {
        members = authgw_jkt_okp;

    } else {
        return -1;
    }

    len = 0;
    buf[len++] = '{';

    for (i = 0; members[i] != NULL; i++) {
        v = json_object_get(jwk, members[i]);

        if (!json_is_string(v)) {
            return -1;
        }

        s = json_string_value(v);
        n = json_string_length(v);

        for (k = 0; k < n; k++) {
            c = (unsigned char) s[k];

            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return -1;
            }
        }

        /* ,"name":"value" */

        if (len + strlen(members[i]) + n + 7 > sizeof(buf)) {
            return -1;
        }

        if (i > 0) {
            buf[len++] = ',';
        }

        buf[len++] = '"';
        memcpy(buf + len, members[i], strlen(members[i]));
        len += strlen(members[i]);
        memcpy(buf + len, "\":\"", 3);
        len += 3;
        memcpy(buf + len, s, n);
        len += n;
        buf[len++] = '"';
    }

    buf[len++] = '}';

    if (EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) != 1
        || mdlen != sizeof(md))
    {
        return -1;
    }

    n = authgw_b64url_encode(out, md, sizeof(md));
    out[n] = '\0';

    return n == AUTHGW_JKT_LEN ? 0 : -1;
}


/*
 * RFC 9449 4.3: the proof's jwk must not contain a private key. The
 * members that hold private parts (RFC 7518 6.2.2, 6.3.2, 6.4; RFC 8037
 * 2): any of them present, and it is not a public key.
 */

int
authgw_jwk_is_public(json_t *jwk)
{
    size_t  i;

    static const char  *private[] = {
        "d", "p", "q", "dp", "dq", "qi", "oth", "k"
    };

    if (!json_is_object(jwk)) {
        return 0;
    }

    for (i = 0; i < sizeof(private) / sizeof(private[0]); i++) {
        if (json_object_get(jwk, private[i]) != NULL) {
            return 0;
        }
    }

    return 1;
}


/*
 * RFC 9449 4.3 (9): the proof's htu is the request's URL, "ignoring any
 * query and fragment parts", compared after RFC 3986 section 6 syntax and
 * scheme-based normalization: the scheme and host without regard to case,
 * the default port the same as none, an empty path the same as "/"
 * (authgw_url_origin normalizes the origin). The path compares byte for
 * byte: percent-encodings are not decoded, so two spellings of one path
 * are refused, never the other way round. 1: they match.
 */

int
authgw_htu_match(const char *htu, size_t htu_len, const char *url,
    size_t url_len)
{
    size_t       n[2], path[2], olen[2], k;
    const char  *u[2], *p, *slash;
    char         origin[2][AUTHGW_URL_MAX + 1];

    u[0] = htu;
    n[0] = htu_len;
    u[1] = url;
    n[1] = url_len;

    for (k = 0; k < 2; k++) {

        /* the query and the fragment go */

        for (p = u[k]; p < u[k] + n[k] && *p != '?' && *p != '#'; p++) {
            /* void */
        }

        n[k] = p - u[k];

        /* the authority ends at the first "/" after "://" */

        p = (n[k] > 3) ? memchr(u[k], ':', n[k]) : NULL;

        if (p == NULL || (size_t) (p - u[k]) + 3 > n[k]
            || p[1] != '/' || p[2] != '/')
        {
            return 0;
        }

        slash = memchr(p + 3, '/', u[k] + n[k] - (p + 3));
        path[k] = (slash != NULL) ? (size_t) (slash - u[k]) : n[k];

        olen[k] = authgw_url_origin(u[k], path[k], AUTHGW_URL_HTTP,
                                    origin[k], sizeof(origin[k]));
        if (olen[k] == 0) {
            return 0;
        }
    }

    if (olen[0] != olen[1] || memcmp(origin[0], origin[1], olen[0]) != 0) {
        return 0;
    }

    /* an empty path is "/" (RFC 3986 6.2.3) */

    if (path[0] == n[0] && path[1] == n[1]) {
        return 1;
    }

    if (path[0] == n[0]) {
        return n[1] - path[1] == 1;
    }

    if (path[1] == n[1]) {
        return n[0] - path[0] == 1;
    }

    return n[0] - path[0] == n[1] - path[1]
           && memcmp(u[0] + path[0], u[1] + path[1], n[0] - path[0]) == 0;
}


static int authgw_dpop_key(json_t *header, const authgw_dpop_request_t *rq,
    authgw_key_t **key, authgw_dpop_proof_t *out);
static int authgw_dpop_claims(json_t *payload,
    const authgw_dpop_request_t *rq, const authgw_alloc_t *a,
    authgw_dpop_proof_t *out);


/*
 * RFC 9449 4.3, but for the jti's replay (the caller's cache has it): one
 * compact JWS of typ dpop+jwt, an asymmetric alg of rq->algs, a public
 * jwk that verifies its signature, htm the request's method, htu its URL,
 * iat within the window (and not ahead by more than the leeway), a jti,
 * and, with an access token, ath its SHA-256. 0: the proof holds, *out
 * has the key's thumbprint, the jti (in a's memory) and iat; -1: refused,
 * out->why says which check (a static text for the log).
 */

int
authgw_dpop_check(const unsigned char *proof, size_t len,
    const authgw_dpop_request_t *rq, const authgw_alloc_t *a,
    authgw_dpop_proof_t *out)
{
    int               rc;
    size_t            dot1, dot2, hlen;
    json_t           *header;
    authgw_jws_t      jws;
    authgw_key_t     *key;
    unsigned char    *h;
    authgw_status_t   status;

    memset(out, 0, sizeof(authgw_dpop_proof_t));
    out->why = "not a compact JWS";

    if (authgw_jws_split(proof, len, &dot1, &dot2) != AUTHGW_OK) {
        return -1;
    }

    h = authgw_b64url_decode_alloc(a, proof, dot1, &hlen);
    header = (h != NULL) ? authgw_json_parse_header(h, hlen, 0, a) : NULL;

    if (header == NULL) {
        out->why = "the header is not one JSON object of bounded size";
        return -1;
    }

    if (authgw_dpop_key(header, rq, &key, out) != 0) {
        return -1;
    }

    memset(&jws, 0, sizeof(authgw_jws_t));

    status = authgw_jws_verify(proof, len, &key, 1, AUTHGW_ALG_BIT(out->alg),
                               AUTHGW_VERIFY_PROOF, a, &jws);

    if (status != AUTHGW_OK) {
        out->why = "the signature does not verify with its jwk";
        rc = -1;

    } else {
        rc = authgw_dpop_claims(jws.payload, rq, a, out);
    }

    authgw_jws_free(&jws);
    authgw_key_free(key);

    if (rc == 0) {
        out->why = NULL;
    }

    return rc;
}


/* typ, alg and jwk of the header; the key that jwk is, for one alg */

static int
authgw_dpop_key(json_t *header, const authgw_dpop_request_t *rq,
    authgw_key_t **key, authgw_dpop_proof_t *out)
{
    int      alg;
    char     err[128];
    json_t  *typ, *a, *jwk;

    typ = json_object_get(header, "typ");

    if (!json_is_string(typ)
        || !authgw_media_type_eq((const unsigned char *) "dpop+jwt", 8,
                                 (const unsigned char *)
                                     json_string_value(typ),
                                 json_string_length(typ)))
    {
        out->why = "typ is not dpop+jwt";
        return -1;
    }

    a = json_object_get(header, "alg");
    alg = json_is_string(a) ? authgw_alg_from_name(json_string_value(a),
                                                   json_string_length(a))
                            : -1;

    /* never none, never a MAC: the proof's key is the client's public one */

    if (alg < 0 || (AUTHGW_ALG_BIT(alg) & AUTHGW_ALGS_HS)
        || !(AUTHGW_ALG_BIT(alg) & rq->algs))
    {
        out->why = "alg is not an asymmetric algorithm this location allows";
        return -1;
    }

    out->alg = (authgw_alg_t) alg;

    jwk = json_object_get(header, "jwk");

    if (!authgw_jwk_is_public(jwk)) {
        out->why = "jwk is missing, or holds a private key";
        return -1;
    }

    if (json_object_get(header, "crit") != NULL) {
        out->why = "crit is not implemented";
        return -1;
    }

    if (authgw_jwk_thumbprint(jwk, out->jkt) != 0) {
        out->why = "jwk is not a public key of kty RSA, EC or OKP";
        return -1;
    }

    /* the jwk as one key, its own members: those the thumbprint covers */

    if (authgw_key_load_jwk(jwk, alg, key, err, sizeof(err)) != 0) {
        out->why = "jwk is not a key for its alg";
        return -1;
    }

    return 0;
}


/* htm, htu, iat, jti and ath of the verified payload */

static int
authgw_dpop_claims(json_t *payload, const authgw_dpop_request_t *rq,
    const authgw_alloc_t *a, authgw_dpop_proof_t *out)
{
    char            ath[AUTHGW_JKT_LEN + 1];
    double          iat;
    json_t         *v;
    unsigned char   md[32];
    unsigned int    mdlen;

    v = json_object_get(payload, "htm");

    if (!json_is_string(v) || json_string_length(v) != rq->method_len
        || memcmp(json_string_value(v), rq->method, rq->method_len) != 0)
    {
        out->why = "htm is not the request's method";
        return -1;
    }

    /*
     * RFC 9449 4.2: htu is the target URI "without query and fragment
     * parts"; one with either is not what a client makes, and is refused
     * rather than read in part. The request's query is ignored.
     */

    v = json_object_get(payload, "htu");

    if (json_is_string(v)
        && (memchr(json_string_value(v), '?', json_string_length(v))
            || memchr(json_string_value(v), '#', json_string_length(v))))
    {
        out->why = "htu has a query or a fragment";
        return -1;
    }

    if (!json_is_string(v)
        || !authgw_htu_match(json_string_value(v), json_string_length(v),
                             rq->url, rq->url_len))
    {
        out->why = "htu is not the request's URL";
        return -1;
    }

    if (authgw_claims_time(json_object_get(payload, "iat"), &iat) != 0) {
        out->why = "iat is missing or not a NumericDate";
        return -1;
    }

    /* exact in double: all below 2^53 */

    if (iat > (double) (rq->now + rq->leeway)
        || iat < (double) (rq->now - rq->window - rq->leeway))
    {
        out->why = "iat is outside the window";
        return -1;
    }

    out->iat = (int64_t) iat;

    v = json_object_get(payload, "jti");

    if (!json_is_string(v) || json_string_length(v) == 0
        || json_string_length(v) > AUTHGW_DPOP_JTI_MAX)
    {
        out->why = "jti is missing, empty or too long";
        return -1;
    }

    out->jti_len = json_string_length(v);
    out->jti = a->alloc(a->data, out->jti_len + 1);

    if (out->jti == NULL) {
        out->why = "out of memory";
        return -1;
    }

    memcpy(out->jti, json_string_value(v), out->jti_len + 1);

    /* RFC 9449 8: a server nonce, fresh, made with the key */

    if (rq->nonce_key != NULL) {
        v = json_object_get(payload, "nonce");

        if (!json_is_string(v)
            || authgw_dpop_nonce(rq->nonce_key, rq->nonce_key_len,
                                 rq->now, rq->nonce_period, NULL,
                                 json_string_value(v),
                                 json_string_length(v))
               != 0)
        {
            out->why = "nonce is missing, or not a fresh one of this key";
            out->use_nonce = 1;
            return -1;
        }
    }

    if (rq->token == NULL) {
        return 0;
    }

    /* RFC 9449 4.2: ath, the base64url SHA-256 of the access token */

    if (EVP_Digest(rq->token, rq->token_len, md, &mdlen, EVP_sha256(), NULL)
        != 1)
    {
        out->why = "SHA-256 failed";
        return -1;
    }

    ath[authgw_b64url_encode(ath, md, sizeof(md))] = '\0';

    v = json_object_get(payload, "ath");

    if (!json_is_string(v) || json_string_length(v) != AUTHGW_JKT_LEN
        || memcmp(json_string_value(v), ath, AUTHGW_JKT_LEN) != 0)
    {
        out->why = "ath is not the access token's hash";
        return -1;
    }

    return 0;
}


/*
 * A server nonce: base64url of the time slot (now / period, 8 bytes, big
 * endian) and the first 16 bytes of HMAC-SHA256(key, "authgw-dpop-nonce"
 * and the slot): 32 characters. With out: writes the nonce of now (and a
 * NUL); returns 0. With nonce: 0 when it is one of this key, of now's
 * slot or the one before (a nonce lives one to two periods), -1 otherwise.
 */

int
authgw_dpop_nonce(const unsigned char *key, size_t key_len, int64_t now,
    int64_t period, char *out, const char *nonce, size_t len)
{
    size_t          i, maclen;
    int64_t         slot;
    uint64_t        s;
    unsigned char   in[AUTHGW_NONCE_LABEL_LEN + 8], raw[24], mac[32];
    unsigned char   got[24];

    if (period <= 0 || now < 0) {
        return -1;
    }

    slot = now / period;

    if (nonce != NULL) {
        if (len != AUTHGW_NONCE_LEN
            || authgw_b64url_decode(got, &maclen, (const unsigned char *)
                                    nonce, len) != 0
            || maclen != sizeof(got))
        {
            return -1;
        }

        s = 0;

        for (i = 0; i < 8; i++) {
            s = (s << 8) | got[i];
        }

        if (s != (uint64_t) slot && !(slot > 0 && s == (uint64_t) slot - 1))
        {
            return -1;
        }

        slot = (int64_t) s;
    }

    memcpy(in, AUTHGW_NONCE_LABEL, AUTHGW_NONCE_LABEL_LEN);

    for (i = 0; i < 8; i++) {
        raw[i] = (unsigned char) ((uint64_t) slot >> (56 - 8 * i));
    }

    memcpy(in + AUTHGW_NONCE_LABEL_LEN, raw, 8);

    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_len, in,
                  sizeof(in), mac, sizeof(mac), &maclen) == NULL
        || maclen != sizeof(mac))
    {
        return -1;
    }

    memcpy(raw + 8, mac, 16);

    if (nonce != NULL) {
        return CRYPTO_memcmp(raw + 8, got + 8, 16) == 0 ? 0 : -1;
    }

    out[authgw_b64url_encode(out, raw, sizeof(raw))] = '\0';

    return 0;
}


/*
 * The token's binding against the request (RFC 9449 7.1 and 7.2, RFC 8705
 * 3): its cnf.jkt, the thumbprint of the proof's key, when it came as
 * "Authorization: DPoP" (and a bound token never as anything else); its
 * cnf["x5t#S256"], the client certificate's. A mode "required" asks every
 * token to be bound so; "optional" only a token that is. A cnf, jkt or
 * x5t#S256 of the wrong shape is a binding that cannot be met: refused.
 */

authgw_status_t
authgw_binding_check(json_t *payload, const authgw_binding_t *b,
    const char **why)
{
    json_t      *cnf, *jkt, *x5t, *v;
    const char  *s, *name;

    if (b->dpop == AUTHGW_BIND_OFF && b->mtls == AUTHGW_BIND_OFF) {
        return AUTHGW_OK;
    }

    cnf = json_object_get(payload, "cnf");

    if (cnf != NULL && !json_is_object(cnf)) {
        *why = "cnf is not an object";
        return AUTHGW_UNBOUND_TOKEN;
    }

    jkt = json_object_get(cnf, "jkt");
    x5t = json_object_get(cnf, "x5t#S256");

    /*
     * a binding this location does not check (RFC 7800 jwk, jku, kid; a
     * jkt where DPoP is off): the token is someone's, and not a bearer
     * token; taken as one, the binding would be for nothing
     */

    json_object_foreach(cnf, name, v) {
        if (!((b->dpop != AUTHGW_BIND_OFF && strcmp(name, "jkt") == 0)
              || (b->mtls != AUTHGW_BIND_OFF
                  && strcmp(name, "x5t#S256") == 0)))
        {
            *why = "cnf binds the token in a way this location does not "
                   "check";
            return AUTHGW_UNBOUND_TOKEN;
        }
    }

    if (b->dpop != AUTHGW_BIND_OFF) {

        if (jkt == NULL) {
            if (b->scheme_dpop) {
                *why = "the token came as DPoP but has no cnf.jkt";
                return AUTHGW_UNBOUND_TOKEN;
            }

            if (b->dpop == AUTHGW_BIND_REQUIRED) {
                *why = "this location takes DPoP-bound tokens only";
                return AUTHGW_UNBOUND_TOKEN;
            }

        } else if (!b->scheme_dpop) {
            *why = b->dpop == AUTHGW_BIND_REQUIRED
                   ? "this location takes DPoP-bound tokens only, "
                     "with a proof"
                   : "a DPoP-bound token (cnf.jkt) came as a bearer token";
            return AUTHGW_UNBOUND_TOKEN;

        } else {
            s = json_string_value(jkt);

            if (s == NULL || b->proof_jkt == NULL
                || json_string_length(jkt) != AUTHGW_JKT_LEN
                || memcmp(s, b->proof_jkt, AUTHGW_JKT_LEN) != 0)
            {
                *why = "cnf.jkt is not the thumbprint of the proof's key";
                return AUTHGW_DPOP_KEY_MISMATCH;
            }
        }
    }

    if (b->mtls == AUTHGW_BIND_OFF) {
        return AUTHGW_OK;
    }

    if (x5t == NULL) {
        if (b->mtls == AUTHGW_BIND_REQUIRED) {
            *why = "this location takes certificate-bound tokens only "
                   "(cnf[\"x5t#S256\"])";
            return AUTHGW_UNBOUND_TOKEN;
        }

        return AUTHGW_OK;
    }

    if (b->cert_x5t == NULL) {
        *why = "the token is bound to a certificate, and the connection "
               "has no client certificate";
        return AUTHGW_CERT_MISMATCH;
    }

    s = json_string_value(x5t);

    if (s == NULL || json_string_length(x5t) != AUTHGW_JKT_LEN
        || memcmp(s, b->cert_x5t, AUTHGW_JKT_LEN) != 0)
    {
        *why = "cnf[\"x5t#S256\"] is not the client certificate's";
        return AUTHGW_CERT_MISMATCH;
    }

    return AUTHGW_OK;
}


int
authgw_cert_thumbprint(const unsigned char *der, size_t len,
    char out[AUTHGW_JKT_LEN + 1])
{
    unsigned int   mdlen;
    unsigned char  md[32];

    if (len == 0
        || EVP_Digest(der, len, md, &mdlen, EVP_sha256(), NULL) != 1)
    {
        return -1;
    }

    out[authgw_b64url_encode(out, md, sizeof(md))] = '\0';

    return 0;
}


static int authgw_cert_unescape(const char *text, size_t len, char *buf,
    size_t *n);
static int authgw_cert_base64(char *s, size_t len, unsigned char *der,
    size_t *n);
static int authgw_cert_der(const unsigned char *der, size_t n);


/*
 * The certificate a TLS terminator passes in a header: one PEM block (its
 * newlines may be URL-encoded, as nginx's $ssl_client_escaped_cert, or
 * spaces, as some proxies fold them), or RFC 9440 ":base64:". Only the
 * first certificate counts (the client's; a chain may follow in PEM).
 * The DER is not parsed: its hash is what the token names, and the
 * terminator is what checked the certificate.
 */

int
authgw_cert_text_thumbprint(const char *text, size_t len,
    const authgw_alloc_t *a, char out[AUTHGW_JKT_LEN + 1])
{
    size_t          n, dlen;
    char           *buf, *p, *end;
    unsigned char  *der;

    static const char  begin[] = "-----BEGIN CERTIFICATE-----";
    static const char  stop[] = "-----END CERTIFICATE-----";

    if (len == 0) {
        return 1;
    }

    if (len > AUTHGW_CERT_TEXT_MAX) {
        return -1;
    }

    buf = a->alloc(a->data, 2 * len + 1);
    if (buf == NULL) {
        return -1;
    }

    der = (unsigned char *) buf + len + 1;

    if (len > 2 && text[0] == ':' && text[len - 1] == ':') {
        /* RFC 9440 2.1: an sf-binary, standard base64 with padding */
        memcpy(buf, text + 1, len - 2);

        if (authgw_cert_base64(buf, len - 2, der, &dlen) != 0) {
            return -1;
        }

        return authgw_cert_thumbprint(der, dlen, out);
    }

    if (authgw_cert_unescape(text, len, buf, &n) != 0) {
        return -1;
    }

    buf[n] = '\0';

    p = strstr(buf, begin);
    if (p == NULL) {
        return -1;
    }

    p += sizeof(begin) - 1;

    end = strstr(p, stop);
    if (end == NULL || authgw_cert_base64(p, end - p, der, &dlen) != 0) {
        return -1;
    }

    return authgw_cert_thumbprint(der, dlen, out);
}


/* %XX escapes decoded; a malformed escape or a NUL fails */

static int
authgw_cert_unescape(const char *text, size_t len, char *buf, size_t *n)
{
    size_t  i, k;
    int     hi, lo;

    for (i = 0, k = 0; i < len; i++) {

        if (text[i] == '%') {
            if (len - i < 3) {
                return -1;
            }

            hi = OPENSSL_hexchar2int((unsigned char) text[i + 1]);
            lo = OPENSSL_hexchar2int((unsigned char) text[i + 2]);

            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                return -1;
            }

            buf[k++] = (char) (hi << 4 | lo);
            i += 2;
            continue;
        }

        if (text[i] == '\0') {
            return -1;
        }

        buf[k++] = text[i];
    }

    *n = k;

    return 0;
}


/*
 * Standard base64 with padding, in place; white space (the lines of PEM,
 * or what a proxy folded them into) is skipped. EVP_DecodeBlock() counts
 * padding as data bytes, so the padding is taken off here. der: len bytes.
 */

static int
authgw_cert_base64(char *s, size_t len, unsigned char *der, size_t *n)
{
    int     m;
    size_t  i, k, pad;

    for (i = 0, k = 0; i < len; i++) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
            continue;
        }

        s[k++] = s[i];
    }

    pad = 0;

    while (pad < 2 && k > pad && s[k - 1 - pad] == '=') {
        pad++;
    }

    if (k == 0 || k % 4 != 0) {
        return -1;
    }

    for (i = 0; i < k; i++) {
        if (s[i] == '=' && i < k - pad) {
            return -1;
        }
    }

    m = EVP_DecodeBlock(der, (unsigned char *) s, (int) k);

    if (m < 0 || (size_t) m < pad) {
        return -1;
    }

    *n = (size_t) m - pad;

    return authgw_cert_der(der, *n);
}


/*
 * The bytes are one DER SEQUENCE, whole (a certificate is one): anything
 * else was not a certificate, and could never match a token's x5t#S256
 */

static int
authgw_cert_der(const unsigned char *der, size_t n)
{
    size_t  i, k, len;

    if (n < 2 || der[0] != 0x30) {
        return -1;
    }

    if (der[1] < 0x80) {
        return (2 + (size_t) der[1] == n) ? 0 : -1;
    }

    k = der[1] & 0x7f;

    if (k == 0 || k > 4 || n < 2 + k) {
        return -1;
    }

    for (i = 0, len = 0; i < k; i++) {
        len = (len << 8) | der[2 + i];
    }

    return (len == n - 2 - k) ? 0 : -1;
}
