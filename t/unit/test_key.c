
/*
 * Unit tests of src/authgw_key.c: what key files load and what they are
 * refused for, and raw HMAC secrets that are really a key's encoding.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/rand.h>

#include "unit.h"


static const char *
load_error(const char *text, int alg)
{
    static char    err[256];
    size_t         n;
    authgw_key_t **keys;

    if (authgw_key_load_buf((const unsigned char *) text, strlen(text), NULL,
                            0, alg, &keys, &n, err, sizeof(err))
        == 0)
    {
        authgw_keys_free(keys, n);
        fail_msg("key loaded but should not");
    }

    return err;
}


static void
test_key_loading(void **state)
{
    BIO          *bio;
    char         *pem;
    long          len;
    EVP_PKEY     *pkey;
    test_keys_t   k;

    (void) state;

    /* an RSA key under 2048 bits is refused at load */
    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 1024);
    assert_non_null(pkey);
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey);
    len = BIO_get_mem_data(bio, &pem);
    pem[len] = '\0';
    assert_non_null(strstr(load_error(pem, -1), "at least 2048"));
    BIO_free(bio);

    /* a private key is refused: the gateway holds public keys only */
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
    len = BIO_get_mem_data(bio, &pem);
    pem[len - 1] = '\0';
    assert_non_null(strstr(load_error(pem, -1), "private key"));
    BIO_free(bio);
    EVP_PKEY_free(pkey);

    /* HMAC secrets shorter than the hash */
    assert_non_null(strstr(load_error("0123456789abcdef", AUTHGW_HS256),
                           "shorter"));
    assert_non_null(strstr(load_error("0123456789abcdef0123456789abcdef",
                                      AUTHGW_HS384), "shorter"));

    /* an oct JWK of 32 bytes verifies HS256 only */
    k = load("{\"kty\":\"oct\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmN"
             "kZWY\"}", -1);
    assert_int_equal(k.keys[0]->algs, AUTHGW_ALG_BIT(AUTHGW_HS256));
    authgw_keys_free(k.keys, k.nkeys);

    /* JWKS: enc keys and foreign algorithms are skipped, kids kept */
    k = load("{\"keys\":[{\"kty\":\"oct\",\"use\":\"enc\",\"k\":\"AAAA\"},"
             "{\"kty\":\"RSA\",\"alg\":\"RSA-OAEP\",\"n\":\"AQAB\",\"e\":\"AQA"
             "B\"},{\"kty\":\"oct\",\"kid\":\"a\",\"key_ops\":[\"sign\"],\"k\":"
             "\"AAAA\"}, {\"kty\":\"EC\",\"kid\":\"e\",\"crv\":\"P-256\",\"x\":"
             "\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9"
             "m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}", -1);
    assert_int_equal(k.nkeys, 1);
    assert_int_equal(k.keys[0]->kid_len, 1);
    authgw_keys_free(k.keys, k.nkeys);

    assert_non_null(strstr(load_error("{\"keys\":[{\"kty\":\"oct\",\"use\":"
                                      "\"enc\",\"k\":\"AAAA\"}]}", -1),
                           "no usable"));
    assert_non_null(strstr(load_error("{\"kty\":\"oct\",\"use\":\"enc\","
                                      "\"k\":\"AAAA\"}", -1),
                           "not a signature"));
    assert_non_null(strstr(load_error("{\"keys\":[{\"kty\":\"OKP\",\"kid\":"
                                      "\"a\",\"crv\":\"Ed25519\",\"x\":\"11q"
                                      "YAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcH"
                                      "URo\"},{\"kty\":\"OKP\",\"kid\":\"a\","
                                      "\"crv\":\"Ed25519\",\"x\":\"11qYAYKxC"
                                      "rfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"
                                      "]}", -1),
                           "duplicate kid"));
    assert_non_null(strstr(load_error("{\"kty\":\"oct\",\"k\":\"AAAA\","
                                      "\"k\":\"AAAA\"}", -1),
                           "duplicate"));
    assert_non_null(strstr(load_error("{\"kty\":\"EC\",\"crv\":\"P-256\","
                                      "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76"
                                      "e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu8m36H"
                                      "LN_tue659LNpXW6pCyStikYjKIWI5a0\"}",
                                      -1),
                           "not on the curve"));
    assert_non_null(strstr(load_error("{\"kty\":\"RSA\",\"alg\":\"ES256\","
                                      "\"n\":\"AQAB\",\"e\":\"AQAB\"}", -1),
                           "at least 2048"));
    assert_non_null(strstr(load_error("just some text", -1), "not a JWK"));
    assert_non_null(strstr(load_error("{\"keys\":{}}", -1), "not an array"));
}


/* a raw HMAC secret (alg=HS256) is refused when it is a key's encoding */

static void
secret_refused(const void *buf, size_t len, const char *what)
{
    char            err[256];
    size_t          n;
    authgw_key_t  **keys;

    if (authgw_key_load_buf(buf, len, NULL, 0, AUTHGW_HS256, &keys, &n, err,
                            sizeof(err))
        == 0)
    {
        authgw_keys_free(keys, n);
        fail_msg("%s loaded as an HMAC secret", what);
    }

    if (strstr(err, what) == NULL || strstr(err, "alg=HS256") == NULL) {
        fail_msg("\"%s\" does not say \"%s\"", err, what);
    }
}


static void
secret_accepted(const unsigned char *buf, size_t len)
{
    char            err[256];
    size_t          n;
    authgw_key_t  **keys;

    if (authgw_key_load_buf(buf, len, NULL, 0, AUTHGW_HS256, &keys, &n, err,
                            sizeof(err))
        != 0)
    {
        fail_msg("a secret of %zu bytes refused: %s", len, err);
    }

    assert_int_equal(n, 1);
    assert_int_equal(keys[0]->algs, AUTHGW_ALG_BIT(AUTHGW_HS256));
    authgw_keys_free(keys, n);
}


/* the PEM text BIO holds, with "pad" before it */

static void
secret_refused_pem(BIO *bio, const char *pad, const char *what)
{
    char    *pem, *text;
    long     len;
    size_t   plen;

    len = BIO_get_mem_data(bio, &pem);
    assert_true(len > 0);

    plen = strlen(pad);
    text = malloc(plen + (size_t) len);
    assert_non_null(text);
    memcpy(text, pad, plen);
    memcpy(text + plen, pem, (size_t) len);

    secret_refused(text, plen + (size_t) len, what);

    free(text);
    BIO_free(bio);
}


static X509 *
self_signed(EVP_PKEY *pkey)
{
    X509  *x509;

    x509 = X509_new();
    assert_non_null(x509);

    assert_int_equal(X509_set_version(x509, X509_VERSION_3), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x509), 1), 1);
    assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x509), 0));
    assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x509), 3600));
    assert_int_equal(X509_NAME_add_entry_by_txt(X509_get_subject_name(x509),
                                                "CN", MBSTRING_ASC,
                                                (unsigned char *) "authgw",
                                                -1, -1, 0), 1);
    assert_int_equal(X509_set_issuer_name(x509, X509_get_subject_name(x509)),
                     1);
    assert_int_equal(X509_set_pubkey(x509, pkey), 1);
    assert_true(X509_sign(x509, pkey, EVP_sha256()) > 0);

    return x509;
}


/*
 * A key file given as a raw HMAC secret is refused: PEM and DER, public,
 * private or a certificate
 */

static void
test_secret_key_file_refused(void **state)
{
    int             n;
    BIO            *bio;
    X509           *x509;
    EVP_PKEY       *pkey;
    unsigned char  *der;

    (void) state;

    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(pkey);
    x509 = self_signed(pkey);

    /* PEM: a public key, a certificate, a private key, after white space */

    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
    secret_refused_pem(bio, "", "a PEM block");

    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_X509(bio, x509), 1);
    secret_refused_pem(bio, "", "a PEM block");

    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
                                              NULL), 1);
    secret_refused_pem(bio, "", "a PEM block");

    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
    secret_refused_pem(bio, " \r\n\t\n", "a PEM block");

    /* a PEM block after other text */

    bio = BIO_new(BIO_s_mem());
    assert_true(BIO_puts(bio, "the key:\n") > 0);
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
    secret_refused_pem(bio, "", "a PEM block");

    /* DER: SubjectPublicKeyInfo, a certificate, a private key */

    der = NULL;
    n = i2d_PUBKEY(pkey, &der);
    assert_true(n > 0);
    secret_refused(der, (size_t) n, "a DER public key");
    OPENSSL_free(der);

    der = NULL;
    n = i2d_X509(x509, &der);
    assert_true(n > 0);
    secret_refused(der, (size_t) n, "a DER certificate");
    OPENSSL_free(der);

    der = NULL;
    n = i2d_PrivateKey(pkey, &der);
    assert_true(n > 0);
    secret_refused(der, (size_t) n, "a DER private key");
    OPENSSL_free(der);

    X509_free(x509);
    EVP_PKEY_free(pkey);

    /* any other DER structure: an RSA public key in PKCS#1 */

    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 2048);
    assert_non_null(pkey);
    der = NULL;
    n = i2d_PublicKey(pkey, &der);
    assert_true(n > 0);
    secret_refused(der, (size_t) n, "a DER structure");
    OPENSSL_free(der);
    EVP_PKEY_free(pkey);

}


/* a key as text: JWK, JWKS, SSH, a PEM body without its armour */

static void
test_secret_key_text_refused(void **state)
{
    BIO         *bio;
    char        *body;
    EVP_PKEY    *pkey;
    const char  *jwk;

    (void) state;

    /* JWK and JWKS (RFC 7515 A.3's public key), and JSON that is not */

    jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMz"
          "V76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIW"
          "I5a0\"}";
    secret_refused(jwk, strlen(jwk), "a JWK or JWKS");

    jwk = "\n {\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF"
          "1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659L"
          "NpXW6pCyStikYjKIWI5a0\"}]}\n";
    secret_refused(jwk, strlen(jwk), "a JWK or JWKS");

    jwk = "  {\"kty\":\"oct\",\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlh\",";
    secret_refused(jwk, strlen(jwk), "JSON text");

    /*
     * SSH public keys, a PEM body without its armour, a JWK after a BOM:
     * keys all the same (CVE-2022-29217, CVE-2024-33663 took SSH keys)
     */

    jwk = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9"
          "okWi0dh2l9GKJl user@host\n";
    secret_refused(jwk, strlen(jwk), "an SSH public key");

    jwk = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= u@h\n";
    secret_refused(jwk, strlen(jwk), "an SSH public key");

    jwk = "---- BEGIN SSH2 PUBLIC KEY ----\nAAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVz"
          "rm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
          "---- END SSH2 PUBLIC KEY ----\n";
    secret_refused(jwk, strlen(jwk), "an SSH public key (RFC 4716)");

    jwk = "\xef\xbb\xbf{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8"
          "vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6"
          "pCyStikYjKIWI5a0\"}";
    secret_refused(jwk, strlen(jwk), "a JWK or JWKS");

    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    assert_non_null(pkey);
    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(bio, pkey), 1);
    (void) BIO_get_mem_data(bio, &body);
    body = strchr(body, '\n') + 1;
    *strstr(body, "-----END") = '\0';
    secret_refused(body, strlen(body), "base64 of a DER key");
    BIO_free(bio);
    EVP_PKEY_free(pkey);

}


/* what a secret is: random bytes, or base64 text of them */

static void
test_secret_accepted(void **state)
{
    char           b64[64];
    unsigned char  raw[32];

    (void) state;

    /* a random secret still loads, even one that begins with "{" */

    assert_int_equal(RAND_bytes(raw, sizeof(raw)), 1);
    secret_accepted(raw, sizeof(raw));

    /* and a secret kept as base64 text (openssl rand -base64 32) */

    assert_true(EVP_EncodeBlock((unsigned char *) b64, raw, sizeof(raw))
                > 0);
    strcat(b64, "\n");
    secret_accepted((const unsigned char *) b64, strlen(b64));

    raw[0] = '{';
    raw[1] = 0x80;
    secret_accepted(raw, sizeof(raw));

    secret_accepted((const unsigned char *) "0123456789abcdef0123456789abcdef",
                    32);
}


#define EC_XY                                                                 \
    "\"crv\":\"P-256\","                                                    \
    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","                  \
    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\""
#define K32    "\"k\":\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY\""


static const char *
enc_error(const char *text, const char *kid)
{
    static char    err[256];
    size_t         n;
    authgw_key_t **keys;

    if (authgw_enc_key_load_buf((const unsigned char *) text, strlen(text),
                                (const unsigned char *) kid,
                                kid ? strlen(kid) : 0, &keys, &n, err,
                                sizeof(err))
        == 0)
    {
        authgw_keys_free(keys, n);
        fail_msg("user-id key loaded but should not");
    }

    return err;
}


static int
has_kid(test_keys_t k, const char *kid)
{
    return authgw_key_find(k.keys, k.nkeys, (const unsigned char *) kid,
                           strlen(kid))
           != NULL;
}


/* one filter decides which JWKs are for signatures and which for user ids */

static void
test_jwk_filter(void **state)
{
    test_keys_t   k;
    const char   *set;

    (void) state;

    set = "{\"keys\":["
          "{\"kty\":\"oct\",\"kid\":\"s1\",\"use\":\"sig\"," K32 "},"
          "{\"kty\":\"oct\",\"kid\":\"s2\",\"key_ops\":[\"sign\",\"verify\"],"
          K32 "},"
          "{\"kty\":\"oct\",\"kid\":\"s3\",\"alg\":\"HS256\"," K32 "},"
          "{\"kty\":\"EC\",\"kid\":\"s4\"," EC_XY "},"
          "{\"kty\":\"oct\",\"kid\":\"e1\",\"use\":\"enc\"," K32 "},"
          "{\"kty\":\"oct\",\"kid\":\"e2\",\"key_ops\":[\"unwrapKey\"],"
          K32 "},"
          "{\"kty\":\"oct\",\"kid\":\"e3\",\"alg\":\"A256KW\"," K32 "},"
          "{\"kty\":\"RSA\",\"kid\":\"r\",\"use\":\"enc\",\"n\":\"AQAB\"}"
          "]}";

    k = load(set, -1);
    assert_int_equal(k.nkeys, 4);
    assert_true(has_kid(k, "s1") && has_kid(k, "s2") && has_kid(k, "s3")
                && has_kid(k, "s4"));
    assert_int_equal(authgw_key_find(k.keys, k.nkeys,
                                     (const unsigned char *) "s3", 2)->algs,
                     AUTHGW_ALG_BIT(AUTHGW_HS256));
    authgw_keys_free(k.keys, k.nkeys);

    /* alg= of the file takes the keys that fit it and skips the others */
    k = load(set, AUTHGW_ES256);
    assert_int_equal(k.nkeys, 1);
    assert_true(has_kid(k, "s4"));
    authgw_keys_free(k.keys, k.nkeys);

    /* the same set for user ids: oct keys for "enc" only */
    k = enc_keys((const unsigned char *) set, strlen(set), NULL);
    assert_int_equal(k.nkeys, 3);
    assert_true(has_kid(k, "e1") && has_kid(k, "e2") && has_kid(k, "e3"));
    authgw_keys_free(k.keys, k.nkeys);

    /* a JWK's kid, or the file's kid= in its place */
    k = enc_keys((const unsigned char *) "{\"kty\":\"oct\",\"kid\":\"x\","
                 K32 "}", strlen("{\"kty\":\"oct\",\"kid\":\"x\"," K32 "}"),
                 "y");
    assert_true(k.nkeys == 1 && has_kid(k, "y") && !has_kid(k, "x"));
    authgw_keys_free(k.keys, k.nkeys);

    /* a JWK after white space is a JWK for either use, not a raw secret */
    set = "\n {\"kty\":\"oct\",\"kid\":\"w\",\"use\":\"enc\"," K32 "}\n";
    k = enc_keys((const unsigned char *) set, strlen(set), NULL);
    assert_true(k.nkeys == 1 && has_kid(k, "w"));
    authgw_keys_free(k.keys, k.nkeys);
    assert_non_null(strstr(load_error(set, -1), "not a signature"));

    /* malformed members fail for either use, with the key's place */

    static const char  *bad[][2] = {
        { "{\"kty\":\"oct\",\"use\":1," K32 "}", "\"use\" is not a string" },
        { "{\"kty\":\"oct\",\"key_ops\":\"verify\"," K32 "}",
          "\"key_ops\" is not an array" },
        { "{\"kty\":\"oct\",\"alg\":7," K32 "}", "\"alg\" is not a string" },
        { "{\"kty\":\"oct\",\"kid\":\"\"," K32 "}",
          "\"kid\" is not a non-empty string" },
        { "{" K32 "}", "\"kty\" missing or not a string" },
        { "[]", "a JWK is not a JSON object" },
    };

    char    text[256];
    size_t  i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text), "{\"keys\":[%s]}", bad[i][0]);
        assert_non_null(strstr(load_error(text, -1), bad[i][1]));
        assert_non_null(strstr(load_error(text, -1), "JWKS key #1: "));
        assert_non_null(strstr(enc_error(text, NULL), bad[i][1]));
        assert_non_null(strstr(enc_error(text, NULL), "JWKS key #1: "));
    }

    assert_non_null(strstr(load_error("{\"kty\":\"XYZ\"}", -1),
                           "kty \"XYZ\" is not supported"));

    /* a JWK that is not for the use; a JWKS with none that is */

    assert_non_null(strstr(load_error("{\"kty\":\"oct\",\"use\":\"enc\","
                                      K32 "}", -1),
                           "not a signature verification key"));
    assert_non_null(strstr(enc_error("{\"kty\":\"oct\",\"use\":\"sig\","
                                     K32 "}", NULL),
                           "not a user-id key"));
    assert_non_null(strstr(load_error("{\"keys\":[{\"kty\":\"oct\",\"use\":"
                                      "\"enc\"," K32 "}]}", -1),
                           "no usable signature key (use, key_ops or alg): "
                           "1 skipped"));
    assert_non_null(strstr(enc_error("{\"keys\":[{\"kty\":\"EC\"," EC_XY
                                     "}]}", NULL),
                           "no user-id key"));
    assert_non_null(strstr(enc_error("{\"keys\":[{\"kty\":\"oct\"," K32
                                     "}]}", "k"),
                           "kid= cannot be used with a JWKS"));
}


static const char *
remote(const char *text, test_keys_t owned, test_keys_t *k)
{
    static char  err[256];

    err[0] = '\0';
    k->keys = NULL;
    k->nkeys = 0;

    if (authgw_key_load_remote((const unsigned char *) text, strlen(text),
                               owned.keys, owned.nkeys, &k->keys, &k->nkeys,
                               err, sizeof(err))
        != 0)
    {
        assert_null(k->keys);
        return err;
    }

    return NULL;
}


/* a fetched key set: public keys only, none with a kid the files own */

static void
test_key_remote(void **state)
{
    test_keys_t   owned, k;
    const char   *err;

    (void) state;

    owned = load("{\"kty\":\"EC\",\"kid\":\"mine\"," EC_XY "}", -1);

    err = remote("\r\n {\"keys\":["
                 "{\"kty\":\"EC\",\"kid\":\"theirs\"," EC_XY "},"
                 "{\"kty\":\"EC\",\"kid\":\"mine\"," EC_XY "},"
                 "{\"kty\":\"EC\"," EC_XY "},"
                 "{\"kty\":\"oct\",\"kid\":\"hmac\"," K32 "}]}", owned, &k);
    assert_null(err);
    assert_int_equal(k.nkeys, 2);
    assert_true(has_kid(k, "theirs") && !has_kid(k, "mine")
                && !has_kid(k, "hmac"));
    authgw_keys_free(k.keys, k.nkeys);

    /* only JSON: never PEM, never a raw secret */

    err = remote("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQ"
                 "cDQgAE\n-----END PUBLIC KEY-----\n", owned, &k);
    assert_non_null(err);
    assert_non_null(strstr(err, "not a JWK or JWKS"));

    assert_non_null(remote("0123456789abcdef0123456789abcdef", owned, &k));
    assert_non_null(remote("", owned, &k));
    assert_non_null(remote("  \n", owned, &k));

    /* nothing usable left: refused, not an empty set */

    err = remote("{\"kty\":\"oct\"," K32 "}", owned, &k);
    assert_non_null(err);
    assert_non_null(strstr(err, "no usable public key"));

    err = remote("{\"keys\":[{\"kty\":\"EC\",\"kid\":\"mine\"," EC_XY "}]}",
                 owned, &k);
    assert_non_null(err);
    assert_non_null(strstr(err, "no usable public key"));

    /* and what a file would refuse, a fetched set is refused for too */
    assert_non_null(strstr(remote("{\"keys\":[{\"kty\":\"EC\",\"kid\":\"a\","
                                  EC_XY "},{\"kty\":\"EC\",\"kid\":\"a\","
                                  EC_XY "}]}", owned, &k),
                           "duplicate kid"));

    /*
     * an OpenID discovery document (or RFC 8414 metadata) fetched instead
     * of its JWKS: said, with where the keys are, escaped
     */
    err = remote("{\"issuer\":\"https://idp.example\",\"jwks_uri\":"
                 "\"https://idp.example/certs\\n\\\"x\"}", owned, &k);
    assert_non_null(err);
    assert_string_equal(err, "an OpenID Connect discovery document or OAuth "
                        "server metadata, not a JWK Set: the keys are at its "
                        "jwks_uri \"https://idp.example/certs\\x0a\\\"x\"");

    /* a JWK that happens to have such a member is still a JWK */
    err = remote("{\"kty\":\"EC\",\"kid\":\"j\",\"jwks_uri\":\"x\","
                 EC_XY "}", owned, &k);
    assert_null(err);
    authgw_keys_free(k.keys, k.nkeys);

    /* jansson's message quotes the answer: its bytes are escaped */
    err = remote("{\"keys\":[\x01\x02]}", owned, &k);
    assert_non_null(err);
    assert_non_null(strstr(err, "invalid JSON"));
    for (const char *p = err; *p; p++) {
        assert_true(*p >= 0x20 && *p < 0x7f);
    }

    authgw_keys_free(owned.keys, owned.nkeys);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_jwk_filter),
        cmocka_unit_test(test_key_remote),
        cmocka_unit_test(test_key_loading),
        cmocka_unit_test(test_secret_key_file_refused),
        cmocka_unit_test(test_secret_key_text_refused),
        cmocka_unit_test(test_secret_accepted),
    };

    return cmocka_run_group_tests_name("key", tests, NULL, test_pool_free);
}
