
/*
 * The metrics: counters in a shared zone that every worker and generation
 * counts into, and authgw_status, which shows them as Prometheus text.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_authgw_module.h"


static ngx_int_t ngx_http_authgw_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_http_authgw_source_stats_t *ngx_http_authgw_source(
    ngx_slab_pool_t *shpool, ngx_http_authgw_stats_t *st, ngx_str_t *uri);
static void ngx_http_authgw_status_text(ngx_http_authgw_main_conf_t *amcf,
    ngx_http_authgw_text_t *t);
static void ngx_http_authgw_text(ngx_http_authgw_text_t *t,
    const char *text);
static void ngx_http_authgw_sample(ngx_http_authgw_text_t *t,
    const char *prefix, ngx_str_t *label, ngx_str_t *second,
    ngx_atomic_uint_t value);
static const char *ngx_http_authgw_outcome(ngx_uint_t k);
static void ngx_http_authgw_label(ngx_http_authgw_text_t *t,
    ngx_str_t *value);


static ngx_str_t  ngx_http_authgw_zone_name = ngx_string("authgw_metrics");


/* metrics */

ngx_http_authgw_stats_t *
ngx_http_authgw_stats(ngx_http_request_t *r)
{
    ngx_http_authgw_main_conf_t  *amcf;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_authgw_module);

    return amcf->stats;
}


void
ngx_http_authgw_count(ngx_http_request_t *r, ngx_uint_t outcome)
{
    ngx_http_authgw_stats_t  *st;

    st = ngx_http_authgw_stats(r);

    if (st != NULL && outcome <= NGX_HTTP_AUTHGW_ANONYMOUS) {
        (void) ngx_atomic_fetch_add(&st->outcomes[outcome], 1);
    }
}


/*
 * The counters come from the zone's slab pool (nginx keeps the pool's
 * header, and its mutex, at the start of every shared zone). As in
 * ngx_http_limit_req_module, a reload that keeps the zone keeps them.
 */

static ngx_int_t
ngx_http_authgw_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_authgw_main_conf_t  *oamcf = data;

    ngx_uint_t                        i;
    ngx_slab_pool_t                  *shpool;
    ngx_http_authgw_stats_t          *st;
    ngx_http_authgw_remote_t        **remotes;
    ngx_http_authgw_main_conf_t      *amcf;

    amcf = shm_zone->data;
    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (oamcf != NULL) {
        st = oamcf->stats;

    } else if (shm_zone->shm.exists) {
        st = shpool->data;

    } else {
        st = ngx_slab_calloc(shpool, sizeof(ngx_http_authgw_stats_t));
        if (st == NULL) {
            return NGX_ERROR;
        }

        shpool->data = st;
    }

    st->file_keys = amcf->file_keys;
    amcf->stats = st;

    /* a source the zone has no room for is not counted; nginx logs why */

    remotes = amcf->remotes.elts;

    for (i = 0; i < amcf->remotes.nelts; i++) {
        amcf->sources[i] = ngx_http_authgw_source(shpool, st,
                                                  &remotes[i]->uri);
    }

    return NGX_OK;
}


/* the counters of the source with this URI, made on first use */

static ngx_http_authgw_source_stats_t *
ngx_http_authgw_source(ngx_slab_pool_t *shpool, ngx_http_authgw_stats_t *st,
    ngx_str_t *uri)
{
    ngx_http_authgw_source_stats_t  *src;

    for (src = st->sources; src != NULL; src = src->next) {
        if (src->len == uri->len
            && ngx_memcmp(src->uri, uri->data, uri->len) == 0)
        {
            return src;
        }
    }

    src = ngx_slab_calloc(shpool,
                          offsetof(ngx_http_authgw_source_stats_t, uri)
                          + uri->len);
    if (src == NULL) {
        return NULL;
    }

    src->len = uri->len;
    ngx_memcpy(src->uri, uri->data, uri->len);

    /* only the master walks the list, at a reload */

    src->next = st->sources;
    st->sources = src;

    return src;
}


/* authgw_status: the Prometheus text format (version 0.0.4) */

ngx_int_t
ngx_http_authgw_status_handler(ngx_http_request_t *r)
{
    ngx_int_t                     rc;
    ngx_buf_t                    *b;
    ngx_chain_t                   out;
    ngx_http_authgw_text_t        t;
    ngx_http_authgw_main_conf_t  *amcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    amcf = ngx_http_get_module_main_conf(r, ngx_http_authgw_module);

    if (amcf->stats == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the same code counts the bytes, then writes them */

    t.p = NULL;
    t.size = 0;
    ngx_http_authgw_status_text(amcf, &t);

    b = ngx_create_temp_buf(r->pool, t.size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    t.p = b->last;
    t.size = 0;
    ngx_http_authgw_status_text(amcf, &t);
    b->last = t.p;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_type_len = sizeof("text/plain") - 1;

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static void
ngx_http_authgw_status_text(ngx_http_authgw_main_conf_t *amcf,
    ngx_http_authgw_text_t *t)
{
    time_t                            now, last;
    ngx_str_t                        *uri, outcome, files;
    ngx_uint_t                        i, k;
    ngx_http_authgw_stats_t          *st;
    ngx_http_authgw_remote_t        **remotes;
    ngx_http_authgw_source_stats_t   *src;

    static ngx_str_t  results[] = {
        ngx_string("ok"), ngx_string("status"), ngx_string("error"),
        ngx_string("invalid")
    };

    st = amcf->stats;
    remotes = amcf->remotes.elts;
    now = ngx_time();
    ngx_str_set(&files, "files");

    ngx_http_authgw_text(t, "# HELP authgw_requests_total Requests decided "
                         "by authgw, by outcome.\n"
                         "# TYPE authgw_requests_total counter\n");

    for (k = 0; k <= NGX_HTTP_AUTHGW_ANONYMOUS; k++) {
        outcome.data = (u_char *) ngx_http_authgw_outcome(k);
        outcome.len = ngx_strlen(outcome.data);
        ngx_http_authgw_sample(t, "authgw_requests_total{outcome=\"",
                               &outcome, NULL, st->outcomes[k]);
    }

    ngx_http_authgw_text(t, "# HELP authgw_cache_lookups_total Lookups in "
                         "the caches of verified tokens.\n"
                         "# TYPE authgw_cache_lookups_total counter\n");
    ngx_http_authgw_sample(t, "authgw_cache_lookups_total{result=\"hit",
                           NULL, NULL, st->cache_hits);
    ngx_http_authgw_sample(t, "authgw_cache_lookups_total{result=\"miss",
                           NULL, NULL, st->cache_misses);

    ngx_http_authgw_text(t, "# HELP authgw_keys_loaded Keys in use, by "
                         "source.\n# TYPE authgw_keys_loaded gauge\n");
    ngx_http_authgw_sample(t, "authgw_keys_loaded{source=\"", &files, NULL,
                           st->file_keys);

    for (i = 0; i < amcf->remotes.nelts; i++) {
        if (amcf->sources[i] != NULL) {
            ngx_http_authgw_sample(t, "authgw_keys_loaded{source=\"",
                                   &remotes[i]->uri, NULL,
                                   amcf->sources[i]->keys);
        }
    }

    if (amcf->remotes.nelts == 0) {
        return;
    }

    ngx_http_authgw_text(t, "# HELP authgw_key_fetches_total Key fetches, "
                         "by source and result.\n"
                         "# TYPE authgw_key_fetches_total counter\n");

    for (i = 0; i < amcf->remotes.nelts; i++) {
        src = amcf->sources[i];

        for (k = 0; src != NULL && k < NGX_HTTP_AUTHGW_FETCH_N; k++) {
            ngx_http_authgw_sample(t, "authgw_key_fetches_total{source=\"",
                                   &remotes[i]->uri, &results[k],
                                   src->fetches[k]);
        }
    }

    ngx_http_authgw_text(t, "# HELP authgw_key_last_success_age_seconds "
                         "Seconds since the last good fetch, by source "
                         "(absent: none yet).\n"
                         "# TYPE authgw_key_last_success_age_seconds "
                         "gauge\n");

    for (i = 0; i < amcf->remotes.nelts; i++) {
        src = amcf->sources[i];
        last = src ? (time_t) src->last_success : 0;
        uri = &remotes[i]->uri;

        if (last != 0) {
            ngx_http_authgw_sample(t, "authgw_key_last_success_age_seconds"
                                   "{source=\"", uri, NULL,
                                   now > last ? now - last : 0);
        }
    }
}


static void
ngx_http_authgw_text(ngx_http_authgw_text_t *t, const char *text)
{
    size_t  n;

    n = ngx_strlen(text);

    if (t->p != NULL) {
        t->p = ngx_cpymem(t->p, text, n);
    }

    t->size += n;
}


/*
 * One sample: prefix (up to a label value's opening quote), the label
 * value escaped, then ",result=\"second\"" if any, the closing, the value.
 * Counting gives a value its longest text, as stub_status does.
 */

static void
ngx_http_authgw_sample(ngx_http_authgw_text_t *t, const char *prefix,
    ngx_str_t *label, ngx_str_t *second, ngx_atomic_uint_t value)
{
    u_char  *start;

    ngx_http_authgw_text(t, prefix);

    if (label != NULL) {
        ngx_http_authgw_label(t, label);
    }

    if (second != NULL) {
        ngx_http_authgw_text(t, "\",result=\"");
        ngx_http_authgw_label(t, second);
    }

    ngx_http_authgw_text(t, "\"} ");

    if (t->p == NULL) {
        t->size += NGX_ATOMIC_T_LEN + 1;
        return;
    }

    start = t->p;
    t->p = ngx_sprintf(t->p, "%uA\n", value);
    t->size += t->p - start;
}


static const char *
ngx_http_authgw_outcome(ngx_uint_t k)
{
    if (k == AUTHGW_OK) {
        return "ok";
    }

    if (k == NGX_HTTP_AUTHGW_ANONYMOUS) {
        return "anonymous";
    }

    return authgw_status_str(k);
}


/* a label value with "\", '"' and LF escaped (Prometheus text format) */

static void
ngx_http_authgw_label(ngx_http_authgw_text_t *t, ngx_str_t *value)
{
    u_char      c, *p;
    size_t      n;
    ngx_uint_t  i;

    p = t->p;
    n = 0;

    for (i = 0; i < value->len; i++) {
        c = value->data[i];

        if (c == '\\' || c == '"' || c == LF) {
            if (p != NULL) {
                p[n] = '\\';
            }

            n++;

            if (c == LF) {
                c = 'n';
            }
        }

        if (p != NULL) {
            p[n] = c;
        }

        n++;
    }

    t->size += n;

    if (p != NULL) {
        t->p = p + n;
    }
}


/* at init: the zone, only where authgw_status shows what it counts */

ngx_int_t
ngx_http_authgw_status_init(ngx_conf_t *cf,
    ngx_http_authgw_main_conf_t *amcf)
{
    size_t                      size;
    ngx_uint_t                  i;
    ngx_http_authgw_remote_t  **remotes;

    if (!amcf->status) {
        return NGX_OK;
    }

    remotes = amcf->remotes.elts;

    amcf->sources = ngx_pcalloc(cf->pool,
                                (amcf->remotes.nelts + 1) * sizeof(void *));
    if (amcf->sources == NULL) {
        return NGX_ERROR;
    }

    /*
     * room for the sources of later reloads too (renamed sources keep
     * their counters in the zone); a slab pool needs 8 pages at least,
     * its own header in them
     */

    size = sizeof(ngx_http_authgw_stats_t);

    for (i = 0; i < amcf->remotes.nelts; i++) {
        size += 4 * (sizeof(ngx_http_authgw_source_stats_t)
                     + remotes[i]->uri.len);
    }

    size = ngx_max(8 * ngx_pagesize,
                   ngx_align(size, ngx_pagesize) + 4 * ngx_pagesize);

    amcf->zone = ngx_shared_memory_add(cf, &ngx_http_authgw_zone_name,
                                       size, &ngx_http_authgw_module);
    if (amcf->zone == NULL) {
        return NGX_ERROR;
    }

    amcf->zone->init = ngx_http_authgw_init_zone;
    amcf->zone->data = amcf;

    return NGX_OK;
}
