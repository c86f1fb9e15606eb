
/*
 * Sender-constrained tokens (RFC 9449 DPoP, RFC 8705): what binds a token
 * to a key. authgw_jwk_thumbprint() is the RFC 7638 thumbprint of a public
 * JWK, which a DPoP-bound token names in cnf.jkt; authgw_jwk_is_public()
 * tells a proof's jwk that carries a private member; authgw_htu_match()
 * compares a proof's htu with the request's URL.
 */


#include <string.h>

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
