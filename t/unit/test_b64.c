
/*
 * Unit tests of src/authgw_b64.c: strict base64url decoding (no padding,
 * no standard alphabet, no stray bits) and encode/decode round trips.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"


static void
test_b64url_strict(void **state)
{
    size_t          n;
    unsigned char   out[16];

    (void) state;

    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QUJD", 4),
                     0);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "ABC", 3);

    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QQ", 2), 0);
    assert_int_equal(n, 1);

    /* padding, the standard alphabet, whitespace, a length of 1 mod 4 */
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QQ==", 4),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "a+b/", 4),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QU D", 4),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QUJDR", 5),
                     -1);

    /* unused trailing bits must be zero: "QR" and "QUE" carry stray bits */
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QR", 2),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QUF", 3),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "QUE", 3),
                     0);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "-_", 2),
                     -1);
    assert_int_equal(authgw_b64url_decode(out, &n,
                                          (const unsigned char *) "-w", 2),
                     0);
    assert_int_equal(out[0], 0xfb);
}


static void
test_b64url_roundtrip(void **state)
{
    char            enc[64];
    size_t          i, n, m;
    unsigned char   in[40], out[40];

    (void) state;

    for (i = 0; i < sizeof(in); i++) {
        in[i] = (unsigned char) (i * 37 + 11);
    }

    for (i = 0; i <= sizeof(in); i++) {
        n = authgw_b64url_encode(enc, in, i);
        assert_int_equal(authgw_b64url_decode(out, &m,
                                              (unsigned char *) enc, n), 0);
        assert_int_equal(m, i);
        assert_memory_equal(out, in, i);
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_b64url_strict),
        cmocka_unit_test(test_b64url_roundtrip),
    };

    return cmocka_run_group_tests_name("b64", tests, NULL, test_pool_free);
}
