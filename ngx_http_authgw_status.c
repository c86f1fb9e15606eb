
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
    ngx_slab_pool_t *shpool, ngx_http_authgw_stats_t *st, ngx_str_t *name,
    ngx_str_t *uri);
static void ngx_http_authgw_provider_text(ngx_http_authgw_main_conf_t *amcf,
    ngx_http_authgw_text_t *t);
static void ngx_http_authgw_labelled(ngx_http_authgw_text_t *t,
    const char *metric, ngx_str_t *labels, ngx_uint_t n,
    ngx_atomic_uint_t value);
static void ngx_http_authgw_status_text(ngx_http_authgw_main_conf_t *amcf,
    ngx_http_authgw_text_t *t);
static void ngx_http_authgw_text(ngx_http_authgw_text_t *t,
    const char *text);
static const char *ngx_http_authgw_outcome(ngx_uint_t k);
static void *ngx_http_authgw_conf_of(ngx_conf_t *cf, const char *name);
static ngx_uint_t ngx_http_authgw_local_only(ngx_conf_t *cf);
static ngx_uint_t ngx_http_authgw_loopback(struct sockaddr *sa);
static void ngx_http_authgw_label(ngx_http_authgw_text_t *t,
    ngx_str_t *value);


static ngx_str_t  ngx_http_authgw_zone_name = ngx_string("authgw_metrics");

/* a fetch's result label, by NGX_HTTP_AUTHGW_FETCH_* */
static ngx_str_t  ngx_http_authgw_results[NGX_HTTP_AUTHGW_FETCH_N] = {
    ngx_string("ok"), ngx_string("status"), ngx_string("error"),
    ngx_string("invalid")
};


/* metrics */

ngx_http_authgw_stats_t *
ngx_http_authgw_stats(ngx_http_request_t *r)
{
    ngx_http_authgw_main_conf_t  *amcf;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_authgw_module);

    return amcf->stats;
}


/* a request's outcome; also its provider's, when one was chosen */

void
ngx_http_authgw_count(ngx_http_request_t *r, ngx_uint_t outcome)
{
    ngx_http_authgw_ctx_t           *ctx;
    ngx_http_authgw_main_conf_t     *amcf;
    ngx_http_authgw_source_stats_t  *pst;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_authgw_module);

    if (amcf->stats == NULL || outcome >= NGX_HTTP_AUTHGW_OUTCOMES) {
        return;
    }

    (void) ngx_atomic_fetch_add(&amcf->stats->outcomes[outcome], 1);

    ctx = ngx_http_get_module_ctx(r, ngx_http_authgw_module);

    if (ctx != NULL && ctx->use != NULL) {
        pst = amcf->named[ctx->use->provider->index];

        if (pst != NULL) {
            (void) ngx_atomic_fetch_add(&pst->outcomes[outcome], 1);
        }
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

    ngx_str_t                         none, *name;
    ngx_uint_t                        i;
    ngx_slab_pool_t                  *shpool;
    ngx_http_authgw_stats_t          *st;
    ngx_http_authgw_remote_t        **remotes;
    ngx_http_authgw_provider_t      **pv;
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
    ngx_str_set(&none, "");

    for (i = 0; i < amcf->remotes.nelts; i++) {
        name = remotes[i]->provider ? &remotes[i]->provider->name : &none;
        amcf->sources[i] = ngx_http_authgw_source(shpool, st, name,
                                                  &remotes[i]->uri);
    }

    pv = amcf->providers.elts;

    for (i = 0; i < amcf->providers.nelts; i++) {
        amcf->named[i] = ngx_http_authgw_source(shpool, st, &pv[i]->name,
                                                &none);
    }

    return NGX_OK;
}


/*
 * The counters of the key source of this provider (name, "" for none) and
 * URI, or of the provider itself (uri ""), made on first use
 */

static ngx_http_authgw_source_stats_t *
ngx_http_authgw_source(ngx_slab_pool_t *shpool, ngx_http_authgw_stats_t *st,
    ngx_str_t *name, ngx_str_t *uri)
{
    ngx_http_authgw_source_stats_t  *src;

    for (src = st->sources; src != NULL; src = src->next) {
        if (src->plen == name->len && src->len == uri->len
            && ngx_memcmp(src->uri, name->data, name->len) == 0
            && ngx_memcmp(src->uri + name->len, uri->data, uri->len) == 0)
        {
            return src;
        }
    }

    src = ngx_slab_calloc(shpool,
                          offsetof(ngx_http_authgw_source_stats_t, uri)
                          + name->len + uri->len);
    if (src == NULL) {
        return NULL;
    }

    src->plen = name->len;
    src->len = uri->len;
    ngx_memcpy(src->uri, name->data, name->len);
    ngx_memcpy(src->uri + name->len, uri->data, uri->len);

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
    ngx_str_t                         labels[6];
    ngx_str_t                         source, provider, result, none;
    ngx_uint_t                        i, k, n;
    ngx_http_authgw_stats_t          *st;
    ngx_http_authgw_remote_t        **remotes;
    ngx_http_authgw_source_stats_t   *src;

    st = amcf->stats;
    remotes = amcf->remotes.elts;
    now = ngx_time();
    ngx_str_set(&source, "source");
    ngx_str_set(&provider, "provider");
    ngx_str_set(&result, "result");
    ngx_str_set(&none, "");

    ngx_http_authgw_text(t, "# HELP authgw_requests_total Requests decided "
                         "by authgw, by outcome.\n"
                         "# TYPE authgw_requests_total counter\n");

    ngx_str_set(&labels[0], "outcome");

    for (k = 0; k < NGX_HTTP_AUTHGW_OUTCOMES; k++) {
        labels[1].data = (u_char *) ngx_http_authgw_outcome(k);
        labels[1].len = ngx_strlen(labels[1].data);
        ngx_http_authgw_labelled(t, "authgw_requests_total", labels, 2,
                                 st->outcomes[k]);
    }

    ngx_http_authgw_text(t, "# HELP authgw_cache_lookups_total Lookups in "
                         "the caches of verified tokens.\n"
                         "# TYPE authgw_cache_lookups_total counter\n");
    labels[0] = result;
    ngx_str_set(&labels[1], "hit");
    ngx_http_authgw_labelled(t, "authgw_cache_lookups_total", labels, 2,
                             st->cache_hits);
    ngx_str_set(&labels[1], "miss");
    ngx_http_authgw_labelled(t, "authgw_cache_lookups_total", labels, 2,
                             st->cache_misses);

    ngx_http_authgw_text(t, "# HELP authgw_keys_loaded Keys in use, by "
                         "source.\n# TYPE authgw_keys_loaded gauge\n");
    labels[0] = source;
    ngx_str_set(&labels[1], "files");
    ngx_http_authgw_labelled(t, "authgw_keys_loaded", labels, 2,
                             st->file_keys);

    /* a source of a provider has its name as a label too */

    for (i = 0; i < amcf->remotes.nelts; i++) {
        labels[0] = source;
        labels[1] = remotes[i]->uri;
        labels[2] = provider;
        labels[3] = remotes[i]->provider ? remotes[i]->provider->name : none;
        n = remotes[i]->provider ? 4 : 2;

        if (amcf->sources[i] != NULL) {
            ngx_http_authgw_labelled(t, "authgw_keys_loaded", labels, n,
                                     amcf->sources[i]->keys);
        }
    }

    if (amcf->remotes.nelts == 0) {
        ngx_http_authgw_provider_text(amcf, t);
        return;
    }

    ngx_http_authgw_text(t, "# HELP authgw_key_fetches_total Key fetches, "
                         "by source and result.\n"
                         "# TYPE authgw_key_fetches_total counter\n");

    for (i = 0; i < amcf->remotes.nelts; i++) {
        src = amcf->sources[i];
        labels[1] = remotes[i]->uri;
        labels[3] = remotes[i]->provider ? remotes[i]->provider->name : none;
        n = remotes[i]->provider ? 6 : 4;
        labels[n - 2] = result;

        for (k = 0; src != NULL && k < NGX_HTTP_AUTHGW_FETCH_N; k++) {
            labels[n - 1] = ngx_http_authgw_results[k];
            ngx_http_authgw_labelled(t, "authgw_key_fetches_total", labels,
                                     n, src->fetches[k]);
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
        labels[1] = remotes[i]->uri;
        labels[3] = remotes[i]->provider ? remotes[i]->provider->name : none;
        n = remotes[i]->provider ? 4 : 2;

        if (last != 0) {
            ngx_http_authgw_labelled(t, "authgw_key_last_success_age_seconds",
                                     labels, n, now > last ? now - last : 0);
        }
    }

    ngx_http_authgw_provider_text(amcf, t);
}


/* each named provider: its requests by outcome, its metadata fetches */

static void
ngx_http_authgw_provider_text(ngx_http_authgw_main_conf_t *amcf,
    ngx_http_authgw_text_t *t)
{
    time_t                            now, last;
    ngx_str_t                         labels[4];
    ngx_uint_t                        i, k;
    ngx_http_authgw_provider_t      **pv;
    ngx_http_authgw_source_stats_t   *st;

    if (amcf->providers.nelts == 0) {
        return;
    }

    pv = amcf->providers.elts;
    now = ngx_time();
    ngx_str_set(&labels[0], "provider");

    ngx_http_authgw_text(t, "# HELP authgw_provider_requests_total Requests "
                         "whose token named a provider, by provider and "
                         "outcome.\n"
                         "# TYPE authgw_provider_requests_total counter\n");

    ngx_str_set(&labels[2], "outcome");

    for (i = 0; i < amcf->providers.nelts; i++) {
        st = amcf->named[i];
        labels[1] = pv[i]->name;

        for (k = 0; st != NULL && k < NGX_HTTP_AUTHGW_OUTCOMES; k++) {
            labels[3].data = (u_char *) ngx_http_authgw_outcome(k);
            labels[3].len = ngx_strlen(labels[3].data);
            ngx_http_authgw_labelled(t, "authgw_provider_requests_total",
                                     labels, 4, st->outcomes[k]);
        }
    }

    ngx_http_authgw_text(t, "# HELP authgw_discovery_fetches_total "
                         "Metadata fetches, by provider and result.\n"
                         "# TYPE authgw_discovery_fetches_total counter\n");

    ngx_str_set(&labels[2], "result");

    for (i = 0; i < amcf->providers.nelts; i++) {
        st = amcf->named[i];
        labels[1] = pv[i]->name;

        for (k = 0; st != NULL && pv[i]->discovery.len
                    && k < NGX_HTTP_AUTHGW_FETCH_N; k++)
        {
            labels[3] = ngx_http_authgw_results[k];
            ngx_http_authgw_labelled(t, "authgw_discovery_fetches_total",
                                     labels, 4, st->fetches[k]);
        }
    }

    ngx_http_authgw_text(t, "# HELP authgw_discovery_last_success_age_"
                         "seconds Seconds since the last good metadata, by "
                         "provider (absent: none yet).\n"
                         "# TYPE authgw_discovery_last_success_age_seconds "
                         "gauge\n");

    for (i = 0; i < amcf->providers.nelts; i++) {
        st = amcf->named[i];
        last = st ? (time_t) st->last_success : 0;
        labels[1] = pv[i]->name;

        if (last != 0) {
            ngx_http_authgw_labelled(t, "authgw_discovery_last_success_age_"
                                     "seconds", labels, 2,
                                     now > last ? now - last : 0);
        }
    }
}


/*
 * One sample, metric{name="value",...} value: labels holds n / 2 pairs,
 * escaped. Counting gives a value its longest text, as stub_status does.
 */

static void
ngx_http_authgw_labelled(ngx_http_authgw_text_t *t, const char *metric,
    ngx_str_t *labels, ngx_uint_t n, ngx_atomic_uint_t value)
{
    u_char      *start;
    ngx_uint_t   i;

    ngx_http_authgw_text(t, metric);

    for (i = 0; i < n; i += 2) {
        ngx_http_authgw_text(t, i ? "," : "{");
        ngx_http_authgw_label(t, &labels[i]);
        ngx_http_authgw_text(t, "=\"");
        ngx_http_authgw_label(t, &labels[i + 1]);
        ngx_http_authgw_text(t, "\"");
    }

    ngx_http_authgw_text(t, "} ");

    if (t->p == NULL) {
        t->size += NGX_ATOMIC_T_LEN + 1;
        return;
    }

    start = t->p;
    t->p = ngx_sprintf(t->p, "%uA\n", value);
    t->size += t->p - start;
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


static const char *
ngx_http_authgw_outcome(ngx_uint_t k)
{
    if (k == AUTHGW_OK) {
        return "ok";
    }

    if (k == NGX_HTTP_AUTHGW_ANONYMOUS) {
        return "anonymous";
    }

    if (k == NGX_HTTP_AUTHGW_PREFLIGHT) {
        return "cors_preflight";
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
    size_t                        size;
    ngx_uint_t                    i;
    ngx_http_authgw_remote_t    **remotes;
    ngx_http_authgw_provider_t  **pv;

    if (!amcf->status) {
        return NGX_OK;
    }

    remotes = amcf->remotes.elts;

    amcf->sources = ngx_pcalloc(cf->pool,
                                (amcf->remotes.nelts + 1) * sizeof(void *));
    amcf->named = ngx_pcalloc(cf->pool,
                              (amcf->providers.nelts + 1) * sizeof(void *));
    if (amcf->sources == NULL || amcf->named == NULL) {
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
                     + remotes[i]->uri.len
                     + (remotes[i]->provider
                        ? remotes[i]->provider->name.len : 0));
    }

    pv = amcf->providers.elts;

    for (i = 0; i < amcf->providers.nelts; i++) {
        size += 4 * (sizeof(ngx_http_authgw_source_stats_t)
                     + pv[i]->name.len);
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


/*
 * nginx -t warns about an authgw_status location that every client can
 * read: it tells which key sources fail and how many tokens are refused
 * for each reason. Closed is: internal, authgw on, rules of allow/deny,
 * auth_basic or auth_request there, or a server that listens on loopback
 * and unix sockets only. The other modules' settings are private; the
 * heads of their configurations, unchanged since nginx 1.0, are read by
 * module name, so a build without one of them still loads this module.
 */

typedef struct {
    ngx_array_t                *rules;
#if (NGX_HAVE_INET6)
    ngx_array_t                *rules6;
#endif
#if (NGX_HAVE_UNIX_DOMAIN)
    ngx_array_t                *rules_un;
#endif
} ngx_http_authgw_access_head_t;

typedef struct {
    ngx_http_complex_value_t   *realm;
    ngx_http_complex_value_t   *user_file;
} ngx_http_authgw_auth_basic_head_t;

typedef struct {
    ngx_str_t                   uri;
} ngx_http_authgw_auth_request_head_t;


void
ngx_http_authgw_status_check(ngx_conf_t *cf, ngx_http_authgw_loc_conf_t *alcf)
{
    ngx_http_core_loc_conf_t             *clcf;
    ngx_http_authgw_access_head_t        *access;
    ngx_http_authgw_auth_basic_head_t    *basic;
    ngx_http_authgw_auth_request_head_t  *request;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->internal || alcf->enable == 1) {
        return;
    }

    access = ngx_http_authgw_conf_of(cf, "ngx_http_access_module");

    if (access != NULL
        && (access->rules != NULL
#if (NGX_HAVE_INET6)
            || access->rules6 != NULL
#endif
#if (NGX_HAVE_UNIX_DOMAIN)
            || access->rules_un != NULL
#endif
           ))
    {
        return;
    }

    basic = ngx_http_authgw_conf_of(cf, "ngx_http_auth_basic_module");

    /* as auth_basic decides: a realm and a file, the realm not "off" */

    if (basic != NULL && basic->realm != NULL && basic->user_file != NULL
        && !(basic->realm->lengths == NULL
             && basic->realm->value.len == 3
             && ngx_strncmp(basic->realm->value.data, "off", 3) == 0))
    {
        return;
    }

    request = ngx_http_authgw_conf_of(cf, "ngx_http_auth_request_module");

    if (request != NULL && request->uri.len) {
        return;
    }

    if (ngx_http_authgw_local_only(cf)) {
        return;
    }

    ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                  "\"authgw_status\" in %s:%ui is open to every client: "
                  "limit it with allow and deny, auth_basic, auth_request "
                  "or internal, or serve it on a loopback address only",
                  alcf->status_file, alcf->status_line);
}


/* this location's configuration of another HTTP module, found by name */

static void *
ngx_http_authgw_conf_of(ngx_conf_t *cf, const char *name)
{
    ngx_uint_t             i;
    ngx_module_t          *m;
    ngx_http_conf_ctx_t   *ctx;

    ctx = cf->ctx;

    for (i = 0; cf->cycle->modules[i]; i++) {
        m = cf->cycle->modules[i];

        if (m->type == NGX_HTTP_MODULE && ngx_strcmp(m->name, name) == 0) {
            return ctx->loc_conf[m->ctx_index];
        }
    }

    return NULL;
}


/* 1 if the server of this location listens on loopback or unix only */

static ngx_uint_t
ngx_http_authgw_local_only(ngx_conf_t *cf)
{
    ngx_uint_t                  p, a, s;
    struct sockaddr            *sa;
    ngx_http_conf_port_t       *port;
    ngx_http_conf_addr_t       *addr;
    ngx_http_core_srv_conf_t   *cscf, **servers;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);

    if (cmcf->ports == NULL) {
        return 0;
    }

    port = cmcf->ports->elts;

    for (p = 0; p < cmcf->ports->nelts; p++) {
        addr = port[p].addrs.elts;

        for (a = 0; a < port[p].addrs.nelts; a++) {
            servers = addr[a].servers.elts;

            for (s = 0; s < addr[a].servers.nelts; s++) {
                if (servers[s] != cscf) {
                    continue;
                }

                sa = addr[a].opt.sockaddr;

                if (!ngx_http_authgw_loopback(sa)) {
                    return 0;
                }
            }
        }
    }

    return 1;
}


static ngx_uint_t
ngx_http_authgw_loopback(struct sockaddr *sa)
{
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    switch (sa->sa_family) {

    case AF_INET:
        sin = (struct sockaddr_in *) sa;
        return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) sa;
        return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
#endif

#if (NGX_HAVE_UNIX_DOMAIN)
    case AF_UNIX:
        return 1;
#endif

    default:
        return 0;
    }
}
