
/*
 * Keys from the identity provider (authgw_key_request): the fetch through
 * an in-memory subrequest, the requests that wait on it, what it installs.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_authgw_module.h"


static void ngx_http_authgw_free_remote(void *data);
static ngx_http_authgw_fetch_t *ngx_http_authgw_fetch_of(
    ngx_http_request_t *r);
static ngx_int_t ngx_http_authgw_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_authgw_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static ngx_int_t ngx_http_authgw_fetch_take(ngx_http_request_t *r,
    ngx_http_authgw_fetch_t *f, ngx_buf_t *b);
static ngx_int_t ngx_http_authgw_fetch_stop(ngx_http_request_t *r,
    ngx_http_authgw_fetch_t *f);
static ngx_int_t ngx_http_authgw_remote_defer(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_http_authgw_ctx_t *ctx);
static void ngx_http_authgw_remote_due(ngx_event_t *ev);
static void ngx_http_authgw_wake_all(ngx_http_authgw_remote_t *rm);
static void ngx_http_authgw_unlink(ngx_http_authgw_waiter_t *w);
static ngx_int_t ngx_http_authgw_remote_wait(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_http_authgw_ctx_t *ctx);
static void ngx_http_authgw_waiter_cleanup(void *data);
static void ngx_http_authgw_wake(ngx_event_t *ev);
static ngx_uint_t ngx_http_authgw_fetch_meta(ngx_http_authgw_remote_t *rm,
    ngx_uint_t background);
static ngx_int_t ngx_http_authgw_remote_fetch(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_http_authgw_ctx_t *ctx,
    ngx_uint_t refetch);
static ngx_int_t ngx_http_authgw_fetch_request(ngx_http_request_t *r,
    ngx_http_request_t *sr);
static ngx_int_t ngx_http_authgw_fetch_done(ngx_http_request_t *r,
    void *data, ngx_int_t rc);
static void ngx_http_authgw_fetch_cleanup(void *data);
static void ngx_http_authgw_fetch_aborted(ngx_http_authgw_fetch_t *f,
    ngx_log_t *log);
static void ngx_http_authgw_fetch_finish(ngx_http_authgw_remote_t *rm,
    ngx_uint_t result, u_char *cause, ngx_log_t *log);
static ngx_uint_t ngx_http_authgw_fetch_result(ngx_http_request_t *sr,
    ngx_http_authgw_fetch_t *f, ngx_int_t rc, u_char *cause);
static ngx_uint_t ngx_http_authgw_fetch_answer(ngx_http_request_t *sr,
    ngx_http_authgw_fetch_t *f, ngx_int_t rc, u_char *cause);
static ngx_uint_t ngx_http_authgw_meta_result(ngx_http_request_t *sr,
    ngx_http_authgw_fetch_t *f, u_char *cause);
static ngx_http_authgw_source_stats_t *ngx_http_authgw_fetch_count(
    ngx_http_authgw_remote_t *rm, ngx_uint_t meta, ngx_uint_t result,
    time_t now);
static void ngx_http_authgw_meta_finish(ngx_http_authgw_remote_t *rm,
    ngx_uint_t result, u_char *cause, ngx_log_t *log);
static ngx_uint_t ngx_http_authgw_fetch_failed(ngx_http_request_t *sr,
    ngx_int_t rc, u_char *cause);
static void ngx_http_authgw_cause(u_char *cause, const char *fmt, ...);
static ngx_uint_t ngx_http_authgw_from_cache(ngx_http_request_t *sr);
static time_t ngx_http_authgw_max_age(ngx_http_request_t *sr);
static ngx_int_t ngx_http_authgw_remote_install(ngx_http_authgw_remote_t *rm,
    authgw_key_t **keys, size_t n, ngx_log_t *log);
static void ngx_http_authgw_remote_drop(ngx_http_authgw_remote_t *rm);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


/*
 * The fetched keys of a set, for a request whose token was just checked
 * with the keys at hand (status). A token that needs keys we do not have
 * (no fetched keys, or an unknown kid) waits for a fetch: the one in
 * flight, or one it starts. An unknown kid that comes within
 * authgw_key_refresh of the last fetch is one the provider may have just
 * added and signed with at once: it waits for the next permitted fetch (at
 * most that interval), shared with every other such request. A request
 * makes at most one fetch for an unknown kid and waits at most
 * NGX_HTTP_AUTHGW_WAITS_MAX times. Keys past authgw_key_cache are
 * refreshed in the background while this request goes on with them. Never
 * two fetches within authgw_key_refresh in a worker, never two at a time.
 * NGX_DECLINED: go on with the status as it is; NGX_AGAIN: wait.
 */

ngx_int_t
ngx_http_authgw_remote_keys(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_http_authgw_ctx_t *ctx)
{
    ngx_uint_t  may;

    /*
     * the phases run again while this request waits (a write event on its
     * connection, as nginx's auth_request sees too): it goes on waiting.
     * Woken, it drops the wake-up still posted, which would run them again
     */

    if (ctx->waiter != NULL) {
        if (ctx->waiter->linked) {
            return NGX_AGAIN;
        }

        if (ctx->waiter->wake.posted) {
            ngx_delete_posted_event(&ctx->waiter->wake);
        }

        ctx->waiter = NULL;
    }

    if (ctx->fetch != NULL) {
        if (!ctx->fetch->done) {
            return NGX_AGAIN;
        }

        ctx->fetch = NULL;
    }

    may = !rm->fetching
          && (!rm->tried
              || (ngx_msec_int_t) (ngx_current_msec - rm->attempted)
                 >= (ngx_msec_int_t) rm->refresh * 1000);

    /*
     * back from a fetch: its answer, unless a cache gave it or it ended
     * with its client, is the provider's word on this token's kid
     */

    if (ctx->awaiting) {
        ctx->awaiting = 0;

        if (!rm->from_cache && !rm->aborted && !rm->meta_last) {
            ctx->refetched = 1;
        }
    }

    /*
     * the provider's own answer lacks the kid: a provider that moved its
     * keys names their new place in its metadata, due now
     */

    if (ctx->refetched && ctx->status == AUTHGW_UNKNOWN_KID
        && rm->jwks_uri.len && rm->meta_expires > ngx_time())
    {
        rm->meta_expires = ngx_time();
    }

    if ((ctx->status == AUTHGW_KEYS_UNAVAILABLE
         || ctx->status == AUTHGW_UNKNOWN_KID)
        && !ctx->refetched
        && ctx->waits < NGX_HTTP_AUTHGW_WAITS_MAX
                        + (ngx_uint_t) (rm->provider != NULL
                                        && rm->provider->discovery.len))
    {
        if (rm->fetching) {
            ctx->waits++;
            ctx->awaiting = 1;
            return ngx_http_authgw_remote_wait(r, rm, ctx);
        }

        /*
         * for a kid that the keys in use lack, the provider's own answer
         * ($authgw_key_refetch passes a cache); a first fetch may come
         * from a cache
         */

        if (may) {
            ctx->waits++;
            ctx->awaiting = 1;
            return ngx_http_authgw_remote_fetch(r, rm, ctx,
                                                ctx->status
                                                == AUTHGW_UNKNOWN_KID);
        }

        /*
         * a kid the provider may have added since the last fetch waits
         * for the next one, and so does any token when the last fetch
         * ended with its client (no answer); no keys at all after an
         * answer is a provider that failed: answered now, Retry-After
         */

        /*
         * (a request deferred already may be again when the fetch it
         * woke for was of the provider's metadata: that fetch said
         * nothing of its kid)
         */

        if ((ctx->status == AUTHGW_UNKNOWN_KID || rm->aborted
             || (rm->meta_last && rm->jwks_uri.len))
            && (!ctx->deferred || rm->meta_last))
        {
            ctx->deferred = 1;
            ctx->waits++;
            return ngx_http_authgw_remote_defer(r, rm, ctx);
        }

        return NGX_DECLINED;
    }

    if (may
        && ((rm->fetched && ngx_time() >= rm->expires)
            || (rm->jwks_uri.len && ngx_time() >= rm->meta_expires)))
    {
        if (ngx_http_authgw_remote_fetch(r, rm, NULL, 0) == NGX_ERROR) {
            return NGX_ERROR;
        }
    }

    return NGX_DECLINED;
}


/* fetched keys past authgw_key_max_stale are no longer trusted */

void
ngx_http_authgw_remote_expire(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm)
{
    if (rm->fetched && ngx_time() - rm->fetched > rm->max_stale) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "authgw: keys from \"%V\" are older than "
                      "authgw_key_max_stale, no longer used%V", &rm->uri,
                      ngx_http_authgw_suffix(rm));
        ngx_http_authgw_remote_drop(rm);
    }
}


/* waits until the next fetch is permitted: one timer for all who wait */

static ngx_int_t
ngx_http_authgw_remote_defer(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_http_authgw_ctx_t *ctx)
{
    ngx_msec_int_t  left;

    /*
     * the kid comes before any signature: a flood of made-up kids gets a
     * bounded queue, then the answer at once, as before there was one
     */

    if (rm->deferred >= NGX_HTTP_AUTHGW_DEFERRED_MAX) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "authgw: unknown kid, %ui waiting already",
                       rm->deferred);
        return NGX_DECLINED;
    }

    if (!rm->due.timer_set) {
        left = (ngx_msec_int_t) rm->refresh * 1000
               - (ngx_msec_int_t) (ngx_current_msec - rm->attempted);

        rm->due.handler = ngx_http_authgw_remote_due;
        rm->due.data = rm;
        rm->due.log = ngx_cycle->log;

        ngx_add_timer(&rm->due, (ngx_msec_t) ngx_max(left, 1));
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "authgw: unknown kid, waiting for the next fetch "
                   "from \"%V\"", &rm->uri);

    if (ngx_http_authgw_remote_wait(r, rm, ctx) != NGX_AGAIN) {
        return NGX_ERROR;
    }

    ctx->waiter->deferred = 1;
    rm->deferred++;

    return NGX_AGAIN;
}


/*
 * The next fetch is permitted: those who wait for it run again, and the
 * first starts it. A fetch in flight wakes them itself when it ends.
 */

static void
ngx_http_authgw_remote_due(ngx_event_t *ev)
{
    ngx_http_authgw_remote_t  *rm = ev->data;

    if (!rm->fetching) {
        ngx_http_authgw_wake_all(rm);
    }
}


static void
ngx_http_authgw_wake_all(ngx_http_authgw_remote_t *rm)
{
    ngx_queue_t               *q;
    ngx_http_authgw_waiter_t  *w;

    if (rm->due.timer_set) {
        ngx_del_timer(&rm->due);
    }

    while (!ngx_queue_empty(&rm->waiters)) {
        q = ngx_queue_head(&rm->waiters);
        ngx_queue_remove(q);

        w = ngx_queue_data(q, ngx_http_authgw_waiter_t, queue);
        ngx_http_authgw_unlink(w);

        ngx_post_event(&w->wake, &ngx_posted_events);
    }
}


static void
ngx_http_authgw_unlink(ngx_http_authgw_waiter_t *w)
{
    w->linked = 0;

    if (w->deferred) {
        w->deferred = 0;
        w->remote->deferred--;
    }
}


static ngx_int_t
ngx_http_authgw_remote_wait(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_http_authgw_ctx_t *ctx)
{
    ngx_pool_cleanup_t        *cln;
    ngx_http_authgw_waiter_t  *w;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_authgw_waiter_t));
    if (cln == NULL) {
        return NGX_ERROR;
    }

    w = cln->data;
    ngx_memzero(w, sizeof(ngx_http_authgw_waiter_t));
    w->request = r;
    w->remote = rm;
    w->wake.handler = ngx_http_authgw_wake;
    w->wake.data = w;
    w->wake.log = r->connection->log;
    w->linked = 1;
    ngx_queue_insert_tail(&rm->waiters, &w->queue);

    ctx->waiter = w;

    cln->handler = ngx_http_authgw_waiter_cleanup;

    /*
     * as limit_req's delay: a client that goes away ends the request (and
     * leaves the queue); a write event runs no phase
     */

    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_http_request_empty_handler;

    /*
     * a client that closed before its request was read has reported it
     * already, with the request's bytes: look once now
     */

    ngx_post_event(r->connection->read, &ngx_posted_events);

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "authgw: waiting for the keys from \"%V\"", &rm->uri);

    return NGX_AGAIN;
}


static void
ngx_http_authgw_waiter_cleanup(void *data)
{
    ngx_http_authgw_waiter_t  *w = data;

    if (w->linked) {
        ngx_queue_remove(&w->queue);
        ngx_http_authgw_unlink(w);

        /* nobody waits for the next fetch any more */

        if (ngx_queue_empty(&w->remote->waiters)
            && w->remote->due.timer_set)
        {
            ngx_del_timer(&w->remote->due);
        }
    }

    if (w->wake.posted) {
        ngx_delete_posted_event(&w->wake);
    }
}


/* the fetch is over: the waiting request runs its phases again */

static void
ngx_http_authgw_wake(ngx_event_t *ev)
{
    ngx_http_authgw_waiter_t  *w = ev->data;

    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = w->request;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    r->read_event_handler = ngx_http_block_reading;
    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);

    ngx_http_run_posted_requests(c);
}


/*
 * $authgw_key_refetch: "1" in a key fetch made for a token whose kid the
 * keys in use do not have, empty in any other (the first, a refresh, or
 * no fetch at all): "proxy_cache_bypass $authgw_key_refetch;" lets a
 * cached key set serve the refreshes and a new key come from the provider
 */

ngx_int_t
ngx_http_authgw_key_refetch_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_fetch_t  *f;

    f = ngx_http_authgw_fetch_of(r);

    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->escape = 0;

    if (f != NULL && f->refetch) {
        v->len = 1;
        v->data = (u_char *) "1";

    } else {
        v->len = 0;
        v->data = (u_char *) "";
    }

    return NGX_OK;
}


/*
 * A key or metadata fetch is the gateway's own request: it shares the
 * client's request pool, but none of the module's results (the client's
 * claims, its owned headers) go with it.
 */

ngx_uint_t
ngx_http_authgw_is_fetch(ngx_http_request_t *r)
{
    for ( /* void */ ; r != r->main; r = r->parent) {
        if (ngx_http_authgw_fetch_of(r) != NULL) {
            return 1;
        }
    }

    return 0;
}


/* the fetch that a subrequest is, or NULL */

static ngx_http_authgw_fetch_t *
ngx_http_authgw_fetch_of(ngx_http_request_t *r)
{
    if (r != r->main && r->post_subrequest != NULL
        && r->post_subrequest->handler == ngx_http_authgw_fetch_done)
    {
        return r->post_subrequest->data;
    }

    return NULL;
}


/*
 * A fetch's answer is this module's own: its body is taken here, first of
 * the body filters, up to authgw_key_request_max_size (a declared length
 * over it is refused before the body), and none of it goes further. Not
 * an in-memory subrequest: nginx would fail the client's connection for
 * an answer larger than subrequest_output_buffer_size.
 */

static ngx_int_t
ngx_http_authgw_header_filter(ngx_http_request_t *r)
{
    off_t                     len;
    ngx_http_authgw_fetch_t  *f;

    f = ngx_http_authgw_fetch_of(r);
    if (f == NULL || f->done) {
        return ngx_http_next_header_filter(r);
    }

    /* a second header (an error page after a failure) starts over */

    len = r->headers_out.content_length_n;
    f->declared = len;
    f->body = NULL;
    f->len = 0;
    f->size = 0;

    if (len > (off_t) f->remote->max_size) {

        /* no body read: not even into the cache */

        f->too_big = 1;
        r->header_only = 1;

        if (r->upstream != NULL) {
            r->upstream->cacheable = 0;
        }

    } else if (len > 0) {
        f->body = ngx_pnalloc(r->pool, (size_t) len);
        if (f->body == NULL) {
            return NGX_ERROR;
        }

        f->size = (size_t) len;
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_authgw_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t              *cl;
    ngx_http_authgw_fetch_t  *f;

    f = ngx_http_authgw_fetch_of(r);
    if (f == NULL || f->done) {
        return ngx_http_next_body_filter(r, in);
    }

    for (cl = in; cl; cl = cl->next) {
        if (ngx_http_authgw_fetch_take(r, f, cl->buf) != NGX_OK) {
            return NGX_ERROR;
        }

        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;

        if (f->too_big) {
            return ngx_http_authgw_fetch_stop(r, f);
        }
    }

    return NGX_OK;
}


/*
 * An answer past the limit ends the fetch here, however long its sender
 * would go on: the error stops whatever produces it (the proxy, a file, a
 * cached answer; not kept in the cache either), and nginx takes an output
 * error for a failed connection, which fetch_done gives back: the client
 * sent nothing wrong.
 */

static ngx_int_t
ngx_http_authgw_fetch_stop(ngx_http_request_t *r, ngx_http_authgw_fetch_t *f)
{
    f->stopped = 1;
    f->connection_error = r->connection->error;

    if (r->upstream != NULL) {
        r->upstream->cacheable = 0;
    }

    return NGX_ERROR;
}


/* a buffer of the answer, in memory or in a file (a cached answer) */

static ngx_int_t
ngx_http_authgw_fetch_take(ngx_http_request_t *r, ngx_http_authgw_fetch_t *f,
    ngx_buf_t *b)
{
    off_t     size;
    u_char   *p;
    ssize_t   n;

    if (ngx_buf_in_memory(b)) {
        size = b->last - b->pos;

    } else if (b->in_file) {
        size = b->file_last - b->file_pos;

    } else {
        return NGX_OK;
    }

    if (size <= 0) {
        return NGX_OK;
    }

    if (size > (off_t) (f->remote->max_size - f->len)) {
        f->too_big = 1;
        return NGX_OK;
    }

    if ((size_t) size > f->size - f->len) {

        /* no Content-Length, or more than it said: grow, twice as large */

        f->size = ngx_min(ngx_max(2 * f->size, f->len + (size_t) size),
                          f->remote->max_size);
        f->size = ngx_max(f->size, 4096);

        p = ngx_pnalloc(r->pool, f->size);
        if (p == NULL) {
            return NGX_ERROR;
        }

        if (f->len) {
            ngx_memcpy(p, f->body, f->len);
        }

        if (f->body != NULL) {
            ngx_pfree(r->pool, f->body);
        }

        f->body = p;
    }

    if (ngx_buf_in_memory(b)) {
        ngx_memcpy(f->body + f->len, b->pos, (size_t) size);

    } else {
        n = ngx_read_file(b->file, f->body + f->len, (size_t) size,
                          b->file_pos);

        if (n != (ssize_t) size) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "authgw: keys from \"%V\": a cached answer could "
                          "not be read from \"%V\"", &f->remote->uri,
                          &b->file->name);
            return NGX_ERROR;
        }
    }

    f->len += (size_t) size;

    return NGX_OK;
}


/*
 * With discovery, whether a fetch is of the provider's metadata: when
 * there are none; in the background, when only they are due; when the
 * keys are wanted too (due, or a request waits for a kid), after a key
 * fetch that failed (the keys may have moved) or, in the background,
 * after a good one: the two take turns, so that neither a failing key
 * source, one that lacks the kids of a moved provider, nor failing
 * metadata hold back the other. A background fetch while requests wait
 * for the next fetch is of keys.
 */

static ngx_uint_t
ngx_http_authgw_fetch_meta(ngx_http_authgw_remote_t *rm,
    ngx_uint_t background)
{
    ngx_uint_t  keys_due;

    if (rm->provider == NULL || rm->provider->discovery.len == 0) {
        return 0;
    }

    if (rm->jwks_uri.len == 0) {
        return 1;
    }

    if (ngx_time() < rm->meta_expires) {
        return 0;
    }

    keys_due = rm->fetched && ngx_time() >= rm->expires;

    if (background && !rm->deferred && !keys_due) {
        return 1;
    }

    if (rm->meta_last) {
        return 0;
    }

    if (rm->key_failed) {
        return 1;
    }

    return !(background && rm->deferred);
}


/*
 * Without a ctx, in the background: the request goes on without waiting
 * for the answer. With it, the request waits (NGX_AGAIN).
 */

static ngx_int_t
ngx_http_authgw_remote_fetch(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_http_authgw_ctx_t *ctx,
    ngx_uint_t refetch)
{
    ngx_str_t                   *uri, *url;
    ngx_uint_t                   background, meta;
    ngx_http_request_t          *sr;
    ngx_pool_cleanup_t          *cln;
    ngx_http_authgw_fetch_t     *f;
    ngx_http_post_subrequest_t  *ps;

    background = (ctx == NULL);
    meta = ngx_http_authgw_fetch_meta(rm, background);

    uri = meta ? &rm->provider->discovery : &rm->uri;
    url = meta ? &rm->provider->discovery_url : &rm->jwks_uri;

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_ERROR;
    }

    /* if this request goes before its subrequest ends, the fetch ends */

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_authgw_fetch_t));
    if (cln == NULL) {
        return NGX_ERROR;
    }

    f = cln->data;
    ngx_memzero(f, sizeof(ngx_http_authgw_fetch_t));
    f->remote = rm;
    f->done = 1;
    f->declared = -1;
    f->refetch = meta ? (rm->key_failed || !background) : refetch;
    f->meta = meta;
    cln->handler = ngx_http_authgw_fetch_cleanup;

    /* the request's own copy: a newer jwks_uri may replace the remote's */

    if (url->len) {
        f->url.data = ngx_pstrdup(r->pool, url);
        if (f->url.data == NULL) {
            return NGX_ERROR;
        }

        f->url.len = url->len;
    }

    ps->handler = ngx_http_authgw_fetch_done;
    ps->data = f;

    if (ngx_http_subrequest(r, uri, NULL, &sr, ps,
                            background ? NGX_HTTP_SUBREQUEST_BACKGROUND
                                       : NGX_HTTP_SUBREQUEST_WAITED)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_authgw_fetch_request(r, sr) != NGX_OK) {
        return NGX_ERROR;
    }

    f->done = 0;

    if (ctx != NULL) {
        ctx->fetch = f;
    }

    rm->fetching = 1;
    rm->attempted = ngx_current_msec;
    rm->tried = 1;

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "authgw: fetching %s from \"%V\"%s",
                   meta ? "metadata" : "keys", uri,
                   background ? " in the background" : "");

    return background ? NGX_OK : NGX_AGAIN;
}


/*
 * The fetch is the gateway's own request: none of the client's headers
 * (its token, cookies, Range, If-None-Match, Accept-Encoding), body or
 * cached variables go with it, so nothing the client sent decides how it
 * ends.
 */

static ngx_int_t
ngx_http_authgw_fetch_request(ngx_http_request_t *r, ngx_http_request_t *sr)
{
    ngx_http_core_main_conf_t  *cmcf;

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 1,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

#if (nginx_version < 1023000)
    if (ngx_array_init(&sr->headers_in.cookies, r->pool, 1,
                       sizeof(ngx_table_elt_t *))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

#if (NGX_HTTP_X_FORWARDED_FOR)
    if (ngx_array_init(&sr->headers_in.x_forwarded_for, r->pool, 1,
                       sizeof(ngx_table_elt_t *))
        != NGX_OK)
    {
        return NGX_ERROR;
    }
#endif
#endif

    sr->headers_in.content_length_n = -1;
    sr->headers_in.keep_alive_n = -1;

    /* $request_uri and $request: the fetch's own, not the client's */

    sr->unparsed_uri = sr->uri;
    sr->request_line.len = sizeof("GET  HTTP/1.0") - 1 + sr->uri.len;
    sr->request_line.data = ngx_pnalloc(r->pool, sr->request_line.len);
    if (sr->request_line.data == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(sr->request_line.data, "GET %V HTTP/1.0", &sr->uri);

    /* as auth_request does: an empty body, never the client's */

    sr->request_body = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));
    if (sr->request_body == NULL) {
        return NGX_ERROR;
    }

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    sr->variables = ngx_pcalloc(r->pool, cmcf->variables.nelts
                                         * sizeof(ngx_http_variable_value_t));
    if (sr->variables == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_authgw_fetch_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_authgw_fetch_t  *f = data;

    u_char      cause[NGX_HTTP_AUTHGW_CAUSE_MAX];
    ngx_uint_t  result;

    if (f->done || rc == NGX_AGAIN) {
        return rc;
    }

    f->done = 1;

    /*
     * a client that goes away ends the fetch it started (unless the fetch
     * location has proxy_ignore_client_abort on): that decides nothing
     * about the keys and is not logged, but it was a fetch of the
     * interval, or clients that leave could fetch without a bound
     */

    if (rc == NGX_HTTP_CLIENT_CLOSED_REQUEST) {
        ngx_http_authgw_fetch_aborted(f, r->connection->log);
        return rc;
    }

    if (f->stopped && !f->connection_error) {
        r->connection->error = 0;
    }

    result = ngx_http_authgw_fetch_result(r, f, rc, cause);

    if (f->meta) {
        ngx_http_authgw_meta_finish(f->remote, result, cause,
                                    r->connection->log);

    } else {
        ngx_http_authgw_fetch_finish(f->remote, result, cause,
                                     r->connection->log);
    }

    /*
     * the answer was this module's alone, and none of it went to the
     * client: a failed fetch (a timeout, an error status, an answer too
     * large or cut short) does not end the request that made it, unless
     * the client's own connection failed
     */

    if ((rc >= NGX_HTTP_SPECIAL_RESPONSE || rc == NGX_ERROR)
        && !r->connection->error)
    {
        return NGX_OK;
    }

    return rc;
}


static void
ngx_http_authgw_fetch_cleanup(void *data)
{
    ngx_http_authgw_fetch_t  *f = data;

    if (!f->done) {
        f->done = 1;
        ngx_http_authgw_fetch_aborted(f, ngx_cycle->log);
    }
}


/* the request that made the fetch ended first: no answer, nothing logged */

static void
ngx_http_authgw_fetch_aborted(ngx_http_authgw_fetch_t *f, ngx_log_t *log)
{
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, log, 0,
                   "authgw: the fetch from \"%V\" ended with its request",
                   &f->remote->uri);

    if (f->meta) {
        ngx_http_authgw_meta_finish(f->remote, NGX_HTTP_AUTHGW_FETCH_ABORTED,
                                    NULL, log);

    } else {
        ngx_http_authgw_fetch_finish(f->remote,
                                     NGX_HTTP_AUTHGW_FETCH_ABORTED, NULL,
                                     log);
    }
}


/*
 * Counts the fetch, logs a failure (its cause) once per interval, wakes
 * the waiters.
 */

static void
ngx_http_authgw_fetch_finish(ngx_http_authgw_remote_t *rm, ngx_uint_t result,
    u_char *cause, ngx_log_t *log)
{
    time_t                           now;
    ngx_http_authgw_source_stats_t  *src;

    now = ngx_time();
    rm->fetching = 0;
    rm->meta_last = 0;

    if (result != NGX_HTTP_AUTHGW_FETCH_OK) {
        rm->from_cache = 0;
    }

    /* no answer at all: those who waited on it wait for the next fetch */

    rm->aborted = (result == NGX_HTTP_AUTHGW_FETCH_ABORTED);

    /* keys that fail to come may have moved: the metadata say where */

    if (!rm->aborted) {
        rm->key_failed = (result != NGX_HTTP_AUTHGW_FETCH_OK);

        if (rm->key_failed && rm->jwks_uri.len && rm->meta_expires > now) {
            rm->meta_expires = now;
        }
    }

    src = ngx_http_authgw_fetch_count(rm, 0, result, now);

    if (src != NULL && result == NGX_HTTP_AUTHGW_FETCH_OK) {
        src->keys = rm->nkeys;
    }

    if (result != NGX_HTTP_AUTHGW_FETCH_OK
        && result != NGX_HTTP_AUTHGW_FETCH_ABORTED
        && (rm->logged == 0 || now - rm->logged >= rm->refresh))
    {
        rm->logged = now;

        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "authgw: key fetch from \"%V\" failed: %s; %s%V",
                      &rm->uri, cause,
                      rm->fetched ? "the last good keys stay in use"
                                  : "no fetched keys to use",
                      ngx_http_authgw_suffix(rm));
    }

    ngx_http_authgw_wake_all(rm);
}


/*
 * A fetch counted where authgw_status shows it: a key fetch as its
 * source's, a metadata fetch as its provider's; a fetch that ended with
 * its client is not counted. Returns the counters, or NULL.
 */

static ngx_http_authgw_source_stats_t *
ngx_http_authgw_fetch_count(ngx_http_authgw_remote_t *rm, ngx_uint_t meta,
    ngx_uint_t result, time_t now)
{
    ngx_http_authgw_main_conf_t     *amcf;
    ngx_http_authgw_source_stats_t  *st;

    amcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_http_authgw_module);
    if (amcf == NULL) {
        return NULL;
    }

    if (meta) {
        st = (amcf->named != NULL) ? amcf->named[rm->provider->index] : NULL;

    } else {
        st = (amcf->sources != NULL) ? amcf->sources[rm->index] : NULL;
    }

    if (st == NULL || result == NGX_HTTP_AUTHGW_FETCH_ABORTED) {
        return NULL;
    }

    (void) ngx_atomic_fetch_add(&st->fetches[result], 1);

    if (result == NGX_HTTP_AUTHGW_FETCH_OK) {
        st->last_success = now;
    }

    return st;
}


/*
 * The provider's metadata fetched: counted as the provider's, a failure
 * logged once per interval; those who waited on it run again.
 */

static void
ngx_http_authgw_meta_finish(ngx_http_authgw_remote_t *rm, ngx_uint_t result,
    u_char *cause, ngx_log_t *log)
{
    time_t  now;

    now = ngx_time();
    rm->fetching = 0;
    rm->meta_last = 1;
    rm->aborted = (result == NGX_HTTP_AUTHGW_FETCH_ABORTED);

    (void) ngx_http_authgw_fetch_count(rm, 1, result, now);

    if (result != NGX_HTTP_AUTHGW_FETCH_OK
        && result != NGX_HTTP_AUTHGW_FETCH_ABORTED
        && (rm->meta_logged == 0 || now - rm->meta_logged >= rm->refresh))
    {
        rm->meta_logged = now;
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "authgw: metadata fetch from \"%V\" failed: %s; %s "
                      "(provider %V)", &rm->provider->discovery, cause,
                      rm->jwks_uri.len ? "the last good metadata stay in use"
                                       : "no keys can be fetched until it "
                                         "succeeds",
                      &rm->provider->name);
    }

    ngx_http_authgw_wake_all(rm);
}


/* what the fetch brought: installed keys, or the cause of its failure */

static ngx_uint_t
ngx_http_authgw_fetch_result(ngx_http_request_t *sr,
    ngx_http_authgw_fetch_t *f, ngx_int_t rc, u_char *cause)
{
    char                       err[256];
    size_t                     n;
    time_t                     age;
    ngx_uint_t                 result;
    authgw_key_t             **keys;
    ngx_http_authgw_remote_t  *rm;

    rm = f->remote;

    result = ngx_http_authgw_fetch_answer(sr, f, rc, cause);

    if (result != NGX_HTTP_AUTHGW_FETCH_OK) {
        return result;
    }

    if (f->meta) {
        return ngx_http_authgw_meta_result(sr, f, cause);
    }

    if (authgw_key_load_remote(f->body, f->len, rm->set->keys,
                               rm->set->nkeys, &keys, &n, err, sizeof(err))
        != 0)
    {
        ngx_http_authgw_cause(cause, "the answer is no usable JWK Set: %s",
                              err);
        return NGX_HTTP_AUTHGW_FETCH_INVALID;
    }

    if (ngx_http_authgw_remote_install(rm, keys, n, sr->connection->log)
        != NGX_OK)
    {
        authgw_keys_free(keys, n);
        ngx_http_authgw_cause(cause, "out of memory");
        return NGX_HTTP_AUTHGW_FETCH_ERROR;
    }

    rm->from_cache = ngx_http_authgw_from_cache(sr);

    age = ngx_http_authgw_max_age(sr);

    rm->expires = rm->fetched
                  + ((age >= 0 && age < rm->cache) ? age : rm->cache);

    ngx_log_error(NGX_LOG_INFO, sr->connection->log, 0,
                  "authgw: %uz keys from \"%V\", kept for %T s%V", n,
                  &rm->uri, rm->expires - rm->fetched,
                  ngx_http_authgw_suffix(rm));

    return NGX_HTTP_AUTHGW_FETCH_OK;
}


/* an answer with a whole body to read, or the cause of a failure */

static ngx_uint_t
ngx_http_authgw_fetch_answer(ngx_http_request_t *sr,
    ngx_http_authgw_fetch_t *f, ngx_int_t rc, u_char *cause)
{
    ngx_http_authgw_remote_t  *rm;

    rm = f->remote;

    if (f->too_big) {
        if (f->declared > (off_t) rm->max_size) {
            ngx_http_authgw_cause(cause, "the answer is too large: %O "
                                  "bytes, more than "
                                  "authgw_key_request_max_size (%uz)",
                                  f->declared, rm->max_size);

        } else {
            ngx_http_authgw_cause(cause, "the answer is too large: more "
                                  "than authgw_key_request_max_size (%uz)",
                                  rm->max_size);
        }

        return NGX_HTTP_AUTHGW_FETCH_ERROR;
    }

    if (rc == NGX_ERROR || rc >= NGX_HTTP_SPECIAL_RESPONSE
        || sr->headers_out.status == 0)
    {
        return ngx_http_authgw_fetch_failed(sr, rc, cause);
    }

    if (sr->headers_out.status != NGX_HTTP_OK) {
        ngx_http_authgw_cause(cause, "the answer has status %ui, not 200",
                    sr->headers_out.status);
        return NGX_HTTP_AUTHGW_FETCH_STATUS;
    }

    /* nginx ends a subrequest cut short as if it were whole */

    if (f->declared >= 0 && (off_t) f->len < f->declared) {
        ngx_http_authgw_cause(cause, "the answer ended early: %uz of %O "
                              "bytes", f->len, f->declared);
        return NGX_HTTP_AUTHGW_FETCH_ERROR;
    }

    if (f->len == 0) {
        ngx_http_authgw_cause(cause, "the answer is empty");
        return NGX_HTTP_AUTHGW_FETCH_INVALID;
    }

    return NGX_HTTP_AUTHGW_FETCH_OK;
}


/*
 * Metadata whose issuer is the provider's, with a jwks_uri it may use
 * (authgw_discovery_parse). A new jwks_uri is fetched from at once: the
 * keys in use came from another place.
 */

static ngx_uint_t
ngx_http_authgw_meta_result(ngx_http_request_t *sr,
    ngx_http_authgw_fetch_t *f, u_char *cause)
{
    char                         err[NGX_HTTP_AUTHGW_CAUSE_MAX];
    char                         uri[AUTHGW_URL_MAX + 1];
    u_char                      *p;
    size_t                       n;
    ngx_http_authgw_remote_t    *rm;
    ngx_http_authgw_provider_t  *pv;

    rm = f->remote;
    pv = rm->provider;

    n = authgw_discovery_parse(f->body, f->len, &pv->issuer,
                               pv->jwks_origins ? pv->jwks_origins->elts
                                                : NULL,
                               pv->jwks_origins ? pv->jwks_origins->nelts
                                                : 0,
                               pv->jwks_http ? AUTHGW_URL_HTTP : 0, uri,
                               sizeof(uri), err, sizeof(err));
    if (n == 0) {
        ngx_http_authgw_cause(cause, "the metadata are refused: %s", err);
        return NGX_HTTP_AUTHGW_FETCH_INVALID;
    }

    if (n != rm->jwks_uri.len || ngx_memcmp(uri, rm->jwks_uri.data, n) != 0)
    {
        p = ngx_alloc(n, sr->connection->log);
        if (p == NULL) {
            ngx_http_authgw_cause(cause, "out of memory");
            return NGX_HTTP_AUTHGW_FETCH_ERROR;
        }

        ngx_memcpy(p, uri, n);

        if (rm->jwks_uri.data != NULL) {
            ngx_free(rm->jwks_uri.data);
        }

        rm->jwks_uri.data = p;
        rm->jwks_uri.len = n;

        if (rm->fetched) {
            rm->expires = ngx_time();
        }

        rm->tried = 0;

        ngx_log_error(NGX_LOG_INFO, sr->connection->log, 0,
                      "authgw: provider %V has its keys at \"%V\"",
                      &pv->name, &rm->jwks_uri);
    }

    rm->meta_expires = ngx_time() + pv->discovery_refresh;

    return NGX_HTTP_AUTHGW_FETCH_OK;
}


/*
 * A fetch without an answer to read: nginx's own line before this one
 * (connect() failed, upstream timed out) has the details; this one says
 * which it was. An upstream that was never connected to is refused or
 * unreachable; one that was, failed or timed out after.
 */

static ngx_uint_t
ngx_http_authgw_fetch_failed(ngx_http_request_t *sr, ngx_int_t rc,
    u_char *cause)
{
    ngx_http_upstream_t  *u;

    u = sr->upstream;

    if (rc == NGX_HTTP_GATEWAY_TIME_OUT) {
        ngx_http_authgw_cause(cause, "the provider timed out (504)");
        return NGX_HTTP_AUTHGW_FETCH_ERROR;
    }

    if (rc == NGX_HTTP_BAD_GATEWAY) {
        if (u != NULL && u->state != NULL
            && u->state->connect_time == (ngx_msec_t) -1)
        {
            ngx_http_authgw_cause(cause, "no connection to the provider: "
                                  "refused or unreachable (502)");

        } else {
            ngx_http_authgw_cause(cause, "the connection to the provider "
                                  "failed, or its answer was not HTTP "
                                  "(502)");
        }

        return NGX_HTTP_AUTHGW_FETCH_ERROR;
    }

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        ngx_http_authgw_cause(cause, "the fetch location answered %i", rc);
        return NGX_HTTP_AUTHGW_FETCH_STATUS;
    }

    ngx_http_authgw_cause(cause, "no complete answer: the connection to "
                          "the provider failed or timed out in its body");

    return NGX_HTTP_AUTHGW_FETCH_ERROR;
}


static void
ngx_http_authgw_cause(u_char *cause, const char *fmt, ...)
{
    u_char   *p;
    va_list   args;

    va_start(args, fmt);
    p = ngx_vslprintf(cause, cause + NGX_HTTP_AUTHGW_CAUSE_MAX - 1, fmt,
                      args);
    va_end(args);

    *p = '\0';
}


/* 1 if the fetch location's cache gave the answer, not the provider */

static ngx_uint_t
ngx_http_authgw_from_cache(ngx_http_request_t *sr)
{
#if (NGX_HTTP_CACHE)
    ngx_uint_t  status;

    if (sr->upstream == NULL) {
        return 0;
    }

    status = sr->upstream->cache_status;

    return status == NGX_HTTP_CACHE_HIT || status == NGX_HTTP_CACHE_STALE
           || status == NGX_HTTP_CACHE_UPDATING;
#else
    return 0;
#endif
}


/* Cache-Control: max-age=N of the answer, or -1 */

static time_t
ngx_http_authgw_max_age(ngx_http_request_t *sr)
{
    u_char           *p, *last;
    time_t            age;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    age = -1;
    part = &sr->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].hash == 0
            || h[i].key.len != sizeof("Cache-Control") - 1
            || ngx_strncasecmp(h[i].key.data, (u_char *) "Cache-Control",
                               sizeof("Cache-Control") - 1) != 0)
        {
            continue;
        }

        p = ngx_strlcasestrn(h[i].value.data,
                             h[i].value.data + h[i].value.len,
                             (u_char *) "max-age=", sizeof("max-age=") - 2);
        if (p == NULL) {
            continue;
        }

        p += sizeof("max-age=") - 1;
        last = p;

        while (last < h[i].value.data + h[i].value.len
               && *last >= '0' && *last <= '9')
        {
            last++;
        }

        if (last > p) {
            age = ngx_atotm(p, ngx_min(last - p, 9));
        }
    }

    return age;
}


/* the fetched keys replace the last; the cache of verified tokens empties */

static ngx_int_t
ngx_http_authgw_remote_install(ngx_http_authgw_remote_t *rm,
    authgw_key_t **keys, size_t n, ngx_log_t *log)
{
    authgw_key_t  **all;

    all = ngx_alloc((rm->set->nkeys + n) * sizeof(authgw_key_t *), log);
    if (all == NULL) {
        return NGX_ERROR;
    }

    if (rm->set->nkeys) {
        ngx_memcpy(all, rm->set->keys,
                   rm->set->nkeys * sizeof(authgw_key_t *));
    }

    ngx_memcpy(all + rm->set->nkeys, keys, n * sizeof(authgw_key_t *));

    ngx_http_authgw_remote_drop(rm);

    rm->keys = keys;
    rm->nkeys = n;
    rm->all = all;
    rm->nall = rm->set->nkeys + n;
    rm->fetched = ngx_time();

    return NGX_OK;
}


static void
ngx_http_authgw_remote_drop(ngx_http_authgw_remote_t *rm)
{
    if (rm->set->cache != NULL) {
        authgw_cache_flush(rm->set->cache);
    }

    if (rm->all != rm->set->keys) {
        ngx_free(rm->all);
    }

    authgw_keys_free(rm->keys, rm->nkeys);

    rm->keys = NULL;
    rm->nkeys = 0;
    rm->all = rm->set->keys;
    rm->nall = rm->set->nkeys;
    rm->fetched = 0;
    rm->generation++;
}


/* the cycle goes (its caches are destroyed after this: last in, first out) */

static void
ngx_http_authgw_free_remote(void *data)
{
    ngx_http_authgw_remote_t  *rm = data;

    if (rm->due.timer_set) {
        ngx_del_timer(&rm->due);
    }

    ngx_http_authgw_remote_drop(rm);

    if (rm->jwks_uri.data != NULL) {
        ngx_free(rm->jwks_uri.data);
        ngx_str_null(&rm->jwks_uri);
    }
}


/*
 * $authgw_fetch_url, in a fetch of a provider with discovery: its
 * metadata's URL (the issuer's, with /.well-known/openid-configuration),
 * then the jwks_uri those metadata give; for the location that fetches
 * them ("proxy_pass $authgw_fetch_url;")
 */

ngx_int_t
ngx_http_authgw_fetch_url_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_fetch_t  *f;

    f = ngx_http_authgw_fetch_of(r);

    if (f == NULL || f->url.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = f->url.data;
    v->len = f->url.len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;
    v->escape = 0;

    return NGX_OK;
}


/*
 * At init, in the master: each worker starts with the files' keys and
 * fetches the rest; the header filter sees the fetches' answers.
 */

ngx_int_t
ngx_http_authgw_keys_init(ngx_conf_t *cf, ngx_http_authgw_main_conf_t *amcf)
{
    ngx_uint_t                  i;
    ngx_pool_cleanup_t         *cln;
    ngx_http_authgw_remote_t  **remotes;

    remotes = amcf->remotes.elts;

    for (i = 0; i < amcf->remotes.nelts; i++) {
        remotes[i]->all = remotes[i]->set->keys;
        remotes[i]->nall = remotes[i]->set->nkeys;

        cln = ngx_pool_cleanup_add(cf->pool, 0);
        if (cln == NULL) {
            return NGX_ERROR;
        }

        cln->handler = ngx_http_authgw_free_remote;
        cln->data = remotes[i];
    }

    if (amcf->remotes.nelts) {
        ngx_http_next_header_filter = ngx_http_top_header_filter;
        ngx_http_top_header_filter = ngx_http_authgw_header_filter;

        ngx_http_next_body_filter = ngx_http_top_body_filter;
        ngx_http_top_body_filter = ngx_http_authgw_body_filter;
    }

    return NGX_OK;
}
