# nginx -t with the module loaded: every kind of bad key file (a key or
# certificate given as a raw HMAC secret too), and every misuse of a
# directive (remote keys and authgw_status too), fails the test naming the
# file and the reason; good files pass. Plain Test::More, so it runs with
# any Test::Nginx.

use strict;
use warnings;

use File::Path qw(make_path remove_tree);
use Test::More;

my $nginx  = $ENV{TEST_NGINX_BINARY} || 'nginx';
my $module = $ENV{TEST_NGINX_LOAD_MODULES} or die "no TEST_NGINX_LOAD_MODULES\n";
my $keys   = $ENV{TEST_NGINX_KEYS} or die "no TEST_NGINX_KEYS\n";
my $root   = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot")
             . "-config";

sub nginx_t {
    my ($location, $http) = @_;
    $http //= '';

    remove_tree($root);
    make_path("$root/conf", "$root/logs");

    open my $fh, '>', "$root/conf/nginx.conf" or die $!;
    print $fh <<"_EOC_";
load_module $module;
error_log logs/error.log;
pid logs/nginx.pid;
events { worker_connections 16; }
http {
    $http
    server {
        listen 127.0.0.1:1985;
        location /api {
            $location
        }
    }
}
_EOC_
    close $fh;

    my $out = `$nginx -t -p $root/ -c conf/nginx.conf 2>&1`;
    return ($? >> 8, $out);
}

my @bad = (
    [ 'a missing file',          "$keys/no-such.key",         'cannot open' ],
    [ 'an empty file',           "$keys/bad-empty.key",       'is empty' ],
    [ 'an unreadable file (a directory)', "$keys",            'cannot read: Is a directory' ],
    [ 'not a key',               "$keys/bad-garbage.key",     'not a JWK, JWKS, PEM' ],
    [ 'a private key',           "$keys/rsa.pem",             'is a private key' ],
    [ 'RSA under 2048 bits',     "$keys/bad-rsa1024.pub.pem", 'RSA key of 1024 bits, at least 2048' ],
    [ 'an HMAC secret shorter than its hash',
                                 "$keys/bad-short.key alg=HS256", 'shorter than the hash' ],
    [ 'HS384 with a 32-byte secret',
                                 "$keys/hs256.key alg=HS384", 'shorter than the hash' ],
    [ 'a JWKS with a duplicate kid', "$keys/bad-dupkid.json", 'duplicate kid "rsa-1"' ],
    [ 'a JWKS with no usable key',   "$keys/bad-enc-only.json", 'no usable signature key' ],
    [ 'a JWK with a duplicate member', "$keys/bad-dupmember.jwk", 'duplicate object key' ],
    [ 'a truncated JWK',         "$keys/bad-truncated.jwk",   'invalid JSON' ],
    [ 'alg= that does not fit the key', "$keys/rsa.pub.pem alg=ES256", 'does not fit the key type' ],
    [ 'kid= on a JWKS',          "$keys/jwks.json kid=x",      'kid= cannot be used with a JWKS' ],

    # a key or certificate file given as a raw HMAC secret (alg=HS*): its
    # text, which anyone may have, would verify HS tokens
    [ 'a PEM public key as an HMAC secret',
                                 "$keys/rsa.pub.pem alg=HS256",
                                 'is a PEM block; alg=HS256 takes a raw HMAC secret, never a key or certificate' ],
    [ 'a PEM public key without its final newline as an HMAC secret',
                                 "$keys/rsa.pub.nonl.pem alg=HS256", 'is a PEM block' ],
    [ 'a PKCS#1 PEM public key as an HMAC secret',
                                 "$keys/rsa.pub.pkcs1.pem alg=HS384", 'is a PEM block; alg=HS384' ],
    [ 'an EC PEM public key as an HMAC secret',
                                 "$keys/ec256.pub.pem alg=HS256", 'is a PEM block' ],
    [ 'a PEM certificate as an HMAC secret',
                                 "$keys/rsa.crt alg=HS256",    'is a PEM block' ],
    [ 'a PEM private key as an HMAC secret',
                                 "$keys/rsa.pem alg=HS512",    'is a PEM block; alg=HS512' ],
    [ 'a JWK as an HMAC secret', "$keys/rsa.jwk alg=HS256",    'is a JWK or JWKS' ],
    [ 'an oct JWK as an HMAC secret',
                                 "$keys/oct.jwk alg=HS512",    'is a JWK or JWKS' ],
    [ 'a JWKS as an HMAC secret', "$keys/jwks.json alg=HS256", 'is a JWK or JWKS' ],
    [ 'a DER public key as an HMAC secret',
                                 "$keys/rsa.pub.der alg=HS256", 'is a DER public key' ],
    [ 'an Ed25519 DER public key (44 bytes) as an HMAC secret',
                                 "$keys/ed25519.pub.der alg=HS256", 'is a DER public key' ],
    [ 'a DER certificate as an HMAC secret',
                                 "$keys/rsa.crt.der alg=HS256", 'is a DER certificate' ],
);

my @good = qw(rsa.pub.pem rsa.pub.pkcs1.pem rsa.crt rsa.jwk jwks.json
              ec256.pub.pem ec384.jwk ec521.pub.pem ed25519.jwk oct.jwk);

plan tests => 2 * @bad + 16 + @good + 2 + 14 + 9 + 8 + 7 + 9 + 3 + 10 + 4
             + 9 + 8 + 16 + 16 + 2 * 31 + 6 + 2 * 33 + 4 + 2 * 13 + 4;

for my $case (@bad) {
    my ($what, $args, $reason) = @$case;
    my ($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $args;");
    my ($file) = split ' ', $args;

    isnt($rc, 0, "$what: nginx -t fails");
    like($out, qr/\[emerg\] .*authgw_key_file "\Q$file\E": .*\Q$reason\E/,
         "$what: the message names the file and the reason");
}

my ($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem kid=a;\n"
                         . " authgw_key_file $keys/rsa2.pub.pem kid=a;");
isnt($rc, 0, 'the same kid in two files of one block fails');
like($out, qr/duplicate kid "a"/, 'and says which kid');

($rc, $out) = nginx_t("authgw \"t\";");
isnt($rc, 0, 'authgw without a key file fails');
like($out, qr/no "authgw_key_file" is given/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_algorithms RS256 none;");
isnt($rc, 0, 'authgw_algorithms none fails');
like($out, qr/"none" can never be allowed/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_algorithms RS257;");
isnt($rc, 0, 'an unknown algorithm fails');
like($out, qr/unknown algorithm "RS257"/, 'and names it');

($rc, $out) = nginx_t("authgw \"t\" token=\$cookie_a oops;\n"
                      . " authgw_key_file $keys/rsa.pub.pem;");
isnt($rc, 0, 'an unknown authgw parameter fails');
like($out, qr/invalid parameter "oops"/, 'and names it');

($rc, $out) = nginx_t("authgw \"t\" token=abc;\n"
                      . " authgw_key_file $keys/rsa.pub.pem;");
isnt($rc, 0, 'token= that holds no variable fails');
like($out, qr/"token=abc" holds no variable: the token comes from the request/,
     'and says where a token comes from');

($rc, $out) = nginx_t("authgw \"t\" token=Bearer_\$cookie_a;\n"
                      . " authgw_key_file $keys/rsa.pub.pem;");
is($rc, 0, 'token= with a variable in it loads') or diag($out);

# an authgw_status location that every client can read: a warning with
# its file and line; any of the usual ways of closing it: none
for my $c (['', 1, 'open on every address'],
           ['auth_basic off; auth_basic_user_file /dev/null;', 1,
            'auth_basic off'],
           ['allow 10.0.0.0/8; deny all;', 0, 'allow and deny'],
           ['auth_basic "m"; auth_basic_user_file /dev/null;', 0,
            'auth_basic'],
           ['internal;', 0, 'internal'],
           ['auth_request /auth;', 0, 'auth_request'],
           ["authgw \"m\"; authgw_key_file $keys/rsa.pub.pem;", 0,
            'authgw'])
{
    my ($in, $warns, $title) = @$c;
    ($rc, $out) = nginx_t('', "server { listen 1986;\n"
                              . " location = /m { $in authgw_status; } }");
    is($rc, 0, "authgw_status, $title: loads") or diag($out);
    if ($warns) {
        like($out, qr/\[warn\] .*"authgw_status" in \S+nginx\.conf:7 is open to every client: limit it with allow and deny, auth_basic, auth_request or internal, or serve it on a loopback address only/,
             "and warns, naming where it is");
    } else {
        unlike($out, qr/authgw_status.*open to every client/,
               'without a warning');
    }
}

($rc, $out) = nginx_t('', "server { listen 1986; allow 127.0.0.1; deny all;\n"
                          . " location = /m { authgw_status; } }\n"
                          . "server { listen 127.0.0.1:1987; listen [::1]:1987;\n"
                          . " location = /m { authgw_status; } }");
is($rc, 0, 'authgw_status under inherited rules, and on loopback: loads')
    or diag($out);
unlike($out, qr/open to every client/, 'without a warning');

# several token sources, strip_token
for my $c (['token=bearer token=$cookie_at token=${http_x_token} optional strip_token',
            0, undef, 'three sources and strip_token load'],
           ['token=bearer token=$cookie_at', 2,
            qr/\[warn\] .*several token= without strip_token: the upstream receives the tokens of the other sources as the client sent them, unverified in \S+nginx\.conf:10/,
            'several sources without strip_token load'],
           ['token=bearer token=bearer', 1, qr/"token=bearer" is given twice/,
            'the same source twice fails'],
           ['token=$cookie_a token=$cookie_a', 1,
            qr/"token=\$cookie_a" is given twice/, 'a variable twice fails'],
           ['token=$arg_t strip_token', 1,
            qr/strip_token cannot remove the token of "token=\$arg_t": only token=bearer, \$cookie_NAME and \$http_NAME say where it is/,
            'strip_token with a source it cannot remove fails'],
           ['token=Bearer_$cookie_a strip_token', 1,
            qr/strip_token cannot remove the token of "token=Bearer_\$cookie_a"/,
            'and with a variable inside other text'],
           ['token=$http_cookie strip_token', 1,
            qr/strip_token cannot remove "cookie": nginx reads that header itself/,
            'strip_token of a header nginx parses fails'],
           ['token=$http_authorization strip_token', 1,
            qr/strip_token cannot remove "authorization"/,
            'and of $http_authorization (token=bearer is that)'])
{
    my ($args, $fails, $re, $title) = @$c;
    ($rc, $out) = nginx_t("authgw \"t\" $args;\n"
                          . " authgw_key_file $keys/rsa.pub.pem;");
    if ($fails == 2) {
        is($rc, 0, $title) or diag($out);
        like($out, $re, 'and warns');
    } elsif ($fails) {
        isnt($rc, 0, $title);
        like($out, $re, 'and says why');
    } else {
        is($rc, 0, $title) or diag($out);
        unlike($out, qr/\[(emerg|warn)\]/, 'without a message');
    }
}

# likely mistakes: a warning naming the file and line, and it still loads
for my $w (['authgw_audience orders-api,account;', qr/\[warn\] .*"authgw_audience" value "orders-api,account" has a comma: each value is compared whole; give several as separate arguments in \S+nginx.conf:\d+/],
           ['authgw_issuer "https://idp.example/ ";', qr/\[warn\] .*"authgw_issuer" value "https:\/\/idp.example\/ " begins or ends with white space/],
           [q{authgw_audience '["orders-api"]';}, qr/\[warn\] .*"authgw_audience" value "\["orders-api"\]" has a bracket or a quote: write the value itself, not JSON/],
           ['authgw_require_claim realm_access.roles;', qr/\[warn\] .*claim name "realm_access.roles" has a dot: it names one top-level claim; a nested claim is a JSON Pointer/]) {
    ($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                          . " $w->[0]");
    is($rc, 0, "$w->[0] loads") or diag($out);
    like($out, $w->[1], 'with a warning that says why');
}

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_issuer https://idp.example/realms/shop;\n"
                      . " authgw_audience orders-api account;\n"
                      . " authgw_require_claim /realm_access/roles;");
is($rc, 0, 'plain values load');
unlike($out, qr/\[warn\]/, 'without a warning');

# $authgw_user_id in an owned header where no authgw_user_id_claim applies
($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_set_header X-User-Id \$authgw_user_id;");
is($rc, 0, 'an owned header of an absent user id loads') or diag($out);
like($out, qr/\[warn\] .*"authgw_set_header X-User-Id" reads \$authgw_user_id where no "authgw_user_id_claim" applies: it is always empty there, in \S+nginx.conf:\d+/,
     'with a warning that names where it is given');

($rc, $out) = nginx_t("authgw_user_id_claim uid;\n"
                      . " authgw_user_id_key_file $keys/k-u1.jwk;",
                      "authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_set_header X-User-Id \$authgw_user_id;");
is($rc, 0, 'the header at http level, the claim in the location') or diag($out);
unlike($out, qr/\[warn\]/, 'loads without a warning');

($rc, $out) = nginx_t("authgw off optional;");
isnt($rc, 0, 'parameters after off fail');
like($out, qr/takes no parameters after "off"/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem alg=RS1;");
isnt($rc, 0, 'an unknown alg= fails');
like($out, qr/unknown algorithm in "alg=RS1"/, 'and names it');

($rc, $out) = nginx_t("authgw_log_level debug;");
isnt($rc, 0, 'an unknown log level fails');
like($out, qr/invalid value "debug"/, 'and names it');

# the user-id, header and authorization directives

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_user_id_claim uid;\n"
                      . " authgw_user_id_key_file $keys/bad-uid20.key;");
isnt($rc, 0, 'a user-id key of 20 bytes fails');
like($out, qr/authgw_user_id_key_file "\Q$keys\E\/bad-uid20.key": a user-id key of 20 bytes; it must be 16, 24, 32, 48 or 64 bytes/,
     'and names the file and the sizes');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_user_id_key_file $keys/bad-enc-only.json;");
isnt($rc, 0, 'a JWKS without oct keys as user-id keys fails');
like($out, qr/JWKS has no user-id key/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_user_id_claim uid;");
isnt($rc, 0, 'authgw_user_id_claim without keys fails');
like($out, qr/no "authgw_user_id_key_file"/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_require_claim role admin error=404;");
isnt($rc, 0, 'error=404 fails');
like($out, qr/error= takes 401 or 403/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_require role;");
isnt($rc, 0, 'authgw_require on a non-variable fails');
like($out, qr/"role" is not a variable/, 'and says so');

($rc, $out) = nginx_t("authgw_set_header \"X User\" v;");
isnt($rc, 0, 'an invalid header name fails');
like($out, qr/invalid header name "X User"/, 'and names it');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_user_id_claim uid;\n"
                      . " authgw_user_id_key_file $keys/uid.jwks;\n"
                      . " authgw_user_id_key_file $keys/uid16.key kid=u1;");
isnt($rc, 0, 'a user-id kid given twice fails');
like($out, qr/authgw_user_id_key_file .*duplicate kid "u1"/, 'and names it');

# remote keys and the metrics endpoint

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_request jwks;");
isnt($rc, 0, 'authgw_key_request with a URI that is not a path fails');
like($out, qr/authgw_key_request needs a URI that starts with "\/", not "jwks"/,
     'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_request /a;\n"
                      . " authgw_key_request /b;");
isnt($rc, 0, 'authgw_key_request twice in one block fails');
like($out, qr/"authgw_key_request" directive is duplicate/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_request /a;\n"
                      . " authgw_key_refresh soon;");
isnt($rc, 0, 'an authgw_key_refresh that is not a time fails');
like($out, qr/"authgw_key_refresh" directive invalid value/, 'and says so');

($rc, $out) = nginx_t("authgw_status on;");
isnt($rc, 0, 'authgw_status with a parameter fails');
like($out, qr/invalid number of arguments in "authgw_status"/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_key_request /_jwks;\n authgw_key_cache 1h;\n"
                      . " authgw_key_refresh 10s;\n authgw_key_max_stale 6h;",
                      "server { listen 127.0.0.1:1986; location = /m { authgw_status; } }");
is($rc, 0, 'key files, a key request, its times and authgw_status load')
    or diag($out);

# authgw_set_header cannot own a header that nginx parses itself: nginx
# would go on reading the client's copy through its own pointer

for my $name (qw(Host authorization X_Forwarded_For Cookie)) {
    ($rc, $out) = nginx_t("authgw_set_header $name v;");
    isnt($rc, 0, "authgw_set_header $name fails");
    like($out, qr/authgw_set_header cannot own "\Q$name\E": nginx reads that header itself/,
         'and says why');
}

# the cache size and key times belong to the keys: a block that inherits
# them and gives another value fails, naming where the keys are

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_cache 10;\n"
                      . " location /api/x { authgw_cache 20; }");
isnt($rc, 0, 'another authgw_cache under inherited keys fails');
like($out, qr/"authgw_cache" differs from the value in force where the keys this block uses are given, in \S+nginx.conf:\d+/,
     'and names where the keys are');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_cache 10;",
                      "authgw_key_file $keys/rsa.pub.pem;");
isnt($rc, 0, 'keys at the http level, another cache size in a location fails');
like($out, qr/"authgw_cache" differs/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_request /a;\n"
                      . " location /api/x { authgw_key_refresh 1s; }");
isnt($rc, 0, 'another authgw_key_refresh under inherited keys fails');
like($out, qr/"authgw_key_refresh" differs/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_request /a;\n"
                      . " authgw_key_cache 1h; authgw_cache 10;\n"
                      . " location /api/x { authgw_key_cache 1h;"
                      . " authgw_cache off; }\n"
                      . " location /api/y { authgw_key_file $keys/rsa.pub.pem;"
                      . " authgw_cache 99; authgw_key_cache 5m; }");
is($rc, 0, 'the same value, the cache off, or keys of its own load')
    or diag($out);

# the largest answer a key fetch may bring: 1k to 64m, and the keys' own

for my $bad (qw(512 65m x)) {
    ($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_request /a;\n"
                          . " authgw_key_request_max_size $bad;");
    isnt($rc, 0, "authgw_key_request_max_size $bad fails");
    like($out, qr/"authgw_key_request_max_size" directive (must be from 1k to 64m|invalid value)/,
         'and says what it may be');
}

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_request /a;\n"
                      . " location /api/x { authgw_key_request_max_size 1m; }");
isnt($rc, 0, 'another authgw_key_request_max_size under inherited keys fails');
like($out, qr/"authgw_key_request_max_size" differs/, 'and says so');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_request /a;\n"
                      . " authgw_key_request_max_size 1m;");
is($rc, 0, 'authgw_key_request_max_size 1m loads') or diag($out);

# a block's own keys replace all it would inherit: nginx -t says so where
# the inherited keys were of the other kind

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_request /_jwks;",
                      "authgw_key_file $keys/jwks.json;");
is($rc, 0, 'outer key files, an inner key request: loads');
like($out, qr/\[warn\] .*the keys of "authgw_key_file" in \S+nginx\.conf:6 are not used where "authgw_key_request \/_jwks" is given, in \S+nginx\.conf:11: a block with keys of its own inherits none; give the key files there too/,
     'and warns that the outer key files are not used there, naming both places');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;",
                      "authgw_key_request /_jwks;");
is($rc, 0, 'an outer key request, inner key files: loads');
like($out, qr/\[warn\] .*the keys of "authgw_key_request \/_jwks" in \S+nginx\.conf:6 are not used where "authgw_key_file" is given, in \S+nginx\.conf:11/,
     'and warns that the outer key request is not used there');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_key_request /_jwks;",
                      "authgw_key_file $keys/jwks.json;\n"
                      . " authgw_key_request /_outer;");
is($rc, 0, 'both given again in the inner block: loads');
unlike($out, qr/are not used where/, 'without a warning');

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;",
                      "authgw_key_file $keys/jwks.json;");
is($rc, 0, 'inner key files replace outer key files: loads');
unlike($out, qr/are not used where/,
       'without a warning (the same directive, as proxy_set_header)');

# the cache's size: 1 to 16777216 entries, or off
for my $bad (qw(0 -1 16777217 x)) {
    ($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                          . " authgw_cache $bad;");
    isnt($rc, 0, "authgw_cache $bad fails");
    like($out, qr/"\Q$bad\E" must be "off" or a number of entries from 1 to 16777216/,
         'and says what it may be');
}

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n"
                      . " authgw_cache 16;");
is($rc, 0, 'authgw_cache 16 loads') or diag($out);

# good files of every kind load
for my $good (@good) {
    ($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/$good;");
    is($rc, 0, "$good loads") or diag($out);
}

($rc, $out) = nginx_t("authgw \"t\";\n authgw_key_file $keys/hs512.key alg=HS512 kid=h;");
is($rc, 0, 'a raw secret with alg= and kid= loads') or diag($out);

($rc, $out) = nginx_t("", "authgw_key_file $keys/rsa.pub.pem;");
is($rc, 0, 'a key file without authgw loads') or diag($out);

# authgw_provider: every misuse fails naming it; a good one loads
my $pv = "authgw_provider a { issuer https://a.example; key_file $keys/rsa.pub.pem; }\n";
my @pbad = (
    [ 'an unknown provider', 'authgw "t" provider=b;', $pv,
      'no authgw_provider "b" is defined' ],
    [ 'an empty provider name', 'authgw "t" provider=a,;', $pv,
      'an empty provider name in "provider=a,"' ],
    [ 'a duplicate provider', 'authgw "t" provider=a;', $pv . $pv,
      'duplicate provider "a"' ],
    [ 'two providers with one issuer', 'authgw "t" provider=a,b;',
      $pv . "authgw_provider b { issuer https://a.example; key_file $keys/ec256.pub.pem; }",
      'providers "a" and "b" have the same issuer' ],
    [ 'a key file beside provider=',
      "authgw \"t\" provider=a;\n authgw_key_file $keys/rsa.pub.pem;", $pv,
      '"authgw_key_file" or "authgw_key_request" has no use where "authgw" names providers' ],
    [ 'authgw_issuer beside provider=',
      "authgw \"t\" provider=a;\n authgw_issuer https://a.example;", $pv,
      '"authgw_issuer" has no use where "authgw" names providers' ],
    [ 'a provider without an issuer', 'authgw "t" provider=a;',
      "authgw_provider a { key_file $keys/rsa.pub.pem; }",
      'authgw_provider "a" has no "issuer"' ],
    [ 'a provider with two issuers', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example https://b.example; key_file $keys/rsa.pub.pem; }",
      '"issuer" takes one issuer: a provider is one issuer' ],
    [ 'a provider without keys', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; }",
      'authgw_provider "a" has no keys: give "key_file", "key_request" or "discovery"' ],
    [ 'a location directive a provider does not take', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; key_file $keys/rsa.pub.pem; require_scope x; }",
      'unknown directive "require_scope" in authgw_provider' ],
    [ 'jwks_origin with a path', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; discovery /_d; jwks_origin https://k.example/keys; }",
      'jwks_origin takes an origin alone' ],
    [ 'jwks_origin without discovery', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; key_file $keys/rsa.pub.pem; jwks_origin https://k.example; }",
      '"jwks_origin", "jwks_http" and "discovery_refresh" are of "discovery"' ],
    [ 'discovery without a URI', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; discovery https://a.example/.well-known/openid-configuration; }",
      'takes the URI of a location that fetches $authgw_fetch_url' ],
    [ 'a provider\'s name with a space', 'authgw "t";',
      "authgw_provider \"a b\" { issuer https://a.example; key_file $keys/rsa.pub.pem; }",
      'a provider\'s name is made of letters' ],
    [ 'authgw_algorithms beside provider=',
      "authgw \"t\" provider=a;\n authgw_algorithms RS256;", $pv,
      '"authgw_algorithms" has no use where "authgw" names providers: give it in the "authgw_provider" blocks' ],
    [ 'authgw_leeway where provider= is inherited',
      "authgw_leeway 10s;", $pv . "authgw \"t\" provider=a;",
      '"authgw_leeway" has no use where "authgw" names providers' ],
    [ 'authgw_leeway beside provider= at the http level', '',
      $pv . "authgw \"t\" provider=a;\n authgw_leeway 60s;",
      '"authgw_leeway" has no use where "authgw" names providers' ],
    [ 'an issuer with a query, with discovery', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example/?x=1; discovery /_d; }",
      'needs an issuer that is an https (or http) URL without a query' ],
    [ 'issuer twice in a provider', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; issuer https://b.example; key_file $keys/rsa.pub.pem; }",
      '"issuer" is duplicate' ],
    [ 'discovery twice', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; discovery /_d; discovery /_e; }",
      '"discovery" is duplicate' ],
    [ 'discovery_refresh of 0', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; discovery /_d; discovery_refresh 0; }",
      '"discovery_refresh" must be a time of 1s or more' ],
    [ 'jwks_http neither on nor off', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; discovery /_d; jwks_http yes; }",
      '"jwks_http" takes "on" or "off"' ],
    [ 'provider= twice', 'authgw "t" provider=a provider=a;', $pv,
      '"provider=" is duplicate' ],
    [ 'authgw_cache with a size beside provider=',
      "authgw \"t\" provider=a;\n authgw_cache 16;", $pv,
      '"authgw_cache" has no use where "authgw" names providers' ],
    [ 'authgw_key_refresh beside provider=',
      "authgw \"t\" provider=a;\n authgw_key_refresh 1s;", $pv,
      '"authgw_key_refresh" has no use where "authgw" names providers' ],
    [ 'authgw_user_id_claim beside provider=',
      "authgw \"t\" provider=a;\n authgw_user_id_claim uid;", $pv,
      '"authgw_user_id_claim" has no use where "authgw" names providers' ],
    [ 'an empty provider name in the block', 'authgw "t";',
      "authgw_provider \"\" { issuer https://a.example; key_file $keys/rsa.pub.pem; }",
      'a provider\'s name is made of letters' ],
    [ 'discovery with an issuer that is no URL', 'authgw "t" provider=a;',
      "authgw_provider a { issuer my-idp; discovery /_d; }",
      '"discovery" needs an issuer that is an https (or http) URL without a query, not "my-idp"' ],
    [ 'an http jwks_origin without jwks_http', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; discovery /_d; jwks_origin http://k.example; }",
      '"jwks_origin http://k.example" is http, which takes "jwks_http on"' ],
    [ 'user_id_claim in a provider without its key file', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; key_file $keys/rsa.pub.pem; user_id_claim uid; }",
      '"authgw_user_id_claim" is given but no "authgw_user_id_key_file"' ],
    [ 'none among a provider\'s algorithms', 'authgw "t" provider=a;',
      "authgw_provider a { issuer https://a.example; key_file $keys/rsa.pub.pem; algorithms none; }",
      '"none" can never be allowed' ],
);

for my $case (@pbad) {
    my ($what, $loc, $http, $reason) = @$case;
    my ($rc, $out) = nginx_t($loc, $http);
    isnt($rc, 0, "$what: nginx -t fails");
    like($out, qr/\[emerg\] .*\Q$reason\E/, "$what: and says so") or diag($out);
}

($rc, $out) = nginx_t("authgw \"t\" provider=a,d;\n authgw_audience api;",
                      $pv . "authgw_provider d { issuer https://d.example;"
                      . " discovery /_d; jwks_origin https://keys.example:8443/"
                      . " http://k2.example; jwks_http on; discovery_refresh 10m;"
                      . " algorithms RS256 ES256; audience x; leeway 30s;"
                      . " key_refresh 10s; key_request_max_size 64k; cache 16; }");
is($rc, 0, 'providers with every setting load') or diag($out);
unlike($out, qr/\[warn\]/, '... without a warning');

($rc, $out) = nginx_t("authgw \"t\" provider=a;\n authgw_audience off;",
                      $pv . "authgw_audience legacy-api;");
is($rc, 0, 'authgw_audience off beside provider=, under an outer audience: '
           . 'loads') or diag($out);
unlike($out, qr/\[warn\]/, '... without a warning');

# inherited settings of the blocks without providers are no error there
($rc, $out) = nginx_t("authgw \"t\" provider=a;\n authgw_cache off;",
                      $pv . "authgw_key_file $keys/jwks.json;\n"
                      . " authgw_cache 16; authgw_key_refresh 2s;"
                      . " authgw_algorithms ES256; authgw_user_id_claim uid;"
                      . " authgw_user_id_key_file $keys/uid32.key;"
                      . " authgw_provider u { issuer https://u.example;"
                      . " key_file $keys/ec256.pub.pem; user_id_claim uid;"
                      . " user_id_key_file $keys/uid32.key; }");
is($rc, 0, 'outer settings for blocks without providers, authgw_cache off '
           . 'beside provider=, a provider\'s own user id: load')
    or diag($out);
unlike($out, qr/\[warn\]/, '... without a warning');

# the standards of docs/directives.md: authgw_require_typ,
# authgw_max_lifetime, authgw_bypass_cors_preflight,
# authgw_resource_metadata, authgw_protected_resource

my $on = "authgw \"t\";\n authgw_key_file $keys/rsa.pub.pem;\n";

for my $c (
    [ "authgw_max_lifetime 0;", qr/"authgw_max_lifetime" directive must be at least 1s, or off/,
      'authgw_max_lifetime 0' ],
    [ "authgw_max_lifetime forever;", qr/"authgw_max_lifetime" directive has an invalid value/,
      'authgw_max_lifetime that is not a time' ],
    [ "authgw_max_lifetime off;\n authgw_max_lifetime 1h;",
      qr/"authgw_max_lifetime" directive is duplicate/, 'authgw_max_lifetime off, then a time' ],
    [ "authgw_require_typ application/;",
      qr/"authgw_require_typ": "application\/" is not a media type without parameters/,
      'a type without a subtype' ],
    [ "authgw_require_typ \"at+jwt; v=1\";",
      qr/"at\+jwt; v=1" is not a media type without parameters/, 'a type with parameters' ],
    [ "authgw_require_typ a/b/c;", qr/"a\/b\/c" is not a media type/, 'a type with two slashes' ],
    [ "authgw_require_typ \"\";", qr/"" is not a media type/, 'an empty type' ],
    [ "authgw_require_typ at+jwt off;",
      qr/"authgw_require_typ" directive takes "off" alone/, 'off beside a type' ],
    [ "authgw_require_typ OFF;\n authgw_require_typ at+jwt;",
      qr/"authgw_require_typ" directive is duplicate/, 'OFF is off' ],
    [ "authgw_require_typ off;\n authgw_require_typ at+jwt;",
      qr/"authgw_require_typ" directive is duplicate/, 'authgw_require_typ off, then a type' ],
    [ "authgw_resource_metadata javascript:alert(1);",
      qr/"authgw_resource_metadata": "javascript:alert\(1\)" is not an https URL without a fragment/,
      'a resource_metadata URL that is not https' ],
    [ "location = /api/md { authgw_protected_resource https://api.example; }",
      qr/"authgw_protected_resource" in location "\/api\/md" serves a public document: give "authgw off" there/,
      'the document where authgw is on' ],
    [ "location = /api/md { authgw off; proxy_pass http://127.0.0.1:1;\n"
      . " authgw_protected_resource https://api.example; }",
      qr/"authgw_protected_resource" directive conflicts with another directive that makes the response/,
      'the document after proxy_pass' ],
    [ "location = /api/md { authgw off; authgw_protected_resource https://api.example;\n"
      . " proxy_pass http://127.0.0.1:1; }",
      qr/"authgw_protected_resource" in location "\/api\/md" conflicts with another directive that makes the response there/,
      'the document before proxy_pass' ],
    [ "authgw_max_lifetime 1h;\n authgw_max_lifetime 2h;",
      qr/"authgw_max_lifetime" directive is duplicate/, 'authgw_max_lifetime twice' ],
    [ "authgw_require_typ;", qr/invalid number of arguments in "authgw_require_typ"/,
      'authgw_require_typ without a type' ],
    [ "authgw_bypass_cors_preflight yes;",
      qr/invalid value "yes" in "authgw_bypass_cors_preflight"/,
      'authgw_bypass_cors_preflight neither on nor off' ],
    [ "authgw_resource_metadata a b;",
      qr/invalid number of arguments in "authgw_resource_metadata"/,
      'authgw_resource_metadata with two URLs' ],
    [ "authgw_protected_resource http://api.example;",
      qr/the resource "http:\/\/api.example" is not an https URL without a fragment/,
      'a resource that is not https' ],
    [ "authgw_protected_resource https://api.example/#x;",
      qr/is not an https URL without a fragment/, 'a resource with a fragment' ],
    [ "authgw_protected_resource https://api.example authorization_server=https://idp.example/?a=1;",
      qr/"authorization_server=https:\/\/idp.example\/\?a=1" has a query, which an issuer never has/,
      'an authorization server with a query' ],
    [ "authgw_protected_resource https://api.example authorization_server=http://idp.example;",
      qr/"authorization_server=http:\/\/idp.example" is not an https URL/,
      'an authorization server over http' ],
    [ "authgw_protected_resource https://api.example \"scope=a b\";",
      qr/"scope=a b" is not a scope token \(RFC 6749 3.3\)/, 'a scope with a space' ],
    [ "authgw_protected_resource https://api.example scope=a scope=a;",
      qr/"scope=a" is duplicate/, 'a scope twice' ],
    [ "authgw_protected_resource https://api.example bearer_method=cookie;",
      qr/"bearer_method=cookie" is not header, body or query/, 'an unknown bearer method' ],
    [ "authgw_protected_resource https://api.example resource_name=a resource_name=b;",
      qr/"resource_name=b" is duplicate/, 'resource_name twice' ],
    [ "authgw_protected_resource https://api.example colour=blue;",
      qr/unknown parameter "colour=blue"/, 'an unknown parameter' ],
    [ "authgw_protected_resource https://api.example scope;",
      qr/invalid parameter "scope"/, 'a parameter without a value' ],
    [ "authgw_protected_resource https://api.example \"resource_name=a\tb\";",
      qr/"resource_name=a\tb" has a control character/, 'a name with a tab' ],
    [ "authgw_protected_resource https://api.example scope=;",
      qr/"scope=" has no value/, 'an empty value' ],
    [ "authgw_protected_resource https://api.example \"resource_name=\xff\";",
      qr/is not UTF-8/, 'a name that is not UTF-8' ],
    [ "authgw_protected_resource https://a.example;\n authgw_protected_resource https://b.example;",
      qr/"authgw_protected_resource" directive is duplicate/, 'authgw_protected_resource twice' ],
) {
    ($rc, $out) = nginx_t($on . $c->[0]);
    isnt($rc, 0, "$c->[2] fails");
    like($out, $c->[1], '... and says why');
}

($rc, $out) = nginx_t($on . "authgw_require_typ at+jwt application/at+jwt;\n"
                      . " authgw_max_lifetime 15m;\n"
                      . " authgw_bypass_cors_preflight on;\n"
                      . " authgw_resource_metadata https://\$host/.well-known/"
                      . "oauth-protected-resource;\n"
                      . " location = /api/md { authgw off; authgw_protected_resource "
                      . "https://api.example/api authorization_server="
                      . "https://idp.example bearer_method=header scope=a:b "
                      . "resource_documentation=http://docs.example/ "
                      . "\"resource_name=Shop API\"; }");
is($rc, 0, 'the standards\' directives with every parameter load')
    or diag($out);
unlike($out, qr/\[warn\]/, '... without a warning');

($rc, $out) = nginx_t("authgw \"t\" provider=a;\n authgw_require_typ at+jwt;\n"
                      . " authgw_max_lifetime 1h;",
                      "authgw_provider a { issuer https://a.example;"
                      . " key_file $keys/rsa.pub.pem; }");
is($rc, 0, 'authgw_require_typ and authgw_max_lifetime beside provider=: '
           . 'load (they are the location\'s)') or diag($out);

($rc, $out) = nginx_t($on . "authgw_require_typ at+jwt;\n authgw_max_lifetime 1h;\n"
                      . " location /api/legacy { authgw_require_typ off;"
                      . " authgw_max_lifetime off; }");
is($rc, 0, 'authgw_require_typ off and authgw_max_lifetime off under outer '
           . 'values: load') or diag($out);
unlike($out, qr/\[warn\]/, '... without a warning');

($rc, $out) = nginx_t("authgw \"t\" provider=a;",
                      "authgw_provider a { issuer https://a.example;"
                      . " key_file $keys/rsa.pub.pem; max_lifetime 1h; }");
isnt($rc, 0, 'max_lifetime inside a provider block fails');

# sender-constrained tokens (docs/sender-constrained.md)

for my $c (
    [ "authgw_dpop yes;", qr/\[emerg\] .*invalid value "yes"/,
      'authgw_dpop yes' ],
    [ "authgw_dpop required;\n authgw_dpop_algorithms ES256 HS256;",
      qr/"HS256" is not an asymmetric algorithm: a DPoP proof is signed with the client's private key/,
      'an HMAC algorithm for proofs' ],
    [ "authgw_dpop_algorithms none;", qr/"none" is not an asymmetric algorithm/, 'none for proofs' ],
    [ "authgw_dpop_algorithms ES256;\n authgw_dpop_algorithms EdDSA;",
      qr/"authgw_dpop_algorithms" directive is duplicate/, 'authgw_dpop_algorithms twice' ],
    [ "authgw_dpop required;\n authgw_dpop_nonce_key $keys/uid16.key;",
      qr/the DPoP nonce key ".*uid16.key" must hold 32 to 1024 bytes/, 'a 16-byte nonce key' ],
    [ "authgw_dpop_nonce_key $keys/no-such.key;", qr/open\(\) ".*no-such.key" failed/,
      'a missing nonce key' ],
    [ "authgw_dpop_nonce_key $keys/uid32.key period=0;", qr/invalid period "period=0"/,
      'a nonce period of 0' ],
    [ "authgw_dpop_nonce_key $keys/uid32.key ttl=1m;", qr/invalid parameter "ttl=1m"/,
      'an unknown nonce key parameter' ],
    [ "authgw_dpop_nonce_key off period=1m;", qr/takes no period with "off"/, 'off with a period' ],
    [ "authgw_mtls always;", qr/\[emerg\] .*invalid value "always"/, 'authgw_mtls always' ],
    [ "authgw_mtls optional;\n authgw_mtls_certificate x-client-cert;",
      qr/"authgw_mtls_certificate" directive takes a variable/, 'a certificate source that is no variable' ],
    [ "authgw_dpop_window soon;", qr/"authgw_dpop_window" directive invalid value/, 'a window that is no time' ],
    [ "authgw_dpop_url api.example.com/x;", qr/"api.example.com\/x" is not an http or https URL a proof's htu could be/,
      'an authgw_dpop_url that no htu could be' ],
) {
    ($rc, $out) = nginx_t($on . $c->[0]);
    isnt($rc, 0, "$c->[2] fails");
    like($out, $c->[1], '... and says why');
}

($rc, $out) = nginx_t($on . "authgw_dpop required;", "authgw_dpop_replay_zone 16k;");
isnt($rc, 0, 'a replay zone under 8 pages fails');
like($out, qr/authgw_dpop_replay_zone of 16384 bytes is too small/, '... and says so');

($rc, $out) = nginx_t($on . "authgw_dpop optional;\n authgw_dpop_algorithms ES256 EdDSA;\n"
                      . " authgw_dpop_window 30s;\n authgw_dpop_url https://api.example\$request_uri;\n"
                      . " authgw_dpop_nonce_key $keys/uid32.key period=2m;\n"
                      . " authgw_mtls required;\n authgw_mtls_certificate \$http_x_client_cert;\n"
                      . " location /api/b { authgw_dpop required; authgw_dpop_nonce_key off;"
                      . " authgw_mtls_certificate off; }",
                      "authgw_dpop_replay_zone 1m;");
is($rc, 0, 'the sender-constraint directives with every parameter load')
    or diag($out);
unlike($out, qr/\[warn\]/, '... without a warning');

remove_tree($root);
