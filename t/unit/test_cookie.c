
/*
 * Unit tests of src/authgw_cookie.c: the Cookie field without the cookies
 * that carried the token, split as nginx's $cookie_NAME finds them.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"


/* strips names (comma: nginx before 1.23) and gives the field left */

static const char *
strip(const char *in, const char *const *names, size_t nnames, int comma,
    size_t *removed)
{
    static char   out[512];
    size_t        i, n;
    authgw_str_t  s[4];

    assert_true(nnames <= 4 && strlen(in) < sizeof(out));

    for (i = 0; i < nnames; i++) {
        s[i].data = (const unsigned char *) names[i];
        s[i].len = strlen(names[i]);
    }

    memset(out, '#', sizeof(out));
    n = authgw_cookie_strip(in, strlen(in), s, nnames, comma, out, removed);
    assert_true(n <= strlen(in));
    out[n] = '\0';

    return out;
}


static void
test_cookie_strip(void **state)
{
    size_t       removed;
    const char  *at[] = { "at" };
    const char  *two[] = { "at", "rt" };

    (void) state;

    /* the token's cookie goes, the others stay byte for byte */
    assert_string_equal(strip("a=1; at=eyJ.x.y; b=two words", at, 1, 0,
                              &removed), "a=1; b=two words");
    assert_int_equal(removed, 1);

    assert_string_equal(strip("at=eyJ", at, 1, 0, &removed), "");
    assert_int_equal(removed, 1);

    /* nothing to strip: removed 0, and the caller leaves the field */
    strip("a=1;b=2", at, 1, 0, &removed);
    assert_int_equal(removed, 0);

    /* as nginx finds it: any case, spaces before "=", every copy */
    assert_string_equal(strip("AT=1;x=2; at =3;At=4", at, 1, 0, &removed),
                        "x=2");
    assert_int_equal(removed, 3);

    /* the others as they were: their separators, spaces, commas inside */
    assert_string_equal(strip("pref=a,b; at=T;  sess=\"x,y\" ;k", at, 1, 1,
                              &removed), "pref=a,b;  sess=\"x,y\" ;k");
    assert_int_equal(removed, 1);

    /* a longer name, a name in a value, no "=": not the token's cookie */
    assert_string_equal(strip("atx=1; x=at=2; at; a t=3", at, 1, 0,
                              &removed), "atx=1; x=at=2; at; a t=3");
    assert_int_equal(removed, 0);

    /* a tab, which nginx does not skip but an upstream may: goes too */
    assert_string_equal(strip("a=1;\tat=T; b=2;\tAT\t=U", at, 1, 0,
                              &removed), "a=1; b=2");
    assert_int_equal(removed, 2);

    /* several names (token=$cookie_at token=$cookie_rt) */
    assert_string_equal(strip("rt=1; k=v; at=2", two, 2, 0, &removed),
                        "k=v");
    assert_int_equal(removed, 2);

    /*
     * before nginx 1.23, "," also ends a cookie for $cookie_NAME: a token
     * that nginx could read there goes too; from 1.23 on it is part of
     * the cookie before it, as the upstream reads it
     */
    assert_string_equal(strip("x=a,at=T; y=1", at, 1, 1, &removed),
                        "x=a; y=1");
    assert_string_equal(strip("at=T,x=a; y=1", at, 1, 1, &removed),
                        "x=a; y=1");
    assert_int_equal(removed, 1);
    assert_string_equal(strip("x=a,at=T; y=1", at, 1, 0, &removed),
                        "x=a,at=T; y=1");
    assert_int_equal(removed, 0);

    /* empty cookies and separators only: nothing kept, nothing grows */
    assert_string_equal(strip(";;; at=1 ;", at, 1, 0, &removed), "");
    assert_int_equal(removed, 1);

    /* never longer than the field */
    assert_string_equal(strip("a;b;c;at=1;d", at, 1, 0, &removed),
                        "a;b;c;d");
    assert_string_equal(strip("a=1;;at=T;;b=2", at, 1, 0, &removed),
                        "a=1;b=2");
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_cookie_strip),
    };

    return cmocka_run_group_tests_name("cookie", tests, NULL, test_pool_free);
}
