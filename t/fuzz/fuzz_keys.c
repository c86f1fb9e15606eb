
/*
 * Key files: JWKS, JWK, PEM, certificates, raw secrets and user-id keys.
 * The first byte chooses the alg= parameter and a kid= parameter.
 */


#include <string.h>

#include "fuzz.h"


int
fuzz_one(const uint8_t *data, size_t size)
{
    int             alg;
    char            err[256];
    size_t          n;
    authgw_key_t  **keys;
    const char     *kid;

    if (size == 0) {
        return 0;
    }

    alg = (int) (data[0] % (AUTHGW_ALG_COUNT + 1)) - 1;
    kid = (data[0] & 0x80) ? "kid" : NULL;

    if (authgw_key_load_buf(data + 1, size - 1, (unsigned char *) kid,
                            kid ? 3 : 0, alg, &keys, &n, err, sizeof(err))
        == 0)
    {
        authgw_keys_free(keys, n);
    }

    if (authgw_enc_key_load_buf(data + 1, size - 1, (unsigned char *) kid,
                                kid ? 3 : 0, &keys, &n, err, sizeof(err))
        == 0)
    {
        authgw_keys_free(keys, n);
    }

    return 0;
}
