
/*
 * See unit.h: the allocator of the unit tests, the keys and tokens more
 * than one of them builds, and the calls they check through.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "unit.h"


#define TEST_POOL_MAX  65536


static void *test_alloc(void *data, size_t size);


test_pool_t                 pool;
const authgw_alloc_t        alloc = { test_alloc, &pool };

const unsigned char         secret[32] = "0123456789abcdef0123456789abcdef";
const unsigned char         k64[64] =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";


/*
 * The allocator hook of the tests: each block is its own malloc(), so that
 * AddressSanitizer sees a byte read or written past any of them (a bump
 * arena hides that), and test_pool_reset() frees them all. malloc() aligns
 * for any object, more than authgw_alloc_t asks. The 64 KB limit and the
 * 16-byte rounding of "used" are those of the arena it replaces.
 */

static void *
test_alloc(void *data, size_t size)
{
    void          *m;
    size_t         rounded, n;
    test_pool_t   *p = data;
    test_block_t  *b;

    rounded = (size + 15) & ~(size_t) 15;

    if (p->used + rounded > TEST_POOL_MAX) {
        return NULL;
    }

    if (p->n == p->nalloc) {
        n = p->nalloc ? p->nalloc * 2 : 256;

        b = realloc(p->blocks, n * sizeof(test_block_t));
        if (b == NULL) {
            return NULL;
        }

        p->blocks = b;
        p->nalloc = n;
    }

    m = malloc(size);
    if (m == NULL) {
        return NULL;
    }

    p->blocks[p->n].data = m;
    p->blocks[p->n].size = size;
    p->n++;
    p->used += rounded;

    return m;
}


/* what goes with a request pool: every block, poisoned then freed */

void
test_pool_reset(void)
{
    size_t  i;

    for (i = 0; i < pool.n; i++) {
        memset(pool.blocks[i].data, 0xa5, pool.blocks[i].size);
        free(pool.blocks[i].data);
    }

    pool.n = 0;
    pool.used = 0;
}


/* after the last test: nothing left behind */

int
test_pool_free(void **state)
{
    (void) state;

    test_pool_reset();

    free(pool.blocks);
    memset(&pool, 0, sizeof(pool));

    return 0;
}


/* the size of the block that starts at m, or (size_t) -1 */

size_t
test_block_size(const void *m)
{
    size_t  i;

    for (i = 0; i < pool.n; i++) {
        if (pool.blocks[i].data == m) {
            return pool.blocks[i].size;
        }
    }

    return (size_t) -1;
}


test_keys_t
load(const char *text, int alg)
{
    char         err[256];
    test_keys_t  k;

    if (authgw_key_load_buf((const unsigned char *) text, strlen(text), NULL,
                            0, alg, &k.keys, &k.nkeys, err, sizeof(err))
        != 0)
    {
        fail_msg("key did not load: %s", err);
    }

    return k;
}


authgw_status_t
verify(const char *token, test_keys_t k, unsigned algs, authgw_jws_t *jws)
{
    authgw_status_t  rc;

    test_pool_reset();

    rc = authgw_jws_verify((const unsigned char *) token, strlen(token),
                           k.keys, k.nkeys, algs, 0, &alloc, jws);

    /* a refused token's header (a kept one, too) goes at once */

    if (rc != AUTHGW_OK) {
        authgw_jws_free(jws);
    }

    return rc;
}


/* builds header.payload.signature from JSON texts and raw signature bytes */

char *
make_token(const char *header, const char *payload, const unsigned char *sig,
    size_t slen)
{
    char    *t, *p;

    t = malloc(strlen(header) * 2 + strlen(payload) * 2 + slen * 2 + 128);
    p = t;
    p += authgw_b64url_encode(p, (const unsigned char *) header,
                              strlen(header));
    *p++ = '.';
    p += authgw_b64url_encode(p, (const unsigned char *) payload,
                              strlen(payload));
    *p++ = '.';
    p += authgw_b64url_encode(p, sig, slen);
    *p = '\0';

    return t;
}


char *
hs256_token(const char *header, const char *payload, const unsigned char *key,
    size_t klen)
{
    char           *t, *dot;
    size_t          n;
    unsigned char   mac[32];

    t = make_token(header, payload, (const unsigned char *) "x", 1);
    dot = strrchr(t, '.');

    EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, klen,
              (unsigned char *) t, (size_t) (dot - t), mac, sizeof(mac), &n);

    n = authgw_b64url_encode(dot + 1, mac, 32);
    dot[1 + n] = '\0';

    return t;
}


test_keys_t
enc_keys(const unsigned char *raw, size_t len, const char *kid)
{
    char         err[256];
    test_keys_t  k;

    if (authgw_enc_key_load_buf(raw, len, (const unsigned char *) kid,
                                kid ? strlen(kid) : 0, &k.keys, &k.nkeys,
                                err, sizeof(err))
        != 0)
    {
        fail_msg("user-id key did not load: %s", err);
    }

    return k;
}


authgw_status_t
decrypt(const char *jwe, test_keys_t k, const char *expect)
{
    size_t            n;
    unsigned char    *out;
    authgw_status_t   rc;

    test_pool_reset();

    rc = authgw_jwe_decrypt((const unsigned char *) jwe, strlen(jwe), k.keys,
                            k.nkeys, &alloc, &out, &n);

    if (rc == AUTHGW_OK && expect != NULL
        && (n != strlen(expect) || memcmp(out, expect, n) != 0))
    {
        fail_msg("decrypted \"%.*s\", expected \"%s\"", (int) n, out, expect);
    }

    return rc;
}


/* a test's setup: no header kept from an earlier test (authgw_jws.c) */

int
unit_forget(void **state)
{
    (void) state;

    authgw_jws_forget();

    return 0;
}
