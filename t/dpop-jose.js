// DPoP proofs (RFC 9449) made and read by panva's jose (Debian's node-jose),
// an implementation independent of authgw, for the suites:
//
//   NODE_PATH=/usr/share/nodejs node t/dpop-jose.js JOB
//   NODE_PATH=/usr/share/nodejs node t/dpop-jose.js < JOB
//
// JOB is a JSON object, on the command line or standard input.
//
// Make a proof: prints it and a newline.
//   key      a PEM private key file (PKCS#8, PKCS#1 or SEC1): RSA, EC or
//            Ed25519; the header's jwk is its public part
//   alg      ES256, ES384, ES512 by curve, EdDSA, RS256 unless given
//   htm, htu the request's method and URL, as they are
//   token    the access token, whose SHA-256 becomes ath
//   nonce    the server's nonce
//   iat      a NumericDate (now unless given); jti: random unless given
//   claims   members set in the payload last; null removes one
//   header   members set in the protected header last; null removes one
//
// Read a proof: {"verify": PROOF, "typ": "dpop+jwt", "algorithms": [...]}
// verifies it with the jwk of its own header (jose's EmbeddedJWK, which
// takes a public key only) and prints {"header", "payload", "jkt"}: the
// RFC 7638 thumbprint of that jwk. A refused proof exits 1, saying why.

'use strict';

const crypto = require('crypto');
const fs = require('fs');
const jose = require('jose');

function keyAlg(key) {
    const type = key.asymmetricKeyType;

    if (type === 'rsa') {
        return 'RS256';
    }

    if (type === 'ed25519') {
        return 'EdDSA';
    }

    const curves = { prime256v1: 'ES256', secp384r1: 'ES384',
                     secp521r1: 'ES512' };
    const alg = type === 'ec' && curves[key.asymmetricKeyDetails.namedCurve];

    if (!alg) {
        throw new Error('no JWS algorithm for a key of type ' + type);
    }

    return alg;
}

// set each member of add in obj; null removes it
function merge(obj, add) {
    for (const [k, v] of Object.entries(add || {})) {
        if (v === null) {
            delete obj[k];
        } else {
            obj[k] = v;
        }
    }

    return obj;
}

async function make(job) {
    const key = crypto.createPrivateKey(fs.readFileSync(job.key));
    const alg = job.alg || keyAlg(key);
    const jwk = await jose.exportJWK(crypto.createPublicKey(key));

    const payload = {
        jti: job.jti || jose.base64url.encode(crypto.randomBytes(24)),
        htm: job.htm,
        htu: job.htu,
        iat: job.iat === undefined ? Math.floor(Date.now() / 1000) : job.iat,
    };

    if (job.token !== undefined) {
        payload.ath = jose.base64url.encode(
            crypto.createHash('sha256').update(job.token, 'ascii').digest());
    }

    if (job.nonce !== undefined) {
        payload.nonce = job.nonce;
    }

    const header = merge({ typ: 'dpop+jwt', alg: alg, jwk: jwk }, job.header);

    return new jose.SignJWT(merge(payload, job.claims))
        .setProtectedHeader(header)
        .sign(key);
}

async function verify(job) {
    const r = await jose.jwtVerify(job.verify, jose.EmbeddedJWK, {
        typ: job.typ || 'dpop+jwt',
        algorithms: job.algorithms,
    });

    return JSON.stringify({
        header: r.protectedHeader,
        payload: r.payload,
        jkt: await jose.calculateJwkThumbprint(r.protectedHeader.jwk),
    });
}

async function main() {
    const text = process.argv[2] !== undefined
                 ? process.argv[2] : fs.readFileSync(0, 'utf8');
    const job = JSON.parse(text);

    process.stdout.write((job.verify !== undefined ? await verify(job)
                                                   : await make(job)) + '\n');
}

main().catch((e) => {
    process.stderr.write('dpop-jose.js: ' + (e.code ? e.code + ': ' : '')
                         + e.message + '\n');
    process.exit(1);
});
