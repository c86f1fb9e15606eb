
/*
 * Registered claim checks (RFC 7519 section 4.1): exp and nbf as JSON
 * numbers compared without overflow, iss and aud by exact length and bytes;
 * claim lookup by name or JSON Pointer; the values of authgw_require_claim
 * and the scopes of authgw_require_scope; what a location asks of every
 * token (authgw_require_typ, authgw_max_lifetime).
 */


#include <string.h>

#include "authgw.h"


/* NumericDate bounds: 1970 to the end of year 9999 */
#define AUTHGW_TIME_MAX  253402300799.0


/* a NumericDate: a JSON number from 1970 to the end of year 9999 */

int
authgw_claims_time(json_t *v, double *t)
{
    if (!json_is_number(v)) {
        return -1;
    }

    *t = json_number_value(v);

    /* also refuses NaN */

    if (!(*t >= 0.0 && *t <= AUTHGW_TIME_MAX)) {
        return -1;
    }

    return 0;
}


authgw_status_t
authgw_claims_check(json_t *payload, const authgw_claims_policy_t *policy,
    int64_t now)
{
    double   t, n, leeway;
    size_t   i, j;
    json_t  *v, *e;

    /* in range of double exactly: now and leeway are far below 2^53 */

    n = (double) now;
    leeway = (double) policy->leeway;

    v = json_object_get(payload, "exp");

    if (v == NULL) {
        if (policy->require_exp) {
            return AUTHGW_MISSING_CLAIM;
        }

    } else {
        if (authgw_claims_time(v, &t) != 0) {
            return AUTHGW_MALFORMED_TOKEN;
        }

        /* RFC 7519 4.1.4: now must be before exp */

        if (!(n < t + leeway)) {
            return AUTHGW_EXPIRED;
        }
    }

    v = json_object_get(payload, "nbf");

    if (v != NULL) {
        if (authgw_claims_time(v, &t) != 0) {
            return AUTHGW_MALFORMED_TOKEN;
        }

        if (!(t - leeway <= n)) {
            return AUTHGW_NOT_YET_VALID;
        }
    }

    if (policy->nissuers > 0) {
        v = json_object_get(payload, "iss");

        for (i = 0; i < policy->nissuers; i++) {
            if (authgw_str_eq(&policy->issuers[i], v)) {
                break;
            }
        }

        if (i == policy->nissuers) {
            return AUTHGW_BAD_ISSUER;
        }
    }

    if (policy->naudiences > 0) {
        v = json_object_get(payload, "aud");

        if (json_is_string(v)) {
            for (i = 0; i < policy->naudiences; i++) {
                if (authgw_str_eq(&policy->audiences[i], v)) {
                    return AUTHGW_OK;
                }
            }

            return AUTHGW_BAD_AUDIENCE;
        }

        if (!json_is_array(v)) {
            return AUTHGW_BAD_AUDIENCE;
        }

        /* an array with a member that is not a string is refused whole */

        json_array_foreach(v, j, e) {
            if (!json_is_string(e)) {
                return AUTHGW_BAD_AUDIENCE;
            }
        }

        json_array_foreach(v, j, e) {
            for (i = 0; i < policy->naudiences; i++) {
                if (authgw_str_eq(&policy->audiences[i], e)) {
                    return AUTHGW_OK;
                }
            }
        }

        return AUTHGW_BAD_AUDIENCE;
    }

    return AUTHGW_OK;
}


/*
 * RFC 7515 4.1.9: a typ compares as a media type, without regard to case,
 * and one without "/" stands for "application/" and itself. Parameters
 * are not taken apart: "at+jwt; q=1" is another type.
 */

int
authgw_media_type_eq(const unsigned char *a, size_t alen,
    const unsigned char *b, size_t blen)
{
    size_t                i;
    unsigned char         ca, cb;
    static const char     app[] = "application/";
    static const size_t   app_len = sizeof(app) - 1;

    if (memchr(a, '/', alen) == NULL && memchr(b, '/', blen) != NULL) {
        return authgw_media_type_eq(b, blen, a, alen);
    }

    /* a has a "/" or neither has: b may stand for "application/" b */

    if (memchr(a, '/', alen) != NULL && memchr(b, '/', blen) == NULL) {
        if (alen < app_len
            || !authgw_media_type_eq(a, app_len,
                                     (const unsigned char *) app, app_len))
        {
            return 0;
        }

        a += app_len;
        alen -= app_len;
    }

    if (alen != blen) {
        return 0;
    }

    for (i = 0; i < alen; i++) {
        ca = a[i];
        cb = b[i];

        if (ca >= 'A' && ca <= 'Z') {
            ca |= 0x20;
        }

        if (cb >= 'A' && cb <= 'Z') {
            cb |= 0x20;
        }

        if (ca != cb) {
            return 0;
        }
    }

    return 1;
}


/*
 * A type authgw_require_typ may ask for: a media type without parameters,
 * "type/subtype", or a subtype that stands for "application/subtype", each
 * an RFC 9110 token
 */

int
authgw_media_type_valid(const unsigned char *s, size_t len)
{
    int             slash;
    size_t          i;
    unsigned char   c;

    slash = 0;

    for (i = 0; i < len; i++) {
        c = s[i];

        if (c == '/') {

            /* one "/", with a type before it and a subtype after it */

            if (slash || i == 0 || i == len - 1) {
                return 0;
            }

            slash = 1;
            continue;
        }

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL)))
        {
            return 0;
        }
    }

    return len > 0;
}


/*
 * After the signature and the claims: the header's typ is one the location
 * requires; a token minted to live longer than the location allows (exp
 * minus iat, both required then) is refused, and so is one issued after
 * now (beyond the leeway), which would otherwise live longer than it says.
 */

authgw_status_t
authgw_token_rules_check(json_t *header, json_t *payload,
    const authgw_token_rules_t *rules, int64_t leeway, int64_t now)
{
    double   exp, iat;
    size_t   i;
    json_t  *v;

    if (rules->ntypes > 0) {
        v = json_object_get(header, "typ");

        if (!json_is_string(v)) {
            return AUTHGW_BAD_TYPE;
        }

        for (i = 0; i < rules->ntypes; i++) {
            if (authgw_media_type_eq(rules->types[i].data,
                                     rules->types[i].len,
                                     (const unsigned char *)
                                         json_string_value(v),
                                     json_string_length(v)))
            {
                break;
            }
        }

        if (i == rules->ntypes) {
            return AUTHGW_BAD_TYPE;
        }
    }

    if (rules->max_lifetime == 0) {
        return AUTHGW_OK;
    }

    v = json_object_get(payload, "exp");
    if (v == NULL) {
        return AUTHGW_MISSING_CLAIM;
    }

    if (authgw_claims_time(v, &exp) != 0) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    v = json_object_get(payload, "iat");
    if (v == NULL) {
        return AUTHGW_MISSING_CLAIM;
    }

    if (authgw_claims_time(v, &iat) != 0) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    /* exact in double: every operand is below 2^53 */

    if (iat > (double) now + (double) leeway) {
        return AUTHGW_NOT_YET_VALID;
    }

    if (exp - iat > (double) rules->max_lifetime) {
        return AUTHGW_LIFETIME_TOO_LONG;
    }

    return AUTHGW_OK;
}


/*
 * A claim by name, or, when the name starts with "/", by JSON Pointer
 * (RFC 6901) into nested claims: "/realm_access/roles", "/a~1b", "/list/0".
 */

json_t *
authgw_claim_get(json_t *payload, const unsigned char *name, size_t len)
{
    char                  token[256];
    size_t                i, n, index;
    json_t               *v;
    const unsigned char  *p, *end;

    if (len == 0 || name[0] != '/') {
        return json_object_getn(payload, (const char *) name, len);
    }

    v = payload;
    p = name + 1;
    end = name + len;

    for ( ;; ) {

        /* one reference token, with ~1 as "/" and ~0 as "~" */

        n = 0;

        while (p < end && *p != '/') {
            if (n == sizeof(token)) {
                return NULL;
            }

            if (*p == '~') {
                if (p + 1 == end || (p[1] != '0' && p[1] != '1')) {
                    return NULL;
                }

                token[n++] = (p[1] == '0') ? '~' : '/';
                p += 2;
                continue;
            }

            token[n++] = (char) *p++;
        }

        if (json_is_object(v)) {
            v = json_object_getn(v, token, n);

        } else if (json_is_array(v)) {

            /* a decimal index without leading zeros */

            if (n == 0 || (n > 1 && token[0] == '0') || n > 9) {
                return NULL;
            }

            index = 0;

            for (i = 0; i < n; i++) {
                if (token[i] < '0' || token[i] > '9') {
                    return NULL;
                }

                index = index * 10 + (size_t) (token[i] - '0');
            }

            v = json_array_get(v, index);

        } else {
            return NULL;
        }

        if (v == NULL || p == end) {
            return v;
        }

        p++;
    }
}


/*
 * authgw_require_claim's values: a string claim equals one of them, an
 * array claim contains one (its strings, numbers and booleans), a number's
 * or boolean's JSON text equals one. Compared by length and bytes; a string
 * with a control byte matches nothing, as its variable is not found.
 */

int
authgw_claim_match(json_t *value, const authgw_str_t *values, size_t n)
{
    int          r;
    char         text[AUTHGW_JSON_SCALAR_MAX];
    size_t       i, k, len;
    json_t      *e;
    const char  *p;

    if (json_is_array(value)) {
        json_array_foreach(value, k, e) {
            if (!json_is_array(e) && !json_is_object(e)
                && authgw_claim_match(e, values, n))
            {
                return 1;
            }
        }

        return 0;
    }

    if (json_is_string(value)) {
        p = json_string_value(value);
        len = json_string_length(value);

        if (authgw_json_has_control(p, len)) {
            return 0;
        }

    } else if (json_is_object(value) || json_is_null(value)) {
        return 0;

    } else {
        r = authgw_json_scalar_text(value, text);
        if (r < 0) {
            return 0;
        }

        p = text;
        len = (size_t) r;
    }

    for (i = 0; i < n; i++) {
        if (values[i].len == len && memcmp(values[i].data, p, len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/* "scope" (space-delimited, RFC 8693) or "scp" (an array or a string) */

int
authgw_has_scope(json_t *payload, const unsigned char *scope, size_t len)
{
    size_t                i, k;
    json_t               *v, *e;
    const unsigned char  *p, *last, *start;

    static const char  *names[2] = { "scope", "scp" };

    for (i = 0; i < 2; i++) {
        v = json_object_get(payload, names[i]);

        if (json_is_array(v) && i == 1) {
            json_array_foreach(v, k, e) {
                if (json_is_string(e) && json_string_length(e) == len
                    && memcmp(json_string_value(e), scope, len) == 0)
                {
                    return 1;
                }
            }

            continue;
        }

        if (!json_is_string(v)) {
            continue;
        }

        p = (const unsigned char *) json_string_value(v);
        last = p + json_string_length(v);

        while (p < last) {
            while (p < last && *p == ' ') {
                p++;
            }

            start = p;

            while (p < last && *p != ' ') {
                p++;
            }

            if (p > start && (size_t) (p - start) == len
                && memcmp(start, scope, len) == 0)
            {
                return 1;
            }
        }
    }

    return 0;
}
