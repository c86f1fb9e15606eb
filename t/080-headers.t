# Owned upstream headers (authgw_set_header): a client-sent header of that
# name, in any letter case, sent twice, or spelt with "_", never reaches
# the upstream: with a valid token, anonymous, under satisfy any, after an
# internal redirect. A value with CR or LF is never set.
use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

__DATA__
=== TEST 1: a valid token: the decrypted id replaces the client's
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
"X-User-Id: mallory\nAuthorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 2: the client's header in other letter cases and twice
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
"x-user-id: mallory\nX-USER-ID: eve\nAuthorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 3: the client's header sent after the token
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
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42') }) . "\nX-User-Id: mallory"
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 4: optional and no token: the client's header is removed
--- config
    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid optional;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers
X-User-Id: mallory
--- response_body
user=[]
--- no_error_log
authgw: refused



=== TEST 5: a token without the user-id claim (optional): removed
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
"X-User-Id: mallory\nAuthorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem')
--- response_body
user=[]
--- no_error_log
authgw: refused



=== TEST 6: satisfy any, let in by address: the client's header is removed
--- config
    location /api {
        satisfy any;
        allow 127.0.0.1;
        deny all;
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
--- more_headers
X-User-Id: mallory
--- response_body
user=[]
--- no_error_log
[error]



=== TEST 7: satisfy any, let in by address, with a valid token
--- config
    location /api {
        satisfy any;
        allow 127.0.0.1;
        deny all;
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
"X-User-Id: mallory\nAuthorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 8: a header name spelt with underscores is removed too
--- config
    underscores_in_headers on;

    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid optional;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /api
--- more_headers
X_User_Id: mallory
--- response_body
user=[]
--- no_error_log
authgw: refused



=== TEST 9: after an internal redirect the named location sets the header
--- config
    location /first {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid optional;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        try_files /nonexistent @second;
    }
    location @second {
        authgw_set_header X-User-Id $authgw_user_id;
        rewrite ^ /_echo break;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /first
--- more_headers eval
"X-User-Id: mallory\nAuthorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42') })
--- response_body
user=[alice-42]
--- no_error_log
authgw: refused



=== TEST 10: after an internal redirect, anonymous: removed
--- config
    location /first {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid optional;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        try_files /nonexistent @second;
    }
    location @second {
        authgw_set_header X-User-Id $authgw_user_id;
        rewrite ^ /_echo break;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    }
    location = /_echo { return 200 "user=[$http_x_user_id]\n"; }
--- request
GET /first
--- more_headers
X-User-Id: mallory
--- response_body
user=[]
--- no_error_log
authgw: refused



=== TEST 11: a claim with CR LF is never put into a header
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] evil=[$http_x_evil]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', json => { sub => '"a\\r\\nX-Evil: 1"' })
--- response_body
sub=[] evil=[]
--- error_log
authgw: claim "sub" not exposed: its text holds a control character



=== TEST 12: a claim set as a header
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] evil=[$http_x_evil]\n"; }
--- request
GET /api
--- more_headers eval
"X-Sub: mallory\nAuthorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=[alice] evil=[]
--- no_error_log
authgw: refused



=== TEST 13: several set headers, inherited from the server level
--- config
    authgw_set_header X-User-Id $authgw_user_id;
    authgw_set_header X-Sub $authgw_claim_sub;

    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid optional;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "user=[$http_x_user_id] sub=[$http_x_sub]\n";
    }
--- request
GET /api
--- more_headers eval
"X-Sub: mallory\nAuthorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice', uid => ::jwe(key => 'uid32.key', value => 'alice-42') })
--- response_body
user=[alice-42] sub=[alice]
--- no_error_log
authgw: refused



=== TEST 14: removing the client's copy first leaves nginx's own headers
in place (before: $http_host read the User-Agent, $remote_user a Basic
value of another header, $http_user_agent the token)
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_set_header X-User-Id $authgw_claim_sub;
        proxy_set_header X-Front "h=$http_host ua=$http_user_agent ref=$http_referer ru=$remote_user xff=$proxy_add_x_forwarded_for c=$cookie_a";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "$http_x_front|$http_x_user_id|$http_user_agent|$http_x_junk\n";
    }
--- raw_request eval
"GET /api HTTP/1.1\r\nX-User-Id: x\r\nHost: h1\r\nUser-Agent: ua1\r\nAuthorization: Bearer "
. ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
. "\r\nX-User-Id: y\r\nReferer: r1\r\nX-Forwarded-For: 10.0.0.1\r\nCookie: a=1\r\nX-Junk: Basic YWRtaW46eA==\r\nConnection: close\r\n\r\n"
--- response_body
h=h1 ua=ua1 ref=r1 ru= xff=10.0.0.1, 127.0.0.1 c=1|alice|ua1|Basic YWRtaW46eA==
--- no_error_log
authgw: refused



=== TEST 15: copies spread over three list parts (nginx keeps 20 headers
a part), with nginx's own headers on both sides of each
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_set_header X-User-Id $authgw_claim_sub;
        proxy_set_header X-Front "h=$http_host ua=$http_user_agent ref=$http_referer c=$http_cookie";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "$http_x_front|$http_x_user_id|$http_x_h0|$http_x_h18|$http_x_h19|$http_x_h38|$http_x_h55\n";
    }
--- raw_request eval
my @h = map { "X-H$_: v$_" } 0 .. 55;
splice @h, 56, 0, 'X-User-Id: e';
splice @h, 40, 0, 'x-user-Id: d', 'Referer: r1';
splice @h, 20, 0, 'X-USER-ID: c', 'Cookie: a=1';
splice @h, 19, 0, 'X-User-Id: b';
splice @h, 1, 0, 'User-Agent: ua1';
unshift @h, 'X-User-Id: a', 'Host: h1';
push @h, 'Cookie: b=2', 'Connection: close', 'Authorization: Bearer '
    . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' });
"GET /api HTTP/1.1\r\n" . join("\r\n", @h) . "\r\n\r\n"
--- response_body
h=h1 ua=ua1 ref=r1 c=a=1; b=2|alice|v0|v18|v19|v38|v55
--- no_error_log
authgw: refused



=== TEST 16: a value from another variable with a control character is
never set either
--- config
    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_set_header X-Sub $http_x_raw;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
"X-Raw: a\x01b\nAuthorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- response_body
sub=[]
--- error_log
authgw: header "X-Sub" not set: its value holds a control character
