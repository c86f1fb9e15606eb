#!/usr/bin/python3
# Tokens and user-id JWEs made by jwcrypto (Debian's python3-jwcrypto), an
# implementation independent of authgw, for t/110-interop.t; and DPoP
# proofs read by it, for t/271-dpop-tool.t.
#
#   interop.py jws ALG KEYFILE CLAIMS_JSON [UID_JWE]
#   interop.py jwe ALG ENC KEYFILE VALUE
#   interop.py dpop PROOF ...
#   interop.py proof ALG KEYFILE HTM HTU [TOKEN [NONCE]]
#   interop.py jkt KEYFILE
#
# KEYFILE is a PEM private key, or raw bytes for HS* and the JWE keys.
# dpop verifies each PROOF with the jwk of its own header (RFC 9449 4.3:
# an asymmetric alg, a public key) and prints a line {"header", "payload",
# "jkt"} for it, jkt the RFC 7638 thumbprint of that jwk; a refused proof
# exits 1.
# proof makes one (t/270-dpop.t): its jwk the key's public one, iat now, a
# random jti, ath the SHA-256 of TOKEN when one is given (not empty); jkt:
# the thumbprint of a key file's public key, as jwcrypto computes it.

import hashlib
import json
import sys
import time
import uuid

from jwcrypto import jwe, jwk, jws, jwt
from jwcrypto.common import base64url_encode, json_encode


def key_from(path, symmetric):
    data = open(path, 'rb').read()
    if symmetric:
        return jwk.JWK(kty='oct', k=base64url_encode(data))
    return jwk.JWK.from_pem(data)


def dpop(proof):
    s = jws.JWS()
    s.deserialize(proof)
    header = s.jose_header
    alg = header.get('alg', 'none')
    key = jwk.JWK(**header['jwk'])
    if alg == 'none' or alg.startswith('HS') or key.has_private:
        sys.exit('interop.py dpop: not a proof: alg %s, private key %s'
                 % (alg, key.has_private))
    s.allowed_algs = [alg]
    s.verify(key)
    print(json.dumps({'header': header, 'payload': json.loads(s.payload),
                      'jkt': key.thumbprint()}))


def proof(args):
    alg, key = args[0], key_from(args[1], False)
    claims = {'htm': args[2], 'htu': args[3], 'iat': int(time.time()),
              'jti': str(uuid.uuid4())}
    if len(args) > 4 and args[4]:
        claims['ath'] = base64url_encode(
            hashlib.sha256(args[4].encode()).digest())
    if len(args) > 5:
        claims['nonce'] = args[5]
    header = {'typ': 'dpop+jwt', 'alg': alg,
              'jwk': json.loads(key.export_public())}
    token = jwt.JWT(header=header, claims=claims)
    token.make_signed_token(key)
    print(token.serialize())


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
    elif argv[1] == 'dpop':
        for p in argv[2:]:
            dpop(p)
    elif argv[1] == 'proof':
        proof(argv[2:])
    elif argv[1] == 'jkt':
        print(key_from(argv[2], False).thumbprint())
    else:
        sys.exit('usage: interop.py jws|jwe|dpop|proof|jkt ...')


main(sys.argv)
