
/*
 * Strict JSON: one object, UTF-8, no duplicate members (jansson's
 * JSON_REJECT_DUPLICATES), nesting bounded before jansson recurses.
 * Values are rendered in the one encoding that SPEC section 3 gives.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authgw.h"


static void *authgw_json_pool_alloc(size_t size);
static void authgw_json_pool_free(void *ptr);
static int authgw_json_depth_ok(const unsigned char *buf, size_t len);
static int authgw_json_scalar_text(json_t *v, char *buf, size_t size);


static int
authgw_json_depth_ok(const unsigned char *buf, size_t len)
{
    int      in_string, escaped;
    size_t   i, depth;

    depth = 0;
    in_string = 0;
    escaped = 0;

    for (i = 0; i < len; i++) {

        if (in_string) {
            if (escaped) {
                escaped = 0;

            } else if (buf[i] == '\\') {
                escaped = 1;

            } else if (buf[i] == '"') {
                in_string = 0;
            }

            continue;
        }

        switch (buf[i]) {

        case '"':
            in_string = 1;
            break;

        case '{':
        case '[':
            if (++depth > AUTHGW_JSON_MAX_DEPTH) {
                return 0;
            }
            break;

        case '}':
        case ']':
            if (depth > 0) {
                depth--;
            }
            break;

        default:
            break;
        }
    }

    return 1;
}


/*
 * jansson's allocation functions are one pair per process. For the length
 * of one parse given an allocator (a request pool), they are swapped for a
 * pair that takes blocks from it and frees nothing, then put back: the
 * objects of that parse live in the pool and go with it, and must never be
 * given to json_decref(). Nothing else runs in a worker during a parse, so
 * no other user of jansson sees the swap.
 */

static const authgw_alloc_t  *authgw_json_pool;


static void *
authgw_json_pool_alloc(size_t size)
{
    return authgw_json_pool->alloc(authgw_json_pool->data, size);
}


static void
authgw_json_pool_free(void *ptr)
{
    (void) ptr;
}


/* a: the pool that the objects live in (NULL: the heap, json_decref) */

json_t *
authgw_json_parse(const unsigned char *buf, size_t len, int flags,
    const authgw_alloc_t *a)
{
    json_t        *json;
    json_free_t    f;
    json_error_t   error;
    json_malloc_t  m;

    if (!authgw_json_depth_ok(buf, len)) {
        return NULL;
    }

    if (a != NULL) {
        json_get_alloc_funcs(&m, &f);
        json_set_alloc_funcs(authgw_json_pool_alloc, authgw_json_pool_free);
        authgw_json_pool = a;
    }

    json = json_loadb((const char *) buf, len,
                      JSON_REJECT_DUPLICATES | flags, &error);

    if (a != NULL) {
        json_set_alloc_funcs(m, f);
        authgw_json_pool = NULL;
    }

    if (json == NULL) {
        return NULL;
    }

    if (!json_is_object(json)) {
        if (a == NULL) {
            json_decref(json);
        }

        return NULL;
    }

    return json;
}


/* a number, boolean or null as its JSON text; returns the length or -1 */

static int
authgw_json_scalar_text(json_t *v, char *buf, size_t size)
{
    int      n, prec;
    double   d;

    switch (json_typeof(v)) {

    case JSON_INTEGER:
        n = snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;

    case JSON_REAL:
        d = json_real_value(v);

        /* the shortest text that reads back as the same double */

        for (prec = 15; prec <= 17; prec++) {
            n = snprintf(buf, size, "%.*g", prec, d);

            if (n > 0 && (size_t) n < size && strtod(buf, NULL) == d) {
                break;
            }
        }

        break;

    case JSON_TRUE:
        n = snprintf(buf, size, "true");
        break;

    case JSON_FALSE:
        n = snprintf(buf, size, "false");
        break;

    case JSON_NULL:
        n = snprintf(buf, size, "null");
        break;

    default:
        return -1;
    }

    if (n < 0 || (size_t) n >= size) {
        return -1;
    }

    return n;
}


/*
 * A string as is; a number, boolean or null as its JSON text; an array of
 * scalars comma-joined; an object or nested array as compact JSON.
 */

int
authgw_json_text(json_t *value, const authgw_alloc_t *a, unsigned char **out,
    size_t *len)
{
    int             n;
    char            tmp[64];
    size_t          i, size, total;
    json_t         *e;
    unsigned char  *p;

    if (json_is_string(value)) {
        *out = (unsigned char *) json_string_value(value);
        *len = json_string_length(value);
        return 0;
    }

    if (json_is_array(value)) {
        total = 0;

        json_array_foreach(value, i, e) {
            if (json_is_string(e)) {
                total += json_string_length(e);

            } else if (!json_is_array(e) && !json_is_object(e)) {
                n = authgw_json_scalar_text(e, tmp, sizeof(tmp));
                if (n < 0) {
                    return -1;
                }

                total += n;

            } else {
                goto compound;
            }

            total += (i > 0);
        }

        p = a->alloc(a->data, total + 1);
        if (p == NULL) {
            return -1;
        }

        *out = p;

        json_array_foreach(value, i, e) {
            if (i > 0) {
                *p++ = ',';
            }

            if (json_is_string(e)) {
                memcpy(p, json_string_value(e), json_string_length(e));
                p += json_string_length(e);

            } else {
                n = authgw_json_scalar_text(e, (char *) p, total + 1);
                p += n;
            }
        }

        *len = total;

        return 0;
    }

    if (!json_is_object(value)) {
        n = authgw_json_scalar_text(value, tmp, sizeof(tmp));
        if (n < 0) {
            return -1;
        }

        p = a->alloc(a->data, n);
        if (p == NULL) {
            return -1;
        }

        memcpy(p, tmp, n);
        *out = p;
        *len = n;

        return 0;
    }

compound:

    size = json_dumpb(value, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
    if (size == 0) {
        return -1;
    }

    p = a->alloc(a->data, size);
    if (p == NULL) {
        return -1;
    }

    if (json_dumpb(value, (char *) p, size, JSON_COMPACT | JSON_ENCODE_ANY)
        != size)
    {
        return -1;
    }

    *out = p;
    *len = size;

    return 0;
}


/* exact length and bytes: a NUL inside a JSON string never truncates it */

int
authgw_str_eq(const authgw_str_t *s, json_t *value)
{
    return json_is_string(value)
           && json_string_length(value) == s->len
           && memcmp(json_string_value(value), s->data, s->len) == 0;
}
