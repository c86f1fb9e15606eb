
/*
 * base64url and strict JSON. Whatever decodes must encode back to exactly
 * the input (one canonical encoding), or the target aborts; whatever
 * parses as a JSON object is rendered in the variables' encoding. The
 * input as a Cookie field: stripped of the cookie "at" in bounds, once for
 * all (stripping again removes nothing). As text for a log line: escaped
 * into printable ASCII, in bounds.
 */


#include <stdlib.h>
#include <string.h>

#include "fuzz.h"


static void fuzz_text(const uint8_t *data, size_t size);


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

    return 0;
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
