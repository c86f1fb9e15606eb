
/*
 * The variables' encodings. The input is parsed as a claims set, into the
 * allocator that gives each block its own malloc(), and the set and every
 * value in it, at any depth, are rendered both ways: authgw_json_text()
 * ($authgw_claim_*) and authgw_json_dump() ($authgw_payload). The target
 * aborts when a text holds a control byte or is refused without holding
 * one, when a length is not exactly that of its block, when a text is not
 * the encoding of its parts, or when a dump does not read back equal.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"


static void *render_alloc(void *data, size_t size);
static int render_has_control(const unsigned char *p, size_t len, int all);
static int render_holds(json_t *v, int all);
static int render_compound(json_t *v);
static void render_check_parts(json_t *v, const unsigned char *text,
    size_t len);
static void render_check_text(json_t *v, const unsigned char *dump,
    size_t dlen);
static void render_check_dump(json_t *v, unsigned char **dump, size_t *len);
static void render_value(json_t *v);


static int                   render_nomem;
static const authgw_alloc_t  render_hook = { render_alloc, NULL };


/* fuzz_alloc, noting that a block was refused (1 MB per input) */

static void *
render_alloc(void *data, size_t size)
{
    void  *p;

    (void) data;

    p = fuzz_alloc.alloc(fuzz_alloc.data, size);

    if (p == NULL) {
        render_nomem = 1;
    }

    return p;
}


/* all: any byte below 0x20 or 0x7F; else 0x7F only */

static int
render_has_control(const unsigned char *p, size_t len, int all)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (p[i] == 0x7f || (all && p[i] < 0x20)) {
            return 1;
        }
    }

    return 0;
}


/* a string or member name anywhere in v holds such a byte */

static int
render_holds(json_t *v, int all)
{
    size_t       i;
    json_t      *e;
    const char  *key;

    if (json_is_string(v)) {
        return render_has_control((const unsigned char *) json_string_value(v),
                                  json_string_length(v), all);
    }

    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (render_holds(e, all)) {
                return 1;
            }
        }
    }

    if (json_is_object(v)) {
        json_object_foreach(v, key, e) {
            if (render_has_control((const unsigned char *) key, strlen(key),
                                   all)
                || render_holds(e, all))
            {
                return 1;
            }
        }
    }

    return 0;
}


/* v is rendered as compact JSON: an object, or an array holding either */

static int
render_compound(json_t *v)
{
    size_t   i;
    json_t  *e;

    if (json_is_object(v)) {
        return 1;
    }

    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            if (json_is_array(e) || json_is_object(e)) {
                return 1;
            }
        }
    }

    return 0;
}


/* an array of scalars is the text of its elements, comma-joined */

static void
render_check_parts(json_t *v, const unsigned char *text, size_t len)
{
    size_t          i, n, at;
    json_t         *e;
    unsigned char  *part;

    at = 0;

    json_array_foreach(v, i, e) {

        if (i > 0) {
            if (at >= len || text[at] != ',') {
                abort();
            }

            at++;
        }

        if (authgw_json_text(e, &render_hook, &part, &n) != 0) {
            if (render_nomem) {
                return;
            }

            abort();
        }

        if (len - at < n || memcmp(text + at, part, n) != 0) {
            abort();
        }

        at += n;
    }

    if (at != len) {
        abort();
    }
}


/* dump: the text of the same value by authgw_json_dump() */

static void
render_check_text(json_t *v, const unsigned char *dump, size_t dlen)
{
    int             rc, control;
    char            num[64];
    size_t          len;
    unsigned char  *out;

    rc = authgw_json_text(v, &render_hook, &out, &len);

    if (rc == -1) {
        if (render_nomem) {
            return;
        }

        abort();
    }

    /* refused exactly when the text would hold a control byte */

    control = render_compound(v) ? 0 : render_holds(v, 1);

    if (control != (rc == AUTHGW_TEXT_CONTROL)) {
        abort();
    }

    if (rc != 0) {
        if (rc != AUTHGW_TEXT_CONTROL) {
            abort();
        }

        return;
    }

    if (render_has_control(out, len, 1)) {
        abort();
    }

    /* a string is not copied; any other text is a block of its length */

    if (json_is_string(v)) {
        if (out != (unsigned char *) json_string_value(v)
            || len != json_string_length(v))
        {
            abort();
        }

    } else if (len > 0 && fuzz_block_size(out) != len) {
        abort();
    }

    if (render_compound(v)) {
        if (dump != NULL && (len != dlen || memcmp(out, dump, len) != 0)) {
            abort();
        }

    } else if (json_is_array(v)) {
        render_check_parts(v, out, len);

    } else if (json_is_number(v)) {
        if (len == 0 || len >= sizeof(num)) {
            abort();
        }

        memcpy(num, out, len);
        num[len] = '\0';

        if (json_is_integer(v)
            ? strtoll(num, NULL, 10) != json_integer_value(v)
            : strtod(num, NULL) != json_real_value(v))
        {
            abort();
        }
    }
}


/* the dump holds no control byte, fills its block, and reads back equal */

static void
render_check_dump(json_t *v, unsigned char **dump, size_t *len)
{
    json_t  *back;

    *dump = NULL;

    if (authgw_json_dump(v, &render_hook, dump, len) != 0) {
        if (render_nomem) {
            *dump = NULL;
            return;
        }

        abort();
    }

    if (*len == 0 || fuzz_block_size(*dump) != *len
        || render_has_control(*dump, *len, 1))
    {
        abort();
    }

    back = json_loadb((const char *) *dump, *len,
                      JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);

    if (back == NULL || !json_equal(back, v)) {
        abort();
    }

    json_decref(back);
}


static void
render_value(json_t *v)
{
    size_t          i, len;
    json_t         *e;
    const char     *key;
    unsigned char  *dump;

    render_check_dump(v, &dump, &len);
    render_check_text(v, dump, len);

    if (json_is_array(v)) {
        json_array_foreach(v, i, e) {
            render_value(e);
        }

    } else if (json_is_object(v)) {
        json_object_foreach(v, key, e) {
            (void) key;
            render_value(e);
        }
    }
}


int
fuzz_one(const uint8_t *data, size_t size)
{
    json_t  *json;

    render_nomem = 0;

    /* a claims set as a token's payload is read: into the request's pool */

    json = authgw_json_parse(data, size, JSON_ALLOW_NUL, &render_hook);

    if (json != NULL) {
        render_value(json);
    }

    return 0;
}
