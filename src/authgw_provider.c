
/*
 * Identity providers: the issuer a token names, read before its signature
 * is checked to choose whose keys may check it; the origin of a URL; an
 * OpenID provider's metadata (issuer and jwks_uri) checked against the
 * issuer it is fetched for.
 */


#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authgw.h"


/* the bytes the scan looks at outside strings: " { [ } ] , */

static const unsigned char  authgw_scan_stop[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,   /*  "   ,  */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0,   /*  [ ]  */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0,   /*  { }  */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};


/*
 * the base64url characters of a payload decoded and scanned first (a
 * multiple of 4); and what the scan of them says when they end before it
 * is decided
 */
#define AUTHGW_ISSUER_PREFIX  1024
#define AUTHGW_ISSUER_MORE    AUTHGW_STATUS_COUNT


static authgw_status_t authgw_issuer_scan(const unsigned char *p, size_t n,
    const authgw_alloc_t *a, const unsigned char **iss, size_t *iss_len);
static authgw_status_t authgw_issuer_value(const unsigned char *p, size_t n,
    size_t i, const authgw_alloc_t *a, const unsigned char **iss,
    size_t *iss_len);
static size_t authgw_string_end(const unsigned char *p, size_t i, size_t n);
static size_t authgw_skip_space(const unsigned char *p, size_t i, size_t n);
static int authgw_url_byte(unsigned char c);
static int authgw_origin_allowed(const char *origin, size_t len,
    const authgw_str_t *origins, size_t norigins);


/*
 * The payload is only scanned, not parsed: a top-level member whose name
 * is exactly "iss" (the first, if a forger gives two: jansson refuses the
 * token later), and its value if it is a string, which jansson decodes
 * alone. What the scan finds only chooses the keys: the signature, then
 * the payload's own parse and the provider's issuer rule decide. The scan
 * costs about a nanosecond a byte; no object is built for a token that no
 * key has checked. The payload's first AUTHGW_ISSUER_PREFIX base64url
 * characters are decoded and scanned first: real tokens name their issuer
 * there, and a forged 15 KB payload with an early "iss" is not decoded
 * whole before its signature fails.
 */

authgw_status_t
authgw_jws_issuer(const unsigned char *token, size_t len,
    const authgw_alloc_t *a, const unsigned char **iss, size_t *iss_len)
{
    size_t                n, slen, dot1, dot2;
    unsigned char        *p;
    authgw_status_t       status;
    const unsigned char  *p1;

    *iss = NULL;
    *iss_len = 0;

    status = authgw_jws_split(token, len, &dot1, &dot2);
    if (status != AUTHGW_OK) {
        return status;
    }

    p1 = token + dot1;
    slen = dot2 - dot1 - 1;

    if (slen > AUTHGW_ISSUER_PREFIX) {
        p = a->alloc(a->data, AUTHGW_ISSUER_PREFIX / 4 * 3);
        if (p == NULL) {
            return AUTHGW_INTERNAL_ERROR;
        }

        if (authgw_b64url_decode(p, &n, p1 + 1, AUTHGW_ISSUER_PREFIX) != 0) {
            return AUTHGW_MALFORMED_TOKEN;
        }

        status = authgw_issuer_scan(p, n, a, iss, iss_len);

        /* decided: the rest must still be strict base64url, undecoded */

        if (status != AUTHGW_ISSUER_MORE) {
            if (authgw_b64url_check(p1 + 1 + AUTHGW_ISSUER_PREFIX,
                                    slen - AUTHGW_ISSUER_PREFIX)
                != 0)
            {
                *iss = NULL;
                *iss_len = 0;
                return AUTHGW_MALFORMED_TOKEN;
            }

            return status;
        }
    }

    p = authgw_b64url_decode_alloc(a, p1 + 1, slen, &n);
    if (p == NULL) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    status = authgw_issuer_scan(p, n, a, iss, iss_len);

    return status == AUTHGW_ISSUER_MORE ? AUTHGW_MALFORMED_TOKEN : status;
}


/*
 * The scan of a decoded payload, or of its start: AUTHGW_ISSUER_MORE when
 * the bytes end before it is decided
 */

static authgw_status_t
authgw_issuer_scan(const unsigned char *p, size_t n, const authgw_alloc_t *a,
    const unsigned char **iss, size_t *iss_len)
{
    int     key;
    size_t  i, end, depth;

    i = authgw_skip_space(p, 0, n);

    if (i == n) {
        return AUTHGW_ISSUER_MORE;
    }

    if (p[i] != '{') {
        return AUTHGW_MALFORMED_TOKEN;
    }

    depth = 0;
    key = 0;

    for ( /* void */ ; i < n; i++) {

        while (!authgw_scan_stop[p[i]]) {
            if (++i == n) {
                return AUTHGW_ISSUER_MORE;
            }
        }

        switch (p[i]) {

        case '"':
            end = authgw_string_end(p, i, n);
            if (end == 0) {
                return AUTHGW_ISSUER_MORE;
            }

            if (depth == 1 && key && end - i == 4
                && memcmp(p + i, "\"iss\"", 5) == 0)
            {
                return authgw_issuer_value(p, n, end + 1, a, iss, iss_len);
            }

            key = 0;
            i = end;
            break;

        case '{':
        case '[':
            depth++;
            key = (depth == 1);
            break;

        case '}':
        case ']':
            if (depth-- == 1) {
                return AUTHGW_BAD_ISSUER;   /* the object ended */
            }
            break;

        case ',':
            key = (depth == 1);
            break;

        default:
            break;
        }
    }

    return AUTHGW_ISSUER_MORE;
}


/* ':' then the member's value, from i: a string, or no issuer at all */

static authgw_status_t
authgw_issuer_value(const unsigned char *p, size_t n, size_t i,
    const authgw_alloc_t *a, const unsigned char **iss, size_t *iss_len)
{
    size_t  end;

    i = authgw_skip_space(p, i, n);

    if (i == n) {
        return AUTHGW_ISSUER_MORE;
    }

    if (p[i] != ':') {
        return AUTHGW_MALFORMED_TOKEN;
    }

    i = authgw_skip_space(p, i + 1, n);

    if (i == n) {
        return AUTHGW_ISSUER_MORE;
    }

    if (p[i] != '"') {
        return AUTHGW_BAD_ISSUER;   /* not a string */
    }

    end = authgw_string_end(p, i, n);
    if (end == 0) {
        return AUTHGW_ISSUER_MORE;
    }

    if (authgw_json_string(p + i, end + 1 - i, a, iss, iss_len) != 0) {
        return AUTHGW_BAD_ISSUER;
    }

    return AUTHGW_OK;
}


/* the index of the quote that ends the string opened at i; 0: none */

static size_t
authgw_string_end(const unsigned char *p, size_t i, size_t n)
{
    for (i++; i < n; i++) {
        if (p[i] == '\\') {
            i++;

        } else if (p[i] == '"') {
            return i;
        }
    }

    return 0;
}


static size_t
authgw_skip_space(const unsigned char *p, size_t i, size_t n)
{
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n'
                     || p[i] == '\r'))
    {
        i++;
    }

    return i;
}


/*
 * scheme "://" host [":" port], the scheme and host in lower case and the
 * scheme's default port left out (RFC 6454 section 4, as RFC 3986 section
 * 6.2.3 normalizes them). The URL is refused if it has userinfo ("@": the
 * host a reader takes is not always the one a client connects to), an
 * empty host or port, a fragment, or a byte that a request line cannot
 * carry as it is. Returns the origin's length, or 0.
 */

size_t
authgw_url_origin(const char *url, size_t len, unsigned flags, char *origin,
    size_t size)
{
    size_t       i, start, host, port, o;
    unsigned     value;
    const char  *scheme;

    if (len > AUTHGW_URL_MAX || size < len + 1) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!authgw_url_byte((unsigned char) url[i])) {
            return 0;
        }
    }

    if (len > 8 && strncasecmp(url, "https://", 8) == 0) {
        scheme = "https://";
        start = 8;

    } else if (len > 7 && strncasecmp(url, "http://", 7) == 0
               && (flags & AUTHGW_URL_HTTP))
    {
        scheme = "http://";
        start = 7;

    } else {
        return 0;
    }

    for (i = start; i < len && url[i] != '/' && url[i] != '?'; i++) {
        if (url[i] == '@') {
            return 0;
        }
    }

    /* the authority is url[start, i): a host, or [an IPv6 literal] */

    host = start;

    if (url[host] == '[') {
        for (port = host + 1; port < i && url[port] != ']'; port++) {
            if (!(isxdigit((unsigned char) url[port]) || url[port] == ':'
                  || url[port] == '.'))
            {
                return 0;
            }
        }

        if (port == i || port == host + 1) {
            return 0;
        }

        port++;

    } else {
        for (port = host; port < i && url[port] != ':'; port++) {
            if (!(isalnum((unsigned char) url[port]) || url[port] == '.'
                  || url[port] == '-'))
            {
                return 0;
            }
        }

        if (port == host) {
            return 0;
        }
    }

    value = 0;

    if (port < i) {
        if (url[port] != ':' || port + 1 == i || i - port > 6) {
            return 0;
        }

        for (o = port + 1; o < i; o++) {
            if (!isdigit((unsigned char) url[o])) {
                return 0;
            }

            value = value * 10 + (url[o] - '0');
        }

        if (value == 0 || value > 65535) {
            return 0;
        }
    }

    if (flags & AUTHGW_URL_NO_FRAGMENT) {
        if (memchr(url, '#', len) != NULL) {
            return 0;
        }
    }

    o = strlen(scheme);
    memcpy(origin, scheme, o);

    for (i = host; i < port; i++) {
        origin[o++] = (char) tolower((unsigned char) url[i]);
    }

    if (value != 0 && value != (start == 8 ? 443u : 80u)) {
        o += snprintf(origin + o, size - o, ":%u", value);
    }

    origin[o] = '\0';

    return o;
}


/* RFC 3986's characters: no space, control, '"', '<', '>', '\', '^', '`',
 * '{', '|', '}' or byte above 0x7E */

static int
authgw_url_byte(unsigned char c)
{
    return c > 0x20 && c < 0x7f && strchr("\"<>\\^`{|}", c) == NULL;
}


/*
 * An OpenID provider's metadata (OpenID Connect Discovery 1.0 section 4,
 * RFC 8414 section 3): one JSON object whose "issuer" is exactly the one
 * configured (section 4.3: else its keys are not to be used), and whose
 * "jwks_uri" is an https URL (http with AUTHGW_URL_HTTP) on the issuer's
 * origin or one of origins. The URL is written to jwks_uri (size bytes,
 * NUL-terminated); returns its length, or 0 with the reason in err.
 */

size_t
authgw_discovery_parse(const unsigned char *buf, size_t len,
    const authgw_str_t *issuer, const authgw_str_t *origins,
    size_t norigins, unsigned flags, char *jwks_uri, size_t size, char *err,
    size_t errlen)
{
    char         esc[160], origin[AUTHGW_URL_MAX + 1];
    char         own[AUTHGW_URL_MAX + 1];
    size_t       n, olen, ownlen;
    json_t      *meta, *iss, *uri;
    const char  *s;

    meta = authgw_json_parse(buf, len, 0, NULL);
    if (meta == NULL) {
        snprintf(err, errlen, "not a JSON object (or one nested too deep, "
                 "with a duplicate member or a NUL byte)");
        return 0;
    }

    n = 0;
    iss = json_object_get(meta, "issuer");
    uri = json_object_get(meta, "jwks_uri");

    if (!json_is_string(iss)) {
        snprintf(err, errlen, "no \"issuer\" string");
        goto done;
    }

    if (!authgw_str_eq(issuer, iss)) {
        authgw_escape(esc, sizeof(esc), json_string_value(iss),
                      json_string_length(iss));
        snprintf(err, errlen, "its issuer \"%s\" is not the one configured, "
                 "\"%.*s\": its keys are not used", esc, (int) issuer->len,
                 (const char *) issuer->data);
        goto done;
    }

    if (!json_is_string(uri)) {
        snprintf(err, errlen, "no \"jwks_uri\" string");
        goto done;
    }

    s = json_string_value(uri);
    authgw_escape(esc, sizeof(esc), s, json_string_length(uri));

    if (json_string_length(uri) > AUTHGW_URL_MAX) {
        snprintf(err, errlen, "its jwks_uri \"%s\" is longer than %d bytes",
                 esc, AUTHGW_URL_MAX);
        goto done;
    }

    olen = authgw_url_origin(s, json_string_length(uri),
                             flags | AUTHGW_URL_NO_FRAGMENT, origin,
                             sizeof(origin));
    if (olen == 0) {
        snprintf(err, errlen, "its jwks_uri \"%s\" is not an %s URL that "
                 "can be fetched (userinfo, a fragment, an empty host or "
                 "port, or a byte a request line cannot carry)", esc,
                 (flags & AUTHGW_URL_HTTP) ? "http or https" : "https");
        goto done;
    }

    ownlen = authgw_url_origin((const char *) issuer->data, issuer->len,
                               AUTHGW_URL_HTTP, own, sizeof(own));

    if ((ownlen != olen || memcmp(own, origin, olen) != 0)
        && !authgw_origin_allowed(origin, olen, origins, norigins))
    {
        snprintf(err, errlen, "its jwks_uri \"%s\" is not on the issuer's "
                 "origin, and no jwks_origin allows %s", esc, origin);
        goto done;
    }

    if (json_string_length(uri) + 1 > size) {
        snprintf(err, errlen, "its jwks_uri is too long");
        goto done;
    }

    n = json_string_length(uri);
    memcpy(jwks_uri, s, n);
    jwks_uri[n] = '\0';

done:

    json_decref(meta);

    return n;
}


static int
authgw_origin_allowed(const char *origin, size_t len,
    const authgw_str_t *origins, size_t norigins)
{
    size_t  i;

    for (i = 0; i < norigins; i++) {
        if (origins[i].len == len
            && memcmp(origins[i].data, origin, len) == 0)
        {
            return 1;
        }
    }

    return 0;
}
