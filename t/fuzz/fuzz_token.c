
/*
 * A whole token through verification, claims, user-id decryption, the
 * variable encodings and what a refusal would say of it. The first byte
 * chooses how the rest is used: as the token itself, or as header and
 * payload JSON (split at the first NUL) that the harness signs with the
 * HS256 key, so that the fuzzer reaches everything after the signature
 * check.
 */


#include <stdlib.h>
#include <string.h>

#include "fuzz.h"


static void
fuzz_values(json_t *json)
{
    size_t          len;
    json_t         *v;
    const char     *key;
    unsigned char  *out;

    json_object_foreach(json, key, v) {
        (void) key;

        if (authgw_json_text(v, &fuzz_alloc, &out, &len) != 0) {
            continue;
        }
    }
}


/*
 * What a refusal would say of this token, for its status and every other,
 * into buffers of three sizes: shorter than the buffer, NUL after it, and
 * printable ASCII only
 */

static void
fuzz_explain(authgw_status_t rc, authgw_jws_t *jws)
{
    int                     s;
    char                    buf[512];
    size_t                  i, k, n;
    authgw_str_t            iss;
    authgw_why_t            w;
    authgw_token_rules_t    rules;
    authgw_claims_policy_t  policy;

    static const size_t     sizes[3] = { 512, 37, 1 };

    rules.types = &iss;
    rules.ntypes = 1;
    rules.max_lifetime = 60;

    iss.data = (const unsigned char *) "i";
    iss.len = 1;

    memset(&policy, 0, sizeof(policy));
    policy.issuers = &iss;
    policy.nissuers = 1;
    policy.audiences = &iss;
    policy.naudiences = 1;
    policy.require_exp = 1;

    memset(&w, 0, sizeof(w));
    w.header = jws->header;
    w.payload = jws->payload;
    w.policy = &policy;
    w.now = 1800000000;
    w.algs = AUTHGW_ALGS_RSA;
    w.candidates = jws->candidates;
    w.name = (const unsigned char *) "a.b";
    w.name_len = 3;
    w.rules = &rules;

    for (s = 0; s <= AUTHGW_INTERNAL_ERROR; s++) {
        for (k = 0; k < 3; k++) {
            memset(buf, 0x7f, sizeof(buf));
            n = authgw_explain(s == 0 ? rc : (authgw_status_t) s, &w, buf,
                               sizes[k]);

            if (n >= sizes[k] || buf[n] != '\0' || strlen(buf) != n) {
                abort();
            }

            for (i = 0; i < n; i++) {
                if (buf[i] < 0x20 || buf[i] > 0x7e) {
                    abort();
                }
            }
        }
    }
}


/* a thumbprint, for a proof's key and a certificate (RFC 7638 3.1's) */
#define FUZZ_JKT  "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


int
fuzz_one(const uint8_t *data, size_t size)
{
    char                   *token;
    char                    jkt[AUTHGW_JKT_LEN + 1];
    size_t                  len, ulen;
    json_t                 *uid, *v;
    authgw_str_t            iss, aud;
    authgw_jws_t            jws;
    unsigned char          *user;
    authgw_status_t         rc;
    const char             *why;
    authgw_binding_t        bind;
    authgw_dpop_proof_t     proof;
    authgw_token_rules_t    rules;
    authgw_dpop_request_t   rq;
    authgw_claims_policy_t  policy;

    fuzz_init();

    if (size == 0) {
        return 0;
    }

    token = fuzz_token_of(data, size, &len);
    if (token == NULL) {
        return 0;
    }

    rc = authgw_jws_verify((unsigned char *) token, len, fuzz_sig_keys.keys,
                           fuzz_sig_keys.nkeys, AUTHGW_ALGS_ALL, 0,
                           &fuzz_alloc, &jws);

    if (rc == AUTHGW_OK) {
        iss.data = (const unsigned char *) "i";
        iss.len = 1;
        aud.data = (const unsigned char *) "a";
        aud.len = 1;

        memset(&policy, 0, sizeof(policy));
        policy.issuers = &iss;
        policy.nissuers = (data[0] & 2) ? 1 : 0;
        policy.audiences = &aud;
        policy.naudiences = (data[0] & 4) ? 1 : 0;
        policy.leeway = 30;
        policy.require_exp = (data[0] & 8) ? 1 : 0;

        (void) authgw_claims_check(jws.payload, &policy, 1800000000);

        rules.types = &aud;
        rules.ntypes = (data[0] & 16) ? 1 : 0;
        rules.max_lifetime = (data[0] & 32) ? 3600 : 0;

        (void) authgw_token_rules_check(jws.header, jws.payload, &rules,
                                        policy.leeway, 1800000000);

        uid = json_object_get(jws.payload, "uid");

        if (json_is_string(uid)) {
            (void) authgw_jwe_decrypt((unsigned char *) json_string_value(uid),
                                      json_string_length(uid),
                                      fuzz_uid_keys.keys, fuzz_uid_keys.nkeys,
                                      &fuzz_alloc, &user, &ulen);
        }

        v = authgw_claim_get(jws.payload, (unsigned char *) "/a/0/b~1c", 9);
        (void) v;

        fuzz_values(jws.header);
        fuzz_values(jws.payload);

        /* its cnf in every mode: one of the binding's reasons, explained */

        memset(&bind, 0, sizeof(bind));
        bind.dpop = data[0] % 3;
        bind.mtls = (data[0] / 3) % 3;
        bind.scheme_dpop = (data[0] & 128) ? 1 : 0;
        bind.proof_jkt = bind.scheme_dpop ? FUZZ_JKT : NULL;
        bind.cert_x5t = (data[0] & 64) ? FUZZ_JKT : NULL;
        why = NULL;
        rc = authgw_binding_check(jws.payload, &bind, &why);

        if ((rc != AUTHGW_OK && rc != AUTHGW_UNBOUND_TOKEN
             && rc != AUTHGW_DPOP_KEY_MISMATCH && rc != AUTHGW_CERT_MISMATCH)
            || (rc != AUTHGW_OK && why == NULL))
        {
            abort();
        }

        rc = AUTHGW_OK;
    }

    fuzz_explain(rc, &jws);

    /* a header's jwk, as a DPoP proof's: its thumbprint, bounded */

    v = json_object_get(jws.header, "jwk");

    if (v != NULL && authgw_jwk_thumbprint(v, jkt) == 0
        && strlen(jkt) != AUTHGW_JKT_LEN)
    {
        abort();
    }

    (void) authgw_jwk_is_public(v);

    authgw_jws_free(&jws);

    /* the same bytes as a DPoP proof */

    memset(&rq, 0, sizeof(rq));
    rq.method = "POST";
    rq.method_len = 4;
    rq.url = "https://a.example/p";
    rq.url_len = sizeof("https://a.example/p") - 1;
    rq.token = (const unsigned char *) "t";
    rq.token_len = (data[0] & 64) ? 1 : 0;
    rq.algs = AUTHGW_ALGS_ALL;
    rq.now = 1800000000;
    rq.window = 60;

    if (authgw_dpop_check((unsigned char *) token, len, &rq, &fuzz_alloc,
                          &proof)
        == 0
        && (strlen(proof.jkt) != AUTHGW_JKT_LEN || proof.jti_len == 0))
    {
        abort();
    }

    free(token);

    return 0;
}
