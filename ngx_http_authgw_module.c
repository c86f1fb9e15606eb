
/*
 * ngx_http_authgw_module: verifies a bearer JWT in the access phase.
 *
 * The directives, the configuration (create, merge, the key sets and their
 * settings) and the module's init. Beside it: the access handler and the
 * variables, the owned headers, the remote keys, and the metrics.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_authgw_module.h"


static void ngx_http_authgw_free_cache(void *data);
static void ngx_http_authgw_free_keys(void *data);
static char *ngx_http_authgw(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_authgw_provider_names(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *alcf, ngx_str_t *v);
static char *ngx_http_authgw_source(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *alcf, ngx_str_t *v);
static char *ngx_http_authgw_strip_check(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *alcf);
static char *ngx_http_authgw_key_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_key_args(ngx_conf_t *cf, ngx_uint_t uid,
    u_char **kid, size_t *kid_len, int *alg);
static char *ngx_http_authgw_keys_add(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_str_t *path, ngx_http_authgw_keys_t *set,
    ngx_http_authgw_keys_t *loaded);
static ngx_http_authgw_keys_t *ngx_http_authgw_keys_get(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_keys_t **field,
    ngx_uint_t uid);
static char *ngx_http_authgw_key_request(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_key_max_size(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_authgw_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void ngx_http_authgw_value_check(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_str_t *v);
static void ngx_http_authgw_user_id_check(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *conf);
static char *ngx_http_authgw_strings(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_user_id_claim(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_authgw_set_header(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_authgw_error_param(ngx_conf_t *cf, ngx_str_t *v,
    ngx_uint_t *error);
static char *ngx_http_authgw_require_claim(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_authgw_require_scope(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_authgw_require(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_claim_set(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_cache(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_require_typ(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_max_lifetime(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_resource_metadata(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_authgw_add_variables(ngx_conf_t *cf);
static void *ngx_http_authgw_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_authgw_create_loc_conf(ngx_conf_t *cf);
static ngx_int_t ngx_http_authgw_merge_keys(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *conf, ngx_uint_t given);
static void ngx_http_authgw_keys_check(ngx_conf_t *cf,
    ngx_http_authgw_keys_t *own, ngx_http_authgw_keys_t *outer);
static char *ngx_http_authgw_merge_enable(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *prev, ngx_http_authgw_loc_conf_t *conf);
static void ngx_http_authgw_merge_rules(ngx_http_authgw_loc_conf_t *prev,
    ngx_http_authgw_loc_conf_t *conf);
static char *ngx_http_authgw_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static ngx_int_t ngx_http_authgw_init(ngx_conf_t *cf);
static void ngx_http_authgw_exit_process(ngx_cycle_t *cycle);


static ngx_conf_enum_t  ngx_http_authgw_log_levels[] = {
    { ngx_string("info"), NGX_LOG_INFO },
    { ngx_string("notice"), NGX_LOG_NOTICE },
    { ngx_string("warn"), NGX_LOG_WARN },
    { ngx_string("error"), NGX_LOG_ERR },
    { ngx_null_string, 0 }
};


static ngx_conf_enum_t  ngx_http_authgw_bind_modes[] = {
    { ngx_string("off"), AUTHGW_BIND_OFF },
    { ngx_string("optional"), AUTHGW_BIND_OPTIONAL },
    { ngx_string("required"), AUTHGW_BIND_REQUIRED },
    { ngx_null_string, 0 }
};


static ngx_conf_post_t  ngx_http_authgw_key_max_size_post = {
    ngx_http_authgw_key_max_size
};


static ngx_command_t  ngx_http_authgw_commands[] = {

    { ngx_string("authgw"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_HTTP_LMT_CONF
                        |NGX_CONF_1MORE,
      ngx_http_authgw,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_provider"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_BLOCK|NGX_CONF_TAKE1,
      ngx_http_authgw_provider_block,
      0,
      0,
      NULL },

    { ngx_string("authgw_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF
                        |NGX_CONF_TAKE123,
      ngx_http_authgw_key_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, keys),
      NULL },

    { ngx_string("authgw_key_request"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_authgw_key_request,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, keys),
      NULL },

    { ngx_string("authgw_key_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, key_cache),
      NULL },

    { ngx_string("authgw_key_refresh"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, key_refresh),
      NULL },

    { ngx_string("authgw_key_max_stale"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, key_max_stale),
      NULL },

    { ngx_string("authgw_key_request_max_size"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, key_max_size),
      &ngx_http_authgw_key_max_size_post },

    { ngx_string("authgw_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_authgw_status,
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

    { ngx_string("authgw_try_all_keys"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, try_all_keys),
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

    { ngx_string("authgw_user_id_claim"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_authgw_user_id_claim,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_user_id_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_authgw_key_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, uid_keys),
      NULL },

    { ngx_string("authgw_set_header"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE2,
      ngx_http_authgw_set_header,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_require_claim"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_authgw_require_claim,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_require_scope"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_authgw_require_scope,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_require"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_authgw_require,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_require_typ"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_authgw_require_typ,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, types),
      NULL },

    { ngx_string("authgw_max_lifetime"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_authgw_max_lifetime,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_bypass_cors_preflight"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, preflight),
      NULL },

    { ngx_string("authgw_resource_metadata"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_authgw_resource_metadata,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, resource_metadata),
      NULL },

    { ngx_string("authgw_protected_resource"),
      NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_authgw_protected_resource,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_claim_set"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_authgw_claim_set,
      0,
      0,
      NULL },

    { ngx_string("authgw_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_authgw_cache,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_dpop"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, dpop),
      &ngx_http_authgw_bind_modes },

    { ngx_string("authgw_dpop_algorithms"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_authgw_dpop_algorithms,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_dpop_window"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, dpop_window),
      NULL },

    { ngx_string("authgw_dpop_url"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_authgw_dpop_url,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, dpop_url),
      NULL },

    { ngx_string("authgw_dpop_nonce_key"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_http_authgw_nonce_key,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("authgw_dpop_replay_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_authgw_main_conf_t, replay_size),
      NULL },

    { ngx_string("authgw_mtls"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_authgw_loc_conf_t, mtls),
      &ngx_http_authgw_bind_modes },

    { ngx_string("authgw_mtls_certificate"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_authgw_cert_source,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
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
    ngx_http_authgw_exit_process,          /* exit process */
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

    { ngx_string("authgw_user_id"), NULL, ngx_http_authgw_user_id_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("authgw_cache_status"), NULL,
      ngx_http_authgw_cache_status_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("authgw_provider"), NULL,
      ngx_http_authgw_provider_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("authgw_fetch_url"), NULL,
      ngx_http_authgw_fetch_url_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("authgw_key_refetch"), NULL,
      ngx_http_authgw_key_refetch_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("authgw_dpop_jkt"), NULL,
      ngx_http_authgw_jkt_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static void
ngx_http_authgw_free_cache(void *data)
{
    ngx_http_authgw_keys_t  *k = data;

    authgw_cache_destroy(k->cache);
    k->cache = NULL;
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
    alcf->strip = 0;
    alcf->provider_names = NULL;

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

        if (ngx_strcmp(value[i].data, "strip_token") == 0) {
            alcf->strip = 1;
            continue;
        }

        if (ngx_strncmp(value[i].data, "provider=", 9) == 0
            && value[i].len > 9)
        {
            if (alcf->provider_names != NULL) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"provider=\" is duplicate: name the "
                                   "providers in one, \"provider=a,b\"");
                return NGX_CONF_ERROR;
            }

            if (ngx_http_authgw_provider_names(cf, alcf, &value[i])
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (ngx_strncmp(value[i].data, "token=", 6) == 0
            && value[i].len > 6)
        {
            value[i].data += 6;
            value[i].len -= 6;

            if (ngx_http_authgw_source(cf, alcf, &value[i]) != NGX_CONF_OK) {
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

    if (alcf->strip) {
        amcf->headers = 1;
        return ngx_http_authgw_strip_check(cf, alcf);
    }

    if (alcf->sources != NULL && alcf->sources->nelts > 1) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "several token= without strip_token: the "
                           "upstream receives the tokens of the other "
                           "sources as the client sent them, unverified");
    }

    return NGX_CONF_OK;
}


/* provider=a,b: the names, resolved when the configuration is merged */

static char *
ngx_http_authgw_provider_names(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *alcf, ngx_str_t *v)
{
    u_char     *p, *last, *comma;
    ngx_str_t  *name;

    alcf->provider_names = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
    if (alcf->provider_names == NULL) {
        return NGX_CONF_ERROR;
    }

    p = v->data + 9;
    last = v->data + v->len;

    while (p <= last) {
        comma = ngx_strlchr(p, last, ',');
        if (comma == NULL) {
            comma = last;
        }

        if (comma == p) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "an empty provider name in \"%V\"", v);
            return NGX_CONF_ERROR;
        }

        name = ngx_array_push(alcf->provider_names);
        if (name == NULL) {
            return NGX_CONF_ERROR;
        }

        name->data = p;
        name->len = comma - p;

        p = comma + 1;
    }

    return NGX_CONF_OK;
}


/*
 * token=bearer (the Authorization header's Bearer token) or token=$var;
 * the sources are tried in the order given. A $cookie_NAME or $http_NAME
 * is remembered, for strip_token to know what to remove.
 */

static char *
ngx_http_authgw_source(ngx_conf_t *cf, ngx_http_authgw_loc_conf_t *alcf,
    ngx_str_t *v)
{
    u_char                             c;
    ngx_str_t                          name;
    ngx_uint_t                         i;
    ngx_http_authgw_source_t          *src;
    ngx_http_compile_complex_value_t   ccv;

    if (alcf->sources == NULL) {
        alcf->sources = ngx_array_create(cf->pool, 2,
                                         sizeof(ngx_http_authgw_source_t));
        if (alcf->sources == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    src = alcf->sources->elts;

    for (i = 0; i < alcf->sources->nelts; i++) {
        if ((src[i].value == NULL && ngx_strcmp(v->data, "bearer") == 0)
            || (src[i].value != NULL
                && src[i].value->value.len == v->len
                && ngx_strncmp(src[i].value->value.data, v->data, v->len)
                   == 0))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"token=%V\" is given twice", v);
            return NGX_CONF_ERROR;
        }
    }

    src = ngx_array_push(alcf->sources);
    if (src == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(src, sizeof(ngx_http_authgw_source_t));

    if (ngx_strcmp(v->data, "bearer") == 0) {
        return NGX_CONF_OK;
    }

    src->value = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (src->value == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = v;
    ccv.complex_value = src->value;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /* a constant would be one token for every request */

    if (src->value->lengths == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"token=%V\" holds no variable: the token "
                           "comes from the request, as in token=bearer or "
                           "token=$cookie_access_token", v);
        return NGX_CONF_ERROR;
    }

    /* $cookie_NAME, ${cookie_NAME}, $http_NAME: nothing else around it */

    name = *v;

    if (name.len > 3 && name.data[1] == '{' && name.data[name.len - 1] == '}')
    {
        name.data += 2;
        name.len -= 3;

    } else {
        name.data++;
        name.len--;
    }

    for (i = 0; i < name.len; i++) {
        c = ngx_tolower(name.data[i]);

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return NGX_CONF_OK;
        }
    }

    if (name.len > sizeof("cookie_") - 1
        && ngx_strncasecmp(name.data, (u_char *) "cookie_",
                           sizeof("cookie_") - 1) == 0)
    {
        src->cookie.data = name.data + sizeof("cookie_") - 1;
        src->cookie.len = name.len - (sizeof("cookie_") - 1);

    } else if (name.len > sizeof("http_") - 1
               && ngx_strncasecmp(name.data, (u_char *) "http_",
                                  sizeof("http_") - 1) == 0)
    {
        src->header.data = name.data + sizeof("http_") - 1;
        src->header.len = name.len - (sizeof("http_") - 1);

    } else {
        return NGX_CONF_OK;
    }

    /* strip_token makes nginx read that variable again */

    src->index = ngx_http_get_variable_index(cf, &name);
    if (src->index == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * strip_token removes what it can name: the Authorization header, the
 * token's cookies, a header of the gateway's own choice; never a header
 * that nginx parses itself, whose pointer would go on reading it
 */

static char *
ngx_http_authgw_strip_check(ngx_conf_t *cf, ngx_http_authgw_loc_conf_t *alcf)
{
    ngx_uint_t                    i;
    authgw_str_t                 *c;
    ngx_http_header_t            *hh;
    ngx_http_authgw_source_t     *src;
    ngx_http_authgw_main_conf_t  *amcf;

    static ngx_str_t  vars[] = {
        ngx_string("http_authorization"), ngx_string("remote_user"),
        ngx_string("http_cookie")
    };

    /*
     * nginx keeps a variable's value once read: those that read what
     * strip_token removes are read again after it
     */

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);

    for (i = 0; i < 3; i++) {
        amcf->strip_vars[i] = ngx_http_get_variable_index(cf, &vars[i]);
        if (amcf->strip_vars[i] == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }
    }

    if (alcf->sources == NULL) {
        return NGX_CONF_OK;
    }

    src = alcf->sources->elts;

    for (i = 0; i < alcf->sources->nelts; i++) {

        if (src[i].value == NULL) {
            continue;
        }

        if (src[i].cookie.len) {
            if (alcf->strip_cookies == NULL) {
                alcf->strip_cookies = ngx_array_create(cf->pool, 1,
                                                       sizeof(authgw_str_t));
                if (alcf->strip_cookies == NULL) {
                    return NGX_CONF_ERROR;
                }
            }

            c = ngx_array_push(alcf->strip_cookies);
            if (c == NULL) {
                return NGX_CONF_ERROR;
            }

            c->data = src[i].cookie.data;
            c->len = src[i].cookie.len;
            continue;
        }

        if (src[i].header.len == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "strip_token cannot remove the token of "
                               "\"token=%V\": only token=bearer, "
                               "$cookie_NAME and $http_NAME say where it is",
                               &src[i].value->value);
            return NGX_CONF_ERROR;
        }

        for (hh = ngx_http_headers_in; hh->name.len; hh++) {
            if (ngx_http_authgw_same_header(&hh->name, &src[i].header)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "strip_token cannot remove \"%V\": "
                                   "nginx reads that header itself",
                                   &src[i].header);
                return NGX_CONF_ERROR;
            }
        }
    }

    return NGX_CONF_OK;
}


/* kid= and alg= of a key file directive (alg= is for signature keys) */

static char *
ngx_http_authgw_key_args(ngx_conf_t *cf, ngx_uint_t uid, u_char **kid,
    size_t *kid_len, int *alg)
{
    ngx_str_t   *value;
    ngx_uint_t   i;

    value = cf->args->elts;

    *kid = NULL;
    *kid_len = 0;
    *alg = -1;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "kid=", 4) == 0 && *kid == NULL) {
            *kid = value[i].data + 4;
            *kid_len = value[i].len - 4;
            continue;
        }

        if (ngx_strncmp(value[i].data, "alg=", 4) == 0 && *alg < 0 && !uid) {
            *alg = authgw_alg_from_name((char *) value[i].data + 4,
                                        value[i].len - 4);
            if (*alg < 0) {
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

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_key_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    int                      rc, alg, uid;
    char                     err[256];
    size_t                   n, kid_len;
    u_char                  *kid;
    ngx_str_t               *value, path;
    authgw_key_t           **keys;
    ngx_pool_cleanup_t      *cln;
    ngx_http_authgw_keys_t       *set, *loaded, **field;
    ngx_http_authgw_main_conf_t  *amcf;

    field = (ngx_http_authgw_keys_t **) (p + cmd->offset);
    uid = (cmd->offset == offsetof(ngx_http_authgw_loc_conf_t, uid_keys));

    if (ngx_http_authgw_key_args(cf, uid, &kid, &kid_len, &alg)
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;
    path = value[1];

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (uid) {
        rc = authgw_enc_key_load_file((char *) path.data, kid, kid_len, &keys,
                                      &n, err, sizeof(err));

    } else {
        rc = authgw_key_load_file((char *) path.data, kid, kid_len, alg,
                                  &keys, &n, err, sizeof(err));
    }

    if (rc != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%V \"%V\": %s",
                           &cmd->name, &path, err);
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

    set = ngx_http_authgw_keys_get(cf, conf, field, uid);
    if (set == NULL) {
        return NGX_CONF_ERROR;
    }

    if (!uid) {
        amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);
        amcf->file_keys += n;

        if (set->files_file == NULL) {
            set->files_file = cf->conf_file->file.name.data;
            set->files_line = cf->conf_file->line;
        }
    }

    return ngx_http_authgw_keys_add(cf, cmd, &path, set, loaded);
}


/* a file's keys join the block's one flat list; a kid names one key */

static char *
ngx_http_authgw_keys_add(ngx_conf_t *cf, ngx_command_t *cmd, ngx_str_t *path,
    ngx_http_authgw_keys_t *set, ngx_http_authgw_keys_t *loaded)
{
    size_t          j;
    authgw_key_t  **keys, *key;

    for (j = 0; j < loaded->nkeys; j++) {
        key = loaded->keys[j];

        if (key->kid != NULL
            && authgw_key_find(set->keys, set->nkeys, key->kid, key->kid_len)
               != NULL)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V \"%V\": duplicate kid \"%*s\"",
                               &cmd->name, path, key->kid_len, key->kid);
            return NGX_CONF_ERROR;
        }
    }

    keys = ngx_palloc(cf->pool,
                      (set->nkeys + loaded->nkeys) * sizeof(authgw_key_t *));
    if (keys == NULL) {
        return NGX_CONF_ERROR;
    }

    if (set->nkeys) {
        ngx_memcpy(keys, set->keys, set->nkeys * sizeof(authgw_key_t *));
    }

    ngx_memcpy(keys + set->nkeys, loaded->keys,
               loaded->nkeys * sizeof(authgw_key_t *));

    set->keys = keys;
    set->nkeys += loaded->nkeys;

    return NGX_CONF_OK;
}


/* the key set of this block: got, or made on its first key directive */

static ngx_http_authgw_keys_t *
ngx_http_authgw_keys_get(ngx_conf_t *cf, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_keys_t **field, ngx_uint_t uid)
{
    ngx_http_authgw_keys_t       **kp;
    ngx_http_authgw_main_conf_t   *amcf;

    if (*field != NGX_CONF_UNSET_PTR) {
        return *field;
    }

    *field = ngx_pcalloc(cf->pool, sizeof(ngx_http_authgw_keys_t));
    if (*field == NULL) {
        return NULL;
    }

    (*field)->owner = alcf;
    (*field)->file = cf->conf_file->file.name.data;
    (*field)->line = cf->conf_file->line;

    if (!uid) {
        amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);

        kp = ngx_array_push(&amcf->keysets);
        if (kp == NULL) {
            return NULL;
        }

        *kp = *field;
    }

    return *field;
}


static char *
ngx_http_authgw_key_request(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t  *value;

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%V needs a URI that starts with \"/\", not "
                           "\"%V\"", &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    return ngx_http_authgw_remote_add(cf, conf, &value[1]);
}


/* the block's keys fetched through the location at uri */

char *
ngx_http_authgw_remote_add(ngx_conf_t *cf, ngx_http_authgw_loc_conf_t *alcf,
    ngx_str_t *uri)
{
    ngx_http_authgw_keys_t        *set;
    ngx_http_authgw_remote_t      *rm, **rp;
    ngx_http_authgw_main_conf_t   *amcf;

    set = ngx_http_authgw_keys_get(cf, alcf, &alcf->keys, 0);
    if (set == NULL) {
        return NGX_CONF_ERROR;
    }

    if (set->remote != NULL) {
        return "is duplicate";
    }

    rm = ngx_pcalloc(cf->pool, sizeof(ngx_http_authgw_remote_t));
    if (rm == NULL) {
        return NGX_CONF_ERROR;
    }

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);

    rp = ngx_array_push(&amcf->remotes);
    if (rp == NULL) {
        return NGX_CONF_ERROR;
    }

    *rp = rm;

    rm->uri = *uri;
    rm->set = set;
    rm->file = cf->conf_file->file.name.data;
    rm->line = cf->conf_file->line;
    rm->index = amcf->remotes.nelts - 1;
    rm->cache = NGX_CONF_UNSET;
    rm->refresh = NGX_CONF_UNSET;
    rm->max_stale = NGX_CONF_UNSET;
    rm->max_size = NGX_CONF_UNSET_SIZE;
    ngx_queue_init(&rm->waiters);

    set->remote = rm;

    return NGX_CONF_OK;
}


/*
 * Media types without parameters (RFC 9110 tokens): a typ has none that
 * could match otherwise. "off": none here, whatever is inherited.
 */

static char *
ngx_http_authgw_require_typ(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ngx_str_t   *value;
    ngx_uint_t   i;

    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcasecmp(value[1].data,
                                               (u_char *) "off") == 0)
    {
        if (alcf->types != NGX_CONF_UNSET_PTR) {
            return "is duplicate";
        }

        alcf->types = NULL;
        return NGX_CONF_OK;
    }

    for (i = 1; i < cf->args->nelts; i++) {
        if (ngx_strcasecmp(value[i].data, (u_char *) "off") == 0) {
            return "takes \"off\" alone";
        }

        if (!authgw_media_type_valid(value[i].data, value[i].len)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"authgw_require_typ\": \"%V\" is not a "
                               "media type without parameters (\"at+jwt\" "
                               "or \"application/at+jwt\")", &value[i]);
            return NGX_CONF_ERROR;
        }
    }

    return ngx_http_authgw_strings(cf, cmd, conf);
}


/* a time of at least 1s, or "off": no limit here, whatever is inherited */

static char *
ngx_http_authgw_max_lifetime(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ngx_str_t  *value;

    if (alcf->max_lifetime != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcasecmp(value[1].data, (u_char *) "off") == 0) {
        alcf->max_lifetime = 0;
        return NGX_CONF_OK;
    }

    alcf->max_lifetime = ngx_parse_time(&value[1], 1);

    if (alcf->max_lifetime == (time_t) NGX_ERROR) {
        return "has an invalid value";
    }

    if (alcf->max_lifetime <= 0) {
        return "must be at least 1s, or off";
    }

    return NGX_CONF_OK;
}


/*
 * The URL of the resource's metadata: one without variables is checked
 * here as an https URL without a fragment (RFC 9728 3)
 */

static char *
ngx_http_authgw_resource_metadata(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    char        *rv;
    u_char       origin[AUTHGW_URL_MAX + 1];
    ngx_str_t   *value;

    rv = ngx_http_set_complex_value_slot(cf, cmd, conf);

    if (rv != NGX_CONF_OK || alcf->resource_metadata->lengths != NULL) {
        return rv;
    }

    value = cf->args->elts;

    if (authgw_url_origin((const char *) value[1].data, value[1].len,
                          AUTHGW_URL_NO_FRAGMENT, (char *) origin,
                          sizeof(origin))
        == 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw_resource_metadata\": \"%V\" is not an "
                           "https URL without a fragment", &value[1]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* a key set is a few KB; more than 64 MB is a mistake */

static char *
ngx_http_authgw_key_max_size(ngx_conf_t *cf, void *post, void *data)
{
    size_t  *sp = data;

    if (*sp < 1024 || *sp > 64 * 1024 * 1024) {
        return "must be from 1k to 64m";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ngx_http_core_loc_conf_t     *clcf;
    ngx_http_authgw_main_conf_t  *amcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_authgw_status_handler;

    alcf->status_file = cf->conf_file->file.name.data;
    alcf->status_line = cf->conf_file->line;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);
    amcf->status = 1;

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

    value = cf->args->elts;

    /* "authgw_audience off": none here, whatever is inherited */

    if (cmd->offset == offsetof(ngx_http_authgw_loc_conf_t, audiences)
        && cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0)
    {
        if (*a != NGX_CONF_UNSET_PTR) {
            return "is duplicate";
        }

        *a = NULL;
        return NGX_CONF_OK;
    }

    if (*a == NULL) {
        return "is duplicate";
    }

    if (*a == NGX_CONF_UNSET_PTR) {
        *a = ngx_array_create(cf->pool, 2, sizeof(authgw_str_t));
        if (*a == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    for (i = 1; i < cf->args->nelts; i++) {
        s = ngx_array_push(*a);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        s->data = value[i].data;
        s->len = value[i].len;

        ngx_http_authgw_value_check(cf, cmd, &value[i]);
    }

    return NGX_CONF_OK;
}


/*
 * A warning, once per directive: an owned header made of $authgw_user_id
 * where authgw is on and no authgw_user_id_claim applies is always empty
 */

static void
ngx_http_authgw_user_id_check(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *conf)
{
    ngx_uint_t                 i;
    ngx_http_conf_ctx_t       *ctx;
    ngx_http_authgw_use_t     *use;
    ngx_http_authgw_header_t  *h;
    ngx_http_core_loc_conf_t  *clcf;

    if (conf->enable != 1 || conf->set_headers == NULL) {
        return;
    }

    /* with providers, the user id is theirs */

    if (conf->uses != NULL) {
        use = conf->uses->elts;

        for (i = 0; i < conf->uses->nelts; i++) {
            if (use[i].provider->conf->uid_claim.len) {
                return;
            }
        }

    } else if (conf->uid_claim.len) {
        return;
    }

    /* locations only: a server's own level may leave the claim to them */

    ctx = cf->ctx;
    clcf = ctx->loc_conf[ngx_http_core_module.ctx_index];

    if (clcf->name.len == 0) {
        return;
    }

    h = conf->set_headers->elts;

    for (i = 0; i < conf->set_headers->nelts; i++) {
        if (h[i].user_id && !h[i].warned) {
            h[i].warned = 1;
            ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                          "\"authgw_set_header %V\" reads $authgw_user_id "
                          "where no \"authgw_user_id_claim\" applies: it is "
                          "always empty there, in %s:%ui", &h[i].name,
                          h[i].file, h[i].line);
        }
    }
}


/*
 * A warning, and the configuration still loads, for an issuer or audience
 * that looks like a mistake: each value is compared whole, byte for byte
 */

static void
ngx_http_authgw_value_check(ngx_conf_t *cf, ngx_command_t *cmd,
    ngx_str_t *v)
{
    u_char  *last;

    if (v->len == 0) {
        return;
    }

    last = v->data + v->len - 1;

    if (ngx_strlchr(v->data, last + 1, ',') != NULL) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "\"%V\" value \"%V\" has a comma: each value is "
                           "compared whole; give several as separate "
                           "arguments", &cmd->name, v);

    } else if (ngx_strlchr(v->data, last + 1, '[') != NULL
               || ngx_strlchr(v->data, last + 1, ']') != NULL
               || ngx_strlchr(v->data, last + 1, '"') != NULL)
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "\"%V\" value \"%V\" has a bracket or a quote: "
                           "write the value itself, not JSON", &cmd->name, v);

    } else if (*v->data == ' ' || *v->data == '\t' || *last == ' '
               || *last == '\t')
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "\"%V\" value \"%V\" begins or ends with white "
                           "space, which a token's value must have too",
                           &cmd->name, v);
    }
}


static char *
ngx_http_authgw_user_id_claim(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ngx_str_t  *value;

    if (alcf->uid_claim.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0) {
        return "takes a claim name";
    }

    alcf->uid_claim = value[1];
    alcf->uid_optional = 0;

    if (cf->args->nelts == 3) {
        if (ngx_strcmp(value[2].data, "optional") != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        alcf->uid_optional = 1;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_set_header(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ngx_str_t                         *value;
    ngx_uint_t                         i;
    ngx_http_header_t                 *hh;
    ngx_http_authgw_header_t          *h;
    ngx_http_authgw_main_conf_t       *amcf;
    ngx_http_compile_complex_value_t   ccv;

    value = cf->args->elts;

    for (i = 0; i < value[1].len; i++) {
        if (value[1].data[i] <= ' ' || value[1].data[i] == ':'
            || value[1].data[i] >= 0x7f)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid header name \"%V\"", &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    if (value[1].len == 0) {
        return "takes a header name";
    }

    /*
     * nginx keeps its own pointers to these (Host, Authorization, Cookie,
     * X-Forwarded-For...): removing the client's copy would leave them
     * reading it
     */

    for (hh = ngx_http_headers_in; hh->name.len; hh++) {
        if (ngx_http_authgw_same_header(&hh->name, &value[1])) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "authgw_set_header cannot own \"%V\": "
                               "nginx reads that header itself", &value[1]);
            return NGX_CONF_ERROR;
        }
    }

    if (alcf->set_headers == NGX_CONF_UNSET_PTR) {
        alcf->set_headers = ngx_array_create(cf->pool, 2,
                                             sizeof(ngx_http_authgw_header_t));
        if (alcf->set_headers == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    h = ngx_array_push(alcf->set_headers);
    if (h == NULL) {
        return NGX_CONF_ERROR;
    }

    h->name = value[1];

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

    ccv.cf = cf;
    ccv.value = &value[2];
    ccv.complex_value = &h->value;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    h->file = cf->conf_file->file.name.data;
    h->line = cf->conf_file->line;
    h->user_id = ngx_strnstr(value[2].data, "authgw_user_id", value[2].len)
                 != NULL;
    h->warned = 0;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);
    amcf->headers = 1;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_authgw_error_param(ngx_conf_t *cf, ngx_str_t *v, ngx_uint_t *error)
{
    if (v->len < 6 || ngx_strncmp(v->data, "error=", 6) != 0) {
        return NGX_DECLINED;
    }

    if (v->len == 9 && ngx_strncmp(v->data + 6, "401", 3) == 0) {
        *error = NGX_HTTP_UNAUTHORIZED;
        return NGX_OK;
    }

    if (v->len == 9 && ngx_strncmp(v->data + 6, "403", 3) == 0) {
        *error = NGX_HTTP_FORBIDDEN;
        return NGX_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"%V\": error= takes 401 or 403", v);

    return NGX_ERROR;
}


static char *
ngx_http_authgw_require_claim(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ngx_int_t                rc;
    ngx_str_t               *value;
    ngx_uint_t               i, error;
    authgw_str_t            *v;
    ngx_http_authgw_rule_t  *rule;

    value = cf->args->elts;

    if (alcf->rules == NGX_CONF_UNSET_PTR) {
        alcf->rules = ngx_array_create(cf->pool, 2,
                                       sizeof(ngx_http_authgw_rule_t));
        if (alcf->rules == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    rule = ngx_array_push(alcf->rules);
    if (rule == NULL) {
        return NGX_CONF_ERROR;
    }

    rule->claim = value[1];
    rule->values = NULL;
    error = 0;

    if (value[1].data[0] != '/'
        && ngx_strlchr(value[1].data, value[1].data + value[1].len, '.')
           != NULL)
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "claim name \"%V\" has a dot: it names one "
                           "top-level claim; a nested claim is a JSON "
                           "Pointer, such as \"/realm_access/roles\"",
                           &value[1]);
    }

    for (i = 2; i < cf->args->nelts; i++) {
        rc = ngx_http_authgw_error_param(cf, &value[i], &error);

        if (rc == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }

        if (rc == NGX_OK) {
            if (i != cf->args->nelts - 1) {
                return "takes error= last";
            }

            break;
        }

        if (rule->values == NULL) {
            rule->values = ngx_array_create(cf->pool, 2,
                                            sizeof(authgw_str_t));
            if (rule->values == NULL) {
                return NGX_CONF_ERROR;
            }
        }

        v = ngx_array_push(rule->values);
        if (v == NULL) {
            return NGX_CONF_ERROR;
        }

        v->data = value[i].data;
        v->len = value[i].len;
    }

    /* a claim that must exist is an invalid token; a mismatch, forbidden */

    if (error == 0) {
        error = rule->values ? NGX_HTTP_FORBIDDEN : NGX_HTTP_UNAUTHORIZED;
    }

    rule->error = error;

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_require_scope(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    u_char      *p;
    size_t       len;
    ngx_str_t   *value, *s;
    ngx_uint_t   i;

    if (alcf->scopes != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    alcf->scopes = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                    sizeof(ngx_str_t));
    if (alcf->scopes == NULL) {
        return NGX_CONF_ERROR;
    }

    len = 0;

    for (i = 1; i < cf->args->nelts; i++) {
        for (p = value[i].data; p < value[i].data + value[i].len; p++) {
            if (*p <= ' ' || *p == '"' || *p == '\\' || *p >= 0x7f) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid scope \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }
        }

        s = ngx_array_push(alcf->scopes);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        *s = value[i];
        len += value[i].len + 1;
    }

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    alcf->scope_list.data = p;

    for (i = 1; i < cf->args->nelts; i++) {
        if (i > 1) {
            *p++ = ' ';
        }

        p = ngx_cpymem(p, value[i].data, value[i].len);
    }

    alcf->scope_list.len = p - alcf->scope_list.data;

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_require(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ngx_int_t                          rc;
    ngx_str_t                         *value;
    ngx_uint_t                         i;
    ngx_http_complex_value_t          *cv;
    ngx_http_compile_complex_value_t   ccv;

    if (alcf->requires != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    alcf->requires = ngx_array_create(cf->pool, cf->args->nelts,
                                      sizeof(ngx_http_complex_value_t));
    if (alcf->requires == NULL) {
        return NGX_CONF_ERROR;
    }

    alcf->require_error = NGX_HTTP_UNAUTHORIZED;

    for (i = 1; i < cf->args->nelts; i++) {
        rc = ngx_http_authgw_error_param(cf, &value[i], &alcf->require_error);

        if (rc == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }

        if (rc == NGX_OK) {
            if (i != cf->args->nelts - 1 || i == 1) {
                return "takes variables, then error= last";
            }

            break;
        }

        if (value[i].data[0] != '$') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"%V\" is not a variable", &value[i]);
            return NGX_CONF_ERROR;
        }

        cv = ngx_array_push(alcf->requires);
        if (cv == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));

        ccv.cf = cf;
        ccv.value = &value[i];
        ccv.complex_value = cv;

        if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_claim_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t            *value, *claim;
    ngx_http_variable_t  *var;

    value = cf->args->elts;

    if (value[1].len < 2 || value[1].data[0] != '$') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid variable name \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    value[1].data++;
    value[1].len--;

    var = ngx_http_add_variable(cf, &value[1], NGX_HTTP_VAR_NOCACHEABLE);
    if (var == NULL) {
        return NGX_CONF_ERROR;
    }

    claim = ngx_palloc(cf->pool, sizeof(ngx_str_t));
    if (claim == NULL) {
        return NGX_CONF_ERROR;
    }

    *claim = value[2];

    var->get_handler = ngx_http_authgw_claim_set_variable;
    var->data = (uintptr_t) claim;

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_authgw_loc_conf_t *alcf = conf;

    ngx_int_t   n;
    ngx_str_t  *value;

    if (alcf->cache_size != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        alcf->cache_size = 0;
        return NGX_CONF_OK;
    }

    n = ngx_atoi(value[1].data, value[1].len);

    if (n <= 0 || (size_t) n > AUTHGW_CACHE_ENTRIES_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must be \"off\" or a number of entries "
                           "from 1 to %ui", &value[1],
                           (ngx_uint_t) AUTHGW_CACHE_ENTRIES_MAX);
        return NGX_CONF_ERROR;
    }

    alcf->cache_size = n;

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
    ngx_http_authgw_main_conf_t  *amcf;

    amcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_authgw_main_conf_t));
    if (amcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&amcf->keysets, cf->pool, 4,
                       sizeof(ngx_http_authgw_keys_t *))
        != NGX_OK
        || ngx_array_init(&amcf->remotes, cf->pool, 2,
                          sizeof(ngx_http_authgw_remote_t *))
           != NGX_OK
        || ngx_array_init(&amcf->providers, cf->pool, 2,
                          sizeof(ngx_http_authgw_provider_t *))
           != NGX_OK)
    {
        return NULL;
    }

    amcf->replay_size = NGX_CONF_UNSET_SIZE;

    return amcf;
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
     *     conf->sources = NULL;
 *     conf->strip_cookies = NULL;
     *     conf->uid_claim = { 0, NULL };
     *     conf->scope_list = { 0, NULL };
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
    conf->try_all_keys = NGX_CONF_UNSET;
    conf->error_detail = NGX_CONF_UNSET;
    conf->log_level = NGX_CONF_UNSET_UINT;
    conf->cache_size = NGX_CONF_UNSET;
    conf->key_cache = NGX_CONF_UNSET;
    conf->key_refresh = NGX_CONF_UNSET;
    conf->key_max_stale = NGX_CONF_UNSET;
    conf->key_max_size = NGX_CONF_UNSET_SIZE;
    conf->uid_optional = NGX_CONF_UNSET;
    conf->uid_keys = NGX_CONF_UNSET_PTR;
    conf->set_headers = NGX_CONF_UNSET_PTR;
    conf->rules = NGX_CONF_UNSET_PTR;
    conf->scopes = NGX_CONF_UNSET_PTR;
    conf->requires = NGX_CONF_UNSET_PTR;
    conf->require_error = NGX_CONF_UNSET_UINT;
    conf->types = NGX_CONF_UNSET_PTR;
    conf->max_lifetime = NGX_CONF_UNSET;
    conf->preflight = NGX_CONF_UNSET;
    conf->resource_metadata = NGX_CONF_UNSET_PTR;
    conf->dpop = NGX_CONF_UNSET_UINT;
    conf->dpop_algs = NGX_CONF_UNSET_UINT;
    conf->dpop_window = NGX_CONF_UNSET;
    conf->dpop_url = NGX_CONF_UNSET_PTR;
    conf->nonce_key = NGX_CONF_UNSET_PTR;
    conf->nonce_period = NGX_CONF_UNSET;
    conf->mtls = NGX_CONF_UNSET_UINT;
    conf->mtls_cert = NGX_CONF_UNSET_PTR;

    return conf;
}


/*
 * The cache size and the key times belong to the keys, and so are those in
 * force where the keys are given. A block that inherits keys may turn the
 * cache off for itself, but any other value it gives is refused: it would
 * change them for every block that shares the keys.
 */

static ngx_int_t
ngx_http_authgw_merge_keys(ngx_conf_t *cf, ngx_http_authgw_loc_conf_t *conf,
    ngx_uint_t given)
{
    size_t                       max;
    ngx_int_t                    size;
    time_t                       cache, refresh, stale;
    const char                  *name;
    ngx_http_authgw_keys_t      *set;
    ngx_http_authgw_remote_t    *rm;
    ngx_http_authgw_loc_conf_t  *owner;

    set = conf->keys;
    owner = set->owner;

    /* the http level is never merged: its unset values are the defaults */

    size = (owner->cache_size != NGX_CONF_UNSET)
           ? owner->cache_size : NGX_HTTP_AUTHGW_CACHE_SIZE;
    cache = (owner->key_cache != NGX_CONF_UNSET)
            ? owner->key_cache : NGX_HTTP_AUTHGW_KEY_CACHE;
    refresh = (owner->key_refresh != NGX_CONF_UNSET)
              ? owner->key_refresh : NGX_HTTP_AUTHGW_KEY_REFRESH;
    stale = (owner->key_max_stale != NGX_CONF_UNSET)
            ? owner->key_max_stale : NGX_HTTP_AUTHGW_KEY_MAX_STALE;
    max = (owner->key_max_size != NGX_CONF_UNSET_SIZE)
          ? owner->key_max_size : NGX_HTTP_AUTHGW_KEY_MAX_SIZE;

    name = NULL;

    if (owner != conf) {
        if ((given & NGX_HTTP_AUTHGW_GIVEN_CACHE)
            && conf->cache_size != 0 && conf->cache_size != size)
        {
            name = "authgw_cache";

        } else if (set->remote == NULL) {
            /* the key times are of fetched keys only */

        } else if ((given & NGX_HTTP_AUTHGW_GIVEN_KEY_CACHE)
                   && conf->key_cache != cache)
        {
            name = "authgw_key_cache";

        } else if ((given & NGX_HTTP_AUTHGW_GIVEN_KEY_REFRESH)
                   && conf->key_refresh != refresh)
        {
            name = "authgw_key_refresh";

        } else if ((given & NGX_HTTP_AUTHGW_GIVEN_KEY_MAX_STALE)
                   && conf->key_max_stale != stale)
        {
            name = "authgw_key_max_stale";

        } else if ((given & NGX_HTTP_AUTHGW_GIVEN_KEY_MAX_SIZE)
                   && conf->key_max_size != max)
        {
            name = "authgw_key_request_max_size";
        }
    }

    if (name != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%s\" differs from the value in force where "
                           "the keys this block uses are given, in %s:%ui: "
                           "the keys are shared, so give it there",
                           name, set->file, set->line);
        return NGX_ERROR;
    }

    if (conf->enable == 1 && conf->cache_size > 0) {
        set->cache_size = size;
    }

    rm = set->remote;

    if (rm != NULL) {
        rm->cache = cache;
        rm->refresh = refresh;
        rm->max_stale = stale;
        rm->max_size = max;
    }

    return NGX_OK;
}


/*
 * A block's own keys replace all that it would inherit, as its own
 * proxy_set_header does; said at nginx -t where the inherited keys were of
 * the other kind, which the block does not give again.
 */

static void
ngx_http_authgw_keys_check(ngx_conf_t *cf, ngx_http_authgw_keys_t *own,
    ngx_http_authgw_keys_t *outer)
{
    if (outer == NGX_CONF_UNSET_PTR || outer == NULL || outer == own) {
        return;
    }

    if (outer->files_file != NULL && own->files_file == NULL) {
        ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                      "the keys of \"authgw_key_file\" in %s:%ui are not "
                      "used where \"authgw_key_request %V\" is given, in "
                      "%s:%ui: a block with keys of its own inherits none; "
                      "give the key files there too", outer->files_file,
                      outer->files_line, &own->remote->uri, own->remote->file,
                      own->remote->line);
    }

    if (outer->remote != NULL && own->remote == NULL) {
        ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                      "the keys of \"authgw_key_request %V\" in %s:%ui are "
                      "not used where \"authgw_key_file\" is given, in "
                      "%s:%ui: a block with keys of its own inherits none; "
                      "give the key request there too", &outer->remote->uri,
                      outer->remote->file, outer->remote->line,
                      own->files_file, own->files_line);
    }
}


/*
 * What the authgw directive gives goes together: a block without its own
 * inherits all of it
 */

static char *
ngx_http_authgw_merge_enable(ngx_conf_t *cf, ngx_http_authgw_loc_conf_t *prev,
    ngx_http_authgw_loc_conf_t *conf)
{
    if (conf->enable == NGX_CONF_UNSET) {
        conf->enable = prev->enable;
        conf->realm = prev->realm;
        conf->sources = prev->sources;
        conf->optional = prev->optional;
        conf->strip = prev->strip;
        conf->strip_cookies = prev->strip_cookies;
        conf->provider_names = prev->provider_names;
    }

    ngx_conf_merge_value(conf->enable, prev->enable, 0);

    if (conf->provider_names == NULL) {
        return NGX_CONF_OK;
    }

    return ngx_http_authgw_providers_check(cf, conf);
}


/*
 * authgw_require_claim, authgw_require_scope, authgw_require, and what the
 * location asks of every token and its refusals
 */

static void
ngx_http_authgw_merge_rules(ngx_http_authgw_loc_conf_t *prev,
    ngx_http_authgw_loc_conf_t *conf)
{
    ngx_conf_merge_ptr_value(conf->rules, prev->rules, NULL);

    if (conf->scopes == NGX_CONF_UNSET_PTR) {
        conf->scopes = prev->scopes;
        conf->scope_list = prev->scope_list;
    }

    ngx_conf_merge_ptr_value(conf->scopes, prev->scopes, NULL);

    if (conf->requires == NGX_CONF_UNSET_PTR) {
        conf->requires = prev->requires;
        conf->require_error = prev->require_error;
    }

    ngx_conf_merge_ptr_value(conf->requires, prev->requires, NULL);
    ngx_conf_merge_uint_value(conf->require_error, prev->require_error,
                              NGX_HTTP_UNAUTHORIZED);

    ngx_conf_merge_ptr_value(conf->types, prev->types, NULL);
    ngx_conf_merge_sec_value(conf->max_lifetime, prev->max_lifetime, 0);
    ngx_conf_merge_value(conf->preflight, prev->preflight, 0);
    ngx_conf_merge_ptr_value(conf->resource_metadata,
                             prev->resource_metadata, NULL);

    if (conf->types != NULL) {
        conf->token_rules.types = conf->types->elts;
        conf->token_rules.ntypes = conf->types->nelts;
    }

    conf->token_rules.max_lifetime = conf->max_lifetime;
}


static char *
ngx_http_authgw_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_authgw_loc_conf_t *prev = parent;
    ngx_http_authgw_loc_conf_t *conf = child;

    ngx_uint_t  given;

    if (ngx_http_authgw_merge_enable(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_value(conf->optional, prev->optional, 0);
    if (conf->keys != NGX_CONF_UNSET_PTR) {
        ngx_http_authgw_keys_check(cf, conf->keys, prev->keys);
    }

    ngx_conf_merge_ptr_value(conf->keys, prev->keys, NULL);
    ngx_conf_merge_uint_value(conf->algs, prev->algs, AUTHGW_ALGS_ALL);
    ngx_conf_merge_ptr_value(conf->issuers, prev->issuers, NULL);
    ngx_conf_merge_ptr_value(conf->audiences, prev->audiences, NULL);
    ngx_conf_merge_sec_value(conf->leeway, prev->leeway, 0);
    ngx_conf_merge_value(conf->require_exp, prev->require_exp, 1);
    ngx_conf_merge_value(conf->try_all_keys, prev->try_all_keys, 0);
    ngx_conf_merge_value(conf->error_detail, prev->error_detail, 0);
    ngx_conf_merge_uint_value(conf->log_level, prev->log_level,
                              NGX_LOG_INFO);

    given = (conf->cache_size != NGX_CONF_UNSET
             ? NGX_HTTP_AUTHGW_GIVEN_CACHE : 0)
            | (conf->key_cache != NGX_CONF_UNSET
               ? NGX_HTTP_AUTHGW_GIVEN_KEY_CACHE : 0)
            | (conf->key_refresh != NGX_CONF_UNSET
               ? NGX_HTTP_AUTHGW_GIVEN_KEY_REFRESH : 0)
            | (conf->key_max_stale != NGX_CONF_UNSET
               ? NGX_HTTP_AUTHGW_GIVEN_KEY_MAX_STALE : 0)
            | (conf->key_max_size != NGX_CONF_UNSET_SIZE
               ? NGX_HTTP_AUTHGW_GIVEN_KEY_MAX_SIZE : 0);

    ngx_conf_merge_value(conf->cache_size, prev->cache_size,
                         NGX_HTTP_AUTHGW_CACHE_SIZE);
    ngx_conf_merge_sec_value(conf->key_cache, prev->key_cache,
                             NGX_HTTP_AUTHGW_KEY_CACHE);
    ngx_conf_merge_sec_value(conf->key_refresh, prev->key_refresh,
                             NGX_HTTP_AUTHGW_KEY_REFRESH);
    ngx_conf_merge_sec_value(conf->key_max_stale, prev->key_max_stale,
                             NGX_HTTP_AUTHGW_KEY_MAX_STALE);
    ngx_conf_merge_size_value(conf->key_max_size, prev->key_max_size,
                              NGX_HTTP_AUTHGW_KEY_MAX_SIZE);

    /* inherited keys are not the keys of a block with providers */

    if (conf->keys != NULL && conf->provider_names == NULL
        && ngx_http_authgw_merge_keys(cf, conf, given) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->uid_claim.data == NULL) {
        conf->uid_claim = prev->uid_claim;
        conf->uid_optional = prev->uid_optional;
    }

    ngx_conf_merge_value(conf->uid_optional, prev->uid_optional, 0);
    ngx_conf_merge_ptr_value(conf->uid_keys, prev->uid_keys, NULL);
    ngx_conf_merge_ptr_value(conf->set_headers, prev->set_headers, NULL);

    ngx_http_authgw_merge_rules(prev, conf);

    if (ngx_http_authgw_dpop_merge(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (conf->status_file != NULL) {
        ngx_http_authgw_status_check(cf, conf);
    }

    if (ngx_http_authgw_resource_check(cf, prev, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (conf->enable == 1 && conf->uid_claim.len && conf->uid_keys == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw_user_id_claim\" is given but no "
                           "\"authgw_user_id_key_file\"");
        return NGX_CONF_ERROR;
    }

    if (conf->enable == 1 && conf->keys == NULL
        && conf->provider_names == NULL)
    {
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

    if (conf->enable == 1 && conf->provider_names != NULL
        && ngx_http_authgw_providers_merge(cf, prev, conf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_http_authgw_user_id_check(cf, conf);

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_authgw_init(ngx_conf_t *cf)
{
    ngx_uint_t                    i;
    ngx_pool_cleanup_t           *cln;
    ngx_http_handler_pt          *h;
    ngx_http_authgw_keys_t      **sets;
    ngx_http_core_main_conf_t    *cmcf;
    ngx_http_authgw_loc_conf_t   *alcf;
    ngx_http_authgw_main_conf_t  *amcf;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);
    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    /*
     * the http level is never merged: where it names providers itself,
     * its own settings are checked here
     */

    alcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_authgw_module);

    if (alcf->provider_names != NULL
        && ngx_http_authgw_providers_check(cf, alcf) != NGX_CONF_OK)
    {
        return NGX_ERROR;
    }

    /* made here, in the master: each worker then has its own copy */

    sets = amcf->keysets.elts;

    for (i = 0; i < amcf->keysets.nelts; i++) {
        if (sets[i]->cache_size == 0) {
            continue;
        }

        cln = ngx_pool_cleanup_add(cf->pool, 0);
        if (cln == NULL) {
            return NGX_ERROR;
        }

        sets[i]->cache = authgw_cache_create(sets[i]->cache_size);
        if (sets[i]->cache == NULL) {
            return NGX_ERROR;
        }

        cln->handler = ngx_http_authgw_free_cache;
        cln->data = sets[i];
    }


    if (ngx_http_authgw_keys_init(cf, amcf) != NGX_OK
        || ngx_http_authgw_status_init(cf, amcf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (amcf->used) {
        h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        *h = ngx_http_authgw_handler;
    }

    if (amcf->headers) {
        h = ngx_array_push(&cmcf->phases[NGX_HTTP_PRECONTENT_PHASE].handlers);
        if (h == NULL) {
            return NGX_ERROR;
        }

        *h = ngx_http_authgw_header_handler;
    }

    return NGX_OK;
}


/* the headers the core keeps for this process (authgw_jws.c) */

static void
ngx_http_authgw_exit_process(ngx_cycle_t *cycle)
{
    authgw_jws_forget();
}
