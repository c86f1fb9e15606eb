
/*
 * What a refusal says beside its reason code: the rule that failed and
 * what the token had against what the location expects. Only values that
 * are neither secrets nor personal data appear (alg, kid, iss, aud, the
 * scope names, exp and nbf as times), each bounded and escaped to
 * printable ASCII; never the token, a signature, a key, sub or another
 * claim's value.
 */


#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "authgw.h"


#define AUTHGW_WHY_VALUE_MAX  64    /* bytes of one value shown */
#define AUTHGW_WHY_LIST_MAX   4     /* values of a list shown */


typedef struct {
    char     *buf;
    size_t    size;
    size_t    len;                  /* what was written, < size */
    int       full;                 /* cut, and "..." written */
} authgw_why_buf_t;


static void authgw_why_add(authgw_why_buf_t *b, const char *s, size_t n);
static int authgw_why_public(const unsigned char *name, size_t len);
static void authgw_why_put(authgw_why_buf_t *b, const char *fmt, ...);
static void authgw_why_str(authgw_why_buf_t *b, const char *s, size_t len);
static void authgw_why_json(authgw_why_buf_t *b, json_t *v);
static void authgw_why_strs(authgw_why_buf_t *b, const authgw_str_t *s,
    size_t n);
static void authgw_why_time(authgw_why_buf_t *b, double t);
static void authgw_why_span(authgw_why_buf_t *b, double secs);
static void authgw_why_algs(authgw_why_buf_t *b, unsigned algs);
static void authgw_why_key(authgw_why_buf_t *b, authgw_status_t status,
    const authgw_why_t *w);
static void authgw_why_times(authgw_why_buf_t *b, authgw_status_t status,
    const authgw_why_t *w);
static void authgw_why_scopes(authgw_why_buf_t *b, json_t *v, int array);
static void authgw_why_claim(authgw_why_buf_t *b, authgw_status_t status,
    const authgw_why_t *w);
static void authgw_why_rules(authgw_why_buf_t *b, authgw_status_t status,
    const authgw_why_t *w);
static int authgw_why_mixed(json_t *v);


/*
 * Appends n bytes whole, or cuts the text there with "..." (3 bytes are
 * kept for it): an escape is never cut in half.
 */

static void
authgw_why_add(authgw_why_buf_t *b, const char *s, size_t n)
{
    size_t  room;

    if (b->full) {
        return;
    }

    room = b->size - 1 - b->len;

    if (n + 3 <= room) {
        memcpy(b->buf + b->len, s, n);
        b->len += n;

    } else {
        b->full = 1;

        if (room >= 3) {
            memcpy(b->buf + b->len, "...", 3);
            b->len += 3;
        }
    }

    b->buf[b->len] = '\0';
}


static void
authgw_why_put(authgw_why_buf_t *b, const char *fmt, ...)
{
    int      n;
    char     text[160];
    va_list  args;

    va_start(args, fmt);
    n = vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);

    if (n > 0) {
        authgw_why_add(b, text, (size_t) n < sizeof(text) ? (size_t) n
                                                           : sizeof(text) - 1);
    }
}


/* escapes what fits into room bytes; *used: the bytes of s taken */

static size_t
authgw_escape_some(char *out, size_t room, const char *s, size_t len,
    size_t *used)
{
    size_t          i, n, k;
    unsigned char   c;

    static const char  hex[] = "0123456789abcdef";

    n = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];
        k = (c == '"' || c == '\\') ? 2
            : (c < 0x20 || c >= 0x7f || c == ',') ? 4 : 1;

        if (n + k > room) {
            break;
        }

        if (k == 1) {
            out[n++] = (char) c;

        } else if (k == 2) {
            out[n++] = '\\';
            out[n++] = (char) c;

        } else {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 0xf];
        }
    }

    *used = i;

    return n;
}


size_t
authgw_escape(char *out, size_t size, const char *s, size_t len)
{
    size_t  n, used;

    if (size < 4) {
        if (size) {
            out[0] = '\0';
        }

        return 0;
    }

    n = authgw_escape_some(out, size - 1, s, len, &used);

    if (used < len) {
        n = authgw_escape_some(out, size - 4, s, len, &used);
        memcpy(out + n, "...", 3);
        n += 3;
    }

    out[n] = '\0';

    return n;
}


/*
 * "text", escaped as authgw_escape() does: at most AUTHGW_WHY_VALUE_MAX
 * bytes written inside the quotes, then "...
 */

static void
authgw_why_str(authgw_why_buf_t *b, const char *s, size_t len)
{
    char    out[AUTHGW_WHY_VALUE_MAX + 2];
    size_t  n, used;

    out[0] = '"';
    n = 1 + authgw_escape_some(out + 1, AUTHGW_WHY_VALUE_MAX, s, len, &used);
    out[n++] = '"';

    authgw_why_add(b, out, n);

    if (used < len) {
        authgw_why_add(b, "...", 3);
    }
}


/* a string, an array of strings, a number, or what type the value is */

static void
authgw_why_json(authgw_why_buf_t *b, json_t *v)
{
    size_t   i;
    json_t  *e;

    if (json_is_string(v)) {
        authgw_why_str(b, json_string_value(v), json_string_length(v));

    } else if (json_is_array(v)) {
        authgw_why_put(b, "[");

        json_array_foreach(v, i, e) {
            if (i == AUTHGW_WHY_LIST_MAX) {
                authgw_why_put(b, ", and %zu more",
                               json_array_size(v) - i);
                break;
            }

            if (i > 0) {
                authgw_why_put(b, ", ");
            }

            if (json_is_string(e)) {
                authgw_why_json(b, e);

            } else {
                authgw_why_put(b, "a JSON %s", json_is_array(e) ? "array"
                               : json_is_object(e) ? "object"
                               : json_is_number(e) ? "number" : "literal");
            }
        }

        authgw_why_put(b, "]");

    } else if (json_is_integer(v)) {
        authgw_why_put(b, "%lld", (long long) json_integer_value(v));

    } else {
        authgw_why_put(b, "a JSON %s", json_is_object(v) ? "object"
                       : json_is_real(v) ? "number" : "literal");
    }
}


/* "a", "b" or ... (the location's values) */

static void
authgw_why_strs(authgw_why_buf_t *b, const authgw_str_t *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n && i < AUTHGW_WHY_LIST_MAX; i++) {
        if (i > 0) {
            authgw_why_put(b, i + 1 == n ? " or " : ", ");
        }

        authgw_why_str(b, (const char *) s[i].data, s[i].len);
    }

    if (n > AUTHGW_WHY_LIST_MAX) {
        authgw_why_put(b, " and %zu more", n - AUTHGW_WHY_LIST_MAX);
    }
}


/* RFC 3339 in UTC; authgw_claims_time bounds t to years 1970 to 9999 */

static void
authgw_why_time(authgw_why_buf_t *b, double t)
{
    time_t     s;
    struct tm  tm;

    s = (time_t) t;

    if (gmtime_r(&s, &tm) == NULL) {
        authgw_why_put(b, "%.0f", t);
        return;
    }

    authgw_why_put(b, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                   tm.tm_sec);
}


/* 3d4h, 2h5m, 4m10s, 7s; a part of a second counts as one (30.5: 31s) */

static void
authgw_why_span(authgw_why_buf_t *b, double secs)
{
    long long  s;

    s = (long long) secs;

    if ((double) s < secs) {
        s++;
    }

    if (s >= 86400) {
        authgw_why_put(b, "%lldd%lldh", s / 86400, s % 86400 / 3600);

    } else if (s >= 3600) {
        authgw_why_put(b, "%lldh%lldm", s / 3600, s % 3600 / 60);

    } else if (s >= 60) {
        authgw_why_put(b, "%lldm%llds", s / 60, s % 60);

    } else {
        authgw_why_put(b, "%llds", s);
    }
}


static void
authgw_why_algs(authgw_why_buf_t *b, unsigned algs)
{
    int  i, n;

    n = 0;

    for (i = 0; i < AUTHGW_ALG_COUNT; i++) {
        if (algs & AUTHGW_ALG_BIT(i)) {
            authgw_why_put(b, n++ ? ", %s" : "%s",
                           authgw_alg_name((authgw_alg_t) i));
        }
    }
}


/* alg_not_allowed, unknown_kid, bad_signature: the header's alg and kid */

static void
authgw_why_key(authgw_why_buf_t *b, authgw_status_t status,
    const authgw_why_t *w)
{
    int      alg;
    json_t  *a, *kid;

    a = json_object_get(w->header, "alg");
    kid = json_object_get(w->header, "kid");

    if (!json_is_string(a)) {
        return;
    }

    alg = authgw_alg_from_name(json_string_value(a), json_string_length(a));

    if (alg < 0 || !(w->algs & AUTHGW_ALG_BIT(alg))) {
        authgw_why_put(b, "alg ");
        authgw_why_json(b, a);
        authgw_why_put(b, " is not one this location allows (");
        authgw_why_algs(b, w->algs);
        authgw_why_put(b, ")");
        return;
    }

    if (kid != NULL) {
        authgw_why_put(b, "kid ");
        authgw_why_json(b, kid);
    }

    switch (status) {

    case AUTHGW_UNKNOWN_KID:
        if (kid != NULL) {
            authgw_why_put(b, " names no key of this location");

        } else {
            authgw_why_put(b, "no kid, and %zu keys verify %s: one is "
                           "chosen only by kid (authgw_try_all_keys is off)",
                           w->candidates, authgw_alg_name((authgw_alg_t) alg));
        }
        break;

    case AUTHGW_ALG_NOT_ALLOWED:
        authgw_why_put(b, "%sno key %sverifies %s", kid ? ": " : "",
                       kid ? "of that kid " : "of this location ",
                       authgw_alg_name((authgw_alg_t) alg));
        break;

    default:
        authgw_why_put(b, "%sthe %s signature does not verify with %s",
                       kid ? ": " : "", authgw_alg_name((authgw_alg_t) alg),
                       kid ? "its key" : "the key of its alg");
    }
}


/* expired, not_yet_valid: the time, now and the leeway */

static void
authgw_why_times(authgw_why_buf_t *b, authgw_status_t status,
    const authgw_why_t *w)
{
    double       t, now;
    const char  *name;

    now = (double) w->now;
    name = status == AUTHGW_EXPIRED ? "exp" : "nbf";

    /* not yet valid by its nbf, or else by an iat after now */

    if (status == AUTHGW_NOT_YET_VALID
        && (authgw_claims_time(json_object_get(w->payload, "nbf"), &t) != 0
            || t - (double) w->policy->leeway <= now))
    {
        name = "iat";
    }

    if (authgw_claims_time(json_object_get(w->payload, name), &t) != 0) {
        return;
    }

    authgw_why_put(b, "%s ", name);
    authgw_why_time(b, t);
    authgw_why_put(b, " is ");
    authgw_why_span(b, status == AUTHGW_EXPIRED ? now - t : t - now);
    authgw_why_put(b, status == AUTHGW_EXPIRED ? " before" : " after");
    authgw_why_put(b, " now (");
    authgw_why_time(b, now);
    authgw_why_put(b, ", leeway %llds)", (long long) w->policy->leeway);
}


/*
 * What authgw_has_scope reads, and only that: a string (scope, scp), or
 * the strings of an scp array; anything else by its kind
 */

static void
authgw_why_scopes(authgw_why_buf_t *b, json_t *v, int array)
{
    size_t   i, n;
    json_t  *e;

    if (v == NULL) {
        authgw_why_put(b, "none");

    } else if (json_is_string(v)) {
        authgw_why_json(b, v);

    } else if (array && json_is_array(v)) {
        n = 0;
        authgw_why_put(b, "[");

        json_array_foreach(v, i, e) {
            if (!json_is_string(e)) {
                continue;
            }

            if (n == AUTHGW_WHY_LIST_MAX) {
                authgw_why_put(b, ", ...");
                break;
            }

            authgw_why_put(b, n++ ? ", " : "");
            authgw_why_json(b, e);
        }

        authgw_why_put(b, "]");

    } else {
        authgw_why_put(b, "not a string%s", array ? " or an array" : "");
    }
}


/* missing_claim, claim_mismatch, insufficient_scope: the rule's name */

/*
 * The claims whose values describe the token and its client, never the
 * person: a mismatch shows what the token had. Any other claim's value
 * (sub, email, roles, tenant...) stays out of the log.
 */

static int
authgw_why_public(const unsigned char *name, size_t len)
{
    size_t  i;

    static const char  *names[] = {
        "typ", "azp", "iss", "aud", "client_id", "scope", "scp", "acr",
        "amr", "token_use", "ver"
    };

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) {
            return 1;
        }
    }

    return 0;
}


static void
authgw_why_claim(authgw_why_buf_t *b, authgw_status_t status,
    const authgw_why_t *w)
{
    size_t          i;
    unsigned char   c;

    if (w->name == NULL) {
        if (status == AUTHGW_CLAIM_MISMATCH) {
            authgw_why_put(b, "an authgw_require value is empty or \"0\"");

        } else if (w->policy != NULL && w->policy->require_exp
                   && json_object_get(w->payload, "exp") == NULL)
        {
            authgw_why_put(b, "exp is missing (authgw_require_exp is on)");

        } else if (w->rules != NULL && w->rules->max_lifetime
                   && (json_object_get(w->payload, "exp") == NULL
                       || json_object_get(w->payload, "iat") == NULL))
        {
            authgw_why_put(b, "%s is missing (authgw_max_lifetime needs exp "
                           "and iat)",
                           json_object_get(w->payload, "exp") ? "iat"
                                                              : "exp");

        } else if (w->user_id_claim != NULL) {
            authgw_why_put(b, "the user id claim ");
            authgw_why_str(b, (const char *) w->user_id_claim,
                           w->user_id_claim_len);
            authgw_why_put(b, " is missing");
        }

        return;
    }

    if (status == AUTHGW_INSUFFICIENT_SCOPE) {
        authgw_why_put(b, "scope ");
        authgw_why_str(b, (const char *) w->name, w->name_len);
        authgw_why_put(b, " is not granted; the token's scope: ");
        authgw_why_scopes(b, json_object_get(w->payload, "scope"), 0);
        authgw_why_put(b, ", scp: ");
        authgw_why_scopes(b, json_object_get(w->payload, "scp"), 1);
        return;
    }

    authgw_why_put(b, "claim ");
    authgw_why_str(b, (const char *) w->name, w->name_len);

    if (status == AUTHGW_CLAIM_MISMATCH) {

        /* a claim that describes the token, not the person, is shown */

        if (authgw_why_public(w->name, w->name_len)) {
            authgw_why_put(b, " is ");
            authgw_why_json(b, authgw_claim_get(w->payload, w->name,
                                                w->name_len));
            authgw_why_put(b, ",");

        } else {
            authgw_why_put(b, " (its value not logged) is");
        }

        authgw_why_put(b, " none of the values authgw_require_claim "
                       "gives: ");
        authgw_why_strs(b, w->values, w->nvalues);
        return;
    }

    authgw_why_put(b, " is missing");

    if (w->name[0] != '/' && memchr(w->name, '.', w->name_len) != NULL) {
        authgw_why_put(b, "; a name with dots is one top-level name, a "
                       "nested claim is a JSON Pointer: /");

        for (i = 0; i < w->name_len; i++) {
            c = w->name[i];

            if (c == '.') {
                authgw_why_put(b, "/");

            } else if (c == '~' || c == '/') {
                authgw_why_put(b, c == '~' ? "~0" : "~1");

            } else {
                authgw_why_put(b, "%c", (c < 0x20 || c >= 0x7f) ? '?' : c);
            }
        }
    }
}


/* bad_type, lifetime_too_long: what the token has against the rule */

static void
authgw_why_rules(authgw_why_buf_t *b, authgw_status_t status,
    const authgw_why_t *w)
{
    double      exp, iat;
    json_t     *v;
    long long   secs;

    if (status == AUTHGW_BAD_TYPE) {
        v = json_object_get(w->header, "typ");

        authgw_why_put(b, "typ ");

        if (v == NULL) {
            authgw_why_put(b, "is missing; authgw_require_typ asks for ");

        } else {
            authgw_why_json(b, v);
            authgw_why_put(b, " is not a type authgw_require_typ asks for: ");
        }

        authgw_why_strs(b, w->rules->types, w->rules->ntypes);
        return;
    }

    if (authgw_claims_time(json_object_get(w->payload, "exp"), &exp) != 0
        || authgw_claims_time(json_object_get(w->payload, "iat"), &iat) != 0)
    {
        return;
    }

    /* in seconds, a part of one counting as one: the rule is exact */

    secs = (long long) (exp - iat);

    if ((double) secs < exp - iat) {
        secs++;
    }

    authgw_why_put(b, "exp - iat is %llds (", secs);
    authgw_why_span(b, exp - iat);
    authgw_why_put(b, ": iat ");
    authgw_why_time(b, iat);
    authgw_why_put(b, ", exp ");
    authgw_why_time(b, exp);
    authgw_why_put(b, "); authgw_max_lifetime allows %llds",
                   (long long) w->rules->max_lifetime);
}


/* an array with a member that is not a string (authgw_claims_check) */

static int
authgw_why_mixed(json_t *v)
{
    size_t   i;
    json_t  *e;

    if (!json_is_array(v)) {
        return 0;
    }

    json_array_foreach(v, i, e) {
        if (!json_is_string(e)) {
            return 1;
        }
    }

    return 0;
}


size_t
authgw_explain(authgw_status_t status, const authgw_why_t *w, char *buf,
    size_t size)
{
    json_t            *v;
    authgw_why_buf_t   b;

    if (size == 0) {
        return 0;
    }

    b.buf = buf;
    b.size = size;
    b.len = 0;
    b.full = 0;
    buf[0] = '\0';

    switch (status) {

    case AUTHGW_ALG_NOT_ALLOWED:
    case AUTHGW_UNKNOWN_KID:
    case AUTHGW_BAD_SIGNATURE:
        if (w->header != NULL) {
            authgw_why_key(&b, status, w);
        }
        break;

    case AUTHGW_EXPIRED:
    case AUTHGW_NOT_YET_VALID:
        if (w->payload != NULL && w->policy != NULL) {
            authgw_why_times(&b, status, w);
        }
        break;

    case AUTHGW_BAD_ISSUER:
    case AUTHGW_BAD_AUDIENCE:
        if (w->payload == NULL || w->policy == NULL) {
            break;
        }

        v = json_object_get(w->payload,
                            status == AUTHGW_BAD_ISSUER ? "iss" : "aud");

        authgw_why_put(&b, status == AUTHGW_BAD_ISSUER ? "iss " : "aud ");

        if (v == NULL) {
            authgw_why_put(&b, "is missing; this location expects ");

        } else if (status == AUTHGW_BAD_AUDIENCE && authgw_why_mixed(v)) {
            authgw_why_put(&b, "has a member that is not a string, which "
                           "refuses it whole; this location expects ");

        } else {
            authgw_why_json(&b, v);
            authgw_why_put(&b, status == AUTHGW_BAD_ISSUER
                               ? " is not the issuer this location expects: "
                               : " has no audience this location expects: ");
        }

        if (status == AUTHGW_BAD_ISSUER) {
            authgw_why_strs(&b, w->policy->issuers, w->policy->nissuers);
        } else {
            authgw_why_strs(&b, w->policy->audiences, w->policy->naudiences);
        }

        break;

    case AUTHGW_MISSING_CLAIM:
    case AUTHGW_CLAIM_MISMATCH:
    case AUTHGW_INSUFFICIENT_SCOPE:
        if (w->payload != NULL) {
            authgw_why_claim(&b, status, w);
        }
        break;

    case AUTHGW_BAD_TYPE:
    case AUTHGW_LIFETIME_TOO_LONG:
        if (w->header != NULL && w->payload != NULL && w->rules != NULL) {
            authgw_why_rules(&b, status, w);
        }
        break;

    default:
        break;
    }

    return b.len;
}
