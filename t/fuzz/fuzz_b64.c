
/*
 * base64url and strict JSON. Whatever decodes must encode back to exactly
 * the input (one canonical encoding), or the target aborts; whatever
 * parses as a JSON object is rendered in the variables' encoding.
 */


#include <stdlib.h>
#include <string.h>

#include "fuzz.h"


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

    return 0;
}
