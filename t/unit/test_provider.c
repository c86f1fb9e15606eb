
/*
 * Unit tests of src/authgw_provider.c: the issuer read from a token before
 * its signature, the origin of a URL, and a provider's metadata.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"


/* the issuer scanned from a token with this payload, or NULL; status */

static const char *
issuer(const char *payload, authgw_status_t *status)
{
    static char           out[256];
    char                 *t;
    size_t                n;
    const unsigned char  *iss;

    test_pool_reset();

    t = make_token("{\"alg\":\"HS256\"}", payload,
                   (const unsigned char *) "sig", 3);
    *status = authgw_jws_issuer((unsigned char *) t, strlen(t), &alloc, &iss,
                                &n);
    free(t);

    if (*status != AUTHGW_OK) {
        assert_null(iss);
        return NULL;
    }

    assert_true(n < sizeof(out));
    memcpy(out, iss, n);
    out[n] = '\0';

    return out;
}


static void
test_issuer(void **state)
{
    authgw_status_t  st;

    (void) state;

    assert_string_equal(issuer("{\"iss\":\"https://a.example\"}", &st),
                        "https://a.example");
    assert_string_equal(issuer(" {\"sub\":\"x\", \"aud\":[\"iss\"],\n"
                               "  \"iss\" : \"B\"}", &st), "B");

    /* escapes are jansson's to decode: "\/" is "/" */
    assert_string_equal(issuer("{\"iss\":\"https:\\/\\/a.example\\u0021\"}",
                               &st), "https://a.example!");

    /* only a member of the top level, never a value or a nested name */
    assert_null(issuer("{\"a\":\"iss\",\"b\":{\"iss\":\"X\"}}", &st));
    assert_int_equal(st, AUTHGW_BAD_ISSUER);
    assert_null(issuer("{\"a\":[\"iss\",\"X\"],\"c\":\"\\\"iss\\\"\"}", &st));
    assert_int_equal(st, AUTHGW_BAD_ISSUER);
    assert_string_equal(issuer("{\"b\":{\"iss\":\"X\"},\"iss\":\"Y\"}", &st),
                        "Y");

    /* not a string: no provider can be chosen */
    assert_null(issuer("{\"iss\":42}", &st));
    assert_int_equal(st, AUTHGW_BAD_ISSUER);
    assert_null(issuer("{\"iss\":[\"A\"]}", &st));
    assert_int_equal(st, AUTHGW_BAD_ISSUER);
    assert_null(issuer("{\"iss\":\"a\\u0000b\"}", &st));
    assert_int_equal(st, AUTHGW_BAD_ISSUER);
    assert_null(issuer("{}", &st));
    assert_int_equal(st, AUTHGW_BAD_ISSUER);

    /* an escaped name is not found (no encoder writes one) */
    assert_null(issuer("{\"\\u0069ss\":\"X\"}", &st));
    assert_int_equal(st, AUTHGW_BAD_ISSUER);

    /* duplicates: the first is found, the payload's parse refuses later */
    assert_string_equal(issuer("{\"iss\":\"A\",\"iss\":\"B\"}", &st), "A");

    /* not an object, or cut short */
    assert_null(issuer("[\"iss\",\"A\"]", &st));
    assert_int_equal(st, AUTHGW_MALFORMED_TOKEN);
    assert_null(issuer("{\"sub\":\"x", &st));
    assert_int_equal(st, AUTHGW_MALFORMED_TOKEN);
    assert_null(issuer("{\"iss\":\"x", &st));
    assert_int_equal(st, AUTHGW_MALFORMED_TOKEN);
    assert_null(issuer("{\"iss\"", &st));
    assert_int_equal(st, AUTHGW_MALFORMED_TOKEN);
}


/* payloads longer than the first part that is decoded and scanned */

static void
test_issuer_long(void **state)
{
    char             payload[4096];
    size_t           i;
    authgw_status_t  st;

    (void) state;

    /* found in the first part */
    snprintf(payload, sizeof(payload), "{\"iss\":\"A\",\"pad\":\"%03000d\"}",
             0);
    assert_string_equal(issuer(payload, &st), "A");

    /* after it: the whole payload */
    snprintf(payload, sizeof(payload), "{\"pad\":\"%03000d\",\"iss\":\"B\"}",
             0);
    assert_string_equal(issuer(payload, &st), "B");

    /* the first part ends inside each place of "iss":"C" */
    for (i = 740; i < 780; i++) {
        snprintf(payload, sizeof(payload),
                 "{\"pad\":\"%0*d\",\"iss\":\"C\",\"x\":\"%02000d\"}",
                 (int) i, 0, 0);
        assert_string_equal(issuer(payload, &st), "C");
    }

    /* the object ends after the first part without an "iss" */
    snprintf(payload, sizeof(payload), "{\"pad\":\"%03000d\"}", 0);
    assert_null(issuer(payload, &st));
    assert_int_equal(st, AUTHGW_BAD_ISSUER);

    /* decided in the first part, the rest still strict base64url */
    {
        char                 *t, *bad;
        size_t                n;
        const unsigned char  *iss;
        static const char    *tails[] = { "=", "!!", "A", "AB", "ABC" };

        snprintf(payload, sizeof(payload),
                 "{\"iss\":\"A\",\"pad\":\"%03000d\"}", 0);

        for (i = 0; i < 5; i++) {
            test_pool_reset();
            t = make_token("{\"alg\":\"HS256\"}", payload,
                           (const unsigned char *) "sig", 3);
            bad = malloc(strlen(t) + 8);
            n = strchr(strchr(t, '.') + 1, '.') - t;
            memcpy(bad, t, n);
            strcpy(bad + n, tails[i]);
            strcat(bad, strchr(strchr(t, '.') + 1, '.'));

            /* "=" "!!": not the alphabet; "A": 1 mod 4 or stray bits */
            st = authgw_jws_issuer((unsigned char *) bad, strlen(bad), &alloc,
                                   &iss, &n);
            if (i < 2) {
                assert_int_equal(st, AUTHGW_MALFORMED_TOKEN);
                assert_null(iss);
            }

            free(bad);
            free(t);
        }
    }

    /* the check of the rest, alone */
#define check(t)  authgw_b64url_check((const unsigned char *) t, strlen(t))
    assert_int_equal(check(""), 0);
    assert_int_equal(check("QUJD"), 0);
    assert_int_equal(check("QUI"), 0);
    assert_int_equal(check("QQ"), 0);
    assert_int_equal(check("QUJ"), -1);    /* stray bits */
    assert_int_equal(check("QR"), -1);
    assert_int_equal(check("QUJDR"), -1);  /* 1 mod 4 */
    assert_int_equal(check("QU=J"), -1);
    assert_int_equal(check("QU+J"), -1);
#undef check

    /* cut short after the first part */
    snprintf(payload, sizeof(payload), "{\"pad\":\"%03000d", 0);
    assert_null(issuer(payload, &st));
    assert_int_equal(st, AUTHGW_MALFORMED_TOKEN);
}


static void
test_issuer_shape(void **state)
{
    size_t                n;
    const unsigned char  *iss;

    (void) state;

    assert_int_equal(authgw_jws_issuer((unsigned char *) "", 0, &alloc, &iss,
                                       &n), AUTHGW_MISSING_TOKEN);

#define shape(t)                                                              \
    authgw_jws_issuer((unsigned char *) t, strlen(t), &alloc, &iss, &n)

    assert_int_equal(shape("a.b"), AUTHGW_MALFORMED_TOKEN);
    assert_int_equal(shape("a.b.c.d"), AUTHGW_MALFORMED_TOKEN);
    assert_int_equal(shape(".eyJ9.c"), AUTHGW_MALFORMED_TOKEN);
    assert_int_equal(shape("a..c"), AUTHGW_MALFORMED_TOKEN);
    assert_int_equal(shape("a.eyJ9."), AUTHGW_MALFORMED_TOKEN);
    assert_int_equal(shape("a.e+J9.c"), AUTHGW_MALFORMED_TOKEN);

    /* {"iss":"A"} */
    assert_int_equal(shape("a.eyJpc3MiOiJBIn0.c"), AUTHGW_OK);
    assert_int_equal(n, 1);
    assert_memory_equal(iss, "A", 1);

#undef shape
}


/* the origin of url, or "" */

static const char *
origin(const char *url, unsigned flags)
{
    static char  out[AUTHGW_URL_MAX + 1];
    size_t       n;

    memset(out, '#', sizeof(out));
    n = authgw_url_origin(url, strlen(url), flags, out, sizeof(out));

    if (n == 0) {
        return "";
    }

    assert_int_equal(strlen(out), n);

    return out;
}


static void
test_url_origin(void **state)
{
    (void) state;

    assert_string_equal(origin("https://ID.Example.com/realms/a", 0),
                        "https://id.example.com");
    assert_string_equal(origin("HTTPS://id.example.com:443/x", 0),
                        "https://id.example.com");
    assert_string_equal(origin("https://id.example.com:8443", 0),
                        "https://id.example.com:8443");
    assert_string_equal(origin("https://id.example.com:08443?x=1", 0),
                        "https://id.example.com:8443");
    assert_string_equal(origin("https://[::1]:8443/k", 0),
                        "https://[::1]:8443");
    assert_string_equal(origin("https://127.0.0.1/k", 0),
                        "https://127.0.0.1");

    /* http only when allowed; its default port is 80 */
    assert_string_equal(origin("http://id.example.com/k", 0), "");
    assert_string_equal(origin("http://id.example.com:80/k", AUTHGW_URL_HTTP),
                        "http://id.example.com");
    assert_string_equal(origin("http://id.example.com:443/k",
                               AUTHGW_URL_HTTP),
                        "http://id.example.com:443");

    /* refused */
    assert_string_equal(origin("https://user@evil.example/k", 0), "");
    assert_string_equal(origin("https://id.example.com@evil.example/", 0), "");
    assert_string_equal(origin("https://", 0), "");
    assert_string_equal(origin("https:///k", 0), "");
    assert_string_equal(origin("https://:443/k", 0), "");
    assert_string_equal(origin("https://id.example.com:/k", 0), "");
    assert_string_equal(origin("https://id.example.com:0/k", 0), "");
    assert_string_equal(origin("https://id.example.com:65536/k", 0), "");
    assert_string_equal(origin("https://id.example.com:1234567/k", 0), "");
    assert_string_equal(origin("https://id.example.com:4a3/k", 0), "");
    assert_string_equal(origin("https://id_example.com/k", 0), "");
    assert_string_equal(origin("https://[]/k", 0), "");
    assert_string_equal(origin("https://[::1/k", 0), "");
    assert_string_equal(origin("https://[::1]x/k", 0), "");
    assert_string_equal(origin("https://id.example.com/a b", 0), "");
    assert_string_equal(origin("https://id.example.com/a\r\nHost: x", 0), "");
    assert_string_equal(origin("https://id.example.com/\x80", 0), "");
    assert_string_equal(origin("https://id.example.com/a{b}", 0), "");
    assert_string_equal(origin("ftp://id.example.com/k", 0), "");
    assert_string_equal(origin("//id.example.com/k", 0), "");
    assert_string_equal(origin("https://id.example.com/k#f",
                               AUTHGW_URL_NO_FRAGMENT), "");
    assert_string_equal(origin("https://id.example.com/k#f", 0),
                        "https://id.example.com");
}


/* the jwks_uri of metadata, or "" with the reason in err */

static char  err[512];

static const char *
meta(const char *json, const char *iss, const char *allow, unsigned flags)
{
    static char   out[AUTHGW_URL_MAX + 1];
    size_t        n;
    authgw_str_t  is, origins[1];

    is.data = (const unsigned char *) iss;
    is.len = strlen(iss);
    origins[0].data = (const unsigned char *) allow;
    origins[0].len = allow ? strlen(allow) : 0;

    err[0] = '\0';
    n = authgw_discovery_parse((const unsigned char *) json, strlen(json),
                               &is, origins, allow ? 1 : 0, flags, out,
                               sizeof(out), err, sizeof(err));
    if (n == 0) {
        assert_true(err[0] != '\0');
        return "";
    }

    assert_int_equal(strlen(out), n);

    return out;
}


static void
test_discovery(void **state)
{
    const char  *iss = "https://id.example.com/realms/a";

    (void) state;

    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/a\","
                             "\"jwks_uri\":\"https://ID.example.com:443/"
                             "realms/a/certs\",\"x\":[1,{}]}", iss, NULL, 0),
                        "https://ID.example.com:443/realms/a/certs");

    /* the issuer, exactly: not another realm, not with a slash added */
    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/b\","
                             "\"jwks_uri\":\"https://id.example.com/k\"}",
                             iss, NULL, 0), "");
    assert_non_null(strstr(err, "realms/b"));
    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/a/"
                             "\",\"jwks_uri\":\"https://id.example.com/k\"}",
                             iss, NULL, 0), "");
    assert_string_equal(meta("{\"jwks_uri\":\"https://id.example.com/k\"}",
                             iss, NULL, 0), "");
    assert_non_null(strstr(err, "no \"issuer\""));

    /* another origin: only one that the operator allows */
    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/a\","
                             "\"jwks_uri\":\"https://keys.example.net/k\"}",
                             iss, NULL, 0), "");
    assert_non_null(strstr(err, "https://keys.example.net"));
    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/a\","
                             "\"jwks_uri\":\"https://keys.example.net/k\"}",
                             iss, "https://keys.example.net", 0),
                        "https://keys.example.net/k");
    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/a\","
                             "\"jwks_uri\":\"https://id.example.com:8443/k\"}",
                             iss, NULL, 0), "");
    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/a\","
                             "\"jwks_uri\":\"https://id.example.com@169.254."
                             "169.254/k\"}", iss, NULL, 0), "");

    /* http: only when allowed, and still on the issuer's origin */
    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/a\","
                             "\"jwks_uri\":\"http://id.example.com/k\"}",
                             iss, NULL, 0), "");
    assert_string_equal(meta("{\"issuer\":\"http://id.example.com/realms/a\","
                             "\"jwks_uri\":\"http://id.example.com/k\"}",
                             "http://id.example.com/realms/a", NULL, 0), "");
    assert_string_equal(meta("{\"issuer\":\"http://id.example.com/realms/a\","
                             "\"jwks_uri\":\"http://id.example.com/k\"}",
                             "http://id.example.com/realms/a", NULL,
                             AUTHGW_URL_HTTP), "http://id.example.com/k");

    /* not metadata */
    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/a\","
                             "\"issuer\":\"x\",\"jwks_uri\":\"https://id."
                             "example.com/k\"}", iss, NULL, 0), "");
    assert_string_equal(meta("<html>", iss, NULL, 0), "");
    assert_string_equal(meta("[]", iss, NULL, 0), "");
    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/a\","
                             "\"jwks_uri\":7}", iss, NULL, 0), "");
    assert_string_equal(meta("{\"issuer\":\"https://id.example.com/realms/a\","
                             "\"jwks_uri\":\"https://id.example.com/k#x\"}",
                             iss, NULL, 0), "");

    /* a jwks_uri over AUTHGW_URL_MAX: said so */
    {
        char  *big;

        big = malloc(AUTHGW_URL_MAX + 128);
        snprintf(big, AUTHGW_URL_MAX + 128,
                 "{\"issuer\":\"https://id.example.com/realms/a\","
                 "\"jwks_uri\":\"https://id.example.com/%0*d\"}",
                 AUTHGW_URL_MAX, 0);
        assert_string_equal(meta(big, iss, NULL, 0), "");
        assert_non_null(strstr(err, "is longer than 2048 bytes"));
        free(big);
    }

    /* what comes from the answer is escaped in the reason */
    assert_string_equal(meta("{\"issuer\":\"a\\nb\\\"c\",\"jwks_uri\":\"x\"}",
                             iss, NULL, 0), "");
    assert_null(strchr(err, '\n'));
    assert_non_null(strstr(err, "a\\x0ab\\\"c"));
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_issuer),
        cmocka_unit_test(test_issuer_long),
        cmocka_unit_test(test_issuer_shape),
        cmocka_unit_test(test_url_origin),
        cmocka_unit_test(test_discovery),
    };

    return cmocka_run_group_tests_name("provider", tests, NULL,
                                       test_pool_free);
}
