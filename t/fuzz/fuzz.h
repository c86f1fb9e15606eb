
/*
 * Shared by the libFuzzer targets: the keys of t/gen-keys.sh (read once,
 * from $AUTHGW_FUZZ_KEYS), an allocator that gives each block its own
 * malloc() and frees them all after every input, and the entry point:
 * each target defines fuzz_one(), which LLVMFuzzerTestOneInput() runs.
 */


#ifndef _AUTHGW_FUZZ_H_INCLUDED_
#define _AUTHGW_FUZZ_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include "../../src/authgw.h"


typedef struct {
    authgw_key_t  **keys;
    size_t          nkeys;
} fuzz_keys_t;


extern const authgw_alloc_t  fuzz_alloc;
extern fuzz_keys_t           fuzz_sig_keys;    /* one of each type, kids */
extern fuzz_keys_t           fuzz_uid_keys;    /* every size, kids */
extern unsigned char         fuzz_hs256[32];   /* the raw HS256 secret */


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int fuzz_one(const uint8_t *data, size_t size);

void fuzz_init(void);
void fuzz_reset(void);
size_t fuzz_block_size(const void *p);
unsigned char *fuzz_read(const char *name, size_t *len);
char *fuzz_hs256_token(const unsigned char *header, size_t hlen,
    const unsigned char *payload, size_t plen);
char *fuzz_token_of(const uint8_t *data, size_t size, size_t *len);


#endif /* _AUTHGW_FUZZ_H_INCLUDED_ */
