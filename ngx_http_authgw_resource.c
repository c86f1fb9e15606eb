
/*
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): authgw_protected_resource
 * makes a location serve the document, built once from its parameters at
 * configuration load.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_authgw_module.h"


#define NGX_HTTP_AUTHGW_RES_TEXT    0
#define NGX_HTTP_AUTHGW_RES_URL     1     /* http or https */
#define NGX_HTTP_AUTHGW_RES_ISSUER  2     /* https, no query, no fragment */
#define NGX_HTTP_AUTHGW_RES_SCOPE   3
#define NGX_HTTP_AUTHGW_RES_METHOD  4

/* entries of ngx_http_authgw_resource_params */
#define NGX_HTTP_AUTHGW_RES_RESOURCE  0
#define NGX_HTTP_AUTHGW_RES_PARAMS    1   /* the first of the parameters */
#define NGX_HTTP_AUTHGW_RES_METHODS   3


typedef struct {
    const char                 *name;
    const char                 *member;
    ngx_uint_t                  list;     /* an array, one value each */
    ngx_uint_t                  rule;
} ngx_http_authgw_resource_param_t;


static char *ngx_http_authgw_resource_param(ngx_conf_t *cf, json_t *doc,
    ngx_str_t *v);
static char *ngx_http_authgw_resource_url(ngx_str_t *url, unsigned flags,
    ngx_uint_t issuer);
static char *ngx_http_authgw_resource_add(json_t *doc,
    ngx_http_authgw_resource_param_t *p, ngx_str_t *v);
static ngx_int_t ngx_http_authgw_resource_handler(ngx_http_request_t *r);


static ngx_http_authgw_resource_param_t  ngx_http_authgw_resource_params[] = {
    { "resource", "resource", 0, NGX_HTTP_AUTHGW_RES_TEXT },
    { "authorization_server", "authorization_servers", 1,
      NGX_HTTP_AUTHGW_RES_ISSUER },
    { "scope", "scopes_supported", 1, NGX_HTTP_AUTHGW_RES_SCOPE },
    { "bearer_method", "bearer_methods_supported", 1,
      NGX_HTTP_AUTHGW_RES_METHOD },
    { "resource_name", "resource_name", 0, NGX_HTTP_AUTHGW_RES_TEXT },
    { "resource_documentation", "resource_documentation", 0,
      NGX_HTTP_AUTHGW_RES_URL },
    { NULL, NULL, 0, 0 }
};

static ngx_str_t  ngx_http_authgw_resource_header = ngx_string("header");
static ngx_str_t  ngx_http_authgw_resource_allow = ngx_string("Allow");


/*
 * authgw_protected_resource RESOURCE [authorization_server=URL]...
 *     [scope=SCOPE]... [bearer_method=header|body|query]...
 *     [resource_name=TEXT] [resource_documentation=URL];
 */

char *
ngx_http_authgw_protected_resource(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    char                      *rv, *text;
    size_t                     len;
    json_t                    *doc;
    ngx_str_t                 *value;
    ngx_uint_t                 i;
    ngx_http_core_loc_conf_t  *clcf;

    if (alcf->resource.data != NULL) {
        return "is duplicate";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler != NULL) {
        return "conflicts with another directive that makes the response "
               "(proxy_pass, fastcgi_pass, authgw_status...)";
    }

    value = cf->args->elts;

    rv = ngx_http_authgw_resource_url(&value[1], AUTHGW_URL_NO_FRAGMENT, 0);
    if (rv != NGX_CONF_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw_protected_resource\": the resource "
                           "\"%V\" %s", &value[1], rv);
        return NGX_CONF_ERROR;
    }

    doc = json_object();
    if (doc == NULL) {
        return NGX_CONF_ERROR;
    }

    rv = ngx_http_authgw_resource_add(doc,
             &ngx_http_authgw_resource_params[NGX_HTTP_AUTHGW_RES_RESOURCE],
             &value[1]);

    for (i = 2; rv == NGX_CONF_OK && i < cf->args->nelts; i++) {
        rv = ngx_http_authgw_resource_param(cf, doc, &value[i]);
    }

    /* RFC 9728 2: bearer_methods_supported; the header is what authgw reads */

    if (rv == NGX_CONF_OK
        && json_object_get(doc, "bearer_methods_supported") == NULL)
    {
        rv = ngx_http_authgw_resource_add(doc,
                 &ngx_http_authgw_resource_params[NGX_HTTP_AUTHGW_RES_METHODS],
                 &ngx_http_authgw_resource_header);
    }

    text = (rv == NGX_CONF_OK) ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);

    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (text == NULL) {
        return NGX_CONF_ERROR;
    }

    len = ngx_strlen(text);
    alcf->resource.data = ngx_pnalloc(cf->pool, len + 1);

    if (alcf->resource.data == NULL) {
        free(text);
        return NGX_CONF_ERROR;
    }

    alcf->resource.len = ngx_cpymem(alcf->resource.data, text, len)
                         - alcf->resource.data;
    alcf->resource.data[len] = '\n';
    alcf->resource.len++;
    free(text);

    clcf->handler = ngx_http_authgw_resource_handler;

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_resource_param(ngx_conf_t *cf, json_t *doc, ngx_str_t *v)
{
    char                             *rv;
    u_char                           *eq;
    ngx_str_t                         name, arg;
    ngx_uint_t                        i;
    ngx_http_authgw_resource_param_t *p;

    eq = ngx_strlchr(v->data, v->data + v->len, '=');

    if (eq == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw_protected_resource\": invalid "
                           "parameter \"%V\"", v);
        return NGX_CONF_ERROR;
    }

    name.data = v->data;
    name.len = eq - v->data;
    arg.data = eq + 1;
    arg.len = v->data + v->len - arg.data;

    p = NULL;

    /* the resource itself is the first argument, not a parameter */

    for (i = NGX_HTTP_AUTHGW_RES_PARAMS;
         ngx_http_authgw_resource_params[i].name != NULL;
         i++)
    {
        if (name.len == ngx_strlen(ngx_http_authgw_resource_params[i].name)
            && ngx_strncmp(name.data, ngx_http_authgw_resource_params[i].name,
                           name.len)
               == 0)
        {
            p = &ngx_http_authgw_resource_params[i];
            break;
        }
    }

    if (p == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw_protected_resource\": unknown "
                           "parameter \"%V\"", v);
        return NGX_CONF_ERROR;
    }

    rv = ngx_http_authgw_resource_add(doc, p, &arg);

    if (rv != NGX_CONF_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw_protected_resource\": \"%V\" %s", v, rv);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * A member of the document: a list takes one value per parameter, in
 * order, none twice; a string is given once. Each value meets its rule.
 */

static char *
ngx_http_authgw_resource_add(json_t *doc,
    ngx_http_authgw_resource_param_t *p, ngx_str_t *v)
{
    char        *rv;
    json_t      *a, *s, *e;
    size_t       i;
    ngx_uint_t   k;

    if (v->len == 0) {
        return "has no value";
    }

    for (k = 0; k < v->len; k++) {
        if (v->data[k] < 0x20 || v->data[k] == 0x7f) {
            return "has a control character";
        }
    }

    rv = NGX_CONF_OK;

    switch (p->rule) {

    case NGX_HTTP_AUTHGW_RES_ISSUER:
        rv = ngx_http_authgw_resource_url(v, AUTHGW_URL_NO_FRAGMENT, 1);
        break;

    case NGX_HTTP_AUTHGW_RES_URL:
        rv = ngx_http_authgw_resource_url(v, AUTHGW_URL_HTTP, 0);
        break;

    case NGX_HTTP_AUTHGW_RES_SCOPE:

        /* RFC 6749 3.3: a scope token is %x21 / %x23-5B / %x5D-7E */

        for (k = 0; k < v->len; k++) {
            if (v->data[k] <= 0x20 || v->data[k] == '"'
                || v->data[k] == '\\' || v->data[k] >= 0x7f)
            {
                rv = "is not a scope token (RFC 6749 3.3)";
            }
        }

        break;

    case NGX_HTTP_AUTHGW_RES_METHOD:
        if (!(v->len == 6 && ngx_strncmp(v->data, "header", 6) == 0)
            && !(v->len == 4 && ngx_strncmp(v->data, "body", 4) == 0)
            && !(v->len == 5 && ngx_strncmp(v->data, "query", 5) == 0))
        {
            rv = "is not header, body or query";
        }

        break;

    default: /* NGX_HTTP_AUTHGW_RES_TEXT */
        break;
    }

    if (rv != NGX_CONF_OK) {
        return rv;
    }

    s = json_stringn((const char *) v->data, v->len);
    if (s == NULL) {
        return "is not UTF-8";
    }

    if (!p->list) {
        if (json_object_get(doc, p->member) != NULL) {
            json_decref(s);
            return "is duplicate";
        }

        return json_object_set_new(doc, p->member, s) == 0 ? NGX_CONF_OK
                                                           : NGX_CONF_ERROR;
    }

    a = json_object_get(doc, p->member);

    if (a == NULL) {
        a = json_array();

        if (a == NULL || json_object_set_new(doc, p->member, a) != 0) {
            json_decref(s);
            return NGX_CONF_ERROR;
        }
    }

    json_array_foreach(a, i, e) {
        if (json_equal(e, s)) {
            json_decref(s);
            return "is duplicate";
        }
    }

    return json_array_append_new(a, s) == 0 ? NGX_CONF_OK : NGX_CONF_ERROR;
}


/*
 * RFC 9728 1.2: the resource is an https URL without a fragment; RFC 8414
 * 2: an authorization server's issuer has no query either
 */

static char *
ngx_http_authgw_resource_url(ngx_str_t *url, unsigned flags,
    ngx_uint_t issuer)
{
    char  origin[AUTHGW_URL_MAX + 1];

    if (authgw_url_origin((const char *) url->data, url->len, flags, origin,
                          sizeof(origin))
        == 0)
    {
        return (flags & AUTHGW_URL_HTTP)
               ? "is not an http or https URL"
               : "is not an https URL without a fragment";
    }

    if (issuer && ngx_strlchr(url->data, url->data + url->len, '?') != NULL) {
        return "has a query, which an issuer never has (RFC 8414 2)";
    }

    return NGX_CONF_OK;
}


/*
 * An "if" or limit_except block inside the document's location serves
 * the document too. Where the module is on, the document would
 * need a token; where another directive made the response after this one,
 * it would not be served.
 */

char *
ngx_http_authgw_resource_check(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *prev, ngx_http_authgw_loc_conf_t *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->noname && conf->resource.data == NULL) {
        conf->resource = prev->resource;

        /* limit_except has a handler of its own, as proxy_pass does */

        if (clcf->lmt_excpt && clcf->handler == NULL
            && conf->resource.data != NULL)
        {
            clcf->handler = ngx_http_authgw_resource_handler;
        }

        return NGX_CONF_OK;
    }

    if (conf->resource.data == NULL) {
        return NGX_CONF_OK;
    }

    if (clcf->handler != ngx_http_authgw_resource_handler) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw_protected_resource\" in location "
                           "\"%V\" conflicts with another directive that "
                           "makes the response there", &clcf->name);
        return NGX_CONF_ERROR;
    }

    if (conf->enable == 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw_protected_resource\" in location "
                           "\"%V\" serves a public document: give "
                           "\"authgw off\" there", &clcf->name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* GET and HEAD; OPTIONS says so, for a browser's preflight (add_header) */

static ngx_int_t
ngx_http_authgw_resource_handler(ngx_http_request_t *r)
{
    ngx_int_t                    rc;
    ngx_buf_t                   *b;
    ngx_chain_t                  out;
    ngx_table_elt_t             *h;
    ngx_http_authgw_loc_conf_t  *alcf;

    /* RFC 9110 15.5.6: a 405 says which methods are allowed */

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        h = ngx_http_authgw_out_header(r, &ngx_http_authgw_resource_allow);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_str_set(&h->value, "GET, HEAD, OPTIONS");
    }

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_OPTIONS))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (r->method == NGX_HTTP_OPTIONS) {
        r->headers_out.status = NGX_HTTP_NO_CONTENT;
        r->header_only = 1;
        r->headers_out.content_length_n = 0;

        return ngx_http_send_header(r);
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_authgw_module);

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = alcf->resource.data;
    b->last = alcf->resource.data + alcf->resource.len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = alcf->resource.len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = sizeof("application/json") - 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}
