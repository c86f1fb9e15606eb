
/*
 * Unit tests of src/authgw_explain.c: what a refusal says for each reason,
 * and what it never says (sub, claim values, the raw bytes of a value).
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"


typedef struct {
    authgw_status_t   status;
    const char       *header;
    const char       *payload;
    const char       *name;
    size_t            candidates;
    const char       *expect;       /* NULL: nothing to say */
} why_case_t;


static authgw_str_t  why_iss[1] = {
    { (const unsigned char *) "https://idp.example/realms/shop", 31 }
};

static authgw_str_t  why_aud[6] = {
    { (const unsigned char *) "orders-api", 10 },
    { (const unsigned char *) "b", 1 }, { (const unsigned char *) "c", 1 },
    { (const unsigned char *) "d", 1 }, { (const unsigned char *) "e", 1 },
    { (const unsigned char *) "f", 1 },
};


static authgw_str_t  why_values[2] = {
    { (const unsigned char *) "admin", 5 },
    { (const unsigned char *) "Bearer", 6 },
};


static size_t
why(const why_case_t *c, char *buf, size_t size)
{
    size_t                  n;
    json_t                 *h, *p;
    authgw_why_t            w;
    authgw_claims_policy_t  pol;

    memset(&pol, 0, sizeof(pol));
    pol.issuers = why_iss;
    pol.nissuers = 1;
    pol.audiences = why_aud;
    pol.naudiences = c->status == AUTHGW_BAD_AUDIENCE ? 6 : 1;
    pol.leeway = 30;
    pol.require_exp = 1;

    h = c->header ? json_loads(c->header, 0, NULL) : NULL;
    p = c->payload ? json_loads(c->payload, 0, NULL) : NULL;

    memset(&w, 0, sizeof(w));
    w.header = h;
    w.payload = p;
    w.policy = &pol;
    w.now = 1800010800;                 /* 2027-01-15T11:00:00Z */
    w.algs = AUTHGW_ALGS_RSA;
    w.candidates = c->candidates;
    w.name = (const unsigned char *) c->name;
    w.name_len = c->name ? strlen(c->name) : 0;

    if (c->status == AUTHGW_CLAIM_MISMATCH && c->name != NULL) {
        w.values = why_values;
        w.nvalues = 2;
    }
    w.user_id_claim = (const unsigned char *) "uid";
    w.user_id_claim_len = 3;

    n = authgw_explain(c->status, &w, buf, size);

    json_decref(h);
    json_decref(p);

    return n;
}


static void
test_explain_reasons(void **state)
{
    char    buf[512];
    size_t  i, n;

    static const why_case_t  cases[] = {
        { AUTHGW_EXPIRED, NULL, "{\"exp\":1800000000,\"sub\":\"alice\"}",
          NULL, 0,
          "exp 2027-01-15T08:00:00Z is 3h0m before now "
          "(2027-01-15T11:00:00Z, leeway 30s)" },
        { AUTHGW_NOT_YET_VALID, NULL, "{\"nbf\":1800011100}", NULL, 0,
          "nbf 2027-01-15T11:05:00Z is 5m0s after now "
          "(2027-01-15T11:00:00Z, leeway 30s)" },
        { AUTHGW_BAD_ISSUER, NULL,
          "{\"iss\":\"https://idp.example/realms/shop \",\"sub\":\"alice\"}",
          NULL, 0,
          "iss \"https://idp.example/realms/shop \" is not the issuer this "
          "location expects: \"https://idp.example/realms/shop\"" },
        { AUTHGW_BAD_ISSUER, NULL, "{\"iss\":\"a\\nb\\\"c\\u00e9\"}", NULL,
          0, "iss \"a\\x0ab\\\"c\\xc3\\xa9\" is not the issuer this location "
          "expects: \"https://idp.example/realms/shop\"" },
        { AUTHGW_BAD_ISSUER, NULL, "{}", NULL, 0,
          "iss is missing; this location expects "
          "\"https://idp.example/realms/shop\"" },
        { AUTHGW_BAD_AUDIENCE, NULL,
          "{\"aud\":[\"account\",\"x\",\"y\",\"z\",\"w\",\"v\"]}", NULL, 0,
          "aud [\"account\", \"x\", \"y\", \"z\", and 2 more] has no audience "
          "this location expects: \"orders-api\", \"b\", \"c\", \"d\" and 2 "
          "more" },
        { AUTHGW_ALG_NOT_ALLOWED, "{\"alg\":\"HS256\",\"kid\":\"k\"}", NULL,
          NULL, 0,
          "alg \"HS256\" is not one this location allows (RS256, RS384, "
          "RS512, PS256, PS384, PS512)" },
        { AUTHGW_ALG_NOT_ALLOWED, "{\"alg\":\"RS256\"}", NULL, NULL, 0,
          "no key of this location verifies RS256" },
        { AUTHGW_UNKNOWN_KID, "{\"alg\":\"RS256\",\"kid\":\"k7\"}", NULL,
          NULL, 0, "kid \"k7\" names no key of this location" },
        { AUTHGW_UNKNOWN_KID, "{\"alg\":\"RS384\"}", NULL, NULL, 3,
          "no kid, and 3 keys verify RS384: one is chosen only by kid "
          "(authgw_try_all_keys is off)" },
        { AUTHGW_BAD_SIGNATURE, "{\"alg\":\"RS256\",\"kid\":\"k1\"}", NULL,
          NULL, 0,
          "kid \"k1\": the RS256 signature does not verify with its key" },
        { AUTHGW_MISSING_CLAIM, NULL, "{\"sub\":\"alice\"}", NULL, 0,
          "exp is missing (authgw_require_exp is on)" },
        { AUTHGW_MISSING_CLAIM, NULL, "{\"exp\":1900000000}", NULL, 0,
          "the user id claim \"uid\" is missing" },
        { AUTHGW_BAD_AUDIENCE, NULL, "{\"aud\":[\"orders-api\",1]}", NULL,
          0, "aud has a member that is not a string, which refuses it whole; "
          "this location expects \"orders-api\", \"b\", \"c\", \"d\" and 2 "
          "more" },
        { AUTHGW_EXPIRED, NULL, "{\"exp\":1800010769.5}", NULL, 0,
          "exp 2027-01-15T10:59:29Z is 31s before now "
          "(2027-01-15T11:00:00Z, leeway 30s)" },
        { AUTHGW_BAD_ISSUER, NULL, "{\"iss\":\"x, client: 10.0.0.1\"}", NULL,
          0, "iss \"x\\x2c client: 10.0.0.1\" is not the issuer this location "
          "expects: \"https://idp.example/realms/shop\"" },
        { AUTHGW_MISSING_CLAIM, NULL, "{\"realm_access\":{\"roles\":[]}}",
          "realm_access.roles", 0,
          "claim \"realm_access.roles\" is missing; a name with dots is one "
          "top-level name, a nested claim is a JSON Pointer: "
          "/realm_access/roles" },
        { AUTHGW_MISSING_CLAIM, NULL, "{}", "/tenant", 0,
          "claim \"/tenant\" is missing" },
        { AUTHGW_CLAIM_MISMATCH, NULL, "{\"role\":\"guest\"}", "role", 0,
          "claim \"role\" (its value not logged) is none of the values "
          "authgw_require_claim gives: \"admin\" or \"Bearer\"" },
        { AUTHGW_CLAIM_MISMATCH, NULL, "{\"typ\":\"ID\",\"sub\":\"bob\"}",
          "typ", 0,
          "claim \"typ\" is \"ID\", none of the values authgw_require_claim "
          "gives: \"admin\" or \"Bearer\"" },
        { AUTHGW_CLAIM_MISMATCH, NULL, "{\"azp\":[1,2]}", "azp", 0,
          "claim \"azp\" is [a JSON number, a JSON number], none of the "
          "values authgw_require_claim "
          "gives: \"admin\" or \"Bearer\"" },
        { AUTHGW_CLAIM_MISMATCH, NULL, "{}", NULL, 0,
          "an authgw_require value is empty or \"0\"" },
        { AUTHGW_INSUFFICIENT_SCOPE, NULL,
          "{\"scope\":\"read profile\",\"sub\":\"alice\"}", "write", 0,
          "scope \"write\" is not granted; the token's scope: "
          "\"read profile\", scp: none" },
        { AUTHGW_INSUFFICIENT_SCOPE, NULL, "{}", "write", 0,
          "scope \"write\" is not granted; the token's scope: none, scp: "
          "none" },
        { AUTHGW_INSUFFICIENT_SCOPE, NULL,
          "{\"scope\":[\"alice@example.com\"],\"scp\":[\"read\",7,"
          "{\"a\":1}]}", "write", 0,
          "scope \"write\" is not granted; the token's scope: not a string, "
          "scp: [\"read\"]" },

        /* what has nothing to add, or must not say anything */
        { AUTHGW_MISSING_TOKEN, NULL, NULL, NULL, 0, NULL },
        { AUTHGW_MALFORMED_TOKEN, "{\"alg\":\"RS256\"}", "{}", NULL, 0,
          NULL },
        { AUTHGW_BAD_USER_ID, NULL, "{\"uid\":\"x\"}", NULL, 0, NULL },
        { AUTHGW_EXPIRED, NULL, NULL, NULL, 0, NULL },
        { AUTHGW_UNKNOWN_KID, NULL, NULL, NULL, 0, NULL },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = why(&cases[i], buf, sizeof(buf));

        if (cases[i].expect == NULL) {
            if (n != 0 || buf[0] != '\0') {
                fail_msg("case %zu: said \"%s\"", i, buf);
            }
            continue;
        }

        if (n != strlen(buf) || strcmp(buf, cases[i].expect) != 0) {
            fail_msg("case %zu:\n  said   \"%s\"\n  wanted \"%s\"", i, buf,
                     cases[i].expect);
        }

        if (strstr(buf, "alice") != NULL) {
            fail_msg("case %zu: the sub is in \"%s\"", i, buf);
        }
    }
}


/* each value is cut at 64 bytes, and the whole at the buffer's size */

static void
test_explain_bounds(void **state)
{
    char         payload[2200], buf[512], small[24];
    size_t       n;
    why_case_t   c;

    (void) state;

    memcpy(payload, "{\"iss\":\"", 8);
    memset(payload + 8, 'x', 2000);
    memcpy(payload + 2008, "\"}", 3);

    memset(&c, 0, sizeof(c));
    c.status = AUTHGW_BAD_ISSUER;
    c.payload = payload;

    n = why(&c, buf, sizeof(buf));
    assert_int_equal(n, strlen(buf));
    assert_non_null(strstr(buf, "xxxx\"..."));
    assert_true(n < 64 + 100);

    /* a value that does not fit is cut whole, with "..." */
    memset(small, '#', sizeof(small));
    n = why(&c, small, sizeof(small));
    assert_true(n < sizeof(small));
    assert_int_equal(strlen(small), n);
    assert_string_equal(small, "iss ...");

    assert_int_equal(why(&c, small, 0), 0);
}


/* text from outside, for a log line: escaped, bounded, "..." when cut */

static void
test_escape(void **state)
{
    char    out[16];
    size_t  n;

    (void) state;

    n = authgw_escape(out, sizeof(out), "a\"b\\c,d\n\x7f\xff", 9);
    assert_string_equal(out, "a\\\"b\\\\c\\x2cd...");
    assert_int_equal(n, strlen(out));
    assert_true(n < sizeof(out));

    n = authgw_escape(out, sizeof(out), "plain", 5);
    assert_string_equal(out, "plain");
    assert_int_equal(n, 5);

    /* exactly full: no "..." */
    n = authgw_escape(out, sizeof(out), "0123456789abcde", 15);
    assert_string_equal(out, "0123456789abcde");

    /* one more: cut, with "..." inside the size */
    n = authgw_escape(out, sizeof(out), "0123456789abcdef", 16);
    assert_string_equal(out, "0123456789ab...");
    assert_int_equal(n, 15);

    /* an escape is never cut in two */
    n = authgw_escape(out, 8, "ab\001cdef", 7);
    assert_string_equal(out, "ab...");

    n = authgw_escape(out, 8, "\x01\x02", 2);
    assert_string_equal(out, "\\x01...");

    assert_int_equal(authgw_escape(out, 3, "abc", 3), 0);
    assert_string_equal(out, "");
    assert_int_equal(authgw_escape(out, 0, "abc", 3), 0);
}


/* authgw_require_typ and authgw_max_lifetime: what their refusals say */

static void
test_explain_token_rules(void **state)
{
    char                    buf[512];
    size_t                  i;
    json_t                 *h, *p;
    authgw_str_t            typ[2];
    authgw_why_t            w;
    authgw_token_rules_t    rules;
    authgw_claims_policy_t  pol;

    static const struct {
        authgw_status_t   status;
        const char       *header;
        const char       *payload;
        const char       *expect;
    } cases[] = {
        { AUTHGW_BAD_TYPE, "{\"typ\":\"JWT\"}", "{}",
          "typ \"JWT\" is not a type authgw_require_typ asks for: "
          "\"at+jwt\" or \"application/jwt\"" },
        { AUTHGW_BAD_TYPE, "{}", "{}",
          "typ is missing; authgw_require_typ asks for \"at+jwt\" or "
          "\"application/jwt\"" },
        { AUTHGW_BAD_TYPE, "{\"typ\":7}", "{}",
          "typ 7 is not a type authgw_require_typ asks for: "
          "\"at+jwt\" or \"application/jwt\"" },
        { AUTHGW_LIFETIME_TOO_LONG, "{}",
          "{\"iat\":1800000000,\"exp\":1800086400}",
          "exp - iat is 86400s (1d0h: iat 2027-01-15T08:00:00Z, exp "
          "2027-01-16T08:00:00Z); authgw_max_lifetime allows 3600s" },
        { AUTHGW_LIFETIME_TOO_LONG, "{}",
          "{\"iat\":1800000000,\"exp\":1800003600.25}",
          "exp - iat is 3601s (1h0m: iat 2027-01-15T08:00:00Z, exp "
          "2027-01-15T09:00:00Z); authgw_max_lifetime allows 3600s" },
        { AUTHGW_NOT_YET_VALID, "{}",
          "{\"iat\":1800011100,\"exp\":1800012000}",
          "iat 2027-01-15T11:05:00Z is 5m0s after now "
          "(2027-01-15T11:00:00Z, leeway 30s)" },
        { AUTHGW_NOT_YET_VALID, "{}",
          "{\"nbf\":1800011100,\"iat\":1800011200,\"exp\":1800012000}",
          "nbf 2027-01-15T11:05:00Z is 5m0s after now "
          "(2027-01-15T11:00:00Z, leeway 30s)" },
        { AUTHGW_MISSING_CLAIM, "{}", "{\"exp\":1800012000}",
          "iat is missing (authgw_max_lifetime needs exp and iat)" },
        { AUTHGW_MISSING_CLAIM, "{}", "{\"iat\":1800012000}",
          "exp is missing (authgw_max_lifetime needs exp and iat)" },
    };

    (void) state;

    typ[0].data = (const unsigned char *) "at+jwt";
    typ[0].len = 6;
    typ[1].data = (const unsigned char *) "application/jwt";
    typ[1].len = 15;
    rules.types = typ;
    rules.ntypes = 2;
    rules.max_lifetime = 3600;

    memset(&pol, 0, sizeof(pol));
    pol.leeway = 30;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        h = json_loads(cases[i].header, 0, NULL);
        p = json_loads(cases[i].payload, 0, NULL);

        memset(&w, 0, sizeof(w));
        w.header = h;
        w.payload = p;
        w.policy = &pol;
        w.rules = &rules;
        w.now = 1800010800;             /* 2027-01-15T11:00:00Z */

        (void) authgw_explain(cases[i].status, &w, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].expect);

        /* without the rules, a bad_type or lifetime has nothing to say */

        w.rules = NULL;

        if (cases[i].status != AUTHGW_NOT_YET_VALID
            && cases[i].status != AUTHGW_MISSING_CLAIM)
        {
            assert_int_equal(authgw_explain(cases[i].status, &w, buf,
                                            sizeof(buf)), 0);
        }

        json_decref(h);
        json_decref(p);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_explain_reasons),
        cmocka_unit_test(test_explain_bounds),
        cmocka_unit_test(test_explain_token_rules),
        cmocka_unit_test(test_escape),
    };

    return cmocka_run_group_tests_name("explain", tests, NULL,
                                       test_pool_free);
}
