# DPoP (RFC 9449) at the gateway: authgw_dpop off, optional, required;
# proofs made by authgw-token, jwcrypto and jose; each check of RFC 9449
# 4.3 failing alone; the binding (cnf.jkt), a bound token under Bearer;
# the replay cache within one nginx (t/272-dpop-nodes.t: across workers,
# nodes, full); server nonces; the verified-token cache never keeping a
# proof; $authgw_dpop_jkt in limit_req; certificate-bound tokens through
# a trusted variable (t/272: from the TLS connection).

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

use Digest::SHA qw(hmac_sha256);

plan tests => repeat_each() * (blocks() * 3 + 133);

no_shuffle();
run_tests();

# the nonce authgw_dpop_nonce_key KEY period=P gives now: base64url of the
# time slot and the first 16 bytes of HMAC-SHA256(KEY, label and slot)
sub nonce {
    my ($file, $period, $shift) = @_;
    open my $fh, '<:raw', ::keyfile($file) or die "$file: $!\n";
    local $/;
    my $key = <$fh>;
    my $slot = pack 'Q>', int(time / $period) + ($shift // 0);
    return ::b64url($slot . substr(hmac_sha256("authgw-dpop-nonce$slot",
                                               $key), 0, 16));
}

# a client certificate as a TLS terminator passes it: URL-encoded PEM
sub escaped_cert {
    open my $fh, '<', ::keyfile('rsa.crt') or die "rsa.crt: $!\n";
    local $/;
    my $pem = <$fh>;
    $pem =~ s/([^A-Za-z0-9\-_.~])/sprintf('%%%02X', ord $1)/ge;
    return $pem;
}

__DATA__
=== TEST 1: required: an ES256 proof by authgw-token with a token bound to its key passes; the upstream gets the key's thumbprint
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_set_header X-Sub $authgw_claim_sub;
        authgw_set_header X-Jkt $authgw_dpop_jkt;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] jkt=[$http_x_jkt] dpop=[$http_dpop]\n"; }
--- request
GET /api
--- more_headers eval
::dpop_auth(url => "http://localhost/api")
--- response_body_like eval
qr/^sub=\[alice\] jkt=\[\Q${\ ::jkt('ec256.pem')}\E\] dpop=\[eyJ[\w.-]+\]$/
--- no_error_log
authgw: refused



=== TEST 2: required: proofs made by jwcrypto and by jose pass
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request eval
["GET /api", "GET /api", "POST /api\nx=1"]
--- more_headers eval
[::dpop_auth(url => "http://localhost/api", proof => { via => 'jwcrypto' }),
 ::dpop_auth(url => "http://localhost/api", proof => { via => 'jose' }),
 ::dpop_auth(method => 'POST', url => "http://localhost/api", proof => { via => 'jose', key => 'ed25519.pem' })]
--- response_body eval
["sub=[alice]\n", "sub=[alice]\n", "sub=[alice]\n"]
--- no_error_log
authgw: refused



=== TEST 3: every asymmetric family: EdDSA, ES384, ES512, RS256, PS256 proofs
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_set_header X-Sub $authgw_claim_sub;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[map { ::dpop_auth(url => "http://localhost/api", proof => $_) }
 { key => 'ed25519.pem' }, { key => 'ec384.pem' }, { key => 'ec521.pem' },
 { key => 'rsa.pem' }, { key => 'rsa.pem', alg => 'PS256' }]
--- response_body eval
["sub=[alice]\n", "sub=[alice]\n", "sub=[alice]\n", "sub=[alice]\n", "sub=[alice]\n"]
--- no_error_log
authgw: refused



=== TEST 4: htm of another method: 401 invalid_dpop_proof on the DPoP challenge, with algs
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_dpop_algorithms ES256 EdDSA;
        authgw_error_detail on;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub]\n"; }
--- request
GET /api
--- more_headers eval
::dpop_auth(url => "http://localhost/api", proof => { method => 'POST' })
--- error_code: 401
--- response_headers
WWW-Authenticate: DPoP realm="api", error="invalid_dpop_proof", error_description="bad_dpop_proof", algs="ES256 EdDSA"
X-Error: bad_dpop_proof
--- error_log
authgw: refused: bad_dpop_proof: htm is not the request's method



=== TEST 5: htu with a query, at another host, at another port, another path: each refused
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api?a=1", "GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[::dpop_auth(url => "http://localhost/api?a=1"),
 ::dpop_auth(url => "http://localhost/api#top"),
 ::dpop_auth(url => 'http://other.example/api'),
 ::dpop_auth(url => 'http://localhost:8080/api'),
 ::dpop_auth(url => "http://localhost/api/")]
--- error_code eval
[401, 401, 401, 401, 401]
--- response_headers eval
["X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof"]
--- error_log
htu has a query or a fragment
htu is not the request's URL



=== TEST 6: the request's query is not the proof's: ignored; scheme and host compare without case
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api?a=1&b=2", "GET /api"]
--- more_headers eval
[::dpop_auth(url => "http://localhost/api"),
 ::dpop_auth(url => 'HTTP://LocalHost:80/api')]
--- response_body eval
["ok\n", "ok\n"]
--- no_error_log
authgw: refused



=== TEST 7: ath of another token; a token bound to another key (dpop_key_mismatch, invalid_token)
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_dpop_algorithms ES256;
        authgw_error_detail on;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[::dpop_auth(url => "http://localhost/api", proof => { token => ::tok(alg => 'HS256', key => 'hs256.key') }),
 ::dpop_auth(url => "http://localhost/api", bind => 'ec384.pem')]
--- error_code eval
[401, 401]
--- response_headers eval
['WWW-Authenticate: DPoP realm="api", error="invalid_dpop_proof", error_description="bad_dpop_proof", algs="ES256"',
 'WWW-Authenticate: DPoP realm="api", error="invalid_token", error_description="dpop_key_mismatch", algs="ES256"']
--- error_log
ath is not the access token's hash
authgw: refused: dpop_key_mismatch: cnf.jkt is not the thumbprint of the proof's key



=== TEST 8: a jwk with a private member, an HS256 proof, alg none, typ JWT, an algorithm the location does not allow: each refused
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_dpop_algorithms ES256 EdDSA;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
my $t = ::tok(alg => 'HS256', key => 'hs256.key', json => { cnf => '{"jkt":"' . ::jkt('ec256.pem') . '"}' });
my $pub = '{"kty":"EC","crv":"P-256","x":"XJBaCcT_hJ8VQgXJatUCtoqs92M8ZO3UVBAUKMdpB4Y","y":"HtjiMSgEU_bXZfRhNfwIvr-PmV8RHNwDIPD3HkPEcEI"';
my $claims = { htm => '"GET"', htu => '"http://localhost/api"', iat => time, jti => '"j-' . $$ . '"' };
my $h = "Authorization: DPoP $t\nDPoP: ";
[$h . ::proof(url => "http://localhost/api", token => $t, header_json => { jwk => $pub . ',"d":"AAAA"}' }),
 $h . ::tok(alg => 'HS256', key => 'hs256.key', no_exp => 1, header_json => '{"typ":"dpop+jwt","jwk":{"kty":"oct","k":"AAAA"}}', json => $claims),
 $h . ::tok(alg => 'none', no_exp => 1, header_json => '{"typ":"dpop+jwt","jwk":' . $pub . '}}', json => $claims),
 $h . ::proof(url => "http://localhost/api", token => $t, typ => 'JWT'),
 $h . ::proof(url => "http://localhost/api", token => $t, key => 'ec384.pem')]
--- error_code eval
[401, 401, 401, 401, 401]
--- response_headers eval
["X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof"]
--- no_error_log
[alert]



=== TEST 9: two DPoP headers; no DPoP header; an empty one
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api"]
--- more_headers eval
my $a = ::dpop_auth(url => "http://localhost/api");
my ($p) = $a =~ /^DPoP: (.*)$/m;
[$a . "\nDPoP: $p",
 ::dpop_auth(url => "http://localhost/api", no_proof => 1),
 ::dpop_auth(url => "http://localhost/api", no_proof => 1) . "DPoP:"]
--- error_code eval
[401, 401, 401]
--- response_headers eval
["X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof"]
--- error_log
more than one DPoP header
the token came as DPoP, without a DPoP header



=== TEST 10: iat older than authgw_dpop_window, or ahead beyond the leeway: refused; within them: accepted
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_dpop_window 60s;
        authgw_leeway 5s;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[map { ::dpop_auth(url => "http://localhost/api", proof => { iat_in => $_ }) } -120, 30, -40, 3]
--- error_code eval
[401, 401, 200, 200]
--- response_headers eval
["X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof", "!X-Error", "!X-Error"]
--- error_log
iat is outside the window



=== TEST 11: a proof used twice is a replay; a proof with the same key and jti at another URL too
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api/b", "GET /api/b"]
--- more_headers eval
my $a = ::dpop_auth(url => "http://localhost/api");
my $jti = "replay-$$-" . time;
[$a, $a,
 ::dpop_auth(url => "http://localhost/api/b", proof => { jti => $jti }),
 ::dpop_auth(url => "http://localhost/api/b", proof => { jti => $jti })]
--- error_code eval
[200, 401, 200, 401]
--- response_headers eval
["!X-Error", "X-Error: dpop_replay", "!X-Error", "X-Error: dpop_replay"]
--- error_log
authgw: refused: dpop_replay: the proof's jti was seen before



=== TEST 12: the same jti under another key is no replay (a client cannot block another's)
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
my $jti = "shared-$$-" . time;
[::dpop_auth(url => "http://localhost/api", proof => { jti => $jti }),
 ::dpop_auth(url => "http://localhost/api", proof => { jti => $jti, key => 'ed25519.pem' })]
--- response_body eval
["ok\n", "ok\n"]
--- no_error_log
authgw: refused



=== TEST 13: required: a bound token under Bearer, an unbound token under DPoP, an unbound token under Bearer: unbound_token, on the DPoP challenge alone
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_dpop_algorithms ES256;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[::dpop_auth(url => "http://localhost/api", scheme => 'Bearer', no_proof => 1),
 ::dpop_auth(url => "http://localhost/api", bind => 0),
 ::bearer(alg => 'HS256', key => 'hs256.key'),
 '']
--- error_code eval
[401, 401, 401, 401]
--- response_headers eval
['WWW-Authenticate: DPoP realm="api", error="invalid_token", algs="ES256"',
 'WWW-Authenticate: DPoP realm="api", error="invalid_token", algs="ES256"',
 'WWW-Authenticate: DPoP realm="api", error="invalid_token", algs="ES256"',
 'WWW-Authenticate: DPoP realm="api", algs="ES256"']
--- error_log
this location takes DPoP-bound tokens only, with a proof
the token came as DPoP but has no cnf.jkt
this location takes DPoP-bound tokens only



=== TEST 14: optional: an unbound bearer token passes; a bound one under Bearer is refused on the Bearer challenge; a bound one with its proof passes
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop optional;
        authgw_dpop_algorithms ES256;
        authgw_set_header X-Sub $authgw_claim_sub;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "sub=[$http_x_sub] auth=[$http_authorization]\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[::bearer(alg => 'HS256', key => 'hs256.key', claim => { sub => 'bob' }),
 ::dpop_auth(url => "http://localhost/api", scheme => 'Bearer', no_proof => 1),
 ::dpop_auth(url => "http://localhost/api"),
 '']
--- error_code eval
[200, 401, 200, 401]
--- response_body_like eval
[qr/^sub=\[bob\] auth=\[Bearer /, qr/401/, qr/^sub=\[alice\] auth=\[DPoP /, qr/401/]
--- response_headers eval
["!X-Error",
 'WWW-Authenticate: Bearer realm="api", error="invalid_token", DPoP realm="api", algs="ES256"',
 "!X-Error",
 'WWW-Authenticate: Bearer realm="api", DPoP realm="api", algs="ES256"']



=== TEST 15: off: the DPoP scheme is no bearer token, and a bound token under Bearer is a bearer token (as before)
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
[::dpop_auth(url => "http://localhost/api"),
 ::dpop_auth(url => "http://localhost/api", scheme => 'Bearer')]
--- error_code eval
[401, 200]
--- response_headers eval
['WWW-Authenticate: Bearer realm="api"', "!X-Error"]



=== TEST 16: authgw_dpop_url: the URL the gateway is known by behind a TLS terminator, not the Host it was sent
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_dpop_url https://api.example$request_uri;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api/a%20b?q=1"]
--- more_headers eval
[::dpop_auth(url => 'https://api.example/api'),
 ::dpop_auth(url => "http://localhost/api"),
 ::dpop_auth(url => 'https://api.example/api/a%20b')]
--- error_code eval
[200, 401, 200]
--- response_headers eval
["!X-Error", "X-Error: bad_dpop_proof", "!X-Error"]



=== TEST 17: nonces (a period of a day: no period ends between making a nonce and sending it): none, or another key's, is use_dpop_nonce with a DPoP-Nonce; a fresh one (this period's or the last) passes, and each answer carries the nonce
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_dpop_algorithms ES256;
        authgw_dpop_nonce_key $TEST_NGINX_KEYS/uid32.key period=1d;
        authgw_error_detail on;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
[::dpop_auth(url => "http://localhost/api"),
 ::dpop_auth(url => "http://localhost/api", proof => { nonce => main::nonce('uid32b.key', 86400) }),
 ::dpop_auth(url => "http://localhost/api", proof => { nonce => main::nonce('uid32.key', 86400, -2) }),
 ::dpop_auth(url => "http://localhost/api", proof => { nonce => main::nonce('uid32.key', 86400) }),
 ::dpop_auth(url => "http://localhost/api", proof => { nonce => main::nonce('uid32.key', 86400, -1) })]
--- error_code eval
[401, 401, 401, 200, 200]
--- response_headers_like eval
["WWW-Authenticate: DPoP realm=\"api\", error=\"use_dpop_nonce\", error_description=\"use_dpop_nonce\", algs=\"ES256\"\nDPoP-Nonce: ^[\\w-]{32}\$",
 "X-Error: use_dpop_nonce\nDPoP-Nonce: ^[\\w-]{32}\$",
 "X-Error: use_dpop_nonce",
 "DPoP-Nonce: ^[\\w-]{32}\$",
 "DPoP-Nonce: ^[\\w-]{32}\$"]
--- error_log
nonce is missing, or not a fresh one of this key



=== TEST 18: the verified-token cache keeps the token, never the proof: a second proof for the same token is checked, and the first, replayed, refused
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        add_header X-Cache $authgw_cache_status always;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
my $t = ::tok(alg => 'HS256', key => 'hs256.key', json => { cnf => '{"jkt":"' . ::jkt('ec256.pem') . '"}' });
my @p = map { ::proof(url => "http://localhost/api", token => $t) } 1, 2;
my $other = ::proof(url => "http://localhost/api", token => $t, key => 'ec384.pem');
["Authorization: DPoP $t\nDPoP: $p[0]", "Authorization: DPoP $t\nDPoP: $p[1]",
 "Authorization: DPoP $t\nDPoP: $p[0]", "Authorization: DPoP $t\nDPoP: $other"]
--- error_code eval
[200, 200, 401, 401]
--- response_headers eval
["X-Cache: MISS", "X-Cache: HIT", "X-Error: dpop_replay", "X-Error: dpop_key_mismatch"]



=== TEST 19: $authgw_dpop_jkt keys limit_req (preaccess, before the access phase enters the proof)
--- http_config
    limit_req_zone $authgw_dpop_jkt zone=perkey:1m rate=1r/m;
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        limit_req zone=perkey;
        limit_req_status 429;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api"]
--- more_headers eval
[::dpop_auth(url => "http://localhost/api"),
 ::dpop_auth(url => "http://localhost/api"),
 ::dpop_auth(url => "http://localhost/api", proof => { key => 'ed25519.pem' })]
--- error_code eval
[200, 429, 200]
--- error_log
limiting requests



=== TEST 20: certificate-bound tokens through a trusted variable: the certificate's, another, none, malformed; a token without cnf in optional and required
--- config
    location /opt {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_mtls optional;
        authgw_mtls_certificate $http_x_client_cert;
        authgw_error_detail on;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location /req {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_mtls required;
        authgw_mtls_certificate $http_x_client_cert;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /opt", "GET /opt", "GET /opt", "GET /opt", "GET /opt", "GET /req", "GET /req"]
--- more_headers eval
my $x5t = `$ENV{AUTHGW_TOKEN} thumbprint --cert $ENV{TEST_NGINX_KEYS}/rsa.crt`;
chomp $x5t;
my $bound = ::bearer(alg => 'HS256', key => 'hs256.key', json => { cnf => qq({"x5t#S256":"$x5t"}) });
my $other = ::bearer(alg => 'HS256', key => 'hs256.key', json => { cnf => '{"x5t#S256":"NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"}' });
my $plain = ::bearer(alg => 'HS256', key => 'hs256.key');
my $cert = "X-Client-Cert: " . main::escaped_cert();
["$bound\n$cert", "$other\n$cert", $bound, "$bound\nX-Client-Cert: -----BEGIN%20CERTIFICATE-----%0AAAA", $plain, "$plain\n$cert", "$bound\n$cert"]
--- error_code eval
[200, 401, 401, 401, 200, 401, 200]
--- response_headers eval
["!X-Error", "X-Error: cert_mismatch", "X-Error: cert_mismatch", "X-Error: cert_mismatch", "!X-Error", "X-Error: unbound_token", "!X-Error"]
--- error_log
cnf["x5t#S256"] is not the client certificate's
the token is bound to a certificate, and the connection has no client certificate
the certificate in authgw_mtls_certificate is malformed
this location takes certificate-bound tokens only



=== TEST 21: the replay of a proof is still a replay after a redirect to another location that checks it: not a replay of the request itself
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        add_header X-Error $authgw_error always;
        proxy_intercept_errors on;
        error_page 418 = /api2;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_teapot;
    }
    location = /_teapot { return 418; }
    location /api2 {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_dpop_url http://localhost/api;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api"]
--- more_headers eval
my $a = ::dpop_auth(url => "http://localhost/api");
[$a, $a]
--- error_code eval
[200, 401]
--- response_headers eval
["!X-Error", "X-Error: dpop_replay"]



=== TEST 22: the default URL is the host nginx routed by and the port of Host: a Host with "?" or "#" does not make a proof for "/" good at every path; an absolute-form request line is the host it names; the port the client named counts
--- config
    location / {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_error_detail on;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location /_echo { return 200 "ok\n"; }
--- request eval
["GET /admin", "GET /admin", "GET http://other.example/api", "GET http://other.example/api", "GET /api", "GET /api"]
--- more_headers eval
["Host: localhost:80?\n" . ::dpop_auth(url => "http://localhost/"),
 "Host: localhost#\n" . ::dpop_auth(url => "http://localhost/"),
 ::dpop_auth(url => "http://localhost/api"),
 ::dpop_auth(url => "http://other.example/api"),
 "Host: localhost:$ENV{TEST_NGINX_SERVER_PORT}\n" . ::dpop_auth(url => "http://localhost:$ENV{TEST_NGINX_SERVER_PORT}/api"),
 "Host: localhost:8443\n" . ::dpop_auth(url => "http://localhost/api")]
--- error_code eval
[401, 401, 401, 200, 200, 401]
--- response_headers eval
["X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof", "X-Error: bad_dpop_proof", "!X-Error", "!X-Error", "X-Error: bad_dpop_proof"]
--- error_log
htu is not the request's URL
the request's host is no host name a proof's htu can name



=== TEST 23: $authgw_dpop_jkt is empty for a replayed proof already in preaccess: a thief's replays do not count against the owner's limit_req
--- http_config
    limit_req_zone $authgw_dpop_jkt zone=perkey:1m rate=1r/m;
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        limit_req zone=perkey burst=1 nodelay;
        limit_req_status 429;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api", "GET /api", "GET /api", "GET /api"]
--- more_headers eval
my $u = "http://localhost/api";
my $a = ::dpop_auth(url => $u);
[$a, $a, $a, $a, ::dpop_auth(url => $u), ::dpop_auth(url => $u)]
--- error_code eval
[200, 401, 401, 401, 200, 429]
--- response_headers eval
["!X-Error", "X-Error: dpop_replay", "X-Error: dpop_replay", "X-Error: dpop_replay", "!X-Error", "!X-Error"]



=== TEST 24: satisfy any: another module's yes leaves no challenge behind (both are one WWW-Authenticate field)
--- config
    location /api {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop optional;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request
GET /api
--- response_body
ok
--- response_headers
!WWW-Authenticate



=== TEST 25: one DPoP-Nonce after a redirect to another location with nonces; a location's own key has its own period (the default 300s), not the outer one's
--- config
    authgw_dpop_nonce_key $TEST_NGINX_KEYS/uid32b.key period=60s;
    location /a {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_dpop_nonce_key $TEST_NGINX_KEYS/uid32.key;
        proxy_intercept_errors on;
        error_page 418 = /b;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_teapot;
    }
    location /b {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        authgw_dpop_nonce_key $TEST_NGINX_KEYS/uid32.key;
        return 200 "b\n";
    }
    location = /_teapot { return 418; }
--- request
GET /a
--- more_headers eval
::bearer(alg => 'HS256', key => 'hs256.key')
--- error_code: 401
--- response_headers eval
"DPoP-Nonce: " . main::nonce('uid32.key', 300)



=== TEST 26: a cnf binding the location does not check is no bearer token (RFC 7800 jwk; a jkt where only certificates are checked)
--- config
    location /d {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop optional;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location /m {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_mtls optional;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location /_echo { return 200 "ok\n"; }
--- request eval
["GET /d", "GET /m", "GET /m"]
--- more_headers eval
[::bearer(alg => 'HS256', key => 'hs256.key', json => { cnf => '{"jwk":{"kty":"EC","crv":"P-256","x":"a","y":"b"}}' }),
 ::bearer(alg => 'HS256', key => 'hs256.key', json => { cnf => '{"jkt":"' . ::jkt('ec256.pem') . '"}' }),
 ::bearer(alg => 'HS256', key => 'hs256.key', json => { cnf => '{}' })]
--- error_code eval
[401, 401, 200]
--- response_headers eval
["X-Error: unbound_token", "X-Error: unbound_token", "!X-Error"]
--- error_log
cnf binds the token in a way this location does not check



=== TEST 27: a proof with a kid (RFC 9449 does not forbid one) passes; an iat a few seconds ahead passes with authgw_leeway 0 (nginx's clock is a cached second)
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_echo { return 200 "ok\n"; }
--- request eval
["GET /api", "GET /api", "GET /api"]
--- more_headers eval
my $u = "http://localhost/api";
[::dpop_auth(url => $u, proof => { header_json => { kid => '"client-key-1"' } }),
 ::dpop_auth(url => $u, proof => { iat_in => 3 }),
 ::dpop_auth(url => $u, proof => { iat_in => 20 })]
--- error_code eval
[200, 200, 401]
--- response_headers eval
["!X-Error", "!X-Error", "X-Error: bad_dpop_proof"]



=== TEST 28: error_page makes the method GET: a POST's proof, checked again in the error page's location, is still the POST's
--- config
    location /api {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        proxy_intercept_errors on;
        error_page 404 = /err;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_missing;
    }
    location /err {
        authgw "api";
        authgw_key_file $TEST_NGINX_KEYS/hs256.key alg=HS256;
        authgw_dpop required;
        add_header X-Error $authgw_error always;
        proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/_echo;
    }
    location = /_missing { return 404; }
    location = /_echo { return 200 "ok\n"; }
--- request
POST /api
x=1
--- more_headers eval
::dpop_auth(method => 'POST', url => "http://localhost/api")
--- response_body
ok
--- response_headers
!X-Error
