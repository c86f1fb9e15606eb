
/*
 * A compact-JWE encryptor for authgw-token and the unit tests. It can also
 * make the hostile variants the tests need: another IV length, plaintext
 * that is not padded, extra protected header members.
 */


#ifndef _AUTHGW_TOOL_JWE_H_INCLUDED_
#define _AUTHGW_TOOL_JWE_H_INCLUDED_


#include <stddef.h>


#define TOOL_JWE_NO_PAD  1


char *tool_jwe_encrypt(const char *alg, const char *enc,
    const unsigned char *key, size_t klen, const char *kid,
    const char *extra_header, const unsigned char *pt, size_t ptlen,
    size_t iv_len, int flags);


#endif /* _AUTHGW_TOOL_JWE_H_INCLUDED_ */
