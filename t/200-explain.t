# What a refusal's log line says beside its reason code (authgw_explain in
# the core): the rule and what the token had, for every reason that has
# something to say; never sub or a claim's value. Each block checks the
# status, the explained line, and that no personal value is in the log.

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: expired: exp as a time, how long ago, now and the leeway
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', exp_in => -7200, claim => { sub => 'alice' })
--- error_code: 401
--- error_log eval
qr/authgw: refused: expired: exp \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ is 2h0m before now \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, leeway 0s\)/
--- no_error_log
alice



=== TEST 2: not_yet_valid: nbf, how far ahead, with the leeway
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_leeway 30s;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', nbf_in => 600, claim => { sub => 'alice' })
--- error_code: 401
--- error_log eval
qr/authgw: refused: not_yet_valid: nbf \S+Z is (10m0s|9m\d+s) after now \(\S+Z, leeway 30s\)/
--- no_error_log
alice



=== TEST 3: bad_issuer: a trailing space shows in the quoted values
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_issuer https://idp.example/realms/shop;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', iss => 'https://idp.example/realms/shop ' })
--- error_code: 401
--- error_log eval
qr{authgw: refused: bad_issuer: iss "https://idp.example/realms/shop " is not the issuer this location expects: "https://idp.example/realms/shop"}
--- no_error_log
alice



=== TEST 4: bad_audience: the token's audiences and the expected ones
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_audience orders-api;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { aud => '["account","web"]' })
--- error_code: 401
--- error_log eval
qr{authgw: refused: bad_audience: aud \["account", "web"\] has no audience this location expects: "orders-api"}
--- no_error_log
alice



=== TEST 5: alg_not_allowed: the alg and what the location allows
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_key_file $TEST_NGINX_KEYS/ec256.pub.pem;
        authgw_algorithms RS256;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'ES256', key => 'ec256.pem', claim => { sub => 'alice' })
--- error_code: 401
--- error_log eval
qr{authgw: refused: alg_not_allowed: alg "ES256" is not one this location allows \(RS256\)}
--- no_error_log
alice



=== TEST 6: unknown_kid: the kid
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', kid => 'k7', claim => { sub => 'alice' })
--- error_code: 401
--- error_log eval
qr{authgw: refused: unknown_kid: kid "k7" names no key of this location}
--- no_error_log
alice



=== TEST 7: bad_signature: the alg, never the signature
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa2.pem', claim => { sub => 'alice' })
--- error_code: 401
--- error_log eval
qr{authgw: refused: bad_signature: the RS256 signature does not verify with the key of its alg, client: }
--- no_error_log
alice



=== TEST 8: missing_claim: a dotted name gets the JSON Pointer hint
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim realm_access.roles;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { realm_access => '{"roles":["admin"]}' })
--- error_code: 401
--- error_log eval
qr{authgw: refused: missing_claim: claim "realm_access.roles" is missing; a name with dots is one top-level name, a nested claim is a JSON Pointer: /realm_access/roles}
--- no_error_log
alice



=== TEST 9: claim_mismatch: the claim's name, never its value
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', role => 'guest' })
--- error_code: 403
--- error_log eval
qr{authgw: refused: claim_mismatch: claim "role" \(its value not logged\) is none of the values authgw_require_claim gives: "admin"}
--- no_error_log
guest



=== TEST 10: insufficient_scope: the scope asked for and the token's
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_scope write;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', scope => 'read profile' })
--- error_code: 403
--- error_log eval
qr{authgw: refused: insufficient_scope: scope "write" is not granted; the token\'s scope: "read profile"}
--- no_error_log
alice



=== TEST 11: missing exp with authgw_require_exp
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_exp on;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', no_exp => 1, claim => { sub => 'alice' })
--- error_code: 401
--- error_log eval
qr{authgw: refused: missing_claim: exp is missing \(authgw_require_exp is on\)}
--- no_error_log
alice



=== TEST 12: a refusal below the log level is neither written nor explained
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_log_level info;
        error_log logs/error.log notice;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', exp_in => -10, claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- no_error_log
authgw: refused
