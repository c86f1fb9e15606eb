
/*
 * Strict base64url (RFC 4648 section 5, RFC 7515 section 2): alphabet
 * [A-Za-z0-9_-], no padding, no length of 1 mod 4, unused bits zero.
 */


#include "authgw.h"


static const signed char  authgw_b64url_table[256] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
    -1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, 63,
    -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1
};


static const char  authgw_b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


size_t
authgw_b64url_decoded_len(size_t len)
{
    return len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1);
}


/* the unpadded length of n bytes */

size_t
authgw_b64url_encoded_len(size_t n)
{
    return (4 * n + 2) / 3;
}


int
authgw_b64url_decode(unsigned char *dst, size_t *dlen,
    const unsigned char *src, size_t len)
{
    int       c0, c1, c2, c3;
    size_t    i, n;

    if (len % 4 == 1) {
        return -1;
    }

    n = 0;

    for (i = 0; i + 4 <= len; i += 4) {
        c0 = authgw_b64url_table[src[i]];
        c1 = authgw_b64url_table[src[i + 1]];
        c2 = authgw_b64url_table[src[i + 2]];
        c3 = authgw_b64url_table[src[i + 3]];

        if ((c0 | c1 | c2 | c3) < 0) {
            return -1;
        }

        dst[n++] = (unsigned char) (c0 << 2 | c1 >> 4);
        dst[n++] = (unsigned char) (c1 << 4 | c2 >> 2);
        dst[n++] = (unsigned char) (c2 << 6 | c3);
    }

    switch (len - i) {

    case 2:
        c0 = authgw_b64url_table[src[i]];
        c1 = authgw_b64url_table[src[i + 1]];

        if ((c0 | c1) < 0 || (c1 & 0x0f) != 0) {
            return -1;
        }

        dst[n++] = (unsigned char) (c0 << 2 | c1 >> 4);
        break;

    case 3:
        c0 = authgw_b64url_table[src[i]];
        c1 = authgw_b64url_table[src[i + 1]];
        c2 = authgw_b64url_table[src[i + 2]];

        if ((c0 | c1 | c2) < 0 || (c2 & 0x03) != 0) {
            return -1;
        }

        dst[n++] = (unsigned char) (c0 << 2 | c1 >> 4);
        dst[n++] = (unsigned char) (c1 << 4 | c2 >> 2);
        break;

    default:
        break;
    }

    *dlen = n;

    return 0;
}


size_t
authgw_b64url_encode(char *dst, const unsigned char *src, size_t len)
{
    char    *p;
    size_t   i;

    p = dst;

    for (i = 0; i + 3 <= len; i += 3) {
        *p++ = authgw_b64url_alphabet[src[i] >> 2];
        *p++ = authgw_b64url_alphabet[(src[i] & 0x03) << 4 | src[i + 1] >> 4];
        *p++ = authgw_b64url_alphabet[(src[i + 1] & 0x0f) << 2
                                      | src[i + 2] >> 6];
        *p++ = authgw_b64url_alphabet[src[i + 2] & 0x3f];
    }

    if (len - i == 1) {
        *p++ = authgw_b64url_alphabet[src[i] >> 2];
        *p++ = authgw_b64url_alphabet[(src[i] & 0x03) << 4];

    } else if (len - i == 2) {
        *p++ = authgw_b64url_alphabet[src[i] >> 2];
        *p++ = authgw_b64url_alphabet[(src[i] & 0x03) << 4 | src[i + 1] >> 4];
        *p++ = authgw_b64url_alphabet[(src[i + 1] & 0x0f) << 2];
    }

    return (size_t) (p - dst);
}


/* decodes into memory from the allocator; NULL if not strict base64url */

/*
 * 0 if src is strict base64url, as authgw_b64url_decode() takes it: the
 * alphabet, no length 1 mod 4, no stray bits in the last character;
 * nothing decoded
 */

int
authgw_b64url_check(const unsigned char *src, size_t len)
{
    size_t  i;
    int     c;

    if (len % 4 == 1) {
        return -1;
    }

    c = 0;

    for (i = 0; i < len; i++) {
        c = authgw_b64url_table[src[i]];

        if (c < 0) {
            return -1;
        }
    }

    /* the last character of 2 (of 3) holds 4 (2) bits of no byte */

    if ((len % 4 == 2 && (c & 0x0f) != 0) || (len % 4 == 3 && (c & 0x03) != 0))
    {
        return -1;
    }

    return 0;
}


unsigned char *
authgw_b64url_decode_alloc(const authgw_alloc_t *a, const unsigned char *src,
    size_t len, size_t *dlen)
{
    unsigned char  *dst;

    dst = a->alloc(a->data, authgw_b64url_decoded_len(len) + 1);
    if (dst == NULL) {
        return NULL;
    }

    if (authgw_b64url_decode(dst, dlen, src, len) != 0) {
        return NULL;
    }

    return dst;
}
