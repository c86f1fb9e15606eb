
/*
 * authgw_set_header and strip_token: the client's copies of an owned
 * header (and the token, under strip_token) go, without moving a slot of
 * the list nginx points into, then the gateway's are set.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_authgw_module.h"


/* what leaves the request's headers in the precontent phase */
typedef struct {
    ngx_http_authgw_loc_conf_t *conf;
    ngx_uint_t                  strip;        /* strip_token applies */
    ngx_uint_t                  bearer;       /* Authorization goes */
    ngx_uint_t                  cookie;       /* Cookie is replaced */
} ngx_http_authgw_drop_t;


static void ngx_http_authgw_stripped(ngx_http_request_t *r,
    ngx_http_authgw_drop_t *drop);
static void ngx_http_authgw_forget(ngx_http_request_t *r, ngx_int_t index);
static ngx_table_elt_t *ngx_http_authgw_push(ngx_http_request_t *r,
    ngx_str_t *name, ngx_str_t *value);
static ngx_int_t ngx_http_authgw_strip_headers(ngx_http_request_t *r,
    ngx_http_authgw_drop_t *drop);
static ngx_uint_t ngx_http_authgw_has_owned(ngx_list_t *list,
    ngx_http_authgw_drop_t *drop);
static ngx_uint_t ngx_http_authgw_owned(ngx_str_t *name,
    ngx_http_authgw_drop_t *drop);
static ngx_uint_t ngx_http_authgw_has_bearer(
    ngx_http_authgw_loc_conf_t *alcf);
static ngx_int_t ngx_http_authgw_cookies_left(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_str_t *out);
static ngx_int_t ngx_http_authgw_set_cookie(ngx_http_request_t *r,
    ngx_str_t *value);


/*
 * authgw_set_header, in the precontent phase: whatever the access phase
 * decided (a token, anonymous, satisfy any), every client-sent header of
 * that name is removed before the request can reach an upstream, then the
 * gateway's value is set when it is not empty.
 */

ngx_int_t
ngx_http_authgw_header_handler(ngx_http_request_t *r)
{
    ngx_str_t                    value;
    ngx_uint_t                   k, n, nset;
    ngx_http_authgw_header_t    *hs;
    ngx_http_authgw_loc_conf_t  *alcf;

    /* the module's own fetches: their headers are the gateway's alone */

    if (ngx_http_authgw_is_fetch(r)) {
        return NGX_DECLINED;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_authgw_module);

    if (ngx_http_authgw_strip(r, alcf) == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    hs = alcf->set_headers ? alcf->set_headers->elts : NULL;
    nset = alcf->set_headers ? alcf->set_headers->nelts : 0;

    for (k = 0; k < nset; k++) {
        if (ngx_http_complex_value(r, &hs[k].value, &value) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (value.len == 0) {
            continue;
        }

        /* a value that holds a control character is never put into one */

        for (n = 0; n < value.len; n++) {
            if (value.data[n] < 0x20 || value.data[n] == 0x7f) {
                break;
            }
        }

        if (n < value.len) {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "authgw: header \"%V\" not set: its value holds "
                          "a control character", &hs[k].name);
            continue;
        }

        if (ngx_http_authgw_push(r, &hs[k].name, &value) == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return NGX_DECLINED;
}


/*
 * nginx's own view of what strip_token removed: its pointers, the Basic
 * credentials it parsed from the Authorization field, and the values of
 * the variables that read them, kept since a first read (the token's own
 * $cookie_NAME or $http_NAME among them): they are read again
 */

static void
ngx_http_authgw_stripped(ngx_http_request_t *r, ngx_http_authgw_drop_t *drop)
{
    ngx_uint_t                    k;
    ngx_http_authgw_source_t     *src;
    ngx_http_authgw_main_conf_t  *amcf;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_authgw_module);

    if (drop->bearer) {
        r->headers_in.authorization = NULL;
        ngx_str_null(&r->headers_in.user);
        ngx_str_null(&r->headers_in.passwd);

        ngx_http_authgw_forget(r, amcf->strip_vars[0]);
        ngx_http_authgw_forget(r, amcf->strip_vars[1]);
    }

    if (drop->cookie) {
        ngx_http_authgw_forget(r, amcf->strip_vars[2]);
    }

    if (drop->conf->sources == NULL) {
        return;
    }

    src = drop->conf->sources->elts;

    for (k = 0; k < drop->conf->sources->nelts; k++) {
        if (src[k].cookie.len || src[k].header.len) {
            ngx_http_authgw_forget(r, src[k].index);
        }
    }
}


static void
ngx_http_authgw_forget(ngx_http_request_t *r, ngx_int_t index)
{
    r->variables[index].valid = 0;
    r->variables[index].not_found = 0;
}


/* a header of the gateway's, at the end of the list */

static ngx_table_elt_t *
ngx_http_authgw_push(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_in.headers);
    if (h == NULL) {
        return NULL;
    }

    h->key = *name;
    h->value = *value;
    h->lowcase_key = ngx_pnalloc(r->pool, h->key.len);
    if (h->lowcase_key == NULL) {
        return NULL;
    }

    h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, h->key.len);
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return h;
}


/*
 * The client's copies of the owned headers go, and under strip_token the
 * token: here in the precontent phase, and at once when the access phase
 * refuses the request (an error_page may send it on to an upstream).
 * NGX_DECLINED: nothing to do.
 */

ngx_int_t
ngx_http_authgw_strip(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf)
{
    ngx_str_t                cookie;
    ngx_http_authgw_ctx_t   *ctx;
    ngx_http_authgw_drop_t   drop;

    ngx_memzero(&drop, sizeof(ngx_http_authgw_drop_t));
    drop.conf = alcf;
    drop.strip = (alcf->enable == 1 && alcf->strip);

    if (alcf->set_headers == NULL && !drop.strip) {
        return NGX_DECLINED;
    }

    if (drop.strip) {
        ctx = ngx_http_authgw_get_ctx(r);
        if (ctx != NULL) {
            ctx->stripped = 1;
        }

        drop.bearer = ngx_http_authgw_has_bearer(alcf);

        if (alcf->strip_cookies != NULL) {
            switch (ngx_http_authgw_cookies_left(r, alcf, &cookie)) {
            case NGX_ERROR:
                return NGX_ERROR;
            case NGX_OK:
                drop.cookie = 1;
                break;
            default: /* NGX_DECLINED: no token cookie */
                break;
            }
        }
    }

    if (ngx_http_authgw_strip_headers(r, &drop) != NGX_OK) {
        return NGX_ERROR;
    }

    if (drop.strip) {
        if (drop.cookie && ngx_http_authgw_set_cookie(r, &cookie) != NGX_OK)
        {
            return NGX_ERROR;
        }

        ngx_http_authgw_stripped(r, &drop);
    }

    return NGX_OK;
}


/*
 * Drops the client's copies of the owned headers without moving or
 * writing any slot: nginx keeps pointers into the slots (headers_in.host,
 * user_agent, authorization, the cookies), and a subrequest shares the
 * slots and the part descriptors with its parent. So the list gets new
 * descriptors over the runs of slots kept, and the next push takes a new
 * part instead of a removed or shared slot.
 */

static ngx_int_t
ngx_http_authgw_strip_headers(ngx_http_request_t *r,
    ngx_http_authgw_drop_t *drop)
{
    ngx_uint_t        i, start;
    ngx_list_t       *list;
    ngx_list_part_t  *part, *run, head, *tail;
    ngx_table_elt_t  *h;

    list = &r->headers_in.headers;

    /*
     * the common case, no copy in the main request, allocates nothing; a
     * subrequest's pushes must not reach its parent's descriptors, so its
     * list is always rebuilt
     */

    if (r == r->main && !ngx_http_authgw_has_owned(list, drop)) {
        return NGX_OK;
    }

    head.next = NULL;
    tail = &head;

    for (part = &list->part; part != NULL; part = part->next) {
        h = part->elts;
        start = 0;

        for (i = 0; i <= part->nelts; i++) {

            if (i < part->nelts) {
                if (!ngx_http_authgw_owned(&h[i].key, drop)) {
                    continue;
                }

                ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                               "authgw: removed client header \"%V\"",
                               &h[i].key);
            }

            if (i == start) {
                start = i + 1;
                continue;
            }

            run = ngx_palloc(r->pool, sizeof(ngx_list_part_t));
            if (run == NULL) {
                return NGX_ERROR;
            }

            run->elts = &h[start];
            run->nelts = i - start;
            run->next = NULL;

            tail->next = run;
            tail = run;
            start = i + 1;
        }
    }

    if (head.next == NULL) {
        list->part.elts = ngx_palloc(r->pool, list->nalloc * list->size);
        if (list->part.elts == NULL) {
            return NGX_ERROR;
        }

        list->part.nelts = 0;
        list->part.next = NULL;
        list->last = &list->part;

        return NGX_OK;
    }

    list->part = *head.next;
    list->last = (tail == head.next) ? &list->part : tail;
    list->nalloc = list->last->nelts;

    return NGX_OK;
}


/* 1 if the list holds a header that goes */

static ngx_uint_t
ngx_http_authgw_has_owned(ngx_list_t *list, ngx_http_authgw_drop_t *drop)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    for (part = &list->part; part != NULL; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (ngx_http_authgw_owned(&h[i].key, drop)) {
                return 1;
            }
        }
    }

    return 0;
}


/*
 * 1 if the header goes: a name that authgw_set_header owns, and under
 * strip_token the Authorization header (token=bearer), a token header
 * ($http_NAME), the Cookie field being replaced
 */

static ngx_uint_t
ngx_http_authgw_owned(ngx_str_t *name, ngx_http_authgw_drop_t *drop)
{
    ngx_uint_t                  k;
    ngx_http_authgw_source_t   *src;
    ngx_http_authgw_header_t   *hs;
    ngx_http_authgw_loc_conf_t *alcf;

    static ngx_str_t  authorization = ngx_string("Authorization");
    static ngx_str_t  cookie = ngx_string("Cookie");

    alcf = drop->conf;

    if (alcf->set_headers != NULL) {
        hs = alcf->set_headers->elts;

        for (k = 0; k < alcf->set_headers->nelts; k++) {
            if (ngx_http_authgw_same_header(name, &hs[k].name)) {
                return 1;
            }
        }
    }

    if (!drop->strip) {
        return 0;
    }

    if ((drop->bearer && ngx_http_authgw_same_header(name, &authorization))
        || (drop->cookie && ngx_http_authgw_same_header(name, &cookie)))
    {
        return 1;
    }

    if (alcf->sources != NULL) {
        src = alcf->sources->elts;

        for (k = 0; k < alcf->sources->nelts; k++) {
            if (src[k].header.len
                && ngx_http_authgw_same_header(name, &src[k].header))
            {
                return 1;
            }
        }
    }

    return 0;
}


/* the Authorization header is a token source: by default, or token=bearer */

static ngx_uint_t
ngx_http_authgw_has_bearer(ngx_http_authgw_loc_conf_t *alcf)
{
    ngx_uint_t                 k;
    ngx_http_authgw_source_t  *src;

    if (alcf->sources == NULL) {
        return 1;
    }

    src = alcf->sources->elts;

    for (k = 0; k < alcf->sources->nelts; k++) {
        if (src[k].value == NULL) {
            return 1;
        }
    }

    return 0;
}


/*
 * The request's Cookie fields without the token's cookies, as one value
 * (what HTTP/2 makes of them too): NGX_OK when a cookie went, NGX_DECLINED
 * when none did and the fields stay as they are. A cookie ends at ";" and
 * at ",": nginx up to 1.29.5 reads $cookie_NAME after either (1.29.6 after
 * ";" only), and an upstream may too, so a token there goes whatever the
 * nginx version.
 */

static ngx_int_t
ngx_http_authgw_cookies_left(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_str_t *out)
{
    size_t            len, n, removed, total;
    u_char           *p;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    static ngx_str_t  cookie = ngx_string("Cookie");

    len = 0;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (ngx_http_authgw_same_header(&h[i].key, &cookie)) {
                len += h[i].value.len + 2;
            }
        }
    }

    if (len == 0) {
        return NGX_DECLINED;
    }

    out->data = ngx_pnalloc(r->pool, len);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    p = out->data;
    total = 0;

    for (part = &r->headers_in.headers.part; part; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (!ngx_http_authgw_same_header(&h[i].key, &cookie)) {
                continue;
            }

            if (p > out->data) {
                *p++ = ';';
                *p++ = ' ';
            }

            n = authgw_cookie_strip((const char *) h[i].value.data,
                                    h[i].value.len,
                                    alcf->strip_cookies->elts,
                                    alcf->strip_cookies->nelts, 1,
                                    (char *) p, &removed);

            total += removed;

            if (n == 0 && p > out->data) {
                p -= 2;
            }

            p += n;
        }
    }

    if (total == 0) {
        return NGX_DECLINED;
    }

    out->len = p - out->data;

    return NGX_OK;
}


/*
 * The Cookie field left, if any, pushed as a new slot (the client's are
 * dropped), and nginx's own view of the cookies made anew for this
 * request: a subrequest shares its parent's.
 */

static ngx_int_t
ngx_http_authgw_set_cookie(ngx_http_request_t *r, ngx_str_t *value)
{
    ngx_table_elt_t   *h;
#if (nginx_version < 1023000)
    ngx_table_elt_t  **hp;
#endif

    static ngx_str_t  cookie = ngx_string("Cookie");

    h = NULL;

    if (value->len) {
        h = ngx_http_authgw_push(r, &cookie, value);
        if (h == NULL) {
            return NGX_ERROR;
        }
    }

#if (nginx_version < 1023000)
    if (ngx_array_init(&r->headers_in.cookies, r->pool, 1,
                       sizeof(ngx_table_elt_t *))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (h != NULL) {
        hp = ngx_array_push(&r->headers_in.cookies);
        if (hp == NULL) {
            return NGX_ERROR;
        }

        *hp = h;
    }
#else
    r->headers_in.cookie = h;
#endif

    return NGX_OK;
}


/* case-insensitive, and "-" and "_" alike: FastCGI and others fold them */

ngx_uint_t
ngx_http_authgw_same_header(ngx_str_t *a, ngx_str_t *b)
{
    u_char      c1, c2;
    ngx_uint_t  i;

    if (a->len != b->len) {
        return 0;
    }

    for (i = 0; i < a->len; i++) {
        c1 = ngx_tolower(a->data[i]);
        c2 = ngx_tolower(b->data[i]);

        if (c1 == '_') {
            c1 = '-';
        }

        if (c2 == '_') {
            c2 = '-';
        }

        if (c1 != c2) {
            return 0;
        }
    }

    return 1;
}
