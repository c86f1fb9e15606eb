# docs/idp-quickstart.md as printed: its nginx block, with the host, ports
# and paths replaced (each replacement must match, so a change to the page
# that this test does not follow fails it), in front of a Keycloak
# stand-in served over TLS by the same nginx (a test CA, a certificate for
# keycloak.example.com, the realm's JWKS with an encryption key beside the
# signing key), with tokens shaped like Keycloak's. Every row of the
# page's table, the rotation without a refusal, the outage, and a server
# whose certificate the gateway does not trust.

use strict;
use warnings;

use lib '.';
use t::Server;
use Test::More;
use JSON::PP;

my $port  = ($ENV{TEST_NGINX_SERVER_PORT} || 1984) + 30;  # the gateway
my $kport = $port + 1;                                    # "Keycloak"
my $eport = $port + 2;                                    # the service
my $tool  = $ENV{AUTHGW_TOKEN} or die "AUTHGW_TOKEN is not set\n";

plan tests => 25;

my $root = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot") . "-quick";
my $dir = "$root-kc";
system('rm', '-rf', $dir);
mkdir $dir or die "$dir: $!";

sub run {
    my $out = `@_`;
    die "failed: @_\n" if $?;
    chomp $out;
    return $out;
}

# --- the test CA, Keycloak's certificate, and another CA

sub ca {
    my $name = shift;
    run("openssl req -x509 -newkey rsa:2048 -nodes -keyout $dir/$name.key"
        . " -out $dir/$name.crt -days 2 -subj /CN=$name 2>&1");
}
ca('ca');
ca('other-ca');
{
    open my $fh, '>', "$dir/san.ext" or die $!;
    print $fh "subjectAltName=DNS:keycloak.example.com\n";
    close $fh;
}
run("openssl req -newkey rsa:2048 -nodes -keyout $dir/kc.key -out $dir/kc.csr"
    . " -subj /CN=keycloak.example.com 2>&1");
run("openssl x509 -req -in $dir/kc.csr -CA $dir/ca.crt -CAkey $dir/ca.key"
    . " -CAcreateserial -out $dir/kc.crt -days 2 -extfile $dir/san.ext 2>&1");

# --- the realm's keys: RS256 signing keys, and an encryption key (its JWK
#     with "use": "enc", as Keycloak publishes one)

for my $k (qw(kc-1 kc-2 kc-enc)) {
    run("$tool keygen --type rsa --out $dir/$k.pem --pub $dir/$k.jwk"
        . " --format jwk --kid $k --alg RS256 --use sig");
}
run("$tool keygen --type rsa --out $dir/other.pem");

sub publish {
    my @kids = @_;
    my @keys;
    for my $k (@kids, 'kc-enc') {
        my $jwk = decode_json(do { local (@ARGV, $/) = "$dir/$k.jwk"; <> });
        if ($k eq 'kc-enc') {
            $jwk->{use} = 'enc';
            $jwk->{alg} = 'RSA-OAEP';
        }
        push @keys, $jwk;
    }
    open my $fh, '>', "$dir/certs.tmp" or die $!;
    print $fh encode_json({ keys => \@keys });
    close $fh;
    rename "$dir/certs.tmp", "$dir/certs" or die $!;
}
publish('kc-1');

my $iss = 'https://keycloak.example.com/realms/shop';

# a token as Keycloak issues one; %o overrides its claims
sub kc_token {
    my (%o) = @_;
    my $key = delete $o{key} // 'kc-1';
    my %c = (iss => $iss, typ => 'Bearer', azp => 'shop-web',
             sub => 'f1a2b3c4-0000-4000-8000-000000000001',
             preferred_username => 'alice', scope => 'openid profile email',
             session_state => 'a1b2', %o);
    my %json = (aud => ['orders-api', 'account'],
                realm_access => { roles => ['offline_access',
                                            'orders-reader'] });
    for my $k (keys %json) {
        $json{$k} = delete $c{$k} if exists $c{$k} && ref $c{$k};
        delete $json{$k} if exists $c{$k} && !defined $c{$k};
        delete $c{$k} if exists $c{$k} && !defined $c{$k};
    }
    my $args = join ' ', map { "--claim '$_=$c{$_}'" } sort keys %c;
    $args .= join '', map { " --claim-json '$_=" . encode_json($json{$_})
                            . "'" } sort keys %json;
    return run("$tool sign --alg RS256 --key $dir/$key.pem --kid $key"
               . " --exp-in 300 --iat $args");
}

# --- the page's configuration, its placeholders replaced

my $page = do { local (@ARGV, $/) = 'docs/idp-quickstart.md'; <> };
my ($block) = $page =~ /^```nginx\n(.*?)^```/ms or die "no nginx block\n";
my ($http) = $block =~ /^http \{\n(.*)^\}\s*\z/ms or die "no http block\n";

sub replace {
    my ($text, $from, $to) = @_;
    my $n = ($text =~ s/\Q$from\E/$to/g);
    die "the page no longer has \"$from\"\n" unless $n;
    return $text;
}

sub gateway_http {
    my $ca = shift;
    my $h = $http;
    $h = replace($h, 'listen 80;', "listen 127.0.0.1:$port;");
    $h = replace($h, 'https://keycloak.example.com/realms/shop/protocol',
                 "https://127.0.0.1:$kport/realms/shop/protocol");
    $h = replace($h, '/etc/ssl/certs/ca-certificates.crt', $ca);
    $h = replace($h, '/var/cache/nginx/keycloak', "$dir/cache-" . time);
    $h = replace($h, 'server 127.0.0.1:8081;', "server 127.0.0.1:$eport;");

    return $h . <<"_EOC_";

    log_format fetch '\$uri';

    # the Keycloak stand-in: the realm's keys over TLS
    server {
        listen 127.0.0.1:$kport ssl;
        ssl_certificate $dir/kc.crt;
        ssl_certificate_key $dir/kc.key;
        access_log $dir/fetches.log fetch;

        location = /realms/shop/protocol/openid-connect/certs {
            default_type application/json;
            alias $dir/certs;
        }
    }

    # the orders service: what it received
    server {
        listen 127.0.0.1:$eport;
        location / {
            return 200 "user=\$http_x_user roles=\$http_x_roles auth=[\$http_authorization]\\n";
        }
    }
_EOC_
}

my ($pid, $sroot) = start_nginx('quick', $port, gateway_http("$dir/ca.crt"),
                                master => 1, workers => 2);

sub get {
    my $r = http_get($port, '/orders/recent', @_);
    return 'no response' unless $r;
    return "$r->[0] $r->[2]" if $r->[0] == 200;
    my ($err) = ($r->[1]{'www-authenticate'} // '') =~ /error="([^"]+)"/;
    return "$r->[0]";
}

sub reason {
    my $re = shift;
    open my $fh, '<', "$sroot/logs/error.log" or return '';
    my @l = grep { /authgw: refused: $re/ } <$fh>;
    return scalar @l;
}

sub fetches {
    open my $fh, '<', "$dir/fetches.log" or return 0;
    return scalar grep { m{/certs} } <$fh>;
}

my $access = kc_token();
is(get($access), "200 user=alice roles=offline_access,orders-reader auth=[]\n",
   'an access token: the service gets the user and roles, not the token');
is(get(), '401', 'no token: 401');
is(reason('missing_token'), 1, '... missing_token');

is(get(kc_token(typ => 'ID', aud => ['shop-web'])), '401',
   'an ID token: 401');
is(reason('bad_audience: aud \["shop-web"\]'), 1, '... bad_audience');

is(get(kc_token(typ => 'ID')), '403',
   'an ID token naming orders-api: 403');
like(do { open my $fh, '<', "$sroot/logs/error.log"; local $/; <$fh> },
     qr/refused: claim_mismatch: claim "typ" is "ID", none of the values authgw_require_claim gives: "Bearer"/,
     '... claim_mismatch on typ');

is(get(kc_token(aud => ['account'])), '401',
   'the default audience only: 401');
is(reason('bad_audience: aud \["account"\]'), 1, '... bad_audience');

is(get(kc_token(azp => 'admin-cli')), '403', 'another client: 403');
is(get(kc_token(realm_access => { roles => ['offline_access'] })), '403',
   'without the role: 403');
is(reason('claim_mismatch'), 3, '... claim_mismatch, for typ, azp, role');

is(get(kc_token(iss => 'https://keycloak.example.com/realms/other')), '401',
   'another realm: 401');
is(reason('bad_issuer'), 1, '... bad_issuer');

{
    my $hs = run("$tool sign --alg HS256 --key $ENV{TEST_NGINX_KEYS}/hs256.key"
                 . " --claim iss=$iss --claim typ=Refresh --exp-in 300");
    is(get($hs), '401', 'an HS256 token (a refresh token): 401');
    is(reason('alg_not_allowed'), 1, '... alg_not_allowed');
}

is(reason('unknown_kid|keys_unavailable'), 0,
   'no refusal for the keys: the encryption key was left aside');

# --- rotation: Keycloak publishes kc-2 and signs with it at once, on both
#     workers, past the cache

my $before = fetches();
publish('kc-1', 'kc-2');
my $ok = 0;
for (1 .. 6) {
    # a worker that fetched less than authgw_key_refresh (5 s) ago waits
    # for its next fetch: up to that long, so the client waits longer
    my $raw = exchange($port, "GET /orders/recent HTTP/1.1\r\nHost: x\r\n"
                       . "Connection: close\r\nAuthorization: Bearer "
                       . kc_token(key => 'kc-2') . "\r\n\r\n", 1, 15);
    $ok++ if $raw =~ m{\AHTTP/1\.1 200 };
}
is($ok, 6, 'rotation: 6 of 6 tokens of the new key accepted');
cmp_ok(fetches() - $before, '<=', 2,
       'rotation: at most one fetch of Keycloak per worker');
cmp_ok(fetches() - $before, '>=', 1, 'rotation: which fetched the new key');

# --- outage: Keycloak's keys are gone; the keys at hand still serve

unlink "$dir/certs";
is(get($access) =~ /^200 / ? 1 : 0, 1,
   'outage: a token of a known key is still accepted');
{
    # within authgw_key_refresh (5 s) of the rotation's fetch: it waits for
    # the next fetch, which fails, then it is refused
    my $t = kc_token(key => 'other');
    my $raw = exchange($port, "GET /orders/recent HTTP/1.1\r\nHost: x\r\n"
                       . "Connection: close\r\nAuthorization: Bearer $t"
                       . "\r\n\r\n", 1, 10);
    like($raw, qr{\AHTTP/1\.1 401 }, 'outage: an unknown key is still refused');
}

stop_nginx($pid);

# --- a gateway that does not trust the server's certificate: no keys

publish('kc-1');
my ($pid2, $sroot2) = start_nginx('quick-mitm', $port,
                                  gateway_http("$dir/other-ca.crt"));
is(get($access), '503', 'an untrusted certificate: no keys, 503');
my $log = do { open my $fh, '<', "$sroot2/logs/error.log"; local $/; <$fh> };
like($log, qr/upstream SSL certificate verify error/,
     'nginx logs why the fetch failed');
like($log, qr/authgw: key fetch from "\/_keycloak_jwks" failed: /,
     'and authgw that it did');
stop_nginx($pid2);
