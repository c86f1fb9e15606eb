
/*
 * A per-worker cache of tokens whose signature verified: keyed by the
 * SHA-256 of the whole token, bounded in entries, least recently used
 * evicted first. All entries are allocated when the cache is made, at
 * configuration load; the request path only links and unlinks them. An
 * entry holds its own copies of the verified header and payload, so that a
 * hit skips decoding, parsing and the signature. What a hit still checks is
 * decided here (authgw_cache_verify, authgw_cache_claims_check): the
 * caller's algorithms and key rules, then every claim rule, exp included;
 * an entry found expired is dropped.
 */


#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "authgw.h"


#define AUTHGW_CACHE_NONE  0xffffffffu


struct authgw_cache_s {
    authgw_cache_entry_t  *entries;
    uint32_t              *buckets;
    uint32_t               mask;
    uint32_t               size;
    uint32_t               used;
    uint32_t               head;        /* most recently used */
    uint32_t               tail;        /* least recently used */
    EVP_MD                *sha256;
    EVP_MD_CTX            *mdctx;
    authgw_cache_stats_t   stats;
};


static uint32_t authgw_cache_bucket(authgw_cache_t *c,
    const unsigned char *hash);
static void authgw_cache_unlink(authgw_cache_t *c, uint32_t i);
static void authgw_cache_link_head(authgw_cache_t *c, uint32_t i);
static void authgw_cache_unchain(authgw_cache_t *c, uint32_t i);
static void authgw_cache_clear(authgw_cache_entry_t *e);


authgw_cache_t *
authgw_cache_create(size_t entries)
{
    uint32_t         i, nb;
    authgw_cache_t  *c;

    if (entries == 0 || entries > AUTHGW_CACHE_ENTRIES_MAX) {
        return NULL;
    }

    c = calloc(1, sizeof(authgw_cache_t));
    if (c == NULL) {
        return NULL;
    }

    for (nb = 1; nb < 2 * entries; nb <<= 1) {
        /* void */
    }

    c->entries = calloc(entries, sizeof(authgw_cache_entry_t));
    c->buckets = malloc(nb * sizeof(uint32_t));
    c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    c->mdctx = EVP_MD_CTX_new();

    if (c->entries == NULL || c->buckets == NULL || c->sha256 == NULL
        || c->mdctx == NULL)
    {
        authgw_cache_destroy(c);
        return NULL;
    }

    for (i = 0; i < nb; i++) {
        c->buckets[i] = AUTHGW_CACHE_NONE;
    }

    c->mask = nb - 1;
    c->size = (uint32_t) entries;
    c->head = AUTHGW_CACHE_NONE;
    c->tail = AUTHGW_CACHE_NONE;

    return c;
}


static void
authgw_cache_clear(authgw_cache_entry_t *e)
{
    json_decref(e->header);
    json_decref(e->payload);

    OPENSSL_cleanse(e->user_id, sizeof(e->user_id));

    e->header = NULL;
    e->payload = NULL;
    e->user_id_len = 0;
    e->user_id_keys = NULL;
    e->user_id_claim = NULL;
}


void
authgw_cache_destroy(authgw_cache_t *c)
{
    uint32_t  i;

    if (c == NULL) {
        return;
    }

    if (c->entries != NULL) {
        for (i = 0; i < c->size; i++) {
            authgw_cache_clear(&c->entries[i]);
        }
    }

    EVP_MD_CTX_free(c->mdctx);
    EVP_MD_free(c->sha256);
    free(c->entries);
    free(c->buckets);
    free(c);
}


int
authgw_cache_hash(authgw_cache_t *c, const unsigned char *token, size_t len,
    unsigned char *hash)
{
    /* the context is kept: no allocation per token */

    return EVP_DigestInit_ex2(c->mdctx, c->sha256, NULL) == 1
           && EVP_DigestUpdate(c->mdctx, token, len) == 1
           && EVP_DigestFinal_ex(c->mdctx, hash, NULL) == 1
           ? 0 : -1;
}


static uint32_t
authgw_cache_bucket(authgw_cache_t *c, const unsigned char *hash)
{
    uint32_t  h;

    memcpy(&h, hash, sizeof(h));

    return h & c->mask;
}


static void
authgw_cache_unlink(authgw_cache_t *c, uint32_t i)
{
    authgw_cache_entry_t  *e = &c->entries[i];

    if (e->prev != AUTHGW_CACHE_NONE) {
        c->entries[e->prev].next = e->next;

    } else {
        c->head = e->next;
    }

    if (e->next != AUTHGW_CACHE_NONE) {
        c->entries[e->next].prev = e->prev;

    } else {
        c->tail = e->prev;
    }
}


static void
authgw_cache_link_head(authgw_cache_t *c, uint32_t i)
{
    authgw_cache_entry_t  *e = &c->entries[i];

    e->prev = AUTHGW_CACHE_NONE;
    e->next = c->head;

    if (c->head != AUTHGW_CACHE_NONE) {
        c->entries[c->head].prev = i;
    }

    c->head = i;

    if (c->tail == AUTHGW_CACHE_NONE) {
        c->tail = i;
    }
}


static void
authgw_cache_unchain(authgw_cache_t *c, uint32_t i)
{
    uint32_t  *p;

    for (p = &c->buckets[authgw_cache_bucket(c, c->entries[i].hash)];
         *p != AUTHGW_CACHE_NONE;
         p = &c->entries[*p].chain)
    {
        if (*p == i) {
            *p = c->entries[i].chain;
            return;
        }
    }
}


/* the entry of this hash, now the most recently used; NULL if none */

authgw_cache_entry_t *
authgw_cache_get(authgw_cache_t *c, const unsigned char *hash)
{
    uint32_t  i;

    for (i = c->buckets[authgw_cache_bucket(c, hash)];
         i != AUTHGW_CACHE_NONE;
         i = c->entries[i].chain)
    {
        if (CRYPTO_memcmp(c->entries[i].hash, hash, 32) == 0) {
            authgw_cache_unlink(c, i);
            authgw_cache_link_head(c, i);
            c->stats.hits++;
            return &c->entries[i];
        }
    }

    c->stats.misses++;

    return NULL;
}


/*
 * Stores a verified token with its own copies of header and payload (theirs
 * may live in a request pool). When full, the least recently used entry
 * makes room. NULL: out of memory, nothing stored.
 */

authgw_cache_entry_t *
authgw_cache_put(authgw_cache_t *c, const unsigned char *hash,
    json_t *header, json_t *payload, authgw_alg_t alg,
    const authgw_key_t *key)
{
    json_t                *h, *p;
    uint32_t               i, b;
    authgw_cache_entry_t  *e;

    h = json_deep_copy(header);
    p = json_deep_copy(payload);

    if (h == NULL || p == NULL) {
        json_decref(h);
        json_decref(p);
        return NULL;
    }

    if (c->used < c->size) {
        i = c->used++;

    } else {
        i = c->tail;
        authgw_cache_unlink(c, i);
        authgw_cache_unchain(c, i);
        authgw_cache_clear(&c->entries[i]);
        c->stats.evictions++;
    }

    e = &c->entries[i];

    memcpy(e->hash, hash, 32);
    e->header = h;
    e->payload = p;
    e->alg = alg;
    e->key = key;

    b = authgw_cache_bucket(c, hash);
    e->chain = c->buckets[b];
    c->buckets[b] = i;

    authgw_cache_link_head(c, i);

    return e;
}


/* empties the cache (the keys changed): every entry goes, counters stay */

void
authgw_cache_flush(authgw_cache_t *c)
{
    uint32_t  i;

    for (i = 0; i < c->used; i++) {
        authgw_cache_clear(&c->entries[i]);
    }

    for (i = 0; i <= c->mask; i++) {
        c->buckets[i] = AUTHGW_CACHE_NONE;
    }

    c->used = 0;
    c->head = AUTHGW_CACHE_NONE;
    c->tail = AUTHGW_CACHE_NONE;
}


/* drops an entry (an expired token): it becomes the next to be reused */

void
authgw_cache_remove(authgw_cache_t *c, authgw_cache_entry_t *e)
{
    uint32_t  i;

    i = (uint32_t) (e - c->entries);

    authgw_cache_unchain(c, i);
    authgw_cache_clear(e);
    memset(e->hash, 0, sizeof(e->hash));

    /* keep it linked, as the least recently used, with no hash chain */

    authgw_cache_unlink(c, i);

    e->next = AUTHGW_CACHE_NONE;
    e->prev = c->tail;

    if (c->tail != AUTHGW_CACHE_NONE) {
        c->entries[c->tail].next = i;

    } else {
        c->head = i;
    }

    c->tail = i;
}


const authgw_cache_stats_t *
authgw_cache_stats(authgw_cache_t *c)
{
    return &c->stats;
}


/*
 * authgw_jws_verify() through the cache. A hit skips decoding, parsing and
 * the signature, and nothing else that a verification now would refuse:
 * the token's algorithm must still be allowed, and a token without kid
 * that fit several keys passes only where every key is tried. Only tokens
 * that verify are stored. *entry: the entry hit or stored, or NULL; with
 * no cache (c NULL) this is authgw_jws_verify(). As after it, the caller
 * calls authgw_jws_free() whatever the status: a refused token may leave
 * its header.
 */

authgw_status_t
authgw_cache_verify(authgw_cache_t *c, const unsigned char *token,
    size_t len, authgw_key_t *const *keys, size_t nkeys, unsigned algs,
    unsigned flags, const authgw_alloc_t *a, authgw_jws_t *jws,
    authgw_cache_entry_t **entry)
{
    authgw_status_t        status;
    authgw_cache_entry_t  *e;
    unsigned char          hash[32];

    *entry = NULL;

    if (c == NULL || len > AUTHGW_TOKEN_MAX
        || authgw_cache_hash(c, token, len, hash) != 0)
    {
        return authgw_jws_verify(token, len, keys, nkeys, algs, flags, a,
                                 jws);
    }

    e = authgw_cache_get(c, hash);

    if (e == NULL) {
        status = authgw_jws_verify(token, len, keys, nkeys, algs, flags, a,
                                   jws);
        jws->cache = AUTHGW_CACHE_MISS;

        if (status == AUTHGW_OK) {
            *entry = authgw_cache_put(c, hash, jws->header, jws->payload,
                                      jws->alg, jws->key);

            if (*entry != NULL) {
                (*entry)->candidates = jws->candidates;
            }
        }

        return status;
    }

    memset(jws, 0, sizeof(authgw_jws_t));
    jws->cache = AUTHGW_CACHE_HIT;

    if (!(algs & AUTHGW_ALG_BIT(e->alg))) {
        return AUTHGW_ALG_NOT_ALLOWED;
    }

    if (e->candidates > 1 && !(flags & AUTHGW_VERIFY_ALL_KEYS)) {
        return AUTHGW_UNKNOWN_KID;
    }

    /* the entry may be evicted while the caller still uses them */

    jws->header = json_incref(e->header);
    jws->payload = json_incref(e->payload);
    jws->alg = e->alg;
    jws->key = e->key;
    jws->candidates = e->candidates;

    *entry = e;

    return AUTHGW_OK;
}


/* the claim rules; a token found expired is dropped, never to hit again */

authgw_status_t
authgw_cache_claims_check(authgw_cache_t *c, authgw_cache_entry_t **entry,
    json_t *payload, const authgw_claims_policy_t *policy, int64_t now)
{
    authgw_status_t  status;

    status = authgw_claims_check(payload, policy, now);

    if (status == AUTHGW_EXPIRED && *entry != NULL) {
        authgw_cache_remove(c, *entry);
        *entry = NULL;
    }

    return status;
}
