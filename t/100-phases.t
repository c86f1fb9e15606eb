# The $authgw_* variables before the access phase (docs/directives.md, "Embedded Variables"): a
# limit_req key on the user id limits each user alone, "if" and "map" see
# verified claims in the rewrite phase, and a forged or expired token gives
# empty claims in every phase.

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: limit_req keyed on $authgw_user_id limits per user
--- http_config
    limit_req_zone $authgw_user_id zone=per_user:1m rate=1r/m;
--- config
    location /api {
        authgw "test" token=$arg_t;
        authgw_key_file $TEST_NGINX_KEYS/ec256.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        limit_req zone=per_user;
        limit_req_status 429;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
my $alice = ::tok(alg => 'ES256', key => 'ec256.pem',
                  claim => { uid => ::jwe(key => 'uid32.key', value => 'alice') });
my $bob = ::tok(alg => 'ES256', key => 'ec256.pem',
                claim => { uid => ::jwe(key => 'uid32.key', value => 'bob') });
["GET /api?t=$alice", "GET /api?t=$alice", "GET /api?t=$bob"]
--- error_code eval
[200, 429, 200]



=== TEST 2: if in the rewrite phase sees a verified claim
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        if ($authgw_claim_role = admin) {
            return 200 "admin area\n";
        }
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user area\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { role => 'admin' })
--- response_body
admin area
--- no_error_log
authgw: refused



=== TEST 3: if: another role falls through to the protected upstream
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        if ($authgw_claim_role = admin) {
            return 200 "admin area\n";
        }
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user area\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { role => 'viewer' })
--- response_body
user area
--- no_error_log
authgw: refused



=== TEST 4: if: a forged admin token has no claims, and is refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        if ($authgw_claim_role = admin) {
            return 200 "admin area\n";
        }
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user area\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa2.pem', claim => { role => 'admin' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 5: if: an expired admin token has no claims, and is refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        if ($authgw_claim_role = admin) {
            return 200 "admin area\n";
        }
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user area\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', exp_in => -30,
         claim => { role => 'admin' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: expired



=== TEST 6: map on a claim chooses the upstream
--- http_config
    map $authgw_claim_tier $pool {
        gold     gold;
        default  standard;
    }
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ed25519.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_$pool;
    }
    location = /_gold { return 200 "gold pool\n"; }
    location = /_standard { return 200 "standard pool\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'EdDSA', key => 'ed25519.pem', claim => { tier => 'gold' })
--- response_body
gold pool
--- no_error_log
authgw: refused



=== TEST 7: map: no tier claim takes the default
--- http_config
    map $authgw_claim_tier $pool {
        gold     gold;
        default  standard;
    }
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_$pool;
    }
    location = /_gold { return 200 "gold pool\n"; }
    location = /_standard { return 200 "standard pool\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem')
--- response_body
standard pool
--- no_error_log
authgw: refused



=== TEST 8: set in the rewrite phase copies a verified claim
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        set $who "$authgw_claim_sub/$authgw_header_alg";
        proxy_set_header X-Who $who;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "who=[$http_x_who]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'PS384', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
who=[alice/PS384]
--- no_error_log
authgw: refused



=== TEST 9: set with a forged token copies nothing
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        set $who "[$authgw_claim_sub]";
        return 200 "who=$who err=$authgw_error\n";
    }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa2.pem', claim => { sub => 'mallory' })
--- response_body
who=[] err=bad_signature
--- no_error_log
authgw: token verified
