
/*
 * authgw_set_header: the client's copies of an owned header go, without
 * moving a slot of the list nginx points into, then the gateway's is set.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_authgw_module.h"


static ngx_int_t ngx_http_authgw_strip_headers(ngx_http_request_t *r,
    ngx_array_t *owned);
static ngx_uint_t ngx_http_authgw_has_owned(ngx_list_t *list,
    ngx_array_t *owned);
static ngx_uint_t ngx_http_authgw_owned(ngx_str_t *name, ngx_array_t *owned);


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
    ngx_uint_t                   k, n;
    ngx_table_elt_t             *h;
    ngx_http_authgw_header_t    *hs;
    ngx_http_authgw_loc_conf_t  *alcf;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_authgw_module);

    if (alcf->set_headers == NULL) {
        return NGX_DECLINED;
    }

    if (ngx_http_authgw_strip_headers(r, alcf->set_headers) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    hs = alcf->set_headers->elts;

    for (k = 0; k < alcf->set_headers->nelts; k++) {
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

        h = ngx_list_push(&r->headers_in.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->key = hs[k].name;
        h->value = value;
        h->lowcase_key = ngx_pnalloc(r->pool, h->key.len);
        if (h->lowcase_key == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = ngx_hash_strlow(h->lowcase_key, h->key.data, h->key.len);
#if (nginx_version >= 1023000)
        h->next = NULL;
#endif
    }

    return NGX_DECLINED;
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
ngx_http_authgw_strip_headers(ngx_http_request_t *r, ngx_array_t *owned)
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

    if (r == r->main && !ngx_http_authgw_has_owned(list, owned)) {
        return NGX_OK;
    }

    head.next = NULL;
    tail = &head;

    for (part = &list->part; part != NULL; part = part->next) {
        h = part->elts;
        start = 0;

        for (i = 0; i <= part->nelts; i++) {

            if (i < part->nelts) {
                if (!ngx_http_authgw_owned(&h[i].key, owned)) {
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


/* 1 if the list holds a header of an owned name */

static ngx_uint_t
ngx_http_authgw_has_owned(ngx_list_t *list, ngx_array_t *owned)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    for (part = &list->part; part != NULL; part = part->next) {
        h = part->elts;

        for (i = 0; i < part->nelts; i++) {
            if (ngx_http_authgw_owned(&h[i].key, owned)) {
                return 1;
            }
        }
    }

    return 0;
}


/* 1 if the header is one of the owned names */

static ngx_uint_t
ngx_http_authgw_owned(ngx_str_t *name, ngx_array_t *owned)
{
    ngx_uint_t                 k;
    ngx_http_authgw_header_t  *hs;

    hs = owned->elts;

    for (k = 0; k < owned->nelts; k++) {
        if (ngx_http_authgw_same_header(name, &hs[k].name)) {
            return 1;
        }
    }

    return 0;
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
