# What resource servers and gateways now share (docs/directives.md):
# authgw_require_typ (RFC 9068 access tokens, typ compared as RFC 7515
# 4.1.9 says), authgw_max_lifetime, authgw_bypass_cors_preflight,
# authgw_resource_metadata and authgw_protected_resource (RFC 9728).

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

plan tests => repeat_each() * (blocks() * 3 + 48);

no_shuffle();
run_tests();

__DATA__
=== TEST 1: require_typ: an RFC 9068 access token (typ at+jwt) passes
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_typ at+jwt;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', header_json => '{"typ":"at+jwt"}', claim => { sub => 'alice' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 2: require_typ: a media type compares without regard to case, and "application/" may be written
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_typ at+jwt;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', header_json => '{"typ":"Application/AT+JWT"}', claim => { sub => 'alice' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 3: require_typ: an ID token (typ JWT) is refused, bad_type, 401 invalid_token
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_typ at+jwt;
        authgw_error_detail on;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="bad_type"
--- error_log
authgw: refused: bad_type: typ "JWT" is not a type authgw_require_typ asks for: "at+jwt"



=== TEST 4: require_typ: a token without typ is refused
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_typ at+jwt application/jwt;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', raw_header => '{"alg":"RS256"}', claim => { sub => 'alice' })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token"
--- error_log
authgw: refused: bad_type: typ is missing; authgw_require_typ asks for "at+jwt" or "application/jwt"



=== TEST 5: require_typ: another media type with the same subtype, and a type with parameters, are refused
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_require_typ at+jwt;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
['Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', header_json => '{"typ":"text/at+jwt"}'),
 'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', header_json => '{"typ":"at+jwt;v=1"}')]
--- error_code eval
[401, 401]
--- error_log
authgw: refused: bad_type: typ "text/at+jwt" is not a type authgw_require_typ asks for: "at+jwt"
authgw: refused: bad_type: typ "at+jwt;v=1" is not a type authgw_require_typ asks for: "at+jwt"



=== TEST 6: require_typ: checked after the signature (a forged at+jwt is bad_signature), inherited from the server, and $authgw_error says bad_type
--- config
    authgw_require_typ at+jwt;

    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
['Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa2.pem', header_json => '{"typ":"at+jwt"}'),
 'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem')]
--- error_code eval
[401, 401]
--- response_headers eval
["X-Error: bad_signature", "X-Error: bad_type"]



=== TEST 7: max_lifetime: a token minted to live exactly the limit passes
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_max_lifetime 1h;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
my $now = time;
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', no_exp => 1, json => { iat => $now - 10, exp => $now + 3590 }, claim => { sub => 'alice' })
--- response_body
sub=[alice]
--- no_error_log
authgw: refused



=== TEST 8: max_lifetime: one second more is lifetime_too_long, 401, with both times in the log
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_max_lifetime 1h;
        authgw_error_detail on;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- more_headers eval
my $now = time;
'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', no_exp => 1, json => { iat => $now - 10, exp => $now + 3591 })
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="lifetime_too_long"
--- error_log eval
qr/authgw: refused: lifetime_too_long: exp - iat is 3601s \(1h0m: iat \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, exp \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\); authgw_max_lifetime allows 3600s/



=== TEST 9: max_lifetime: iat is then required, and exp too (even with authgw_require_exp off)
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_max_lifetime 1h;
        authgw_require_exp off;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
my $now = time;
['Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', exp_in => 60),
 'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', no_exp => 1, json => { iat => $now })]
--- error_code eval
[401, 401]
--- error_log
authgw: refused: missing_claim: iat is missing (authgw_max_lifetime needs exp and iat)
authgw: refused: missing_claim: exp is missing (authgw_max_lifetime needs exp and iat)



=== TEST 10: max_lifetime: an iat after now is not_yet_valid (a token could otherwise live longer than it says); the leeway applies
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_max_lifetime 1h;
        authgw_leeway 60;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
my $now = time;
['Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', no_exp => 1, json => { iat => $now + 3000, exp => $now + 3600 }),
 'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', no_exp => 1, json => { iat => $now + 30, exp => $now + 600 })]
--- error_code eval
[401, 200]
--- error_log eval
qr/authgw: refused: not_yet_valid: iat \S+ is (?:49m5\ds|50m0s) after now \(\S+, leeway 60s\)/



=== TEST 11: max_lifetime and require_typ are the location's: they apply to a provider's tokens too
--- http_config
    authgw_provider p {
        issuer https://idp.test;
        key_file $TEST_NGINX_KEYS/rsa.pub.pem;
    }
--- config
    location /api {
        authgw "api" provider=p;
        authgw_require_typ at+jwt;
        authgw_max_lifetime 10m;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request eval
["GET /api", "GET /api", "GET /api"]
--- more_headers eval
my $now = time;
['Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', header_json => '{"typ":"at+jwt"}', no_exp => 1, json => { iat => $now, exp => $now + 600 }, claim => { iss => 'https://idp.test' }),
 'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', no_exp => 1, json => { iat => $now, exp => $now + 600 }, claim => { iss => 'https://idp.test' }),
 'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', header_json => '{"typ":"at+jwt"}', no_exp => 1, json => { iat => $now, exp => $now + 601 }, claim => { iss => 'https://idp.test' })]
--- error_code eval
[200, 401, 401]
--- response_headers eval
["!X-Error", "X-Error: bad_type", "X-Error: lifetime_too_long"]



=== TEST 12: CORS preflight with authgw_bypass_cors_preflight on: through without a token, and no owned header a client sent reaches the upstream
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_bypass_cors_preflight on;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "$request_method sub=[$http_x_sub] auth=[$http_authorization]\n"; }
--- request
OPTIONS /api
--- more_headers
Origin: https://app.example
Access-Control-Request-Method: DELETE
X-Sub: admin
--- response_body
OPTIONS sub=[] auth=[]
--- no_error_log
authgw: refused



=== TEST 13: CORS preflight bypass: everything that is not a whole preflight still needs a token (one header missing or empty, another method, a body, credentials of any scheme, a cookie)
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_bypass_cors_preflight on;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request eval
["OPTIONS /api", "OPTIONS /api", "GET /api", "POST /api\n", "OPTIONS /api", "OPTIONS /api",
 "OPTIONS /api\n{\"action\":\"delete\"}", "OPTIONS /api", "OPTIONS /api", "OPTIONS /api"]
--- more_headers eval
["Origin: https://app.example",
 "Access-Control-Request-Method: GET",
 "Origin: https://app.example\nAccess-Control-Request-Method: GET",
 "Origin: https://app.example\nAccess-Control-Request-Method: POST",
 "Origin: \nAccess-Control-Request-Method: GET",
 "Origin: https://app.example\nAccess-Control-Request-Method: ",
 "Origin: https://app.example\nAccess-Control-Request-Method: GET",
 "Origin: https://app.example\nAccess-Control-Request-Method: GET\nAuthorization: Basic YTpi",
 "Origin: https://app.example\nAccess-Control-Request-Method: GET\nCookie: session=abc",
 "Origin: https://app.example\nAccess-Control-Request-Method: GET\nTransfer-Encoding: chunked\n\n1\r\nx\r\n0\r\n"]
--- error_code eval
[401, 401, 401, 401, 401, 401, 401, 401, 401, 401]
--- response_headers eval
['WWW-Authenticate: Bearer realm="api"', 'WWW-Authenticate: Bearer realm="api"', 'WWW-Authenticate: Bearer realm="api"', 'WWW-Authenticate: Bearer realm="api"', 'WWW-Authenticate: Bearer realm="api"', 'WWW-Authenticate: Bearer realm="api"', 'WWW-Authenticate: Bearer realm="api"', 'WWW-Authenticate: Bearer realm="api"', 'WWW-Authenticate: Bearer realm="api"', 'WWW-Authenticate: Bearer realm="api"']



=== TEST 14: CORS preflight: off by default
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
OPTIONS /api
--- more_headers
Origin: https://app.example
Access-Control-Request-Method: DELETE
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api"
--- error_log
authgw: refused: missing_token



=== TEST 15: CORS preflight bypass: a preflight that carries a token is checked like any request (a forged one is refused, a good one sets the owned headers)
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_bypass_cors_preflight on;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request eval
["OPTIONS /api", "OPTIONS /api", "OPTIONS /api"]
--- more_headers eval
["Origin: https://app.example\nAccess-Control-Request-Method: GET\nAuthorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa2.pem', claim => { sub => 'admin' }),
 "Origin: https://app.example\nAccess-Control-Request-Method: GET\nAuthorization: Bearer x",
 "Origin: https://app.example\nAccess-Control-Request-Method: GET\nAuthorization: Bearer " . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { sub => 'alice' })]
--- error_code eval
[401, 401, 200]
--- response_body_like eval
[qr/401/, qr/401/, qr/\Asub=\[alice\]\n\z/]



=== TEST 16: CORS preflight bypass: counted as cors_preflight in the metrics
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_bypass_cors_preflight on;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
    location = /metrics { authgw_status; }
--- request eval
["OPTIONS /api", "OPTIONS /api", "GET /metrics"]
--- more_headers eval
["Origin: https://app.example\nAccess-Control-Request-Method: GET",
 "Origin: https://app.example\nAccess-Control-Request-Method: PUT",
 ""]
--- error_code eval
[200, 200, 200]
--- response_body_like eval
[qr/upstream/, qr/upstream/, qr/authgw_requests_total\{outcome="cors_preflight"\} 2\n/]



=== TEST 17: resource_metadata: a 401 without a token says where the metadata are (RFC 9728 5.1)
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_resource_metadata https://api.example/.well-known/oauth-protected-resource/api;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", resource_metadata="https://api.example/.well-known/oauth-protected-resource/api"
--- error_log
authgw: refused: missing_token



=== TEST 18: resource_metadata: on every refusal (a bad token; a claim rule with error=401; insufficient_scope, for the MCP scope challenge)
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_resource_metadata https://api.example/.well-known/oauth-protected-resource;
        authgw_require_claim tenant acme error=401;
        authgw_require_scope orders:read;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request eval
["GET /api", "GET /api", "GET /api"]
--- more_headers eval
['Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa2.pem'),
 'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { tenant => 'other' }),
 'Authorization: Bearer ' . ::tok(alg => 'RS256', key => 'rsa.pem', claim => { tenant => 'acme', scope => 'orders:write' })]
--- error_code eval
[401, 401, 403]
--- response_headers eval
['WWW-Authenticate: Bearer realm="api", error="invalid_token", resource_metadata="https://api.example/.well-known/oauth-protected-resource"',
 'WWW-Authenticate: Bearer realm="api", error="invalid_token", resource_metadata="https://api.example/.well-known/oauth-protected-resource"',
 'WWW-Authenticate: Bearer realm="api", error="insufficient_scope", scope="orders:read", resource_metadata="https://api.example/.well-known/oauth-protected-resource"']



=== TEST 19: resource_metadata: variables, quoted as an RFC 9110 string
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_resource_metadata "https://$host/.well-known/oauth-protected-resource$arg_p";
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "upstream\n"; }
--- request
GET /api?p=/a%22b\c
--- more_headers
Host: api.example
--- error_code: 401
--- response_headers
WWW-Authenticate: Bearer realm="api", resource_metadata="https://api.example/.well-known/oauth-protected-resource/a%22b\\c"
--- error_log
authgw: refused: missing_token



=== TEST 20: protected_resource: the RFC 9728 document, as JSON, from the configuration
--- config
    location = /.well-known/oauth-protected-resource/api {
        authgw_protected_resource https://api.example/api
            authorization_server=https://idp.example/realms/shop
            authorization_server=https://partners.example
            scope=orders:read scope=orders:write
            "resource_name=Shop API";
    }
--- request
GET /.well-known/oauth-protected-resource/api
--- response_headers
Content-Type: application/json
--- response_body
{"resource":"https://api.example/api","authorization_servers":["https://idp.example/realms/shop","https://partners.example"],"scopes_supported":["orders:read","orders:write"],"resource_name":"Shop API","bearer_methods_supported":["header"]}



=== TEST 21: protected_resource: bearer methods as given; HEAD has no body, POST is 405 and OPTIONS 204, both with Allow
--- config
    location = /md {
        authgw_protected_resource https://api.example
            bearer_method=header bearer_method=query
            resource_documentation=https://docs.api.example/;
    }
--- request eval
["GET /md", "HEAD /md", "POST /md\nx", "OPTIONS /md"]
--- error_code eval
[200, 200, 405, 204]
--- response_body_like eval
[qr/\A\Q{"resource":"https:\/\/api.example","bearer_methods_supported":["header","query"],"resource_documentation":"https:\/\/docs.api.example\/"}\E\n\z/, qr/\A\z/, qr/405/, qr/\A\z/]
--- response_headers eval
["Content-Type: application/json", "Content-Type: application/json", "Allow: GET, HEAD, OPTIONS", "Allow: GET, HEAD, OPTIONS"]



=== TEST 22: protected_resource: the document needs no token, even inside a location with authgw on
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_resource_metadata https://api.example/api/.well-known/oauth-protected-resource;

        location = /api/.well-known/oauth-protected-resource {
            authgw off;
            authgw_protected_resource https://api.example/api;
        }
    }
--- request
GET /api/.well-known/oauth-protected-resource
--- response_body
{"resource":"https://api.example/api","bearer_methods_supported":["header"]}
--- no_error_log
authgw: refused



=== TEST 23: require_typ off and max_lifetime off: an inner location gives up what it would inherit
--- config
    authgw_require_typ at+jwt;
    authgw_max_lifetime 5m;

    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;

        location /api/legacy {
            authgw_require_typ off;
            authgw_max_lifetime off;
            add_header X-Error $authgw_error always;
            proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
        }
    }
    location = /_echo { return 200 "upstream\n"; }
--- request eval
["GET /api", "GET /api/legacy"]
--- more_headers eval
my $t = ::tok(alg => 'RS256', key => 'rsa.pem', exp_in => 86400);
["Authorization: Bearer $t", "Authorization: Bearer $t"]
--- error_code eval
[401, 200]
--- response_headers eval
["X-Error: bad_type", "!X-Error"]



=== TEST 24: protected_resource: an "if" or a limit_except in its location serves the document too
--- config
    location = /md {
        authgw_protected_resource https://api.example scope=a;

        if ($arg_x) {
            add_header X-If yes;
        }
    }

    location = /md2 {
        authgw_protected_resource https://api.example scope=a;

        limit_except POST {
            allow 127.0.0.1;
        }
    }
--- request eval
["GET /md", "GET /md?x=1", "GET /md2"]
--- error_code eval
[200, 200, 200]
--- response_body eval
["{\"resource\":\"https://api.example\",\"scopes_supported\":[\"a\"],\"bearer_methods_supported\":[\"header\"]}\n", "{\"resource\":\"https://api.example\",\"scopes_supported\":[\"a\"],\"bearer_methods_supported\":[\"header\"]}\n", "{\"resource\":\"https://api.example\",\"scopes_supported\":[\"a\"],\"bearer_methods_supported\":[\"header\"]}\n"]
--- response_headers eval
["!X-If", "X-If: yes", "Content-Type: application/json"]
