
/*
 * The Cookie header without the cookies that carried the token
 * (strip_token): split as nginx's $cookie_NAME finds them, so that every
 * cookie nginx could have read a token from goes, and every other cookie
 * stays as it was.
 */


#include <string.h>

#include "authgw.h"


static int authgw_cookie_named(const char *s, size_t len,
    const authgw_str_t *names, size_t nnames);


/* ASCII only, as nginx's ngx_strncasecmp */
#define authgw_lower(c)  (((c) >= 'A' && (c) <= 'Z') ? ((c) | 0x20) : (c))


/*
 * nginx (ngx_http_parse_multi_header_lines) splits the field at ";" and,
 * before 1.23, at "," too (comma); a cookie is NAME, spaces, "=", and its
 * name is compared without regard to case. What is kept is copied as it
 * was, each kept cookie after the separator that came before it in the
 * field (so a "," inside another cookie's value stays); empty pieces go.
 * out must hold len bytes. Returns the length written; *removed: how many
 * cookies went.
 */

size_t
authgw_cookie_strip(const char *in, size_t len, const authgw_str_t *names,
    size_t nnames, int comma, char *out, size_t *removed)
{
    size_t       n, seg;
    const char  *p, *end, *start, *sep;

    n = 0;
    *removed = 0;
    p = in;
    end = in + len;
    sep = NULL;

    while (p < end) {

        /* sep: the separator and spaces before this piece, or NULL */

        start = p;

        /* nginx skips spaces; an upstream may skip tabs as well */

        while (start < end && (*start == ' ' || *start == '\t')) {
            start++;
        }

        p = start;

        while (p < end && *p != ';' && !(comma && *p == ',')) {
            p++;
        }

        seg = (size_t) (p - start);

        if (authgw_cookie_named(start, seg, names, nnames)) {
            (*removed)++;

        } else if (seg) {
            if (n && sep != NULL) {
                memcpy(out + n, sep, (size_t) (start - sep));
                n += (size_t) (start - sep);
            }

            memcpy(out + n, start, seg);
            n += seg;
        }

        sep = p;

        if (p < end) {
            p++;
        }
    }

    return n;
}


/* 1 if the cookie is NAME, spaces or tabs, "=" for one of the names */

static int
authgw_cookie_named(const char *s, size_t len, const authgw_str_t *names,
    size_t nnames)
{
    size_t  i, k, j;

    for (k = 0; k < nnames; k++) {
        if (names[k].len == 0 || names[k].len > len) {
            continue;
        }

        for (i = 0; i < names[k].len; i++) {
            if (authgw_lower((unsigned char) s[i])
                != authgw_lower(names[k].data[i]))
            {
                break;
            }
        }

        if (i < names[k].len) {
            continue;
        }

        for (j = i; j < len && (s[j] == ' ' || s[j] == '\t'); j++) {
            /* void */
        }

        if (j < len && s[j] == '=') {
            return 1;
        }
    }

    return 0;
}
