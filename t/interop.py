#!/usr/bin/python3
# Tokens and user-id JWEs made by jwcrypto (Debian's python3-jwcrypto), an
# implementation independent of authgw, for t/110-interop.t.
#
#   interop.py jws ALG KEYFILE CLAIMS_JSON [UID_JWE]
#   interop.py jwe ALG ENC KEYFILE VALUE
#
# KEYFILE is a PEM private key, or raw bytes for HS* and the JWE keys.

import json
import sys
import time

from jwcrypto import jwe, jwk, jwt
from jwcrypto.common import base64url_encode, json_encode


def key_from(path, symmetric):
    data = open(path, 'rb').read()
    if symmetric:
        return jwk.JWK(kty='oct', k=base64url_encode(data))
    return jwk.JWK.from_pem(data)


def main(argv):
    if argv[1] == 'jws':
        alg, path, claims = argv[2], argv[3], json.loads(argv[4])
        claims.setdefault('exp', int(time.time()) + 3600)
        if len(argv) > 5:
            claims['uid'] = argv[5]
        token = jwt.JWT(header={'alg': alg}, claims=claims)
        token.make_signed_token(key_from(path, alg.startswith('HS')))
        print(token.serialize())
    elif argv[1] == 'jwe':
        alg, enc, path, value = argv[2], argv[3], argv[4], argv[5]
        e = jwe.JWE(value.encode(), json_encode({'alg': alg, 'enc': enc}))
        e.add_recipient(key_from(path, True))
        print(e.serialize(compact=True))
    else:
        sys.exit('usage: interop.py jws|jwe ...')


main(sys.argv)
