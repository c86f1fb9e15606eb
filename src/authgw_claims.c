
/*
 * Registered claim checks (RFC 7519 section 4.1): exp and nbf as JSON
 * numbers compared without overflow, iss and aud by exact length and bytes.
 */


#include "authgw.h"


/* NumericDate bounds: 1970 to the end of year 9999 */
#define AUTHGW_TIME_MAX  253402300799.0


static int authgw_claims_time(json_t *v, double *t);


static int
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
