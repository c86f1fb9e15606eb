
/*
 * Sender-constrained tokens: DPoP (RFC 9449) and certificate-bound tokens
 * (RFC 8705). Their directives; the proof of a request and the token's
 * binding, checked after the token's own verification (which the cache of
 * verified tokens may answer: the proof is checked on every request); the
 * proof's entry in the replay cache (ngx_http_authgw_replay.c), made in
 * the access phase once the rest has passed; the server nonces; and
 * $authgw_dpop_jkt.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_authgw_module.h"


/* a nonce key: 256 bits of randomness at least, as HMAC-SHA256 keys */
#define NGX_HTTP_AUTHGW_NONCE_KEY_MIN   32
#define NGX_HTTP_AUTHGW_NONCE_KEY_MAX   1024

/* a proof's iat may be this old by default; a nonce lives 1-2 periods */
#define NGX_HTTP_AUTHGW_DPOP_WINDOW     60
#define NGX_HTTP_AUTHGW_NONCE_PERIOD    300

/*
 * how far ahead a proof's iat may be, at least: nginx's clock is a cached
 * second, and a client's right clock is often that second ahead of it
 */
#define NGX_HTTP_AUTHGW_DPOP_SKEW       5

/* every asymmetric algorithm: a proof is never signed with a secret */
#define NGX_HTTP_AUTHGW_DPOP_ALGS       (AUTHGW_ALGS_ALL & ~AUTHGW_ALGS_HS)


static authgw_status_t ngx_http_authgw_proof(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    ngx_str_t *token);
static ngx_int_t ngx_http_authgw_proof_header(ngx_http_request_t *r,
    ngx_str_t *proof);
static ngx_int_t ngx_http_authgw_request_url(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_str_t *url);
static void ngx_http_authgw_host_port(ngx_http_request_t *r,
    ngx_str_t *port);
static ngx_int_t ngx_http_authgw_cert_x5t(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, char *x5t);
static authgw_status_t ngx_http_authgw_replayed(ngx_http_authgw_ctx_t *ctx,
    ngx_int_t rc);
static ngx_uint_t ngx_http_authgw_out_header_is(ngx_http_request_t *r,
    ngx_table_elt_t *h, ngx_str_t *key);
static void ngx_http_authgw_why_static(ngx_http_authgw_ctx_t *ctx,
    const char *why);


static ngx_str_t  ngx_http_authgw_dpop_nonce = ngx_string("DPoP-Nonce");


char *
ngx_http_authgw_dpop_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    int          alg;
    ngx_str_t   *value;
    ngx_uint_t   i;

    if (alcf->dpop_algs != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;
    alcf->dpop_algs = 0;

    for (i = 1; i < cf->args->nelts; i++) {
        alg = authgw_alg_from_name((char *) value[i].data, value[i].len);

        if (alg < 0 || (AUTHGW_ALG_BIT(alg) & AUTHGW_ALGS_HS)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" is not an asymmetric algorithm: a "
                               "DPoP proof is signed with the client's "
                               "private key (RFC 9449 4.2)", &value[i]);
            return NGX_CONF_ERROR;
        }

        alcf->dpop_algs |= AUTHGW_ALG_BIT(alg);
    }

    return NGX_CONF_OK;
}


/* authgw_dpop_nonce_key file [period=time] | off */

char *
ngx_http_authgw_nonce_key(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ssize_t           n;
    ngx_str_t        *value, *key, path;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    if (alcf->nonce_key != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        if (cf->args->nelts != 2) {
            return "takes no period with \"off\"";
        }

        alcf->nonce_key = NULL;
        return NGX_CONF_OK;
    }

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "period=", 7) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        path.data = value[2].data + 7;
        path.len = value[2].len - 7;

        alcf->nonce_period = ngx_parse_time(&path, 1);
        if (alcf->nonce_period == (time_t) NGX_ERROR
            || alcf->nonce_period == 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid period \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }
    }

    path = value[1];

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = path;
    file.log = cf->log;

    file.fd = ngx_open_file(path.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%s\" failed", path.data);
        return NGX_CONF_ERROR;
    }

    key = NULL;

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_fd_info_n " \"%s\" failed", path.data);
        goto done;
    }

    if (ngx_file_size(&fi) < NGX_HTTP_AUTHGW_NONCE_KEY_MIN
        || ngx_file_size(&fi) > NGX_HTTP_AUTHGW_NONCE_KEY_MAX)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the DPoP nonce key \"%s\" must hold %d to %d "
                           "bytes (\"openssl rand -out FILE 32\" makes one)",
                           path.data, NGX_HTTP_AUTHGW_NONCE_KEY_MIN,
                           NGX_HTTP_AUTHGW_NONCE_KEY_MAX);
        goto done;
    }

    key = ngx_palloc(cf->pool, sizeof(ngx_str_t));
    if (key == NULL) {
        goto done;
    }

    key->len = (size_t) ngx_file_size(&fi);
    key->data = ngx_palloc(cf->pool, key->len);
    if (key->data == NULL) {
        key = NULL;
        goto done;
    }

    n = ngx_read_file(&file, key->data, key->len, 0);

    if (n != (ssize_t) key->len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "could not read \"%s\"", path.data);
        key = NULL;
    }

done:

    if (ngx_close_file(file.fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, cf->log, ngx_errno,
                      ngx_close_file_n " \"%s\" failed", path.data);
    }

    if (key == NULL) {
        return NGX_CONF_ERROR;
    }

    alcf->nonce_key = key;

    return NGX_CONF_OK;
}


/*
 * authgw_dpop_url url: with variables, or a constant http(s) URL (one
 * nginx -t can tell no proof would ever match is refused there)
 */

char *
ngx_http_authgw_dpop_url(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    char       *rv;
    char        origin[AUTHGW_URL_MAX + 1];
    ngx_str_t  *value;

    rv = ngx_http_set_complex_value_slot(cf, cmd, conf);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    value = cf->args->elts;

    if (alcf->dpop_url->lengths == NULL
        && authgw_url_origin((char *) value[1].data, value[1].len,
                             AUTHGW_URL_HTTP, origin, sizeof(origin))
           == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" is not an http or https URL a proof's "
                           "htu could be", &value[1]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* authgw_mtls_certificate $variable | off: off is the connection's */

char *
ngx_http_authgw_cert_source(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ngx_str_t                         *value;
    ngx_http_compile_complex_value_t   ccv;

    if (alcf->mtls_cert != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        alcf->mtls_cert = NULL;
        return NGX_CONF_OK;
    }

    if (value[1].len == 0 || value[1].data[0] != '$') {
        return "takes a variable (the header a trusted TLS terminator "
               "sets, e.g. $http_x_client_cert), or off";
    }

    alcf->mtls_cert = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (alcf->mtls_cert == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = alcf->mtls_cert;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


char *
ngx_http_authgw_dpop_merge(ngx_conf_t *cf, ngx_http_authgw_loc_conf_t *prev,
    ngx_http_authgw_loc_conf_t *conf)
{
    u_char                       *p;
    time_t                        skew;
    ngx_uint_t                    a;
    ngx_http_authgw_main_conf_t  *amcf;

    ngx_conf_merge_uint_value(conf->dpop, prev->dpop, AUTHGW_BIND_OFF);
    ngx_conf_merge_uint_value(conf->dpop_algs, prev->dpop_algs,
                              NGX_HTTP_AUTHGW_DPOP_ALGS);
    ngx_conf_merge_sec_value(conf->dpop_window, prev->dpop_window,
                             NGX_HTTP_AUTHGW_DPOP_WINDOW);
    ngx_conf_merge_ptr_value(conf->dpop_url, prev->dpop_url, NULL);

    /* a key given here has its own period, or the default */

    if (conf->nonce_key == NGX_CONF_UNSET_PTR) {
        conf->nonce_key = prev->nonce_key;
        conf->nonce_period = prev->nonce_period;
    }

    ngx_conf_merge_ptr_value(conf->nonce_key, prev->nonce_key, NULL);
    ngx_conf_merge_sec_value(conf->nonce_period, NGX_CONF_UNSET,
                             NGX_HTTP_AUTHGW_NONCE_PERIOD);
    ngx_conf_merge_uint_value(conf->mtls, prev->mtls, AUTHGW_BIND_OFF);
    ngx_conf_merge_ptr_value(conf->mtls_cert, prev->mtls_cert, NULL);

#if !(NGX_HTTP_SSL)
    if (conf->mtls != AUTHGW_BIND_OFF && conf->mtls_cert == NULL
        && conf->enable == 1)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw_mtls\" needs nginx built with "
                           "ngx_http_ssl_module, or "
                           "\"authgw_mtls_certificate\"");
        return NGX_CONF_ERROR;
    }
#endif

    if (conf->dpop == AUTHGW_BIND_OFF || conf->enable != 1) {
        return NGX_CONF_OK;
    }

    /* the algs of the DPoP challenge (RFC 9449 7.1), made once */

    if (prev->dpop_algs == conf->dpop_algs && prev->dpop_algs_text.len) {
        conf->dpop_algs_text = prev->dpop_algs_text;

    } else {
        p = ngx_pnalloc(cf->pool, AUTHGW_ALG_COUNT * sizeof("EdDSA "));
        if (p == NULL) {
            return NGX_CONF_ERROR;
        }

        conf->dpop_algs_text.data = p;

        for (a = 0; a < AUTHGW_ALG_COUNT; a++) {
            if (conf->dpop_algs & AUTHGW_ALG_BIT(a)) {
                p = ngx_sprintf(p, "%s%s",
                                p == conf->dpop_algs_text.data ? "" : " ",
                                authgw_alg_name((authgw_alg_t) a));
            }
        }

        conf->dpop_algs_text.len = p - conf->dpop_algs_text.data;
    }

    /*
     * one replay cache for the proofs of every location; an entry lives
     * as long as the longest any location takes a proof (its window, and
     * the skew on both sides), so no location takes one it has forgotten
     */

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);

    skew = ngx_max(conf->leeway, NGX_HTTP_AUTHGW_DPOP_SKEW);
    amcf->replay_ttl = ngx_max(amcf->replay_ttl,
                               conf->dpop_window + 2 * skew + 1);
    amcf->replay_skew = ngx_max(amcf->replay_skew, skew);

    if (amcf->replay == NULL) {
        if (amcf->replay_size == NGX_CONF_UNSET_SIZE) {
            amcf->replay_size = NGX_HTTP_AUTHGW_REPLAY_SIZE;
        }

        /* a slab pool takes 8 pages at least, as limit_req's zones */

        if (amcf->replay_size < 8 * ngx_pagesize) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "authgw_dpop_replay_zone of %uz bytes is too "
                               "small: %ui at least", amcf->replay_size,
                               8 * ngx_pagesize);
            return NGX_CONF_ERROR;
        }

        amcf->replay = ngx_http_authgw_replay_zone(cf, amcf->replay_size);
        if (amcf->replay == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    ngx_http_authgw_replay_conf(amcf->replay, amcf->replay_ttl,
                                amcf->replay_skew);

    return NGX_CONF_OK;
}


/*
 * After the token's verification: its proof, when it came as DPoP, and its
 * binding (authgw_binding_check). A refusal's log text is set here.
 */

authgw_status_t
ngx_http_authgw_bind(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx, ngx_str_t *token, json_t *payload)
{
    char               x5t[AUTHGW_JKT_LEN + 1];
    ngx_int_t          rc;
    const char        *why;
    authgw_status_t    status;
    authgw_binding_t   b;

    ctx->proof_ok = 0;

    if (alcf->dpop == AUTHGW_BIND_OFF && alcf->mtls == AUTHGW_BIND_OFF) {
        return AUTHGW_OK;
    }

    ngx_memzero(&b, sizeof(authgw_binding_t));
    b.dpop = alcf->dpop;
    b.mtls = alcf->mtls;
    b.scheme_dpop = ctx->scheme_dpop;

    if (ctx->scheme_dpop) {
        status = ngx_http_authgw_proof(r, alcf, ctx, token);
        if (status != AUTHGW_OK) {
            return status;
        }

        b.proof_jkt = (char *) ctx->jkt;
    }

    /* the certificate only for a token bound to one */

    if (alcf->mtls != AUTHGW_BIND_OFF
        && json_object_get(json_object_get(payload, "cnf"), "x5t#S256"))
    {
        rc = ngx_http_authgw_cert_x5t(r, alcf, x5t);

        if (rc == NGX_ERROR) {
            return AUTHGW_INTERNAL_ERROR;
        }

        if (rc == NGX_DECLINED) {
            ngx_http_authgw_why_static(ctx, "the certificate in "
                                       "authgw_mtls_certificate is "
                                       "malformed");
            return AUTHGW_CERT_MISMATCH;
        }

        b.cert_x5t = (rc == NGX_OK) ? x5t : NULL;
    }

    why = NULL;
    status = authgw_binding_check(payload, &b, &why);

    if (status != AUTHGW_OK && why != NULL) {
        ngx_http_authgw_why_static(ctx, why);
    }

    return status;
}


/* RFC 9449 4.3: the request's one DPoP header, checked (but its replay) */

static authgw_status_t
ngx_http_authgw_proof(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx, ngx_str_t *token)
{
    ngx_int_t                     rc;
    ngx_str_t                     proof, url;
    authgw_alloc_t                alloc;
    authgw_dpop_proof_t           out;
    authgw_dpop_request_t         rq;
    ngx_http_authgw_main_conf_t  *amcf;
    u_char                        key[AUTHGW_JKT_LEN + 1
                                      + AUTHGW_DPOP_JTI_MAX];

    rc = ngx_http_authgw_proof_header(r, &proof);

    if (rc != NGX_OK) {
        ngx_http_authgw_why_static(ctx, rc == NGX_DECLINED
                                        ? "the token came as DPoP, without "
                                          "a DPoP header"
                                        : "more than one DPoP header");
        return AUTHGW_BAD_DPOP_PROOF;
    }

    rc = ngx_http_authgw_request_url(r, alcf, &url);

    if (rc == NGX_DECLINED) {
        ngx_http_authgw_why_static(ctx, "the request's host is no host "
                                   "name a proof's htu can name");
        return AUTHGW_BAD_DPOP_PROOF;
    }

    if (rc != NGX_OK) {
        return AUTHGW_INTERNAL_ERROR;
    }

    alloc.alloc = ngx_http_authgw_alloc;
    alloc.data = r->pool;

    ngx_memzero(&rq, sizeof(authgw_dpop_request_t));
    /* the method the client sent, which error_page may have made GET */

    if (ctx->method.len == 0) {
        ctx->method = r->method_name;
    }

    rq.method = (char *) ctx->method.data;
    rq.method_len = ctx->method.len;
    rq.url = (char *) url.data;
    rq.url_len = url.len;
    rq.token = token->data;
    rq.token_len = token->len;
    rq.algs = alcf->dpop_algs;
    rq.now = (int64_t) ngx_time();
    rq.window = alcf->dpop_window;
    rq.leeway = ngx_max(alcf->leeway, NGX_HTTP_AUTHGW_DPOP_SKEW);

    if (alcf->nonce_key != NULL) {
        rq.nonce_key = alcf->nonce_key->data;
        rq.nonce_key_len = alcf->nonce_key->len;
        rq.nonce_period = alcf->nonce_period;
    }

    if (authgw_dpop_check(proof.data, proof.len, &rq, &alloc, &out) != 0) {
        ngx_http_authgw_why_static(ctx, out.why);
        return out.use_nonce ? AUTHGW_USE_DPOP_NONCE : AUTHGW_BAD_DPOP_PROOF;
    }

    /*
     * a proof seen before is refused here already, before any variable
     * shows it as checked (limit_req keyed on $authgw_dpop_jkt would
     * count a thief's replays against its owner); it is entered in the
     * access phase
     */

    ngx_memcpy(key, out.jkt, AUTHGW_JKT_LEN + 1);
    ngx_memcpy(key + AUTHGW_JKT_LEN + 1, out.jti, out.jti_len);

    if (EVP_Digest(key, AUTHGW_JKT_LEN + 1 + out.jti_len, ctx->proof_key,
                   NULL, EVP_sha256(), NULL)
        != 1)
    {
        return AUTHGW_INTERNAL_ERROR;
    }

    ctx->iat = (time_t) out.iat;

    if (!ctx->replay_done
        || ngx_memcmp(ctx->replayed, ctx->proof_key, 32) != 0)
    {
        amcf = ngx_http_get_module_main_conf(r, ngx_http_authgw_module);

        rc = ngx_http_authgw_replay_add(amcf->replay, ctx->proof_key,
                                        ctx->iat, 0, r->connection->log);
        if (rc != NGX_OK) {
            return ngx_http_authgw_replayed(ctx, rc);
        }
    }

    ngx_memcpy(ctx->jkt, out.jkt, AUTHGW_JKT_LEN + 1);
    ctx->proof_ok = 1;

    return AUTHGW_OK;
}


/* a proof the replay cache refuses: why */

static authgw_status_t
ngx_http_authgw_replayed(ngx_http_authgw_ctx_t *ctx, ngx_int_t rc)
{
    if (rc == NGX_ABORT) {
        ngx_http_authgw_why_static(ctx, "the proof was made before the "
                                   "replay cache began (a reload that "
                                   "resized it, an upgrade): make a new "
                                   "one");
        return AUTHGW_DPOP_REPLAY;
    }

    if (rc == NGX_BUSY) {
        return AUTHGW_REPLAY_CACHE_FULL;
    }

    ngx_http_authgw_why_static(ctx, "the proof's jti was seen before");

    return AUTHGW_DPOP_REPLAY;
}


/* NGX_OK: one DPoP header; NGX_DECLINED: none; NGX_ERROR: more */

static ngx_int_t
ngx_http_authgw_proof_header(ngx_http_request_t *r, ngx_str_t *proof)
{
    ngx_uint_t        i, n;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    static ngx_str_t  dpop = ngx_string("DPoP");

    n = 0;
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

        if (ngx_http_authgw_same_header(&h[i].key, &dpop)) {
            *proof = h[i].value;
            n++;
        }
    }

    return n == 0 ? NGX_DECLINED : (n == 1 ? NGX_OK : NGX_ERROR);
}


/*
 * The URL the proof's htu must be: authgw_dpop_url's (behind a TLS
 * terminator, or for a fixed origin), or the connection's scheme, the
 * host nginx chose the server by (the request line's, or Host, checked
 * and lowercased by nginx), the port the client named in Host (none: the
 * scheme's), and the path of the request line as the client wrote it
 * (authgw_htu_match ignores a query). NGX_DECLINED: a host with a byte no
 * URL's host has ('?', '#', '@'...): the URL would mean another.
 */

static ngx_int_t
ngx_http_authgw_request_url(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_str_t *url)
{
    u_char      *p, c;
    ngx_str_t    host, scheme, port;
    ngx_uint_t   i;

    if (alcf->dpop_url != NULL) {
        return ngx_http_complex_value(r, alcf->dpop_url, url);
    }

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        ngx_str_set(&scheme, "https");
    } else
#endif
    {
        ngx_str_set(&scheme, "http");
    }

    host = r->headers_in.server;

    for (i = 0; i < host.len; i++) {
        c = host.data[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
              || c == '-' || c == '_' || c == '[' || c == ']' || c == ':'))
        {
            return NGX_DECLINED;
        }
    }

    ngx_http_authgw_host_port(r, &port);

    url->len = scheme.len + sizeof("://") - 1 + host.len + 1 + port.len
               + r->unparsed_uri.len;

    url->data = ngx_pnalloc(r->pool, url->len);
    if (url->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(url->data, scheme.data, scheme.len);
    p = ngx_cpymem(p, "://", 3);
    p = ngx_cpymem(p, host.data, host.len);

    if (port.len) {
        *p++ = ':';
        p = ngx_cpymem(p, port.data, port.len);
    }

    p = ngx_cpymem(p, r->unparsed_uri.data, r->unparsed_uri.len);

    url->len = p - url->data;

    return NGX_OK;
}


/*
 * The port of the Host header: its digits after the last ':' (outside an
 * IPv6 literal), 1 to 5 of them; none otherwise. The client's port, where
 * nginx listens on another (a port mapped by Docker or a load balancer).
 */

static void
ngx_http_authgw_host_port(ngx_http_request_t *r, ngx_str_t *port)
{
    u_char  *p, *last;

    ngx_str_null(port);

    if (r->headers_in.host == NULL) {
        return;
    }

    p = r->headers_in.host->value.data;
    last = p + r->headers_in.host->value.len;

    while (last > p && last[-1] >= '0' && last[-1] <= '9') {
        last--;
    }

    if (last == p || last[-1] != ':'
        || (size_t) (p + r->headers_in.host->value.len - last) - 1 > 4)
    {
        return;
    }

    port->data = last;
    port->len = p + r->headers_in.host->value.len - last;
}


/*
 * The x5t#S256 of the client's certificate: NGX_OK; NGX_DONE: none;
 * NGX_DECLINED: the trusted variable holds no certificate one can read.
 * From the TLS connection, its DER as OpenSSL holds it (no PEM parsed).
 */

static ngx_int_t
ngx_http_authgw_cert_x5t(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, char *x5t)
{
    int              rc;
    ngx_str_t        text;
    authgw_alloc_t   alloc;
#if (NGX_HTTP_SSL)
    int              len;
    X509            *cert;
    u_char          *der, *p;
#endif

    if (alcf->mtls_cert != NULL) {
        if (ngx_http_complex_value(r, alcf->mtls_cert, &text) != NGX_OK) {
            return NGX_ERROR;
        }

        alloc.alloc = ngx_http_authgw_alloc;
        alloc.data = r->pool;

        rc = authgw_cert_text_thumbprint((char *) text.data, text.len,
                                         &alloc, x5t);

        return rc == 0 ? NGX_OK : (rc == 1 ? NGX_DONE : NGX_DECLINED);
    }

#if (NGX_HTTP_SSL)

    if (r->connection->ssl == NULL) {
        return NGX_DONE;
    }

#if (OPENSSL_VERSION_NUMBER >= 0x30000000L)
    cert = SSL_get1_peer_certificate(r->connection->ssl->connection);
#else
    cert = SSL_get_peer_certificate(r->connection->ssl->connection);
#endif
    if (cert == NULL) {
        return NGX_DONE;
    }

    der = NULL;
    len = i2d_X509(cert, NULL);

    if (len > 0) {
        der = ngx_pnalloc(r->pool, len);
    }

    if (der == NULL) {
        X509_free(cert);
        return NGX_ERROR;
    }

    p = der;
    len = i2d_X509(cert, &p);
    X509_free(cert);

    if (len <= 0 || authgw_cert_thumbprint(der, len, x5t) != 0) {
        return NGX_ERROR;
    }

    return NGX_OK;

#else

    return NGX_DONE;

#endif
}


/*
 * In the access phase, once the token and its proof have passed: the
 * proof enters the replay cache, or is a replay. Once per request: a
 * request redirected to another location that checks the same proof
 * again has not replayed it. Variables read before (limit_req keyed on
 * $authgw_dpop_jkt) see the proof checked but not yet entered.
 */

authgw_status_t
ngx_http_authgw_replay(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx)
{
    ngx_int_t                     rc;
    ngx_http_authgw_main_conf_t  *amcf;

    if (!ctx->proof_ok) {
        return AUTHGW_OK;
    }

    if (ctx->replay_done
        && ngx_memcmp(ctx->replayed, ctx->proof_key, 32) == 0)
    {
        return AUTHGW_OK;
    }

    amcf = ngx_http_get_module_main_conf(r, ngx_http_authgw_module);

    /* as long as any location could take the proof */

    rc = ngx_http_authgw_replay_add(amcf->replay, ctx->proof_key, ctx->iat,
                                    ngx_time() + amcf->replay_ttl,
                                    r->connection->log);

    if (rc != NGX_OK) {
        ctx->proof_ok = 0;
        return ngx_http_authgw_replayed(ctx, rc);
    }

    ngx_memcpy(ctx->replayed, ctx->proof_key, 32);
    ctx->replay_done = 1;

    return AUTHGW_OK;
}


/*
 * RFC 9449 8.2: the nonce of now, for the client's next proofs, on every
 * response of a location that asks for nonces
 */

ngx_int_t
ngx_http_authgw_nonce_header(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf)
{
    char                    nonce[AUTHGW_NONCE_LEN + 1];
    ngx_table_elt_t        *h;
    ngx_http_authgw_ctx_t  *ctx;

    if (alcf->nonce_key == NULL || alcf->dpop == AUTHGW_BIND_OFF) {
        return NGX_OK;
    }

    if (authgw_dpop_nonce(alcf->nonce_key->data, alcf->nonce_key->len,
                          (int64_t) ngx_time(), alcf->nonce_period, nonce,
                          NULL, 0)
        != 0)
    {
        return NGX_ERROR;
    }

    /* one header, whichever location of the request answers */

    ctx = ngx_http_authgw_get_ctx(r);
    h = (ctx != NULL) ? ctx->nonce : NULL;

    /* a header list emptied since (ngx_http_clean_header) dropped it */

    if (h != NULL
        && !ngx_http_authgw_out_header_is(r, h,
                                          &ngx_http_authgw_dpop_nonce))
    {
        h = NULL;
    }

    if (h == NULL) {
        h = ngx_http_authgw_out_header(r, &ngx_http_authgw_dpop_nonce);
        if (h == NULL) {
            return NGX_ERROR;
        }

        if (ctx != NULL) {
            ctx->nonce = h;
        }
    }

    h->value.data = ngx_pnalloc(r->pool, AUTHGW_NONCE_LEN);
    if (h->value.data == NULL) {
        return NGX_ERROR;
    }

    h->value.len = AUTHGW_NONCE_LEN;
    ngx_memcpy(h->value.data, nonce, AUTHGW_NONCE_LEN);

    return NGX_OK;
}


/* h is in the response's header list still, under key */

static ngx_uint_t
ngx_http_authgw_out_header_is(ngx_http_request_t *r, ngx_table_elt_t *h,
    ngx_str_t *key)
{
    ngx_list_part_t  *part;

    for (part = &r->headers_out.headers.part; part; part = part->next) {
        if (h >= (ngx_table_elt_t *) part->elts
            && h < (ngx_table_elt_t *) part->elts + part->nelts)
        {
            return h->hash != 0 && h->key.len == key->len
                   && ngx_strncmp(h->key.data, key->data, key->len) == 0;
        }
    }

    return 0;
}


/* $authgw_dpop_jkt: the thumbprint of a checked proof's key */

ngx_int_t
ngx_http_authgw_jkt_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    if (ctx == NULL || !ctx->proof_ok) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = ctx->jkt;
    v->len = AUTHGW_JKT_LEN;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/* a refusal's log text that the module wrote itself (no control bytes) */

static void
ngx_http_authgw_why_static(ngx_http_authgw_ctx_t *ctx, const char *why)
{
    ctx->why.data = (u_char *) why;
    ctx->why.len = ngx_strlen(why);
}
