# Tokens from several places in one authgw line (token=bearer and
# token=$variable, tried in the order given), and strip_token: what the
# upstream receives once the gateway took the token (no Authorization, no
# token cookie or header; every other cookie and header as sent).
use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3 + 1);

our $Alice = ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' });
our $Bob = ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'bob' });

no_shuffle();
run_tests();

__DATA__
=== TEST 1: token=bearer token=$cookie_at: the header first
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer $::Alice\nCookie: at=$::Bob"
--- response_body
sub=alice
--- no_error_log
authgw: refused



=== TEST 2: token=bearer token=$cookie_at: no header, the cookie
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
"Cookie: theme=dark; at=$::Bob"
--- response_body
sub=bob
--- no_error_log
authgw: refused



=== TEST 3: token=$cookie_at token=bearer: the cookie first
--- config
    location /api {
        authgw "test" token=$cookie_at token=bearer;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer $::Alice\nCookie: at=$::Bob"
--- response_body
sub=bob
--- no_error_log
authgw: refused



=== TEST 4: another scheme in the header is no token: the cookie is next
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=$http_x_sub\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Basic dXNlcjpwdw==\nCookie: at=$::Bob"
--- response_body
sub=bob
--- no_error_log
authgw: refused



=== TEST 5: a malformed Bearer header is refused, the cookie not tried
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "reached\n"; }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer a b\nCookie: at=$::Bob"
--- error_code: 401
--- response_body_like: 401 Authorization Required
--- error_log
authgw: refused: malformed_token



=== TEST 6: neither source has a token
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at token=$http_x_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "reached\n"; }
--- request
GET /api
--- more_headers
Cookie: theme=dark; at=
X-Token:
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="test"
--- error_log
authgw: refused: missing_token



=== TEST 7: without strip_token the upstream receives the token
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "auth=[$http_authorization] cookie=[$http_cookie]\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer $::Alice\nCookie: theme=dark; at=$::Bob; lang=en"
--- response_body eval
"auth=[Bearer $::Alice] cookie=[theme=dark; at=$::Bob; lang=en]\n"
--- no_error_log
authgw: refused



=== TEST 8: strip_token: no Authorization, no token cookie, the rest intact
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at strip_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub auth=[$http_authorization] cookie=[$http_cookie] at=[$cookie_at]\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer $::Alice\nCookie: theme=dark; at=$::Bob; lang=en\nCookie: AT=x"
--- response_body
sub=alice auth=[] cookie=[theme=dark; lang=en] at=[]
--- no_error_log
authgw: refused



=== TEST 9: strip_token: the token from the cookie, the gateway's variables still see it
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at strip_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_set_header X-Cookie-At "[$cookie_at]";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub cookie=[$http_cookie] seen=$http_x_cookie_at\n";
    }
--- request
GET /api
--- more_headers eval
"Cookie: at=$::Bob; theme=dark"
--- response_body
sub=bob cookie=[theme=dark] seen=[]
--- no_error_log
authgw: refused



=== TEST 10: strip_token: a token header ($http_x_token) goes
--- config
    location /api {
        authgw "test" token=$http_x_token strip_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "sub=$http_x_sub token=[$http_x_token] auth=[$http_authorization]\n";
    }
--- request
GET /api
--- more_headers eval
"X-Token: $::Alice\nAuthorization: Basic dXNlcjpwdw=="
--- response_body
sub=alice token=[] auth=[Basic dXNlcjpwdw==]
--- no_error_log
authgw: refused



=== TEST 11: strip_token with optional: an anonymous request's Basic field goes too
--- config
    location /api {
        authgw "test" optional strip_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "auth=[$http_authorization] user=[$remote_user]\n";
    }
--- request
GET /api
--- more_headers
Authorization: Basic dXNlcjpwdw==
Cookie: at=1
--- response_body
auth=[] user=[]
--- no_error_log
authgw: refused



=== TEST 12: strip_token is inherited with authgw, and authgw off ends it
--- config
    authgw "test" token=bearer token=$cookie_at strip_token;
    authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
    location /api {
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location /open {
        authgw off;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        authgw off;
        return 200 "auth=[$http_authorization] cookie=[$http_cookie]\n";
    }
--- request eval
["GET /api", "GET /open"]
--- more_headers eval
["Authorization: Bearer $::Alice\nCookie: at=$::Bob; k=v",
 "Authorization: Bearer $::Alice\nCookie: at=$::Bob; k=v"]
--- response_body eval
["auth=[] cookie=[k=v]\n",
 "auth=[Bearer $::Alice] cookie=[at=$::Bob; k=v]\n"]



=== TEST 13: strip_token: variables read before it (rewrite phase) are read again after
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at optional strip_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        set $early "$http_authorization|$cookie_at|$http_cookie|$remote_user";
        proxy_set_header X-Early $early;
        proxy_set_header X-Late "$http_authorization|$cookie_at|$http_cookie|$remote_user";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "early=[$http_x_early] late=[$http_x_late] auth=[$http_authorization] cookie=[$http_cookie]\n";
    }
--- request
GET /api
--- more_headers
Authorization: Basic dXNlcjpwdw==
Cookie: at=x1; k=v
--- error_code: 401
--- response_body_like: 401 Authorization Required
--- error_log
authgw: refused: malformed_token



=== TEST 14: strip_token: as TEST 13 with a Basic field and no token cookie
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at optional strip_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        set $early "$http_authorization|$cookie_at|$http_cookie|$remote_user";
        proxy_set_header X-Early $early;
        proxy_set_header X-Late "$http_authorization|$cookie_at|$http_cookie|$remote_user";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "early=[$http_x_early] late=[$http_x_late] auth=[$http_authorization] cookie=[$http_cookie]\n";
    }
--- request
GET /api
--- more_headers
Authorization: Basic dXNlcjpwdw==
Cookie: k=v
--- response_body
early=[Basic dXNlcjpwdw==||k=v|user] late=[||k=v|] auth=[] cookie=[k=v]
--- no_error_log
authgw: refused



=== TEST 15: strip_token: as TEST 13 with a good token cookie
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at optional strip_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        set $early "[$cookie_at]";
        proxy_set_header X-Early $early;
        proxy_set_header X-Late "$http_authorization|$cookie_at|$http_cookie|$remote_user";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "early=$http_x_early late=[$http_x_late] cookie=[$http_cookie]\n";
    }
--- request
GET /api
--- more_headers eval
"Cookie: a=1; at=$::Bob; k=v"
--- response_body eval
"early=[$::Bob] late=[||a=1; k=v|] cookie=[a=1; k=v]\n"
--- no_error_log
authgw: refused



=== TEST 16: strip_token: a refused request that error_page sends on goes without its token
--- config
    location /api {
        authgw "test" token=bearer token=$cookie_at strip_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_claim role admin;
        error_page 403 = @public;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location @public {
        rewrite ^ /_echo break;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT;
    }
    location = /_echo {
        return 200 "auth=[$http_authorization] cookie=[$http_cookie]\n";
    }
--- request
GET /api
--- more_headers eval
"Authorization: Bearer $::Alice\nCookie: at=$::Bob; k=v"
--- response_body
auth=[] cookie=[k=v]
--- error_log
authgw: refused: missing_claim



=== TEST 17: satisfy any: a refused token does not take the Basic credentials from auth_basic
--- config
    location /api {
        satisfy any;
        authgw "test" strip_token;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        auth_basic "b";
        auth_basic_user_file $TEST_NGINX_HTML_DIR/htpasswd;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo {
        return 200 "auth=[$http_authorization]\n";
    }
--- user_files
>>> htpasswd
bob:{PLAIN}secret
--- request
GET /api
--- more_headers
Authorization: Basic Ym9iOnNlY3JldA==
--- response_body
auth=[]
--- no_error_log
[error]
