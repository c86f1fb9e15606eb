
/*
 * ngx_http_authgw_module: verifies a bearer JWT in the access phase.
 *
 * The nginx glue only: directives, configuration, the access handler,
 * variables and the WWW-Authenticate response. The verification itself is
 * the nginx-free core in src/.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "authgw.h"


typedef struct {
    ngx_flag_t                  used;
} ngx_http_authgw_main_conf_t;


typedef struct {
    authgw_key_t              **keys;
    size_t                      nkeys;
} ngx_http_authgw_keys_t;


typedef struct {
    ngx_int_t                   enable;       /* unset, 0: off, 1: on */
    ngx_http_complex_value_t   *realm;
    ngx_http_complex_value_t   *token;
    ngx_flag_t                  optional;

    ngx_http_authgw_keys_t     *keys;
    ngx_uint_t                  algs;
    ngx_array_t                *issuers;      /* of authgw_str_t */
    ngx_array_t                *audiences;    /* of authgw_str_t */
    time_t                      leeway;
    ngx_flag_t                  require_exp;
    ngx_flag_t                  error_detail;
    ngx_uint_t                  log_level;

    authgw_claims_policy_t      policy;
} ngx_http_authgw_loc_conf_t;


typedef struct {
    ngx_http_authgw_loc_conf_t *conf;         /* verified for this conf */
    authgw_status_t             status;
    json_t                     *header;
    json_t                     *payload;
} ngx_http_authgw_ctx_t;


static ngx_http_authgw_ctx_t *ngx_http_authgw_get_ctx(ngx_http_request_t *r);
static ngx_http_authgw_ctx_t *ngx_http_authgw_verify(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf);
static authgw_status_t ngx_http_authgw_bearer(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_str_t *token);
static void *ngx_http_authgw_alloc(void *data, size_t size);
static void ngx_http_authgw_cleanup(void *data);
static ngx_int_t ngx_http_authgw_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_authgw_refuse(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, authgw_status_t status);

static ngx_int_t ngx_http_authgw_value(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, json_t *value);
static ngx_int_t ngx_http_authgw_member(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, json_t *json, ngx_str_t *name,
    size_t prefix);
static ngx_int_t ngx_http_authgw_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_authgw_header_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_authgw_payload_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_authgw_error_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_http_authgw_ctx_t *ngx_http_authgw_variable_ctx(
    ngx_http_request_t *r);

static void ngx_http_authgw_free_keys(void *data);
static char *ngx_http_authgw(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_authgw_key_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_strings(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

static ngx_int_t ngx_http_authgw_add_variables(ngx_conf_t *cf);
static void *ngx_http_authgw_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_authgw_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_authgw_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_authgw_init(ngx_conf_t *cf);


static ngx_conf_enum_t  ngx_http_authgw_log_levels[] = {
    { ngx_string("info"), NGX_LOG_INFO },
    { ngx_string("notice"), NGX_LOG_NOTICE },
    { ngx_string("warn"), NGX_LOG_WARN },
    { ngx_string("error"), NGX_LOG_ERR },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_authgw_commands[] = {

    { ngx_string("authgw"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_HTTP_LMT_CONF
                        |NGX_CONF_TAKE123,
      ngx_http_authgw,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF
                        |NGX_CONF_TAKE123,
      ngx_http_authgw_key_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_algorithms"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_authgw_algorithms,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_issuer"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_authgw_strings,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, issuers),
      NULL },

    { ngx_string("authgw_audience"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_authgw_strings,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, audiences),
      NULL },

    { ngx_string("authgw_leeway"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, leeway),
      NULL },

    { ngx_string("authgw_require_exp"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, require_exp),
      NULL },

    { ngx_string("authgw_error_detail"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, error_detail),
      NULL },

    { ngx_string("authgw_log_level"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, log_level),
      &ngx_http_authgw_log_levels },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_authgw_module_ctx = {
    ngx_http_authgw_add_variables,         /* preconfiguration */
    ngx_http_authgw_init,                  /* postconfiguration */

    ngx_http_authgw_create_main_conf,      /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_authgw_create_loc_conf,       /* create location configuration */
    ngx_http_authgw_merge_loc_conf         /* merge location configuration */
};


ngx_module_t  ngx_http_authgw_module = {
    NGX_MODULE_V1,
    &ngx_http_authgw_module_ctx,           /* module context */
    ngx_http_authgw_commands,              /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_variable_t  ngx_http_authgw_vars[] = {

    { ngx_string("authgw_claim_"), NULL, ngx_http_authgw_claim_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_PREFIX, 0 },

    { ngx_string("authgw_header_"), NULL, ngx_http_authgw_header_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_PREFIX, 0 },

    { ngx_string("authgw_payload"), NULL, ngx_http_authgw_payload_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("authgw_error"), NULL, ngx_http_authgw_error_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_str_t  ngx_http_authgw_invalid = ngx_string("invalid_token");
static ngx_str_t  ngx_http_authgw_scope = ngx_string("insufficient_scope");


/*
 * The ctx survives an internal redirect in the pool cleanup that frees it,
 * the way ngx_http_realip_module keeps the original address.
 */

static ngx_http_authgw_ctx_t *
ngx_http_authgw_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t     *cln;
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_authgw_module);

    if (ctx == NULL) {
        for (cln = r->pool->cleanup; cln; cln = cln->next) {
            if (cln->handler == ngx_http_authgw_cleanup) {
                ctx = cln->data;
                ngx_http_set_ctx(r, ctx, ngx_http_authgw_module);
                break;
            }
        }
    }

    return ctx;
}


static void
ngx_http_authgw_cleanup(void *data)
{
    ngx_http_authgw_ctx_t  *ctx = data;

    json_decref(ctx->header);
    json_decref(ctx->payload);

    ctx->header = NULL;
    ctx->payload = NULL;
}


static void *
ngx_http_authgw_alloc(void *data, size_t size)
{
    return ngx_pnalloc(data, size);
}


/*
 * Verifies the request's token against the location's rules once; the
 * result is reused by the access handler and the variables, and redone
 * only when a redirect leads to a location with other rules.
 */

static ngx_http_authgw_ctx_t *
ngx_http_authgw_verify(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf)
{
    ngx_str_t                token;
    authgw_jws_t             jws;
    authgw_alloc_t           alloc;
    authgw_status_t          status;
    ngx_pool_cleanup_t      *cln;
    ngx_http_authgw_ctx_t   *ctx;
    ngx_http_authgw_keys_t  *keys;

    ctx = ngx_http_authgw_get_ctx(r);

    if (ctx != NULL && ctx->conf == alcf) {
        return ctx;
    }

    if (ctx == NULL) {
        cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_authgw_ctx_t));
        if (cln == NULL) {
            return NULL;
        }

        ctx = cln->data;
        ngx_memzero(ctx, sizeof(ngx_http_authgw_ctx_t));
        cln->handler = ngx_http_authgw_cleanup;

        ngx_http_set_ctx(r, ctx, ngx_http_authgw_module);

    } else {
        ngx_http_authgw_cleanup(ctx);
    }

    ctx->conf = alcf;

    status = ngx_http_authgw_bearer(r, alcf, &token);

    if (status == AUTHGW_OK) {
        keys = alcf->keys;
        alloc.alloc = ngx_http_authgw_alloc;
        alloc.data = r->pool;

        status = authgw_jws_verify(token.data, token.len, keys->keys,
                                   keys->nkeys, alcf->algs, &alloc, &jws);

        if (status == AUTHGW_OK) {
            status = authgw_claims_check(jws.payload, &alcf->policy,
                                         (int64_t) ngx_time());

            if (status == AUTHGW_OK) {
                ctx->header = jws.header;
                ctx->payload = jws.payload;

                ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                               "authgw: token verified, alg=%s key=%s",
                               authgw_alg_name(jws.alg),
                               jws.key->kid ? (char *) jws.key->kid : "-");

            } else {
                /* claims of a refused token are never exposed */
                authgw_jws_free(&jws);
            }
        }
    }

    ctx->status = status;

    return ctx;
}


/*
 * One Authorization field, the scheme "Bearer" in any letter case, 1*SP,
 * one token68; or the value of the token= variable.
 */

static authgw_status_t
ngx_http_authgw_bearer(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_str_t *token)
{
    u_char           *p, *last;
    ngx_uint_t        i, n;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *auth;

    if (alcf->token != NULL) {
        if (ngx_http_complex_value(r, alcf->token, token) != NGX_OK) {
            return AUTHGW_INTERNAL_ERROR;
        }

        return token->len ? AUTHGW_OK : AUTHGW_MISSING_TOKEN;
    }

    n = 0;
    auth = NULL;
    part = &r->headers_in.headers.part;
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

        if (h[i].key.len == sizeof("Authorization") - 1
            && ngx_strncasecmp(h[i].key.data, (u_char *) "Authorization",
                               sizeof("Authorization") - 1) == 0)
        {
            auth = &h[i];
            n++;
        }
    }

    if (n == 0) {
        return AUTHGW_MISSING_TOKEN;
    }

    /* a second field could be read by the upstream instead of this one */

    if (n > 1) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    p = auth->value.data;
    last = p + auth->value.len;

    if (auth->value.len < sizeof("Bearer") - 1
        || ngx_strncasecmp(p, (u_char *) "Bearer", sizeof("Bearer") - 1) != 0
        || (auth->value.len > sizeof("Bearer") - 1
            && p[6] != ' ' && p[6] != '\t'))
    {
        /* another scheme: no bearer token was offered */
        return AUTHGW_MISSING_TOKEN;
    }

    p += sizeof("Bearer") - 1;

    if (p == last || *p != ' ') {
        return AUTHGW_MALFORMED_TOKEN;
    }

    while (p < last && *p == ' ') {
        p++;
    }

    if (p == last) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    token->data = p;
    token->len = last - p;

    /* one token68: no whitespace or list after it */

    for ( /* void */ ; p < last; p++) {
        if (*p == ' ' || *p == '\t' || *p == ',') {
            return AUTHGW_MALFORMED_TOKEN;
        }
    }

    return AUTHGW_OK;
}


static ngx_int_t
ngx_http_authgw_handler(ngx_http_request_t *r)
{
    ngx_http_authgw_ctx_t       *ctx;
    ngx_http_authgw_loc_conf_t  *alcf;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_authgw_module);

    if (alcf->enable != 1) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_authgw_verify(r, alcf);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->status == AUTHGW_OK) {
        return NGX_OK;
    }

    if (ctx->status == AUTHGW_MISSING_TOKEN && alcf->optional) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "authgw: no token, anonymous");
        return NGX_OK;
    }

    if (ctx->status == AUTHGW_INTERNAL_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "authgw: internal error while verifying a token");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_log_error(alcf->log_level, r->connection->log, 0,
                  "authgw: refused: %s", authgw_status_str(ctx->status));

    return ngx_http_authgw_refuse(r, alcf, ctx->status);
}


/* RFC 6750 section 3: Bearer realm="...", error="...", error_description */

static ngx_int_t
ngx_http_authgw_refuse(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    authgw_status_t status)
{
    u_char           *p;
    size_t            len;
    ngx_str_t         realm, *error;
    ngx_int_t         code;
    ngx_uint_t        i;
    const char       *reason;
    ngx_table_elt_t  *h;

    if (ngx_http_complex_value(r, alcf->realm, &realm) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (status == AUTHGW_INSUFFICIENT_SCOPE
        || status == AUTHGW_CLAIM_MISMATCH)
    {
        code = NGX_HTTP_FORBIDDEN;
        error = &ngx_http_authgw_scope;

    } else {
        code = NGX_HTTP_UNAUTHORIZED;
        error = (status == AUTHGW_MISSING_TOKEN) ? NULL
                                                 : &ngx_http_authgw_invalid;
    }

    reason = authgw_status_str(status);

    len = sizeof("Bearer realm=\"\"") - 1 + realm.len * 2;

    if (error != NULL) {
        len += sizeof(", error=\"\"") - 1 + error->len;

        if (alcf->error_detail) {
            len += sizeof(", error_description=\"\"") - 1
                   + ngx_strlen(reason);
        }
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
    ngx_str_set(&h->key, "WWW-Authenticate");
    h->value.data = p;

    p = ngx_cpymem(p, "Bearer realm=\"", sizeof("Bearer realm=\"") - 1);

    /* the realm may hold variables: quote it as an RFC 9110 string */

    for (i = 0; i < realm.len; i++) {
        if (realm.data[i] == '"' || realm.data[i] == '\\') {
            *p++ = '\\';
        }

        *p++ = (realm.data[i] < 0x20 || realm.data[i] == 0x7f)
               ? ' ' : realm.data[i];
    }

    *p++ = '"';

    if (error != NULL) {
        p = ngx_sprintf(p, ", error=\"%V\"", error);

        if (alcf->error_detail) {
            p = ngx_sprintf(p, ", error_description=\"%s\"", reason);
        }
    }

    h->value.len = p - h->value.data;

    r->headers_out.www_authenticate = h;

    return code;
}


/*
 * In a location where authgw is on, the result for its rules (verified on
 * first use); elsewhere the last result, if any, e.g. after error_page.
 */

static ngx_http_authgw_ctx_t *
ngx_http_authgw_variable_ctx(ngx_http_request_t *r)
{
    ngx_http_authgw_loc_conf_t  *alcf;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_authgw_module);

    if (alcf->enable == 1) {
        return ngx_http_authgw_verify(r, alcf);
    }

    return ngx_http_authgw_get_ctx(r);
}


static ngx_int_t
ngx_http_authgw_value(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    json_t *value)
{
    u_char          *text;
    size_t           len;
    authgw_alloc_t   alloc;

    if (value == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    alloc.alloc = ngx_http_authgw_alloc;
    alloc.data = r->pool;

    if (authgw_json_text(value, &alloc, &text, &len) != 0) {
        return NGX_ERROR;
    }

    v->data = text;
    v->len = len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/* a member of the header or payload named by the variable's suffix */

static ngx_int_t
ngx_http_authgw_member(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    json_t *json, ngx_str_t *name, size_t prefix)
{
    u_char  key[256];

    if (json == NULL || name->len - prefix >= sizeof(key)) {
        v->not_found = 1;
        return NGX_OK;
    }

    ngx_memcpy(key, name->data + prefix, name->len - prefix);
    key[name->len - prefix] = '\0';

    return ngx_http_authgw_value(r, v, json_object_get(json, (char *) key));
}


static ngx_int_t
ngx_http_authgw_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    return ngx_http_authgw_member(r, v, ctx ? ctx->payload : NULL,
                                  (ngx_str_t *) data,
                                  sizeof("authgw_claim_") - 1);
}


static ngx_int_t
ngx_http_authgw_header_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    return ngx_http_authgw_member(r, v, ctx ? ctx->header : NULL,
                                  (ngx_str_t *) data,
                                  sizeof("authgw_header_") - 1);
}


static ngx_int_t
ngx_http_authgw_payload_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    return ngx_http_authgw_value(r, v, ctx ? ctx->payload : NULL);
}


static ngx_int_t
ngx_http_authgw_error_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    const char             *reason;
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    reason = authgw_status_str(ctx->status);

    v->data = (u_char *) reason;
    v->len = ngx_strlen(reason);
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


static void
ngx_http_authgw_free_keys(void *data)
{
    ngx_http_authgw_keys_t  *k = data;

    authgw_keys_free(k->keys, k->nkeys);
}


static char *
ngx_http_authgw(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ngx_str_t                         *value;
    ngx_uint_t                         i;
    ngx_http_authgw_main_conf_t       *amcf;
    ngx_http_compile_complex_value_t   ccv;

    if (alcf->enable != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        if (cf->args->nelts > 2) {
            return "takes no parameters after \"off\"";
        }

        alcf->enable = 0;
        return NGX_CONF_OK;
    }

    alcf->enable = 1;
    alcf->optional = 0;

    alcf->realm = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (alcf->realm == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = alcf->realm;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strcmp(value[i].data, "optional") == 0) {
            alcf->optional = 1;
            continue;
        }

        if (ngx_strncmp(value[i].data, "token=", 6) == 0
            && value[i].len > 6 && alcf->token == NULL)
        {
            value[i].data += 6;
            value[i].len -= 6;

            alcf->token = ngx_palloc(cf->pool,
                                     sizeof(ngx_http_complex_value_t));
            if (alcf->token == NULL) {
                return NGX_CONF_ERROR;
            }

            ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

            ccv.cf = cf;
            ccv.value = &value[i];
            ccv.complex_value = alcf->token;

            if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);
    amcf->used = 1;

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_key_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    int                      alg;
    char                     err[256];
    size_t                   n, j;
    u_char                  *kid;
    size_t                   kid_len;
    ngx_str_t               *value, path;
    ngx_uint_t               i;
    authgw_key_t           **keys, *key;
    ngx_pool_cleanup_t      *cln;
    ngx_http_authgw_keys_t  *set, *loaded;

    value = cf->args->elts;

    kid = NULL;
    kid_len = 0;
    alg = -1;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "kid=", 4) == 0 && kid == NULL) {
            kid = value[i].data + 4;
            kid_len = value[i].len - 4;
            continue;
        }

        if (ngx_strncmp(value[i].data, "alg=", 4) == 0 && alg < 0) {
            alg = authgw_alg_from_name((char *) value[i].data + 4,
                                       value[i].len - 4);
            if (alg < 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "unknown algorithm in \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid parameter \"%V\"", &value[i]);
        return NGX_CONF_ERROR;
    }

    path = value[1];

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (authgw_key_load_file((char *) path.data, kid, kid_len, alg, &keys,
                             &n, err, sizeof(err))
        != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "authgw_key_file \"%V\": %s", &path, err);
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, sizeof(ngx_http_authgw_keys_t));
    if (cln == NULL) {
        authgw_keys_free(keys, n);
        return NGX_CONF_ERROR;
    }

    loaded = cln->data;
    loaded->keys = keys;
    loaded->nkeys = n;
    cln->handler = ngx_http_authgw_free_keys;

    if (alcf->keys == NGX_CONF_UNSET_PTR) {
        alcf->keys = ngx_pcalloc(cf->pool, sizeof(ngx_http_authgw_keys_t));
        if (alcf->keys == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    /* one flat list per block; a kid names one key across all its files */

    set = alcf->keys;

    for (j = 0; j < n; j++) {
        key = keys[j];

        for (i = 0; key->kid != NULL && i < set->nkeys; i++) {
            if (set->keys[i]->kid != NULL
                && set->keys[i]->kid_len == key->kid_len
                && ngx_memcmp(set->keys[i]->kid, key->kid, key->kid_len) == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "authgw_key_file \"%V\": duplicate kid "
                                   "\"%*s\"", &path, key->kid_len, key->kid);
                return NGX_CONF_ERROR;
            }
        }
    }

    keys = ngx_palloc(cf->pool, (set->nkeys + n) * sizeof(authgw_key_t *));
    if (keys == NULL) {
        return NGX_CONF_ERROR;
    }

    if (set->nkeys) {
        ngx_memcpy(keys, set->keys, set->nkeys * sizeof(authgw_key_t *));
    }

    ngx_memcpy(keys + set->nkeys, loaded->keys, n * sizeof(authgw_key_t *));

    set->keys = keys;
    set->nkeys += n;

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_algorithms(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    int          alg;
    ngx_str_t   *value;
    ngx_uint_t   i;

    if (alcf->algs != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;
    alcf->algs = 0;

    for (i = 1; i < cf->args->nelts; i++) {

        if (ngx_strcasecmp(value[i].data, (u_char *) "none") == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"none\" can never be allowed");
            return NGX_CONF_ERROR;
        }

        alg = authgw_alg_from_name((char *) value[i].data, value[i].len);
        if (alg < 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "unknown algorithm \"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }

        alcf->algs |= AUTHGW_ALG_BIT(alg);
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_strings(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_str_t      *value;
    ngx_uint_t      i;
    ngx_array_t   **a;
    authgw_str_t   *s;

    a = (ngx_array_t **) (p + cmd->offset);

    if (*a == NGX_CONF_UNSET_PTR) {
        *a = ngx_array_create(cf->pool, 2, sizeof(authgw_str_t));
        if (*a == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        s = ngx_array_push(*a);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        s->data = value[i].data;
        s->len = value[i].len;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_authgw_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_authgw_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static void *
ngx_http_authgw_create_main_conf(ngx_conf_t *cf)
{
    return ngx_pcalloc(cf->pool, sizeof(ngx_http_authgw_main_conf_t));
}


static void *
ngx_http_authgw_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_authgw_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_authgw_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->realm = NULL;
     *     conf->token = NULL;
     *     conf->policy = { 0 };
     */

    conf->enable = NGX_CONF_UNSET;
    conf->optional = NGX_CONF_UNSET;
    conf->keys = NGX_CONF_UNSET_PTR;
    conf->algs = NGX_CONF_UNSET_UINT;
    conf->issuers = NGX_CONF_UNSET_PTR;
    conf->audiences = NGX_CONF_UNSET_PTR;
    conf->leeway = NGX_CONF_UNSET;
    conf->require_exp = NGX_CONF_UNSET;
    conf->error_detail = NGX_CONF_UNSET;
    conf->log_level = NGX_CONF_UNSET_UINT;

    return conf;
}


static char *
ngx_http_authgw_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_authgw_loc_conf_t *prev = parent;
    ngx_http_authgw_loc_conf_t *conf = child;

    if (conf->enable == NGX_CONF_UNSET) {
        conf->enable = prev->enable;
        conf->realm = prev->realm;
        conf->token = prev->token;
        conf->optional = prev->optional;
    }

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->optional, prev->optional, 0);
    ngx_conf_merge_ptr_value(conf->keys, prev->keys, NULL);
    ngx_conf_merge_uint_value(conf->algs, prev->algs, AUTHGW_ALGS_ALL);
    ngx_conf_merge_ptr_value(conf->issuers, prev->issuers, NULL);
    ngx_conf_merge_ptr_value(conf->audiences, prev->audiences, NULL);
    ngx_conf_merge_sec_value(conf->leeway, prev->leeway, 0);
    ngx_conf_merge_value(conf->require_exp, prev->require_exp, 1);
    ngx_conf_merge_value(conf->error_detail, prev->error_detail, 0);
    ngx_conf_merge_uint_value(conf->log_level, prev->log_level,
                              NGX_LOG_INFO);

    if (conf->enable == 1 && conf->keys == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw\" is on but no \"authgw_key_file\" "
                           "is given for it");
        return NGX_CONF_ERROR;
    }

    if (conf->issuers != NULL) {
        conf->policy.issuers = conf->issuers->elts;
        conf->policy.nissuers = conf->issuers->nelts;
    }

    if (conf->audiences != NULL) {
        conf->policy.audiences = conf->audiences->elts;
        conf->policy.naudiences = conf->audiences->nelts;
    }

    conf->policy.leeway = conf->leeway;
    conf->policy.require_exp = conf->require_exp;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_authgw_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt          *h;
    ngx_http_core_main_conf_t    *cmcf;
    ngx_http_authgw_main_conf_t  *amcf;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);

    if (!amcf->used) {
        return NGX_OK;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_authgw_handler;

    return NGX_OK;
}
