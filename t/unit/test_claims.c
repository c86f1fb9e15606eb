
/*
 * Unit tests of src/authgw_claims.c: exp, nbf, iss and aud checks, claim
 * names as JSON pointers, and the values authgw_require_claim and
 * authgw_require_scope match.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"


static void
test_claims(void **state)
{
    size_t                  i;
    json_t                 *p;
    authgw_str_t            iss[1], aud[2];
    authgw_claims_policy_t  pol;

    static const struct {
        const char       *payload;
        int64_t           now;
        int64_t           leeway;
        authgw_status_t   expect;
    } cases[] = {
        { "{\"exp\":1000}", 999, 0, AUTHGW_OK },
        { "{\"exp\":1000}", 1000, 0, AUTHGW_EXPIRED },
        { "{\"exp\":1000}", 1009, 10, AUTHGW_OK },
        { "{\"exp\":1000}", 1010, 10, AUTHGW_EXPIRED },
        { "{\"exp\":1000.5}", 1000, 0, AUTHGW_OK },
        { "{\"exp\":1000.5}", 1001, 0, AUTHGW_EXPIRED },
        { "{\"exp\":4.1024448E9}", 1000, 0, AUTHGW_OK },
        { "{\"exp\":\"4102444800\"}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":true}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":null}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":1e300}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":9223372036854775807}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":-1}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{}", 1000, 0, AUTHGW_MISSING_CLAIM },
        { "{\"exp\":2000,\"nbf\":1000}", 1000, 0, AUTHGW_OK },
        { "{\"exp\":2000,\"nbf\":1000}", 999, 0, AUTHGW_NOT_YET_VALID },
        { "{\"exp\":2000,\"nbf\":1000}", 990, 10, AUTHGW_OK },
        { "{\"exp\":2000,\"nbf\":1000}", 989, 10, AUTHGW_NOT_YET_VALID },
        { "{\"exp\":2000,\"nbf\":\"0\"}", 1000, 0, AUTHGW_MALFORMED_TOKEN },
        { "{\"exp\":2000,\"nbf\":999.5}", 999, 0, AUTHGW_NOT_YET_VALID },
    };

    (void) state;

    memset(&pol, 0, sizeof(pol));
    pol.require_exp = 1;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        p = json_loads(cases[i].payload, 0, NULL);
        assert_non_null(p);
        pol.leeway = cases[i].leeway;

        if (authgw_claims_check(p, &pol, cases[i].now) != cases[i].expect) {
            fail_msg("%s at %lld: got %s", cases[i].payload,
                     (long long) cases[i].now,
                     authgw_status_str(authgw_claims_check(p, &pol,
                                                           cases[i].now)));
        }

        json_decref(p);
    }

    /* issuer and audience: exact length and bytes */

    iss[0].data = (const unsigned char *) "https://idp.example";
    iss[0].len = strlen("https://idp.example");
    aud[0].data = (const unsigned char *) "api";
    aud[0].len = 3;
    aud[1].data = (const unsigned char *) "web";
    aud[1].len = 3;

    pol.require_exp = 0;
    pol.leeway = 0;
    pol.issuers = iss;
    pol.nissuers = 1;
    pol.audiences = aud;
    pol.naudiences = 2;

#define CLAIMS(text, expect)                                                  \
    p = json_loads(text, JSON_ALLOW_NUL, NULL);                               \
    assert_non_null(p);                                                       \
    assert_int_equal(authgw_claims_check(p, &pol, 0), expect);                \
    json_decref(p)

    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":\"api\"}", AUTHGW_OK);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":[\"x\",\"web\"]}",
           AUTHGW_OK);
    CLAIMS("{\"iss\":\"https://idp.example.evil\",\"aud\":\"api\"}",
           AUTHGW_BAD_ISSUER);
    CLAIMS("{\"iss\":\"https://idp.exampl\",\"aud\":\"api\"}",
           AUTHGW_BAD_ISSUER);
    CLAIMS("{\"iss\":\"https://idp.example\\u0000x\",\"aud\":\"api\"}",
           AUTHGW_BAD_ISSUER);
    CLAIMS("{\"iss\":\"HTTPS://idp.example\",\"aud\":\"api\"}",
           AUTHGW_BAD_ISSUER);
    CLAIMS("{\"aud\":\"api\"}", AUTHGW_BAD_ISSUER);
    CLAIMS("{\"iss\":[\"https://idp.example\"],\"aud\":\"api\"}",
           AUTHGW_BAD_ISSUER);
    CLAIMS("{\"iss\":\"https://idp.example\"}", AUTHGW_BAD_AUDIENCE);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":\"api2\"}",
           AUTHGW_BAD_AUDIENCE);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":\"ap\"}",
           AUTHGW_BAD_AUDIENCE);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":[]}",
           AUTHGW_BAD_AUDIENCE);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":[\"api\",1]}",
           AUTHGW_BAD_AUDIENCE);
    CLAIMS("{\"iss\":\"https://idp.example\",\"aud\":{\"api\":1}}",
           AUTHGW_BAD_AUDIENCE);
}


static void
test_claim_pointer(void **state)
{
    json_t  *p, *v;

    (void) state;

    p = json_loads("{\"realm_access\":{\"roles\":[\"admin\",\"dev\"]},"
                   "\"a/b\":{\"m~n\":1},\"https://x.example/r\":\"r\","
                   "\"list\":[10,20,30]}", 0, NULL);
    assert_non_null(p);

#define PTR(s)  authgw_claim_get(p, (const unsigned char *) s, strlen(s))

    v = PTR("/realm_access/roles");
    assert_true(json_is_array(v));
    v = PTR("/realm_access/roles/1");
    assert_string_equal(json_string_value(v), "dev");
    assert_int_equal(json_integer_value(PTR("/a~1b/m~0n")), 1);
    assert_int_equal(json_integer_value(PTR("/list/2")), 30);
    assert_null(PTR("/list/3"));
    assert_null(PTR("/list/01"));
    assert_null(PTR("/list/-"));
    assert_null(PTR("/a~2b"));
    assert_null(PTR("/realm_access/roles/0/x"));
    assert_string_equal(json_string_value(PTR("https://x.example/r")), "r");
    assert_null(PTR("realm_access/roles"));
    assert_true(json_is_object(PTR("/realm_access")));

    json_decref(p);
}


/* authgw_require_claim's values and authgw_require_scope, in the core */

static void
test_claim_rules(void **state)
{
    size_t         i;
    json_t        *j;
    authgw_str_t   want[3];

    static const struct {
        const char  *json;
        int          match;
    } cases[] = {
        { "{\"v\":\"admin\"}", 1 },
        { "{\"v\":\"Admin\"}", 0 },
        { "{\"v\":\"admin \"}", 0 },
        { "{\"v\":\"admin\\u0000x\"}", 0 },
        { "{\"v\":\"\"}", 0 },
        { "{\"v\":[\"x\",\"admin\"]}", 1 },
        { "{\"v\":[[\"admin\"]]}", 0 },
        { "{\"v\":[{\"admin\":1}]}", 0 },
        { "{\"v\":{\"admin\":\"admin\"}}", 0 },
        { "{\"v\":null}", 0 },
        { "{\"v\":42}", 1 },
        { "{\"v\":42.0}", 1 },
        { "{\"v\":42.5}", 0 },
        { "{\"v\":420}", 0 },
        { "{\"v\":true}", 0 },
        { "{\"v\":false}", 0 },
        { "{\"v\":[1,42]}", 1 },
        { "{\"v\":[null]}", 0 },
    };

    static const struct {
        const char  *json;
        const char  *scope;
        int          has;
    } scopes[] = {
        { "{\"scope\":\"read write\"}", "write", 1 },
        { "{\"scope\":\"read write\"}", "read", 1 },
        { "{\"scope\":\"read write\"}", "wri", 0 },
        { "{\"scope\":\"read write\"}", "read write", 0 },
        { "{\"scope\":\"  read   write  \"}", "write", 1 },
        { "{\"scope\":\"readwrite\"}", "write", 0 },
        { "{\"scope\":\"\"}", "write", 0 },
        { "{\"scope\":[\"write\"]}", "write", 0 },
        { "{\"scope\":5}", "5", 0 },
        { "{\"scp\":[\"a\",\"write\"]}", "write", 1 },
        { "{\"scp\":[\"a write\"]}", "write", 0 },
        { "{\"scp\":\"read write\"}", "write", 1 },
        { "{\"scp\":[1,\"x\"]}", "1", 0 },
        { "{\"scope\":\"read\",\"scp\":[\"write\"]}", "write", 1 },
        { "{\"scope\":\"wr\\u0000ite\"}", "wr", 0 },
        { "{}", "write", 0 },
    };

    (void) state;

    want[0].data = (const unsigned char *) "dev";
    want[0].len = 3;
    want[1].data = (const unsigned char *) "admin";
    want[1].len = 5;
    want[2].data = (const unsigned char *) "42";
    want[2].len = 2;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        j = json_loads(cases[i].json, JSON_ALLOW_NUL, NULL);
        assert_non_null(j);

        if (authgw_claim_match(json_object_get(j, "v"), want, 3)
            != cases[i].match)
        {
            fail_msg("%s: expected %d", cases[i].json, cases[i].match);
        }

        json_decref(j);
    }

    /* "true" is the text of a boolean, not of the string "true" only */

    want[0].data = (const unsigned char *) "true";
    want[0].len = 4;
    j = json_loads("{\"v\":\"true\"}", 0, NULL);
    assert_int_equal(authgw_claim_match(json_object_get(j, "v"), want, 1), 1);
    json_decref(j);
    j = json_loads("{\"v\":true}", 0, NULL);
    assert_int_equal(authgw_claim_match(json_object_get(j, "v"), want, 1), 1);
    json_decref(j);

    /* a value the operator wrote with a control byte matches no claim */

    want[0].data = (const unsigned char *) "a\tb";
    want[0].len = 3;
    want[1].data = (const unsigned char *) "c\x7f";
    want[1].len = 2;

    for (i = 0; i < 2; i++) {
        j = json_loads(i ? "{\"v\":[\"c\x7f\"]}" : "{\"v\":\"a\\tb\"}", 0,
                       NULL);
        assert_non_null(j);
        assert_int_equal(authgw_claim_match(json_object_get(j, "v"), want, 2),
                         0);
        json_decref(j);
    }

    for (i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
        j = json_loads(scopes[i].json, JSON_ALLOW_NUL, NULL);
        assert_non_null(j);

        if (authgw_has_scope(j, (const unsigned char *) scopes[i].scope,
                             strlen(scopes[i].scope))
            != scopes[i].has)
        {
            fail_msg("%s, scope %s: expected %d", scopes[i].json,
                     scopes[i].scope, scopes[i].has);
        }

        json_decref(j);
    }
}


/* RFC 9068 typ as RFC 7515 4.1.9 compares it; authgw_max_lifetime */

static void
test_token_rules(void **state)
{
    size_t                 i;
    json_t                *h, *p;
    authgw_str_t           typ[2];
    authgw_token_rules_t   rules;

    static const struct {
        const char       *header;
        const char       *payload;
        int               ntypes;
        int64_t           max;
        int64_t           now;
        authgw_status_t   expect;
    } cases[] = {
        { "{}", "{}", 0, 0, 1000, AUTHGW_OK },
        { "{\"typ\":\"at+jwt\"}", "{}", 1, 0, 1000, AUTHGW_OK },
        { "{\"typ\":\"AT+JWT\"}", "{}", 1, 0, 1000, AUTHGW_OK },
        { "{\"typ\":\"application/at+jwt\"}", "{}", 1, 0, 1000, AUTHGW_OK },
        { "{\"typ\":\"Application/At+JWT\"}", "{}", 1, 0, 1000, AUTHGW_OK },
        { "{\"typ\":\"text/at+jwt\"}", "{}", 1, 0, 1000, AUTHGW_BAD_TYPE },
        { "{\"typ\":\"JWT\"}", "{}", 1, 0, 1000, AUTHGW_BAD_TYPE },
        { "{\"typ\":\"at+jwt \"}", "{}", 1, 0, 1000, AUTHGW_BAD_TYPE },
        { "{\"typ\":\"at+jwt; q=1\"}", "{}", 1, 0, 1000, AUTHGW_BAD_TYPE },
        { "{\"typ\":\"at+jw\"}", "{}", 1, 0, 1000, AUTHGW_BAD_TYPE },
        { "{\"typ\":\"application/\"}", "{}", 1, 0, 1000, AUTHGW_BAD_TYPE },
        { "{\"typ\":\"at+jwt\\u0000\"}", "{}", 1, 0, 1000, AUTHGW_BAD_TYPE },
        { "{\"typ\":[\"at+jwt\"]}", "{}", 1, 0, 1000, AUTHGW_BAD_TYPE },
        { "{\"typ\":null}", "{}", 1, 0, 1000, AUTHGW_BAD_TYPE },
        { "{}", "{}", 1, 0, 1000, AUTHGW_BAD_TYPE },
        { "{\"typ\":\"jwt\"}", "{}", 2, 0, 1000, AUTHGW_OK },
        { "{\"typ\":\"application/JWT\"}", "{}", 2, 0, 1000, AUTHGW_OK },
        { "{}", "{\"iat\":1000,\"exp\":1600}", 0, 600, 1000, AUTHGW_OK },
        { "{}", "{\"iat\":1000,\"exp\":1601}", 0, 600, 1000,
          AUTHGW_LIFETIME_TOO_LONG },
        { "{}", "{\"iat\":1000,\"exp\":1600.5}", 0, 600, 1000,
          AUTHGW_LIFETIME_TOO_LONG },
        { "{}", "{\"iat\":1010.5,\"exp\":1610.5}", 0, 600, 1000,
          AUTHGW_NOT_YET_VALID },
        { "{}", "{\"iat\":1010,\"exp\":1600}", 0, 600, 1000, AUTHGW_OK },
        { "{}", "{\"iat\":1011,\"exp\":1600}", 0, 600, 1000,
          AUTHGW_NOT_YET_VALID },
        { "{}", "{\"exp\":1600}", 0, 600, 1000, AUTHGW_MISSING_CLAIM },
        { "{}", "{\"iat\":1000}", 0, 600, 1000, AUTHGW_MISSING_CLAIM },
        { "{}", "{\"iat\":\"1000\",\"exp\":1600}", 0, 600, 1000,
          AUTHGW_MALFORMED_TOKEN },
        { "{}", "{\"iat\":-1,\"exp\":1600}", 0, 600, 1000,
          AUTHGW_MALFORMED_TOKEN },
        { "{}", "{\"iat\":1000,\"exp\":1e300}", 0, 600, 1000,
          AUTHGW_MALFORMED_TOKEN },
        { "{}", "{\"iat\":0,\"exp\":253402300799}", 0, 600, 1000,
          AUTHGW_LIFETIME_TOO_LONG },
        { "{\"typ\":\"JWT\"}", "{\"iat\":1000,\"exp\":9000}", 1, 600, 1000,
          AUTHGW_BAD_TYPE },
    };

    static const struct {
        const char  *s;
        int          valid;
    } types[] = {
        { "at+jwt", 1 }, { "application/at+jwt", 1 }, { "JWT", 1 },
        { "a/b", 1 }, { "x!#$%&'*+-.^_`|~9", 1 }, { "", 0 }, { "/", 0 },
        { "application/", 0 }, { "/at+jwt", 0 }, { "a/b/c", 0 },
        { "at+jwt; v=1", 0 }, { "at+jwt;v=1", 0 }, { "at jwt", 0 },
        { "at\"jwt", 0 }, { "at+jwt\x7f", 0 }, { "\xc3\xa9", 0 },
        { "a,b", 0 },
    };

    (void) state;

    typ[0].data = (const unsigned char *) "at+jwt";
    typ[0].len = 6;
    typ[1].data = (const unsigned char *) "application/jwt";
    typ[1].len = 15;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        h = json_loads(cases[i].header, JSON_ALLOW_NUL, NULL);
        p = json_loads(cases[i].payload, 0, NULL);
        assert_non_null(h);
        assert_non_null(p);

        /* one type: at+jwt; two: application/jwt alone */

        rules.types = cases[i].ntypes == 2 ? &typ[1] : typ;
        rules.ntypes = cases[i].ntypes ? 1 : 0;
        rules.max_lifetime = cases[i].max;

        if (authgw_token_rules_check(h, p, &rules, 10, cases[i].now)
            != cases[i].expect)
        {
            fail_msg("case %zu: %s %s", i, cases[i].header,
                     cases[i].payload);
        }

        json_decref(h);
        json_decref(p);
    }

    assert_true(authgw_media_type_eq((const unsigned char *) "a/b", 3,
                                     (const unsigned char *) "A/B", 3));
    assert_false(authgw_media_type_eq((const unsigned char *) "a", 1,
                                      (const unsigned char *) "b/a", 3));
    assert_true(authgw_media_type_eq((const unsigned char *) "x", 1,
                                     (const unsigned char *) "x", 1));

    /* what authgw_require_typ takes */

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (authgw_media_type_valid((const unsigned char *) types[i].s,
                                    strlen(types[i].s))
            != types[i].valid)
        {
            fail_msg("type \"%s\"", types[i].s);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_claims),
        cmocka_unit_test(test_claim_pointer),
        cmocka_unit_test(test_claim_rules),
        cmocka_unit_test(test_token_rules),
    };

    return cmocka_run_group_tests_name("claims", tests, NULL, test_pool_free);
}
