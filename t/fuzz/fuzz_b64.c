
/*
 * base64url and strict JSON. Whatever decodes must encode back to exactly
 * the input (one canonical encoding), or the target aborts; whatever
 * parses as a JSON object is rendered in the variables' encoding. The
 * input as a Cookie field: stripped of the cookie "at" in bounds, once for
 * all (stripping again removes nothing). As text for a log line: escaped
 * into printable ASCII, in bounds. As a URL: its origin, which is its own
 * origin. As a provider's metadata: a jwks_uri only on an origin allowed.
 * As a token's payload: the issuer the scan finds is the one jansson
 * parses, whenever it parses.
 */


#include <stdlib.h>
#include <string.h>

#include "fuzz.h"


static void fuzz_text(const uint8_t *data, size_t size);
static void fuzz_provider(const uint8_t *data, size_t size);
static void fuzz_issuer(const uint8_t *data, size_t size);


int
fuzz_one(const uint8_t *data, size_t size)
{
    char           *enc;
    size_t          n, m, len;
    json_t         *json, *pooled, *v;
    const char     *key;
    unsigned char  *dec, *out;

    dec = malloc(authgw_b64url_decoded_len(size) + 1);

    if (authgw_b64url_decode(dec, &n, data, size) == 0) {
        enc = malloc(n / 3 * 4 + 4);
        m = authgw_b64url_encode(enc, dec, n);

        if (m != size || memcmp(enc, data, size) != 0) {
            abort();
        }

        free(enc);
    }

    free(dec);

    json = authgw_json_parse(data, size, JSON_ALLOW_NUL, NULL);

    if (json != NULL) {
        json_object_foreach(json, key, v) {
            (void) key;
            (void) authgw_json_text(v, &fuzz_alloc, &out, &len);
        }

        (void) authgw_json_text(json, &fuzz_alloc, &out, &len);
    }

    /* the same text parsed into the arena: the same answer, the same value */

    pooled = authgw_json_parse(data, size, JSON_ALLOW_NUL, &fuzz_alloc);

    if ((json == NULL) != (pooled == NULL)
        || (json != NULL && !json_equal(json, pooled)))
    {
        abort();
    }

    json_decref(json);

    fuzz_text(data, size);
    fuzz_provider(data, size);
    fuzz_issuer(data, size);

    return 0;
}


static void
fuzz_provider(const uint8_t *data, size_t size)
{
    char           origin[AUTHGW_URL_MAX + 1], again[AUTHGW_URL_MAX + 1];
    char           uri[AUTHGW_URL_MAX + 1], err[256];
    char           nonce[AUTHGW_JKT_LEN + 1];  /* and a nonce's 32 */
    int            k;
    int64_t        now;
    size_t         n, m, i, half;
    unsigned       flags;
    authgw_str_t   iss, allowed;

    for (flags = 0; flags < 4; flags++) {
        n = authgw_url_origin((const char *) data, size, flags, origin,
                              sizeof(origin));
        if (n == 0) {
            continue;
        }

        if (n > size || n != strlen(origin)) {
            abort();
        }

        /* scheme "://" authority: nothing after it, nothing unprintable */

        for (i = 0; i < n; i++) {
            if (origin[i] <= 0x20 || origin[i] >= 0x7f || origin[i] == '@'
                || (i >= 8 && (origin[i] == '/' || origin[i] == '?'
                               || origin[i] == '#')))
            {
                abort();
            }
        }

        m = authgw_url_origin(origin, n, flags, again, sizeof(again));

        if (m != n || memcmp(origin, again, n) != 0) {
            abort();
        }
    }

    /*
     * a DPoP htu against the request's URL: symmetric, and a URL that
     * matches anything matches itself
     */

    half = size / 2;
    k = authgw_htu_match((const char *) data, half,
                         (const char *) data + half, size - half);

    if (k != authgw_htu_match((const char *) data + half, size - half,
                              (const char *) data, half)
        || (k && !authgw_htu_match((const char *) data, half,
                                   (const char *) data, half)))
    {
        abort();
    }

    /* any bytes as a certificate a TLS terminator passes */

    k = authgw_cert_text_thumbprint((const char *) data, size, &fuzz_alloc,
                                    nonce);
    if (k < -1 || k > 1 || (k == 0 && strlen(nonce) != AUTHGW_JKT_LEN)
        || (k == 1) != (size == 0))
    {
        abort();
    }

    /* any bytes as a server nonce; one made now is good now */

    (void) authgw_dpop_nonce((const unsigned char *) "k", 1, 1800000000, 60,
                             NULL, (const char *) data, size);

    if (size >= 8) {
        memcpy(&now, data, sizeof(now));
        now &= 0x7fffffffffffLL;

        if (authgw_dpop_nonce(data, size, now, 1 + data[0], nonce, NULL, 0)
            != 0
            || authgw_dpop_nonce(data, size, now, 1 + data[0], NULL, nonce,
                                 strlen(nonce))
               != 0)
        {
            abort();
        }
    }

    iss.data = (const unsigned char *) "https://id.example.com/r";
    iss.len = sizeof("https://id.example.com/r") - 1;
    allowed.data = (const unsigned char *) "https://k.example";
    allowed.len = sizeof("https://k.example") - 1;

    n = authgw_discovery_parse(data, size, &iss, &allowed, 1, 0, uri,
                               sizeof(uri), err, sizeof(err));
    if (n == 0) {
        if (strlen(err) == 0) {
            abort();
        }

        return;
    }

    m = authgw_url_origin(uri, n, AUTHGW_URL_NO_FRAGMENT, origin,
                          sizeof(origin));

    if (n != strlen(uri)
        || !((m == 22 && memcmp(origin, "https://id.example.com", 22) == 0)
             || (m == 17 && memcmp(origin, "https://k.example", 17) == 0)))
    {
        abort();
    }
}


static void
fuzz_issuer(const uint8_t *data, size_t size)
{
    char                 *t;
    size_t                n, len;
    json_t               *payload, *v;
    authgw_status_t       st;
    const unsigned char  *iss;

    if (size > AUTHGW_TOKEN_MAX / 2) {
        return;
    }

    t = malloc(size * 2 + 16);
    memcpy(t, "e30.", 4);
    n = 4 + authgw_b64url_encode(t + 4, data, size);
    memcpy(t + n, ".c", 2);
    n += 2;

    st = authgw_jws_issuer((unsigned char *) t, n, &fuzz_alloc, &iss, &len);

    if ((st == AUTHGW_OK) != (iss != NULL)) {
        abort();
    }

    payload = authgw_json_parse(data, size, JSON_ALLOW_NUL, NULL);

    if (st == AUTHGW_OK && payload != NULL) {
        v = json_object_get(payload, "iss");

        if (!json_is_string(v) || json_string_length(v) != len
            || memcmp(json_string_value(v), iss, len) != 0)
        {
            abort();
        }
    }

    json_decref(payload);
    free(t);
}


static void
fuzz_text(const uint8_t *data, size_t size)
{
    int            comma;
    char          *out, *again, esc[64];
    size_t         n, m, i, removed;
    authgw_str_t   name;

    name.data = (const unsigned char *) "at";
    name.len = 2;

    for (comma = 0; comma < 2; comma++) {
        out = malloc(size + 1);
        again = malloc(size + 1);

        n = authgw_cookie_strip((const char *) data, size, &name, 1, comma,
                                out, &removed);
        if (n > size) {
            abort();
        }

        m = authgw_cookie_strip(out, n, &name, 1, comma, again, &removed);
        if (removed != 0 || m != n || memcmp(out, again, n) != 0) {
            abort();
        }

        free(out);
        free(again);
    }

    n = authgw_escape(esc, sizeof(esc), (const char *) data, size);

    if (n >= sizeof(esc) || n != strlen(esc)) {
        abort();
    }

    for (i = 0; i < n; i++) {
        if (esc[i] < 0x20 || esc[i] >= 0x7f) {
            abort();
        }
    }
}
