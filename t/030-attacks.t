# Attacks on the token header: algorithm confusion (an HS256 MAC keyed
# with the public key's own bytes, in every encoding), "none" and odd
# "alg" values, "crit", key injection through jwk/jku/x5u/x5c, and kid
# tricks. Each refusal shows its status, WWW-Authenticate and reason.

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

# TEST 46 checks two log lines
plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__
=== TEST 1: confusion: RSA key, HS256 MAC keyed with its SPKI PEM text
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
::bearer(alg => 'HS256', key => 'rsa.pub.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 2: confusion: RSA key, HS256 MAC keyed with its PEM text without the final newline
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
::bearer(alg => 'HS256', key => 'rsa.pub.nonl.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 3: confusion: RSA key, HS256 MAC keyed with its DER bytes
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
::bearer(alg => 'HS256', key => 'rsa.pub.der', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 4: confusion: RSA key, HS256 MAC keyed with its PKCS#1 RSA PUBLIC KEY PEM text
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pkcs1.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'rsa.pub.pkcs1.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 5: confusion: RSA key, HS256 MAC keyed with its JWK text
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.jwk;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'rsa.jwk', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 6: confusion: RSA key, HS256 MAC keyed with the certificate's PEM text
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.crt;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'rsa.crt', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 7: confusion: EC key, HS256 MAC keyed with its PEM text
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec256.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'ec256.pub.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 8: confusion: EC key, HS256 MAC keyed with its DER bytes
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec256.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'ec256.pub.der', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 9: confusion: EC key, HS256 MAC keyed with its JWK text
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec256.jwk;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'ec256.jwk', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 10: confusion: Ed25519 key, HS256 MAC keyed with its PEM text
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ed25519.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'ed25519.pub.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 11: confusion: Ed25519 key, HS256 MAC keyed with its DER bytes
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ed25519.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'ed25519.pub.der', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 12: confusion: Ed25519 key, HS256 MAC keyed with its JWK text
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ed25519.jwk;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'ed25519.jwk', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 13: confusion: JWKS, kid of the RSA key, HS256 keyed with its JWK
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'k-rsa.jwk', kid => 'rsa-1', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 14: confusion: JWKS, no kid, HS256 keyed with the RSA JWK
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.jwk;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'rsa.jwk', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 15: alg "none" with an empty signature
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'none', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 16: alg "none" with a signature kept
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":"none"}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 17: alg "None" with a signature kept
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":"None"}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 18: alg "NONE" with a signature kept
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":"NONE"}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 19: alg "nOnE" with a signature kept
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":"nOnE"}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 20: alg in lower case
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":"hs256"}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 21: alg with a trailing space
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":"HS256 "}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 22: alg empty
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":""}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 23: alg null
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":null}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 24: alg a number
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":256}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 25: alg an array
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":["HS256"]}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 26: alg an object
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":{"v":"HS256"}}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 27: alg missing
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"typ":"JWT"}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 28: alg given twice
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":"HS256","alg":"HS256"}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 29: crit ["exp"] is refused
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
::bearer(alg => 'RS256', key => 'rsa.pem', raw_header => '{"alg":"RS256","crit":["exp"]}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 30: crit ["b64"],"b64":true is refused
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
::bearer(alg => 'RS256', key => 'rsa.pem', raw_header => '{"alg":"RS256","crit":["b64"],"b64":true}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 31: crit [] is refused
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
::bearer(alg => 'RS256', key => 'rsa.pem', raw_header => '{"alg":"RS256","crit":[]}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 32: an embedded jwk of the signing key is not trusted
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
::bearer(alg => 'RS256', key => 'rsa2.pem', header_json => '{"jwk":' . do { local $/; open my $f, '<', ::keyfile('rsa2.jwk'); <$f> } . '}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 33: an embedded oct jwk does not choose the HMAC secret
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
::bearer(alg => 'HS256', key => 'hs256.key', header_json => '{"jwk":' . do { local $/; open my $f, '<', ::keyfile('oct.jwk'); <$f> } . '}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 34: jku, x5u and x5c are ignored: a valid token still passes
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
::bearer(alg => 'RS256', key => 'rsa.pem', header_json => '{"jku":"http://127.0.0.1:1/jwks","x5u":"http://127.0.0.1:1/x","x5c":["MIIB"]}', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 35: x5c does not bring its own key
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
::bearer(alg => 'RS256', key => 'rsa2.pem', header_json => '{"x5c":["MIIB"]}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 36: kid chooses among several keys
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa2.pem', kid => 'rsa-2', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 37: kid of another key of the same type
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa2.pem', kid => 'rsa-1', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 38: kid with an embedded NUL does not match its prefix
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', raw_header => '{"alg":"RS256","kid":"rsa-1\\u0000x"}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: unknown_kid



=== TEST 39: kid as a number
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', raw_header => '{"alg":"RS256","kid":5}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 40: kid as null
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', raw_header => '{"alg":"RS256","kid":null}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 41: kid as an array
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', raw_header => '{"alg":"RS256","kid":["rsa-1"]}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 42: kid as an object
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', raw_header => '{"alg":"RS256","kid":{"id":"rsa-1"}}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 43: kid in another letter case
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', kid => 'RSA-1', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: unknown_kid



=== TEST 44: kid as a path
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'bad-empty.key', openssl => 1, kid => '../../../../dev/null', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: unknown_kid



=== TEST 45: kid names an EC key, alg says RS256
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', kid => 'ec-1', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: alg_not_allowed



=== TEST 46: no kid, two keys fit its alg: none is tried, unknown_kid
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_key_file $TEST_NGINX_KEYS/rsa2.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa2.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log eval
[qr/authgw: refused: unknown_kid: no kid, and 2 keys verify RS256: one is chosen only by kid \(authgw_try_all_keys is off\)/]



=== TEST 47: no kid: each key valid for the alg is tried (JWKS)
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'ES256', key => 'ec256.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 48: no kid: no configured key signed it
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa2.pub.pem;
        authgw_key_file $TEST_NGINX_KEYS/ec256.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 49: a kid= given in the configuration must be in the token
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem kid=main;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', kid => 'main', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 50: a JWE (five segments) as the bearer token
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..refa467QzzKx6QAB.JW_i_f52hww.vbb32Xvllea2OtmHAdccRQ'
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 51: RFC 7515 A.5 unsecured token
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.'
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token


=== TEST 52: PSS with salt length = hash length is accepted
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
::bearer(alg => 'PS256', key => 'rsa.pem', pss_saltlen => 32, claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 53: PSS with the maximum salt length is refused
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
::bearer(alg => 'PS256', key => 'rsa.pem', pss_saltlen => -3, claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 54: PSS with an empty salt is refused
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
::bearer(alg => 'PS256', key => 'rsa.pem', pss_saltlen => 0, claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 55: no kid, two keys fit, authgw_try_all_keys on: each is tried
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_key_file $TEST_NGINX_KEYS/rsa2.pub.pem;
        authgw_try_all_keys on;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa2.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 56: no kid, two keys fit, authgw_try_all_keys on, none signed it
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_key_file $TEST_NGINX_KEYS/rsa2.pub.pem;
        authgw_try_all_keys on;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
my $t = ::tok(alg => 'RS256', key => 'rsa2.pem', claim => { sub => 'alice' }); substr($t, -5, 1) = substr($t, -5, 1) eq 'A' ? 'B' : 'A'; "Authorization: Bearer $t"
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 57: a protected header of 16 members and 512 bytes is parsed
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
my $h = '{"alg":"ES256","kid":"ec-1"'; $h .= qq(,"m$_":1) for 1 .. 13; $h .= ',"pad":"' . ('x' x (512 - length($h) - 10)) . '"}'; die length $h if length $h != 512; ::bearer(alg => 'ES256', key => 'ec256.pem', raw_header => $h, claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 58: a protected header of 513 bytes is refused before it is parsed
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
my $h = '{"alg":"ES256","kid":"ec-1","pad":"' . ('x' x 476) . '"}'; die length $h if length $h != 513; ::bearer(alg => 'ES256', key => 'ec256.pem', raw_header => $h, claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 59: a protected header of 17 members is refused before it is parsed
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
my $h = '{"alg":"ES256","kid":"ec-1"'; $h .= qq(,"m$_":1) for 1 .. 15; $h .= '}'; ::bearer(alg => 'ES256', key => 'ec256.pem', raw_header => $h, claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 60: a forged 5 KB header of 230 small members is refused unparsed
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
my $h = '{"alg":"ES256","kid":"ec-1"'; $h .= qq(,"a$_":[]) for 1 .. 230; $h .= '}'; ::bearer(alg => 'ES256', key => 'ec256.pem', raw_header => $h, claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 61: a protected header nested 4 deep is refused before it is parsed
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'ES256', key => 'ec256.pem', raw_header => '{"alg":"ES256","kid":"ec-1","x":[[[1]]]}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 62: a protected header nested 3 deep is parsed
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'ES256', key => 'ec256.pem', raw_header => '{"alg":"ES256","kid":"ec-1","x":[[1]]}', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused
