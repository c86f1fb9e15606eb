
/*
 * Identity providers: the authgw_provider blocks, the providers a location
 * names, the choice of one by the token's issuer before any key is tried,
 * and $authgw_provider.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_authgw_module.h"


static ngx_uint_t ngx_http_authgw_provider_name(ngx_str_t *name);
static char *ngx_http_authgw_provider_directive(ngx_conf_t *cf,
    ngx_command_t *dummy, void *conf);
static char *ngx_http_authgw_provider_location(ngx_conf_t *cf,
    ngx_http_authgw_provider_t *pv, ngx_str_t *value);
static char *ngx_http_authgw_provider_own(ngx_conf_t *cf,
    ngx_http_authgw_provider_t *pv, ngx_str_t *value, ngx_uint_t n);
static ngx_int_t ngx_http_authgw_provider_args(ngx_conf_t *cf,
    ngx_command_t *cmd);
static char *ngx_http_authgw_provider_discovery(ngx_conf_t *cf,
    ngx_http_authgw_provider_t *pv);
static char *ngx_http_authgw_provider_done(ngx_conf_t *cf,
    ngx_http_authgw_provider_t *pv);
static char *ngx_http_authgw_jwks_origin(ngx_conf_t *cf,
    ngx_http_authgw_provider_t *pv, ngx_str_t *value, ngx_uint_t n);
static ngx_http_authgw_provider_t *ngx_http_authgw_provider_find(
    ngx_http_authgw_main_conf_t *amcf, ngx_str_t *name);


/*
 * The location directives a provider block takes, without "authgw_": its
 * keys and the rules that belong to its tokens. What a location decides
 * (scopes, claims, headers, the user id) stays in the location.
 */

static ngx_str_t  ngx_http_authgw_provider_commands[] = {
    ngx_string("key_file"),
    ngx_string("key_request"),
    ngx_string("key_cache"),
    ngx_string("key_refresh"),
    ngx_string("key_max_stale"),
    ngx_string("key_request_max_size"),
    ngx_string("algorithms"),
    ngx_string("audience"),
    ngx_string("leeway"),
    ngx_string("require_exp"),
    ngx_string("try_all_keys"),
    ngx_string("cache"),
    ngx_string("user_id_claim"),
    ngx_string("user_id_key_file"),
    ngx_null_string
};


static ngx_uint_t  ngx_http_authgw_argument_number[] = {
    NGX_CONF_NOARGS,
    NGX_CONF_TAKE1,
    NGX_CONF_TAKE2,
    NGX_CONF_TAKE3,
    NGX_CONF_TAKE4,
    NGX_CONF_TAKE5,
    NGX_CONF_TAKE6,
    NGX_CONF_TAKE7
};


char *
ngx_http_authgw_provider_block(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    char                          *rv;
    ngx_str_t                     *value;
    ngx_conf_t                     save;
    ngx_http_module_t             *module;
    ngx_http_authgw_provider_t    *pv, **pp;
    ngx_http_authgw_main_conf_t   *amcf;

    value = cf->args->elts;
    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);

    if (!ngx_http_authgw_provider_name(&value[1])) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "a provider's name is made of letters, digits, "
                           "\"_\", \"-\" and \".\", not \"%V\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    pv = ngx_http_authgw_provider_find(amcf, &value[1]);
    if (pv != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate provider \"%V\", first in %s:%ui",
                           &value[1], pv->file, pv->line);
        return NGX_CONF_ERROR;
    }

    pv = ngx_pcalloc(cf->pool, sizeof(ngx_http_authgw_provider_t));
    if (pv == NULL) {
        return NGX_CONF_ERROR;
    }

    module = ngx_http_authgw_module.ctx;

    pv->conf = module->create_loc_conf(cf);
    if (pv->conf == NULL) {
        return NGX_CONF_ERROR;
    }

    pv->name = value[1];

    pv->suffix.len = sizeof(" (provider )") - 1 + value[1].len;
    pv->suffix.data = ngx_pnalloc(cf->pool, pv->suffix.len);
    if (pv->suffix.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_sprintf(pv->suffix.data, " (provider %V)", &value[1]);

    pv->file = cf->conf_file->file.name.data;
    pv->line = cf->conf_file->line;
    pv->discovery_refresh = NGX_CONF_UNSET;
    pv->jwks_http = NGX_CONF_UNSET;
    pv->index = amcf->providers.nelts;

    pp = ngx_array_push(&amcf->providers);
    if (pp == NULL) {
        return NGX_CONF_ERROR;
    }

    *pp = pv;

    save = *cf;
    cf->handler = ngx_http_authgw_provider_directive;
    cf->handler_conf = (char *) pv;

    rv = ngx_conf_parse(cf, NULL);

    *cf = save;

    if (rv != NGX_CONF_OK) {
        return rv;
    }

    return ngx_http_authgw_provider_done(cf, pv);
}


/* a name for the log and the metrics: [A-Za-z0-9._-]+ */

static ngx_uint_t
ngx_http_authgw_provider_name(ngx_str_t *name)
{
    u_char  *p;

    if (name->len == 0) {
        return 0;
    }

    for (p = name->data; p < name->data + name->len; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
              || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'
              || *p == '.'))
        {
            return 0;
        }
    }

    return 1;
}


/* a directive in the block: the provider's own, or a location directive's */

static char *
ngx_http_authgw_provider_directive(ngx_conf_t *cf, ngx_command_t *dummy,
    void *conf)
{
    ngx_http_authgw_provider_t  *pv = (ngx_http_authgw_provider_t *) conf;

    char       *rv;
    ngx_str_t  *value;

    value = cf->args->elts;

    rv = ngx_http_authgw_provider_own(cf, pv, value, cf->args->nelts);

    if (rv == NGX_CONF_UNSET_PTR) {
        rv = ngx_http_authgw_provider_location(cf, pv, value);
    }

    if (rv != NGX_CONF_OK && rv != NGX_CONF_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\" %s", &value[0], rv);
        return NGX_CONF_ERROR;
    }

    return rv;
}


/* a location directive's, given in the block without "authgw_" */

static char *
ngx_http_authgw_provider_location(ngx_conf_t *cf,
    ngx_http_authgw_provider_t *pv, ngx_str_t *value)
{
    u_char          name[64];
    ngx_str_t      *allowed;
    ngx_command_t  *cmd;

    for (allowed = ngx_http_authgw_provider_commands; allowed->len;
         allowed++)
    {
        if (allowed->len == value[0].len
            && ngx_strncmp(allowed->data, value[0].data, value[0].len) == 0)
        {
            break;
        }
    }

    if (allowed->len == 0 || value[0].len > sizeof(name) - 8) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "unknown directive \"%V\" in authgw_provider",
                           &value[0]);
        return NGX_CONF_ERROR;
    }

    ngx_sprintf(name, "authgw_%V%Z", &value[0]);

    for (cmd = ngx_http_authgw_module.commands; cmd->name.len; cmd++) {
        if (ngx_strcmp(cmd->name.data, name) != 0) {
            continue;
        }

        if (ngx_http_authgw_provider_args(cf, cmd) != NGX_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid number of arguments in \"%V\"",
                               &value[0]);
            return NGX_CONF_ERROR;
        }

        return cmd->set(cf, cmd, pv->conf);
    }

    return NGX_CONF_ERROR;
}


/*
 * issuer, discovery, discovery_refresh, jwks_origin, jwks_http: the
 * provider's own; NGX_CONF_UNSET_PTR for any other name
 */

static char *
ngx_http_authgw_provider_own(ngx_conf_t *cf, ngx_http_authgw_provider_t *pv,
    ngx_str_t *value, ngx_uint_t n)
{
    ngx_str_t  *name;

    name = &value[0];

#define ngx_http_authgw_is(s)                                                 \
    (name->len == sizeof(s) - 1 && ngx_strncmp(name->data, s, name->len) == 0)

    if (ngx_http_authgw_is("issuer")) {
        if (n != 2 || value[1].len == 0) {
            return "takes one issuer: a provider is one issuer";
        }

        if (pv->issuer.len) {
            return "is duplicate";
        }

        pv->issuer.data = value[1].data;
        pv->issuer.len = value[1].len;

        return NGX_CONF_OK;
    }

    if (ngx_http_authgw_is("discovery")) {
        if (n != 2 || value[1].len == 0 || value[1].data[0] != '/') {
            return "takes the URI of a location that fetches "
                   "$authgw_fetch_url, starting with \"/\"";
        }

        if (pv->discovery.len) {
            return "is duplicate";
        }

        pv->discovery = value[1];

        return NGX_CONF_OK;
    }

    if (ngx_http_authgw_is("discovery_refresh")) {
        if (n != 2) {
            return "takes one time";
        }

        if (pv->discovery_refresh != NGX_CONF_UNSET) {
            return "is duplicate";
        }

        pv->discovery_refresh = ngx_parse_time(&value[1], 1);

        if (pv->discovery_refresh == (time_t) NGX_ERROR
            || pv->discovery_refresh < 1)
        {
            return "must be a time of 1s or more";
        }

        return NGX_CONF_OK;
    }

    if (ngx_http_authgw_is("jwks_origin")) {
        return ngx_http_authgw_jwks_origin(cf, pv, value, n);
    }

    if (ngx_http_authgw_is("jwks_http")) {
        if (n != 2 || pv->jwks_http != NGX_CONF_UNSET) {
            return "takes \"on\" or \"off\", once";
        }

        if (ngx_strcmp(value[1].data, "on") == 0) {
            pv->jwks_http = 1;

        } else if (ngx_strcmp(value[1].data, "off") == 0) {
            pv->jwks_http = 0;

        } else {
            return "takes \"on\" or \"off\"";
        }

        return NGX_CONF_OK;
    }

#undef ngx_http_authgw_is

    return NGX_CONF_UNSET_PTR;
}


/* the number of arguments, as ngx_conf_handler() checks it */

static ngx_int_t
ngx_http_authgw_provider_args(ngx_conf_t *cf, ngx_command_t *cmd)
{
    ngx_uint_t  n;

    n = cf->args->nelts;

    if (cmd->type & NGX_CONF_FLAG) {
        return n == 2 ? NGX_OK : NGX_ERROR;
    }

    if (cmd->type & NGX_CONF_1MORE) {
        return n >= 2 ? NGX_OK : NGX_ERROR;
    }

    if (n > 8) {
        return NGX_ERROR;
    }

    return (cmd->type & ngx_http_authgw_argument_number[n - 1]) ? NGX_OK
                                                                : NGX_ERROR;
}


/*
 * jwks_origin https://keys.example.net ...: origins besides the issuer's
 * where the metadata's jwks_uri may point, each as an origin alone
 */

static char *
ngx_http_authgw_jwks_origin(ngx_conf_t *cf, ngx_http_authgw_provider_t *pv,
    ngx_str_t *value, ngx_uint_t n)
{
    char           origin[AUTHGW_URL_MAX + 1];
    u_char        *p, *last;
    size_t         len;
    ngx_str_t      s;
    ngx_uint_t     i;
    authgw_str_t  *o;

    if (n < 2) {
        return "takes one origin or more";
    }

    if (pv->jwks_origins == NULL) {
        pv->jwks_origins = ngx_array_create(cf->pool, 2,
                                            sizeof(authgw_str_t));
        if (pv->jwks_origins == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    for (i = 1; i < n; i++) {
        len = authgw_url_origin((char *) value[i].data, value[i].len,
                                AUTHGW_URL_HTTP, origin, sizeof(origin));

        /* nothing after the authority but one slash */

        last = value[i].data + value[i].len;
        p = ngx_strlcasestrn(value[i].data, last, (u_char *) "://", 3 - 1);

        if (p != NULL) {
            p += 3;
            last -= (last[-1] == '/');

            while (p < last && *p != '/' && *p != '?' && *p != '#') {
                p++;
            }
        }

        if (len == 0 || p == NULL || p != last) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "jwks_origin takes an origin alone, as "
                               "\"https://keys.example.com\" or "
                               "\"https://keys.example.com:8443\", not "
                               "\"%V\"", &value[i]);
            return NGX_CONF_ERROR;
        }

        o = ngx_array_push(pv->jwks_origins);
        if (o == NULL) {
            return NGX_CONF_ERROR;
        }

        s.len = len;
        s.data = (u_char *) origin;

        o->data = ngx_pstrdup(cf->pool, &s);
        if (o->data == NULL) {
            return NGX_CONF_ERROR;
        }

        o->len = len;
    }

    return NGX_CONF_OK;
}


/*
 * discovery: an issuer that is a URL, an http jwks_origin only with
 * jwks_http, the fetch location (for the keys too, unless key_request
 * names another), and the metadata's URL
 */

static char *
ngx_http_authgw_provider_discovery(ngx_conf_t *cf,
    ngx_http_authgw_provider_t *pv)
{
    char                         origin[AUTHGW_URL_MAX + 1];
    u_char                      *p;
    size_t                       len;
    ngx_str_t                    uri;
    ngx_uint_t                   i;
    authgw_str_t                *o;
    ngx_http_authgw_loc_conf_t  *conf;

    conf = pv->conf;

    /* the metadata's URL is the issuer's, with a path appended */

    if (authgw_url_origin((char *) pv->issuer.data, pv->issuer.len,
                          AUTHGW_URL_HTTP | AUTHGW_URL_NO_FRAGMENT,
                          origin, sizeof(origin))
        == 0
        || memchr(pv->issuer.data, '?', pv->issuer.len) != NULL)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "authgw_provider \"%V\": \"discovery\" needs "
                           "an issuer that is an https (or http) URL "
                           "without a query, not \"%*s\"", &pv->name,
                           pv->issuer.len, pv->issuer.data);
        return NGX_CONF_ERROR;
    }

    if (pv->jwks_origins != NULL && pv->jwks_http != 1) {
        o = pv->jwks_origins->elts;

        for (i = 0; i < pv->jwks_origins->nelts; i++) {
            if (o[i].len > 5 && ngx_strncmp(o[i].data, "http:", 5) == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "authgw_provider \"%V\": \"jwks_origin "
                                   "%*s\" is http, which takes "
                                   "\"jwks_http on\"", &pv->name,
                                   o[i].len, o[i].data);
                return NGX_CONF_ERROR;
            }
        }
    }

    if (conf->keys == NGX_CONF_UNSET_PTR || conf->keys->remote == NULL) {
        uri = pv->discovery;

        if (ngx_http_authgw_remote_add(cf, conf, &uri) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }
    }

    /* OpenID Connect Discovery 1.0 section 4: no slash doubled */

    len = pv->issuer.len;

    if (pv->issuer.data[len - 1] == '/') {
        len--;
    }

    pv->discovery_url.len = len
                            + sizeof("/.well-known/openid-configuration")
                            - 1;
    pv->discovery_url.data = ngx_pnalloc(cf->pool,
                                         pv->discovery_url.len);
    if (pv->discovery_url.data == NULL) {
        return NGX_CONF_ERROR;
    }

    p = ngx_cpymem(pv->discovery_url.data, pv->issuer.data, len);
    ngx_memcpy(p, "/.well-known/openid-configuration",
               sizeof("/.well-known/openid-configuration") - 1);

    return NGX_CONF_OK;
}


/*
 * The end of the block: an issuer, keys (files, a key request or
 * discovery), then the provider's settings merged with the defaults, as a
 * location's are, and its issuer rule.
 */

static char *
ngx_http_authgw_provider_done(ngx_conf_t *cf, ngx_http_authgw_provider_t *pv)
{
    authgw_str_t                *iss;
    ngx_http_module_t           *module;
    ngx_http_authgw_loc_conf_t  *defaults, *conf;

    conf = pv->conf;

    if (pv->issuer.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "authgw_provider \"%V\" has no \"issuer\"",
                           &pv->name);
        return NGX_CONF_ERROR;
    }

    if (pv->discovery.len) {
        if (ngx_http_authgw_provider_discovery(cf, pv) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }
    } else if (pv->jwks_origins != NULL || pv->jwks_http != NGX_CONF_UNSET
               || pv->discovery_refresh != NGX_CONF_UNSET)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "authgw_provider \"%V\": \"jwks_origin\", "
                           "\"jwks_http\" and \"discovery_refresh\" are of "
                           "\"discovery\", which is not given", &pv->name);
        return NGX_CONF_ERROR;
    }

    if (conf->keys == NGX_CONF_UNSET_PTR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "authgw_provider \"%V\" has no keys: give "
                           "\"key_file\", \"key_request\" or \"discovery\"",
                           &pv->name);
        return NGX_CONF_ERROR;
    }

    if (conf->keys->remote != NULL) {
        conf->keys->remote->provider = pv;
    }

    ngx_conf_init_value(pv->discovery_refresh,
                        NGX_HTTP_AUTHGW_DISCOVERY_REFRESH);
    ngx_conf_init_value(pv->jwks_http, 0);

    conf->issuers = ngx_array_create(cf->pool, 1, sizeof(authgw_str_t));
    if (conf->issuers == NULL) {
        return NGX_CONF_ERROR;
    }

    iss = ngx_array_push(conf->issuers);
    if (iss == NULL) {
        return NGX_CONF_ERROR;
    }

    *iss = pv->issuer;

    /* merged as a location with nothing above it: the defaults */

    module = ngx_http_authgw_module.ctx;

    defaults = module->create_loc_conf(cf);
    if (defaults == NULL) {
        return NGX_CONF_ERROR;
    }

    conf->enable = 1;

    return module->merge_loc_conf(cf, defaults, conf);
}


/*
 * Before the merge, where provider= applies: a block's own setting that
 * is a provider's would be taken to apply, and never would (the
 * inherited ones belong to the blocks without providers)
 */

char *
ngx_http_authgw_providers_check(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *conf)
{
    const char  *name;

    name = NULL;

    if (conf->keys != NGX_CONF_UNSET_PTR) {
        name = "authgw_key_file\" or \"authgw_key_request";

    } else if (conf->issuers != NGX_CONF_UNSET_PTR) {
        name = "authgw_issuer";

    } else if (conf->algs != NGX_CONF_UNSET_UINT) {
        name = "authgw_algorithms";

    } else if (conf->leeway != NGX_CONF_UNSET) {
        name = "authgw_leeway";

    } else if (conf->require_exp != NGX_CONF_UNSET) {
        name = "authgw_require_exp";

    } else if (conf->try_all_keys != NGX_CONF_UNSET) {
        name = "authgw_try_all_keys";

    } else if (conf->key_cache != NGX_CONF_UNSET) {
        name = "authgw_key_cache";

    } else if (conf->key_refresh != NGX_CONF_UNSET) {
        name = "authgw_key_refresh";

    } else if (conf->key_max_stale != NGX_CONF_UNSET) {
        name = "authgw_key_max_stale";

    } else if (conf->key_max_size != NGX_CONF_UNSET_SIZE) {
        name = "authgw_key_request_max_size";

    } else if (conf->cache_size != NGX_CONF_UNSET && conf->cache_size != 0)
    {
        name = "authgw_cache";

    } else if (conf->uid_claim.data != NULL) {
        name = "authgw_user_id_claim";

    } else if (conf->uid_keys != NGX_CONF_UNSET_PTR) {
        name = "authgw_user_id_key_file";
    }

    if (name != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%s\" has no use where \"authgw\" names "
                           "providers: give it in the \"authgw_provider\" "
                           "blocks, without \"authgw_\"", name);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * A location's providers: each by its name, with the location's
 * authgw_audience (as inherited), which a token must meet beside the
 * provider's audience.
 * Two providers of one location may not share an issuer: the issuer
 * chooses.
 */

char *
ngx_http_authgw_providers_merge(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *prev, ngx_http_authgw_loc_conf_t *conf)
{
    ngx_str_t                    *names;
    ngx_uint_t                    i, j;
    ngx_http_authgw_use_t        *use, *u;
    ngx_http_authgw_provider_t   *pv;
    ngx_http_authgw_main_conf_t  *amcf;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);

    conf->uses = ngx_array_create(cf->pool, conf->provider_names->nelts,
                                  sizeof(ngx_http_authgw_use_t));
    if (conf->uses == NULL) {
        return NGX_CONF_ERROR;
    }

    names = conf->provider_names->elts;

    for (i = 0; i < conf->provider_names->nelts; i++) {
        pv = ngx_http_authgw_provider_find(amcf, &names[i]);

        if (pv == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "no authgw_provider \"%V\" is defined",
                               &names[i]);
            return NGX_CONF_ERROR;
        }

        u = conf->uses->elts;

        for (j = 0; j < conf->uses->nelts; j++) {
            if (u[j].provider->issuer.len == pv->issuer.len
                && ngx_memcmp(u[j].provider->issuer.data, pv->issuer.data,
                              pv->issuer.len) == 0)
            {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "providers \"%V\" and \"%V\" have the "
                                   "same issuer: a location may use one "
                                   "of them", &u[j].provider->name,
                                   &pv->name);
                return NGX_CONF_ERROR;
            }
        }

        use = ngx_array_push(conf->uses);
        if (use == NULL) {
            return NGX_CONF_ERROR;
        }

        use->provider = pv;
        use->policy = pv->conf->policy;

        ngx_memzero(&use->audience, sizeof(authgw_claims_policy_t));

        if (conf->audiences != NULL) {
            use->audience.audiences = conf->audiences->elts;
            use->audience.naudiences = conf->audiences->nelts;
            use->audience.leeway = use->policy.leeway;
        }
    }

    return NGX_CONF_OK;
}


static ngx_http_authgw_provider_t *
ngx_http_authgw_provider_find(ngx_http_authgw_main_conf_t *amcf,
    ngx_str_t *name)
{
    ngx_uint_t                    i;
    ngx_http_authgw_provider_t  **pv;

    pv = amcf->providers.elts;

    for (i = 0; i < amcf->providers.nelts; i++) {
        if (pv[i]->name.len == name->len
            && ngx_strncmp(pv[i]->name.data, name->data, name->len) == 0)
        {
            return pv[i];
        }
    }

    return NULL;
}


/*
 * The provider whose issuer is the token's "iss", exactly: only its keys
 * are tried then, and only its rules apply. An issuer that no provider of
 * the location has is refused before any key, and before any fetch.
 */

authgw_status_t
ngx_http_authgw_select(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx, ngx_str_t *token)
{
    char                   esc[160];
    size_t                 len, n;
    ngx_uint_t             i;
    authgw_alloc_t         alloc;
    authgw_status_t        status;
    ngx_http_authgw_use_t *use;
    const unsigned char   *iss;

    alloc.alloc = ngx_http_authgw_alloc;
    alloc.data = r->pool;

    status = authgw_jws_issuer(token->data, token->len, &alloc, &iss, &len);

    if (status == AUTHGW_OK) {
        use = alcf->uses->elts;

        for (i = 0; i < alcf->uses->nelts; i++) {
            if (use[i].provider->issuer.len == len
                && ngx_memcmp(use[i].provider->issuer.data, iss, len) == 0)
            {
                ctx->use = &use[i];
                return AUTHGW_OK;
            }
        }

        status = AUTHGW_BAD_ISSUER;
    }

    if (status != AUTHGW_BAD_ISSUER
        || r->connection->log->log_level < alcf->log_level)
    {
        return status;
    }

    if (iss == NULL) {
        ngx_str_set(&ctx->why, "the token has no \"iss\" string, and this "
                    "location takes tokens of named providers only");
        return status;
    }

    n = authgw_escape(esc, sizeof(esc), (const char *) iss, len);

    ctx->why.data = ngx_pnalloc(r->pool, n + 64);
    if (ctx->why.data != NULL) {
        ctx->why.len = ngx_sprintf(ctx->why.data, "iss \"%*s\" is the issuer "
                                   "of none of this location's providers",
                                   n, esc)
                       - ctx->why.data;
    }

    return status;
}


/* what the log lines of a key source add: its provider's name, if any */

ngx_str_t *
ngx_http_authgw_suffix(ngx_http_authgw_remote_t *rm)
{
    static ngx_str_t  none = ngx_string("");

    return rm->provider ? &rm->provider->suffix : &none;
}


/* $authgw_provider: the name of the provider whose key verified the token */

ngx_int_t
ngx_http_authgw_provider_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    if (ctx == NULL || ctx->use == NULL || ctx->jws.payload == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    v->data = ctx->use->provider->name.data;
    v->len = ctx->use->provider->name.len;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}
