# Every reason code of docs/directives.md that token verification produces:
# each refusal with its status, WWW-Authenticate and error-log line, and
# the directives that decide them (algorithms, issuer, audience, leeway,
# require_exp, error_detail, log_level), and keys_unavailable (503) with
# authgw_key_request.

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: missing_token: no Authorization header
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 2: malformed_token: not three segments
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers
Authorization: Bearer abc.def
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 3: alg_not_allowed: PS256 when only RS256 is allowed
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_algorithms RS256;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'PS256', key => 'rsa.pem')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 4: the allow-list lets RS256 through
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_algorithms RS256 ES256;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem')
--- response_body
upstream
--- no_error_log
authgw: refused



=== TEST 5: alg_not_allowed: an algorithm no configured key can verify
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
::bearer(alg => 'ES256', key => 'ec256.pem')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 6: unknown_kid
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', kid => 'rsa-9')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: unknown_kid



=== TEST 7: bad_signature: signed by another RSA key
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
::bearer(alg => 'RS256', key => 'rsa2.pem')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 8: expired
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
::bearer(alg => 'RS256', key => 'rsa.pem', exp_in => -10)
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: expired



=== TEST 9: not_yet_valid
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
::bearer(alg => 'RS256', key => 'rsa.pem', nbf_in => 60)
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: not_yet_valid



=== TEST 10: bad_issuer: a longer issuer that starts with the right one
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_issuer https://idp.example https://idp2.example;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem',
         claim => { iss => 'https://idp.example.evil' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_issuer



=== TEST 11: the second configured issuer is accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_issuer https://idp.example https://idp2.example;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem',
         claim => { iss => 'https://idp2.example' })
--- response_body
upstream
--- no_error_log
authgw: refused



=== TEST 12: bad_audience: aud missing
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_audience api;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_audience



=== TEST 13: missing_claim: no exp while authgw_require_exp is on
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
::bearer(alg => 'RS256', key => 'rsa.pem', no_exp => 1)
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: missing_claim



=== TEST 14: authgw_require_exp off accepts a token without exp
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_exp off;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', no_exp => 1)
--- response_body
upstream
--- no_error_log
authgw: refused



=== TEST 15: authgw_require_exp off still refuses an expired token
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_exp off;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', exp_in => -5)
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: expired



=== TEST 16: authgw_error_detail on adds error_description
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_error_detail on;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', exp_in => -10)
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token", error_description="expired"
--- error_log
authgw: refused: expired



=== TEST 17: authgw_error_detail adds nothing when no token was sent
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_error_detail on;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 18: authgw_log_level warn
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_log_level warn;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa2.pem')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log eval
qr/\[warn\] .*authgw: refused: bad_signature/



=== TEST 19: the realm may hold variables and is quoted
--- config
    location /api {
        authgw "api \"$host\"";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api \"localhost\""
--- error_log
authgw: refused: missing_token



=== TEST 20: $authgw_error names the reason for the access log
--- http_config
    log_format authgw '$status $authgw_error';
--- config
    access_log logs/authgw.log authgw;
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
    error_page 401 = @denied;
    location @denied {
        return 401 "denied: $authgw_error\n";
    }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', exp_in => -10)
--- error_code: 401
--- response_body
denied: expired
--- error_log
authgw: refused: expired



=== TEST 21: keys_unavailable: 503, not 401, when fetched keys never came
--- config
    location = /_jwks { internal; return 404; }
    location /api {
        authgw "test";
        authgw_key_request /_jwks;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'ES256', key => 'ec256.pem', kid => 'r-1')
--- error_code: 503
--- response_headers
!WWW-Authenticate
--- error_log
authgw: refused: keys_unavailable



=== TEST 22: a key fetched by authgw_key_request verifies the token
--- config eval
my $jwk = do { local (@ARGV, $/) = "$ENV{TEST_NGINX_KEYS}/ec256.jwk"; <> };
chomp $jwk;
$jwk =~ s/^\{/{"kid":"r-1",/;
qq{
    location = /_jwks { internal; return 200 '{"keys":[$jwk]}'; }
    location /api {
        authgw "test";
        authgw_key_request /_jwks;
        proxy_pass http://127.0.0.1:\$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\\n"; }
}
--- request
GET /api
--- more_headers eval
::bearer(alg => 'ES256', key => 'ec256.pem', kid => 'r-1')
--- error_code: 200
--- response_body
upstream
--- error_log
authgw: 1 keys from "/_jwks"
