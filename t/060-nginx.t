# authgw inside nginx: token= variables, optional, off, inheritance across
# http/server/location, satisfy any, error_page, internal redirects,
# limit_except, and the $authgw_* variables in every phase.
use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__
=== TEST 1: token=$cookie_at
--- config
    location /api {
        authgw "test" token=$cookie_at;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Cookie: theme=dark; at=' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 2: token=$cookie_at without the cookie
--- config
    location /api {
        authgw "test" token=$cookie_at;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 3: token=$cookie_at does not read the Authorization header
--- config
    location /api {
        authgw "test" token=$cookie_at;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 4: token=$arg_access_token
--- config
    location /api {
        authgw "test" token=$arg_access_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request eval
'GET /api?access_token=' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 5: token=$http_x_token
--- config
    location /api {
        authgw "test" token=$http_x_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'X-Token: ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 6: optional: no token passes as anonymous
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- response_body
sub=
--- no_error_log
authgw: refused



=== TEST 7: optional: a valid token is verified
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 8: optional: an invalid token is still refused
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa2.pem')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 9: optional with token=: an empty variable is anonymous
--- config
    location /api {
        authgw "test" token=$cookie_at optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- response_body
sub=
--- no_error_log
authgw: refused



=== TEST 10: authgw off in a nested location
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;

        location /api/public {
            authgw off;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
        }

        location /api/private {
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
        }
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api/public
--- response_body
sub=
--- no_error_log
authgw: refused



=== TEST 11: a nested location inherits authgw
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;

        location /api/public {
            authgw off;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
        }

        location /api/private {
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
        }
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api/private
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 12: authgw and the key inherited from the server level
--- config
    authgw "test";
    authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;

    location /api {
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location /ec {
        authgw_key_file $TEST_NGINX_KEYS/ec256.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        authgw off;
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 13: authgw and the key inherited from the server level, valid token
--- config
    authgw "test";
    authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;

    location /api {
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location /ec {
        authgw_key_file $TEST_NGINX_KEYS/ec256.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        authgw off;
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 14: a location's key file replaces the inherited one
--- config
    authgw "test";
    authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;

    location /api {
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location /ec {
        authgw_key_file $TEST_NGINX_KEYS/ec256.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        authgw off;
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /ec
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 15: authgw_issuer inherited from the http level
--- http_config
    authgw_issuer https://idp.example;
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { iss => 'https://other.example' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_issuer



=== TEST 16: satisfy any: the address rule lets a request without a token in
--- config
    location /api {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- response_body
sub=
--- no_error_log
[error]



=== TEST 17: satisfy any: a valid token lets the request in despite deny all
--- config
    location /api {
        satisfy any;
        deny all;
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 18: satisfy any: neither rule holds
--- config
    location /api {
        satisfy any;
        deny all;
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 19: satisfy all: a valid token and deny all
--- config
    location /api {
        deny all;
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 403
--- response_headers
!WWW-Authenticate
--- error_log
access forbidden by rule



=== TEST 20: error_page 401 to a named location keeps the reason
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
        error_page 401 = @login;
    }
    location @login {
        return 401 "login required: $authgw_error\n";
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', exp_in => -60)
--- error_code: 401
--- response_body
login required: expired
--- error_log
authgw: refused: expired



=== TEST 21: an internal redirect keeps the verified result
--- config
    location /first {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        try_files /nonexistent @second;
    }
    location @second {
        rewrite ^ /_echo break;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    }
    location /aud {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        try_files /nonexistent @admin;
    }
    location @admin {
        authgw "admin";
        authgw_audience admin;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        rewrite ^ /_echo break;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    }
    location /go {
        rewrite ^ /first last;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /first
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 22: an internal redirect to other rules checks again
--- config
    location /first {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        try_files /nonexistent @second;
    }
    location @second {
        rewrite ^ /_echo break;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    }
    location /aud {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        try_files /nonexistent @admin;
    }
    location @admin {
        authgw "admin";
        authgw_audience admin;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        rewrite ^ /_echo break;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    }
    location /go {
        rewrite ^ /first last;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /aud
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="admin", error="invalid_token"
--- error_log
authgw: refused: bad_audience



=== TEST 23: a rewrite into a protected location does not skip the check
--- config
    location /first {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        try_files /nonexistent @second;
    }
    location @second {
        rewrite ^ /_echo break;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    }
    location /aud {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        try_files /nonexistent @admin;
    }
    location @admin {
        authgw "admin";
        authgw_audience admin;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        rewrite ^ /_echo break;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    }
    location /go {
        rewrite ^ /first last;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /go
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 24: limit_except: GET needs no token
--- config
    location /api {
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        limit_except GET {
            authgw "test";
        }
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- response_body
sub=
--- no_error_log
authgw: refused



=== TEST 25: limit_except: POST needs one
--- config
    location /api {
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        limit_except GET {
            authgw "test";
        }
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
POST /api
hello
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 26: variables: header parameters and claims in the one encoding
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Vars "alg=$authgw_header_alg kid=$authgw_header_kid roles=$authgw_claim_roles n=$authgw_claim_n f=$authgw_claim_f obj=$authgw_claim_obj none=[$authgw_claim_none] err=[$authgw_error]";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "$http_x_vars\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'ES256', key => 'ec256.pem', kid => 'ec-1', json => { roles => '["admin","dev"]', n => '42.5', f => 'false', obj => '{"a":[1,2]}' })
--- response_body
alg=ES256 kid=ec-1 roles=admin,dev n=42.5 f=false obj={"a":[1,2]} none=[] err=[]
--- no_error_log
authgw: refused



=== TEST 27: $authgw_payload is the verified claims set as compact JSON
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_exp off;
        proxy_set_header X-Payload $authgw_payload;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "$http_x_payload\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'PS256', key => 'rsa.pem', raw_payload => '{ "sub" : "alice", "n" : [ 1 ] }')
--- response_body
{"sub":"alice","n":[1]}
--- no_error_log
authgw: refused



=== TEST 28: return runs before the access phase: variables verify on first use
--- config
    location /r {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        return 200 "sub=[$authgw_claim_sub] err=[$authgw_error]\n";
    }
--- request
GET /r
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=[alice] err=[]
--- no_error_log
authgw: refused



=== TEST 29: claims of a forged token are never exposed, even before the access phase
--- config
    location /r {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        return 200 "sub=[$authgw_claim_sub] err=[$authgw_error]\n";
    }
--- request
GET /r
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa2.pem', claim => { sub => 'mallory' })
--- response_body
sub=[] err=[bad_signature]
--- no_error_log
authgw: token verified



=== TEST 30: claims of an expired token are empty in the rewrite phase
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        if ($authgw_claim_sub = "") {
            return 418;
        }
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', exp_in => -60, claim => { sub => 'alice' })
--- error_code: 418
--- response_body_like: ^$
--- no_error_log
authgw: token verified



=== TEST 31: the access handler reuses the result of the rewrite phase
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        if ($authgw_claim_sub = "") {
            return 418;
        }
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- error_log eval
qr/\A(?:(?!authgw: token verified).)*authgw: token verified(?:(?!authgw: token verified).)*\z/s



=== TEST 32: no token, signature or key reaches the log at any level
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers
Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0b3BzZWNyZXQifQ.c2lnbmF0dXJlLXRvcHNlY3JldA
--- error_code: 401
--- error_log
authgw: refused: bad_signature
--- no_error_log eval
qr/authgw.*(eyJzdWIi|c2lnbmF0dXJl|topsecret)/



=== TEST 33: after a redirect, variables follow the rules of the new location
--- config
    location /first {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        try_files /nonexistent @admin;
    }
    location @admin {
        authgw "admin";
        authgw_audience admin;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        return 200 "sub=[$authgw_claim_sub] err=[$authgw_error]\n";
    }
--- request
GET /first
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=[] err=[bad_audience]
--- no_error_log
authgw: refused

