
/*
 * Strict JSON: one object, UTF-8, no duplicate members (jansson's
 * JSON_REJECT_DUPLICATES), nesting bounded before jansson recurses.
 * Values are rendered as docs/directives.md says the variables hold
 * them, in exactly the bytes they take, and never with a raw control byte.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authgw.h"



/* authgw_json_array_text(): an element is an array or an object */
#define AUTHGW_JSON_COMPOUND    2

#define authgw_json_control(c)                                                \
    ((unsigned char) (c) < 0x20 || (unsigned char) (c) == 0x7f)


typedef struct {
    unsigned char  *p;          /* NULL: count only */
    size_t          size;       /* the bytes at p */
    size_t          len;        /* counted or written so far */
    unsigned        escape:1;   /* write control bytes as \u00xx */
    unsigned        control:1;  /* stopped at a control byte */
    unsigned        failed:1;   /* stopped: jansson may not see it */
} authgw_json_sink_t;


static void *authgw_json_pool_alloc(size_t size);
static void authgw_json_pool_free(void *ptr);
static int authgw_json_shape_ok(const unsigned char *buf, size_t len,
    size_t max_depth, size_t max_members);
static json_t *authgw_json_load(const unsigned char *buf, size_t len,
    int flags, const authgw_alloc_t *a);
static int authgw_json_array_text(json_t *value, const authgw_alloc_t *a,
    unsigned char **out, size_t *len);
static int authgw_json_sink_put(authgw_json_sink_t *s, const char *buf,
    size_t len);
static int authgw_json_sink(const char *buf, size_t size, void *data);
static int authgw_json_compact(json_t *value, const authgw_alloc_t *a,
    int escape, unsigned char **out, size_t *len);


static unsigned char  authgw_json_empty[1];


/*
 * Before jansson sees it: no NUL byte (json_loadb() takes one right after
 * a number as the number's end, so {"exp":1<NUL>} would parse), nesting no
 * deeper than max_depth, and at most max_members members in the top-level
 * object (colons at depth 1 outside strings), so that what it costs to
 * parse is bounded by the caller.
 */

static int
authgw_json_shape_ok(const unsigned char *buf, size_t len, size_t max_depth,
    size_t max_members)
{
    int      in_string, escaped;
    size_t   i, depth, members;

    depth = 0;
    members = 0;
    in_string = 0;
    escaped = 0;

    for (i = 0; i < len; i++) {

        if (buf[i] == '\0') {
            return 0;
        }

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
            if (++depth > max_depth) {
                return 0;
            }
            break;

        case '}':
        case ']':
            if (depth > 0) {
                depth--;
            }
            break;

        case ':':
            if (depth == 1 && ++members > max_members) {
                return 0;
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
    if (!authgw_json_shape_ok(buf, len, AUTHGW_JSON_MAX_DEPTH, (size_t) -1)) {
        return NULL;
    }

    return authgw_json_load(buf, len, flags, a);
}


/*
 * A JOSE protected header, parsed before any signature or tag is checked:
 * so its size, members and depth are capped far below what makes parsing
 * cost more than the check itself (see AUTHGW_JOSE_HEADER_MAX).
 */

json_t *
authgw_json_parse_header(const unsigned char *buf, size_t len, int flags,
    const authgw_alloc_t *a)
{
    if (len > AUTHGW_JOSE_HEADER_MAX
        || !authgw_json_shape_ok(buf, len, AUTHGW_JOSE_DEPTH_MAX,
                                 AUTHGW_JOSE_MEMBERS_MAX))
    {
        return NULL;
    }

    return authgw_json_load(buf, len, flags, a);
}


static json_t *
authgw_json_load(const unsigned char *buf, size_t len, int flags,
    const authgw_alloc_t *a)
{
    json_t        *json;
    json_free_t    f;
    json_error_t   error;
    json_malloc_t  m;

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


/*
 * A number, boolean or null as its JSON text, formatted into buf, which
 * holds AUTHGW_JSON_SCALAR_MAX bytes: more than the longest of them (a
 * 64-bit integer is 20 bytes, "%.17g" of a double at most 24). Returns the
 * length or -1.
 */

int
authgw_json_scalar_text(json_t *v, char *buf)
{
    int      n, prec;
    double   d;

    switch (json_typeof(v)) {

    case JSON_INTEGER:
        n = snprintf(buf, AUTHGW_JSON_SCALAR_MAX, "%" JSON_INTEGER_FORMAT,
                     json_integer_value(v));
        break;

    case JSON_REAL:
        d = json_real_value(v);
        n = -1;

        /* the shortest text that reads back as the same double */

        for (prec = 15; prec <= 17; prec++) {
            n = snprintf(buf, AUTHGW_JSON_SCALAR_MAX, "%.*g", prec, d);

            if (n > 0 && n < AUTHGW_JSON_SCALAR_MAX
                && strtod(buf, NULL) == d)
            {
                break;
            }
        }

        break;

    case JSON_TRUE:
        n = snprintf(buf, AUTHGW_JSON_SCALAR_MAX, "true");
        break;

    case JSON_FALSE:
        n = snprintf(buf, AUTHGW_JSON_SCALAR_MAX, "false");
        break;

    case JSON_NULL:
        n = snprintf(buf, AUTHGW_JSON_SCALAR_MAX, "null");
        break;

    default:
        return -1;
    }

    if (n < 0 || n >= AUTHGW_JSON_SCALAR_MAX) {
        return -1;
    }

    return n;
}


/* a byte below 0x20 or 0x7F: what no variable and no match may hold */

int
authgw_json_has_control(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (authgw_json_control(s[i])) {
            return 1;
        }
    }

    return 0;
}


/*
 * An array of scalars, comma-joined. The length is counted first, then
 * exactly that many bytes are taken and filled, each number formatted
 * again into a local buffer and copied: nothing is ever formatted into the
 * output. Returns 0, -1, AUTHGW_TEXT_CONTROL, or AUTHGW_JSON_COMPOUND when
 * an element is an array or an object (the array is compact JSON then).
 */

static int
authgw_json_array_text(json_t *value, const authgw_alloc_t *a,
    unsigned char **out, size_t *len)
{
    int             n, control;
    char            tmp[AUTHGW_JSON_SCALAR_MAX];
    size_t          i, size, total;
    json_t         *e;
    const char     *s;
    unsigned char  *p, *last;

    total = 0;
    control = 0;

    /* an element that is an array or an object decides, wherever it is */

    json_array_foreach(value, i, e) {

        if (json_is_array(e) || json_is_object(e)) {
            return AUTHGW_JSON_COMPOUND;
        }

        if (json_is_string(e)) {
            control |= authgw_json_has_control(json_string_value(e),
                                               json_string_length(e));

            total += json_string_length(e);

        } else {
            n = authgw_json_scalar_text(e, tmp);
            if (n < 0) {
                return -1;
            }

            total += n;
        }

        total += (i > 0);
    }

    if (control) {
        return AUTHGW_TEXT_CONTROL;
    }

    if (total == 0) {
        *out = authgw_json_empty;
        *len = 0;
        return 0;
    }

    p = a->alloc(a->data, total);
    if (p == NULL) {
        return -1;
    }

    *out = p;
    last = p + total;

    json_array_foreach(value, i, e) {

        if (json_is_string(e)) {
            s = json_string_value(e);
            size = json_string_length(e);

        } else {
            n = authgw_json_scalar_text(e, tmp);
            if (n < 0) {
                return -1;
            }

            s = tmp;
            size = n;
        }

        if ((size_t) (last - p) < size + (i > 0)) {
            return -1;
        }

        if (i > 0) {
            *p++ = ',';
        }

        memcpy(p, s, size);
        p += size;
    }

    if (p != last) {
        return -1;
    }

    *len = total;

    return 0;
}


static int
authgw_json_sink_put(authgw_json_sink_t *s, const char *buf, size_t len)
{
    if (s->p != NULL) {
        if (s->size - s->len < len) {
            s->failed = 1;
            return -1;
        }

        memcpy(s->p + s->len, buf, len);
    }

    s->len += len;

    return 0;
}


/*
 * json_dump_callback()'s sink: counts the compact JSON of a value when p
 * is NULL, else copies it into the size bytes at p, and fails rather than
 * go past them. jansson escapes the bytes below 0x20 in strings but not
 * 0x7F. With escape set, any control byte is written as \u00xx (only a
 * string can hold one, so the escape is always inside a string); without,
 * the dump stops at the first one. A failure sticks: jansson ignores what
 * the sink returns for an object's key and goes on.
 */

static int
authgw_json_sink(const char *buf, size_t size, void *data)
{
    char                 esc[6];
    size_t               n;
    unsigned char        c;
    authgw_json_sink_t  *s = data;

    static const char    hex[] = "0123456789abcdef";

    if (s->failed) {
        return -1;
    }

    for ( ;; ) {

        for (n = 0; n < size && !authgw_json_control(buf[n]); n++) {
            /* void */
        }

        if (authgw_json_sink_put(s, buf, n) != 0) {
            return -1;
        }

        if (n == size) {
            return 0;
        }

        if (!s->escape) {
            s->control = 1;
            s->failed = 1;
            return -1;
        }

        c = (unsigned char) buf[n];

        esc[0] = '\\';
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 0xf];

        if (authgw_json_sink_put(s, esc, sizeof(esc)) != 0) {
            return -1;
        }

        buf += n + 1;
        size -= n + 1;
    }
}


/*
 * Compact JSON in exactly the bytes it takes: jansson dumps the value
 * twice, once to count and once to fill. escape: control bytes as \u00xx;
 * else AUTHGW_TEXT_CONTROL if the text would hold one.
 */

static int
authgw_json_compact(json_t *value, const authgw_alloc_t *a, int escape,
    unsigned char **out, size_t *len)
{
    size_t               flags;
    unsigned char       *p;
    authgw_json_sink_t   s;

    flags = JSON_COMPACT | JSON_ENCODE_ANY;

    s.p = NULL;
    s.size = 0;
    s.len = 0;
    s.escape = escape;
    s.control = 0;
    s.failed = 0;

    if (json_dump_callback(value, authgw_json_sink, &s, flags) != 0
        || s.failed)
    {
        return s.control ? AUTHGW_TEXT_CONTROL : -1;
    }

    if (s.len == 0) {
        return -1;
    }

    p = a->alloc(a->data, s.len);
    if (p == NULL) {
        return -1;
    }

    s.p = p;
    s.size = s.len;
    s.len = 0;

    if (json_dump_callback(value, authgw_json_sink, &s, flags) != 0
        || s.failed || s.len != s.size)
    {
        return -1;
    }

    *out = p;
    *len = s.len;

    return 0;
}


/*
 * The text of a variable, in its one encoding: a string
 * as is (not copied); a number, boolean or null as its JSON text; an array
 * of scalars comma-joined; an object or nested array as compact JSON.
 * Returns 0, -1 (no memory, or a value jansson cannot dump), or
 * AUTHGW_TEXT_CONTROL when the text would hold a byte below 0x20 or 0x7F
 * (in compact JSON, jansson escapes all of them but 0x7F). A string is
 * not copied; any other text is a block of exactly *len bytes from a, no
 * NUL after them.
 */

int
authgw_json_text(json_t *value, const authgw_alloc_t *a, unsigned char **out,
    size_t *len)
{
    int             rc, n;
    char            tmp[AUTHGW_JSON_SCALAR_MAX];
    unsigned char  *p;

    if (json_is_string(value)) {
        if (authgw_json_has_control(json_string_value(value),
                                    json_string_length(value)))
        {
            return AUTHGW_TEXT_CONTROL;
        }

        *out = (unsigned char *) json_string_value(value);
        *len = json_string_length(value);
        return 0;
    }

    if (json_is_array(value)) {
        rc = authgw_json_array_text(value, a, out, len);
        if (rc != AUTHGW_JSON_COMPOUND) {
            return rc;
        }

        return authgw_json_compact(value, a, 1, out, len);
    }

    /* compact JSON, every control byte escaped as in $authgw_payload */

    if (json_is_object(value)) {
        return authgw_json_compact(value, a, 1, out, len);
    }

    n = authgw_json_scalar_text(value, tmp);
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


/*
 * Any value as compact JSON (for $authgw_payload), every control byte
 * escaped, 0x7F as \u007f: the text never holds a byte below 0x20 or 0x7F
 * and parses back to an equal value. Returns 0 or -1 (no memory, or a
 * value jansson cannot dump); *out is a block of exactly *len bytes from
 * a, no NUL after them.
 */

int
authgw_json_dump(json_t *value, const authgw_alloc_t *a, unsigned char **out,
    size_t *len)
{
    return authgw_json_compact(value, a, 1, out, len);
}


/* exact length and bytes: a NUL inside a JSON string never truncates it */

int
authgw_str_eq(const authgw_str_t *s, json_t *value)
{
    return json_is_string(value)
           && json_string_length(value) == s->len
           && memcmp(json_string_value(value), s->data, s->len) == 0;
}


/*
 * One JSON string literal, quotes included, decoded by jansson (its
 * escapes, UTF-8; no NUL): 0 with *s in a's memory, or -1.
 */

int
authgw_json_string(const unsigned char *buf, size_t len,
    const authgw_alloc_t *a, const unsigned char **s, size_t *slen)
{
    json_t        *json;
    json_free_t    f;
    json_error_t   error;
    json_malloc_t  m;

    json_get_alloc_funcs(&m, &f);
    json_set_alloc_funcs(authgw_json_pool_alloc, authgw_json_pool_free);
    authgw_json_pool = a;

    json = json_loadb((const char *) buf, len, JSON_DECODE_ANY, &error);

    json_set_alloc_funcs(m, f);
    authgw_json_pool = NULL;

    if (json == NULL || !json_is_string(json)) {
        return -1;
    }

    *s = (const unsigned char *) json_string_value(json);
    *slen = json_string_length(json);

    return 0;
}
