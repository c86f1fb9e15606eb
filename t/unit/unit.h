
/*
 * Shared by the unit tests of the core (t/unit/test_*.c): an allocator hook
 * that gives each block its own malloc() and frees them all at once, the
 * keys and tokens more than one file builds, and the calls they check.
 */


#ifndef _AUTHGW_UNIT_H_INCLUDED_
#define _AUTHGW_UNIT_H_INCLUDED_


#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../src/authgw.h"


typedef struct {
    void          *data;
    size_t         size;
} test_block_t;

typedef struct {
    test_block_t  *blocks;
    size_t         n;
    size_t         nalloc;
    size_t         used;
} test_pool_t;

typedef struct {
    authgw_key_t  **keys;
    size_t          nkeys;
} test_keys_t;


extern test_pool_t                 pool;        /* what alloc gave out */
extern const authgw_alloc_t        alloc;       /* the request pool's hook */
extern const unsigned char         secret[32];  /* an HS256 secret */
extern const unsigned char         k64[64];     /* user id key bytes */


void test_pool_reset(void);
int test_pool_free(void **state);
int unit_forget(void **state);
size_t test_block_size(const void *m);

test_keys_t load(const char *text, int alg);
authgw_status_t verify(const char *token, test_keys_t k, unsigned algs,
    authgw_jws_t *jws);
char *make_token(const char *header, const char *payload,
    const unsigned char *sig, size_t slen);
char *hs256_token(const char *header, const char *payload,
    const unsigned char *key, size_t klen);

test_keys_t enc_keys(const unsigned char *raw, size_t len, const char *kid);
authgw_status_t decrypt(const char *jwe, test_keys_t k, const char *expect);


#endif /* _AUTHGW_UNIT_H_INCLUDED_ */
