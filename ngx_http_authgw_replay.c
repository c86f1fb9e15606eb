
/*
 * The DPoP replay cache (RFC 9449 11.1): the proofs every worker has
 * accepted, in shared memory, kept until no check could accept them again.
 * A slab pool and an rbtree, as ngx_http_limit_req_module keeps its
 * states; an entry is the SHA-256 of the proof key's thumbprint and the
 * proof's jti, so a jti is a replay at any URL and a method of the same
 * key, and one key's jti never blocks another key's.
 *
 * Entries are queued as they come and each lives as long as the longest
 * window and twice the longest skew of any location from then: what any
 * location accepts is always in the cache. A proof made before the zone
 * (a reload that changed its size, a binary upgrade) is refused: a zone
 * before it may have taken it. When the zone is full once the expired
 * entries are gone, a new proof is refused (never is an entry forgotten
 * early: that would let its proof be replayed).
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_authgw_module.h"


#define NGX_HTTP_AUTHGW_REPLAY_KEY  32

typedef struct {
    ngx_rbtree_node_t           node;         /* key: the digest's start */
    ngx_queue_t                 queue;
    time_t                      expires;
    u_char                      digest[NGX_HTTP_AUTHGW_REPLAY_KEY];
} ngx_http_authgw_replay_node_t;


typedef struct {
    ngx_rbtree_t                rbtree;
    ngx_rbtree_node_t           sentinel;
    ngx_queue_t                 queue;        /* the newest first */
    time_t                      since;        /* made then: a proof older
                                                 may be in a zone before it
                                                 (a restart, another size) */
    time_t                      ttl;          /* the entries' life */
    time_t                      full;         /* "full" was last logged */
    time_t                      swept;        /* the last whole walk */
} ngx_http_authgw_replay_sh_t;


typedef struct {
    ngx_http_authgw_replay_sh_t  *sh;
    ngx_slab_pool_t              *shpool;
    time_t                        ttl;        /* of this configuration */
    time_t                        skew;       /* the most a proof's iat may
                                                 be ahead, anywhere */
} ngx_http_authgw_replay_ctx_t;


static ngx_int_t ngx_http_authgw_replay_init(ngx_shm_zone_t *shm_zone,
    void *data);
static void ngx_http_authgw_replay_extend(ngx_http_authgw_replay_ctx_t *ctx);
static ngx_int_t ngx_http_authgw_replay_copy(ngx_shm_zone_t *shm_zone,
    ngx_http_authgw_replay_ctx_t *ctx);
static void ngx_http_authgw_replay_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel);
static void ngx_http_authgw_replay_expire(ngx_http_authgw_replay_ctx_t *ctx,
    time_t now, ngx_uint_t all);


static ngx_str_t  ngx_http_authgw_replay_name =
    ngx_string("authgw_dpop_replay");


/* the zone of an http block: one, whichever locations check proofs */

ngx_shm_zone_t *
ngx_http_authgw_replay_zone(ngx_conf_t *cf, size_t size)
{
    ngx_shm_zone_t                *zone;
    ngx_http_authgw_replay_ctx_t  *ctx;

    ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_authgw_replay_ctx_t));
    if (ctx == NULL) {
        return NULL;
    }

    zone = ngx_shared_memory_add(cf, &ngx_http_authgw_replay_name, size,
                                 &ngx_http_authgw_module);
    if (zone == NULL) {
        return NULL;
    }

    zone->init = ngx_http_authgw_replay_init;
    zone->data = ctx;

    return zone;
}


/* how long entries live, and the skew, once every location is merged */

void
ngx_http_authgw_replay_conf(ngx_shm_zone_t *zone, time_t ttl, time_t skew)
{
    ngx_http_authgw_replay_ctx_t  *ctx = zone->data;

    ctx->ttl = ttl;
    ctx->skew = skew;
}


/* a reload keeps the proofs seen: the old zone's tree goes on */

static ngx_int_t
ngx_http_authgw_replay_init(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_authgw_replay_ctx_t  *octx = data;

    size_t                         len;
    ngx_http_authgw_replay_ctx_t  *ctx;

    ctx = shm_zone->data;

    if (octx != NULL) {
        ctx->sh = octx->sh;
        ctx->shpool = octx->shpool;
        ngx_http_authgw_replay_extend(ctx);
        return NGX_OK;
    }

    ctx->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        ctx->sh = ctx->shpool->data;
        return NGX_OK;
    }

    ctx->sh = ngx_slab_calloc(ctx->shpool,
                              sizeof(ngx_http_authgw_replay_sh_t));
    if (ctx->sh == NULL) {
        return NGX_ERROR;
    }

    ctx->shpool->data = ctx->sh;

    ctx->sh->ttl = ctx->ttl;

    ngx_rbtree_init(&ctx->sh->rbtree, &ctx->sh->sentinel,
                    ngx_http_authgw_replay_insert);
    ngx_queue_init(&ctx->sh->queue);

    /*
     * A zone made at a reload that changed its size takes the old zone's
     * entries (still mapped: the old cycle is freed after this). After a
     * binary upgrade, or when they do not fit, the proofs made before it,
     * and up to the skew after, are refused: a zone before it may have
     * taken them (a client makes a new one). At nginx's start there is no
     * zone before (ngx_cycle is still the bare cycle of main()); a stop
     * and a start forget them (docs/sender-constrained.md).
     */

    if ((ngx_cycle->conf_ctx != NULL || ngx_inherited)
        && ngx_http_authgw_replay_copy(shm_zone, ctx) == NGX_DECLINED)
    {
        ctx->sh->since = ngx_time() + ctx->skew + 1;
    }

    len = sizeof(" in authgw zone \"\"") + shm_zone->shm.name.len;

    ctx->shpool->log_ctx = ngx_slab_alloc(ctx->shpool, len);
    if (ctx->shpool->log_ctx == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(ctx->shpool->log_ctx, " in authgw zone \"%V\"%Z",
                &shm_zone->shm.name);

    /* a full zone is this module's to report, once a second */
    ctx->shpool->log_nomem = 0;

    return NGX_OK;
}


/*
 * The entries of the zone of the same name in the running configuration,
 * oldest first, while its workers go on (under its lock); NGX_DONE: it has
 * none (DPoP was off), NGX_DECLINED: a binary upgrade (the old zone is
 * another process's), or they do not all fit
 */

static ngx_int_t
ngx_http_authgw_replay_copy(ngx_shm_zone_t *shm_zone,
    ngx_http_authgw_replay_ctx_t *ctx)
{
    time_t                          now;
    ngx_int_t                       rc;
    ngx_uint_t                      i;
    ngx_queue_t                    *q;
    ngx_list_part_t                *part;
    ngx_shm_zone_t                 *oz;
    ngx_http_authgw_replay_ctx_t   *octx;
    ngx_http_authgw_replay_node_t  *n, *o;

    if (ngx_cycle->conf_ctx == NULL) {
        return NGX_DECLINED;
    }

    part = (ngx_list_part_t *) &ngx_cycle->shared_memory.part;
    oz = part->elts;
    octx = NULL;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            oz = part->elts;
            i = 0;
        }

        if (oz[i].tag == shm_zone->tag && oz[i].init == shm_zone->init
            && oz[i].shm.name.len == shm_zone->shm.name.len
            && ngx_strncmp(oz[i].shm.name.data, shm_zone->shm.name.data,
                           shm_zone->shm.name.len)
               == 0)
        {
            octx = oz[i].data;
            break;
        }
    }

    if (octx == NULL || octx->sh == NULL) {
        return NGX_DONE;
    }

    now = ngx_time();
    rc = NGX_OK;

    ngx_shmtx_lock(&octx->shpool->mutex);

    for (q = ngx_queue_last(&octx->sh->queue);
         q != ngx_queue_sentinel(&octx->sh->queue);
         q = ngx_queue_prev(q))
    {
        o = ngx_queue_data(q, ngx_http_authgw_replay_node_t, queue);

        if (o->expires <= now) {
            continue;
        }

        n = ngx_slab_alloc(ctx->shpool, sizeof(ngx_http_authgw_replay_node_t));
        if (n == NULL) {
            rc = NGX_DECLINED;
            break;
        }

        n->node.key = o->node.key;
        n->expires = o->expires + ngx_max(ctx->ttl - octx->sh->ttl, 0);
        ngx_memcpy(n->digest, o->digest, NGX_HTTP_AUTHGW_REPLAY_KEY);

        ngx_rbtree_insert(&ctx->sh->rbtree, &n->node);
        ngx_queue_insert_head(&ctx->sh->queue, &n->queue);
    }

    ngx_shmtx_unlock(&octx->shpool->mutex);

    return rc;
}


/*
 * A reload whose locations take proofs longer: every entry lives that much
 * longer too (each by the same time, so the queue stays in order), or a
 * proof entered under the shorter life could be taken again. In the
 * master, before any worker of the new configuration.
 */

static void
ngx_http_authgw_replay_extend(ngx_http_authgw_replay_ctx_t *ctx)
{
    time_t                          more;
    ngx_queue_t                    *q;
    ngx_http_authgw_replay_node_t  *n;

    if (ctx->ttl <= ctx->sh->ttl) {
        return;
    }

    more = ctx->ttl - ctx->sh->ttl;

    ngx_shmtx_lock(&ctx->shpool->mutex);

    for (q = ngx_queue_head(&ctx->sh->queue);
         q != ngx_queue_sentinel(&ctx->sh->queue);
         q = ngx_queue_next(q))
    {
        n = ngx_queue_data(q, ngx_http_authgw_replay_node_t, queue);
        n->expires += more;
    }

    ctx->sh->ttl = ctx->ttl;

    ngx_shmtx_unlock(&ctx->shpool->mutex);
}


static void
ngx_http_authgw_replay_insert(ngx_rbtree_node_t *temp,
    ngx_rbtree_node_t *node, ngx_rbtree_node_t *sentinel)
{
    ngx_rbtree_node_t              **p;
    ngx_http_authgw_replay_node_t   *n, *t;

    for ( ;; ) {

        if (node->key < temp->key) {
            p = &temp->left;

        } else if (node->key > temp->key) {
            p = &temp->right;

        } else {
            n = (ngx_http_authgw_replay_node_t *) node;
            t = (ngx_http_authgw_replay_node_t *) temp;

            p = ngx_memcmp(n->digest, t->digest, NGX_HTTP_AUTHGW_REPLAY_KEY)
                < 0 ? &temp->left : &temp->right;
        }

        if (*p == sentinel) {
            break;
        }

        temp = *p;
    }

    *p = node;
    node->parent = temp;
    node->left = sentinel;
    node->right = sentinel;
    ngx_rbt_red(node);
}


/*
 * NGX_OK: the proof is new (and, with expires, now entered until then);
 * NGX_DECLINED: seen before; NGX_ABORT: made before the zone was (iat,
 * with the skew a proof may have), so possibly accepted by a zone before
 * it: a client makes a new one; NGX_BUSY: no room, even after the expired
 * entries went
 */

ngx_int_t
ngx_http_authgw_replay_add(ngx_shm_zone_t *zone, u_char *key, time_t iat,
    time_t expires, ngx_log_t *log)
{
    time_t                          now;
    ngx_int_t                       rc;
    ngx_rbtree_key_t                hash;
    ngx_rbtree_node_t              *node, *sentinel;
    ngx_http_authgw_replay_ctx_t   *ctx;
    ngx_http_authgw_replay_node_t  *n;

    ctx = zone->data;
    now = ngx_time();

    ngx_memcpy(&hash, key, sizeof(ngx_rbtree_key_t));

    ngx_shmtx_lock(&ctx->shpool->mutex);

    if (iat < ctx->sh->since) {
        ngx_shmtx_unlock(&ctx->shpool->mutex);
        return NGX_ABORT;
    }

    ngx_http_authgw_replay_expire(ctx, now, 0);

    node = ctx->sh->rbtree.root;
    sentinel = ctx->sh->rbtree.sentinel;

    while (node != sentinel) {

        if (hash != node->key) {
            node = (hash < node->key) ? node->left : node->right;
            continue;
        }

        n = (ngx_http_authgw_replay_node_t *) node;
        rc = ngx_memcmp(key, n->digest, NGX_HTTP_AUTHGW_REPLAY_KEY);

        if (rc == 0) {
            /* an expired entry not yet swept is seen all the same */

            ngx_shmtx_unlock(&ctx->shpool->mutex);
            return NGX_DECLINED;
        }

        node = (rc < 0) ? node->left : node->right;
    }

    if (expires == 0) {
        ngx_shmtx_unlock(&ctx->shpool->mutex);
        return NGX_OK;
    }

    n = ngx_slab_alloc_locked(ctx->shpool,
                              sizeof(ngx_http_authgw_replay_node_t));

    if (n == NULL && ctx->sh->swept != now) {
        /*
         * the expired entries behind a longer-lived one go too; a walk of
         * the whole zone, so once a second at most
         */
        ctx->sh->swept = now;
        ngx_http_authgw_replay_expire(ctx, now, 1);
        n = ngx_slab_alloc_locked(ctx->shpool,
                                  sizeof(ngx_http_authgw_replay_node_t));
    }

    if (n == NULL) {
        if (ctx->sh->full != now) {
            ctx->sh->full = now;
            ngx_log_error(NGX_LOG_ERR, log, 0,
                          "authgw: the DPoP replay zone is full: proofs are "
                          "refused until entries expire; give "
                          "authgw_dpop_replay_zone more room");
        }

        ngx_shmtx_unlock(&ctx->shpool->mutex);
        return NGX_BUSY;
    }

    n->node.key = hash;
    n->expires = expires;
    ngx_memcpy(n->digest, key, NGX_HTTP_AUTHGW_REPLAY_KEY);

    ngx_rbtree_insert(&ctx->sh->rbtree, &n->node);
    ngx_queue_insert_head(&ctx->sh->queue, &n->queue);

    ngx_shmtx_unlock(&ctx->shpool->mutex);

    return NGX_OK;
}


/*
 * The oldest entries first (every entry lives as long, so they expire in
 * that order); all: the whole queue, in case the clock went back
 */

static void
ngx_http_authgw_replay_expire(ngx_http_authgw_replay_ctx_t *ctx, time_t now,
    ngx_uint_t all)
{
    ngx_queue_t                    *q, *prev;
    ngx_http_authgw_replay_node_t  *n;

    for (q = ngx_queue_last(&ctx->sh->queue);
         q != ngx_queue_sentinel(&ctx->sh->queue);
         q = prev)
    {
        prev = ngx_queue_prev(q);
        n = ngx_queue_data(q, ngx_http_authgw_replay_node_t, queue);

        if (n->expires > now) {
            if (all) {
                continue;
            }

            return;
        }

        ngx_queue_remove(q);
        ngx_rbtree_delete(&ctx->sh->rbtree, &n->node);
        ngx_slab_free_locked(ctx->shpool, n);
    }
}
