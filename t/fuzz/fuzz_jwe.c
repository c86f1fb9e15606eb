
/*
 * The user-id JWE. First byte even: the rest is a compact JWE, decrypted
 * with keys of every size. Odd: the rest is a plaintext that the harness
 * encrypts (alg and enc from the second byte); whatever decrypts must be
 * the same plaintext and must be non-empty UTF-8 without control
 * characters, or the target aborts.
 */


#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../../tools/jwe.h"


static const char    *fuzz_algs[4] = { "dir", "A128KW", "A192KW", "A256KW" };
static const char    *fuzz_encs[6] = { "A128GCM", "A192GCM", "A256GCM",
                                       "A128CBC-HS256", "A192CBC-HS384",
                                       "A256CBC-HS512" };
static const size_t   fuzz_enc_len[6] = { 16, 24, 32, 32, 48, 64 };
static const size_t   fuzz_kw_len[4] = { 0, 16, 24, 32 };


static int
fuzz_text_ok(const unsigned char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (s[i] < 0x20 || s[i] == 0x7f) {
            return 0;
        }
    }

    return len > 0;
}


int
fuzz_one(const uint8_t *data, size_t size)
{
    int              a, e;
    char            *jwe;
    size_t           len, klen, i;
    unsigned char   *out;
    authgw_key_t   **keys;
    unsigned char    key[64];
    authgw_status_t  rc;
    char             err[256];
    size_t           nkeys;

    fuzz_init();

    if (size < 2) {
        return 0;
    }

    if (!(data[0] & 1)) {
        (void) authgw_jwe_decrypt(data + 1, size - 1, fuzz_uid_keys.keys,
                                  fuzz_uid_keys.nkeys, &fuzz_alloc, &out,
                                  &len);
        return 0;
    }

    a = data[1] % 4;
    e = (data[1] / 4) % 6;
    klen = a == 0 ? fuzz_enc_len[e] : fuzz_kw_len[a];

    for (i = 0; i < sizeof(key); i++) {
        key[i] = (unsigned char) (i * 7 + 3);
    }

    jwe = tool_jwe_encrypt(fuzz_algs[a], fuzz_encs[e], key, klen, NULL, NULL,
                           data + 2, size - 2, 0, 0);
    if (jwe == NULL) {
        return 0;
    }

    if (authgw_enc_key_load_buf(key, klen, NULL, 0, &keys, &nkeys, err,
                                sizeof(err)) != 0)
    {
        abort();
    }

    rc = authgw_jwe_decrypt((unsigned char *) jwe, strlen(jwe), keys, nkeys,
                            &fuzz_alloc, &out, &len);

    if (rc == AUTHGW_OK
        && (len != size - 2 || memcmp(out, data + 2, len) != 0
            || !fuzz_text_ok(out, len)))
    {
        abort();
    }

    /* a plaintext within the rules must decrypt */
    if (rc != AUTHGW_OK && size - 2 > 0 && size - 2 <= 64) {
        for (i = 2; i < size && data[i] >= 0x20 && data[i] < 0x7f; i++) {
            /* void */
        }

        if (i == size) {
            abort();
        }
    }

    authgw_keys_free(keys, nkeys);
    free(jwe);

    return 0;
}
