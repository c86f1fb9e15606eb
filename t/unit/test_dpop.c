
/*
 * Unit tests of src/authgw_dpop.c: JWK thumbprints (RFC 7638) against the
 * RFCs' own examples, what a proof's jwk may not hold, and htu against the
 * request's URL.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"


static int
jkt(const char *jwk, char *out)
{
    int      rc;
    json_t  *j;

    j = json_loads(jwk, 0, NULL);
    assert_non_null(j);

    rc = authgw_jwk_thumbprint(j, out);
    json_decref(j);

    return rc;
}


static void
test_thumbprint(void **state)
{
    char  out[AUTHGW_JKT_LEN + 1];

    (void) state;

    /* RFC 7638 3.1: the RSA key of RFC 7517 A.1, alg and kid not covered */

    assert_int_equal(jkt("{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9"
        "nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJE"
        "CPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6"
        "Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu"
        "6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcR"
        "wr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\","
        "\"e\":\"AQAB\",\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}", out), 0);
    assert_string_equal(out, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");

    /* RFC 8037 A.3: the Ed25519 key of A.2 */

    assert_int_equal(jkt("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
                         "\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}",
                         out), 0);
    assert_string_equal(out, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");

    /*
     * the P-256 key of RFC 7517 A.1, members in another order, with d:
     * the thumbprint covers crv, kty, x, y only (the value as jwcrypto
     * 1.1 computes it)
     */

    assert_int_equal(jkt("{\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4"
                         "IFyM\",\"use\":\"enc\",\"x\":\"MKBCTNIcKUSDii11ySs3"
                         "526iDZ8AiTo7Tu6KPAqv7D4\",\"kty\":\"EC\",\"crv\":"
                         "\"P-256\",\"d\":\"x\"}", out), 0);
    assert_string_equal(out, "cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s");

    /* what has no thumbprint */

    assert_int_equal(jkt("{\"kty\":\"oct\",\"k\":\"AAAA\"}", out), -1);
    assert_int_equal(jkt("{\"kty\":\"RSA\",\"n\":\"AQAB\"}", out), -1);
    assert_int_equal(jkt("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":3}", out),
                     -1);
    assert_int_equal(jkt("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\"}",
                         out), -1);
    assert_int_equal(jkt("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
                         "\"a\\\"b\"}", out), -1);
    assert_int_equal(jkt("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
                         "\"a\\u00e9\"}", out), -1);
    assert_int_equal(jkt("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":"
                         "\"a\\nb\"}", out), -1);
    assert_int_equal(jkt("{\"kty\":[\"RSA\"]}", out), -1);
    assert_int_equal(jkt("{}", out), -1);
}


static void
test_thumbprint_bounds(void **state)
{
    char     out[AUTHGW_JKT_LEN + 1];
    char    *jwk;
    size_t   n;

    (void) state;

    /* an n that fills the input exactly fits; one byte more does not */

    for (n = AUTHGW_JKT_INPUT_MAX - 40; n < AUTHGW_JKT_INPUT_MAX; n++) {
        jwk = malloc(n + 64);
        assert_non_null(jwk);

        /* {"e":"AQAB","kty":"RSA","n":"..."}: 31 bytes around n */

        snprintf(jwk, n + 64, "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\"%0*d\"}",
                 (int) n, 0);

        assert_int_equal(jkt(jwk, out),
                         n + 31 <= AUTHGW_JKT_INPUT_MAX ? 0 : -1);
        free(jwk);
    }
}


static void
test_public(void **state)
{
    size_t   i;
    json_t  *j;

    static const struct {
        const char  *jwk;
        int          public;
    } cases[] = {
        { "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\",\"y\":\"b\"}", 1 },
        { "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"a\",\"y\":\"b\","
          "\"d\":\"c\"}", 0 },
        { "{\"kty\":\"RSA\",\"n\":\"a\",\"e\":\"b\",\"p\":\"c\"}", 0 },
        { "{\"kty\":\"RSA\",\"n\":\"a\",\"e\":\"b\",\"qi\":null}", 0 },
        { "{\"kty\":\"RSA\",\"n\":\"a\",\"e\":\"b\",\"oth\":[]}", 0 },
        { "{\"kty\":\"oct\",\"k\":\"a\"}", 0 },
        { "[]", 0 },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        j = json_loads(cases[i].jwk, 0, NULL);
        assert_non_null(j);
        assert_int_equal(authgw_jwk_is_public(j), cases[i].public);
        json_decref(j);
    }
}


/* RFC 9449 4.3 (9): htu against the request's URL */

static void
test_htu(void **state)
{
    size_t  i;

    static const struct {
        const char  *htu;
        const char  *url;
        int          match;
    } cases[] = {
        { "https://server.example.com/token",
          "https://server.example.com/token", 1 },
        { "https://server.example.com/token?a=1#f",
          "https://server.example.com/token", 1 },
        { "https://server.example.com/token",
          "https://server.example.com/token?x", 1 },
        { "HTTPS://Server.Example.COM/token",
          "https://server.example.com/token", 1 },
        { "https://server.example.com:443/token",
          "https://server.example.com/token", 1 },
        { "http://server.example.com:80/a", "http://server.example.com/a",
          1 },
        { "https://server.example.com", "https://server.example.com/", 1 },
        { "https://server.example.com/", "https://server.example.com", 1 },
        { "https://server.example.com?q", "https://server.example.com/", 1 },
        { "https://server.example.com/Token",
          "https://server.example.com/token", 0 },
        { "https://server.example.com/token/",
          "https://server.example.com/token", 0 },
        { "https://server.example.com/t%6Fken",
          "https://server.example.com/token", 0 },
        { "https://server.example.com:8443/token",
          "https://server.example.com/token", 0 },
        { "http://server.example.com/token",
          "https://server.example.com/token", 0 },
        { "https://other.example.com/token",
          "https://server.example.com/token", 0 },
        { "https://server.example.com.evil/token",
          "https://server.example.com/token", 0 },
        { "https://user@server.example.com/token",
          "https://server.example.com/token", 0 },
        { "https://server.example.com/tokens",
          "https://server.example.com/token", 0 },
        { "https://server.example.com/x", "https://server.example.com/", 0 },
        { "/token", "https://server.example.com/token", 0 },
        { "server.example.com/token", "https://server.example.com/token",
          0 },
        { "https:/server.example.com/token",
          "https://server.example.com/token", 0 },
        { "ftp://server.example.com/token",
          "ftp://server.example.com/token", 0 },
        { "", "https://server.example.com/", 0 },
        { "https://", "https://", 0 },
    };

    (void) state;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (authgw_htu_match(cases[i].htu, strlen(cases[i].htu),
                             cases[i].url, strlen(cases[i].url))
            != cases[i].match)
        {
            fail_msg("case %zu: %s against %s", i, cases[i].htu,
                     cases[i].url);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_thumbprint),
        cmocka_unit_test(test_thumbprint_bounds),
        cmocka_unit_test(test_public),
        cmocka_unit_test(test_htu),
    };

    return cmocka_run_group_tests_name("dpop", tests, NULL, test_pool_free);
}
