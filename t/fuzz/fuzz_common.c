
/*
 * See fuzz.h: the keys, the allocator, and the libFuzzer entry point that
 * runs a target's fuzz_one() and frees what it allocated.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fuzz.h"


#define FUZZ_POOL_MAX  (1 << 20)   /* bytes one input may take */


typedef struct {
    void          *data;
    size_t         size;
} fuzz_block_t;


static void *fuzz_block_alloc(void *data, size_t size);


static fuzz_block_t  *fuzz_blocks;
static size_t         fuzz_nblocks;
static size_t         fuzz_nalloc;
static size_t         fuzz_used;

fuzz_keys_t           fuzz_sig_keys;
fuzz_keys_t           fuzz_uid_keys;
unsigned char         fuzz_hs256[32];


/*
 * Each block is its own malloc(), so that AddressSanitizer sees a byte
 * read or written past any of them (an arena hides that); they are all
 * freed after each input. malloc() aligns for any object, more than
 * authgw_alloc_t asks. The 1 MB limit and the 16-byte rounding of what
 * is counted against it are those of the arena it replaces.
 */

static void *
fuzz_block_alloc(void *data, size_t size)
{
    void          *p;
    size_t         rounded;
    fuzz_block_t  *b;

    (void) data;

    rounded = (size + 15) & ~(size_t) 15;

    if (fuzz_used + rounded > FUZZ_POOL_MAX) {
        return NULL;
    }

    if (fuzz_nblocks == fuzz_nalloc) {
        b = realloc(fuzz_blocks, (fuzz_nalloc ? fuzz_nalloc * 2 : 1024)
                                 * sizeof(fuzz_block_t));
        if (b == NULL) {
            return NULL;
        }

        fuzz_blocks = b;
        fuzz_nalloc = fuzz_nalloc ? fuzz_nalloc * 2 : 1024;
    }

    p = malloc(size);
    if (p == NULL) {
        return NULL;
    }

    fuzz_blocks[fuzz_nblocks].data = p;
    fuzz_blocks[fuzz_nblocks].size = size;
    fuzz_nblocks++;
    fuzz_used += rounded;

    return p;
}


const authgw_alloc_t  fuzz_alloc = { fuzz_block_alloc, NULL };


/* what goes with a request pool: every block, poisoned then freed */

void
fuzz_reset(void)
{
    size_t  i;

    for (i = 0; i < fuzz_nblocks; i++) {
        memset(fuzz_blocks[i].data, 0xa5, fuzz_blocks[i].size);
        free(fuzz_blocks[i].data);
    }

    fuzz_nblocks = 0;
    fuzz_used = 0;
}


/* the size of the block of fuzz_alloc that starts at p, or (size_t) -1 */

size_t
fuzz_block_size(const void *p)
{
    size_t  i;

    for (i = fuzz_nblocks; i > 0; i--) {
        if (fuzz_blocks[i - 1].data == p) {
            return fuzz_blocks[i - 1].size;
        }
    }

    return (size_t) -1;
}


/* every target's input, then the blocks it took are freed */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int  rc;

    fuzz_reset();
    rc = fuzz_one(data, size);
    fuzz_reset();

    return rc;
}


unsigned char *
fuzz_read(const char *name, size_t *len)
{
    FILE           *f;
    char            path[4096];
    const char     *dir;
    unsigned char  *buf;

    dir = getenv("AUTHGW_FUZZ_KEYS");
    if (dir == NULL) {
        dir = "build/keys";
    }

    snprintf(path, sizeof(path), "%s/%s", dir, name);

    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "fuzz: cannot open %s (set AUTHGW_FUZZ_KEYS)\n",
                path);
        exit(1);
    }

    buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);

    return buf;
}


static void
fuzz_add(fuzz_keys_t *set, const char *name, int alg, int uid,
    const char *kid)
{
    char            err[256];
    size_t          len, n, i;
    authgw_key_t  **keys;
    unsigned char  *buf;

    buf = fuzz_read(name, &len);

    if ((uid ? authgw_enc_key_load_buf(buf, len, (unsigned char *) kid,
                                       kid ? strlen(kid) : 0, &keys, &n,
                                       err, sizeof(err))
             : authgw_key_load_buf(buf, len, (unsigned char *) kid,
                                   kid ? strlen(kid) : 0, alg, &keys, &n,
                                   err, sizeof(err)))
        != 0)
    {
        fprintf(stderr, "fuzz: %s: %s\n", name, err);
        exit(1);
    }

    set->keys = realloc(set->keys,
                        (set->nkeys + n) * sizeof(authgw_key_t *));

    for (i = 0; i < n; i++) {
        set->keys[set->nkeys++] = keys[i];
    }

    free(keys);
    free(buf);
}


void
fuzz_init(void)
{
    size_t          len;
    unsigned char  *buf;

    if (fuzz_sig_keys.nkeys) {
        return;
    }

    fuzz_add(&fuzz_sig_keys, "jwks.json", -1, 0, NULL);
    fuzz_add(&fuzz_sig_keys, "hs256.key", AUTHGW_HS256, 0, "hs");
    fuzz_add(&fuzz_sig_keys, "ec384.pub.pem", -1, 0, NULL);
    fuzz_add(&fuzz_sig_keys, "ec521.jwk", -1, 0, "ec-521");
    fuzz_add(&fuzz_sig_keys, "rsa.pub.pkcs1.pem", -1, 0, NULL);

    fuzz_add(&fuzz_uid_keys, "uid.jwks", -1, 1, NULL);
    fuzz_add(&fuzz_uid_keys, "uid16.key", -1, 1, NULL);
    fuzz_add(&fuzz_uid_keys, "uid24.key", -1, 1, NULL);
    fuzz_add(&fuzz_uid_keys, "uid48.key", -1, 1, "u48");
    fuzz_add(&fuzz_uid_keys, "uid64.key", -1, 1, NULL);

    buf = fuzz_read("hs256.key", &len);
    memcpy(fuzz_hs256, buf, sizeof(fuzz_hs256));
    free(buf);
}


/* b64(header).b64(payload).HS256 with the "hs" key: past the signature */

char *
fuzz_hs256_token(const unsigned char *header, size_t hlen,
    const unsigned char *payload, size_t plen)
{
    char           *t;
    size_t          n, mlen;
    unsigned char   mac[32];

    t = malloc(hlen * 2 + plen * 2 + 64);
    n = authgw_b64url_encode(t, header, hlen);
    t[n++] = '.';
    n += authgw_b64url_encode(t + n, payload, plen);

    EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, fuzz_hs256, 32,
              (unsigned char *) t, n, mac, sizeof(mac), &mlen);

    t[n++] = '.';
    n += authgw_b64url_encode(t + n, mac, 32);
    t[n] = '\0';

    return t;
}


/*
 * The token of an input whose first byte is a mode: with bit 0 set, the
 * rest is header and payload JSON (split at the first NUL; without one, a
 * payload under {"alg":"HS256"}) that this signs with the HS256 key;
 * otherwise the rest is the token as it is. Free it with free().
 */

char *
fuzz_token_of(const uint8_t *data, size_t size, size_t *len)
{
    char           *token;
    const uint8_t  *nul;

    if (data[0] & 1) {
        nul = memchr(data + 1, '\0', size - 1);

        if (nul == NULL) {
            token = fuzz_hs256_token((unsigned char *) "{\"alg\":\"HS256\"}",
                                     15, data + 1, size - 1);

        } else {
            token = fuzz_hs256_token(data + 1, (size_t) (nul - data - 1),
                                     nul + 1, size - (size_t) (nul - data) - 1);
        }

        *len = strlen(token);

        return token;
    }

    token = malloc(size);
    if (token != NULL) {
        memcpy(token, data + 1, size - 1);
        *len = size - 1;
    }

    return token;
}
