# Every algorithm: a valid token reaches the upstream, which sees the
# verified claim; the same token with one signature bit flipped is refused.
# HS*, RS* and ES* tokens are signed by libjwt, PS* and EdDSA by OpenSSL.

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__
=== TEST 1: HS256 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 2: HS256 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 3: HS384 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs384.key alg=HS384;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'HS384', key => 'hs384.key', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 4: HS384 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs384.key alg=HS384;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'HS384', key => 'hs384.key', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 5: HS512 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs512.key alg=HS512;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'HS512', key => 'hs512.key', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 6: HS512 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs512.key alg=HS512;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'HS512', key => 'hs512.key', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 7: RS256 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 8: RS256 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 9: RS384 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'RS384', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 10: RS384 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'RS384', key => 'rsa.pem', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 11: RS512 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'RS512', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 12: RS512 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'RS512', key => 'rsa.pem', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 13: PS256 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'PS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 14: PS256 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'PS256', key => 'rsa.pem', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 15: PS384 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'PS384', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 16: PS384 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'PS384', key => 'rsa.pem', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 17: PS512 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'PS512', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 18: PS512 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'PS512', key => 'rsa.pem', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 19: ES256 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec256.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'ES256', key => 'ec256.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 20: ES256 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec256.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'ES256', key => 'ec256.pem', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 21: ES384 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec384.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'ES384', key => 'ec384.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 22: ES384 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec384.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'ES384', key => 'ec384.pem', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 23: ES512 accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec521.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'ES512', key => 'ec521.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 24: ES512 with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec521.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'ES512', key => 'ec521.pem', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 25: EdDSA accepted
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ed25519.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'EdDSA', key => 'ed25519.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 26: EdDSA with a flipped signature bit refused
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ed25519.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::flip(::tok(alg => 'EdDSA', key => 'ed25519.pem', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_signature



=== TEST 27: RSA key as a JWK
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.jwk;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 28: RSA key as PKCS#1 RSA PUBLIC KEY PEM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pkcs1.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 29: RSA key from an X.509 certificate
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.crt;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'PS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 30: EC key as a JWK
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec256.jwk;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'ES256', key => 'ec256.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 31: Ed25519 key as a JWK
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ed25519.jwk;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'EdDSA', key => 'ed25519.pem', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 32: HMAC secret as an oct JWK
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/oct.jwk;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'HS512', key => 'hs512.key', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 33: JWKS, RSA key chosen by kid
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', kid => 'rsa-1', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 34: JWKS, second RSA key chosen by kid
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa2.pem', kid => 'rsa-2', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 35: JWKS, EC key chosen by kid
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'ES256', key => 'ec256.pem', kid => 'ec-1', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 36: JWKS, Ed25519 key chosen by kid
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'EdDSA', key => 'ed25519.pem', kid => 'ed-1', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 37: JWKS, oct key chosen by kid
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/jwks.json;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer " . ::tok(alg => 'HS512', key => 'hs512.key', kid => 'oct-1', claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused
