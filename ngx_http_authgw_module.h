
/*
 * ngx_http_authgw_module: the types and functions that its glue files
 * share. Not an interface of the module: nothing outside it includes this.
 */


#ifndef _NGX_HTTP_AUTHGW_MODULE_H_INCLUDED_
#define _NGX_HTTP_AUTHGW_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "authgw.h"


typedef struct {
    ngx_flag_t                  used;
    ngx_flag_t                  headers;
    ngx_flag_t                  status;       /* authgw_status somewhere */
    ngx_int_t                   strip_vars[3];  /* what strip_token changes:
                                                   $http_authorization,
                                                   $remote_user, $http_cookie */
    ngx_array_t                 keysets;      /* of ngx_http_authgw_keys_t * */
    ngx_array_t                 remotes;      /* of remote key sources */
    ngx_array_t                 providers;    /* of ngx_http_authgw_provider_t
                                                 * (authgw_provider) */
    ngx_uint_t                  file_keys;
    ngx_shm_zone_t             *zone;         /* the metrics */
    struct ngx_http_authgw_stats_s  *stats;
    struct ngx_http_authgw_source_stats_s  **sources;  /* by remote index */
    struct ngx_http_authgw_source_stats_s  **named;    /* by provider index */
    ngx_shm_zone_t             *replay;       /* DPoP proofs seen, or NULL */
    size_t                      replay_size;  /* authgw_dpop_replay_zone */
    time_t                      replay_ttl;   /* the longest a proof is
                                                 taken, over all locations */
    time_t                      replay_skew;  /* the most iat may be ahead */
} ngx_http_authgw_main_conf_t;


typedef struct {
    ngx_str_t                   name;
    ngx_http_complex_value_t    value;
    u_char                     *file;         /* where it is given */
    ngx_uint_t                  line;
    unsigned                    user_id:1;    /* reads $authgw_user_id */
    unsigned                    warned:1;
} ngx_http_authgw_header_t;


/* where a token may be: the Authorization header's, or a variable */
typedef struct {
    ngx_http_complex_value_t   *value;        /* NULL: token=bearer */
    ngx_str_t                   cookie;       /* the value is $cookie_NAME */
    ngx_str_t                   header;       /* the value is $http_NAME */
    ngx_int_t                   index;        /* of that variable */
} ngx_http_authgw_source_t;


typedef struct {
    ngx_str_t                   claim;
    ngx_array_t                *values;       /* of authgw_str_t, or NULL */
    ngx_uint_t                  error;
} ngx_http_authgw_rule_t;


typedef struct ngx_http_authgw_remote_s  ngx_http_authgw_remote_t;
typedef struct ngx_http_authgw_loc_conf_s  ngx_http_authgw_loc_conf_t;


/*
 * An identity provider (authgw_provider NAME { ... }): its issuer, and in
 * conf its keys and the rules that are its own (algorithms, audience,
 * leeway), parsed by the location directives of the same names. With
 * discovery, its metadata is fetched through a location of the operator's
 * and names where its keys are.
 */

typedef struct {
    ngx_str_t                   name;
    ngx_str_t                   suffix;       /* " (provider NAME)", for logs */
    authgw_str_t                issuer;
    ngx_http_authgw_loc_conf_t *conf;
    ngx_str_t                   discovery;    /* the fetch location, or "" */
    ngx_str_t                   discovery_url;  /* issuer's well-known URL */
    time_t                      discovery_refresh;
    ngx_array_t                *jwks_origins; /* of authgw_str_t */
    ngx_flag_t                  jwks_http;
    ngx_uint_t                  index;        /* in amcf->providers */
    u_char                     *file;         /* where it is defined */
    ngx_uint_t                  line;
} ngx_http_authgw_provider_t;


/*
 * a provider as a location uses it: its rules, and the location's
 * authgw_audience, which a token must meet as well
 */

typedef struct {
    ngx_http_authgw_provider_t *provider;
    authgw_claims_policy_t      policy;
    authgw_claims_policy_t      audience;     /* naudiences 0: none */
} ngx_http_authgw_use_t;

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
    u_char                     *files_file;   /* its first authgw_key_file */
    ngx_uint_t                  files_line;
} ngx_http_authgw_keys_t;


/*
 * Keys fetched by a subrequest (authgw_key_request). The settings come from
 * the configuration; the rest is each worker's own: the last good keys,
 * when they came and expire, and the requests waiting on a fetch.
 */

struct ngx_http_authgw_remote_s {
    ngx_str_t                   uri;
    ngx_http_authgw_keys_t     *set;
    ngx_http_authgw_provider_t *provider;     /* a named one's, or NULL */
    u_char                     *file;         /* where it is given */
    ngx_uint_t                  line;
    ngx_uint_t                  index;        /* its slot in the metrics */
    time_t                      cache;        /* authgw_key_cache */
    time_t                      refresh;      /* authgw_key_refresh */
    time_t                      max_stale;    /* authgw_key_max_stale */
    size_t                      max_size;     /* ..._request_max_size */

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
    ngx_uint_t                  from_cache;   /* the last keys: a cache's */
    ngx_uint_t                  aborted;      /* the last fetch ended with
                                                 its client */
    ngx_queue_t                 waiters;
    ngx_uint_t                  deferred;     /* of them, for the next fetch */
    ngx_event_t                 due;          /* the next fetch permitted */

    /* discovery: the provider's last good metadata, and its fetches */
    ngx_str_t                   jwks_uri;     /* "": none yet */
    time_t                      meta_expires;
    ngx_uint_t                  meta_last;    /* the last fetch: metadata */
    ngx_uint_t                  key_failed;   /* the last key fetch failed */
    time_t                      meta_logged;
};


/* one fetch: its answer's body, taken by the body filter */
typedef struct {
    ngx_http_authgw_remote_t   *remote;
    ngx_uint_t                  done;
    ngx_uint_t                  too_big;
    ngx_uint_t                  stopped;      /* too big, ended here */
    ngx_uint_t                  connection_error;  /* before it stopped */
    u_char                     *body;
    size_t                      len;
    size_t                      size;
    off_t                       declared;     /* Content-Length, or -1 */
    ngx_uint_t                  refetch;      /* for a kid not in the keys */
    ngx_uint_t                  meta;         /* of the provider's metadata */
    ngx_str_t                   url;          /* $authgw_fetch_url */
} ngx_http_authgw_fetch_t;

/* the cause of a failed fetch, for its one log line */
#define NGX_HTTP_AUTHGW_CAUSE_MAX      320


/* a request waiting on a fetch; woken through its own posted event */
typedef struct {
    ngx_queue_t                 queue;
    ngx_http_request_t         *request;
    ngx_http_authgw_remote_t   *remote;
    ngx_event_t                 wake;
    ngx_uint_t                  linked;
    ngx_uint_t                  deferred;     /* for the next fetch */
} ngx_http_authgw_waiter_t;


/* the metrics, in shared memory: every worker counts into them */

#define NGX_HTTP_AUTHGW_FETCH_OK       0
#define NGX_HTTP_AUTHGW_FETCH_STATUS   1
#define NGX_HTTP_AUTHGW_FETCH_ERROR    2
#define NGX_HTTP_AUTHGW_FETCH_INVALID  3
#define NGX_HTTP_AUTHGW_FETCH_N        4
#define NGX_HTTP_AUTHGW_FETCH_ABORTED  4      /* not counted, no slot spent */

#define NGX_HTTP_AUTHGW_ANONYMOUS      AUTHGW_STATUS_COUNT
#define NGX_HTTP_AUTHGW_PREFLIGHT      (AUTHGW_STATUS_COUNT + 1)
#define NGX_HTTP_AUTHGW_OUTCOMES       (AUTHGW_STATUS_COUNT + 2)

/*
 * Everything in the zone is allocated once and never moved or freed:
 * workers of an older generation go on counting into it while they drain.
 * A key source's counters are found by its URI, so they carry on across
 * reloads as the request counters do, whichever generation counts.
 */

typedef struct ngx_http_authgw_source_stats_s  ngx_http_authgw_source_stats_t;

/*
 * The counters of a key source (by its provider's name and its URI) or of
 * a provider (by its name, uri empty): the provider's have its requests by
 * outcome, and fetches and last_success of its metadata.
 */

struct ngx_http_authgw_source_stats_s {
    ngx_atomic_t                fetches[NGX_HTTP_AUTHGW_FETCH_N];
    ngx_atomic_t                keys;
    ngx_atomic_t                last_success;
    ngx_atomic_t                outcomes[NGX_HTTP_AUTHGW_OUTCOMES];
    ngx_http_authgw_source_stats_t  *next;
    size_t                      plen;         /* the provider's name */
    size_t                      len;
    u_char                      uri[1];       /* the name, then the URI */
};

typedef struct ngx_http_authgw_stats_s {
    ngx_atomic_t                outcomes[NGX_HTTP_AUTHGW_OUTCOMES];
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
    ngx_array_t                *sources;      /* of ngx_http_authgw_source_t,
                                                 NULL: token=bearer */
    ngx_array_t                *provider_names;  /* of ngx_str_t */
    ngx_array_t                *uses;         /* of ngx_http_authgw_use_t */
    ngx_flag_t                  optional;
    ngx_flag_t                  strip;        /* strip_token */
    ngx_array_t                *strip_cookies;  /* of authgw_str_t */

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
    size_t                      key_max_size;

    ngx_str_t                   uid_claim;
    ngx_flag_t                  uid_optional;
    ngx_http_authgw_keys_t     *uid_keys;

    ngx_array_t                *set_headers;  /* of ngx_http_authgw_header_t */
    ngx_array_t                *rules;        /* of ngx_http_authgw_rule_t */
    ngx_array_t                *scopes;       /* of ngx_str_t */
    ngx_str_t                   scope_list;   /* "a b", for the response */
    ngx_array_t                *requires;     /* of complex values */
    ngx_uint_t                  require_error;
    ngx_array_t                *types;        /* of authgw_str_t */
    time_t                      max_lifetime; /* 0: no limit */
    authgw_token_rules_t        token_rules;
    ngx_flag_t                  preflight;    /* bypass_cors_preflight */
    ngx_http_complex_value_t   *resource_metadata;  /* its URL, or NULL */
    ngx_str_t                   resource;     /* authgw_protected_resource:
                                                 the document it serves */

    authgw_claims_policy_t      policy;

    /* sender-constrained tokens (ngx_http_authgw_dpop.c) */
    ngx_uint_t                  dpop;         /* AUTHGW_BIND_* */
    ngx_uint_t                  dpop_algs;
    ngx_str_t                   dpop_algs_text;  /* "ES256 ...", for algs= */
    time_t                      dpop_window;
    ngx_http_complex_value_t   *dpop_url;     /* the request's URL, or NULL */
    ngx_str_t                  *nonce_key;    /* NULL: no server nonces */
    time_t                      nonce_period;
    ngx_uint_t                  mtls;         /* AUTHGW_BIND_* */
    ngx_http_complex_value_t   *mtls_cert;    /* NULL: the connection's */

    u_char                     *status_file;  /* authgw_status here */
    ngx_uint_t                  status_line;
};


typedef struct {
    ngx_http_authgw_loc_conf_t *conf;         /* verified for this conf */
    ngx_http_authgw_use_t      *use;          /* the provider chosen */
    authgw_claims_policy_t     *refused_by;   /* the rules a refusal is of */
    authgw_status_t             status;
    authgw_jws_t                jws;          /* a verified token, or 0s */
    ngx_uint_t                  generation;   /* of the fetched keys used */
    ngx_uint_t                  refetched;    /* the provider's answer came
                                                 after the token's check */
    ngx_uint_t                  awaiting;     /* a fetch it waits on */
    ngx_http_authgw_waiter_t   *waiter;       /* while it waits in a queue */
    ngx_http_authgw_fetch_t    *fetch;        /* while its fetch runs */
    ngx_uint_t                  deferred;     /* it waited for a refetch */
    ngx_uint_t                  waits;        /* on fetches, at most
                                                 NGX_HTTP_AUTHGW_WAITS_MAX */
    ngx_str_t                   user_id;
    ngx_str_t                   why;          /* the refusal explained */
    ngx_str_t                   token;        /* as the sources gave it */
    authgw_status_t             token_status;
    ngx_uint_t                  stripped;     /* strip_token took it away */
    authgw_cache_lookup_t       cache_status;

    ngx_uint_t                  scheme_dpop;  /* Authorization: DPoP */
    ngx_uint_t                  proof_ok;     /* the proof passed: jkt */
    u_char                      jkt[AUTHGW_JKT_LEN + 1];
    time_t                      iat;          /* the proof's */
    ngx_str_t                   method;       /* the request's, as it came
                                                 (error_page makes it GET) */
    u_char                      proof_key[32];  /* SHA-256 of jkt and jti */
    u_char                      replayed[32]; /* the proof this request
                                                 entered in the replay
                                                 cache, once */
    ngx_uint_t                  replay_done;
    ngx_table_elt_t            *nonce;        /* the DPoP-Nonce it sends */
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

/*
 * the waits of one request on key fetches: one in flight, the next
 * permitted, its own refetch; with discovery, one more, for a fetch of
 * the provider's metadata before them
 */
#define NGX_HTTP_AUTHGW_WAITS_MAX      3

/*
 * the requests of a worker that wait for the next permitted fetch of one
 * key source (an unknown kid soon after a fetch); past them, an unknown
 * kid is refused at once
 */
#define NGX_HTTP_AUTHGW_DEFERRED_MAX   256

/*
 * The DPoP replay cache: 10 MB hold about 80,000 proofs (128 bytes each
 * in the slab pool), a minute's proofs at 1,300 requests a second with
 * the default window
 */
#define NGX_HTTP_AUTHGW_REPLAY_SIZE    (10 * 1024 * 1024)

/* the bytes a refusal's log line gives its explanation */
#define NGX_HTTP_AUTHGW_WHY_MAX        512

/* the settings of the keys that a block gives itself */
#define NGX_HTTP_AUTHGW_GIVEN_CACHE          0x01
#define NGX_HTTP_AUTHGW_GIVEN_KEY_CACHE      0x02
#define NGX_HTTP_AUTHGW_GIVEN_KEY_REFRESH    0x04
#define NGX_HTTP_AUTHGW_GIVEN_KEY_MAX_STALE  0x08
#define NGX_HTTP_AUTHGW_GIVEN_KEY_MAX_SIZE   0x10
#define NGX_HTTP_AUTHGW_KEY_CACHE      600
#define NGX_HTTP_AUTHGW_KEY_REFRESH    5
#define NGX_HTTP_AUTHGW_KEY_MAX_STALE  86400

/*
 * A fetched answer may be this large: a provider's JWKS with certificate
 * chains (x5c) is 2-20 KB; this leaves room for ten times the largest.
 */
#define NGX_HTTP_AUTHGW_KEY_MAX_SIZE   (256 * 1024)

/* a provider's metadata is fetched again after an hour */
#define NGX_HTTP_AUTHGW_DISCOVERY_REFRESH  3600


ngx_int_t ngx_http_authgw_handler(ngx_http_request_t *r);
void *ngx_http_authgw_alloc(void *data, size_t size);
ngx_http_authgw_ctx_t *ngx_http_authgw_variable_ctx(ngx_http_request_t *r);
ngx_http_authgw_keys_t *ngx_http_authgw_keys_for(
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx);
ngx_http_authgw_ctx_t *ngx_http_authgw_get_ctx(ngx_http_request_t *r);
ngx_int_t ngx_http_authgw_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_authgw_header_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_authgw_payload_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_authgw_error_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_authgw_user_id_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_authgw_claim_set_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_authgw_cache_status_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_authgw_header_handler(ngx_http_request_t *r);
ngx_int_t ngx_http_authgw_strip(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf);
ngx_uint_t ngx_http_authgw_same_header(ngx_str_t *a, ngx_str_t *b);
ngx_int_t ngx_http_authgw_key_refetch_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_authgw_remote_keys(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm, ngx_http_authgw_ctx_t *ctx);
void ngx_http_authgw_remote_expire(ngx_http_request_t *r,
    ngx_http_authgw_remote_t *rm);
ngx_http_authgw_stats_t *ngx_http_authgw_stats(ngx_http_request_t *r);
void ngx_http_authgw_count(ngx_http_request_t *r, ngx_uint_t outcome);
ngx_int_t ngx_http_authgw_status_handler(ngx_http_request_t *r);
ngx_table_elt_t *ngx_http_authgw_out_header(ngx_http_request_t *r,
    ngx_str_t *key);
char *ngx_http_authgw_protected_resource(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_authgw_resource_check(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *prev, ngx_http_authgw_loc_conf_t *conf);
void ngx_http_authgw_status_check(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *alcf);

ngx_str_t *ngx_http_authgw_suffix(ngx_http_authgw_remote_t *rm);
ngx_uint_t ngx_http_authgw_is_fetch(ngx_http_request_t *r);
ngx_int_t ngx_http_authgw_provider_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
ngx_int_t ngx_http_authgw_fetch_url_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
authgw_status_t ngx_http_authgw_select(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    ngx_str_t *token);
char *ngx_http_authgw_provider_block(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_authgw_providers_check(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *conf);
char *ngx_http_authgw_providers_merge(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *prev, ngx_http_authgw_loc_conf_t *conf);
char *ngx_http_authgw_remote_add(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *alcf, ngx_str_t *uri);

authgw_status_t ngx_http_authgw_bind(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx,
    ngx_str_t *token, json_t *payload);
authgw_status_t ngx_http_authgw_replay(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf, ngx_http_authgw_ctx_t *ctx);
ngx_int_t ngx_http_authgw_replay_add(ngx_shm_zone_t *zone, u_char *key,
    time_t iat, time_t expires, ngx_log_t *log);
ngx_shm_zone_t *ngx_http_authgw_replay_zone(ngx_conf_t *cf, size_t size);
void ngx_http_authgw_replay_conf(ngx_shm_zone_t *zone, time_t ttl,
    time_t skew);
ngx_int_t ngx_http_authgw_nonce_header(ngx_http_request_t *r,
    ngx_http_authgw_loc_conf_t *alcf);
ngx_int_t ngx_http_authgw_jkt_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
char *ngx_http_authgw_dpop_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_authgw_nonce_key(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_authgw_cert_source(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_authgw_dpop_url(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_authgw_dpop_merge(ngx_conf_t *cf,
    ngx_http_authgw_loc_conf_t *prev, ngx_http_authgw_loc_conf_t *conf);

ngx_int_t ngx_http_authgw_keys_init(ngx_conf_t *cf,
    ngx_http_authgw_main_conf_t *amcf);
ngx_int_t ngx_http_authgw_status_init(ngx_conf_t *cf,
    ngx_http_authgw_main_conf_t *amcf);


extern ngx_module_t  ngx_http_authgw_module;


#endif /* _NGX_HTTP_AUTHGW_MODULE_H_INCLUDED_ */
