# The encrypted user id (docs/directives.md, authgw_user_id_claim): every alg/enc pair is
# decrypted and reaches the upstream in the gateway's own header; RFC 7520
# 5.6 as a known answer; and every refusal class gives the one answer
# bad_user_id: 401, invalid_token, nothing upstream.

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__
=== TEST 1: dir + A128GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid16.key', alg => 'dir', enc => 'A128GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 2: dir + A192GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid24.key', alg => 'dir', enc => 'A192GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 3: dir + A256GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', alg => 'dir', enc => 'A256GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 4: dir + A128CBC-HS256
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', alg => 'dir', enc => 'A128CBC-HS256', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 5: dir + A192CBC-HS384
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid48.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid48.key', alg => 'dir', enc => 'A192CBC-HS384', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 6: dir + A256CBC-HS512
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid64.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid64.key', alg => 'dir', enc => 'A256CBC-HS512', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 7: A128KW + A128GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid16.key', alg => 'A128KW', enc => 'A128GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 8: A128KW + A192GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid16.key', alg => 'A128KW', enc => 'A192GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 9: A128KW + A256GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid16.key', alg => 'A128KW', enc => 'A256GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 10: A128KW + A128CBC-HS256
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid16.key', alg => 'A128KW', enc => 'A128CBC-HS256', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 11: A128KW + A192CBC-HS384
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid16.key', alg => 'A128KW', enc => 'A192CBC-HS384', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 12: A128KW + A256CBC-HS512
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid16.key', alg => 'A128KW', enc => 'A256CBC-HS512', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 13: A192KW + A128GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid24.key', alg => 'A192KW', enc => 'A128GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 14: A192KW + A192GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid24.key', alg => 'A192KW', enc => 'A192GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 15: A192KW + A256GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid24.key', alg => 'A192KW', enc => 'A256GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 16: A192KW + A128CBC-HS256
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid24.key', alg => 'A192KW', enc => 'A128CBC-HS256', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 17: A192KW + A192CBC-HS384
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid24.key', alg => 'A192KW', enc => 'A192CBC-HS384', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 18: A192KW + A256CBC-HS512
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid24.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid24.key', alg => 'A192KW', enc => 'A256CBC-HS512', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 19: A256KW + A128GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', alg => 'A256KW', enc => 'A128GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 20: A256KW + A192GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', alg => 'A256KW', enc => 'A192GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 21: A256KW + A256GCM
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', alg => 'A256KW', enc => 'A256GCM', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 22: A256KW + A128CBC-HS256
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', alg => 'A256KW', enc => 'A128CBC-HS256', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 23: A256KW + A192CBC-HS384
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', alg => 'A256KW', enc => 'A192CBC-HS384', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 24: A256KW + A256CBC-HS512
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', alg => 'A256KW', enc => 'A256CBC-HS512', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 25: RFC 7520 5.6 (dir + A128GCM) as a known answer
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/rfc7520-jwe.jwk;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => 'eyJhbGciOiJkaXIiLCJraWQiOiI3N2M3ZTJiOC02ZTEzLTQ1Y2YtODY3Mi02MTdiNWI0NTI0M2EiLCJlbmMiOiJBMTI4R0NNIn0..refa467QzzKx6QAB.JW_i_f52hww_ELQPGaYyeAB6HYGcR559l9TYnSovc23XJoBcW29rHP8yZOZG7YhLpT1bjFuvZPjQS-m0IFtVcXkZXdH_lr_FrdYt9HRUYkshtrMmIUAyGmUnd9zMDB2n0cRDIHAzFVeJUDxkUwVAE7_YGRPdcqMyiBoCO-FBdE-Nceb4h3-FtBP-c_BIwCPTjb9o0SbdcdREEMJMyZBH8ySWMVi1gPD9yxi-aQpGbSv_F9N4IZAxscj5g-NJsUPbjk29-s7LJAGb15wEBtXphVCgyy53CoIKLHHeJHXex45Uz9aKZSRSInZI-wjsY0yu3cT4_aQ3i1o-tiE-F8Ios61EKgyIQ4CWao8PFMj8TTnp.vbb32Xvllea2OtmHAdccRQ' })
--- response_body
user=[You can trust us to stick with you through thick and thin–to the bitter end. And you can trust us to keep any secret of yours–closer than you keep it yourself. But you cannot trust us to let you face trouble alone, and go off without a word. We are your friends, Frodo.]
--- no_error_log
authgw: refused



=== TEST 26: kid chooses the key of a JWKS (rotation)
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid.jwks;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'k-u2.jwk', kid => 'u2', value => 'bob-7') })
--- response_body
user=[bob-7]
--- no_error_log
authgw: refused



=== TEST 27: no kid: each key of the JWKS is tried
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid.jwks;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32b.key', value => 'bob-7') })
--- response_body
user=[bob-7]
--- no_error_log
authgw: refused



=== TEST 28: a JSON Pointer names a nested claim
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim /ext/uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', json => { ext => '{"uid":"' . ::jwe(key => 'uid32.key', value => 'carol') . '"}' })
--- response_body
user=[carol]
--- no_error_log
authgw: refused



=== TEST 29: UTF-8 beyond ASCII is kept
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', hex => '6ac3b67267') })
--- response_body
user=[jörg]
--- no_error_log
authgw: refused



=== TEST 30: the claim absent, optional: anonymous user
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid optional;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem')
--- response_body
user=[]
--- no_error_log
authgw: refused



=== TEST 31: the claim absent
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: missing_claim



=== TEST 32: the claim is not a string
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', json => { uid => '42' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 33: the claim present but bad, with optional
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid optional;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => 'x.y.z.w.v' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 34: the tag flipped
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe_seg(::jwe(key => 'uid32.key', value => 'alice-42'), 4, sub { my $t = shift; substr($t, 0, 1) ^= chr(1); $t }) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 35: the tag truncated by one byte
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe_seg(::jwe(key => 'uid32.key', value => 'alice-42'), 4, sub { substr(shift, 0, 15) }) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 36: the tag truncated to one byte
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe_seg(::jwe(key => 'uid32.key', value => 'alice-42'), 4, sub { substr(shift, 0, 1) }) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 37: the tag extended by one byte
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe_seg(::jwe(key => 'uid32.key', value => 'alice-42'), 4, sub { shift() . 'x' }) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 38: the ciphertext changed
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe_seg(::jwe(key => 'uid32.key', value => 'alice-42'), 3, sub { my $t = shift; substr($t, 0, 1) ^= chr(1); $t }) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 39: the protected header changed (it is the AAD)
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe_seg(::jwe(key => 'uid32.key', value => 'alice-42'), 0, sub { my $h = shift; $h =~ s/}$/,"x":1}/; $h }) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 40: a GCM IV of 16 bytes (valid GCM, not JWE)
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42', iv_len => 16) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 41: a GCM IV of 8 bytes
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42', iv_len => 8) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 42: a CBC IV of 12 bytes
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', enc => 'A128CBC-HS256', iv_len => 12, value => 'alice-42') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 43: the wrong key
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32b.key', value => 'alice-42') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 44: a key whose length does not fit enc
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid16.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', enc => 'A256GCM', value => 'alice-42') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 45: dir with a non-empty encrypted key
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe_seg(::jwe(key => 'uid32.key', value => 'alice-42'), 1, sub { 'k' x 24 }) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 46: zip
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42', header_json => '{"zip":"DEF"}') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 47: crit
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42', header_json => '{"crit":["exp"],"exp":1}') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 48: alg RSA-OAEP
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42', header_json => '{"alg":"RSA-OAEP"}') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 49: enc missing
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42', header_json => '{"enc":null}') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 50: four segments
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => do { my $j = ::jwe(key => 'uid32.key', value => 'alice-42'); $j =~ s/\.[^.]*$//; $j } })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 51: six segments
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42') . '.AAAA' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 52: an unknown kid
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', kid => 'gone', value => 'alice-42') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 53: CBC: a valid MAC over bad padding
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', enc => 'A128CBC-HS256', no_pad => 1, hex => '41' x 16) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 54: CBC: the MAC flipped
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe_seg(::jwe(key => 'uid32.key', enc => 'A128CBC-HS256', value => 'alice-42'), 4, sub { my $t = shift; substr($t, 15, 1) ^= chr(128); $t }) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 55: a plaintext with CR
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', hex => '610d62') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 56: a plaintext with LF
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', hex => '610a62') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 57: a plaintext with NUL
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', hex => '610062') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 58: a plaintext with a header after CR LF
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', hex => unpack('H*', "42\r\nX-Admin: 1")) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 59: an empty plaintext
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => '') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 60: a plaintext that is not UTF-8
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', hex => '61ff62') })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id



=== TEST 61: a plaintext of 1025 bytes
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'x' x 1025) })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_user_id
