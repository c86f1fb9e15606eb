
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
    ngx_flag_t                  headers;
    ngx_flag_t                  status;       /* authgw_status somewhere */
    ngx_array_t                 keysets;      /* of ngx_http_authgw_keys_t * */
    ngx_array_t                 remotes;      /* of remote key sources */
    ngx_uint_t                  file_keys;
    ngx_shm_zone_t             *zone;         /* the metrics */
    struct ngx_http_authgw_stats_s  *stats;
    struct ngx_http_authgw_source_stats_s  **sources;  /* by remote index */
} ngx_http_authgw_main_conf_t;


typedef struct {
    ngx_str_t                   name;
    ngx_http_complex_value_t    value;
} ngx_http_authgw_header_t;


typedef struct {
    ngx_str_t                   claim;
    ngx_array_t                *values;       /* of ngx_str_t, or NULL */
    ngx_uint_t                  error;
} ngx_http_authgw_rule_t;


typedef struct ngx_http_authgw_remote_s  ngx_http_authgw_remote_t;
typedef struct ngx_http_authgw_loc_conf_s  ngx_http_authgw_loc_conf_t;

/*
 * The keys of one block. Its cache size and key times are those in force
 * in that block (the owner); blocks that inherit the keys share them.
 */

typedef struct {
    authgw_key_t              **keys;         /* from authgw_key_file */
    size_t                      nkeys;
    authgw_cache_t             *cache;        /* verified tokens, per worker */
    size_t                      cache_size;
    ngx_http_authgw_remote_t   *remote;       /* authgw_key_request, or NULL */
    ngx_http_authgw_loc_conf_t *owner;
    u_char                     *file;         /* where the keys are given */
    ngx_uint_t                  line;
} ngx_http_authgw_keys_t;


/*
 * Keys fetched by a subrequest (authgw_key_request). The settings come from
 * the configuration; the rest is each worker's own: the last good keys,
 * when they came and expire, and the requests waiting on a fetch.
 */

struct ngx_http_authgw_remote_s {
    ngx_str_t                   uri;
    ngx_http_authgw_keys_t     *set;
    ngx_uint_t                  index;        /* its slot in the metrics */
    time_t                      cache;        /* authgw_key_cache */
    time_t                      refresh;      /* authgw_key_refresh */
    time_t                      max_stale;    /* authgw_key_max_stale */

    authgw_key_t              **keys;         /* the last good fetch */
    size_t                      nkeys;
    authgw_key_t              **all;          /* the files' keys, then those */
    size_t                      nall;
    time_t                      fetched;      /* 0: no fetched keys in use */
    time_t                      expires;
    ngx_msec_t                  attempted;    /* the last fetch began */
    ngx_uint_t                  tried;        /* attempted is set */
    time_t                      logged;       /* the last failure logged */
    time_t                      unavailable;  /* keys_unavailable logged */
    ngx_uint_t                  generation;   /* one more for each key set */
    ngx_uint_t                  fetching;
    ngx_queue_t                 waiters;
};


typedef struct {
    ngx_http_authgw_remote_t   *remote;
    ngx_uint_t                  done;
    ngx_uint_t                  too_big;
    ngx_msec_t                  attempted;    /* the remote's, before */
    ngx_uint_t                  tried;
} ngx_http_authgw_fetch_t;


/* a request waiting on a fetch; woken through its own posted event */
typedef struct {
    ngx_queue_t                 queue;
    ngx_http_request_t         *request;
    ngx_event_t                 wake;
    ngx_uint_t                  linked;
} ngx_http_authgw_waiter_t;


/* the metrics, in shared memory: every worker counts into them */

#define NGX_HTTP_AUTHGW_FETCH_OK       0
#define NGX_HTTP_AUTHGW_FETCH_STATUS   1
#define NGX_HTTP_AUTHGW_FETCH_ERROR    2
#define NGX_HTTP_AUTHGW_FETCH_INVALID  3
#define NGX_HTTP_AUTHGW_FETCH_N        4
#define NGX_HTTP_AUTHGW_FETCH_ABORTED  4      /* not counted, no slot spent */

#define NGX_HTTP_AUTHGW_ANONYMOUS      AUTHGW_STATUS_COUNT

/*
 * Everything in the zone is allocated once and never moved or freed:
 * workers of an older generation go on counting into it while they drain.
 * A key source's counters are found by its URI, so they carry on across
 * reloads as the request counters do, whichever generation counts.
 */

typedef struct ngx_http_authgw_source_stats_s  ngx_http_authgw_source_stats_t;

struct ngx_http_authgw_source_stats_s {
    ngx_atomic_t                fetches[NGX_HTTP_AUTHGW_FETCH_N];
    ngx_atomic_t                keys;
    ngx_atomic_t                last_success;
    ngx_http_authgw_source_stats_t  *next;
    size_t                      len;
    u_char                      uri[1];
};

typedef struct ngx_http_authgw_stats_s {
    ngx_atomic_t                outcomes[AUTHGW_STATUS_COUNT + 1];
    ngx_atomic_t                cache_hits;
    ngx_atomic_t                cache_misses;
    ngx_atomic_t                file_keys;
    ngx_http_authgw_source_stats_t  *sources;
} ngx_http_authgw_stats_t;


/* the text of authgw_status: sized by a first pass, written by a second */

typedef struct {
    u_char                     *p;            /* NULL: count only */
    size_t                      size;
} ngx_http_authgw_text_t;


struct ngx_http_authgw_loc_conf_s {
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
    ngx_flag_t                  try_all_keys;
    ngx_flag_t                  error_detail;
    ngx_uint_t                  log_level;
    ngx_int_t                   cache_size;   /* 0: off */
    time_t                      key_cache;
    time_t                      key_refresh;
    time_t                      key_max_stale;

    ngx_str_t                   uid_claim;
    ngx_flag_t                  uid_optional;
    ngx_http_authgw_keys_t     *uid_keys;

    ngx_array_t                *set_headers;  /* of ngx_http_authgw_header_t */
    ngx_array_t                *rules;        /* of ngx_http_authgw_rule_t */
    ngx_array_t                *scopes;       /* of ngx_str_t */
    ngx_str_t                   scope_list;   /* "a b", for the response */
    ngx_array_t                *requires;     /* of complex values */
    ngx_uint_t                  require_error;

    authgw_claims_policy_t      policy;
};


typedef struct {
    ngx_http_authgw_loc_conf_t *conf;         /* verified for this conf */
    authgw_status_t             status;
    json_t                     *header;
    json_t                     *payload;
    ngx_uint_t                  pooled;       /* in r->pool: no decref */
    ngx_uint_t                  generation;   /* of the fetched keys used */
    ngx_uint_t                  refetched;    /* an unknown kid was refetched */
    ngx_str_t                   user_id;
    ngx_uint_t                  cache_status;
} ngx_http_authgw_ctx_t;


/*
 * 1024 verified tokens per worker and key set: the active tokens of about
 * a thousand users, a few hundred KB plus their claims, and a hit costs a
 * SHA-256 of the token instead of a signature check (20-60 us for RSA-2048
 * and P-256). Fetched keys: kept 10 minutes unless the answer says less; an
 * unknown kid fetches again at most every 5 seconds; after a day without a
 * good fetch, the last keys are no longer trusted.
 */

#define NGX_HTTP_AUTHGW_CACHE_SIZE     1024

/* the settings of the keys that a block gives itself */
#define NGX_HTTP_AUTHGW_GIVEN_CACHE          0x01
#define NGX_HTTP_AUTHGW_GIVEN_KEY_CACHE      0x02
#define NGX_HTTP_AUTHGW_GIVEN_KEY_REFRESH    0x04
#define NGX_HTTP_AUTHGW_GIVEN_KEY_MAX_STALE  0x08
#define NGX_HTTP_AUTHGW_KEY_CACHE      600
#define NGX_HTTP_AUTHGW_KEY_REFRESH    5
#define NGX_HTTP_AUTHGW_KEY_MAX_STALE  86400


#define NGX_HTTP_AUTHGW_CACHE_BYPASS  0
#define NGX_HTTP_AUTHGW_CACHE_MISS    1
#define NGX_HTTP_AUTHGW_CACHE_HIT     2


static ngx_http_authgw_ctx_t *ngx_http_authgw_get_ctx(ngx_http_request_t *r);
static ngx_http_authgw_ctx_t *ngx_http_authgw_verify(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf);
static ngx_uint_t ngx_http_authgw_tchar(u_char c);
static authgw_status_t ngx_http_authgw_bearer(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_str_t *token);
static void *ngx_http_authgw_alloc(void *data, size_t size);
static void ngx_http_authgw_cleanup(void *data);
static ngx_int_t ngx_http_authgw_handler(ngx_http_request_t *r);
static authgw_status_t ngx_http_authgw_authorize(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, json_t *payload, ngx_int_t *code);
static ngx_int_t ngx_http_authgw_match(ngx_http_request_t *r, json_t *value,
    ngx_array_t *values);
static ngx_int_t ngx_http_authgw_has_scope(json_t *payload, ngx_str_t *scope);
static ngx_int_t ngx_http_authgw_refuse(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, authgw_status_t status,
    ngx_int_t code);
static ngx_int_t ngx_http_authgw_header_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_authgw_strip_headers(ngx_http_request_t *r,
    ngx_array_t *owned);
static ngx_uint_t ngx_http_authgw_owned(ngx_str_t *name, ngx_array_t *owned);
static ngx_uint_t ngx_http_authgw_same_header(ngx_str_t *a, ngx_str_t *b);

static ngx_int_t ngx_http_authgw_value(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, json_t *value, const char *what,
    ngx_str_t *name);
static ngx_int_t ngx_http_authgw_member(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, json_t *json, const char *what,
    ngx_str_t *name, size_t prefix);
static ngx_int_t ngx_http_authgw_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_authgw_header_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_authgw_payload_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_authgw_error_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_authgw_user_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_authgw_cache_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_authgw_claim_set_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_http_authgw_ctx_t *ngx_http_authgw_variable_ctx(
    ngx_http_request_t *r);

static void ngx_http_authgw_free_keys(void *data);
static void ngx_http_authgw_free_remote(void *data);
static authgw_key_t **ngx_http_authgw_keys_of(ngx_http_authgw_keys_t *set,
    size_t *n);
static ngx_int_t ngx_http_authgw_remote_keys(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_http_authgw_ctx_t *ctx);
static void ngx_http_authgw_remote_expire(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm);
static ngx_int_t ngx_http_authgw_remote_wait(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm);
static void ngx_http_authgw_waiter_cleanup(void *data);
static void ngx_http_authgw_wake(ngx_event_t *ev);
static ngx_int_t ngx_http_authgw_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_authgw_remote_fetch(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_uint_t background);
static ngx_int_t ngx_http_authgw_fetch_request(ngx_http_request_t *r,
    ngx_http_request_t *sr);
static ngx_int_t ngx_http_authgw_fetch_done(ngx_http_request_t *r,
    void *data, ngx_int_t rc);
static void ngx_http_authgw_fetch_cleanup(void *data);
static ngx_uint_t ngx_http_authgw_fetch_result(ngx_http_request_t *sr,
    ngx_http_authgw_remote_t *rm, ngx_int_t rc);
static time_t ngx_http_authgw_max_age(ngx_http_request_t *sr);
static ngx_int_t ngx_http_authgw_remote_install(ngx_http_authgw_remote_t *rm,
    authgw_key_t **keys, size_t n, ngx_log_t *log);
static void ngx_http_authgw_remote_drop(ngx_http_authgw_remote_t *rm);
static void ngx_http_authgw_fetch_aborted(ngx_http_authgw_fetch_t *f,
    ngx_log_t *log);
static void ngx_http_authgw_fetch_finish(ngx_http_authgw_remote_t *rm,
    ngx_uint_t result, ngx_log_t *log);
static ngx_http_authgw_stats_t *ngx_http_authgw_stats(ngx_http_request_t *r);
static void ngx_http_authgw_count(ngx_http_request_t *r, ngx_uint_t outcome);
static ngx_int_t ngx_http_authgw_status_handler(ngx_http_request_t *r);
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
static ngx_int_t ngx_http_authgw_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static char *ngx_http_authgw_key_request(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_http_authgw_keys_t *ngx_http_authgw_set(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_keys_t **field,
    ngx_uint_t uid);
static char *ngx_http_authgw(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_authgw_key_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_strings(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_authgw_user_id_claim(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_authgw_set_header(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
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
static void ngx_http_authgw_free_cache(void *data);
static authgw_status_t ngx_http_authgw_check(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    ngx_str_t *token, authgw_jws_t *jws);
static authgw_status_t ngx_http_authgw_user_id(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    json_t *payload, authgw_cache_entry_t *e);
static ngx_int_t ngx_http_authgw_error_param(ngx_conf_t *cf, ngx_str_t *v,
    ngx_uint_t *error);

static ngx_int_t ngx_http_authgw_add_variables(ngx_conf_t *cf);
static void *ngx_http_authgw_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_authgw_create_loc_conf(ngx_conf_t *cf);
static ngx_int_t ngx_http_authgw_merge_keys(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *conf, ngx_uint_t given);
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

    { ngx_string("authgw_user_id"), NULL, ngx_http_authgw_user_id_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("authgw_cache_status"), NULL,
      ngx_http_authgw_cache_status_variable, 0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_str_t  ngx_http_authgw_invalid = ngx_string("invalid_token");
static ngx_str_t  ngx_http_authgw_zone_name = ngx_string("authgw_metrics");

static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
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

    if (!ctx->pooled) {
        json_decref(ctx->header);
        json_decref(ctx->payload);
    }

    ctx->header = NULL;
    ctx->payload = NULL;
}


static void *
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
ngx_http_authgw_verify(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf)
{
    ngx_str_t                token;
    ngx_uint_t               generation;
    authgw_jws_t             jws;
    authgw_status_t          status;
    ngx_pool_cleanup_t      *cln;
    ngx_http_authgw_ctx_t   *ctx;

    ctx = ngx_http_authgw_get_ctx(r);

    generation = (alcf->keys && alcf->keys->remote)
                 ? alcf->keys->remote->generation : 0;

    if (ctx != NULL && ctx->conf == alcf && ctx->generation == generation) {
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
    ctx->generation = generation;
    ctx->cache_status = NGX_HTTP_AUTHGW_CACHE_BYPASS;
    ngx_str_null(&ctx->user_id);

    status = ngx_http_authgw_bearer(r, alcf, &token);

    if (status == AUTHGW_OK) {
        status = ngx_http_authgw_check(r, alcf, ctx, &token, &jws);

        if (status == AUTHGW_OK) {
            ctx->header = jws.header;
            ctx->payload = jws.payload;
            ctx->pooled = jws.pooled;

            ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "authgw: token verified, alg=%s key=%s cache=%ui",
                           authgw_alg_name(jws.alg),
                           jws.key->kid ? (char *) jws.key->kid : "-",
                           ctx->cache_status);

        } else {
            /* claims of a refused token are never exposed */
            authgw_jws_free(&jws);
            ngx_str_null(&ctx->user_id);
        }
    }

    ctx->status = status;

    return ctx;
}


/*
 * The signature (or the cache of verified tokens), then the claims and the
 * user id. A hit skips decoding and the signature only: the location's
 * algorithms, claims (exp included) and rules are applied again.
 */

static authgw_status_t
ngx_http_authgw_check(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx, ngx_str_t *token, authgw_jws_t *jws)
{
    size_t                     nkeys;
    authgw_key_t             **keys;
    authgw_cache_t            *cache;
    authgw_alloc_t             alloc;
    authgw_status_t            status;
    authgw_cache_entry_t      *e;
    ngx_http_authgw_stats_t   *st;
    ngx_http_authgw_remote_t  *rm;
    u_char                     hash[32];

    alloc.alloc = ngx_http_authgw_alloc;
    alloc.data = r->pool;

    cache = alcf->cache_size ? alcf->keys->cache : NULL;
    e = NULL;

    if (cache != NULL && token->len <= AUTHGW_TOKEN_MAX
        && authgw_cache_hash(cache, token->data, token->len, hash) == 0)
    {
        ctx->cache_status = NGX_HTTP_AUTHGW_CACHE_MISS;
        e = authgw_cache_get(cache, hash);

    } else {
        cache = NULL;
    }

    st = ngx_http_authgw_stats(r);

    if (cache != NULL && st != NULL) {
        (void) ngx_atomic_fetch_add(e ? &st->cache_hits : &st->cache_misses,
                                    1);
    }

    if (e != NULL) {
        ctx->cache_status = NGX_HTTP_AUTHGW_CACHE_HIT;

        if (!(alcf->algs & AUTHGW_ALG_BIT(e->alg))) {
            ngx_memzero(jws, sizeof(authgw_jws_t));
            return AUTHGW_ALG_NOT_ALLOWED;
        }

        /* verified where every key was tried: not here */

        if (e->candidates > 1 && !alcf->try_all_keys) {
            ngx_memzero(jws, sizeof(authgw_jws_t));
            return AUTHGW_UNKNOWN_KID;
        }

        /* the entry may be evicted while this request still uses them */
        jws->header = json_incref(e->header);
        jws->payload = json_incref(e->payload);
        jws->pooled = 0;
        jws->alg = e->alg;
        jws->key = e->key;

    } else {
        keys = ngx_http_authgw_keys_of(alcf->keys, &nkeys);

        status = authgw_jws_verify(token->data, token->len, keys, nkeys,
                                   alcf->algs,
                                   alcf->try_all_keys ? AUTHGW_VERIFY_ALL_KEYS
                                                      : 0,
                                   &alloc, jws);

        if (status == AUTHGW_UNKNOWN_KID && jws->candidates > 1) {
            ngx_log_error(alcf->log_level, r->connection->log, 0,
                          "authgw: a token without kid fits %uz keys; "
                          "only one is tried unless authgw_try_all_keys "
                          "is on", jws->candidates);
        }

        /* no key for it, and the provider's keys never came: not its fault */

        rm = alcf->keys->remote;

        if (rm != NULL && rm->fetched == 0
            && (status == AUTHGW_UNKNOWN_KID
                || (nkeys == 0 && status != AUTHGW_MALFORMED_TOKEN
                    && status != AUTHGW_MISSING_TOKEN)))
        {
            status = AUTHGW_KEYS_UNAVAILABLE;
        }

        if (status != AUTHGW_OK) {
            return status;
        }

        if (cache != NULL) {
            e = authgw_cache_put(cache, hash, jws->header, jws->payload,
                                 jws->alg, jws->key);

            if (e != NULL) {
                e->candidates = jws->candidates;
            }
        }
    }

    status = authgw_claims_check(jws->payload, &alcf->policy,
                                 (int64_t) ngx_time());

    if (status == AUTHGW_EXPIRED && e != NULL) {
        /* never used past exp plus leeway */
        authgw_cache_remove(cache, e);
        e = NULL;
    }

    if (status == AUTHGW_OK && alcf->uid_claim.len) {
        status = ngx_http_authgw_user_id(r, alcf, ctx, jws->payload, e);
    }

    return status;
}


static authgw_status_t
ngx_http_authgw_user_id(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_http_authgw_ctx_t *ctx, json_t *payload, authgw_cache_entry_t *e)
{
    json_t           *v;
    authgw_alloc_t    alloc;
    authgw_status_t   status;

    v = authgw_claim_get(payload, alcf->uid_claim.data, alcf->uid_claim.len);

    if (v == NULL || json_is_null(v)) {
        return alcf->uid_optional ? AUTHGW_OK : AUTHGW_MISSING_CLAIM;
    }

    if (!json_is_string(v)) {
        return AUTHGW_BAD_USER_ID;
    }

    /* a user id decrypted before under the same rules */

    if (e != NULL && e->user_id_len
        && e->user_id_keys == alcf->uid_keys
        && e->user_id_claim == alcf->uid_claim.data)
    {
        ctx->user_id.data = ngx_pnalloc(r->pool, e->user_id_len);
        if (ctx->user_id.data == NULL) {
            return AUTHGW_INTERNAL_ERROR;
        }

        ngx_memcpy(ctx->user_id.data, e->user_id, e->user_id_len);
        ctx->user_id.len = e->user_id_len;

        return AUTHGW_OK;
    }

    alloc.alloc = ngx_http_authgw_alloc;
    alloc.data = r->pool;

    status = authgw_jwe_decrypt((const unsigned char *) json_string_value(v),
                                json_string_length(v), alcf->uid_keys->keys,
                                alcf->uid_keys->nkeys, &alloc,
                                &ctx->user_id.data, &ctx->user_id.len);

    if (status == AUTHGW_OK && e != NULL
        && ctx->user_id.len <= AUTHGW_CACHE_USER_ID_MAX)
    {
        ngx_memcpy(e->user_id, ctx->user_id.data, ctx->user_id.len);
        e->user_id_len = ctx->user_id.len;
        e->user_id_keys = alcf->uid_keys;
        e->user_id_claim = alcf->uid_claim.data;
    }

    return status;
}


/*
 * One Authorization field, the scheme "Bearer" in any letter case, 1*SP,
 * one token68; or the value of the token= variable. A field of the Bearer
 * scheme in any other shape is malformed in every mode: with "optional" it
 * must not pass as anonymous and travel on to a more lenient upstream.
 */

static authgw_status_t
ngx_http_authgw_bearer(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    ngx_str_t *token)
{
    u_char           *p, *q, *last;
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

    if (q - p < (ssize_t) sizeof("Bearer") - 1
        || ngx_strncasecmp(p, (u_char *) "Bearer", sizeof("Bearer") - 1)
           != 0)
    {
        return AUTHGW_MISSING_TOKEN;
    }

    if (q - p != sizeof("Bearer") - 1) {
        return AUTHGW_MALFORMED_TOKEN;
    }

    /* "Bearer" 1*SP token68, nothing else */

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


static ngx_int_t
ngx_http_authgw_handler(ngx_http_request_t *r)
{
    ngx_int_t                    code, rc;
    authgw_status_t              status;
    ngx_http_authgw_ctx_t       *ctx;
    ngx_http_authgw_remote_t    *rm;
    ngx_http_authgw_loc_conf_t  *alcf;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_authgw_module);

    if (alcf->enable != 1) {
        return NGX_DECLINED;
    }

    rm = alcf->keys ? alcf->keys->remote : NULL;

    if (rm != NULL) {
        ngx_http_authgw_remote_expire(r, rm);
    }

    ctx = ngx_http_authgw_verify(r, alcf);
    if (ctx == NULL) {
        ngx_http_authgw_count(r, AUTHGW_INTERNAL_ERROR);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

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

    if (status == AUTHGW_OK) {
        status = ngx_http_authgw_authorize(r, alcf, ctx->payload, &code);

        if (status == AUTHGW_OK) {
            ngx_http_authgw_count(r, AUTHGW_OK);
            return NGX_OK;
        }

        /* a verified token that the rules refuse: its claims stay */
        ctx->status = status;
    }

    if (status == AUTHGW_MISSING_TOKEN && alcf->optional) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "authgw: no token, anonymous");
        ngx_http_authgw_count(r, NGX_HTTP_AUTHGW_ANONYMOUS);
        return NGX_OK;
    }

    ngx_http_authgw_count(r, status);

    if (status == AUTHGW_INTERNAL_ERROR) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "authgw: internal error while verifying a token");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (status == AUTHGW_KEYS_UNAVAILABLE) {

        /* once per refresh interval, as the failed fetches are */

        if (rm != NULL
            && (rm->unavailable == 0
                || ngx_time() - rm->unavailable >= rm->refresh))
        {
            rm->unavailable = ngx_time();
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "authgw: refused: keys_unavailable (logged once "
                          "per authgw_key_refresh)");
        }

        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    ngx_log_error(alcf->log_level, r->connection->log, 0,
                  "authgw: refused: %s", authgw_status_str(status));

    return ngx_http_authgw_refuse(r, alcf, status, code);
}


/* authgw_require_claim, authgw_require_scope and authgw_require, in order */

static authgw_status_t
ngx_http_authgw_authorize(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, json_t *payload, ngx_int_t *code)
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

            if (v == NULL || json_is_null(v)) {
                return AUTHGW_MISSING_CLAIM;
            }

            if (rule[i].values != NULL
                && !ngx_http_authgw_match(r, v, rule[i].values))
            {
                return AUTHGW_CLAIM_MISMATCH;
            }
        }
    }

    if (alcf->scopes != NULL) {
        scope = alcf->scopes->elts;

        for (i = 0; i < alcf->scopes->nelts; i++) {
            if (!ngx_http_authgw_has_scope(payload, &scope[i])) {
                *code = NGX_HTTP_FORBIDDEN;
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
                return AUTHGW_CLAIM_MISMATCH;
            }
        }
    }

    return AUTHGW_OK;
}


/*
 * A string claim equals one of the values, an array claim contains one, a
 * number's or boolean's JSON text equals one.
 */

static ngx_int_t
ngx_http_authgw_match(ngx_http_request_t *r, json_t *value,
    ngx_array_t *values)
{
    u_char          *text;
    size_t           len, k;
    json_t          *e;
    ngx_str_t       *want;
    ngx_uint_t       i;
    authgw_alloc_t   alloc;

    if (json_is_array(value)) {
        json_array_foreach(value, k, e) {
            if (!json_is_array(e) && !json_is_object(e)
                && ngx_http_authgw_match(r, e, values))
            {
                return 1;
            }
        }

        return 0;
    }

    if (json_is_object(value) || json_is_null(value)) {
        return 0;
    }

    alloc.alloc = ngx_http_authgw_alloc;
    alloc.data = r->pool;

    if (authgw_json_text(value, &alloc, &text, &len) != 0) {
        return 0;
    }

    want = values->elts;

    for (i = 0; i < values->nelts; i++) {
        if (want[i].len == len && ngx_memcmp(want[i].data, text, len) == 0) {
            return 1;
        }
    }

    return 0;
}


/* "scope" (space-delimited, RFC 8693) or "scp" (an array or a string) */

static ngx_int_t
ngx_http_authgw_has_scope(json_t *payload, ngx_str_t *scope)
{
    u_char      *p, *last, *start;
    size_t       k;
    json_t      *v, *e;
    ngx_uint_t   i;

    static const char  *names[2] = { "scope", "scp" };

    for (i = 0; i < 2; i++) {
        v = json_object_get(payload, names[i]);

        if (json_is_array(v) && i == 1) {
            json_array_foreach(v, k, e) {
                if (json_is_string(e) && json_string_length(e) == scope->len
                    && ngx_memcmp(json_string_value(e), scope->data,
                                  scope->len) == 0)
                {
                    return 1;
                }
            }

            continue;
        }

        if (!json_is_string(v)) {
            continue;
        }

        p = (u_char *) json_string_value(v);
        last = p + json_string_length(v);

        while (p < last) {
            while (p < last && *p == ' ') {
                p++;
            }

            start = p;

            while (p < last && *p != ' ') {
                p++;
            }

            if ((size_t) (p - start) == scope->len
                && ngx_memcmp(start, scope->data, scope->len) == 0)
            {
                return 1;
            }
        }
    }

    return 0;
}


/* RFC 6750 section 3: Bearer realm="...", error="...", error_description */

static ngx_int_t
ngx_http_authgw_refuse(ngx_http_request_t *r, ngx_http_authgw_loc_conf_t *alcf,
    authgw_status_t status, ngx_int_t code)
{
    u_char           *p;
    size_t            len;
    ngx_str_t         realm, *error, *scope;
    ngx_uint_t        i;
    const char       *reason;
    ngx_table_elt_t  *h;

    if (ngx_http_complex_value(r, alcf->realm, &realm) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* RFC 6750 3.1: invalid_token goes with 401, insufficient_scope 403 */

    if (code == NGX_HTTP_FORBIDDEN) {
        error = &ngx_http_authgw_scope;

    } else {
        error = (status == AUTHGW_MISSING_TOKEN) ? NULL
                                                 : &ngx_http_authgw_invalid;
    }

    scope = (status == AUTHGW_INSUFFICIENT_SCOPE && alcf->scope_list.len)
            ? &alcf->scope_list : NULL;

    reason = authgw_status_str(status);

    len = sizeof("Bearer realm=\"\"") - 1 + realm.len * 2;

    if (scope != NULL) {
        len += sizeof(", scope=\"\"") - 1 + scope->len;
    }

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

    if (scope != NULL) {
        p = ngx_sprintf(p, ", scope=\"%V\"", scope);
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


static ngx_int_t
ngx_http_authgw_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    return ngx_http_authgw_member(r, v, ctx ? ctx->payload : NULL, "claim",
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
                                  "header parameter", (ngx_str_t *) data,
                                  sizeof("authgw_header_") - 1);
}


static ngx_int_t
ngx_http_authgw_payload_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    return ngx_http_authgw_value(r, v, ctx ? ctx->payload : NULL, NULL,
                                 NULL);
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


/*
 * authgw_set_header, in the precontent phase: whatever the access phase
 * decided (a token, anonymous, satisfy any), every client-sent header of
 * that name is removed before the request can reach an upstream, then the
 * gateway's value is set when it is not empty.
 */

static ngx_int_t
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
    ngx_uint_t        i, start, found;
    ngx_list_t       *list;
    ngx_list_part_t  *part, *run, head, *tail;
    ngx_table_elt_t  *h;

    list = &r->headers_in.headers;
    found = 0;
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
                found = 1;
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

    /* a subrequest's pushes must not reach its parent's descriptors */

    if (!found && r == r->main) {
        return NGX_OK;
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

static ngx_uint_t
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


static ngx_int_t
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


static ngx_int_t
ngx_http_authgw_claim_set_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t              *claim = (ngx_str_t *) data;
    ngx_http_authgw_ctx_t  *ctx;

    ctx = ngx_http_authgw_variable_ctx(r);

    if (ctx == NULL || ctx->payload == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    return ngx_http_authgw_value(r, v, authgw_claim_get(ctx->payload,
                                                        claim->data,
                                                        claim->len),
                                 "claim", claim);
}


static ngx_int_t
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


/*
 * The fetched keys of a set, for a request whose token was just checked
 * with the keys at hand (status). A token that needs keys we do not have
 * (no fetched keys, or an unknown kid) waits for a fetch: the one in
 * flight, or one it starts; once per request. Keys past authgw_key_cache
 * are refreshed in the background while this request goes on with them.
 * Never two fetches within authgw_key_refresh in a worker, never two at a
 * time. NGX_DECLINED: go on with the status as it is; NGX_AGAIN: wait.
 */

static ngx_int_t
ngx_http_authgw_remote_keys(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_http_authgw_ctx_t *ctx)
{
    ngx_uint_t  may;

    may = !rm->fetching
          && (!rm->tried
              || (ngx_msec_int_t) (ngx_current_msec - rm->attempted)
                 >= (ngx_msec_int_t) rm->refresh * 1000);

    if ((ctx->status == AUTHGW_KEYS_UNAVAILABLE
         || ctx->status == AUTHGW_UNKNOWN_KID)
        && !ctx->refetched)
    {
        if (rm->fetching) {
            ctx->refetched = 1;
            return ngx_http_authgw_remote_wait(r, rm);
        }

        if (may) {
            ctx->refetched = 1;
            return ngx_http_authgw_remote_fetch(r, rm, 0);
        }

        return NGX_DECLINED;
    }

    if (rm->fetched && ngx_time() >= rm->expires && may) {
        if (ngx_http_authgw_remote_fetch(r, rm, 1) == NGX_ERROR) {
            return NGX_ERROR;
        }
    }

    return NGX_DECLINED;
}


/* fetched keys past authgw_key_max_stale are no longer trusted */

static void
ngx_http_authgw_remote_expire(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm)
{
    if (rm->fetched && ngx_time() - rm->fetched > rm->max_stale) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "authgw: keys from \"%V\" are older than "
                      "authgw_key_max_stale, no longer used", &rm->uri);
        ngx_http_authgw_remote_drop(rm);
    }
}


static ngx_int_t
ngx_http_authgw_remote_wait(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm)
{
    ngx_pool_cleanup_t        *cln;
    ngx_http_authgw_waiter_t  *w;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_authgw_waiter_t));
    if (cln == NULL) {
        return NGX_ERROR;
    }

    w = cln->data;
    ngx_memzero(w, sizeof(ngx_http_authgw_waiter_t));
    w->request = r;
    w->wake.handler = ngx_http_authgw_wake;
    w->wake.data = w;
    w->wake.log = r->connection->log;
    w->linked = 1;
    ngx_queue_insert_tail(&rm->waiters, &w->queue);

    cln->handler = ngx_http_authgw_waiter_cleanup;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "authgw: waiting for the keys from \"%V\"", &rm->uri);

    return NGX_AGAIN;
}


static void
ngx_http_authgw_waiter_cleanup(void *data)
{
    ngx_http_authgw_waiter_t  *w = data;

    if (w->linked) {
        ngx_queue_remove(&w->queue);
        w->linked = 0;
    }

    if (w->wake.posted) {
        ngx_delete_posted_event(&w->wake);
    }
}


/* the fetch is over: the waiting request runs its phases again */

static void
ngx_http_authgw_wake(ngx_event_t *ev)
{
    ngx_http_authgw_waiter_t  *w = ev->data;

    ngx_connection_t    *c;
    ngx_http_request_t  *r;

    r = w->request;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    r->write_event_handler = ngx_http_core_run_phases;
    ngx_http_core_run_phases(r);

    ngx_http_run_posted_requests(c);
}


/*
 * A fetch whose answer declares more than subrequest_output_buffer_size is
 * refused here, before its body: nginx's in-memory filter would otherwise
 * fail the client connection of the request that made the fetch.
 */

static ngx_int_t
ngx_http_authgw_header_filter(ngx_http_request_t *r)
{
    ngx_http_authgw_fetch_t   *f;
    ngx_http_core_loc_conf_t  *clcf;

    if (r != r->main && r->subrequest_in_memory
        && r->post_subrequest != NULL
        && r->post_subrequest->handler == ngx_http_authgw_fetch_done)
    {
        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

        if (r->headers_out.content_length_n
            > (off_t) clcf->subrequest_output_buffer_size)
        {
            f = r->post_subrequest->data;
            f->too_big = 1;
            r->header_only = 1;
        }
    }

    return ngx_http_next_header_filter(r);
}


/* background: the request goes on without waiting for the answer */

static ngx_int_t
ngx_http_authgw_remote_fetch(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_uint_t background)
{
    ngx_http_request_t          *sr;
    ngx_pool_cleanup_t          *cln;
    ngx_http_authgw_fetch_t     *f;
    ngx_http_post_subrequest_t  *ps;

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_ERROR;
    }

    /* if this request goes before its subrequest ends, the fetch ends */

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_authgw_fetch_t));
    if (cln == NULL) {
        return NGX_ERROR;
    }

    f = cln->data;
    f->remote = rm;
    f->done = 1;
    f->too_big = 0;
    cln->handler = ngx_http_authgw_fetch_cleanup;

    ps->handler = ngx_http_authgw_fetch_done;
    ps->data = f;

    if (ngx_http_subrequest(r, &rm->uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_IN_MEMORY
                            |(background ? NGX_HTTP_SUBREQUEST_BACKGROUND
                                         : NGX_HTTP_SUBREQUEST_WAITED))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_authgw_fetch_request(r, sr) != NGX_OK) {
        return NGX_ERROR;
    }

    f->done = 0;
    f->attempted = rm->attempted;
    f->tried = rm->tried;
    rm->fetching = 1;
    rm->attempted = ngx_current_msec;
    rm->tried = 1;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "authgw: fetching keys from \"%V\"%s", &rm->uri,
                   background ? " in the background" : "");

    return background ? NGX_OK : NGX_AGAIN;
}


/*
 * The fetch is the gateway's own request: none of the client's headers
 * (its token, cookies, Range, If-None-Match, Accept-Encoding), body or
 * cached variables go with it, so nothing the client sent decides how it
 * ends.
 */

static ngx_int_t
ngx_http_authgw_fetch_request(ngx_http_request_t *r, ngx_http_request_t *sr)
{
    ngx_http_core_main_conf_t  *cmcf;

    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 1,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

#if (nginx_version < 1023000)
    if (ngx_array_init(&sr->headers_in.cookies, r->pool, 1,
                       sizeof(ngx_table_elt_t *))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

#if (NGX_HTTP_X_FORWARDED_FOR)
    if (ngx_array_init(&sr->headers_in.x_forwarded_for, r->pool, 1,
                       sizeof(ngx_table_elt_t *))
        != NGX_OK)
    {
        return NGX_ERROR;
    }
#endif
#endif

    sr->headers_in.content_length_n = -1;
    sr->headers_in.keep_alive_n = -1;

    /* as auth_request does: an empty body, never the client's */

    sr->request_body = ngx_pcalloc(r->pool, sizeof(ngx_http_request_body_t));
    if (sr->request_body == NULL) {
        return NGX_ERROR;
    }

    cmcf = ngx_http_get_module_main_conf(r, ngx_http_core_module);

    sr->variables = ngx_pcalloc(r->pool, cmcf->variables.nelts
                                         * sizeof(ngx_http_variable_value_t));
    if (sr->variables == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_authgw_fetch_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_authgw_fetch_t  *f = data;

    if (f->done || rc == NGX_AGAIN) {
        return rc;
    }

    f->done = 1;

    /*
     * a client that goes away ends the fetch it started (unless the fetch
     * location has proxy_ignore_client_abort on): that decides nothing,
     * and spends no refresh interval, or one client could keep keys from
     * ever arriving. Only that status: an answer that outgrows the buffer
     * also fails the client's connection, and must stay a counted failure
     */

    if (rc == NGX_HTTP_CLIENT_CLOSED_REQUEST) {
        ngx_http_authgw_fetch_aborted(f, r->connection->log);
        return rc;
    }

    if (f->too_big) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "authgw: keys from \"%V\": the answer declares %O "
                      "bytes, more than subrequest_output_buffer_size",
                      &f->remote->uri, r->headers_out.content_length_n);
    }

    ngx_http_authgw_fetch_finish(f->remote,
                                 f->too_big
                                 ? NGX_HTTP_AUTHGW_FETCH_ERROR
                                 : ngx_http_authgw_fetch_result(r, f->remote,
                                                                rc),
                                 r->connection->log);

    /*
     * the answer was this module's alone: a failed fetch (a timeout, an
     * error status) does not end the request that made it. An answer
     * without Content-Length that outgrows subrequest_output_buffer_size
     * is the exception: nginx marks the client's connection as failed
     * then, and that one request ends.
     */

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return NGX_OK;
    }

    return rc;
}


static void
ngx_http_authgw_fetch_cleanup(void *data)
{
    ngx_http_authgw_fetch_t  *f = data;

    if (!f->done) {
        f->done = 1;
        ngx_http_authgw_fetch_aborted(f, ngx_cycle->log);
    }
}


/* the request that made the fetch ended first: as if it had not begun */

static void
ngx_http_authgw_fetch_aborted(ngx_http_authgw_fetch_t *f, ngx_log_t *log)
{
    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, log, 0,
                   "authgw: the fetch from \"%V\" ended with its request",
                   &f->remote->uri);

    f->remote->attempted = f->attempted;
    f->remote->tried = f->tried;

    ngx_http_authgw_fetch_finish(f->remote, NGX_HTTP_AUTHGW_FETCH_ABORTED,
                                 log);
}


/* counts the fetch, logs a failure once per interval, wakes the waiters */

static void
ngx_http_authgw_fetch_finish(ngx_http_authgw_remote_t *rm, ngx_uint_t result,
    ngx_log_t *log)
{
    time_t                           now;
    ngx_queue_t                     *q;
    ngx_http_authgw_waiter_t        *w;
    ngx_http_authgw_main_conf_t     *amcf;
    ngx_http_authgw_source_stats_t  *src;

    static const char  *results[] = {
        "ok", "an error status", "no complete answer",
        "no usable keys in the answer"
    };

    now = ngx_time();
    rm->fetching = 0;

    amcf = ngx_http_cycle_get_module_main_conf(ngx_cycle,
                                               ngx_http_authgw_module);
    src = (amcf != NULL && amcf->sources != NULL)
          ? amcf->sources[rm->index] : NULL;

    if (src != NULL && result != NGX_HTTP_AUTHGW_FETCH_ABORTED) {
        (void) ngx_atomic_fetch_add(&src->fetches[result], 1);

        if (result == NGX_HTTP_AUTHGW_FETCH_OK) {
            src->keys = rm->nkeys;
            src->last_success = now;
        }
    }

    if (result != NGX_HTTP_AUTHGW_FETCH_OK
        && result != NGX_HTTP_AUTHGW_FETCH_ABORTED
        && (rm->logged == 0 || now - rm->logged >= rm->refresh))
    {
        rm->logged = now;
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "authgw: key fetch from \"%V\" failed: %s; %s",
                      &rm->uri, results[result],
                      rm->fetched ? "the last good keys stay in use"
                                  : "no fetched keys to use");
    }

    while (!ngx_queue_empty(&rm->waiters)) {
        q = ngx_queue_head(&rm->waiters);
        ngx_queue_remove(q);

        w = ngx_queue_data(q, ngx_http_authgw_waiter_t, queue);
        w->linked = 0;

        ngx_post_event(&w->wake, &ngx_posted_events);
    }
}


static ngx_uint_t
ngx_http_authgw_fetch_result(ngx_http_request_t *sr,
    ngx_http_authgw_remote_t *rm, ngx_int_t rc)
{
    char            err[256];
    size_t          n, i, len;
    u_char         *body;
    time_t          age;
    authgw_key_t  **keys;

    if (rc == NGX_ERROR || sr->headers_out.status == 0) {
        return NGX_HTTP_AUTHGW_FETCH_ERROR;
    }

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return NGX_HTTP_AUTHGW_FETCH_STATUS;
    }

    if (sr->headers_out.status != NGX_HTTP_OK) {
        return NGX_HTTP_AUTHGW_FETCH_STATUS;
    }

    if (sr->out == NULL || sr->out->buf == NULL) {
        return NGX_HTTP_AUTHGW_FETCH_INVALID;
    }

    body = sr->out->buf->pos;
    len = sr->out->buf->last - sr->out->buf->pos;

    /* a JWK or JWKS only: no PEM and never a raw secret from the network */

    for (i = 0; i < len && (body[i] == ' ' || body[i] == '\t'
                            || body[i] == '\r' || body[i] == '\n');
         i++)
    {
        /* void */
    }

    if (i == len || body[i] != '{') {
        return NGX_HTTP_AUTHGW_FETCH_INVALID;
    }

    if (authgw_key_load_buf(body, len, NULL, 0, -1, &keys, &n, err,
                            sizeof(err))
        != 0)
    {
        ngx_log_error(NGX_LOG_ERR, sr->connection->log, 0,
                      "authgw: keys from \"%V\": %s", &rm->uri, err);
        return NGX_HTTP_AUTHGW_FETCH_INVALID;
    }

    /*
     * symmetric keys are never taken from the network, and a kid of the
     * files' keys stays theirs
     */

    for (i = 0; i < n; /* void */) {
        if (keys[i]->kty == AUTHGW_KTY_OCT
            || (keys[i]->kid != NULL
                && authgw_key_find(rm->set->keys, rm->set->nkeys,
                                   keys[i]->kid, keys[i]->kid_len)
                   != NULL))
        {
            authgw_key_free(keys[i]);
            keys[i] = keys[--n];
            continue;
        }

        i++;
    }

    if (n == 0) {
        authgw_keys_free(keys, n);
        ngx_log_error(NGX_LOG_ERR, sr->connection->log, 0,
                      "authgw: keys from \"%V\": no usable public key",
                      &rm->uri);
        return NGX_HTTP_AUTHGW_FETCH_INVALID;
    }

    if (ngx_http_authgw_remote_install(rm, keys, n, sr->connection->log)
        != NGX_OK)
    {
        authgw_keys_free(keys, n);
        return NGX_HTTP_AUTHGW_FETCH_ERROR;
    }

    age = ngx_http_authgw_max_age(sr);

    rm->expires = rm->fetched
                  + ((age >= 0 && age < rm->cache) ? age : rm->cache);

    ngx_log_error(NGX_LOG_INFO, sr->connection->log, 0,
                  "authgw: %uz keys from \"%V\", kept for %T s", n, &rm->uri,
                  rm->expires - rm->fetched);

    return NGX_HTTP_AUTHGW_FETCH_OK;
}


/* Cache-Control: max-age=N of the answer, or -1 */

static time_t
ngx_http_authgw_max_age(ngx_http_request_t *sr)
{
    u_char           *p, *last;
    time_t            age;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    age = -1;
    part = &sr->headers_out.headers.part;
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

        if (h[i].hash == 0
            || h[i].key.len != sizeof("Cache-Control") - 1
            || ngx_strncasecmp(h[i].key.data, (u_char *) "Cache-Control",
                               sizeof("Cache-Control") - 1) != 0)
        {
            continue;
        }

        p = ngx_strlcasestrn(h[i].value.data,
                             h[i].value.data + h[i].value.len,
                             (u_char *) "max-age=", sizeof("max-age=") - 2);
        if (p == NULL) {
            continue;
        }

        p += sizeof("max-age=") - 1;
        last = p;

        while (last < h[i].value.data + h[i].value.len
               && *last >= '0' && *last <= '9')
        {
            last++;
        }

        if (last > p) {
            age = ngx_atotm(p, ngx_min(last - p, 9));
        }
    }

    return age;
}


/* the fetched keys replace the last; the cache of verified tokens empties */

static ngx_int_t
ngx_http_authgw_remote_install(ngx_http_authgw_remote_t *rm,
    authgw_key_t **keys, size_t n, ngx_log_t *log)
{
    authgw_key_t  **all;

    all = ngx_alloc((rm->set->nkeys + n) * sizeof(authgw_key_t *), log);
    if (all == NULL) {
        return NGX_ERROR;
    }

    if (rm->set->nkeys) {
        ngx_memcpy(all, rm->set->keys,
                   rm->set->nkeys * sizeof(authgw_key_t *));
    }

    ngx_memcpy(all + rm->set->nkeys, keys, n * sizeof(authgw_key_t *));

    ngx_http_authgw_remote_drop(rm);

    rm->keys = keys;
    rm->nkeys = n;
    rm->all = all;
    rm->nall = rm->set->nkeys + n;
    rm->fetched = ngx_time();

    return NGX_OK;
}


static void
ngx_http_authgw_remote_drop(ngx_http_authgw_remote_t *rm)
{
    if (rm->set->cache != NULL) {
        authgw_cache_flush(rm->set->cache);
    }

    if (rm->all != rm->set->keys) {
        ngx_free(rm->all);
    }

    authgw_keys_free(rm->keys, rm->nkeys);

    rm->keys = NULL;
    rm->nkeys = 0;
    rm->all = rm->set->keys;
    rm->nall = rm->set->nkeys;
    rm->fetched = 0;
    rm->generation++;
}


/* the cycle goes (its caches are destroyed after this: last in, first out) */

static void
ngx_http_authgw_free_remote(void *data)
{
    ngx_http_authgw_remote_drop(data);
}


/* metrics */

static ngx_http_authgw_stats_t *
ngx_http_authgw_stats(ngx_http_request_t *r)
{
    ngx_http_authgw_main_conf_t  *amcf;

    amcf = ngx_http_get_module_main_conf(r, ngx_http_authgw_module);

    return amcf->stats;
}


static void
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

static ngx_int_t
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
    char  *p = conf;

    int                      rc, alg, uid;
    char                     err[256];
    size_t                   n, j;
    u_char                  *kid;
    size_t                   kid_len;
    ngx_str_t               *value, path;
    ngx_uint_t               i;
    authgw_key_t           **keys, *key;
    ngx_pool_cleanup_t      *cln;
    ngx_http_authgw_keys_t       *set, *loaded, **field;
    ngx_http_authgw_main_conf_t  *amcf;

    field = (ngx_http_authgw_keys_t **) (p + cmd->offset);
    uid = (cmd->offset == offsetof(ngx_http_authgw_loc_conf_t, uid_keys));

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

        if (ngx_strncmp(value[i].data, "alg=", 4) == 0 && alg < 0 && !uid) {
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

    set = ngx_http_authgw_set(cf, conf, field, uid);
    if (set == NULL) {
        return NGX_CONF_ERROR;
    }

    if (!uid) {
        amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);
        amcf->file_keys += n;
    }

    /* one flat list per block; a kid names one key across all its files */

    for (j = 0; j < n; j++) {
        key = keys[j];

        if (key->kid != NULL
            && authgw_key_find(set->keys, set->nkeys, key->kid, key->kid_len)
               != NULL)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%V \"%V\": duplicate kid \"%*s\"",
                               &cmd->name, &path, key->kid_len, key->kid);
            return NGX_CONF_ERROR;
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


/* the key set of this block, made on its first key directive */

static ngx_http_authgw_keys_t *
ngx_http_authgw_set(ngx_conf_t *cf, ngx_http_authgw_loc_conf_t *alcf,
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
    char  *p = conf;

    ngx_str_t                     *value;
    ngx_http_authgw_keys_t        *set, **field;
    ngx_http_authgw_remote_t      *rm, **rp;
    ngx_http_authgw_main_conf_t   *amcf;

    field = (ngx_http_authgw_keys_t **) (p + cmd->offset);
    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "authgw_key_request needs a URI that starts with "
                           "\"/\", not \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    set = ngx_http_authgw_set(cf, conf, field, 0);
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

    rm->uri = value[1];
    rm->set = set;
    rm->index = amcf->remotes.nelts - 1;
    rm->cache = NGX_CONF_UNSET;
    rm->refresh = NGX_CONF_UNSET;
    rm->max_stale = NGX_CONF_UNSET;
    ngx_queue_init(&rm->waiters);

    set->remote = rm;

    return NGX_CONF_OK;
}


static char *
ngx_http_authgw_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t     *clcf;
    ngx_http_authgw_main_conf_t  *amcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_authgw_status_handler;

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
    ngx_str_t               *value, *v;
    ngx_uint_t               i, error;
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
            rule->values = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
            if (rule->values == NULL) {
                return NGX_CONF_ERROR;
            }
        }

        v = ngx_array_push(rule->values);
        if (v == NULL) {
            return NGX_CONF_ERROR;
        }

        *v = value[i];
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

    if (n <= 0 || n > (1 << 24)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" must be \"off\" or a number of entries "
                           "from 1 to 16777216", &value[1]);
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
           != NGX_OK)
    {
        return NULL;
    }

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
     *     conf->token = NULL;
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
    conf->uid_optional = NGX_CONF_UNSET;
    conf->uid_keys = NGX_CONF_UNSET_PTR;
    conf->set_headers = NGX_CONF_UNSET_PTR;
    conf->rules = NGX_CONF_UNSET_PTR;
    conf->scopes = NGX_CONF_UNSET_PTR;
    conf->requires = NGX_CONF_UNSET_PTR;
    conf->require_error = NGX_CONF_UNSET_UINT;

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
    }

    return NGX_OK;
}


static char *
ngx_http_authgw_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_authgw_loc_conf_t *prev = parent;
    ngx_http_authgw_loc_conf_t *conf = child;

    ngx_uint_t  given;

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
               ? NGX_HTTP_AUTHGW_GIVEN_KEY_MAX_STALE : 0);

    ngx_conf_merge_value(conf->cache_size, prev->cache_size,
                         NGX_HTTP_AUTHGW_CACHE_SIZE);
    ngx_conf_merge_sec_value(conf->key_cache, prev->key_cache,
                             NGX_HTTP_AUTHGW_KEY_CACHE);
    ngx_conf_merge_sec_value(conf->key_refresh, prev->key_refresh,
                             NGX_HTTP_AUTHGW_KEY_REFRESH);
    ngx_conf_merge_sec_value(conf->key_max_stale, prev->key_max_stale,
                             NGX_HTTP_AUTHGW_KEY_MAX_STALE);

    if (conf->keys != NULL
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

    if (conf->enable == 1 && conf->uid_claim.len && conf->uid_keys == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"authgw_user_id_claim\" is given but no "
                           "\"authgw_user_id_key_file\"");
        return NGX_CONF_ERROR;
    }

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
    size_t                        size;
    ngx_uint_t                    i;
    ngx_pool_cleanup_t           *cln;
    ngx_http_handler_pt          *h;
    ngx_http_authgw_keys_t      **sets;
    ngx_http_authgw_remote_t    **remotes;
    ngx_http_core_main_conf_t    *cmcf;
    ngx_http_authgw_main_conf_t  *amcf;

    amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_authgw_module);
    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

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

    /* each worker starts with the files' keys and fetches the rest */

    remotes = amcf->remotes.elts;

    for (i = 0; i < amcf->remotes.nelts; i++) {
        remotes[i]->all = remotes[i]->set->keys;
        remotes[i]->nall = remotes[i]->set->nkeys;

        cln = ngx_pool_cleanup_add(cf->pool, 0);
        if (cln == NULL) {
            return NGX_ERROR;
        }

        cln->handler = ngx_http_authgw_free_remote;
        cln->data = remotes[i];
    }

    /* no zone, and no shared counting, unless authgw_status shows it */

    if (amcf->status) {
        amcf->sources = ngx_pcalloc(cf->pool, (amcf->remotes.nelts + 1)
                                       * sizeof(void *));
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
    }

    if (amcf->remotes.nelts) {
        ngx_http_next_header_filter = ngx_http_top_header_filter;
        ngx_http_top_header_filter = ngx_http_authgw_header_filter;
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
