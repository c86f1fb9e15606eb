# The bearer header (RFC 6750 section 2.1, RFC 9110 section 11): the
# scheme in any letter case, 1*SP, exactly one token68, one field only,
# and the size cap.
use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__
=== TEST 1: Bearer
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
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 2: the scheme in lower case
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
'Authorization: bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 3: the scheme in upper case
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
'Authorization: BEARER ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 4: several spaces after the scheme
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
'Authorization: Bearer    ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 5: no Authorization header
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
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 6: another scheme is no bearer token
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
Authorization: Basic dXNlcjpwYXNz
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 7: a scheme that only starts with Bearer is malformed (an upstream
that looks for a "bearer" prefix would take the rest)
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
'Authorization: Bearerx ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 8: an empty Authorization header
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
Authorization:
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 9: Bearer alone
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
Authorization: Bearer
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 10: Bearer and spaces only
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
Authorization: Bearer     
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 11: a tab after the scheme
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
"Authorization: Bearer\t" . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 12: junk after the token
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
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }) . ' junk'
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 13: a list of two tokens
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
my $t = ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }); "Authorization: Bearer $t,Bearer $t"
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 14: the token without a scheme
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
'Authorization: ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 15: two Authorization headers: nginx answers 400, nothing reaches the upstream
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
my $t = ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }); "Authorization: Bearer $t\nAuthorization: Bearer $t"
--- error_code: 400
--- response_body_like: 400 Bad Request
--- no_error_log
authgw: token verified



=== TEST 16: a token just under the 16 KiB cap
--- http_config
    large_client_header_buffers 4 64k;
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
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', pad => 'x' x 11500 })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 17: a token over the 16 KiB cap
--- http_config
    large_client_header_buffers 4 64k;
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
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', pad => 'x' x 12500 })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 18: "Bearer," then the token, with optional is malformed, never anonymous
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer," . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 19: "Bearer", a vertical tab, the token, with optional is malformed, never anonymous
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer\x0b" . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 20: "bEARER", a tab, the token, with optional is malformed, never anonymous
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: bEARER\t" . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 21: a token followed by ";x", with optional is malformed, never anonymous
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }) . ";x"
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 22: a character outside token68 inside the token, with optional is malformed, never anonymous
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
my $t = ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }); substr($t, 10, 0) = "\x01"; "Authorization: Bearer $t"
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 23: "Bearer" alone, with optional is malformed, never anonymous
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer"
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 24: a field that starts with no scheme at all, with optional is malformed, never anonymous
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: ,Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 25: another scheme with optional is anonymous, and travels on
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers
Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l
--- response_body
sub= auth=Basic YWxhZGRpbjpvcGVuc2VzYW1l
--- no_error_log
authgw: refused



=== TEST 26: "Bearer." then the token, with optional, is malformed
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer." . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 27: "Bearer_ " then the token, with optional, is malformed
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer_ " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 28: "Bearer! " then the token, with optional, is malformed
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer! " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 29: "BearerX" then the token, with optional, is malformed
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub auth=$http_authorization\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: BearerX" . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token
