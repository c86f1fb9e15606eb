
/*
 * The access handler: the bearer token, its verification through the core
 * (and the cache), the rules, the refusal and its WWW-Authenticate, and the
 * $authgw_* variables that read the result in any phase.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_authgw_module.h"


/* what a WWW-Authenticate challenge says */
typedef struct {
    ngx_str_t                  *realm;
    ngx_str_t                  *md;           /* resource_metadata, or "" */
    ngx_str_t                  *error;        /* or NULL */
    const char                 *reason;       /* error_description */
    ngx_str_t                  *scope;        /* or NULL */
    ngx_str_t                  *algs;         /* DPoP's, or NULL: Bearer */
} ngx_http_authgw_challenge_t;


static void ngx_http_authgw_cleanup(void *data);
static ngx_http_authgw_ctx_t *ngx_http_authgw_verify_once(
    ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf);
static authgw_status_t ngx_http_authgw_verify_token(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    ngx_str_t *token, authgw_jws_t *jws);
static authgw_status_t ngx_http_authgw_token(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    ngx_str_t *token);
static authgw_status_t ngx_http_authgw_bearer(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    ngx_str_t *token);
static ngx_uint_t ngx_http_authgw_tchar(u_char c);
static authgw_status_t ngx_http_authgw_sender(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx);
static ngx_uint_t ngx_http_authgw_anonymous(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf);
static ngx_uint_t ngx_http_authgw_preflight(ngx_http_request_t *r);
static u_char *ngx_http_authgw_quote(u_char *p, ngx_str_t *v);
static authgw_status_t ngx_http_authgw_authorize(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, json_t *payload, ngx_int_t *code,
    ngx_str_t *name, ngx_array_t **values);
static ngx_int_t ngx_http_authgw_retry_after(ngx_http_request_t *r,
    time_t delay);
static void ngx_http_authgw_why(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    authgw_status_t status, authgw_jws_t *jws, ngx_str_t *name,
    ngx_array_t *values);
static ngx_int_t ngx_http_authgw_unavailable(ngx_http_request_t *r,
    authgw_status_t status, ngx_http_authgw_remote_t *rm);
static ngx_int_t ngx_http_authgw_refuse(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    authgw_status_t status, ngx_int_t code);
static ngx_str_t *ngx_http_authgw_error_of(authgw_status_t status,
    ngx_int_t code);
static size_t ngx_http_authgw_challenge(u_char *p,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_challenge_t *ch);
static ngx_int_t ngx_http_authgw_value(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, json_t *value, const char *what,
    ngx_str_t *name);
static ngx_int_t ngx_http_authgw_member(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, json_t *json, const char *what,
    ngx_str_t *name, size_t prefix);
static authgw_key_t **ngx_http_authgw_keys_of(ngx_http_authgw_keys_t *set,
    size_t *n);


static ngx_str_t  ngx_http_authgw_invalid = ngx_string("invalid_token");
static ngx_str_t  ngx_http_authgw_www_authenticate =
    ngx_string("WWW-Authenticate");
static ngx_str_t  ngx_http_authgw_retry = ngx_string("Retry-After");
static ngx_str_t  ngx_http_authgw_scope = ngx_string("insufficient_scope");
static ngx_str_t  ngx_http_authgw_invalid_proof =
    ngx_string("invalid_dpop_proof");
static ngx_str_t  ngx_http_authgw_use_nonce = ngx_string("use_dpop_nonce");


/*
 * The ctx survives an internal redirect in the pool cleanup that frees it,
 * the way ngx_http_realip_module keeps the original address.
 */

ngx_http_authgw_ctx_t *
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

    authgw_jws_free(&ctx->jws);
}


void *
ngx_http_authgw_alloc(void *data, size_t size)
{
    /* aligned: jansson's objects of a request are made here */
    return ngx_palloc(data, size);
}


/*
 * Verifies the request's token against the location's rules once; the
 * result is reused by the access handler and the variables, and redone
 * only when a redirect leads to a location with other rules.
 */

static ngx_http_authgw_ctx_t *
ngx_http_authgw_verify_once(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf)
{
    ngx_str_t                 token;
    authgw_jws_t              jws;
    authgw_status_t           status;
    ngx_pool_cleanup_t       *cln;
    ngx_http_authgw_ctx_t    *ctx;
    ngx_http_authgw_keys_t   *set;

    ctx = ngx_http_authgw_get_ctx(r);

    if (ctx != NULL && ctx->conf == alcf) {
        set = ngx_http_authgw_keys_for(alcf, ctx);

        if (ctx->generation == (set && set->remote ? set->remote->generation
                                                   : 0))
        {
            return ctx;
        }
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
    ctx->use = NULL;
    ctx->refused_by = NULL;
    ctx->generation = 0;
    ctx->cache_status = AUTHGW_CACHE_BYPASS;
    ctx->proof_ok = 0;
    ngx_str_null(&ctx->user_id);
    ngx_str_null(&ctx->why);

    /*
     * once strip_token has taken the token from the headers, a location
     * that verifies again (after an internal redirect) gets it from here
     */

    if (ctx->stripped) {
        token = ctx->token;
        status = ctx->token_status;

    } else {
        ctx->scheme_dpop = 0;
        status = ngx_http_authgw_token(r, alcf, ctx, &token);
        ctx->token = token;
        ctx->token_status = status;
    }

    /* named providers: the token's issuer chooses the keys and rules */

    if (status == AUTHGW_OK && alcf->uses != NULL) {
        status = ngx_http_authgw_select(r, alcf, ctx, &token);
    }

    if (status == AUTHGW_OK) {
        set = ngx_http_authgw_keys_for(alcf, ctx);

        if (set->remote != NULL) {
            ngx_http_authgw_remote_expire(r, set->remote);
            ctx->generation = set->remote->generation;
        }

        status = ngx_http_authgw_verify_token(r, alcf, ctx, &token, &jws);

        /* the proof and the binding: never from the cache */

        if (status == AUTHGW_OK) {
            status = ngx_http_authgw_bind(r, alcf, ctx, &token, jws.payload);
        }

        if (status == AUTHGW_OK) {
            ctx->jws = jws;

            ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "authgw: token verified, alg=%s key=%s cache=%ui",
                           authgw_alg_name(jws.alg),
                           jws.key->kid ? (char *) jws.key->kid : "-",
                           ctx->cache_status);

        } else {
            if (ctx->why.len == 0) {
                ngx_http_authgw_why(r, alcf, ctx, status, &jws, NULL, NULL);
            }

            /* claims of a refused token are never exposed */
            authgw_jws_free(&jws);
            ngx_str_null(&ctx->user_id);
        }
    }

    ctx->status = status;

    return ctx;
}


/*
 * The keys that verify the request's token: those of the provider its
 * issuer chose, or the location's own; NULL before a provider is chosen
 */

ngx_http_authgw_keys_t *
ngx_http_authgw_keys_for(ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx)
{
    if (alcf->uses == NULL) {
        return alcf->keys;
    }

    if (ctx != NULL && ctx->use != NULL) {
        return ctx->use->provider->conf->keys;
    }

    return NULL;
}


/*
 * The signature (or the cache of verified tokens), then the claims and the
 * user id. What a cache hit still checks is the core's rule
 * (authgw_cache_verify).
 */

static authgw_status_t
ngx_http_authgw_verify_token(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    ngx_str_t *token, authgw_jws_t *jws)
{
    size_t                        nkeys;
    authgw_key_t                **keys;
    authgw_cache_t               *cache;
    authgw_alloc_t                alloc;
    authgw_status_t               status;
    authgw_cache_entry_t         *e;
    authgw_user_id_rule_t         uid;
    ngx_http_authgw_keys_t       *set;
    ngx_http_authgw_stats_t      *st;
    ngx_http_authgw_remote_t     *rm;
    ngx_http_authgw_loc_conf_t   *vc;

    alloc.alloc = ngx_http_authgw_alloc;
    alloc.data = r->pool;

    /* the algorithms and key options: the provider's, or the location's */

    vc = ctx->use ? ctx->use->provider->conf : alcf;
    set = vc->keys;

    cache = alcf->cache_size ? set->cache : NULL;
    keys = ngx_http_authgw_keys_of(set, &nkeys);

    status = authgw_cache_verify(cache, token->data, token->len, keys, nkeys,
                                 vc->algs,
                                 vc->try_all_keys ? AUTHGW_VERIFY_ALL_KEYS
                                                  : 0,
                                 &alloc, jws, &e);

    ctx->cache_status = jws->cache;

    st = ngx_http_authgw_stats(r);

    if (jws->cache != AUTHGW_CACHE_BYPASS && st != NULL) {
        (void) ngx_atomic_fetch_add(jws->cache == AUTHGW_CACHE_HIT
                                    ? &st->cache_hits : &st->cache_misses, 1);
    }

    if (status != AUTHGW_OK && jws->cache != AUTHGW_CACHE_HIT) {

        /* no key for it, and the provider's keys never came: not its fault */

        rm = set->remote;

        if (rm != NULL && rm->fetched == 0
            && (status == AUTHGW_UNKNOWN_KID
                || (nkeys == 0 && status != AUTHGW_MALFORMED_TOKEN
                    && status != AUTHGW_MISSING_TOKEN)))
        {
            status = AUTHGW_KEYS_UNAVAILABLE;
        }
    }

    if (status != AUTHGW_OK) {
        return status;
    }

    ctx->refused_by = ctx->use ? &ctx->use->policy : &alcf->policy;

    status = authgw_cache_claims_check(cache, &e, jws->payload,
                                       ctx->refused_by, (int64_t) ngx_time());

    /* a provider's token meets the location's audience too */

    if (status == AUTHGW_OK && ctx->use && ctx->use->audience.naudiences) {
        ctx->refused_by = &ctx->use->audience;
        status = authgw_claims_check(jws->payload, &ctx->use->audience,
                                     (int64_t) ngx_time());
    }

    /* what the location asks of every token, whoever issued it */

    if (status == AUTHGW_OK
        && (alcf->token_rules.ntypes || alcf->token_rules.max_lifetime))
    {
        ctx->refused_by = ctx->use ? &ctx->use->policy : &alcf->policy;
        status = authgw_token_rules_check(jws->header, jws->payload,
                                          &alcf->token_rules,
                                          ctx->refused_by->leeway,
                                          (int64_t) ngx_time());
    }

    /* the user id: the provider's rule, as its keys are (never another's) */

    if (status != AUTHGW_OK || vc->uid_claim.len == 0) {
        return status;
    }

    uid.claim = vc->uid_claim.data;
    uid.claim_len = vc->uid_claim.len;
    uid.keys = vc->uid_keys->keys;
    uid.nkeys = vc->uid_keys->nkeys;
    uid.optional = vc->uid_optional;

    return authgw_user_id(jws->payload, &uid, e, &alloc, &ctx->user_id.data,
                          &ctx->user_id.len);
}


/*
 * The token from the first of the sources that has one (token=bearer
 * alone by default): a non-empty variable, or the Authorization header's.
 * A malformed Authorization field ends the search: it is refused.
 */

static authgw_status_t
ngx_http_authgw_token(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx, ngx_str_t *token)
{
    ngx_uint_t                 i;
    authgw_status_t            status;
    ngx_http_authgw_source_t  *src;

    if (alcf->sources == NULL) {
        return ngx_http_authgw_bearer(r, alcf, ctx, token);
    }

    src = alcf->sources->elts;

    for (i = 0; i < alcf->sources->nelts; i++) {

        if (src[i].value == NULL) {
            status = ngx_http_authgw_bearer(r, alcf, ctx, token);

            if (status != AUTHGW_MISSING_TOKEN) {
                return status;
            }

            continue;
        }

        if (ngx_http_complex_value(r, src[i].value, token) != NGX_OK) {
            return AUTHGW_INTERNAL_ERROR;
        }

        if (token->len) {
            return AUTHGW_OK;
        }
    }

    return AUTHGW_MISSING_TOKEN;
}


/*
 * One Authorization field, the scheme "Bearer" (or "DPoP", where
 * authgw_dpop is on: ctx->scheme_dpop) in any letter case, 1*SP, one
 * token68. A field of the Bearer scheme in any other shape is
 * malformed in every mode: with "optional" it must not pass as anonymous
 * and travel on to a more lenient upstream.
 */

static authgw_status_t
ngx_http_authgw_bearer(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx, ngx_str_t *token)
{
    u_char           *p, *q, *last;
    ngx_uint_t        i, n;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h, *auth;

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

    if (p == last) {
        return AUTHGW_MISSING_TOKEN;
    }

    /* the scheme: the token (RFC 9110 tchar) the field starts with */

    for (q = p; q < last && ngx_http_authgw_tchar(*q); q++) {
        /* void */
    }

    /*
     * another scheme offers no bearer token; no scheme, or one that only
     * starts with "Bearer" ("Bearer.x", "Bearer_"), is malformed: an
     * upstream that looks for a "bearer" prefix would take the rest
     */

    if (q == p) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    /* where authgw_dpop is on, "DPoP" is such a scheme too (RFC 9449 7.1) */

    if (q - p >= (ssize_t) sizeof("Bearer") - 1
        && ngx_strncasecmp(p, (u_char *) "Bearer", sizeof("Bearer") - 1)
           == 0)
    {
        n = sizeof("Bearer") - 1;

    } else if (alcf->dpop != AUTHGW_BIND_OFF
               && q - p >= (ssize_t) sizeof("DPoP") - 1
               && ngx_strncasecmp(p, (u_char *) "DPoP", sizeof("DPoP") - 1)
                  == 0)
    {
        n = sizeof("DPoP") - 1;
        ctx->scheme_dpop = 1;

    } else {
        return AUTHGW_MISSING_TOKEN;
    }

    if (q - p != (ssize_t) n) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    /* the scheme, 1*SP token68, nothing else */

    if (q == last || *q != ' ') {
        return AUTHGW_MALFORMED_TOKEN;
    }

    while (q < last && *q == ' ') {
        q++;
    }

    if (q == last) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    /*
     * the rest is the token: the verifier takes only base64url and dots
     * from it (no byte passes that token68 refuses), so a byte loop here
     * would only double the work a forged token costs
     */

    token->data = q;
    token->len = last - q;

    return AUTHGW_OK;
}


/* RFC 9110 tchar */

static ngx_uint_t
ngx_http_authgw_tchar(u_char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9'))
    {
        return 1;
    }

    return ngx_strchr("!#$%&'*+-.^_`|~", c) != NULL && c != '\0';
}


ngx_int_t
ngx_http_authgw_handler(ngx_http_request_t *r)
{
    ngx_int_t                    code, rc;
    ngx_str_t                    name;
    ngx_array_t                 *values;
    authgw_status_t              status;
    ngx_http_authgw_ctx_t       *ctx;
    ngx_http_authgw_keys_t      *set;
    ngx_http_authgw_remote_t    *rm;
    ngx_http_core_loc_conf_t    *clcf;
    ngx_http_authgw_loc_conf_t  *alcf;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_authgw_module);

    if (alcf->enable != 1) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_authgw_verify_once(r, alcf);
    if (ctx == NULL) {
        ngx_http_authgw_count(r, AUTHGW_INTERNAL_ERROR);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    set = ngx_http_authgw_keys_for(alcf, ctx);
    rm = set ? set->remote : NULL;

    /*
     * keys from the provider: wait for them if this token needs them (a
     * kid it may have just added), then verify again with the new ones
     */

    if (rm != NULL) {
        rc = ngx_http_authgw_remote_keys(r, rm, ctx);

        if (rc == NGX_AGAIN) {
            return NGX_AGAIN;
        }

        if (rc == NGX_ERROR) {
            ngx_http_authgw_count(r, AUTHGW_INTERNAL_ERROR);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    code = NGX_HTTP_UNAUTHORIZED;
    status = ctx->status;
    ngx_str_null(&name);
    values = NULL;

    if (status == AUTHGW_OK || alcf->nonce_key != NULL) {
        status = ngx_http_authgw_sender(r, alcf, ctx);
    }

    if (status == AUTHGW_OK) {
        status = ngx_http_authgw_authorize(r, alcf, ctx->jws.payload, &code,
                                           &name, &values);

        if (status == AUTHGW_OK) {
            ngx_http_authgw_count(r, AUTHGW_OK);
            return NGX_OK;
        }

        /* a verified token that the rules refuse: its claims stay */
        ctx->status = status;
        ngx_http_authgw_why(r, alcf, ctx, status, &ctx->jws,
                            name.len ? &name : NULL, values);
    }

    if (status == AUTHGW_MISSING_TOKEN
        && ngx_http_authgw_anonymous(r, alcf))
    {
        return NGX_OK;
    }

    ngx_http_authgw_count(r, status);

    /*
     * an error_page may pass the refused request on: without its token.
     * Under satisfy any another access module may still let it in, and
     * may read the Authorization header (auth_basic): the precontent
     * phase strips it then
     */

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (clcf->satisfy != NGX_HTTP_SATISFY_ANY
        && ngx_http_authgw_strip(r, alcf) == NGX_ERROR)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (status == AUTHGW_INTERNAL_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "authgw: internal error while verifying a token");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (status == AUTHGW_KEYS_UNAVAILABLE
        || status == AUTHGW_REPLAY_CACHE_FULL)
    {
        return ngx_http_authgw_unavailable(r, status, rm);
    }

    if (ctx->use != NULL) {
        ngx_log_error(alcf->log_level, r->connection->log, 0,
                      "authgw: refused: %s%s%V (provider %V)",
                      authgw_status_str(status), ctx->why.len ? ": " : "",
                      &ctx->why, &ctx->use->provider->name);

    } else {
        ngx_log_error(alcf->log_level, r->connection->log, 0,
                      "authgw: refused: %s%s%V", authgw_status_str(status),
                      ctx->why.len ? ": " : "", &ctx->why);
    }

    return ngx_http_authgw_refuse(r, alcf, ctx, status, code);
}


/*
 * What a proof asks of the access phase, once the token has passed: the
 * nonce for the client's next proof (on any answer), and the proof's
 * entry in the replay cache. A replayed proof's token has its claims
 * hidden, as any refused token's.
 */

static authgw_status_t
ngx_http_authgw_sender(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx)
{
    authgw_status_t  status;

    if (ngx_http_authgw_nonce_header(r, alcf) != NGX_OK) {
        return AUTHGW_INTERNAL_ERROR;
    }

    if (ctx->status != AUTHGW_OK) {
        return ctx->status;
    }

    status = ngx_http_authgw_replay(r, alcf, ctx);

    if (status != AUTHGW_OK) {
        ctx->status = status;
        authgw_jws_free(&ctx->jws);
        ngx_str_null(&ctx->user_id);
    }

    return status;
}


/*
 * No token, and let in all the same: under optional, or a CORS preflight
 * where authgw_bypass_cors_preflight is on; counted as such
 */

static ngx_uint_t
ngx_http_authgw_anonymous(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf)
{
    if (alcf->preflight && ngx_http_authgw_preflight(r)) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "authgw: CORS preflight, no token");
        ngx_http_authgw_count(r, NGX_HTTP_AUTHGW_PREFLIGHT);
        return 1;
    }

    if (alcf->optional) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "authgw: no token, anonymous");
        ngx_http_authgw_count(r, NGX_HTTP_AUTHGW_ANONYMOUS);
        return 1;
    }

    return 0;
}


/*
 * What a browser sends before a request that CORS does not let it send at
 * once (the Fetch standard, CORS-preflight request): OPTIONS with a
 * non-empty Origin and Access-Control-Request-Method, and no credentials
 * and no body, which a preflight never has. Anything else is no preflight,
 * and needs a token.
 */

static ngx_uint_t
ngx_http_authgw_preflight(ngx_http_request_t *r)
{
    ngx_uint_t        i, found;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    static ngx_str_t  cookie = ngx_string("Cookie");
    static ngx_str_t  origin = ngx_string("Origin");
    static ngx_str_t  method = ngx_string("Access-Control-Request-Method");

    if (r->method != NGX_HTTP_OPTIONS
        || r->headers_in.content_length_n > 0
        || r->headers_in.chunked
        || r->headers_in.authorization != NULL)
    {
        return 0;
    }

    found = 0;
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

        if (ngx_http_authgw_same_header(&h[i].key, &cookie)) {
            return 0;
        }

        if (h[i].value.len == 0) {
            continue;
        }

        if (ngx_http_authgw_same_header(&h[i].key, &origin)) {
            found |= 1;

        } else if (ngx_http_authgw_same_header(&h[i].key, &method)) {
            found |= 2;
        }
    }

    return found == 3;
}




/* a response header the module sets; its value is the caller's to fill */

ngx_table_elt_t *
ngx_http_authgw_out_header(ngx_http_request_t *r, ngx_str_t *key)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->hash = 1;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
    h->key = *key;
    ngx_str_null(&h->value);

    return h;
}


static ngx_int_t
ngx_http_authgw_retry_after(ngx_http_request_t *r, time_t delay)
{
    u_char           *p;
    ngx_table_elt_t  *h;

    p = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    h = ngx_http_authgw_out_header(r, &ngx_http_authgw_retry);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->value.data = p;
    h->value.len = ngx_sprintf(p, "%T", delay > 0 ? delay : 1) - p;

    return NGX_OK;
}


/*
 * What the refusal's log line says beside its reason (authgw_explain), made
 * only when the line is written at the location's level
 */

static void
ngx_http_authgw_why(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx, authgw_status_t status, authgw_jws_t *jws,
    ngx_str_t *name, ngx_array_t *values)
{
    size_t                        n;
    authgw_why_t                  w;
    ngx_http_authgw_loc_conf_t   *vc;
    u_char                        buf[NGX_HTTP_AUTHGW_WHY_MAX];

    if (r->connection->log->log_level < alcf->log_level) {
        return;
    }

    w.header = jws->header;
    w.payload = jws->payload;
    w.policy = ctx->refused_by ? ctx->refused_by : &alcf->policy;
    w.rules = &alcf->token_rules;
    w.now = (int64_t) ngx_time();
    w.algs = ctx->use ? ctx->use->provider->conf->algs : alcf->algs;
    w.candidates = jws->candidates;
    w.name = name ? name->data : NULL;
    w.name_len = name ? name->len : 0;
    w.values = values ? values->elts : NULL;
    w.nvalues = values ? values->nelts : 0;
    vc = ctx->use ? ctx->use->provider->conf : alcf;

    w.user_id_claim = vc->uid_claim.len ? vc->uid_claim.data : NULL;
    w.user_id_claim_len = vc->uid_claim.len;

    /* the core knows which reasons have something to say */

    n = authgw_explain(status, &w, (char *) buf, sizeof(buf));
    if (n == 0) {
        return;
    }

    ctx->why.data = ngx_pnalloc(r->pool, n);
    if (ctx->why.data == NULL) {
        return;
    }

    ctx->why.len = ngx_cpymem(ctx->why.data, buf, n) - ctx->why.data;
}


/* authgw_require_claim, authgw_require_scope and authgw_require, in order */

static authgw_status_t
ngx_http_authgw_authorize(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, json_t *payload, ngx_int_t *code,
    ngx_str_t *name, ngx_array_t **values)
{
    json_t                    *v;
    ngx_str_t                  value, *scope;
    ngx_uint_t                 i;
    ngx_http_authgw_rule_t    *rule;
    ngx_http_complex_value_t  *cv;

    if (alcf->rules != NULL) {
        rule = alcf->rules->elts;

        for (i = 0; i < alcf->rules->nelts; i++) {
            v = authgw_claim_get(payload, rule[i].claim.data,
                                 rule[i].claim.len);

            *code = rule[i].error;
            *name = rule[i].claim;
            *values = rule[i].values;

            if (v == NULL || json_is_null(v)) {
                return AUTHGW_MISSING_CLAIM;
            }

            if (rule[i].values != NULL
                && !authgw_claim_match(v, rule[i].values->elts,
                                       rule[i].values->nelts))
            {
                return AUTHGW_CLAIM_MISMATCH;
            }
        }
    }

    if (alcf->scopes != NULL) {
        scope = alcf->scopes->elts;

        for (i = 0; i < alcf->scopes->nelts; i++) {
            if (!authgw_has_scope(payload, scope[i].data, scope[i].len)) {
                *code = NGX_HTTP_FORBIDDEN;
                *name = scope[i];
                *values = NULL;
                return AUTHGW_INSUFFICIENT_SCOPE;
            }
        }
    }

    if (alcf->requires != NULL) {
        cv = alcf->requires->elts;

        for (i = 0; i < alcf->requires->nelts; i++) {
            if (ngx_http_complex_value(r, &cv[i], &value) != NGX_OK) {
                return AUTHGW_INTERNAL_ERROR;
            }

            if (value.len == 0 || (value.len == 1 && value.data[0] == '0')) {
                *code = alcf->require_error;
                ngx_str_null(name);
                return AUTHGW_CLAIM_MISMATCH;
            }
        }
    }

    return AUTHGW_OK;
}


/*
 * 503 replay_cache_full, with a second to wait; 503 keys_unavailable:
 * logged once per refresh interval, as the failed
 * fetches are; the next fetch may come after one interval (RFC 9110
 * 10.2.3, Retry-After)
 */

static ngx_int_t
ngx_http_authgw_unavailable(ngx_http_request_t *r, authgw_status_t status,
    ngx_http_authgw_remote_t *rm)
{
    /* the replay zone logged it; the client may try again in a moment */

    if (status == AUTHGW_REPLAY_CACHE_FULL) {
        return ngx_http_authgw_retry_after(r, 1) == NGX_OK
               ? NGX_HTTP_SERVICE_UNAVAILABLE : NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rm == NULL) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    if (rm->unavailable == 0 || ngx_time() - rm->unavailable >= rm->refresh)
    {
        rm->unavailable = ngx_time();

        if (rm->provider != NULL) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "authgw: refused: keys_unavailable (provider %V; "
                          "logged once per authgw_key_refresh)",
                          &rm->provider->name);

        } else {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "authgw: refused: keys_unavailable (logged once "
                          "per authgw_key_refresh)");
        }
    }

    if (ngx_http_authgw_retry_after(r, rm->refresh) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_HTTP_SERVICE_UNAVAILABLE;
}


/*
 * RFC 6750 section 3: Bearer realm="...", error="...", error_description;
 * where authgw_dpop is on, the DPoP challenge of RFC 9449 7.1 beside it
 * (alone where DPoP is required), with algs. The error goes on the
 * challenge of the scheme the client used or must use. Both challenges
 * are one field (RFC 9110 11.6.1 allows a list): nginx clears one
 * WWW-Authenticate where another access module lets the request in under
 * satisfy any.
 */

static ngx_int_t
ngx_http_authgw_refuse(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx, authgw_status_t status, ngx_int_t code)
{
    u_char                       *p;
    size_t                        len;
    ngx_uint_t                    dpop;
    ngx_str_t                     realm, md;
    ngx_table_elt_t              *h;
    ngx_http_authgw_challenge_t   bearer, proof;

    if (ngx_http_complex_value(r, alcf->realm, &realm) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * RFC 9728 5.1: where the client finds how to get a token, or one with
     * more scopes (the MCP authorization spec's scope challenge)
     */

    ngx_str_null(&md);

    if (alcf->resource_metadata != NULL
        && ngx_http_complex_value(r, alcf->resource_metadata, &md) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    bearer.realm = &realm;
    bearer.md = &md;
    bearer.reason = authgw_status_str(status);
    bearer.scope = (status == AUTHGW_INSUFFICIENT_SCOPE
                    && alcf->scope_list.len)
                   ? &alcf->scope_list : NULL;
    bearer.error = ngx_http_authgw_error_of(status, code);
    bearer.algs = NULL;

    proof = bearer;
    proof.algs = &alcf->dpop_algs_text;

    dpop = (alcf->dpop == AUTHGW_BIND_REQUIRED || ctx->scheme_dpop
            || status == AUTHGW_BAD_DPOP_PROOF
            || status == AUTHGW_USE_DPOP_NONCE
            || status == AUTHGW_DPOP_REPLAY
            || status == AUTHGW_DPOP_KEY_MISMATCH);

    if (dpop) {
        bearer.error = NULL;

    } else {
        proof.error = NULL;
    }

    len = 0;

    if (alcf->dpop != AUTHGW_BIND_REQUIRED) {
        len += ngx_http_authgw_challenge(NULL, alcf, &bearer);
    }

    if (alcf->dpop != AUTHGW_BIND_OFF) {
        len += sizeof(", ") - 1 + ngx_http_authgw_challenge(NULL, alcf,
                                                             &proof);
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h = ngx_http_authgw_out_header(r, &ngx_http_authgw_www_authenticate);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->value.data = p;

    if (alcf->dpop != AUTHGW_BIND_REQUIRED) {
        p += ngx_http_authgw_challenge(p, alcf, &bearer);
    }

    if (alcf->dpop != AUTHGW_BIND_OFF) {
        if (p != h->value.data) {
            *p++ = ',';
            *p++ = ' ';
        }

        p += ngx_http_authgw_challenge(p, alcf, &proof);
    }

    h->value.len = p - h->value.data;

    r->headers_out.www_authenticate = h;

    return code;
}


/*
 * RFC 6750 3.1: invalid_token goes with 401, insufficient_scope 403; RFC
 * 9449 7.1 and 9: invalid_dpop_proof, use_dpop_nonce
 */

static ngx_str_t *
ngx_http_authgw_error_of(authgw_status_t status, ngx_int_t code)
{
    if (code == NGX_HTTP_FORBIDDEN) {
        return &ngx_http_authgw_scope;
    }

    switch (status) {

    case AUTHGW_MISSING_TOKEN:
        return NULL;

    case AUTHGW_BAD_DPOP_PROOF:
    case AUTHGW_DPOP_REPLAY:
        return &ngx_http_authgw_invalid_proof;

    case AUTHGW_USE_DPOP_NONCE:
        return &ngx_http_authgw_use_nonce;

    default:
        return &ngx_http_authgw_invalid;
    }
}


/*
 * One challenge, Bearer or (with algs) DPoP, written at p; with p NULL,
 * only its length, which is at least what is written
 */

static size_t
ngx_http_authgw_challenge(u_char *p, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_challenge_t *ch)
{
    u_char  *start;
    size_t   len;

    if (p == NULL) {
        len = sizeof("Bearer realm=\"\"") - 1 + ch->realm->len * 2;

        if (ch->md->len) {
            len += sizeof(", resource_metadata=\"\"") - 1 + ch->md->len * 2;
        }

        if (ch->error != NULL) {
            len += sizeof(", error=\"\"") - 1 + ch->error->len;

            if (alcf->error_detail) {
                len += sizeof(", error_description=\"\"") - 1
                       + ngx_strlen(ch->reason);
            }

            if (ch->scope != NULL) {
                len += sizeof(", scope=\"\"") - 1 + ch->scope->len;
            }
        }

        if (ch->algs != NULL) {
            len += sizeof(", algs=\"\"") - 1 + ch->algs->len;
        }

        return len;
    }

    start = p;

    if (ch->algs != NULL) {
        p = ngx_cpymem(p, "DPoP realm=", sizeof("DPoP realm=") - 1);

    } else {
        p = ngx_cpymem(p, "Bearer realm=", sizeof("Bearer realm=") - 1);
    }

    p = ngx_http_authgw_quote(p, ch->realm);

    if (ch->error != NULL) {
        p = ngx_sprintf(p, ", error=\"%V\"", ch->error);

        if (alcf->error_detail) {
            p = ngx_sprintf(p, ", error_description=\"%s\"", ch->reason);
        }

        if (ch->scope != NULL) {
            p = ngx_sprintf(p, ", scope=\"%V\"", ch->scope);
        }
    }

    if (ch->algs != NULL) {
        p = ngx_sprintf(p, ", algs=\"%V\"", ch->algs);
    }

    if (ch->md->len) {
        p = ngx_cpymem(p, ", resource_metadata=",
                       sizeof(", resource_metadata=") - 1);
        p = ngx_http_authgw_quote(p, ch->md);
    }

    return p - start;
}


/*
 * A value that may hold variables as an RFC 9110 quoted string: '"' and
 * '\\' escaped, a control character (never allowed) a space; 2 * len + 2
 * bytes at most
 */

static u_char *
ngx_http_authgw_quote(u_char *p, ngx_str_t *v)
{
    ngx_uint_t  i;

    *p++ = '"';

    for (i = 0; i < v->len; i++) {
        if (v->data[i] == '"' || v->data[i] == '\\') {
            *p++ = '\\';
        }

        *p++ = (v->data[i] < 0x20 || v->data[i] == 0x7f) ? ' ' : v->data[i];
    }

    *p++ = '"';

    return p;
}


/*
 * In a location where authgw is on, the result for its rules (verified on
 * first use); elsewhere the last result, if any, e.g. after error_page;
 * none in the module's own fetches.
 */

ngx_http_authgw_ctx_t *
ngx_http_authgw_variable_ctx(ngx_http_request_t *r)
{
    ngx_http_authgw_loc_conf_t  *alcf;

    /* a key or metadata fetch carries nothing of the client's token */

    if (ngx_http_authgw_is_fetch(r)) {
        return NULL;
    }

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_authgw_module);

    if (alcf->enable == 1) {
        return ngx_http_authgw_verify_once(r, alcf);
    }

    return ngx_http_authgw_get_ctx(r);
}


/*
 * A claim's or header parameter's text (name: for the log), or, with no
 * name, the whole payload as JSON. No variable holds a control character:
 * a value whose text would is not found, and the payload escapes them.
 */

static ngx_int_t
ngx_http_authgw_value(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    json_t *value, const char *what, ngx_str_t *name)
{
    int              rc;
    u_char          *text;
    size_t           len;
    authgw_alloc_t   alloc;

    if (value == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    alloc.alloc = ngx_http_authgw_alloc;
    alloc.data = r->pool;

    if (name == NULL) {
        rc = authgw_json_dump(value, &alloc, &text, &len);

    } else {
        rc = authgw_json_text(value, &alloc, &text, &len);
    }

    if (rc == AUTHGW_TEXT_CONTROL) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "authgw: %s \"%V\" not exposed: its text holds a "
                      "control character", what, name);
        v->not_found = 1;
        return NGX_OK;
    }

    if (rc != 0) {
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
    json_t *json, const char *what, ngx_str_t *name, size_t prefix)
{
    ngx_str_t  member;

    if (json == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    member.data = name->data + prefix;
    member.len = name->len - prefix;

    return ngx_http_authgw_value(r, v,
                                 json_object_getn(json,
                                                  (char *) member.data,
                                                  member.len),
                                 what, &member);
}


ngx_int_t
ngx_http_authgw_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    return ngx_http_authgw_member(r, v, ctx ? ctx->jws.payload : NULL, "claim",
                                  (ngx_str_t *) data,
                                  sizeof("authgw_claim_") - 1);
}


ngx_int_t
ngx_http_authgw_header_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    return ngx_http_authgw_member(r, v, ctx ? ctx->jws.header : NULL,
                                  "header parameter", (ngx_str_t *) data,
                                  sizeof("authgw_header_") - 1);
}


ngx_int_t
ngx_http_authgw_payload_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    return ngx_http_authgw_value(r, v, ctx ? ctx->jws.payload : NULL, NULL,
                                 NULL);
}


ngx_int_t
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


ngx_int_t
ngx_http_authgw_user_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    if (ctx == NULL || ctx->user_id.len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = ctx->user_id.data;
    v->len = ctx->user_id.len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


ngx_int_t
ngx_http_authgw_claim_set_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t              *claim = (ngx_str_t *) data;
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    if (ctx == NULL || ctx->jws.payload == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    return ngx_http_authgw_value(r, v, authgw_claim_get(ctx->jws.payload,
                                                        claim->data,
                                                        claim->len),
                                 "claim", claim);
}


ngx_int_t
ngx_http_authgw_cache_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    static ngx_str_t  names[] = {
        ngx_string("BYPASS"), ngx_string("MISS"), ngx_string("HIT")
    };

    ctx = ngx_http_authgw_variable_ctx(r);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = names[ctx->cache_status].data;
    v->len = names[ctx->cache_status].len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/* the keys a set verifies with: its files', then the last fetched */

static authgw_key_t **
ngx_http_authgw_keys_of(ngx_http_authgw_keys_t *set, size_t *n)
{
    if (set->remote != NULL) {
        *n = set->remote->nall;
        return set->remote->all;
    }

    *n = set->nkeys;
    return set->keys;
}
