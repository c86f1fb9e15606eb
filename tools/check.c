
/*
 * authgw-token check: verifies a token offline with the module's own core
 * (src/), in the order the glue calls it (ngx_http_authgw_verify_token,
 * ngx_http_authgw_handler, ngx_http_authgw_authorize), under options that
 * are the directives of a location, and says what the module would do:
 * accept it, or refuse it with $authgw_error's reason, the status, the
 * WWW-Authenticate header, the log line's explanation (authgw_explain) and
 * what an operator may fix. Key material is never printed.
 */


#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/err.h>

#include "../src/authgw.h"
#include "check.h"


#define CHECK_WHY_MAX      512          /* NGX_HTTP_AUTHGW_WHY_MAX */
#define CHECK_LINE_MAX     (AUTHGW_TOKEN_MAX * 4)


const char  check_help[] =
"usage: authgw-token check [OPTIONS] [TOKEN | -]\n"
"\n"
"Verifies TOKEN (\"-\" or none: read from stdin; a \"Bearer \" before it\n"
"is dropped) with the module's own core, under the rules a location\n"
"would have, and says what the module would do: accept it (its key, its\n"
"claims, the decrypted user id), or refuse it with the reason code\n"
"$authgw_error would hold, the status, the WWW-Authenticate header, the\n"
"explanation of the log line and what to fix.\n"
"\n"
"Each of these is the directive of the same name (docs/directives.md):\n"
"  --key-file FILE[,kid=ID][,alg=ALG]   authgw_key_file; repeatable\n"
"  --algorithms ALG[,ALG...]            authgw_algorithms (default: all)\n"
"  --issuer ISS                         authgw_issuer; repeatable\n"
"  --audience AUD                       authgw_audience; repeatable\n"
"  --leeway TIME                        authgw_leeway (default 0s)\n"
"  --require-exp on|off                 authgw_require_exp (default on)\n"
"  --try-all-keys [on|off]              authgw_try_all_keys (default off)\n"
"  --require-typ TYPE                   authgw_require_typ; repeatable\n"
"  --max-lifetime TIME                  authgw_max_lifetime\n"
"  --user-id-claim NAME[,optional]      authgw_user_id_claim\n"
"  --user-id-key-file FILE[,kid=ID]     authgw_user_id_key_file; repeatable\n"
"  --require-claim NAME[=V1[,V2...]][,error=401|403]  (\\, is a comma)\n"
"                                       authgw_require_claim; repeatable,\n"
"                                       checked in their order\n"
"  --require-scope SCOPE[,SCOPE...]     authgw_require_scope\n"
"  --realm REALM                        authgw REALM (WWW-Authenticate)\n"
"  --resource-metadata URL              authgw_resource_metadata\n"
"  --error-detail [on|off]              authgw_error_detail\n"
"  --show-user-id                       with --batch: print the user ids\n"
"                                       (a single token's is always shown)\n"
"TIME is nginx's syntax: 30s, 5m, 1h30m, 3600. Values of repeatable\n"
"options add up, in their order.\n"
"\n"
"  --now TIME     check as at TIME: a NumericDate (1764669600), RFC 3339\n"
"                 (2026-12-02T10:00:00Z), or +/- a TIME from now (+2h)\n"
"  --json         the result as one JSON object\n"
"  --batch        tokens from stdin, one a line, each optionally followed\n"
"                 by a space and its own --now TIME; one result a line\n"
"  --help         this text\n"
"\n"
"Exit codes: 0 accepted; 1 refused with 401; 3 refused with 403; 2 a\n"
"usage or configuration error (what nginx -t would refuse, such as a key\n"
"file that does not load); 4 an internal error. With --batch: 0 when\n"
"every token is accepted, 1 when any is refused.\n"
"\n"
"Not checked here: where the token comes from (authgw token=, the\n"
"Bearer header's syntax, optional), authgw_require (variables), keys of\n"
"authgw_key_request or a provider (give their JWKS as --key-file).\n"
"\n"
"Examples:\n"
"  authgw-token check --key-file /etc/nginx/keys/idp.jwks \\\n"
"      --issuer https://idp.example.com --audience orders-api \\\n"
"      --require-scope orders:read \"$TOKEN\"\n"
"  authgw-token check --key-file hs256.key,alg=HS256 --leeway 30s \\\n"
"      --user-id-claim uid --user-id-key-file uid.jwks --json - < token\n"
"  authgw-token check --key-file rsa.pub.pem --now +1h \"$TOKEN\"\n"
"  cut -f2 tokens.tsv | authgw-token check --batch --json \\\n"
"      --key-file idp.jwks\n";


typedef union check_block_u  check_block_t;

union check_block_u {
    check_block_t           *next;
    long double              align;
};


typedef struct {
    check_block_t           *blocks;
} check_pool_t;


/* a text that grows; on a failed allocation it keeps what it has */
typedef struct {
    char                    *data;
    size_t                   len;
    size_t                   size;
} check_buf_t;


typedef struct {
    authgw_str_t             claim;
    authgw_str_t            *values;     /* NULL: the claim must exist */
    size_t                   nvalues;
    int                      error;      /* 401 or 403 */
} check_rule_t;


typedef struct {
    authgw_key_t           **keys;
    const char             **files;      /* the file of each key */
    size_t                   nkeys;
} check_keys_t;


typedef struct {
    check_keys_t             keys;
    check_keys_t             uid_keys;
    unsigned                 algs;
    int                      algs_given;
    authgw_str_t            *issuers;
    size_t                   nissuers;
    authgw_str_t            *audiences;
    size_t                   naudiences;
    authgw_str_t            *types;
    size_t                   ntypes;
    authgw_str_t            *scopes;
    size_t                   nscopes;
    check_rule_t            *rules;
    size_t                   nrules;
    int64_t                  leeway;
    int64_t                  max_lifetime;
    int                      require_exp;
    int                      try_all;
    int                      error_detail;
    const char              *uid_claim;
    int                      uid_optional;
    const char              *realm;
    const char              *resource_metadata;
    const char              *token;
    int                      json;
    int                      batch;
    int                      show_uid;     /* --show-user-id given */
    int                      typ_off;      /* --require-typ off */
    int                      now_given;
    int64_t                  now;
    authgw_claims_policy_t   policy;
    authgw_token_rules_t     token_rules;
} check_conf_t;


/* what the module does with one token */
typedef struct {
    authgw_status_t          status;
    int                      code;       /* 0: accepted */
    int64_t                  now;
    authgw_jws_t             jws;
    int                      verified;   /* the signature verified */
    unsigned char           *uid;
    size_t                   uid_len;
    const authgw_str_t      *name;       /* the claim or scope rule's */
    const authgw_str_t      *values;
    size_t                   nvalues;
    char                    *www;        /* WWW-Authenticate */
    char                     why[CHECK_WHY_MAX];
    check_buf_t              hint;
} check_result_t;


typedef int (*check_set_pt)(check_conf_t *cf, const char *name,
    const char *v);


typedef struct {
    const char              *name;
    int                      arg;        /* 0 none, 1 one, 2 on|off or none */
    check_set_pt             set;
} check_option_t;


static void *check_alloc(void *data, size_t size);
static void check_pool_reset(check_pool_t *pool);
static void check_put(check_buf_t *b, const char *fmt, ...);
static char *check_list_next(char *p);
static void check_printable(check_buf_t *b);
static void *check_grow(void *p, size_t n, size_t size);
static int check_error(const char *fmt, ...);
static int check_parse_time(const char *s, int64_t *secs);
static int check_parse_now(const char *s, int64_t *now);
static void check_time(check_buf_t *b, double t);
static void check_span(check_buf_t *b, double secs);
static int check_str_add(authgw_str_t **a, size_t *n, const char *s,
    size_t len);
static void check_value_warn(const char *name, const char *v);
static int check_set_key_file(check_conf_t *cf, const char *name,
    const char *v);
static int check_set_algorithms(check_conf_t *cf, const char *name,
    const char *v);
static int check_set_string(check_conf_t *cf, const char *name,
    const char *v);
static int check_set_time(check_conf_t *cf, const char *name,
    const char *v);
static int check_set_flag(check_conf_t *cf, const char *name,
    const char *v);
static int check_set_user_id_claim(check_conf_t *cf, const char *name,
    const char *v);
static int check_set_claim(check_conf_t *cf, const char *name,
    const char *v);
static int check_set_scope(check_conf_t *cf, const char *name,
    const char *v);
static int check_set_other(check_conf_t *cf, const char *name,
    const char *v);
static int check_args(check_conf_t *cf, int argc, char **argv);
static int check_prepare(check_conf_t *cf);
static void check_token(check_conf_t *cf, const unsigned char *tok,
    size_t len, const authgw_alloc_t *a, check_result_t *r);
static authgw_status_t check_authorize(check_conf_t *cf, json_t *payload,
    check_result_t *r);
static void check_refuse(check_conf_t *cf, check_result_t *r);
static void check_quote(check_buf_t *b, const char *v);
static void check_explain(check_conf_t *cf, check_result_t *r);
static void check_key_name(check_buf_t *b, check_keys_t *ks, size_t i);
static void check_kids(check_buf_t *b, check_keys_t *ks, unsigned algs);
static void check_kid_list(check_buf_t *b, check_keys_t *ks);
static void check_hint_key(check_conf_t *cf, check_result_t *r);
static void check_hint_shape(check_result_t *r, const unsigned char *tok,
    size_t len, const authgw_alloc_t *a);
static void check_hint_segment(check_result_t *r, const char *what,
    const unsigned char *seg, size_t len, const authgw_alloc_t *a);
static void check_hint_time(check_conf_t *cf, check_result_t *r);
static void check_hint_claims(check_conf_t *cf, check_result_t *r);
static void check_hint_user_id(check_conf_t *cf, check_result_t *r,
    const authgw_alloc_t *a);
static void check_hint(check_conf_t *cf, check_result_t *r,
    const unsigned char *tok, size_t len, const authgw_alloc_t *a);
static void check_print_text(check_conf_t *cf, check_result_t *r);
static json_t *check_json(check_conf_t *cf, check_result_t *r);
static int check_exit(check_result_t *r);
static int check_one(check_conf_t *cf, char *tok, size_t len);
static int check_batch(check_conf_t *cf);
static char *check_read_stdin(size_t *len);
static char *check_trim(char *s, size_t *len);


static const check_option_t  check_options[] = {
    { "--key-file", 1, check_set_key_file },
    { "--user-id-key-file", 1, check_set_key_file },
    { "--algorithms", 1, check_set_algorithms },
    { "--issuer", 1, check_set_string },
    { "--audience", 1, check_set_string },
    { "--require-typ", 1, check_set_string },
    { "--leeway", 1, check_set_time },
    { "--max-lifetime", 1, check_set_time },
    { "--require-exp", 1, check_set_flag },
    { "--try-all-keys", 2, check_set_flag },
    { "--error-detail", 2, check_set_flag },
    { "--user-id-claim", 1, check_set_user_id_claim },
    { "--require-claim", 1, check_set_claim },
    { "--require-scope", 1, check_set_scope },
    { "--realm", 1, check_set_other },
    { "--resource-metadata", 1, check_set_other },
    { "--now", 1, check_set_other },
    { "--json", 0, check_set_other },
    { "--batch", 0, check_set_other },
    { "--show-user-id", 0, check_set_other },
    { NULL, 0, NULL }
};


/* blocks aligned for jansson's objects, all freed at once per token */

static void *
check_alloc(void *data, size_t size)
{
    check_pool_t   *pool = data;
    check_block_t  *b;

    b = malloc(sizeof(check_block_t) + size);
    if (b == NULL) {
        return NULL;
    }

    b->next = pool->blocks;
    pool->blocks = b;

    return b + 1;
}


static void
check_pool_reset(check_pool_t *pool)
{
    check_block_t  *b, *next;

    for (b = pool->blocks; b != NULL; b = next) {
        next = b->next;
        free(b);
    }

    pool->blocks = NULL;
}


static void
check_put(check_buf_t *b, const char *fmt, ...)
{
    int       n;
    char     *p;
    size_t    size;
    va_list   args;

    va_start(args, fmt);
    n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);

    if (n < 0) {
        return;
    }

    if (b->len + n + 1 > b->size) {
        size = (b->len + n + 1) * 2;
        p = realloc(b->data, size);
        if (p == NULL) {
            return;
        }

        b->data = p;
        b->size = size;
    }

    va_start(args, fmt);
    vsnprintf(b->data + b->len, b->size - b->len, fmt, args);
    va_end(args);

    b->len += n;
}


/*
 * The first value of a comma-separated list, ended in place; "\," and "\\"
 * stand for "," and "\" (a claim value may hold a comma: an LDAP DN, or a
 * scope, RFC 6749 3.3). Returns the rest of the list, or NULL at its end.
 */

static char *
check_list_next(char *p)
{
    char  *w, *next;

    w = p;

    for ( ;; ) {
        if (p[0] == '\\' && (p[1] == ',' || p[1] == '\\')) {
            *w++ = p[1];
            p += 2;
            continue;
        }

        if (*p == ',' || *p == '\0') {

            /* w may be p itself: where the list goes on is decided first */

            next = (*p == ',') ? p + 1 : NULL;
            *w = '\0';

            return next;
        }

        *w++ = *p++;
    }
}


/*
 * What a hint says of the token (its kid, its alg, a parser's message
 * quoting it) comes from whoever made the token, unverified: every byte
 * that is not printable ASCII becomes \xHH, so that no terminal control
 * sequence reaches the operator's screen
 */

static void
check_printable(check_buf_t *b)
{
    size_t          i;
    check_buf_t     out;
    unsigned char   c;

    if (b->len == 0) {
        return;
    }

    memset(&out, 0, sizeof(check_buf_t));

    for (i = 0; i < b->len; i++) {
        c = (unsigned char) b->data[i];

        if (c < 0x20 || c >= 0x7f) {
            check_put(&out, "\\x%02x", c);

        } else {
            check_put(&out, "%c", c);
        }
    }

    if (out.data == NULL) {
        return;
    }

    free(b->data);
    *b = out;
}


static void *
check_grow(void *p, size_t n, size_t size)
{
    p = realloc(p, (n + 1) * size);
    if (p == NULL) {
        fprintf(stderr, "authgw-token check: out of memory\n");
        exit(CHECK_INTERNAL);
    }

    return p;
}


/* a usage or configuration error, said as nginx -t would: exit code 2 */

static int
check_error(const char *fmt, ...)
{
    va_list  args;

    fprintf(stderr, "authgw-token check: ");

    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);

    fprintf(stderr, "\n");

    return -1;
}


/*
 * nginx's time syntax in seconds (ngx_parse_time(, 1), as
 * ngx_conf_set_sec_slot reads it): "30", "30s", "1h30m", "1y 2M 3w 4d",
 * each unit once and larger units first; "ms" is refused
 */

static int
check_parse_time(const char *s, int64_t *secs)
{
    int          step, valid, st;
    int64_t      value, total, scale;
    const char  *units = "yMwdhms";

    static const int64_t  scales[] = {
        365 * 86400, 30 * 86400, 7 * 86400, 86400, 3600, 60, 1
    };

    value = 0;
    total = 0;
    valid = 0;
    step = -1;

    while (*s) {
        if (*s >= '0' && *s <= '9') {
            if (value > (INT64_MAX - 9) / 10) {
                return -1;
            }

            value = value * 10 + (*s++ - '0');
            valid = 1;
            continue;
        }

        if (*s == 'm' && s[1] == 's') {
            return -1;
        }

        if (*s == ' ') {
            st = 7;
            scale = 1;

        } else if (strchr(units, *s) != NULL) {
            st = (int) (strchr(units, *s) - units);
            scale = scales[st];

        } else {
            return -1;
        }

        if (st <= step || (*s == ' ' && step >= 6)) {
            return -1;
        }

        step = st;
        s++;

        if (value > INT64_MAX / scale || total > INT64_MAX - value * scale) {
            return -1;
        }

        total += value * scale;
        value = 0;

        while (*s == ' ') {
            s++;
        }
    }

    if (!valid || total > INT64_MAX - value) {
        return -1;
    }

    *secs = total + value;

    return 0;
}


/*
 * --now: a NumericDate (a fraction is cut, as nginx's clock has seconds),
 * RFC 3339 with Z or an offset, or +TIME / -TIME from the current time
 */

static int
check_parse_now(const char *s, int64_t *now)
{
    int         n, y, mo, d, h, mi, sec, oh, om;
    char        sep, *end;
    double      t;
    int64_t     rel;
    struct tm   tm;
    time_t      base;

    if (*s == '+' || *s == '-') {
        if (check_parse_time(s + 1, &rel) != 0) {
            return -1;
        }

        *now = (int64_t) time(NULL) + (*s == '+' ? rel : -rel);
        return 0;
    }

    if (strspn(s, "0123456789.") == strlen(s)) {
        errno = 0;
        t = strtod(s, &end);

        if (errno != 0 || *end != '\0' || t < 0 || t > 253402300799.0) {
            return -1;
        }

        *now = (int64_t) t;
        return 0;
    }

    n = 0;

    if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi,
               &sec, &n) != 7
        || (sep != 'T' && sep != 't' && sep != ' '))
    {
        return -1;
    }

    s += n;

    if (*s == '.') {
        s += 1 + strspn(s + 1, "0123456789");
    }

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;

    base = timegm(&tm);

    if (*s == 'Z' || *s == 'z') {
        s++;
        oh = 0;
        om = 0;

    } else if ((*s == '+' || *s == '-')
               && sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) == 2)
    {
        if (*s == '-') {
            oh = -oh;
            om = -om;
        }

        s += 1 + n;

    } else {
        return -1;
    }

    if (*s != '\0' || base == (time_t) -1) {
        return -1;
    }

    *now = (int64_t) base - (oh * 3600 + om * 60);

    return 0;
}


/* RFC 3339 in UTC */

static void
check_time(check_buf_t *b, double t)
{
    time_t     s;
    struct tm  tm;

    s = (time_t) t;

    if (gmtime_r(&s, &tm) == NULL) {
        check_put(b, "%.0f", t);
        return;
    }

    check_put(b, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}


/* 3d4h, 2h5m, 4m10s, 7s, as the log line says it */

static void
check_span(check_buf_t *b, double secs)
{
    long long  s;

    s = (long long) secs;

    if ((double) s < secs) {
        s++;
    }

    if (s >= 86400) {
        check_put(b, "%lldd%lldh", s / 86400, s % 86400 / 3600);

    } else if (s >= 3600) {
        check_put(b, "%lldh%lldm", s / 3600, s % 3600 / 60);

    } else if (s >= 60) {
        check_put(b, "%lldm%llds", s / 60, s % 60);

    } else {
        check_put(b, "%llds", s);
    }
}


static int
check_str_add(authgw_str_t **a, size_t *n, const char *s, size_t len)
{
    char  *copy;

    copy = malloc(len + 1);
    if (copy == NULL) {
        return check_error("out of memory");
    }

    memcpy(copy, s, len);
    copy[len] = '\0';

    *a = check_grow(*a, *n, sizeof(authgw_str_t));
    (*a)[*n].data = (unsigned char *) copy;
    (*a)[*n].len = len;
    (*n)++;

    return 0;
}


/* the warning nginx -t gives for an issuer or audience (value_check) */

static void
check_value_warn(const char *name, const char *v)
{
    size_t  len;

    len = strlen(v);

    if (len == 0) {
        return;
    }

    if (strchr(v, ',') != NULL) {
        fprintf(stderr, "authgw-token check: warning: %s \"%s\" has a comma: "
                "each value is compared whole; give several as separate "
                "options\n", name, v);

    } else if (strpbrk(v, "[]\"") != NULL) {
        fprintf(stderr, "authgw-token check: warning: %s \"%s\" has a "
                "bracket or a quote: write the value itself, not JSON\n",
                name, v);

    } else if (v[0] == ' ' || v[0] == '\t' || v[len - 1] == ' '
               || v[len - 1] == '\t')
    {
        fprintf(stderr, "authgw-token check: warning: %s \"%s\" begins or "
                "ends with white space, which a token's value must have "
                "too\n", name, v);
    }
}


/*
 * --key-file FILE[,kid=ID][,alg=ALG] and --user-id-key-file FILE[,kid=ID]:
 * the parameters are taken from the end, so a file name may hold commas;
 * loaded by the core as authgw_key_file and authgw_user_id_key_file are,
 * a kid given twice refused as nginx -t refuses it
 */

static int
check_set_key_file(check_conf_t *cf, const char *name, const char *v)
{
    int             uid, alg, rc;
    char           *path, *c, err[256];
    size_t          i, n, kid_len;
    check_keys_t   *ks;
    authgw_key_t  **keys;
    const char     *kid;

    uid = (strcmp(name, "--user-id-key-file") == 0);
    ks = uid ? &cf->uid_keys : &cf->keys;

    path = strdup(v);
    if (path == NULL) {
        return check_error("out of memory");
    }

    kid = NULL;
    kid_len = 0;
    alg = -1;

    while ((c = strrchr(path, ',')) != NULL) {
        if (strncmp(c + 1, "kid=", 4) == 0 && kid == NULL) {
            kid = c + 5;
            kid_len = strlen(kid);

        } else if (strncmp(c + 1, "alg=", 4) == 0 && alg < 0 && !uid) {
            alg = authgw_alg_from_name(c + 5, strlen(c + 5));
            if (alg < 0) {
                return check_error("%s \"%s\": unknown algorithm in \"%s\"",
                                   name, v, c + 1);
            }

        } else {
            break;
        }

        *c = '\0';
    }

    if (uid) {
        rc = authgw_enc_key_load_file(path, (const unsigned char *) kid,
                                      kid_len, &keys, &n, err, sizeof(err));

    } else {
        rc = authgw_key_load_file(path, (const unsigned char *) kid, kid_len,
                                  alg, &keys, &n, err, sizeof(err));
    }

    if (rc != 0) {
        return check_error("%s \"%s\": %s", name, path, err);
    }

    for (i = 0; i < n; i++) {
        if (keys[i]->kid != NULL
            && authgw_key_find(ks->keys, ks->nkeys, keys[i]->kid,
                               keys[i]->kid_len) != NULL)
        {
            return check_error("%s \"%s\": duplicate kid \"%.*s\"", name,
                               path, (int) keys[i]->kid_len, keys[i]->kid);
        }

        ks->keys = check_grow(ks->keys, ks->nkeys, sizeof(authgw_key_t *));
        ks->files = check_grow(ks->files, ks->nkeys, sizeof(char *));
        ks->keys[ks->nkeys] = keys[i];
        ks->files[ks->nkeys] = path;
        ks->nkeys++;
    }

    free(keys);

    return 0;
}


/* authgw_algorithms: names separated by commas or spaces; never "none" */

static int
check_set_algorithms(check_conf_t *cf, const char *name, const char *v)
{
    int      alg;
    size_t   n;

    if (!cf->algs_given) {
        cf->algs = 0;
        cf->algs_given = 1;
    }

    while (*v) {
        n = strcspn(v, ", ");

        if (n == 4 && strncasecmp(v, "none", 4) == 0) {
            return check_error("%s: \"none\" can never be allowed", name);
        }

        if (n > 0) {
            alg = authgw_alg_from_name(v, n);
            if (alg < 0) {
                return check_error("%s: unknown algorithm \"%.*s\"", name,
                                   (int) n, v);
            }

            cf->algs |= AUTHGW_ALG_BIT(alg);
        }

        v += n + (v[n] != '\0');
    }

    if (cf->algs == 0) {
        return check_error("%s: no algorithm", name);
    }

    return 0;
}


static int
check_set_string(check_conf_t *cf, const char *name, const char *v)
{
    if (strcmp(name, "--issuer") == 0) {
        check_value_warn(name, v);
        return check_str_add(&cf->issuers, &cf->nissuers, v, strlen(v));
    }

    if (strcmp(name, "--audience") == 0) {
        check_value_warn(name, v);
        return check_str_add(&cf->audiences, &cf->naudiences, v, strlen(v));
    }

    /* as authgw_require_typ: off, or media types without parameters */

    if (strcasecmp(v, "off") == 0) {
        if (cf->ntypes > 0) {
            return check_error("%s takes \"off\" alone", name);
        }

        cf->typ_off = 1;
        return 0;
    }

    if (cf->typ_off) {
        return check_error("%s takes \"off\" alone", name);
    }

    if (!authgw_media_type_valid((const unsigned char *) v, strlen(v))) {
        return check_error("%s: \"%s\" is not a media type without "
                           "parameters (\"at+jwt\" or "
                           "\"application/at+jwt\")", name, v);
    }

    return check_str_add(&cf->types, &cf->ntypes, v, strlen(v));
}


static int
check_set_time(check_conf_t *cf, const char *name, const char *v)
{
    int64_t  t;

    /* authgw_max_lifetime off: no limit */

    if (strcmp(name, "--max-lifetime") == 0 && strcasecmp(v, "off") == 0) {
        cf->max_lifetime = 0;
        return 0;
    }

    if (check_parse_time(v, &t) != 0) {
        return check_error("%s: invalid value \"%s\"", name, v);
    }

    if (strcmp(name, "--leeway") == 0) {
        cf->leeway = t;

    } else if (t <= 0) {
        return check_error("%s: must be at least 1s, or off", name);

    } else {
        cf->max_lifetime = t;
    }

    return 0;
}


/* on|off, as ngx_conf_set_flag_slot; a flag alone is on */

static int
check_set_flag(check_conf_t *cf, const char *name, const char *v)
{
    int  on;

    if (v == NULL || strcasecmp(v, "on") == 0) {
        on = 1;

    } else if (strcasecmp(v, "off") == 0) {
        on = 0;

    } else {
        return check_error("%s: invalid value \"%s\", it must be \"on\" or "
                           "\"off\"", name, v);
    }

    if (strcmp(name, "--require-exp") == 0) {
        cf->require_exp = on;

    } else if (strcmp(name, "--try-all-keys") == 0) {
        cf->try_all = on;

    } else {
        cf->error_detail = on;
    }

    return 0;
}


static int
check_set_user_id_claim(check_conf_t *cf, const char *name, const char *v)
{
    char    *c, *claim;
    size_t   len;

    if (cf->uid_claim != NULL) {
        return check_error("%s is duplicate", name);
    }

    claim = strdup(v);
    if (claim == NULL) {
        return check_error("out of memory");
    }

    len = strlen(claim);
    c = strrchr(claim, ',');

    if (c != NULL && strcmp(c, ",optional") == 0) {
        *c = '\0';
        len = c - claim;
        cf->uid_optional = 1;
    }

    if (len == 0) {
        return check_error("%s takes a claim name", name);
    }

    cf->uid_claim = claim;

    return 0;
}


/*
 * --require-claim NAME[=V1[,V2...]][,error=401|403]: as
 * authgw_require_claim NAME [V1 V2 ...] [error=401|403], error= last; the
 * status 403 with values, 401 without, unless error= says
 */

static int
check_set_claim(check_conf_t *cf, const char *name, const char *v)
{
    char          *s, *eq, *p, *c;
    size_t         n;
    check_rule_t  *rule;

    s = strdup(v);
    if (s == NULL) {
        return check_error("out of memory");
    }

    cf->rules = check_grow(cf->rules, cf->nrules, sizeof(check_rule_t));
    rule = &cf->rules[cf->nrules];
    memset(rule, 0, sizeof(check_rule_t));

    c = strrchr(s, ',');
    eq = strchr(s, '=');

    if (c != NULL && strncmp(c + 1, "error=", 6) == 0 && eq != NULL
        && eq > c)
    {
        /* NAME,error=... (no values) */
        eq = NULL;
    }

    p = (eq != NULL) ? eq + 1 : NULL;
    n = (eq != NULL) ? (size_t) (eq - s) : strcspn(s, ",");

    if (n == 0) {
        return check_error("%s \"%s\": no claim name", name, v);
    }

    rule->claim.data = (unsigned char *) s;
    rule->claim.len = n;

    if (p == NULL) {
        p = (s[n] == ',') ? s + n + 1 : NULL;
    }

    while (p != NULL) {
        c = check_list_next(p);

        if (strncmp(p, "error=", 6) == 0) {
            if (c != NULL) {
                return check_error("%s \"%s\": takes error= last", name, v);
            }

            if (strcmp(p + 6, "401") != 0 && strcmp(p + 6, "403") != 0) {
                return check_error("\"%s\": error= takes 401 or 403", p);
            }

            rule->error = atoi(p + 6);

        } else if (check_str_add(&rule->values, &rule->nvalues, p,
                                 strlen(p)) != 0)
        {
            return -1;
        }

        p = c;
    }

    s[n] = '\0';

    if (s[0] != '/' && strchr(s, '.') != NULL) {
        fprintf(stderr, "authgw-token check: warning: claim name \"%s\" has "
                "a dot: it names one top-level claim; a nested claim is a "
                "JSON Pointer, such as \"/realm_access/roles\"\n", s);
    }

    if (rule->error == 0) {
        rule->error = rule->values ? 403 : 401;
    }

    cf->nrules++;

    return 0;
}


/* authgw_require_scope: names separated by commas or spaces */

static int
check_set_scope(check_conf_t *cf, const char *name, const char *v)
{
    int      rc;
    char    *list, *p, *next;
    size_t   i, n;

    list = strdup(v);
    if (list == NULL) {
        return check_error("out of memory");
    }

    rc = 0;

    /* scopes apart by "," or " "; "\," is a comma in one */

    for (p = list; p != NULL && rc == 0; p = next) {
        next = check_list_next(p);

        while (*p != '\0' && rc == 0) {
            n = strcspn(p, " ");

            for (i = 0; i < n; i++) {
                if ((unsigned char) p[i] < ' ' || p[i] == '"'
                    || p[i] == '\\' || (unsigned char) p[i] >= 0x7f)
                {
                    rc = check_error("%s: invalid scope \"%.*s\"", name,
                                     (int) n, p);
                    break;
                }
            }

            if (rc == 0 && n > 0) {
                rc = check_str_add(&cf->scopes, &cf->nscopes, p, n);
            }

            p += n + (p[n] != '\0');
        }
    }

    free(list);

    return rc;
}


static int
check_set_other(check_conf_t *cf, const char *name, const char *v)
{
    char  origin[AUTHGW_URL_MAX + 1];

    if (strcmp(name, "--realm") == 0) {
        cf->realm = v;

    } else if (strcmp(name, "--resource-metadata") == 0) {

        /* as authgw_resource_metadata without variables */

        if (authgw_url_origin(v, strlen(v), AUTHGW_URL_NO_FRAGMENT, origin,
                              sizeof(origin))
            == 0)
        {
            return check_error("--resource-metadata: \"%s\" is not an "
                               "https URL without a fragment", v);
        }

        cf->resource_metadata = v;

    } else if (strcmp(name, "--now") == 0) {
        if (check_parse_now(v, &cf->now) != 0) {
            return check_error("--now: \"%s\" is not a NumericDate, an "
                               "RFC 3339 time or +/-TIME", v);
        }

        cf->now_given = 1;

    } else if (strcmp(name, "--json") == 0) {
        cf->json = 1;

    } else if (strcmp(name, "--show-user-id") == 0) {
        cf->show_uid = 1;

    } else {
        cf->batch = 1;
    }

    return 0;
}


/* 1: --help was given; 0; -1: a usage or configuration error */

static int
check_args(check_conf_t *cf, int argc, char **argv)
{
    int                    i;
    const char            *v;
    const check_option_t  *o;

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            return 1;
        }

        if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
            if (cf->token != NULL) {
                return check_error("one token only (or --batch)");
            }

            cf->token = argv[i];
            continue;
        }

        for (o = check_options; o->name != NULL; o++) {
            if (strcmp(argv[i], o->name) == 0) {
                break;
            }
        }

        if (o->name == NULL) {
            return check_error("unknown option \"%s\"", argv[i]);
        }

        v = NULL;

        if (o->arg == 1) {
            if (i + 1 == argc) {
                return check_error("%s needs a value", o->name);
            }

            v = argv[++i];

        } else if (o->arg == 2 && i + 1 < argc
                   && (strcasecmp(argv[i + 1], "on") == 0
                       || strcasecmp(argv[i + 1], "off") == 0))
        {
            v = argv[++i];
        }

        if (o->set(cf, o->name, v) != 0) {
            return -1;
        }
    }

    return 0;
}


/* what nginx -t refuses beside the files, then the core's structures */

static int
check_prepare(check_conf_t *cf)
{
    if (cf->keys.nkeys == 0) {
        return check_error("no --key-file (\"authgw\" is on but no "
                           "\"authgw_key_file\" is given for it)");
    }

    if (cf->uid_claim != NULL && cf->uid_keys.nkeys == 0) {
        return check_error("--user-id-claim is given but no "
                           "--user-id-key-file");
    }

    if (cf->batch && cf->token != NULL) {
        return check_error("--batch reads the tokens from stdin, not \"%s\"",
                           cf->token);
    }

    if (!cf->algs_given) {
        cf->algs = AUTHGW_ALGS_ALL;
    }

    cf->policy.issuers = cf->issuers;
    cf->policy.nissuers = cf->nissuers;
    cf->policy.audiences = cf->audiences;
    cf->policy.naudiences = cf->naudiences;
    cf->policy.leeway = cf->leeway;
    cf->policy.require_exp = cf->require_exp;

    cf->token_rules.types = cf->ntypes ? cf->types : NULL;
    cf->token_rules.ntypes = cf->ntypes;
    cf->token_rules.max_lifetime = cf->max_lifetime;

    return 0;
}


/*
 * The module's steps, in its order: the signature
 * (ngx_http_authgw_verify_token), the claims, the token rules, the user
 * id, then the claim and scope rules (ngx_http_authgw_authorize); any
 * refusal is 401 but for a rule's own status.
 */

static void
check_token(check_conf_t *cf, const unsigned char *tok, size_t len,
    const authgw_alloc_t *a, check_result_t *r)
{
    authgw_status_t        status;
    authgw_user_id_rule_t  uid;

    r->code = 401;

    status = authgw_jws_verify(tok, len, cf->keys.keys, cf->keys.nkeys,
                               cf->algs,
                               cf->try_all ? AUTHGW_VERIFY_ALL_KEYS : 0, a,
                               &r->jws);

    if (status == AUTHGW_OK) {
        r->verified = 1;
        status = authgw_claims_check(r->jws.payload, &cf->policy, r->now);
    }

    if (status == AUTHGW_OK) {
        status = authgw_token_rules_check(r->jws.header, r->jws.payload,
                                          &cf->token_rules, cf->leeway,
                                          r->now);
    }

    if (status == AUTHGW_OK && cf->uid_claim != NULL) {
        uid.claim = (const unsigned char *) cf->uid_claim;
        uid.claim_len = strlen(cf->uid_claim);
        uid.keys = cf->uid_keys.keys;
        uid.nkeys = cf->uid_keys.nkeys;
        uid.optional = cf->uid_optional;

        status = authgw_user_id(r->jws.payload, &uid, NULL, a, &r->uid,
                                &r->uid_len);
    }

    if (status == AUTHGW_OK) {
        status = check_authorize(cf, r->jws.payload, r);
    }

    r->status = status;

    if (status == AUTHGW_OK) {
        r->code = 0;
        return;
    }

    /* the module has no user id for a refused token */

    r->uid = NULL;
    r->uid_len = 0;

    check_refuse(cf, r);
    check_explain(cf, r);
}


/* authgw_require_claim in their order, then authgw_require_scope */

static authgw_status_t
check_authorize(check_conf_t *cf, json_t *payload, check_result_t *r)
{
    size_t         i;
    json_t        *v;
    check_rule_t  *rule;

    for (i = 0; i < cf->nrules; i++) {
        rule = &cf->rules[i];

        v = authgw_claim_get(payload, rule->claim.data, rule->claim.len);

        r->code = rule->error;
        r->name = &rule->claim;
        r->values = rule->values;
        r->nvalues = rule->nvalues;

        if (v == NULL || json_is_null(v)) {
            return AUTHGW_MISSING_CLAIM;
        }

        if (rule->values != NULL
            && !authgw_claim_match(v, rule->values, rule->nvalues))
        {
            return AUTHGW_CLAIM_MISMATCH;
        }
    }

    r->name = NULL;
    r->values = NULL;
    r->nvalues = 0;

    for (i = 0; i < cf->nscopes; i++) {
        if (!authgw_has_scope(payload, cf->scopes[i].data,
                              cf->scopes[i].len))
        {
            r->code = 403;
            r->name = &cf->scopes[i];
            return AUTHGW_INSUFFICIENT_SCOPE;
        }
    }

    r->code = 401;

    return AUTHGW_OK;
}


/* RFC 6750 3: the header ngx_http_authgw_refuse() makes */

static void
check_refuse(check_conf_t *cf, check_result_t *r)
{
    size_t       i;
    const char  *error;
    check_buf_t  b;

    if (r->status == AUTHGW_INTERNAL_ERROR) {
        r->code = 500;
        return;
    }

    memset(&b, 0, sizeof(check_buf_t));

    error = (r->code == 403) ? "insufficient_scope"
            : (r->status == AUTHGW_MISSING_TOKEN) ? NULL : "invalid_token";

    check_put(&b, "Bearer realm=");
    check_quote(&b, cf->realm);

    if (error != NULL) {
        check_put(&b, ", error=\"%s\"", error);

        if (cf->error_detail) {
            check_put(&b, ", error_description=\"%s\"",
                      authgw_status_str(r->status));
        }
    }

    if (r->status == AUTHGW_INSUFFICIENT_SCOPE && cf->nscopes > 0) {
        check_put(&b, ", scope=\"");

        for (i = 0; i < cf->nscopes; i++) {
            check_put(&b, "%s%s", i ? " " : "", cf->scopes[i].data);
        }

        check_put(&b, "\"");
    }

    /* RFC 9728 5.1, on every refusal (a 403 too: the scope challenge) */

    if (cf->resource_metadata != NULL) {
        check_put(&b, ", resource_metadata=");
        check_quote(&b, cf->resource_metadata);
    }

    r->www = b.data;
}


/* an RFC 9110 quoted string, as ngx_http_authgw_quote() makes it */

static void
check_quote(check_buf_t *b, const char *v)
{
    check_put(b, "\"");

    for ( /* void */ ; *v; v++) {
        if (*v == '"' || *v == '\\') {
            check_put(b, "\\");
        }

        check_put(b, "%c", ((unsigned char) *v < 0x20 || *v == 0x7f) ? ' '
                                                                      : *v);
    }

    check_put(b, "\"");
}


/* the log line's explanation, as ngx_http_authgw_why() asks for it */

static void
check_explain(check_conf_t *cf, check_result_t *r)
{
    authgw_why_t  w;

    memset(&w, 0, sizeof(authgw_why_t));

    w.header = r->jws.header;
    w.payload = r->jws.payload;
    w.policy = &cf->policy;
    w.rules = &cf->token_rules;
    w.now = r->now;
    w.algs = cf->algs;
    w.candidates = r->jws.candidates;
    w.name = r->name ? r->name->data : NULL;
    w.name_len = r->name ? r->name->len : 0;
    w.values = r->values;
    w.nvalues = r->nvalues;
    w.user_id_claim = (const unsigned char *) cf->uid_claim;
    w.user_id_claim_len = cf->uid_claim ? strlen(cf->uid_claim) : 0;

    authgw_explain(r->status, &w, r->why, sizeof(r->why));
}


/* a key as an operator knows it: kid, type and size, file; never its bytes */

static void
check_key_name(check_buf_t *b, check_keys_t *ks, size_t i)
{
    authgw_key_t  *k;

    k = ks->keys[i];

    if (k->kid != NULL) {
        check_put(b, "kid \"%.*s\" ", (int) k->kid_len, k->kid);

    } else {
        check_put(b, "the key without a kid ");
    }

    switch (k->kty) {

    case AUTHGW_KTY_RSA:
        check_put(b, "(RSA %zu bits", k->size * 8);
        break;

    case AUTHGW_KTY_EC:
        check_put(b, "(EC P-%d", k->size == 32 ? 256 : k->size == 48 ? 384
                                                                : 521);
        break;

    case AUTHGW_KTY_OKP:
        check_put(b, "(Ed25519");
        break;

    default:
        check_put(b, "(oct %zu bytes", k->size);
    }

    check_put(b, ") in %s", ks->files[i]);
}


/* the keys that verify one of algs: "a", "b" (file), ... */

static void
check_kids(check_buf_t *b, check_keys_t *ks, unsigned algs)
{
    size_t  i, n;

    n = 0;

    for (i = 0; i < ks->nkeys; i++) {
        if (!(ks->keys[i]->algs & algs)) {
            continue;
        }

        check_put(b, n++ ? "; " : "");
        check_key_name(b, ks, i);
    }

    if (n == 0) {
        check_put(b, "none");
    }
}


/* the kids of the keys, file by file: "a", "b" (f1); no kid (f2) */

static void
check_kid_list(check_buf_t *b, check_keys_t *ks)
{
    size_t         i;
    authgw_key_t  *k;

    for (i = 0; i < ks->nkeys; i++) {
        k = ks->keys[i];

        if (i > 0) {
            check_put(b, ks->files[i] == ks->files[i - 1] ? ", " : "; ");
        }

        if (k->kid != NULL) {
            check_put(b, "\"%.*s\"", (int) k->kid_len, k->kid);

        } else {
            check_put(b, "a key without a kid");
        }

        if (i + 1 == ks->nkeys || ks->files[i + 1] != ks->files[i]) {
            check_put(b, " (%s)", ks->files[i]);
        }
    }
}


/* alg_not_allowed, unknown_kid, bad_signature: the keys, by kid and file */

static void
check_hint_key(check_conf_t *cf, check_result_t *r)
{
    int            alg;
    size_t         i;
    json_t        *a, *kid;
    check_buf_t   *b;
    authgw_key_t  *key;

    b = &r->hint;
    a = json_object_get(r->jws.header, "alg");
    kid = json_object_get(r->jws.header, "kid");

    if (!json_is_string(a)) {
        return;
    }

    alg = authgw_alg_from_name(json_string_value(a), json_string_length(a));

    if (alg < 0) {
        check_put(b, strcasecmp(json_string_value(a), "none") == 0
                     ? "alg \"none\" is an unsigned token, never accepted"
                     : "alg \"%s\" is not an algorithm authgw verifies "
                       "(HS*, RS*, PS*, ES*, EdDSA)", json_string_value(a));
        return;
    }

    if (!(cf->algs & AUTHGW_ALG_BIT(alg))) {
        check_put(b, "the token is signed with %s, which --algorithms "
                  "(authgw_algorithms) leaves out; the keys that verify it: ",
                  json_string_value(a));
        check_kids(b, &cf->keys, AUTHGW_ALG_BIT(alg));
        return;
    }

    key = NULL;

    if (kid != NULL) {
        key = authgw_key_find(cf->keys.keys, cf->keys.nkeys,
                              (const unsigned char *) json_string_value(kid),
                              json_string_length(kid));
    }

    if (r->status == AUTHGW_UNKNOWN_KID && kid != NULL) {
        check_put(b, "kid \"%s\" is not in the key files; they have ",
                  json_string_value(kid));
        check_kid_list(b, &cf->keys);
        check_put(b, ". Are they the identity provider's current keys?");
        return;
    }

    if (r->status == AUTHGW_UNKNOWN_KID) {
        check_put(b, "the token has no kid, and %zu keys verify %s: ",
                  r->jws.candidates, json_string_value(a));
        check_kids(b, &cf->keys, AUTHGW_ALG_BIT(alg));
        check_put(b, ". The module picks a key by kid only: have the token "
                  "signed with a kid, or try each key with --try-all-keys "
                  "(authgw_try_all_keys on)");
        return;
    }

    if (r->status == AUTHGW_ALG_NOT_ALLOWED) {
        check_put(b, "no key verifies %s", json_string_value(a));

        if (key != NULL) {
            check_put(b, ": its kid names ");

            for (i = 0; key != cf->keys.keys[i]; i++) { /* void */ }

            check_key_name(b, &cf->keys, i);
        }

        check_put(b, "; the key files have: ");
        check_kids(b, &cf->keys, AUTHGW_ALGS_ALL);
        return;
    }

    /* bad_signature */

    check_put(b, "tried ");

    if (key != NULL) {
        for (i = 0; key != cf->keys.keys[i]; i++) { /* void */ }

        check_key_name(b, &cf->keys, i);

    } else {
        check_kids(b, &cf->keys, AUTHGW_ALG_BIT(alg));
    }

    check_put(b, ": the token was signed with another key (or changed after "
              "it was signed)");
}


/* malformed_token: which part of the shape the core refused */

static void
check_hint_shape(check_result_t *r, const unsigned char *tok, size_t len,
    const authgw_alloc_t *a)
{
    double        t;
    size_t        i, n, dot1, dot2;
    json_t       *v;
    check_buf_t  *b;

    static const char  *times[] = { "exp", "nbf", "iat" };

    b = &r->hint;

    if (len > AUTHGW_TOKEN_MAX) {
        check_put(b, "the token is %zu bytes; the module takes at most %d",
                  len, AUTHGW_TOKEN_MAX);
        return;
    }

    for (i = 0, n = 0; i < len; i++) {
        n += (tok[i] == '.');
    }

    if (n == 4) {
        check_put(b, "it has 5 segments: a JWE (an encrypted token); the "
                  "module verifies signed tokens (JWS), of 3 segments");
        return;
    }

    if (authgw_jws_split(tok, len, &dot1, &dot2) != AUTHGW_OK) {
        check_put(b, "a JWS compact token is 3 non-empty segments "
                  "separated by dots; this has %zu segment%s%s", n + 1,
                  n ? "s" : "", n == 2 ? ", one of them empty" : "");
        return;
    }

    if (!r->verified) {
        check_hint_segment(r, "header", tok, dot1, a);

        if (r->hint.len == 0
            && authgw_b64url_check(tok + dot2 + 1, len - dot2 - 1) != 0)
        {
            check_put(b, "the signature is not strict base64url");
        }

        return;
    }

    check_hint_segment(r, "payload", tok + dot1 + 1, dot2 - dot1 - 1, a);

    for (i = 0; i < 3 && r->hint.len == 0; i++) {
        v = json_object_get(r->jws.payload, times[i]);

        if (v != NULL && authgw_claims_time(v, &t) != 0) {
            check_put(b, "%s is not a NumericDate (a JSON number of seconds "
                      "from 1970 to 9999)", times[i]);
        }
    }
}


/* a segment that does not decode, or is not the JSON object it must be */

static void
check_hint_segment(check_result_t *r, const char *what,
    const unsigned char *seg, size_t len, const authgw_alloc_t *a)
{
    size_t          i, dlen;
    json_t         *j, *v;
    check_buf_t    *b;
    json_error_t    e;
    unsigned char  *d;

    b = &r->hint;

    for (i = 0; i < len; i++) {
        if (!((seg[i] >= 'A' && seg[i] <= 'Z') || (seg[i] >= 'a'
              && seg[i] <= 'z') || (seg[i] >= '0' && seg[i] <= '9')
              || seg[i] == '-' || seg[i] == '_'))
        {
            check_put(b, "the %s has \"%c\" at %zu: base64url is A-Z a-z "
                      "0-9 - _, without padding", what,
                      (seg[i] > 0x20 && seg[i] < 0x7f) ? seg[i] : '?', i);
            return;
        }
    }

    d = authgw_b64url_decode_alloc(a, seg, len, &dlen);
    if (d == NULL) {
        check_put(b, "the %s is not strict base64url (its length, or unused "
                  "bits that are not zero)", what);
        return;
    }

    if (*what == 'h' && dlen > AUTHGW_JOSE_HEADER_MAX) {
        check_put(b, "the header is %zu bytes; the module reads at most %d",
                  dlen, AUTHGW_JOSE_HEADER_MAX);
        return;
    }

    j = json_loadb((const char *) d, dlen, JSON_REJECT_DUPLICATES, &e);

    if (j == NULL || !json_is_object(j)) {
        check_put(b, "the %s is not a JSON object%s%s", what,
                  j ? "" : ": ", j ? "" : e.text);
        json_decref(j);
        return;
    }

    if (*what == 'h') {
        v = json_object_get(j, "kid");

        if (!json_is_string(json_object_get(j, "alg"))) {
            check_put(b, "the header's alg is missing or not a string");

        } else if (json_object_get(j, "crit") != NULL) {
            check_put(b, "the header has crit, which the module refuses (it "
                      "implements no extension)");

        } else if (v != NULL && (!json_is_string(v)
                                 || json_string_length(v) > AUTHGW_KID_MAX))
        {
            check_put(b, "the header's kid is not a string of at most %d "
                      "bytes", AUTHGW_KID_MAX);
        }
    }

    json_decref(j);

    if (b->len == 0) {
        check_put(b, "the %s is refused by the module's strict JSON (UTF-8, "
                  "depth, size, members)", what);
    }
}


/* expired, not_yet_valid and the lifetime: times in UTC, from now */

static void
check_hint_time(check_conf_t *cf, check_result_t *r)
{
    double        t, now;
    check_buf_t  *b;
    const char   *name;

    b = &r->hint;
    now = (double) r->now;
    name = (r->status == AUTHGW_EXPIRED) ? "exp" : "nbf";

    if (r->status == AUTHGW_NOT_YET_VALID
        && (authgw_claims_time(json_object_get(r->jws.payload, "nbf"), &t)
            != 0 || t - (double) cf->leeway <= now))
    {
        name = "iat";
    }

    if (authgw_claims_time(json_object_get(r->jws.payload, name), &t) != 0) {
        return;
    }

    check_put(b, "%s %s ", name, r->status == AUTHGW_EXPIRED ? "was" : "is");
    check_time(b, t);
    check_put(b, ", ");
    check_span(b, r->status == AUTHGW_EXPIRED ? now - t : t - now);
    check_put(b, r->status == AUTHGW_EXPIRED ? " ago" : " from now");
    check_put(b, ": ");

    if (r->status == AUTHGW_EXPIRED) {
        check_put(b, "get a new token; a token that expires just before its "
                  "use may mean clocks that differ (--leeway, "
                  "authgw_leeway)");

    } else {
        check_put(b, "the token is not valid yet: is the clock of the "
                  "issuer or of this host wrong? (--leeway, authgw_leeway)");
    }
}


/* the rules: what the token has, in full (the operator's own token) */

static void
check_hint_claims(check_conf_t *cf, check_result_t *r)
{
    char         *s;
    json_t       *v;
    check_buf_t  *b;

    b = &r->hint;

    switch (r->status) {

    case AUTHGW_BAD_ISSUER:
    case AUTHGW_BAD_AUDIENCE:
        v = json_object_get(r->jws.payload,
                            r->status == AUTHGW_BAD_ISSUER ? "iss" : "aud");
        s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        check_put(b, "the token's %s: %s; compared whole, byte for byte, "
                  "with each %s", r->status == AUTHGW_BAD_ISSUER ? "iss"
                  : "aud", s ? s : "none", r->status == AUTHGW_BAD_ISSUER
                  ? "--issuer (authgw_issuer)" : "--audience "
                  "(authgw_audience)");
        free(s);
        break;

    case AUTHGW_CLAIM_MISMATCH:
        v = authgw_claim_get(r->jws.payload, r->name->data, r->name->len);
        s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        check_put(b, "the token's %s: %s", r->name->data, s ? s : "none");
        free(s);
        break;

    case AUTHGW_MISSING_CLAIM:
        if (r->name != NULL) {
            check_put(b, "--require-claim %s (authgw_require_claim): the "
                      "token has no claim %s (or it is null)",
                      r->name->data, r->name->data);

        } else if (cf->require_exp
                   && json_object_get(r->jws.payload, "exp") == NULL)
        {
            check_put(b, "a token without exp is taken only with "
                      "--require-exp off (authgw_require_exp off)");

        } else if (cf->uid_claim != NULL) {
            check_put(b, "no claim \"%s\": --user-id-claim %s,optional "
                      "(authgw_user_id_claim %s optional) takes a token "
                      "without it", cf->uid_claim, cf->uid_claim,
                      cf->uid_claim);
        }
        break;

    case AUTHGW_INSUFFICIENT_SCOPE:
        check_put(b, "every --require-scope (authgw_require_scope) must be "
                  "granted: the client asks the identity provider for a "
                  "token with scope \"%s\"", r->name->data);
        break;

    case AUTHGW_BAD_TYPE:
        v = json_object_get(r->jws.header, "typ");
        s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
        check_put(b, "the header's typ: %s; compared as a media type "
                  "(\"at+jwt\" is \"application/at+jwt\")", s ? s : "none");
        free(s);
        break;

    default:
        break;
    }
}


/* bad_user_id: the JWE's header, and the user id keys */

static void
check_hint_user_id(check_conf_t *cf, check_result_t *r,
    const authgw_alloc_t *a)
{
    char           *s;
    size_t          i, n, dlen;
    json_t         *v, *h, *kid;
    check_buf_t    *b;
    const char     *jwe, *dot;
    unsigned char  *d;

    b = &r->hint;
    v = authgw_claim_get(r->jws.payload, (const unsigned char *) cf->uid_claim,
                         strlen(cf->uid_claim));

    if (!json_is_string(v)) {
        check_put(b, "the claim \"%s\" is not a string (a compact JWE)",
                  cf->uid_claim);
        return;
    }

    jwe = json_string_value(v);

    for (i = 0, n = 0; jwe[i]; i++) {
        n += (jwe[i] == '.');
    }

    dot = strchr(jwe, '.');

    if (n != 4 || dot == NULL) {
        check_put(b, "the claim \"%s\" is not a compact JWE (5 segments); "
                  "it has %zu", cf->uid_claim, n + 1);
        return;
    }

    d = authgw_b64url_decode_alloc(a, (const unsigned char *) jwe,
                                   dot - jwe, &dlen);
    h = d ? json_loadb((const char *) d, dlen, 0, NULL) : NULL;

    if (!json_is_object(h)) {
        check_put(b, "the JWE's header is not base64url JSON");
        json_decref(h);
        return;
    }

    s = json_dumps(h, JSON_COMPACT);
    check_put(b, "the JWE's header: %s; ", s ? s : "?");
    free(s);

    kid = json_object_get(h, "kid");

    if (json_is_string(kid)
        && authgw_key_find(cf->uid_keys.keys, cf->uid_keys.nkeys,
                           (const unsigned char *) json_string_value(kid),
                           json_string_length(kid)) == NULL)
    {
        check_put(b, "kid \"%s\" is not in the user id key files; they "
                  "have ", json_string_value(kid));
        check_kid_list(b, &cf->uid_keys);

    } else {
        check_put(b, "it did not decrypt (a wrong key, a changed token, or "
                  "an alg, enc or size the key does not take) with: ");
        check_kids(b, &cf->uid_keys, ~0u);
    }

    json_decref(h);
}


static void
check_hint(check_conf_t *cf, check_result_t *r, const unsigned char *tok,
    size_t len, const authgw_alloc_t *a)
{
    switch (r->status) {

    case AUTHGW_MISSING_TOKEN:
        check_put(&r->hint, "no token: give it as the argument, or on stdin "
                  "with \"-\"");
        break;

    case AUTHGW_MALFORMED_TOKEN:
        check_hint_shape(r, tok, len, a);
        break;

    case AUTHGW_ALG_NOT_ALLOWED:
    case AUTHGW_UNKNOWN_KID:
    case AUTHGW_BAD_SIGNATURE:
        if (r->jws.header != NULL) {
            check_hint_key(cf, r);
        }
        break;

    case AUTHGW_EXPIRED:
    case AUTHGW_NOT_YET_VALID:
        check_hint_time(cf, r);
        break;

    case AUTHGW_BAD_USER_ID:
        check_hint_user_id(cf, r, a);
        break;

    default:
        if (r->jws.payload != NULL) {
            check_hint_claims(cf, r);
        }
    }
}


static void
check_print_text(check_conf_t *cf, check_result_t *r)
{
    size_t        i;
    char         *s;
    double        t;
    json_t       *v;
    check_buf_t   b;

    static const char  *times[] = { "exp", "nbf", "iat" };

    memset(&b, 0, sizeof(check_buf_t));
    check_time(&b, (double) r->now);

    if (r->code == 0) {
        printf("accepted\n");

    } else {
        printf("refused: %s\n", authgw_status_str(r->status));
        printf("  status            %d\n", r->code);

        if (r->www != NULL) {
            printf("  WWW-Authenticate  %s\n", r->www);
        }

        printf("  log line          authgw: refused: %s%s%s\n",
               authgw_status_str(r->status), r->why[0] ? ": " : "", r->why);

        if (r->hint.len) {
            printf("  what to fix       %s\n", r->hint.data);
        }
    }

    printf("  checked at        %s\n", b.data);

    if (r->verified) {
        for (i = 0; i < cf->keys.nkeys && cf->keys.keys[i] != r->jws.key;
             i++)
        {
            /* void */
        }

        b.len = 0;
        check_key_name(&b, &cf->keys, i);
        printf("  key               %s, alg %s\n", b.data,
               authgw_alg_name(r->jws.alg));

        for (i = 0; i < 3; i++) {
            v = json_object_get(r->jws.payload, times[i]);

            if (authgw_claims_time(v, &t) == 0) {
                b.len = 0;
                check_time(&b, t);

                if ((int64_t) t == r->now) {
                    check_put(&b, " (now)");

                } else {
                    check_put(&b, t > (double) r->now ? " (in " : " (");
                    check_span(&b, t > (double) r->now
                                   ? t - (double) r->now
                                   : (double) r->now - t);
                    check_put(&b, t > (double) r->now ? ")" : " ago)");
                }
                printf("  %s               %s\n", times[i], b.data);
            }
        }
    }

    if (r->uid != NULL) {
        printf("  user id           %.*s\n", (int) r->uid_len, r->uid);
    }

    if (r->verified) {
        s = json_dumps(r->jws.payload, JSON_INDENT(2) | JSON_ENSURE_ASCII);
        printf("claims%s:\n%s\n", r->code ? " (the signature verified)" : "",
               s ? s : "?");
        free(s);
    }

    free(b.data);
}


/* the result as JSON; compact for --batch */

static json_t *
check_json(check_conf_t *cf, check_result_t *r)
{
    size_t        i;
    json_t       *o, *v;
    check_buf_t   b;

    memset(&b, 0, sizeof(check_buf_t));
    o = json_object();

    json_object_set_new(o, "accepted", json_boolean(r->code == 0));
    json_object_set_new(o, "authgw_error",
                        json_string(r->code ? authgw_status_str(r->status)
                                            : ""));
    json_object_set_new(o, "status", r->code ? json_integer(r->code)
                                             : json_null());
    json_object_set_new(o, "www_authenticate",
                        r->www ? json_string(r->www) : json_null());

    if (r->code) {
        check_put(&b, "authgw: refused: %s%s%s",
                  authgw_status_str(r->status), r->why[0] ? ": " : "",
                  r->why);
        json_object_set_new(o, "log", json_string(b.data));

    } else {
        json_object_set_new(o, "log", json_null());
    }

    json_object_set_new(o, "explanation", json_string(r->why));
    json_object_set_new(o, "fix", json_string(r->hint.len ? r->hint.data
                                                           : ""));

    b.len = 0;
    check_time(&b, (double) r->now);
    json_object_set_new(o, "now", json_string(b.data));

    v = json_object_get(r->jws.header, "alg");
    json_object_set_new(o, "alg", json_is_string(v) ? json_copy(v)
                                                    : json_null());
    v = json_object_get(r->jws.header, "kid");
    json_object_set_new(o, "kid", v ? json_deep_copy(v) : json_null());

    if (r->verified) {
        for (i = 0; cf->keys.keys[i] != r->jws.key; i++) { /* void */ }

        b.len = 0;
        check_key_name(&b, &cf->keys, i);
        json_object_set_new(o, "key", json_string(b.data));

    } else {
        json_object_set_new(o, "key", json_null());
    }

    json_object_set_new(o, "header", r->jws.header
                                     ? json_deep_copy(r->jws.header)
                                     : json_null());
    json_object_set_new(o, "claims", r->verified
                                     ? json_deep_copy(r->jws.payload)
                                     : json_null());

    v = r->uid ? json_stringn((const char *) r->uid, r->uid_len) : NULL;
    json_object_set_new(o, "user_id", v ? v : json_null());

    free(b.data);

    return o;
}


static int
check_exit(check_result_t *r)
{
    switch (r->code) {

    case 0:
        return CHECK_ACCEPTED;

    case 403:
        return CHECK_REFUSED_403;

    case 500:
        return CHECK_INTERNAL;

    default:
        return CHECK_REFUSED_401;
    }
}


/* one token, its result printed; the exit code of that result */

static int
check_one(check_conf_t *cf, char *tok, size_t len)
{
    int              rc;
    char            *s;
    json_t          *o;
    check_pool_t     pool;
    authgw_alloc_t   a;
    check_result_t   r;

    memset(&r, 0, sizeof(check_result_t));
    pool.blocks = NULL;
    a.alloc = check_alloc;
    a.data = &pool;

    r.now = cf->now_given ? cf->now : (int64_t) time(NULL);

    check_token(cf, (const unsigned char *) tok, len, &a, &r);

    /*
     * a batch over many tokens would decrypt many users' ids at once,
     * which is what their encryption is for: only when asked
     */

    if (cf->batch && !cf->show_uid && r.uid != NULL) {
        r.uid = (unsigned char *) "(not shown: --show-user-id)";
        r.uid_len = sizeof("(not shown: --show-user-id)") - 1;
    }

    if (r.code != 0) {
        check_hint(cf, &r, (const unsigned char *) tok, len, &a);
        check_printable(&r.hint);
    }

    ERR_clear_error();

    if (cf->json) {
        o = check_json(cf, &r);
        s = json_dumps(o, cf->batch ? JSON_COMPACT | JSON_ENSURE_ASCII
                                    : JSON_INDENT(2) | JSON_ENSURE_ASCII);
        printf("%s\n", s ? s : "{}");
        free(s);
        json_decref(o);

    } else if (cf->batch) {
        printf("%s %d%s%.*s\n", r.code ? authgw_status_str(r.status)
                                       : "accepted", r.code ? r.code : 200,
               r.uid ? " " : "", (int) r.uid_len,
               r.uid ? (char *) r.uid : "");

    } else {
        check_print_text(cf, &r);
    }

    rc = check_exit(&r);

    authgw_jws_free(&r.jws);
    check_pool_reset(&pool);
    free(r.www);
    free(r.hint.data);

    return rc;
}


/* --batch: "TOKEN [NOW]" a line; blank lines are skipped */

static int
check_batch(check_conf_t *cf)
{
    int        rc, worst, given;
    char      *line, *tok, *now;
    char       shown[64];
    size_t     size, len;
    ssize_t    n;
    int64_t    saved;
    unsigned   lineno;

    line = NULL;
    size = 0;
    lineno = 0;
    worst = CHECK_ACCEPTED;
    given = cf->now_given;
    saved = cf->now;

    while ((n = getline(&line, &size, stdin)) >= 0) {
        lineno++;
        len = (size_t) n;
        tok = check_trim(line, &len);

        if (len == 0) {
            continue;
        }

        tok[len] = '\0';
        now = strchr(tok, ' ');
        cf->now_given = given;
        cf->now = saved;

        if (now != NULL) {
            *now++ = '\0';
            len = strlen(tok);

            while (*now == ' ') {
                now++;
            }

            /*
             * a line with a bad time gets a line of its own, so that the
             * answers still pair with the tokens; the rest go on
             */

            if (check_parse_now(now, &cf->now) != 0) {
                (void) authgw_escape(shown, sizeof(shown), now, strlen(now));
                check_error("--batch: line %u: \"%s\" is not a time",
                            lineno, shown);
                printf(cf->json ? "{\"error\":\"bad_time\",\"line\":%u}\n"
                                : "bad_time %u\n", lineno);
                worst = CHECK_USAGE;
                continue;
            }

            cf->now_given = 1;
        }

        rc = check_one(cf, tok, len);

        if (rc == CHECK_INTERNAL) {
            worst = rc;

        } else if (rc != CHECK_ACCEPTED && worst == CHECK_ACCEPTED) {
            worst = CHECK_REFUSED_401;
        }
    }

    free(line);
    fflush(stdout);

    return worst;
}


static char *
check_read_stdin(size_t *len)
{
    char    *buf, *p;
    size_t   n, size;

    size = 4096;
    n = 0;
    buf = malloc(size);

    while (buf != NULL) {
        n += fread(buf + n, 1, size - n - 1, stdin);

        if (n < size - 1 || n >= CHECK_LINE_MAX) {
            break;
        }

        size *= 2;
        p = realloc(buf, size);

        if (p == NULL) {
            free(buf);
            buf = NULL;
            break;
        }

        buf = p;
    }

    if (buf == NULL) {
        return NULL;
    }

    buf[n] = '\0';
    *len = n;

    return buf;
}


/*
 * White space around the token goes, as nginx's header parser drops it,
 * and so does a "Bearer " pasted with it; *len is updated
 */

static char *
check_trim(char *s, size_t *len)
{
    size_t  n;

    n = *len;

    while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL) {
        n--;
    }

    while (n > 0 && strchr(" \t\r\n", *s) != NULL) {
        s++;
        n--;
    }

    if (n > 7 && strncasecmp(s, "Bearer ", 7) == 0) {
        s += 7;
        n -= 7;

        while (n > 0 && *s == ' ') {
            s++;
            n--;
        }
    }

    *len = n;

    return s;
}


int
cmd_check(int argc, char **argv)
{
    int            rc;
    char          *buf, *tok;
    size_t         len;
    check_conf_t   cf;

    memset(&cf, 0, sizeof(check_conf_t));
    cf.require_exp = 1;
    cf.realm = "REALM";

    rc = check_args(&cf, argc, argv);

    if (rc == 1) {
        fputs(check_help, stdout);
        return 0;
    }

    if (rc != 0 || check_prepare(&cf) != 0) {
        fprintf(stderr, "usage: authgw-token check [OPTIONS] [TOKEN | -] "
                "(authgw-token check --help)\n");
        return CHECK_USAGE;
    }

    if (cf.batch) {
        rc = check_batch(&cf);

    } else if (cf.token != NULL && strcmp(cf.token, "-") != 0) {
        buf = strdup(cf.token);
        len = buf ? strlen(buf) : 0;
        tok = buf ? check_trim(buf, &len) : NULL;
        rc = tok ? check_one(&cf, tok, len) : CHECK_INTERNAL;
        free(buf);

    } else {
        buf = check_read_stdin(&len);
        tok = buf ? check_trim(buf, &len) : NULL;
        rc = tok ? check_one(&cf, tok, len) : CHECK_INTERNAL;
        free(buf);
    }

    authgw_keys_free(cf.keys.keys, cf.keys.nkeys);
    authgw_keys_free(cf.uid_keys.keys, cf.uid_keys.nkeys);
    authgw_jws_forget();

    return rc;
}
