# Encoding rules (docs/directives.md, "What a token must be"): strict base64url in every segment,
# one UTF-8 JSON object without duplicate members and with bounded depth,
# exp/nbf as JSON numbers compared without overflow (boundaries, leeway,
# fractions, huge values), and exact iss/aud matching. Every token here
# carries a valid signature over its bytes, so the encoding alone decides.

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__
=== TEST 1: canonical segments are accepted
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
::bearer(alg => 'HS256', key => 'hs256.key', header_seg => ::b64url('{"alg":"HS256"}'), payload_seg => ::b64url('{"sub":"alice","exp":' . (time() + 3600) . '}'))
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 2: padding in the header segment
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
::bearer(alg => 'HS256', key => 'hs256.key', header_seg => ::b64url('{"alg":"HS256"} ') . '==', payload_seg => ::b64url('{"sub":"alice","exp":' . (time() + 3600) . '}'))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 3: padding in the payload segment
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
::bearer(alg => 'HS256', key => 'hs256.key', header_seg => ::b64url('{"alg":"HS256"}'), payload_seg => ::b64url('{"sub":"alice","exp":' . (time() + 3600) . '} ') . '=')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 4: the standard alphabet in the payload
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
::bearer(alg => 'HS256', key => 'hs256.key', header_seg => ::b64url('{"alg":"HS256"}'), payload_seg => ::std64('{"sub":"alice","x":"~~~~~~??????","exp":' . (time() + 3600) . '}'))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 5: non-zero unused bits in the header
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
::bearer(alg => 'HS256', key => 'hs256.key', header_seg => ::dirty_bits('{"alg":"HS256"}'), payload_seg => ::b64url('{"sub":"alice","exp":' . (time() + 3600) . '}'))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 6: non-zero unused bits in the payload
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
::bearer(alg => 'HS256', key => 'hs256.key', header_seg => ::b64url('{"alg":"HS256"}'), payload_seg => ::dirty_bits('{"sub":"alice","exp":' . (time() + 3600) . '}'))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 7: a header segment of length 1 mod 4
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
::bearer(alg => 'HS256', key => 'hs256.key', header_seg => ::b64url('{"alg":"HS256"}') . 'A', payload_seg => ::b64url('{"sub":"alice","exp":' . (time() + 3600) . '}'))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 8: a character outside the alphabet
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
::bearer(alg => 'HS256', key => 'hs256.key', header_seg => ::b64url('{"alg":"HS256"}'), payload_seg => ::b64url('{"sub":"alice","exp":' . (time() + 3600) . '}') . '*')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 9: padding on the signature
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
'Authorization: Bearer ' . ::tok(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }) . '='
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 10: non-zero unused bits in the signature
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
'Authorization: Bearer ' . ::dirty_sig(::tok(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 11: a duplicate member in the payload
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '{"sub":"alice","sub":"mallory","exp":' . (time() + 3600) . '}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 12: a payload that is an array
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '[{"sub":"alice","exp":' . (time() + 3600) . '}]')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 13: a payload that is a string
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '"alice"')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 14: a payload that is a number
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '4102444800')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 15: a payload that is null
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => 'null')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 16: a payload that is text
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => 'It is a dangerous business')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 17: invalid UTF-8 in the payload
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => qq({"sub":"al\xffice","exp":) . (time() + 3600) . '}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 18: a byte order mark before the payload
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => qq(\xef\xbb\xbf{"sub":"alice","exp":) . (time() + 3600) . '}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 18b: a NUL byte after a number in the payload (json_loadb ends the number there)
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
::bearer(alg => 'HS256', key => 'hs256.key', payload_seg => do { require MIME::Base64; MIME::Base64::encode_base64url('{"sub":"alice","exp":' . (time() + 3600) . "\0}") })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token


=== TEST 19: a lone surrogate in the payload
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '{"sub":"\\ud800","exp":' . (time() + 3600) . '}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 20: nesting 40 levels deep
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '{"sub":"alice","exp":' . (time() + 3600) . ',"x":' . ('[' x 40) . (']' x 40) . '}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 21: trailing garbage after the object
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '{"sub":"alice","exp":' . (time() + 3600) . '} x')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 22: two objects
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '{"sub":"alice"}{"exp":' . (time() + 3600) . '}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 23: NaN as a number
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '{"sub":"alice","exp":NaN}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 24: a number with a leading zero
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '{"sub":"alice","exp":0' . (time() + 3600) . '}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 25: single quotes
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => "{'sub':'alice','exp':" . (time() + 3600) . '}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 26: a duplicate kid in the header
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_header => '{"alg":"HS256","kid":"a","kid":"b"}', raw_payload => '{"sub":"alice","exp":' . (time() + 3600) . '}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 27: exp as a string
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
::bearer(alg => 'HS256', key => 'hs256.key', claims => '{"sub":"alice","exp":"' . (time() + 3600) . '"}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 28: nbf as a string
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
::bearer(alg => 'HS256', key => 'hs256.key', claims => '{"sub":"alice","nbf":"0","exp":' . (time() + 3600) . '}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 29: exp as a boolean
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
::bearer(alg => 'HS256', key => 'hs256.key', claims => '{"sub":"alice","exp":true}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 30: exp as null
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
::bearer(alg => 'HS256', key => 'hs256.key', claims => '{"sub":"alice","exp":null}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 31: exp 1e300
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
::bearer(alg => 'HS256', key => 'hs256.key', claims => '{"sub":"alice","exp":1e300}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 32: exp 2^64
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
::bearer(alg => 'HS256', key => 'hs256.key', raw_payload => '{"sub":"alice","exp":18446744073709551616}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 33: exp 2^63-1
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
::bearer(alg => 'HS256', key => 'hs256.key', claims => '{"sub":"alice","exp":9223372036854775807}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 34: exp negative
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
::bearer(alg => 'HS256', key => 'hs256.key', claims => '{"sub":"alice","exp":-1}')
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: malformed_token



=== TEST 35: exp with a fraction, in the future
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
::bearer(alg => 'HS256', key => 'hs256.key', claims => sprintf('{"sub":"alice","exp":%.1f}', int(time()) + 3600.5))
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 36: exp with a fraction, half a second ago
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
::bearer(alg => 'HS256', key => 'hs256.key', claims => sprintf('{"sub":"alice","exp":%.1f}', int(time()) - 0.5))
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: expired



=== TEST 37: exp in exponent form
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
::bearer(alg => 'HS256', key => 'hs256.key', claims => sprintf('{"sub":"alice","exp":%.9e}', int(time()) + 3600))
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 38: exp equal to now is expired
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
::bearer(alg => 'HS256', key => 'hs256.key', exp_in => 0, claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: expired



=== TEST 39: leeway 1h accepts exp 30 min ago
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_leeway 1h;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', exp_in => -1800, claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 40: leeway 60s refuses exp 90s ago
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_leeway 1m;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', exp_in => -90, claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: expired



=== TEST 41: nbf 1h ahead
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
::bearer(alg => 'HS256', key => 'hs256.key', nbf_in => 3600, claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: not_yet_valid



=== TEST 42: leeway 60s accepts nbf 30s ahead
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_leeway 60s;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', nbf_in => 30, claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 43: leeway 60s refuses nbf 1h ahead
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_leeway 60s;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', nbf_in => 3600, claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: not_yet_valid



=== TEST 44: nbf in the past
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
::bearer(alg => 'HS256', key => 'hs256.key', nbf_in => -5, claim => { sub => 'alice' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 45: aud as a string
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_audience api web;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { aud => '"api"' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 46: aud as an array
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_audience api web;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { aud => '["other","web"]' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 47: aud that starts with a configured one
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_audience api web;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { aud => '"apix"' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_audience



=== TEST 48: aud that is a prefix of a configured one
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_audience api web;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { aud => '"ap"' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_audience



=== TEST 49: aud in another letter case
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_audience api web;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { aud => '"API"' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_audience



=== TEST 50: aud with an embedded NUL
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_audience api web;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', openssl => 1, claim => { sub => 'alice' }, json => { aud => '"api\\u0000"' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_audience



=== TEST 51: aud array with a non-string member
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_audience api web;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { aud => '["api",1]' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_audience



=== TEST 52: aud as an empty array
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_audience api web;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { aud => '[]' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_audience



=== TEST 53: aud as an object
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_audience api web;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { aud => '{"api":true}' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_audience



=== TEST 54: iss exact
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_issuer https://idp.example;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { iss => '"https://idp.example"' })
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 55: iss with a trailing slash
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_issuer https://idp.example;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { iss => '"https://idp.example/"' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_issuer



=== TEST 56: iss with an embedded NUL
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_issuer https://idp.example;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', openssl => 1, claim => { sub => 'alice' }, json => { iss => '"https://idp.example\\u0000"' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_issuer



=== TEST 57: iss as an array
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_issuer https://idp.example;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'alice' }, json => { iss => '["https://idp.example"]' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test", error="invalid_token"
--- error_log
authgw: refused: bad_issuer
