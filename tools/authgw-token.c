
/*
 * authgw-token: make keys and tokens for authgw and its tests.
 *
 *   authgw-token keygen --type oct|rsa|ec|ed25519 [--bits N] [--crv CRV]
 *                [--size N] --out PRIVATE [--pub FILE] [--format F]
 *                [--kid K] [--alg A] [--use U]
 *   authgw-token pubkey --key PRIVATE [--oct] [--format F] [--kid K]
 *                [--alg A] [--use U]
 *   authgw-token jwks JWK_FILE ...
 *   authgw-token sign --alg A --key PRIVATE [--kid K] [--exp-in S]
 *                [--nbf-in S] [--iat] [--claim k=v] [--claim-json k=JSON]
 *                [--claims JSON] [--header-json JSON] [--raw-header TEXT]
 *                [--raw-payload TEXT] [--header-seg B64] [--payload-seg B64]
 *                [--pss-saltlen N] [--openssl]
 *                [--user-id V --user-id-key FILE [--enc ENC]
 *                 [--user-id-alg dir|A128KW|A192KW|A256KW] [--user-id-kid K]
 *                 [--user-id-claim NAME]]
 *                [--cnf-jkt KEY] [--cnf-x5t CERT]
 *   authgw-token dpop --key PRIVATE --method METHOD --url URL [--alg A]
 *                [--token TOKEN | --token-file FILE] [--nonce N]
 *                [--iat N | --iat-in S] [--jti J | --count N] [--typ T]
 *                [--claim k=v] [--claim-json k=JSON] [--header-json k=JSON]
 *                [--drop-claim K] [--drop-header K]
 *   authgw-token thumbprint --key KEY | --cert CERT
 *   authgw-token encrypt --key FILE [--alg ALG] [--enc ENC] [--kid K]
 *                [--header-json JSON] [--iv-len N] [--no-pad]
 *                (--hex HEX | VALUE)
 *   authgw-token decode TOKEN
 *   authgw-token check [--key-file FILE[,kid=ID][,alg=ALG]] ... [TOKEN|-]
 *
 * Every command answers --help with its options and examples
 * (tools/usage.c; check's in tools/check.c, which verifies a token with
 * the module's core as a location with those options would).
 *
 * Formats of a public key: pem (SPKI), rsapem (PKCS#1), der, jwk, jwks.
 * HS*, RS* and ES* tokens are signed by libjwt, an implementation
 * independent of the module; PS*, EdDSA and hand-made headers by OpenSSL.
 * --raw-header/--raw-payload take JSON text that is encoded as it is;
 * --header-seg/--payload-seg take a segment that is used byte for byte,
 * so that a test can sign over a non-canonical encoding.
 *
 * dpop makes a DPoP proof (RFC 9449) signed with OpenSSL, its jwk the
 * key's public part (--count: that many, one a line, each of its own jti,
 * for a benchmark); thumbprint and sign --cnf-jkt/--cnf-x5t what binds a
 * token to that key (RFC 7638 through the core) or to a client
 * certificate (RFC 8705).
 *
 * --user-id puts an encrypted user id (a compact JWE, by default dir with
 * A256GCM) into the claim "uid" (or --user-id-claim). A symmetric key file
 * is raw bytes, or a JWK or JWKS of kty "oct" (its first key).
 */


#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "../src/authgw.h"
#include "check.h"
#include "jwe.h"
#include "usage.h"


/* dpop --count at most: some 5 GB of ES256 proofs, a benchmark's hours */
#define DPOP_MAX_COUNT  10000000


static void die(const char *msg, const char *arg);
static unsigned char *read_file(const char *path, size_t *len);
static void write_file(const char *path, const void *data, size_t len);
static const char *opt(int argc, char **argv, const char *name);
static int flag(int argc, char **argv, const char *name);
static char *b64(const unsigned char *data, size_t len);
static unsigned char *unb64(const char *s, size_t *len);
static EVP_PKEY *read_pkey(const char *path, int public_too);
static EVP_PKEY *load_private(const char *path);
static char *sha256_b64(const void *data, size_t len);
static void key_thumbprint(const char *cmd, const char *path,
    char out[AUTHGW_JKT_LEN + 1]);
static char *cert_thumbprint(const char *cmd, const char *path);
static json_t *public_jwk(EVP_PKEY *pkey, const unsigned char *secret,
    size_t slen, int argc, char **argv);
static void emit_public(EVP_PKEY *pkey, const unsigned char *secret,
    size_t slen, const char *format, const char *path, int argc,
    char **argv);
static int cmd_keygen(int argc, char **argv);
static int cmd_pubkey(int argc, char **argv);
static int cmd_jwks(int argc, char **argv);
static int sign_alg(int argc, char **argv);
static json_t *sign_claims(int argc, char **argv);
static void set_members(json_t *obj, int argc, char **argv,
    const char *str_opt, const char *json_opt);
static void drop_members(json_t *obj, int argc, char **argv,
    const char *name);
static char *b64_json(json_t *json);
static void sign_libjwt(int alg, const unsigned char *key, size_t klen,
    const char *kid, json_t *claims);
static char *sign_header(int argc, char **argv, int alg, const char *kid);
static char *sign_payload(int argc, char **argv, json_t *claims);
static void sign_cnf(json_t *claims, int argc, char **argv);
static int cmd_sign(int argc, char **argv);
static int dpop_alg(const char *name, json_t *jwk);
static int64_t dpop_iat(int argc, char **argv);
static void set_string(json_t *obj, const char *name, const char *value);
static json_t *dpop_header(int argc, char **argv, int alg, json_t *jwk);
static char *dpop_ath(int argc, char **argv);
static long dpop_count(int argc, char **argv);
static json_t *dpop_claims(int argc, char **argv, int64_t iat,
    const char *ath);
static void dpop_print(int alg, EVP_PKEY *pkey, const char *h,
    json_t *claims);
static int cmd_dpop(int argc, char **argv);
static int cmd_thumbprint(int argc, char **argv);
static int cmd_decode(int argc, char **argv);
static int cmd_encrypt(int argc, char **argv);
static unsigned char *read_sym_key(const char *path, size_t *len);
static char *encrypt_user_id(int argc, char **argv, const char *value,
    size_t len, const char *keyfile);
static unsigned char *sign_openssl(int alg, const unsigned char *key,
    size_t klen, const char *input, size_t *slen, int saltlen);
static unsigned char *sign_pkey(int alg, EVP_PKEY *pkey, const char *input,
    size_t *slen, int saltlen);
static void sign_print(int alg, const unsigned char *key, size_t klen,
    const char *h, const char *p, int saltlen);


static void
die(const char *msg, const char *arg)
{
    unsigned long  e;

    fprintf(stderr, "authgw-token: %s%s%s\n", msg, arg ? ": " : "",
            arg ? arg : "");

    while ((e = ERR_get_error()) != 0) {
        fprintf(stderr, "  %s\n", ERR_error_string(e, NULL));
    }

    exit(1);
}


static unsigned char *
read_file(const char *path, size_t *len)
{
    FILE           *f;
    size_t          n, size;
    unsigned char  *buf;

    f = fopen(path, "rb");
    if (f == NULL) {
        die("cannot open", path);
    }

    size = 4096;
    n = 0;
    buf = malloc(size + 1);

    while (buf != NULL) {
        n += fread(buf + n, 1, size - n, f);

        if (n < size) {
            break;
        }

        size *= 2;
        buf = realloc(buf, size + 1);
    }

    if (buf == NULL || ferror(f)) {
        die("cannot read", path);
    }

    fclose(f);
    buf[n] = '\0';
    *len = n;

    return buf;
}


static void
write_file(const char *path, const void *data, size_t len)
{
    FILE  *f;

    f = (path == NULL || strcmp(path, "-") == 0) ? stdout : fopen(path, "wb");
    if (f == NULL) {
        die("cannot create", path);
    }

    if (fwrite(data, 1, len, f) != len) {
        die("cannot write", path);
    }

    if (f != stdout) {
        fclose(f);

    } else {
        fflush(f);
    }
}


static const char *
opt(int argc, char **argv, const char *name)
{
    int  i;

    for (i = 0; i < argc - 1; i++) {
        if (strcmp(argv[i], name) == 0) {
            return argv[i + 1];
        }
    }

    return NULL;
}


static int
flag(int argc, char **argv, const char *name)
{
    int  i;

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            return 1;
        }
    }

    return 0;
}


static char *
b64(const unsigned char *data, size_t len)
{
    char    *s;
    size_t   n;

    s = malloc(len / 3 * 4 + 5);
    if (s == NULL) {
        die("out of memory", NULL);
    }

    n = authgw_b64url_encode(s, data, len);
    s[n] = '\0';

    return s;
}


static unsigned char *
unb64(const char *s, size_t *len)
{
    unsigned char  *d;

    d = malloc(authgw_b64url_decoded_len(strlen(s)) + 1);

    if (d == NULL
        || authgw_b64url_decode(d, len, (const unsigned char *) s, strlen(s))
           != 0)
    {
        free(d);
        return NULL;
    }

    d[*len] = '\0';

    return d;
}


/*
 * The PEM private key of a file, or with public_too its PEM public key
 * (SPKI) too; NULL when it holds neither (a raw secret, a JWK), for the
 * caller to say what it wanted
 */

static EVP_PKEY *
read_pkey(const char *path, int public_too)
{
    BIO       *bio;
    EVP_PKEY  *pkey;

    bio = BIO_new_file(path, "r");
    if (bio == NULL) {
        die("cannot open", path);
    }

    pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);

    if (pkey == NULL && public_too) {
        /* the private key's "no start line" is no error of the file */
        ERR_clear_error();

        if (BIO_reset(bio) == 0) {
            pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
        }
    }

    BIO_free(bio);

    return pkey;
}


static EVP_PKEY *
load_private(const char *path)
{
    EVP_PKEY  *pkey;

    pkey = read_pkey(path, 0);
    if (pkey == NULL) {
        die("not a PEM private key", path);
    }

    return pkey;
}


static char *
sha256_b64(const void *data, size_t len)
{
    unsigned char  md[32];

    if (EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL) != 1) {
        die("SHA-256 failed", NULL);
    }

    return b64(md, sizeof(md));
}


/*
 * RFC 7638: the thumbprint of a PEM private or public key (of the public
 * JWK that pubkey prints), or of a JWK file. cnf.jkt (RFC 9449 6.1) and a
 * proof's key are compared by it. A file that is none of these, or a key
 * without a thumbprint (oct), is a usage error of cmd.
 */

static void
key_thumbprint(const char *cmd, const char *path,
    char out[AUTHGW_JKT_LEN + 1])
{
    json_t        *jwk;
    EVP_PKEY      *pkey;
    json_error_t   error;

    pkey = read_pkey(path, 1);

    if (pkey != NULL) {
        jwk = public_jwk(pkey, NULL, 0, 0, NULL);
        EVP_PKEY_free(pkey);

    } else {
        ERR_clear_error();
        jwk = json_load_file(path, 0, &error);
    }

    if (jwk == NULL) {
        usage_error(cmd, "not a PEM private or public key, nor a JWK", path);
    }

    if (authgw_jwk_thumbprint(jwk, out) != 0) {
        usage_error(cmd, "no RFC 7638 thumbprint (an RSA, EC or OKP JWK "
                    "has one)", path);
    }

    json_decref(jwk);
}


/*
 * RFC 8705 3.1: x5t#S256 is the SHA-256 of the certificate's DER, as
 * i2d_X509() writes it back (the signed part as it was read). PEM, else
 * DER.
 */

static char *
cert_thumbprint(const char *cmd, const char *path)
{
    int             n;
    BIO            *bio;
    X509           *x;
    char           *s;
    unsigned char  *der;

    bio = BIO_new_file(path, "rb");
    if (bio == NULL) {
        die("cannot open", path);
    }

    x = PEM_read_bio_X509(bio, NULL, NULL, NULL);

    if (x == NULL && BIO_reset(bio) == 0) {
        x = d2i_X509_bio(bio, NULL);
    }

    BIO_free(bio);
    ERR_clear_error();

    if (x == NULL) {
        usage_error(cmd, "not an X.509 certificate (PEM or DER)", path);
    }

    der = NULL;
    n = i2d_X509(x, &der);
    X509_free(x);

    if (n <= 0) {
        die("cannot encode the certificate", path);
    }

    s = sha256_b64(der, (size_t) n);
    OPENSSL_free(der);

    return s;
}


static json_t *
bn_member(EVP_PKEY *pkey, const char *param, size_t pad)
{
    int             n;
    char           *s;
    json_t         *j;
    BIGNUM         *bn;
    unsigned char   buf[1024];

    bn = NULL;

    if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1) {
        die("cannot read key parameter", param);
    }

    n = pad ? BN_bn2binpad(bn, buf, (int) pad) : BN_bn2bin(bn, buf);
    BN_free(bn);

    if (n <= 0) {
        die("cannot encode key parameter", param);
    }

    s = b64(buf, (size_t) n);
    j = json_string(s);
    free(s);

    return j;
}


static json_t *
public_jwk(EVP_PKEY *pkey, const unsigned char *secret, size_t slen,
    int argc, char **argv)
{
    char           *s, group[64];
    size_t          len, field;
    json_t         *jwk;
    const char     *v;
    unsigned char   raw[32];

    jwk = json_object();

    if (pkey == NULL) {
        s = b64(secret, slen);
        json_object_set_new(jwk, "kty", json_string("oct"));
        json_object_set_new(jwk, "k", json_string(s));
        free(s);

    } else if (EVP_PKEY_is_a(pkey, "RSA")) {
        json_object_set_new(jwk, "kty", json_string("RSA"));
        json_object_set_new(jwk, "n", bn_member(pkey, OSSL_PKEY_PARAM_RSA_N,
                                                0));
        json_object_set_new(jwk, "e", bn_member(pkey, OSSL_PKEY_PARAM_RSA_E,
                                                0));

    } else if (EVP_PKEY_is_a(pkey, "EC")) {
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                           group, sizeof(group), &len)
            != 1)
        {
            die("EC key without a named curve", NULL);
        }

        if (strcmp(group, "prime256v1") == 0) {
            v = "P-256";
            field = 32;

        } else if (strcmp(group, "secp384r1") == 0) {
            v = "P-384";
            field = 48;

        } else if (strcmp(group, "secp521r1") == 0) {
            v = "P-521";
            field = 66;

        } else {
            /* a curve without a JOSE name has no JWK, and no thumbprint */
            die("an EC key on a curve JOSE does not name", group);
            return NULL;
        }

        json_object_set_new(jwk, "kty", json_string("EC"));
        json_object_set_new(jwk, "crv", json_string(v));
        json_object_set_new(jwk, "x", bn_member(pkey,
                                                OSSL_PKEY_PARAM_EC_PUB_X,
                                                field));
        json_object_set_new(jwk, "y", bn_member(pkey,
                                                OSSL_PKEY_PARAM_EC_PUB_Y,
                                                field));

    } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
        len = sizeof(raw);

        if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1) {
            die("cannot read the Ed25519 key", NULL);
        }

        s = b64(raw, len);
        json_object_set_new(jwk, "kty", json_string("OKP"));
        json_object_set_new(jwk, "crv", json_string("Ed25519"));
        json_object_set_new(jwk, "x", json_string(s));
        free(s);

    } else {
        /* X25519 has a raw public key too, but no JWS algorithm */
        die("not an RSA, EC or Ed25519 key", EVP_PKEY_get0_type_name(pkey));
    }

    if ((v = opt(argc, argv, "--kid")) != NULL) {
        json_object_set_new(jwk, "kid", json_string(v));
    }

    if ((v = opt(argc, argv, "--alg")) != NULL) {
        json_object_set_new(jwk, "alg", json_string(v));
    }

    if ((v = opt(argc, argv, "--use")) != NULL) {
        json_object_set_new(jwk, "use", json_string(v));
    }

    return jwk;
}


static void
emit_public(EVP_PKEY *pkey, const unsigned char *secret, size_t slen,
    const char *format, const char *path, int argc, char **argv)
{
    char              *s;
    size_t             len;
    json_t            *jwk, *set;
    unsigned char     *der;
    OSSL_ENCODER_CTX  *ectx;

    if (strcmp(format, "jwk") == 0 || strcmp(format, "jwks") == 0) {
        jwk = public_jwk(pkey, secret, slen, argc, argv);

        if (strcmp(format, "jwks") == 0) {
            set = json_object();
            json_object_set_new(set, "keys", json_array());
            json_array_append_new(json_object_get(set, "keys"), jwk);
            jwk = set;
        }

        s = json_dumps(jwk, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(jwk);
        write_file(path, s, strlen(s));
        free(s);
        return;
    }

    if (pkey == NULL) {
        die("an oct key has only the jwk and jwks formats", NULL);
    }

    ectx = OSSL_ENCODER_CTX_new_for_pkey(pkey, EVP_PKEY_PUBLIC_KEY,
                                         strcmp(format, "der") == 0
                                         ? "DER" : "PEM",
                                         strcmp(format, "rsapem") == 0
                                         ? "type-specific"
                                         : "SubjectPublicKeyInfo", NULL);
    der = NULL;
    len = 0;

    if (ectx == NULL
        || OSSL_ENCODER_to_data(ectx, &der, &len) != 1)
    {
        die("cannot encode the public key as", format);
    }

    OSSL_ENCODER_CTX_free(ectx);
    write_file(path, der, len);
    OPENSSL_free(der);
}


static int
cmd_keygen(int argc, char **argv)
{
    int             bits;
    BIO            *bio;
    size_t          size;
    EVP_PKEY       *pkey;
    const char     *type, *out, *pub, *format, *v;
    unsigned char   secret[128];

    type = opt(argc, argv, "--type");
    out = opt(argc, argv, "--out");
    pub = opt(argc, argv, "--pub");
    format = opt(argc, argv, "--format");

    if (type == NULL || out == NULL) {
        die("keygen needs --type and --out", NULL);
    }

    if (format == NULL) {
        format = "pem";
    }

    if (strcmp(type, "oct") == 0) {
        v = opt(argc, argv, "--size");
        size = v ? (size_t) atoi(v) : 32;

        if (size == 0 || size > sizeof(secret)
            || RAND_bytes(secret, (int) size) != 1)
        {
            die("bad --size", v);
        }

        write_file(out, secret, size);

        if (pub != NULL) {
            emit_public(NULL, secret, size,
                        strcmp(format, "pem") == 0 ? "jwk" : format, pub,
                        argc, argv);
        }

        return 0;
    }

    if (strcmp(type, "rsa") == 0) {
        v = opt(argc, argv, "--bits");
        bits = v ? atoi(v) : 2048;
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) bits);

    } else if (strcmp(type, "ec") == 0) {
        v = opt(argc, argv, "--crv");

        if (v == NULL || strcmp(v, "P-256") == 0) {
            v = "P-256";

        } else if (strcmp(v, "P-384") != 0 && strcmp(v, "P-521") != 0) {
            die("unknown --crv", v);
        }

        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", v);

    } else if (strcmp(type, "ed25519") == 0) {
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

    } else {
        die("unknown --type", type);
        return 1;
    }

    if (pkey == NULL) {
        die("key generation failed", type);
    }

    bio = BIO_new_file(out, "w");
    if (bio == NULL
        || PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL)
           != 1)
    {
        die("cannot write", out);
    }

    BIO_free(bio);

    if (pub != NULL) {
        emit_public(pkey, NULL, 0, format, pub, argc, argv);
    }

    EVP_PKEY_free(pkey);

    return 0;
}


static int
cmd_pubkey(int argc, char **argv)
{
    size_t          len;
    EVP_PKEY       *pkey;
    const char     *key, *format;
    unsigned char  *secret;

    key = opt(argc, argv, "--key");
    format = opt(argc, argv, "--format");

    if (key == NULL) {
        die("pubkey needs --key", NULL);
    }

    if (format == NULL) {
        format = "pem";
    }

    if (flag(argc, argv, "--oct")) {
        secret = read_file(key, &len);
        emit_public(NULL, secret, len, format, NULL, argc, argv);
        free(secret);
        return 0;
    }

    pkey = load_private(key);
    emit_public(pkey, NULL, 0, format, NULL, argc, argv);
    EVP_PKEY_free(pkey);

    return 0;
}


static int
cmd_jwks(int argc, char **argv)
{
    int            i;
    char          *s;
    json_t        *set, *jwk;
    json_error_t   error;

    set = json_object();
    json_object_set_new(set, "keys", json_array());

    for (i = 0; i < argc; i++) {
        jwk = json_load_file(argv[i], 0, &error);
        if (jwk == NULL) {
            die("not JSON", argv[i]);
        }

        if (json_object_get(jwk, "keys") != NULL) {
            json_array_extend(json_object_get(set, "keys"),
                              json_object_get(jwk, "keys"));
            json_decref(jwk);

        } else {
            json_array_append_new(json_object_get(set, "keys"), jwk);
        }
    }

    s = json_dumps(set, JSON_COMPACT | JSON_SORT_KEYS);
    printf("%s\n", s);
    free(s);
    json_decref(set);

    return 0;
}


static unsigned char *
sign_openssl(int alg, const unsigned char *key, size_t klen,
    const char *input, size_t *slen, int saltlen)
{
    BIO             *bio;
    EVP_PKEY        *pkey;
    unsigned char   *sig;
    static const char  *mds[3] = { "SHA256", "SHA384", "SHA512" };

    if (alg <= AUTHGW_HS512) {
        sig = malloc(EVP_MAX_MD_SIZE);

        if (sig == NULL
            || EVP_Q_mac(NULL, "HMAC", NULL, mds[alg], NULL, key, klen,
                         (const unsigned char *) input, strlen(input), sig,
                         EVP_MAX_MD_SIZE, slen)
               == NULL)
        {
            die("HMAC failed", NULL);
        }

        return sig;
    }

    bio = BIO_new_mem_buf(key, (int) klen);
    pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);

    if (pkey == NULL) {
        die("the key is not a PEM private key", NULL);
    }

    sig = sign_pkey(alg, pkey, input, slen, saltlen);
    EVP_PKEY_free(pkey);

    return sig;
}


/* a JWS signature of input with a private key, raw (R || S for ES*) */

static unsigned char *
sign_pkey(int alg, EVP_PKEY *pkey, const char *input, size_t *slen,
    int saltlen)
{
    int              pad, field;
    size_t           len;
    ECDSA_SIG       *es;
    const char      *md;
    EVP_MD_CTX      *mctx;
    EVP_PKEY_CTX    *pctx;
    unsigned char   *sig, *raw;
    const BIGNUM    *r, *s;
    const unsigned char  *p;
    static const char  *mds[3] = { "SHA256", "SHA384", "SHA512" };

    md = alg == AUTHGW_EDDSA ? NULL : mds[(alg - AUTHGW_RS256) % 3];
    mctx = EVP_MD_CTX_new();
    pctx = NULL;

    if (mctx == NULL
        || EVP_DigestSignInit_ex(mctx, &pctx, md, NULL, NULL, pkey, NULL)
           != 1)
    {
        die("EVP_DigestSignInit_ex() failed", NULL);
    }

    if (alg >= AUTHGW_PS256 && alg <= AUTHGW_PS512) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1
            || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltlen) != 1)
        {
            die("cannot set PSS parameters", NULL);
        }
    }

    len = 0;

    if (EVP_DigestSign(mctx, NULL, &len, (const unsigned char *) input,
                       strlen(input)) != 1
        || (sig = malloc(len)) == NULL
        || EVP_DigestSign(mctx, sig, &len, (const unsigned char *) input,
                          strlen(input)) != 1)
    {
        die("signing failed", NULL);
    }

    EVP_MD_CTX_free(mctx);

    if (alg >= AUTHGW_ES256 && alg <= AUTHGW_ES512) {
        field = alg == AUTHGW_ES256 ? 32 : alg == AUTHGW_ES384 ? 48 : 66;
        p = sig;
        es = d2i_ECDSA_SIG(NULL, &p, (long) len);
        raw = malloc(2 * field);

        if (es == NULL || raw == NULL) {
            die("bad ECDSA signature", NULL);
        }

        ECDSA_SIG_get0(es, &r, &s);
        pad = BN_bn2binpad(r, raw, field) == field
              && BN_bn2binpad(s, raw + field, field) == field;
        ECDSA_SIG_free(es);
        free(sig);

        if (!pad) {
            die("bad ECDSA signature", NULL);
        }

        sig = raw;
        len = 2 * field;
    }

    *slen = len;

    return sig;
}


/* the compact JWS of the header and payload segments, on stdout */

static void
sign_print(int alg, const unsigned char *key, size_t klen, const char *h,
    const char *p, int saltlen)
{
    char           *input, *s;
    size_t          slen;
    unsigned char  *sig;

    input = malloc(strlen(h) + strlen(p) + 2);
    if (input == NULL) {
        die("out of memory", NULL);
    }

    sprintf(input, "%s.%s", h, p);

    if (alg < 0) {
        printf("%s.\n", input);

    } else {
        sig = sign_openssl(alg, key, klen, input, &slen, saltlen);
        s = b64(sig, slen);
        printf("%s.%s\n", input, s);
        free(s);
        free(sig);
    }

    free(input);
}


/* the algorithm of --alg, or -1 for "none"; any other needs a --key */

static int
sign_alg(int argc, char **argv)
{
    int          alg;
    const char  *a;

    a = opt(argc, argv, "--alg");

    if (a == NULL) {
        die("sign needs --alg", NULL);
    }

    if (strcmp(a, "none") == 0) {
        return -1;
    }

    alg = authgw_alg_from_name(a, strlen(a));
    if (alg < 0) {
        die("unknown --alg", a);
    }

    if (opt(argc, argv, "--key") == NULL) {
        die("sign needs --key", NULL);
    }

    return alg;
}


/*
 * The claims: --claims (any JSON), then exp, nbf and iat from the current
 * time, the encrypted --user-id, each --claim and --claim-json, and last
 * the members of cnf that --cnf-jkt and --cnf-x5t give.
 */

static json_t *
sign_claims(int argc, char **argv)
{
    char          *s;
    json_t        *claims;
    time_t         now;
    const char    *a, *ukey;
    json_error_t   error;

    now = time(NULL);
    claims = json_object();

    if ((a = opt(argc, argv, "--claims")) != NULL) {
        json_decref(claims);
        claims = json_loads(a, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
        if (claims == NULL) {
            die("--claims is not JSON", error.text);
        }
    }

    if ((a = opt(argc, argv, "--exp-in")) != NULL) {
        json_object_set_new(claims, "exp", json_integer(now + atol(a)));
    }

    if ((a = opt(argc, argv, "--nbf-in")) != NULL) {
        json_object_set_new(claims, "nbf", json_integer(now + atol(a)));
    }

    if (flag(argc, argv, "--iat")) {
        json_object_set_new(claims, "iat", json_integer(now));
    }

    if ((a = opt(argc, argv, "--user-id")) != NULL) {
        ukey = opt(argc, argv, "--user-id-key");
        if (ukey == NULL) {
            die("--user-id needs --user-id-key", NULL);
        }

        s = encrypt_user_id(argc, argv, a, strlen(a), ukey);
        json_object_set_new(claims, opt(argc, argv, "--user-id-claim")
                                    ? opt(argc, argv, "--user-id-claim")
                                    : "uid", json_string(s));
        free(s);
    }

    set_members(claims, argc, argv, "--claim", "--claim-json");
    sign_cnf(claims, argc, argv);

    return claims;
}


/*
 * Each str_opt K=V (V a string) and json_opt K=JSON, in their order, sets
 * the member K of obj: --claim and --claim-json of sign and dpop, and
 * dpop's --header-json (str_opt NULL)
 */

static void
set_members(json_t *obj, int argc, char **argv, const char *str_opt,
    const char *json_opt)
{
    int            i, str;
    char          *eq;
    json_t        *v;
    json_error_t   error;

    for (i = 0; i < argc - 1; i++) {
        str = str_opt != NULL && strcmp(argv[i], str_opt) == 0;

        if (!str && strcmp(argv[i], json_opt) != 0) {
            continue;
        }

        eq = strchr(argv[i + 1], '=');
        if (eq == NULL) {
            die("a member is given as K=VALUE", argv[i + 1]);
        }

        *eq = '\0';

        if (str) {
            v = json_string(eq + 1);

        } else {
            v = json_loads(eq + 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
            if (v == NULL) {
                die("the value is not JSON", eq + 1);
            }
        }

        /* claims that are not an object (--claims '[1]') take none */
        json_object_set_new(obj, argv[i + 1], v);

        i++;
        *eq = '=';
    }
}


/* each option name K removes the member K of obj (dpop's --drop-claim) */

static void
drop_members(json_t *obj, int argc, char **argv, const char *name)
{
    int  i;

    for (i = 0; i < argc - 1; i++) {
        if (strcmp(argv[i], name) == 0) {
            json_object_del(obj, argv[++i]);
        }
    }
}


/* the base64url of JSON text, in the order the members were set */

static char *
b64_json(json_t *json)
{
    char  *s, *e;

    s = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
    if (s == NULL) {
        die("cannot encode JSON", NULL);
    }

    e = b64((const unsigned char *) s, strlen(s));
    free(s);

    return e;
}


/*
 * --cnf-jkt and --cnf-x5t: the members jkt (RFC 9449 6.1) and x5t#S256
 * (RFC 8705 3.1) of the claim cnf, set after every other claim and into
 * the cnf object those made: its other members stay, so that one token
 * can be bound to a key and a certificate, or carry a member a test adds,
 * while the thumbprint of the key or certificate named wins over a jkt or
 * x5t#S256 given as JSON. A cnf, or claims, that are no object: usage.
 */

static void
sign_cnf(json_t *claims, int argc, char **argv)
{
    char        *x5t, jkt[AUTHGW_JKT_LEN + 1];
    json_t      *cnf;
    const char  *key, *cert;

    key = opt(argc, argv, "--cnf-jkt");
    cert = opt(argc, argv, "--cnf-x5t");

    if (key == NULL && cert == NULL) {
        return;
    }

    cnf = json_object_get(claims, "cnf");

    if (cnf == NULL && json_is_object(claims)) {
        cnf = json_object();
        json_object_set_new(claims, "cnf", cnf);
    }

    if (!json_is_object(cnf)) {
        usage_error("sign", "--cnf-jkt and --cnf-x5t set members of the "
                    "claim cnf: the claims and their cnf must be objects",
                    NULL);
    }

    if (key != NULL) {
        key_thumbprint("sign", key, jkt);
        json_object_set_new(cnf, "jkt", json_string(jkt));
    }

    if (cert != NULL) {
        x5t = cert_thumbprint("sign", cert);
        json_object_set_new(cnf, "x5t#S256", json_string(x5t));
        free(x5t);
    }
}


/* what libjwt can make: a JWT of HS*, RS*, ES* or none, with a kid */

static void
sign_libjwt(int alg, const unsigned char *key, size_t klen, const char *kid,
    json_t *claims)
{
    char   *s, *out;
    jwt_t  *jwt;

    s = json_dumps(claims, JSON_COMPACT);

    if (jwt_new(&jwt) != 0
        || jwt_set_alg(jwt, alg < 0 ? JWT_ALG_NONE
                                    : jwt_str_alg(authgw_alg_name(alg)),
                       alg < 0 ? NULL : key, alg < 0 ? 0 : (int) klen)
           != 0
        || (json_object_size(claims) > 0
            && jwt_add_grants_json(jwt, s) != 0)
        || (kid != NULL && jwt_add_header(jwt, "kid", kid) != 0))
    {
        die("libjwt refused the token", NULL);
    }

    out = jwt_encode_str(jwt);
    if (out == NULL) {
        die("libjwt could not sign", NULL);
    }

    printf("%s\n", out);
    free(out);
    free(s);
    jwt_free(jwt);
}


/*
 * The header segment: --header-seg as it is, --raw-header encoded, or
 * --header-json (or {}) with its alg added when it has none, and the kid
 */

static char *
sign_header(int argc, char **argv, int alg, const char *kid)
{
    char          *h;
    json_t        *header;
    const char    *a;
    json_error_t   error;

    if ((a = opt(argc, argv, "--header-seg")) != NULL) {
        return strdup(a);
    }

    if ((a = opt(argc, argv, "--raw-header")) != NULL) {
        return b64((const unsigned char *) a, strlen(a));
    }

    a = opt(argc, argv, "--header-json");
    header = a ? json_loads(a, 0, &error) : json_object();
    if (header == NULL) {
        die("--header-json is not JSON", error.text);
    }

    if (json_object_get(header, "alg") == NULL) {
        json_object_set_new(header, "alg",
                            json_string(alg < 0 ? "none"
                                                : authgw_alg_name(alg)));
    }

    if (kid != NULL) {
        json_object_set_new(header, "kid", json_string(kid));
    }

    h = b64_json(header);
    json_decref(header);

    return h;
}


/* the payload segment: --payload-seg, --raw-payload encoded, or the claims */

static char *
sign_payload(int argc, char **argv, json_t *claims)
{
    const char  *a;

    if ((a = opt(argc, argv, "--payload-seg")) != NULL) {
        return strdup(a);
    }

    if ((a = opt(argc, argv, "--raw-payload")) != NULL) {
        return b64((const unsigned char *) a, strlen(a));
    }

    return b64_json(claims);
}


/*
 * HS*, RS* and ES* JWTs are signed by libjwt; PS*, EdDSA, hand-made
 * headers or payloads, claims that are not an object and --openssl by
 * OpenSSL
 */

static int
cmd_sign(int argc, char **argv)
{
    int             alg, use_openssl;
    char           *h, *p;
    size_t          klen;
    json_t         *claims;
    const char     *a, *keyfile, *kid;
    unsigned char  *key;

    alg = sign_alg(argc, argv);
    keyfile = opt(argc, argv, "--key");
    kid = opt(argc, argv, "--kid");

    key = keyfile ? read_file(keyfile, &klen) : NULL;

    claims = sign_claims(argc, argv);

    use_openssl = flag(argc, argv, "--openssl")
                  || opt(argc, argv, "--raw-header") != NULL
                  || opt(argc, argv, "--raw-payload") != NULL
                  || opt(argc, argv, "--header-seg") != NULL
                  || opt(argc, argv, "--payload-seg") != NULL
                  || opt(argc, argv, "--header-json") != NULL
                  || !json_is_object(claims)
                  || (alg >= AUTHGW_PS256 && alg <= AUTHGW_PS512)
                  || alg == AUTHGW_EDDSA;

    if (!use_openssl) {
        sign_libjwt(alg, key, klen, kid, claims);
        json_decref(claims);
        free(key);

        return 0;
    }

    h = sign_header(argc, argv, alg, kid);
    p = sign_payload(argc, argv, claims);
    a = opt(argc, argv, "--pss-saltlen");

    sign_print(alg, key, klen, h, p, a ? atoi(a) : RSA_PSS_SALTLEN_DIGEST);

    free(h);
    free(p);
    free(key);
    json_decref(claims);

    return 0;
}


/*
 * A proof's algorithm: --alg, or the one its key implies (ES256, ES384,
 * ES512 by curve, EdDSA, RS256). A verifier takes the key from the jwk of
 * the proof's header, so HS*, none and an algorithm of another key type
 * could only make proofs that no one verifies: usage errors. A header
 * that lies about its alg is --header-json's to make.
 */

static int
dpop_alg(const char *name, json_t *jwk)
{
    int          alg, key_alg;
    char         msg[80];
    const char  *kty, *crv;

    kty = json_string_value(json_object_get(jwk, "kty"));
    crv = json_string_value(json_object_get(jwk, "crv"));

    if (strcmp(kty, "RSA") == 0) {
        key_alg = AUTHGW_RS256;

    } else if (strcmp(kty, "OKP") == 0) {
        key_alg = AUTHGW_EDDSA;

    } else {
        key_alg = strcmp(crv, "P-256") == 0 ? AUTHGW_ES256
                  : strcmp(crv, "P-384") == 0 ? AUTHGW_ES384 : AUTHGW_ES512;
    }

    if (name == NULL) {
        return key_alg;
    }

    alg = authgw_alg_from_name(name, strlen(name));

    if (alg < 0 || alg <= AUTHGW_HS512) {
        usage_error("dpop", "--alg is RS*, PS*, ES* or EdDSA (a proof is "
                    "signed with a private key)", name);
    }

    if (alg == key_alg
        || (key_alg == AUTHGW_RS256 && alg >= AUTHGW_RS256
            && alg <= AUTHGW_PS512))
    {
        return alg;
    }

    snprintf(msg, sizeof(msg), "--alg does not fit the key (a key of %s)",
             authgw_alg_name(key_alg));
    usage_error("dpop", msg, name);

    return -1;
}


/* iat: --iat N, now + --iat-in S, or now */

static int64_t
dpop_iat(int argc, char **argv)
{
    char        *end;
    long long    n;
    const char  *at, *in, *v;

    at = opt(argc, argv, "--iat");
    in = opt(argc, argv, "--iat-in");

    if (at != NULL && in != NULL) {
        usage_error("dpop", "--iat and --iat-in exclude each other", NULL);
    }

    v = at != NULL ? at : in;

    if (v == NULL) {
        return time(NULL);
    }

    errno = 0;
    n = strtoll(v, &end, 10);

    /* an offset as large as a time would overflow once added to now */

    if (*v == '\0' || *end != '\0' || errno != 0
        || (in != NULL && (n > INT32_MAX || n < -(long long) INT32_MAX)))
    {
        usage_error("dpop", at != NULL ? "--iat is not an integer"
                            : "--iat-in is not a number of seconds", v);
    }

    return at != NULL ? (int64_t) n : (int64_t) time(NULL) + n;
}


/* JSON strings are UTF-8: a value that is not is no member at all */

static void
set_string(json_t *obj, const char *name, const char *value)
{
    if (json_object_set_new(obj, name, json_string(value)) != 0) {
        die("not UTF-8", name);
    }
}


/*
 * The header: typ dpop+jwt (or --typ), alg, and the public JWK of the key
 * (public_jwk() makes no private member); then --header-json, then
 * --drop-header, for the tests that need a hostile header
 */

static json_t *
dpop_header(int argc, char **argv, int alg, json_t *jwk)
{
    json_t      *header;
    const char  *typ;

    typ = opt(argc, argv, "--typ");
    header = json_object();

    set_string(header, "typ", typ != NULL ? typ : "dpop+jwt");
    set_string(header, "alg", authgw_alg_name(alg));
    json_object_set_new(header, "jwk", jwk);

    set_members(header, argc, argv, NULL, "--header-json");
    drop_members(header, argc, argv, "--drop-header");

    return header;
}


/*
 * ath: the base64url SHA-256 of the access token of --token or
 * --token-file; NULL without either
 */

static char *
dpop_ath(int argc, char **argv)
{
    char           *s;
    size_t          len;
    const char     *v, *file;
    unsigned char  *buf;

    v = opt(argc, argv, "--token");
    file = opt(argc, argv, "--token-file");

    if (v != NULL && file != NULL) {
        usage_error("dpop", "--token and --token-file exclude each other",
                    NULL);
    }

    if (v != NULL) {
        return sha256_b64(v, strlen(v));
    }

    if (file == NULL) {
        return NULL;
    }

    /* a file written by echo or a shell's $(...) ends a line */

    buf = read_file(file, &len);

    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) {
        len--;
    }

    s = sha256_b64(buf, len);
    free(buf);

    return s;
}


/*
 * --count N: how many proofs (1 by default). Each has its own random jti,
 * so a given --jti would make all but the first replays.
 */

static long
dpop_count(int argc, char **argv)
{
    long        n;
    char       *end;
    const char  *v;

    v = opt(argc, argv, "--count");

    if (v == NULL) {
        return 1;
    }

    if (opt(argc, argv, "--jti") != NULL) {
        usage_error("dpop", "--jti and --count exclude each other (each "
                    "proof has its own jti)", NULL);
    }

    errno = 0;
    n = strtol(v, &end, 10);

    if (*v == '\0' || *end != '\0' || errno != 0 || n < 1
        || n > DPOP_MAX_COUNT)
    {
        usage_error("dpop", "--count is not a number from 1 to 10000000",
                    v);
    }

    return n;
}


/*
 * The claims of RFC 9449 4.2: jti (random, or --jti), htm and htu as
 * given, iat, ath of the access token, nonce; then --claim and
 * --claim-json, then --drop-claim
 */

static json_t *
dpop_claims(int argc, char **argv, int64_t iat, const char *ath)
{
    char           *s;
    json_t         *claims;
    const char     *v;
    unsigned char   rnd[24];

    claims = json_object();

    if ((v = opt(argc, argv, "--jti")) != NULL) {
        set_string(claims, "jti", v);

    } else {
        /* 192 bits: RFC 9449 11.1 asks for 96 at least, to be unique */

        if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
            die("RAND_bytes() failed", NULL);
        }

        s = b64(rnd, sizeof(rnd));
        set_string(claims, "jti", s);
        free(s);
    }

    set_string(claims, "htm", opt(argc, argv, "--method"));
    set_string(claims, "htu", opt(argc, argv, "--url"));
    json_object_set_new(claims, "iat", json_integer(iat));

    if (ath != NULL) {
        set_string(claims, "ath", ath);
    }

    if ((v = opt(argc, argv, "--nonce")) != NULL) {
        set_string(claims, "nonce", v);
    }

    set_members(claims, argc, argv, "--claim", "--claim-json");
    drop_members(claims, argc, argv, "--drop-claim");

    return claims;
}


/* one proof on stdout: the header's segment h, the claims, signed */

static void
dpop_print(int alg, EVP_PKEY *pkey, const char *h, json_t *claims)
{
    char           *p, *input, *s;
    size_t          slen;
    unsigned char  *sig;

    p = b64_json(claims);
    input = malloc(strlen(h) + strlen(p) + 2);

    if (input == NULL) {
        die("out of memory", NULL);
    }

    sprintf(input, "%s.%s", h, p);

    sig = sign_pkey(alg, pkey, input, &slen, RSA_PSS_SALTLEN_DIGEST);
    s = b64(sig, slen);
    printf("%s.%s\n", input, s);

    free(s);
    free(sig);
    free(input);
    free(p);
}


/*
 * The key is read once: --count N proofs for a benchmark take N
 * signatures, not N key loads. They share iat and every claim but jti.
 */

static int
cmd_dpop(int argc, char **argv)
{
    int          alg;
    char        *h, *ath;
    long         i, count;
    size_t       k;
    json_t      *jwk, *header, *claims;
    int64_t      iat;
    EVP_PKEY    *pkey;
    const char  *keyfile;
    static const char  *needed[] = { "--key", "--method", "--url" };

    for (k = 0; k < sizeof(needed) / sizeof(needed[0]); k++) {
        if (opt(argc, argv, needed[k]) == NULL) {
            usage_error("dpop", "a required option is missing", needed[k]);
        }
    }

    keyfile = opt(argc, argv, "--key");

    /* a proof proves the possession of the private key of its jwk */

    pkey = read_pkey(keyfile, 0);
    if (pkey == NULL) {
        ERR_clear_error();
        usage_error("dpop", "--key is not a PEM private key (RSA, EC or "
                    "Ed25519)", keyfile);
    }

    jwk = public_jwk(pkey, NULL, 0, 0, NULL);

    alg = dpop_alg(opt(argc, argv, "--alg"), jwk);
    header = dpop_header(argc, argv, alg, jwk);
    count = dpop_count(argc, argv);
    iat = dpop_iat(argc, argv);
    ath = dpop_ath(argc, argv);

    h = b64_json(header);

    for (i = 0; i < count; i++) {
        claims = dpop_claims(argc, argv, iat, ath);
        dpop_print(alg, pkey, h, claims);
        json_decref(claims);
    }

    /* a benchmark's file of proofs cut short by a full disk is no file */

    if (fflush(stdout) != 0 || ferror(stdout)) {
        die("cannot write the proofs", strerror(errno));
    }

    EVP_PKEY_free(pkey);
    free(ath);
    free(h);
    json_decref(header);

    return 0;
}


static int
cmd_thumbprint(int argc, char **argv)
{
    char        *x5t, jkt[AUTHGW_JKT_LEN + 1];
    const char  *key, *cert;

    key = opt(argc, argv, "--key");
    cert = opt(argc, argv, "--cert");

    if ((key == NULL) == (cert == NULL)) {
        usage_error("thumbprint", "takes one of --key and --cert", NULL);
    }

    if (key != NULL) {
        key_thumbprint("thumbprint", key, jkt);
        printf("%s\n", jkt);
        return 0;
    }

    x5t = cert_thumbprint("thumbprint", cert);
    printf("%s\n", x5t);
    free(x5t);

    return 0;
}


static unsigned char *
read_sym_key(const char *path, size_t *len)
{
    size_t          n;
    json_t         *json, *jwk;
    unsigned char  *buf, *key;

    buf = read_file(path, &n);

    if (n == 0 || buf[0] != '{') {
        *len = n;
        return buf;
    }

    /* a raw secret may begin with "{" (1 in 256): a JWK is text, JSON */

    json = json_loadb((char *) buf, n, 0, NULL);
    if (json == NULL) {
        *len = n;
        return buf;
    }

    jwk = json_object_get(json, "keys") ? json_array_get(
              json_object_get(json, "keys"), 0) : json;

    if (!json_is_string(json_object_get(jwk, "k"))) {
        die("not an oct JWK", path);
    }

    key = unb64(json_string_value(json_object_get(jwk, "k")), len);
    if (key == NULL) {
        die("the JWK's k is not base64url", path);
    }

    json_decref(json);
    free(buf);

    return key;
}


static char *
encrypt_user_id(int argc, char **argv, const char *value, size_t len,
    const char *keyfile)
{
    char           *jwe;
    size_t          klen;
    const char     *alg, *enc, *v;
    unsigned char  *key;

    alg = opt(argc, argv, "--user-id-alg");
    enc = opt(argc, argv, "--enc");
    key = read_sym_key(keyfile, &klen);

    v = opt(argc, argv, "--iv-len");

    jwe = tool_jwe_encrypt(alg ? alg : "dir", enc ? enc : "A256GCM", key,
                           klen, opt(argc, argv, "--user-id-kid"),
                           opt(argc, argv, "--user-id-header-json"),
                           (const unsigned char *) value, len,
                           v ? (size_t) atoi(v) : 0,
                           flag(argc, argv, "--no-pad") ? TOOL_JWE_NO_PAD : 0);
    if (jwe == NULL) {
        die("cannot encrypt the user id (alg, enc and key length must fit)",
            NULL);
    }

    OPENSSL_clear_free(key, klen);

    return jwe;
}


static int
cmd_encrypt(int argc, char **argv)
{
    int             i;
    char           *jwe, *args[24];
    size_t          len;
    const char     *key, *hex, *v;
    unsigned char  *value;

    key = opt(argc, argv, "--key");
    hex = opt(argc, argv, "--hex");

    if (key == NULL || argc < 1) {
        die("encrypt needs --key and a value", NULL);
    }

    if (hex != NULL) {
        value = OPENSSL_hexstr2buf(hex, (long *) &len);
        if (value == NULL) {
            die("--hex is not hex", hex);
        }

    } else {
        value = (unsigned char *) strdup(argv[argc - 1]);
        len = strlen((char *) value);
    }

    /* the same options as sign --user-id, under their short names */

    i = 0;

    if ((v = opt(argc, argv, "--alg")) != NULL) {
        args[i++] = "--user-id-alg";
        args[i++] = (char *) v;
    }

    if ((v = opt(argc, argv, "--kid")) != NULL) {
        args[i++] = "--user-id-kid";
        args[i++] = (char *) v;
    }

    if ((v = opt(argc, argv, "--header-json")) != NULL) {
        args[i++] = "--user-id-header-json";
        args[i++] = (char *) v;
    }

    if ((v = opt(argc, argv, "--enc")) != NULL) {
        args[i++] = "--enc";
        args[i++] = (char *) v;
    }

    if ((v = opt(argc, argv, "--iv-len")) != NULL) {
        args[i++] = "--iv-len";
        args[i++] = (char *) v;
    }

    if (flag(argc, argv, "--no-pad")) {
        args[i++] = "--no-pad";
    }

    jwe = encrypt_user_id(i, args, (char *) value, len, key);
    printf("%s\n", jwe);

    free(jwe);
    OPENSSL_free(value);

    return 0;
}


static int
cmd_decode(int argc, char **argv)
{
    char           *tok, *dot;
    size_t          len;
    unsigned char  *d;

    if (argc < 1) {
        die("decode needs a token", NULL);
    }

    tok = argv[0];
    dot = strchr(tok, '.');

    if (dot == NULL) {
        die("not a compact token", NULL);
    }

    *dot = '\0';
    d = unb64(tok, &len);
    printf("%s\n", d ? (char *) d : "(header is not base64url)");
    free(d);

    tok = dot + 1;
    dot = strchr(tok, '.');

    if (dot != NULL) {
        *dot = '\0';
    }

    d = unb64(tok, &len);
    printf("%s\n", d ? (char *) d : "(payload is not base64url)");
    free(d);

    return 0;
}


int
main(int argc, char **argv)
{
    int    rc;
    char  *help[] = { "--help" };

    if (argc < 2) {
        usage_tool(stderr);
        return 2;
    }

    if (strcmp(argv[1], "help") == 0 && argc > 2) {
        return strcmp(argv[2], "check") == 0 ? cmd_check(1, help)
                                             : usage_command(argv[2], 1, help);
    }

    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0
        || strcmp(argv[1], "-h") == 0)
    {
        usage_tool(stdout);
        return 0;
    }

    if (strcmp(argv[1], "check") == 0) {
        return cmd_check(argc - 2, argv + 2);
    }

    rc = usage_command(argv[1], argc - 2, argv + 2);
    if (rc >= 0) {
        return rc;
    }

    if (strcmp(argv[1], "keygen") == 0) {
        return cmd_keygen(argc - 2, argv + 2);
    }

    if (strcmp(argv[1], "pubkey") == 0) {
        return cmd_pubkey(argc - 2, argv + 2);
    }

    if (strcmp(argv[1], "jwks") == 0) {
        return cmd_jwks(argc - 2, argv + 2);
    }

    if (strcmp(argv[1], "sign") == 0) {
        return cmd_sign(argc - 2, argv + 2);
    }

    if (strcmp(argv[1], "encrypt") == 0) {
        return cmd_encrypt(argc - 2, argv + 2);
    }

    if (strcmp(argv[1], "dpop") == 0) {
        return cmd_dpop(argc - 2, argv + 2);
    }

    if (strcmp(argv[1], "thumbprint") == 0) {
        return cmd_thumbprint(argc - 2, argv + 2);
    }

    return cmd_decode(argc - 2, argv + 2);
}
