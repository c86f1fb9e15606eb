# Authorization (docs/directives.md): authgw_require_claim with values, JSON
# Pointer paths and error=, authgw_require_scope with scope and scp,
# authgw_require on variables (with map), authgw_claim_set.

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__
=== TEST 1: require_claim: a string claim equal to one value
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin editor;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', role => 'editor' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 2: require_claim: a string claim equal to none
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin editor;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', role => 'viewer' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: claim_mismatch



=== TEST 3: require_claim: a prefix is no match
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin editor;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', role => 'admin2' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: claim_mismatch



=== TEST 4: require_claim: an array claim containing one
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin editor;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { role => '["viewer","admin"]' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 5: require_claim: an array claim containing none
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin editor;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { role => '["viewer"]' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: claim_mismatch



=== TEST 6: require_claim: the claim missing
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin editor;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: missing_claim



=== TEST 7: require_claim: an object is no match
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin editor;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { role => '{"admin":true}' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: claim_mismatch



=== TEST 8: require_claim: a number's JSON text
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim level 3 4;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { level => '4' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 9: require_claim: another number
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim level 3 4;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { level => '5' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: claim_mismatch



=== TEST 10: require_claim: a boolean's JSON text
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim email_verified true;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { email_verified => 'true' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 11: require_claim: false is not true
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim email_verified true;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { email_verified => 'false' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: claim_mismatch



=== TEST 12: require_claim without values: present
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim tenant;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', tenant => 't1' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 13: require_claim without values: missing is 401
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim tenant;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: missing_claim



=== TEST 14: require_claim without values: null is missing
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim tenant;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { tenant => 'null' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: missing_claim



=== TEST 15: require_claim: error=401
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin error=401;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', role => 'viewer' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: claim_mismatch



=== TEST 16: require_claim: error=403 without values
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim tenant error=403;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: missing_claim



=== TEST 17: require_claim: a Keycloak-style JSON Pointer
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim /realm_access/roles admin;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { realm_access => '{"roles":["user","admin"]}' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 18: require_claim: the JSON Pointer finds no admin
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim /realm_access/roles admin;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { realm_access => '{"roles":["user"]}' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: claim_mismatch



=== TEST 19: require_claim: a name with slashes is literal
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim https://example.com/roles admin;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { 'https://example.com/roles' => '["admin"]' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 20: require_claim: all rules must hold
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin editor;
        authgw_require_claim tenant t1;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', role => 'admin', tenant => 't2' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: claim_mismatch



=== TEST 21: require_scope: all scopes in scope
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_scope orders:read orders:write;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', scope => 'profile orders:write orders:read' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 22: require_scope: one missing
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_scope orders:read orders:write;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', scope => 'orders:read' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope", scope="orders:read orders:write"
--- error_log
authgw: refused: insufficient_scope



=== TEST 23: require_scope: scp as an array
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_scope orders:read orders:write;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { scp => '["orders:read","orders:write"]' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 24: require_scope: scp as a string
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_scope orders:read orders:write;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', scp => 'orders:write orders:read' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 25: require_scope: a scope that only starts alike
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_scope orders:read orders:write;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', scope => 'orders:reader orders:write' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope", scope="orders:read orders:write"
--- error_log
authgw: refused: insufficient_scope



=== TEST 26: require_scope: no scope claim
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_scope orders:read orders:write;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope", scope="orders:read orders:write"
--- error_log
authgw: refused: insufficient_scope



=== TEST 27: authgw_require: a map on a claim holds
--- http_config
    map $authgw_claim_role $is_admin {
        admin    1;
        default  0;
    }
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require $is_admin;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', role => 'admin' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 28: authgw_require: "0" refuses with 401
--- http_config
    map $authgw_claim_role $is_admin {
        admin    1;
        default  0;
    }
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require $is_admin;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', role => 'viewer' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: claim_mismatch



=== TEST 29: authgw_require: error=403
--- http_config
    map $authgw_claim_role $is_admin {
        admin    1;
        default  0;
    }
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require $is_admin error=403;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', role => 'viewer' })
--- error_code: 403
--- response_headers
WWW-Authenticate: Bearer realm="test", error="insufficient_scope"
--- error_log
authgw: refused: claim_mismatch



=== TEST 30: authgw_require: an empty variable refuses
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require $authgw_claim_tenant;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: claim_mismatch



=== TEST 31: authgw_claim_set: a nested claim and an upper-case name
--- http_config
    authgw_claim_set $roles /realm_access/roles;
    authgw_claim_set $user_id_upper userId;
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;

        authgw_set_header X-Roles $roles;
        authgw_set_header X-Uid $user_id_upper;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "roles=[$http_x_roles] uid=[$http_x_uid]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }, json => { realm_access => '{"roles":["user","admin"]}', userId => '"U-1"' })
--- response_body
roles=[user,admin] uid=[U-1]
--- no_error_log
authgw: refused



=== TEST 32: a 403 keeps the verified claims for error pages and logs
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin editor;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
        error_page 403 = @denied;
    }
    location @denied {
        return 403 "denied: sub=[$authgw_claim_sub] err=[$authgw_error]\n";
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', role => 'viewer' })
--- error_code: 403
--- response_body
denied: sub=[alice] err=[claim_mismatch]
--- error_log
authgw: refused: claim_mismatch
