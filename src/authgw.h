
/*
 * authgw core: JWS verification, key sets (files, and sets fetched from a
 * provider), the claim rules, the encrypted user id and the cache of
 * verified tokens, with no nginx dependency, so that it can be unit-tested
 * and fuzzed on its own. Not thread-safe: a process (an nginx worker) uses
 * it from one thread.
 */


#ifndef _AUTHGW_H_INCLUDED_
#define _AUTHGW_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <openssl/evp.h>


#define AUTHGW_TOKEN_MAX        16384     /* bytes of a compact token */
#define AUTHGW_JSON_MAX_DEPTH   32
#define AUTHGW_KID_MAX          256
#define AUTHGW_KEY_FILE_MAX     (4 * 1024 * 1024)
#define AUTHGW_USER_ID_MAX      1024      /* bytes of a decrypted user id */

/*
 * A JOSE protected header (of the token, and of the user id JWE) is parsed
 * before its signature or tag is checked, so it is bounded: 512 decoded
 * bytes, 16 members at its top level, 3 levels (the size bounds the rest).
 * Real headers are under 200 bytes and 5 members (alg, kid, typ, x5t,
 * cty); 512 holds a kid of the full AUTHGW_KID_MAX beside them. jansson
 * reads a string at about 18 ns a byte and a member in about 0.2 us here,
 * so the worst header parsed costs about 10 us (1 us for a real one), less
 * than an RSA-2048 or P-256 verification; at 1024 bytes it was 19 us.
 */
#define AUTHGW_JOSE_HEADER_MAX  512

/* more than the longest JSON text of a number, boolean or null */
#define AUTHGW_JSON_SCALAR_MAX  32
#define AUTHGW_JOSE_MEMBERS_MAX 16
#define AUTHGW_JOSE_DEPTH_MAX   3

/* authgw_jws_verify() flags */
#define AUTHGW_VERIFY_ALL_KEYS  1         /* no kid: try every key that fits */
/*
 * a DPoP proof, with the one key its jwk is: a kid in its header names
 * nothing, and its header never enters the memo of token headers (whose
 * slots only headers of the operator's keys may take: anyone signs a
 * proof with a key of their own)
 */
#define AUTHGW_VERIFY_PROOF     2

/*
 * authgw_json_text(): 0, -1 (no memory, or a value jansson cannot dump),
 * or this when the text would hold a byte below 0x20 or 0x7F (the claim
 * is then not found)
 */
#define AUTHGW_TEXT_CONTROL     1


typedef enum {
    AUTHGW_OK = 0,
    AUTHGW_MISSING_TOKEN,
    AUTHGW_MALFORMED_TOKEN,
    AUTHGW_ALG_NOT_ALLOWED,
    AUTHGW_UNKNOWN_KID,
    AUTHGW_BAD_SIGNATURE,
    AUTHGW_EXPIRED,
    AUTHGW_NOT_YET_VALID,
    AUTHGW_BAD_ISSUER,
    AUTHGW_BAD_AUDIENCE,
    AUTHGW_MISSING_CLAIM,
    AUTHGW_CLAIM_MISMATCH,
    AUTHGW_INSUFFICIENT_SCOPE,
    AUTHGW_BAD_USER_ID,
    AUTHGW_BAD_TYPE,
    AUTHGW_LIFETIME_TOO_LONG,
    AUTHGW_BAD_DPOP_PROOF,
    AUTHGW_USE_DPOP_NONCE,
    AUTHGW_DPOP_REPLAY,
    AUTHGW_DPOP_KEY_MISMATCH,
    AUTHGW_UNBOUND_TOKEN,
    AUTHGW_CERT_MISMATCH,
    AUTHGW_REPLAY_CACHE_FULL,
    AUTHGW_KEYS_UNAVAILABLE,
    AUTHGW_INTERNAL_ERROR,
    AUTHGW_STATUS_COUNT
} authgw_status_t;


typedef enum {
    AUTHGW_HS256 = 0,
    AUTHGW_HS384,
    AUTHGW_HS512,
    AUTHGW_RS256,
    AUTHGW_RS384,
    AUTHGW_RS512,
    AUTHGW_PS256,
    AUTHGW_PS384,
    AUTHGW_PS512,
    AUTHGW_ES256,
    AUTHGW_ES384,
    AUTHGW_ES512,
    AUTHGW_EDDSA,
    AUTHGW_ALG_COUNT
} authgw_alg_t;


#define AUTHGW_ALG_BIT(alg)  (1u << (alg))

/*
 * Every family lists SHA-256, SHA-384, SHA-512 in that order: an
 * algorithm's hash, 0 to 2, indexes authgw_sha2_names and the per-hash
 * contexts of a key; its output is AUTHGW_SHA2_LEN(h) bytes.
 */
#define AUTHGW_ALG_HASH(alg)  (((alg) - AUTHGW_HS256) % 3)
#define AUTHGW_SHA2_LEN(h)    ((size_t) 32 + 16 * (h))
#define AUTHGW_ALGS_HS       0x0007u
#define AUTHGW_ALGS_RSA      0x01f8u
#define AUTHGW_ALGS_ALL      ((1u << AUTHGW_ALG_COUNT) - 1)


typedef enum {
    AUTHGW_KTY_OCT = 1,
    AUTHGW_KTY_RSA,
    AUTHGW_KTY_EC,
    AUTHGW_KTY_OKP
} authgw_kty_t;


/*
 * The glue binds this to a request pool; memory is never freed one by one.
 * Blocks are aligned for any of jansson's objects (8 bytes at least).
 */
typedef struct {
    void                *(*alloc)(void *data, size_t size);
    void                 *data;
} authgw_alloc_t;


typedef struct {
    const unsigned char  *data;
    size_t                len;
} authgw_str_t;


typedef struct authgw_jwe_key_s  authgw_jwe_key_t;

typedef struct {
    unsigned char        *kid;          /* NULL: the key has no kid */
    size_t                kid_len;
    authgw_kty_t          kty;
    unsigned              algs;         /* AUTHGW_ALG_BIT() set it verifies */
    size_t                size;         /* RSA modulus, EC field, secret */
    EVP_PKEY             *pkey;         /* RSA, EC, OKP */
    EVP_MAC_CTX          *hmac[3];      /* oct: HS256/384/512, keyed */
    EVP_PKEY_CTX         *verify[AUTHGW_ALG_COUNT];  /* RSA, EC: ready */
    EVP_MD_CTX           *mctx;         /* RSA, EC: hashes the input */
    EVP_MD               *md[3];        /* SHA-256, -384, -512 as needed */
    unsigned char         order[66];    /* EC: group order, big-endian */
    unsigned char        *secret;       /* user-id keys: the key bytes */
    authgw_jwe_key_t     *jwe;          /* user-id keys: OpenSSL contexts */
    unsigned              jwe_use;      /* user-id keys: AUTHGW_JWE_USE_* */
} authgw_key_t;


/* what a lookup in the cache of verified tokens gave */
typedef enum {
    AUTHGW_CACHE_BYPASS = 0,            /* no cache, or not looked up */
    AUTHGW_CACHE_MISS,
    AUTHGW_CACHE_HIT
} authgw_cache_lookup_t;


/*
 * pooled: the payload (and the header, unless header_held) lives in the
 * allocator's memory, and is never decref'd; header_held: the header is
 * a reference to a recent token's (authgw_jws_free() drops it). A refused
 * token leaves its header, when it was parsed, and no payload: call
 * authgw_jws_free() after every verification, as after an accepted one.
 */
typedef struct {
    json_t               *header;
    json_t               *payload;
    authgw_alg_t          alg;
    const authgw_key_t   *key;
    size_t                candidates;   /* keys the token could be for */
    int                   pooled;
    int                   header_held;
    authgw_cache_lookup_t cache;
} authgw_jws_t;


typedef struct {
    const authgw_str_t   *issuers;
    size_t                nissuers;
    const authgw_str_t   *audiences;
    size_t                naudiences;
    int64_t               leeway;
    int                   require_exp;
} authgw_claims_policy_t;


/*
 * What a location asks of every token it takes, whoever issued it:
 * authgw_require_typ (RFC 9068 access tokens) and authgw_max_lifetime.
 */
typedef struct {
    const authgw_str_t   *types;        /* NULL: any typ, or none */
    size_t                ntypes;
    int64_t               max_lifetime; /* seconds; 0: no limit */
} authgw_token_rules_t;


extern const char  *authgw_sha2_names[3];

const char *authgw_status_str(authgw_status_t status);
int authgw_alg_from_name(const char *name, size_t len);
const char *authgw_alg_name(authgw_alg_t alg);

size_t authgw_b64url_decoded_len(size_t len);
size_t authgw_b64url_encoded_len(size_t n);
int authgw_b64url_decode(unsigned char *dst, size_t *dlen,
    const unsigned char *src, size_t len);
size_t authgw_b64url_encode(char *dst, const unsigned char *src, size_t len);
int authgw_b64url_check(const unsigned char *src, size_t len);
unsigned char *authgw_b64url_decode_alloc(const authgw_alloc_t *a,
    const unsigned char *src, size_t len, size_t *dlen);

json_t *authgw_json_parse(const unsigned char *buf, size_t len, int flags,
    const authgw_alloc_t *a);
json_t *authgw_json_parse_header(const unsigned char *buf, size_t len,
    int flags, const authgw_alloc_t *a);
int authgw_json_scalar_text(json_t *v, char *buf);
int authgw_json_has_control(const char *s, size_t len);
int authgw_json_text(json_t *value, const authgw_alloc_t *a,
    unsigned char **out, size_t *len);
int authgw_json_dump(json_t *value, const authgw_alloc_t *a,
    unsigned char **out, size_t *len);
int authgw_str_eq(const authgw_str_t *s, json_t *value);
int authgw_json_string(const unsigned char *buf, size_t len,
    const authgw_alloc_t *a, const unsigned char **s, size_t *slen);

int authgw_key_load_file(const char *path, const unsigned char *kid,
    size_t kid_len, int alg, authgw_key_t ***keys, size_t *nkeys,
    char *err, size_t errlen);
int authgw_key_load_buf(const unsigned char *buf, size_t len,
    const unsigned char *kid, size_t kid_len, int alg, authgw_key_t ***keys,
    size_t *nkeys, char *err, size_t errlen);
int authgw_enc_key_load_file(const char *path, const unsigned char *kid,
    size_t kid_len, authgw_key_t ***keys, size_t *nkeys, char *err,
    size_t errlen);
int authgw_enc_key_load_buf(const unsigned char *buf, size_t len,
    const unsigned char *kid, size_t kid_len, authgw_key_t ***keys,
    size_t *nkeys, char *err, size_t errlen);
int authgw_key_load_remote(const unsigned char *buf, size_t len,
    authgw_key_t *const *owned, size_t nowned, authgw_key_t ***keys,
    size_t *nkeys, char *err, size_t errlen);
int authgw_key_load_jwk(json_t *jwk, int alg, authgw_key_t **key,
    char *err, size_t errlen);
void authgw_key_free(authgw_key_t *key);
authgw_key_t *authgw_key_find(authgw_key_t *const *keys, size_t nkeys,
    const unsigned char *kid, size_t kid_len);
void authgw_keys_free(authgw_key_t **keys, size_t nkeys);

authgw_status_t authgw_jws_split(const unsigned char *token, size_t len,
    size_t *dot1, size_t *dot2);
authgw_status_t authgw_jws_verify(const unsigned char *token, size_t len,
    authgw_key_t *const *keys, size_t nkeys, unsigned algs, unsigned flags,
    const authgw_alloc_t *a, authgw_jws_t *jws);
void authgw_jws_free(authgw_jws_t *jws);
void authgw_jws_forget(void);

authgw_status_t authgw_claims_check(json_t *payload,
    const authgw_claims_policy_t *policy, int64_t now);

int authgw_claims_time(json_t *v, double *t);
authgw_status_t authgw_token_rules_check(json_t *header, json_t *payload,
    const authgw_token_rules_t *rules, int64_t leeway, int64_t now);
int authgw_media_type_eq(const unsigned char *a, size_t alen,
    const unsigned char *b, size_t blen);
int authgw_media_type_valid(const unsigned char *s, size_t len);
json_t *authgw_claim_get(json_t *payload, const unsigned char *name,
    size_t len);
int authgw_claim_match(json_t *value, const authgw_str_t *values,
    size_t n);
int authgw_has_scope(json_t *payload, const unsigned char *scope,
    size_t len);


/*
 * What authgw_explain() reads to say why a token was refused: the parsed
 * header and (once the signature verified) the payload, the location's
 * rules, and for a claim or scope rule the name it asks for (NULL for the
 * registered claims, exp's requirement, the user id claim and
 * authgw_require) and a claim rule's values. Returns the length written,
 * less than size, with a NUL after it; 0: nothing to add to the reason.
 */
typedef struct {
    json_t                        *header;
    json_t                        *payload;
    const authgw_claims_policy_t  *policy;
    const authgw_token_rules_t    *rules;       /* NULL: none */
    int64_t                        now;
    unsigned                       algs;
    size_t                         candidates;  /* keys a kid-less token fits */
    const unsigned char           *name;
    size_t                         name_len;
    const authgw_str_t            *values;      /* the claim rule's, or NULL */
    size_t                         nvalues;
    const unsigned char           *user_id_claim;   /* NULL: no user id */
    size_t                         user_id_claim_len;
} authgw_why_t;

size_t authgw_explain(authgw_status_t status, const authgw_why_t *w,
    char *buf, size_t size);

/*
 * Text from outside (a token, an identity provider's answer) made safe for
 * a log line: printable ASCII stays, but for \" and \\; every other byte,
 * and ",", becomes \xHH. At most size - 1 bytes, "..." ending a text cut
 * short; NUL-terminated. Returns the length written (0 when size < 4).
 */
size_t authgw_escape(char *out, size_t size, const char *s, size_t len);


/*
 * Sender-constrained tokens (authgw_dpop.c): the RFC 7638 thumbprint of a
 * public JWK (43 base64url characters), whether a JWK holds no private
 * member, and whether a proof's htu is the request's URL
 */
#define AUTHGW_JKT_LEN          43
#define AUTHGW_JKT_INPUT_MAX    4096

int authgw_jwk_thumbprint(json_t *jwk, char out[AUTHGW_JKT_LEN + 1]);
int authgw_jwk_is_public(json_t *jwk);
int authgw_htu_match(const char *htu, size_t htu_len, const char *url,
    size_t url_len);

#define AUTHGW_DPOP_JTI_MAX     256
#define AUTHGW_NONCE_LEN        32      /* base64url of 24 bytes */
#define AUTHGW_NONCE_LABEL      "authgw-dpop-nonce"
#define AUTHGW_NONCE_LABEL_LEN  (sizeof(AUTHGW_NONCE_LABEL) - 1)

typedef struct {
    const char           *method;
    size_t                method_len;
    const char           *url;          /* scheme://host[:port]/path */
    size_t                url_len;
    const unsigned char  *token;        /* the access token (ath); or NULL */
    size_t                token_len;
    unsigned              algs;         /* AUTHGW_ALG_BIT()s allowed */
    int64_t               now;
    int64_t               window;       /* how old iat may be */
    int64_t               leeway;
    const unsigned char  *nonce_key;    /* NULL: no server nonces */
    size_t                nonce_key_len;
    int64_t               nonce_period;
} authgw_dpop_request_t;

typedef struct {
    char                  jkt[AUTHGW_JKT_LEN + 1];
    authgw_alg_t          alg;
    char                 *jti;          /* in the allocator's memory */
    size_t                jti_len;
    int64_t               iat;
    const char           *why;          /* a refusal's check */
    int                   use_nonce;    /* refused for its nonce */
} authgw_dpop_proof_t;

int authgw_dpop_check(const unsigned char *proof, size_t len,
    const authgw_dpop_request_t *rq, const authgw_alloc_t *a,
    authgw_dpop_proof_t *out);
int authgw_dpop_nonce(const unsigned char *key, size_t key_len, int64_t now,
    int64_t period, char *out, const char *nonce, size_t len);

/*
 * What binds the token to its sender, and what the request shows of it
 * (authgw_binding_check): the location's modes for DPoP and for
 * certificate-bound tokens, whether the token came as "Authorization:
 * DPoP", the thumbprint of its checked proof's key, and the x5t#S256 of
 * the client certificate (NULL: none). why: a static text for the log.
 */
#define AUTHGW_BIND_OFF         0
#define AUTHGW_BIND_OPTIONAL    1
#define AUTHGW_BIND_REQUIRED    2

typedef struct {
    unsigned              dpop;
    unsigned              mtls;
    int                   scheme_dpop;
    const char           *proof_jkt;
    const char           *cert_x5t;
} authgw_binding_t;

authgw_status_t authgw_binding_check(json_t *payload,
    const authgw_binding_t *b, const char **why);

/*
 * RFC 8705 3.1: x5t#S256, the base64url SHA-256 of a certificate's DER;
 * from the DER, or from the text a TLS terminator passes: PEM (as
 * $ssl_client_raw_cert), URL-encoded PEM ($ssl_client_escaped_cert), or
 * an RFC 9440 Client-Cert byte sequence (":base64:"). The text form
 * returns 1 for an empty text (no certificate), -1 for a malformed one.
 */
#define AUTHGW_CERT_TEXT_MAX    (64 * 1024)

int authgw_cert_thumbprint(const unsigned char *der, size_t len,
    char out[AUTHGW_JKT_LEN + 1]);
int authgw_cert_text_thumbprint(const char *text, size_t len,
    const authgw_alloc_t *a, char out[AUTHGW_JKT_LEN + 1]);


/*
 * Identity providers (authgw_provider.c). authgw_jws_issuer(): the "iss"
 * of a token, read before its signature is checked, to choose whose keys
 * may check it; AUTHGW_OK with *iss in a's memory, AUTHGW_BAD_ISSUER when
 * it has no "iss" string, AUTHGW_MALFORMED_TOKEN, AUTHGW_MISSING_TOKEN.
 * authgw_url_origin(): the origin of an https URL (http with
 * AUTHGW_URL_HTTP), or 0 for a URL that is refused. authgw_discovery_parse():
 * the jwks_uri of a provider's metadata checked against its issuer.
 */
#define AUTHGW_URL_MAX          2048
#define AUTHGW_URL_HTTP         1
#define AUTHGW_URL_NO_FRAGMENT  2

authgw_status_t authgw_jws_issuer(const unsigned char *token, size_t len,
    const authgw_alloc_t *a, const unsigned char **iss, size_t *iss_len);
size_t authgw_url_origin(const char *url, size_t len, unsigned flags,
    char *origin, size_t size);
size_t authgw_discovery_parse(const unsigned char *buf, size_t len,
    const authgw_str_t *issuer, const authgw_str_t *origins,
    size_t norigins, unsigned flags, char *jwks_uri, size_t size, char *err,
    size_t errlen);


/*
 * A Cookie field without the named cookies, split as nginx's $cookie_NAME
 * finds them (at ";", and at "," when comma: nginx before 1.23), names
 * compared without regard to case. What is kept is copied as it was, with
 * the separators that came before each kept cookie; out holds len bytes.
 * Returns the length written; *removed: how many cookies went (0: the
 * field needs no change).
 */
size_t authgw_cookie_strip(const char *in, size_t len,
    const authgw_str_t *names, size_t nnames, int comma, char *out,
    size_t *removed);


/*
 * Where the encrypted user id is, and the keys that decrypt it. A cache
 * entry keeps the decrypted id with the addresses of keys and claim, and
 * gives it back only to a rule with the same two addresses: they must stay
 * where they are, unchanged, for as long as the cache lives (in nginx, the
 * configuration's).
 */
typedef struct {
    const unsigned char  *claim;
    size_t                claim_len;
    authgw_key_t *const  *keys;
    size_t                nkeys;
    int                   optional;     /* no claim (or null) is no user id */
} authgw_user_id_rule_t;


#define AUTHGW_CACHE_USER_ID_MAX  64

/* the most entries of a cache (16,777,216), a bound on what load allocates */
#define AUTHGW_CACHE_ENTRIES_MAX  (1u << 24)

typedef struct authgw_cache_s  authgw_cache_t;

typedef struct {
    unsigned char         hash[32];     /* SHA-256 of the whole token */
    json_t               *header;
    json_t               *payload;
    authgw_alg_t          alg;
    const authgw_key_t   *key;
    authgw_key_t *const  *user_id_keys; /* the rule that decrypted it */
    const unsigned char  *user_id_claim;
    size_t                candidates;   /* >1: a kid-less token, all tried */
    size_t                user_id_len;  /* 0: not cached */
    unsigned char         user_id[AUTHGW_CACHE_USER_ID_MAX];
    uint32_t              prev;
    uint32_t              next;
    uint32_t              chain;
} authgw_cache_entry_t;

typedef struct {
    uint64_t              hits;
    uint64_t              misses;
    uint64_t              evictions;
} authgw_cache_stats_t;

authgw_cache_t *authgw_cache_create(size_t entries);
void authgw_cache_destroy(authgw_cache_t *c);
int authgw_cache_hash(authgw_cache_t *c, const unsigned char *token,
    size_t len, unsigned char *hash);
authgw_cache_entry_t *authgw_cache_get(authgw_cache_t *c,
    const unsigned char *hash);
authgw_cache_entry_t *authgw_cache_put(authgw_cache_t *c,
    const unsigned char *hash, json_t *header, json_t *payload,
    authgw_alg_t alg, const authgw_key_t *key);
void authgw_cache_remove(authgw_cache_t *c, authgw_cache_entry_t *e);
authgw_status_t authgw_cache_verify(authgw_cache_t *c,
    const unsigned char *token, size_t len, authgw_key_t *const *keys,
    size_t nkeys, unsigned algs, unsigned flags, const authgw_alloc_t *a,
    authgw_jws_t *jws, authgw_cache_entry_t **entry);
authgw_status_t authgw_cache_claims_check(authgw_cache_t *c,
    authgw_cache_entry_t **entry, json_t *payload,
    const authgw_claims_policy_t *policy, int64_t now);
void authgw_cache_flush(authgw_cache_t *c);
const authgw_cache_stats_t *authgw_cache_stats(authgw_cache_t *c);

/*
 * Which JWE "alg" and "enc" a user-id key decrypts: any for a raw key or a
 * JWK without "alg"; a JWK's "alg" binds it to that key management
 * algorithm, or, when it names a content encryption, to "dir" with it.
 */
#define AUTHGW_JWE_USE_ANY  0xffffffffu

int authgw_jwe_use(const char *alg, size_t len, unsigned *use);
int authgw_jwe_key_prepare(authgw_key_t *key);
void authgw_jwe_key_free(authgw_jwe_key_t *k);
authgw_status_t authgw_jwe_decrypt(const unsigned char *jwe, size_t len,
    authgw_key_t *const *keys, size_t nkeys, const authgw_alloc_t *a,
    unsigned char **out, size_t *outlen);
authgw_status_t authgw_user_id(json_t *payload,
    const authgw_user_id_rule_t *rule, authgw_cache_entry_t *e,
    const authgw_alloc_t *a, unsigned char **id, size_t *len);


#endif /* _AUTHGW_H_INCLUDED_ */
