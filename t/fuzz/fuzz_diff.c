
/*
 * Differential: the core against libjwt (1.10, OpenSSL backend). The input
 * is header and payload JSON (split at the first NUL; without one, a
 * header {"alg":...} of the mode's algorithm); the harness signs them with
 * HS256, RS256 or ES256 (first byte). Anything the core accepts, libjwt
 * must accept too, or the target aborts, with two known exceptions where
 * libjwt is the stricter one by its own choice: a "typ" other than "JWT"
 * (RFC 7519 leaves typ to the application; at+jwt is common), and "\u0000"
 * inside a string (jansson's default; the core compares binary-safe).
 * Where libjwt accepts and the core refuses (the core is stricter), the
 * reasons are counted and printed at exit: docs/security.md records them.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jwt.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "fuzz.h"


static const char      *diff_algs[3] = { "HS256", "RS256", "ES256" };
static const char      *diff_pub[3] = { "hs256.key", "rsa.pub.pem",
                                        "ec256.pub.pem" };
static const char      *diff_priv[3] = { NULL, "rsa.pem", "ec256.pem" };
static EVP_PKEY        *diff_pkey[3];
static unsigned char   *diff_pubtext[3];
static size_t           diff_publen[3];
static fuzz_keys_t      diff_keys[3];
static unsigned long    diff_count[AUTHGW_INTERNAL_ERROR + 1];
static unsigned long    diff_both, diff_runs, diff_typ, diff_nul;


static void
diff_report(void)
{
    int  i;

    fprintf(stderr, "diff: %lu runs, %lu accepted by both; accepted by the "
            "core, refused by libjwt for typ %lu, for \\u0000 %lu; accepted "
            "by libjwt, refused by the core:\n", diff_runs, diff_both,
            diff_typ, diff_nul);

    for (i = 0; i <= AUTHGW_INTERNAL_ERROR; i++) {
        if (diff_count[i]) {
            fprintf(stderr, "diff:   %-18s %lu\n",
                    authgw_status_str((authgw_status_t) i), diff_count[i]);
        }
    }
}


static void
diff_init(void)
{
    int             i;
    BIO            *bio;
    char            err[256];
    size_t          len;
    unsigned char  *buf;

    if (diff_pubtext[0] != NULL) {
        return;
    }

    for (i = 0; i < 3; i++) {
        diff_pubtext[i] = fuzz_read(diff_pub[i], &diff_publen[i]);

        if (authgw_key_load_buf(diff_pubtext[i], diff_publen[i], NULL, 0,
                                i == 0 ? AUTHGW_HS256 : -1,
                                &diff_keys[i].keys, &diff_keys[i].nkeys,
                                err, sizeof(err)) != 0)
        {
            abort();
        }

        if (diff_priv[i] == NULL) {
            continue;
        }

        buf = fuzz_read(diff_priv[i], &len);
        bio = BIO_new_mem_buf(buf, (int) len);
        diff_pkey[i] = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
        BIO_free(bio);
        free(buf);
    }

    atexit(diff_report);
}


/* 1: libjwt refuses this by a choice of its own (see the top) */

static int
diff_known(authgw_jws_t *jws)
{
    char    *text;
    json_t  *typ, *strict;
    size_t   i;

    typ = json_object_get(jws->header, "typ");

    if (typ != NULL && (!json_is_string(typ)
                        || strcasecmp(json_string_value(typ), "JWT") != 0))
    {
        diff_typ++;
        return 1;
    }

    for (i = 0; i < 2; i++) {
        text = json_dumps(i ? jws->payload : jws->header,
                          JSON_COMPACT | JSON_ENCODE_ANY);
        strict = text ? json_loads(text, 0, NULL) : NULL;
        free(text);

        if (strict == NULL) {
            diff_nul++;
            return 1;
        }

        json_decref(strict);
    }

    return 0;
}


static char *
diff_sign(int mode, const unsigned char *header, size_t hlen,
    const unsigned char *payload, size_t plen)
{
    char                 *t;
    size_t                n, slen;
    ECDSA_SIG            *es;
    EVP_MD_CTX           *mctx;
    const BIGNUM         *r, *s;
    unsigned char         sig[512], raw[64];
    const unsigned char  *p;

    if (mode == 0) {
        return fuzz_hs256_token(header, hlen, payload, plen);
    }

    t = malloc(hlen * 2 + plen * 2 + 800);
    n = authgw_b64url_encode(t, header, hlen);
    t[n++] = '.';
    n += authgw_b64url_encode(t + n, payload, plen);

    mctx = EVP_MD_CTX_new();
    slen = sizeof(sig);

    if (EVP_DigestSignInit(mctx, NULL, EVP_sha256(), NULL, diff_pkey[mode])
        != 1
        || EVP_DigestSign(mctx, sig, &slen, (unsigned char *) t, n) != 1)
    {
        abort();
    }

    EVP_MD_CTX_free(mctx);

    if (mode == 2) {
        p = sig;
        es = d2i_ECDSA_SIG(NULL, &p, (long) slen);
        ECDSA_SIG_get0(es, &r, &s);
        BN_bn2binpad(r, raw, 32);
        BN_bn2binpad(s, raw + 32, 32);
        ECDSA_SIG_free(es);
        memcpy(sig, raw, 64);
        slen = 64;
    }

    t[n++] = '.';
    n += authgw_b64url_encode(t + n, sig, slen);
    t[n] = '\0';

    return t;
}


int
fuzz_one(const uint8_t *data, size_t size)
{
    int              mode, lib;
    char            *token, header[32];
    jwt_t           *jwt;
    const uint8_t   *nul;
    authgw_jws_t     jws;
    authgw_status_t  rc;

    fuzz_init();
    diff_init();

    if (size == 0) {
        return 0;
    }

    mode = data[0] % 3;
    nul = memchr(data + 1, '\0', size - 1);

    if (nul == NULL) {
        snprintf(header, sizeof(header), "{\"alg\":\"%s\"}", diff_algs[mode]);
        token = diff_sign(mode, (unsigned char *) header, strlen(header),
                          data + 1, size - 1);

    } else {
        token = diff_sign(mode, data + 1, (size_t) (nul - data - 1), nul + 1,
                          size - (size_t) (nul - data) - 1);
    }

    diff_runs++;

    rc = authgw_jws_verify((unsigned char *) token, strlen(token),
                           diff_keys[mode].keys, diff_keys[mode].nkeys,
                           AUTHGW_ALGS_ALL, AUTHGW_VERIFY_ALL_KEYS,
                           &fuzz_alloc, &jws);

    jwt = NULL;
    lib = jwt_decode(&jwt, token, diff_pubtext[mode],
                     (int) diff_publen[mode]) == 0;
    jwt_free(jwt);

    if (rc == AUTHGW_OK) {
        if (!lib && diff_known(&jws)) {
            authgw_jws_free(&jws);
            free(token);
            return 0;
        }

        authgw_jws_free(&jws);

        if (!lib) {
            fprintf(stderr, "diff: the core accepts what libjwt refuses: "
                    "%s\n", token);
            abort();
        }

        diff_both++;

    } else {
        authgw_jws_free(&jws);

        if (lib) {
            diff_count[rc]++;
        }
    }

    free(token);

    return 0;
}
