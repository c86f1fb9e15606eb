
/*
 * Algorithm names, their hashes, and the reason codes.
 */


#include <string.h>

#include "authgw.h"


static const char  *authgw_alg_names[AUTHGW_ALG_COUNT] = {
    "HS256", "HS384", "HS512",
    "RS256", "RS384", "RS512",
    "PS256", "PS384", "PS512",
    "ES256", "ES384", "ES512",
    "EdDSA"
};


const char  *authgw_sha2_names[3] = { "SHA256", "SHA384", "SHA512" };


static const char  *authgw_status_names[] = {
    "",
    "missing_token",
    "malformed_token",
    "alg_not_allowed",
    "unknown_kid",
    "bad_signature",
    "expired",
    "not_yet_valid",
    "bad_issuer",
    "bad_audience",
    "missing_claim",
    "claim_mismatch",
    "insufficient_scope",
    "bad_user_id",
    "bad_type",
    "lifetime_too_long",
    "bad_dpop_proof",
    "use_dpop_nonce",
    "dpop_replay",
    "dpop_key_mismatch",
    "unbound_token",
    "cert_mismatch",
    "replay_cache_full",
    "keys_unavailable",
    "internal_error"
};


const char *
authgw_status_str(authgw_status_t status)
{
    if ((size_t) status >= sizeof(authgw_status_names) / sizeof(char *)) {
        return "internal_error";
    }

    return authgw_status_names[status];
}


/* exact, case-sensitive, length included: "none" and "hs256" never match */

int
authgw_alg_from_name(const char *name, size_t len)
{
    int  i;

    for (i = 0; i < AUTHGW_ALG_COUNT; i++) {
        if (strlen(authgw_alg_names[i]) == len
            && memcmp(authgw_alg_names[i], name, len) == 0)
        {
            return i;
        }
    }

    return -1;
}


const char *
authgw_alg_name(authgw_alg_t alg)
{
    return authgw_alg_names[alg];
}
