# Interoperability: tokens signed and user ids encrypted by jwcrypto
# (Debian's python3-jwcrypto, through t/interop.py) are accepted, and the
# upstream receives the right claim and user id. Every JWS algorithm and
# every user-id alg/enc pair appears at least once.

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__
=== TEST 1: jwcrypto HS256 token with a dir + A128GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'HS256', ::keyfile('hs256.key'), '{"sub":"alice"}',
                                ::py('jwe', 'dir', 'A128GCM', ::keyfile('uid16.key'), 'user-1'))
--- response_body
sub=[alice] user=[user-1]
--- no_error_log
authgw: refused



=== TEST 2: jwcrypto HS384 token with a dir + A192GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs384.key alg=HS384;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'HS384', ::keyfile('hs384.key'), '{"sub":"alice"}',
                                ::py('jwe', 'dir', 'A192GCM', ::keyfile('uid24.key'), 'user-2'))
--- response_body
sub=[alice] user=[user-2]
--- no_error_log
authgw: refused



=== TEST 3: jwcrypto HS512 token with a dir + A256GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs512.key alg=HS512;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'HS512', ::keyfile('hs512.key'), '{"sub":"alice"}',
                                ::py('jwe', 'dir', 'A256GCM', ::keyfile('uid32.key'), 'user-3'))
--- response_body
sub=[alice] user=[user-3]
--- no_error_log
authgw: refused



=== TEST 4: jwcrypto RS256 token with a dir + A128CBC-HS256 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.jwk;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'RS256', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'dir', 'A128CBC-HS256', ::keyfile('uid32.key'), 'user-4'))
--- response_body
sub=[alice] user=[user-4]
--- no_error_log
authgw: refused



=== TEST 5: jwcrypto RS384 token with a dir + A192CBC-HS384 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid48.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'RS384', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'dir', 'A192CBC-HS384', ::keyfile('uid48.key'), 'user-5'))
--- response_body
sub=[alice] user=[user-5]
--- no_error_log
authgw: refused



=== TEST 6: jwcrypto RS512 token with a dir + A256CBC-HS512 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.crt;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid64.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'RS512', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'dir', 'A256CBC-HS512', ::keyfile('uid64.key'), 'user-6'))
--- response_body
sub=[alice] user=[user-6]
--- no_error_log
authgw: refused



=== TEST 7: jwcrypto PS256 token with a A128KW + A128GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'PS256', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A128KW', 'A128GCM', ::keyfile('uid16.key'), 'user-7'))
--- response_body
sub=[alice] user=[user-7]
--- no_error_log
authgw: refused



=== TEST 8: jwcrypto PS384 token with a A128KW + A192GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.jwk;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'PS384', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A128KW', 'A192GCM', ::keyfile('uid16.key'), 'user-8'))
--- response_body
sub=[alice] user=[user-8]
--- no_error_log
authgw: refused



=== TEST 9: jwcrypto PS512 token with a A128KW + A256GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pkcs1.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'PS512', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A128KW', 'A256GCM', ::keyfile('uid16.key'), 'user-9'))
--- response_body
sub=[alice] user=[user-9]
--- no_error_log
authgw: refused



=== TEST 10: jwcrypto ES256 token with a A128KW + A128CBC-HS256 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec256.jwk;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'ES256', ::keyfile('ec256.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A128KW', 'A128CBC-HS256', ::keyfile('uid16.key'), 'user-10'))
--- response_body
sub=[alice] user=[user-10]
--- no_error_log
authgw: refused



=== TEST 11: jwcrypto ES384 token with a A128KW + A192CBC-HS384 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec384.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'ES384', ::keyfile('ec384.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A128KW', 'A192CBC-HS384', ::keyfile('uid16.key'), 'user-11'))
--- response_body
sub=[alice] user=[user-11]
--- no_error_log
authgw: refused



=== TEST 12: jwcrypto ES512 token with a A128KW + A256CBC-HS512 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec521.jwk;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'ES512', ::keyfile('ec521.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A128KW', 'A256CBC-HS512', ::keyfile('uid16.key'), 'user-12'))
--- response_body
sub=[alice] user=[user-12]
--- no_error_log
authgw: refused



=== TEST 13: jwcrypto EdDSA token with a A192KW + A128GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ed25519.jwk;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'EdDSA', ::keyfile('ed25519.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A192KW', 'A128GCM', ::keyfile('uid24.key'), 'user-13'))
--- response_body
sub=[alice] user=[user-13]
--- no_error_log
authgw: refused



=== TEST 14: jwcrypto HS256 token with a A192KW + A192GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'HS256', ::keyfile('hs256.key'), '{"sub":"alice"}',
                                ::py('jwe', 'A192KW', 'A192GCM', ::keyfile('uid24.key'), 'user-14'))
--- response_body
sub=[alice] user=[user-14]
--- no_error_log
authgw: refused



=== TEST 15: jwcrypto HS384 token with a A192KW + A256GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs384.key alg=HS384;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'HS384', ::keyfile('hs384.key'), '{"sub":"alice"}',
                                ::py('jwe', 'A192KW', 'A256GCM', ::keyfile('uid24.key'), 'user-15'))
--- response_body
sub=[alice] user=[user-15]
--- no_error_log
authgw: refused



=== TEST 16: jwcrypto HS512 token with a A192KW + A128CBC-HS256 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs512.key alg=HS512;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'HS512', ::keyfile('hs512.key'), '{"sub":"alice"}',
                                ::py('jwe', 'A192KW', 'A128CBC-HS256', ::keyfile('uid24.key'), 'user-16'))
--- response_body
sub=[alice] user=[user-16]
--- no_error_log
authgw: refused



=== TEST 17: jwcrypto RS256 token with a A192KW + A192CBC-HS384 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.jwk;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'RS256', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A192KW', 'A192CBC-HS384', ::keyfile('uid24.key'), 'user-17'))
--- response_body
sub=[alice] user=[user-17]
--- no_error_log
authgw: refused



=== TEST 18: jwcrypto RS384 token with a A192KW + A256CBC-HS512 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'RS384', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A192KW', 'A256CBC-HS512', ::keyfile('uid24.key'), 'user-18'))
--- response_body
sub=[alice] user=[user-18]
--- no_error_log
authgw: refused



=== TEST 19: jwcrypto RS512 token with a A256KW + A128GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.crt;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'RS512', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A256KW', 'A128GCM', ::keyfile('uid32.key'), 'user-19'))
--- response_body
sub=[alice] user=[user-19]
--- no_error_log
authgw: refused



=== TEST 20: jwcrypto PS256 token with a A256KW + A192GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'PS256', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A256KW', 'A192GCM', ::keyfile('uid32.key'), 'user-20'))
--- response_body
sub=[alice] user=[user-20]
--- no_error_log
authgw: refused



=== TEST 21: jwcrypto PS384 token with a A256KW + A256GCM user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.jwk;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'PS384', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A256KW', 'A256GCM', ::keyfile('uid32.key'), 'user-21'))
--- response_body
sub=[alice] user=[user-21]
--- no_error_log
authgw: refused



=== TEST 22: jwcrypto PS512 token with a A256KW + A128CBC-HS256 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pkcs1.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'PS512', ::keyfile('rsa.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A256KW', 'A128CBC-HS256', ::keyfile('uid32.key'), 'user-22'))
--- response_body
sub=[alice] user=[user-22]
--- no_error_log
authgw: refused



=== TEST 23: jwcrypto ES256 token with a A256KW + A192CBC-HS384 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec256.jwk;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'ES256', ::keyfile('ec256.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A256KW', 'A192CBC-HS384', ::keyfile('uid32.key'), 'user-23'))
--- response_body
sub=[alice] user=[user-23]
--- no_error_log
authgw: refused



=== TEST 24: jwcrypto ES384 token with a A256KW + A256CBC-HS512 user id
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/ec384.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::py('jws', 'ES384', ::keyfile('ec384.pem'), '{"sub":"alice"}',
                                ::py('jwe', 'A256KW', 'A256CBC-HS512', ::keyfile('uid32.key'), 'user-24'))
--- response_body
sub=[alice] user=[user-24]
--- no_error_log
authgw: refused
