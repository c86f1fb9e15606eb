# Named identity providers (authgw_provider) and OpenID Connect discovery.
# A provider nginx plays several identity providers, each with metadata
# (.well-known/openid-configuration) and a JWK Set that this test rewrites;
# one of them over TLS. Shown: the token's issuer chooses the keys and
# rules (a key of one provider never verifies a token that names another;
# the same kid at two providers is two keys; audience and algorithms per
# provider, and the location's audience over them); an unknown issuer is
# refused with no fetch; discovery, the first fetch, rotation without a
# reload; metadata refused (issuer mismatch, jwks_uri on another origin,
# http, not JSON, too large); a provider down at start and during
# service; a flood of issuers and kids; $authgw_provider, the log lines
# and the metrics by provider.
# Fetches are counted in the provider's access log.

use strict;
use warnings;

use lib '.';
use t::Server;
use Test::More;
use Time::HiRes qw(sleep time);

# (+50: 2034 by default; 2024 is taken by the machine's own agent)
my $port   = ($ENV{TEST_NGINX_SERVER_PORT} || 1984) + 50;  # the gateway
my $pport  = $port + 1;     # the identity providers, over http
my $tport  = $port + 2;     # one of them over TLS
my $oport  = $port + 3;     # another origin of the same host
my $eport  = $port + 4;     # the service: what it received
my $gone   = $port + 5;     # nothing listens here
my $tool   = $ENV{AUTHGW_TOKEN} or die "AUTHGW_TOKEN is not set\n";

my $slow_k = $ENV{TEST_NGINX_USE_VALGRIND} ? 3 : 1;

plan tests => 84;

my $root = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot")
           . "-providers";
my $dir = "$root-idp";
system('rm', '-rf', $dir);
mkdir $dir or die "$dir: $!";

sub run {
    my $out = `@_`;
    die "failed: @_\n" if $?;
    chomp $out;
    return $out;
}

# staff signs with P-256 keys, partners with RSA ones; each has a key with
# the kid "k1". ops has key files, and a "k1" of its own too.
run("$tool keygen --type ec --crv P-256 --out $dir/staff-k1.pem"
    . " --pub $dir/staff-k1.jwk --format jwk --kid k1");
run("$tool keygen --type ec --crv P-256 --out $dir/staff-k2.pem"
    . " --pub $dir/staff-k2.jwk --format jwk --kid k2");
run("$tool keygen --type rsa --out $dir/partners-k1.pem"
    . " --pub $dir/partners-k1.jwk --format jwk --kid k1");
run("$tool keygen --type ec --crv P-256 --out $dir/ops-k1.pem"
    . " --pub $dir/ops-k1.jwk --format jwk --kid k1");
run("$tool keygen --type ec --crv P-256 --out $dir/other.pem"
    . " --pub $dir/other.jwk --format jwk --kid k1");
for my $p (qw(move stay cmove)) {
    run("$tool keygen --type ec --crv P-256 --out $dir/$p-k2.pem"
        . " --pub $dir/$p-k2.jwk --format jwk --kid k2");
}
my $keys = $ENV{TEST_NGINX_KEYS} or die "TEST_NGINX_KEYS is not set\n";
for my $p (qw(tls late foreign allowed plain mism notjson big move fast
              stay cmove lazy)) {
    run("$tool keygen --type ec --crv P-256 --out $dir/$p-k1.pem"
        . " --pub $dir/$p-k1.jwk --format jwk --kid k1");
}

# a CA and the TLS provider's certificate, for 127.0.0.1
run("openssl req -x509 -newkey rsa:2048 -nodes -keyout $dir/ca.key"
    . " -out $dir/ca.crt -days 2 -subj /CN=ca 2>&1");
{
    open my $fh, '>', "$dir/san.ext" or die $!;
    print $fh "subjectAltName=IP:127.0.0.1\n";
    close $fh;
}
run("openssl req -newkey rsa:2048 -nodes -keyout $dir/idp.key"
    . " -out $dir/idp.csr -subj /CN=127.0.0.1 2>&1");
run("openssl x509 -req -in $dir/idp.csr -CA $dir/ca.crt -CAkey $dir/ca.key"
    . " -CAcreateserial -out $dir/idp.crt -days 2 -extfile $dir/san.ext 2>&1");

sub iss {
    my $name = shift;
    return $name eq 'tls' ? "https://127.0.0.1:$tport/tls"
         : $name eq 'ops' ? 'https://ops.example.com'
         : "http://127.0.0.1:$pport/$name";
}

sub write_file {
    my ($file, $text) = @_;
    my ($d) = $file =~ m{^(.*)/};
    system('mkdir', '-p', "$dir/www/$d") if $d;
    open my $fh, '>', "$dir/www/$file.tmp" or die $!;
    print $fh $text;
    close $fh;
    rename "$dir/www/$file.tmp", "$dir/www/$file" or die $!;
}

# a provider's metadata (its issuer and jwks_uri unless given) and keys
sub publish {
    my ($name, %o) = @_;
    my $iss = $o{issuer} // iss($name);
    my $jwks = $o{jwks_uri} // iss($name) . '/jwks';
    write_file("$name/.well-known/openid-configuration",
               $o{meta} // "{\"issuer\":\"$iss\",\"jwks_uri\":\"$jwks\","
                           . "\"id_token_signing_alg_values_supported\":"
                           . "[\"ES256\",\"RS256\"]}");
    my @keys = @{ $o{keys} // ["$name-k1"] };
    write_file("$name/jwks", run("$tool jwks "
                                 . join(' ', map { "$dir/$_.jwk" } @keys)));
}

sub unpublish {
    my $name = shift;
    unlink "$dir/www/$name/.well-known/openid-configuration",
           "$dir/www/$name/jwks";
}

publish('staff');
publish('partners');
publish('tls');
publish('foreign', jwks_uri => "http://127.0.0.1:$oport/foreign/jwks");
publish('allowed', jwks_uri => "http://127.0.0.1:$oport/allowed/jwks");
publish('plain');
publish('mism', issuer => iss('mism') . '/');
publish('notjson', meta => "<html>not metadata</html>\n");
publish('move');
publish('fast');
publish('stay');
publish('cmove');
publish('lazy');
unlink "$dir/www/lazy/jwks";
publish('big', meta => '{"issuer":"' . iss('big') . '","jwks_uri":"'
                       . iss('big') . '/jwks","x":"' . ('x' x 2000) . '"}');
run("$tool jwks $dir/ops-k1.jwk > $dir/ops.jwks");

# a token of provider NAME signed with KEY (NAME-k1 unless said)
sub token {
    my ($name, %o) = @_;
    my $key = $o{key} // "$name-k1";
    my ($kid) = $key =~ /-(k\d)$/;
    $kid = $o{kid} // $kid // 'k1';
    my $alg = $key =~ /^partners/ ? 'RS256' : 'ES256';
    my %c = (sub => "user-of-$name", iss => $o{iss} // iss($name),
             aud => $o{aud} // "$name-api", %{ $o{claims} // {} });
    delete $c{iss} if $o{no_iss};
    my $args = join ' ', map { "--claim '$_=$c{$_}'" } sort keys %c;
    $args .= " --claim-json 'aud=$o{aud_json}'" if $o{aud_json};
    $args .= " --user-id $o{user_id} --user-id-key $keys/uid32.key"
        if $o{user_id};
    return run("$tool sign --alg $alg --key $dir/$key.pem --kid $kid"
               . " --exp-in 300 $args");
}

my $http = <<"_EOC_";
    log_format fetch '\$server_port \$uri';
    map \$authgw_user_id \$uid_part { "" ""; default "/uid=\$authgw_user_id"; }
    log_format seen '\$uri [\$http_authorization|\$http_cookie|\$http_x_client]'
                    ' [\$http_x_provider|\$http_x_sub|\$http_x_user]'
                    ' \$http_x_request_uri';
    proxy_cache_path $dir/cache keys_zone=idp:1m;
    resolver_timeout 1s;

    # the identity providers
    server {
        listen 127.0.0.1:$pport;
        listen 127.0.0.1:$oport;
        access_log $dir/fetches.log fetch;
        access_log $dir/seen.log seen;
        root $dir/www;
        default_type application/json;

        location = /fast/jwks {
            add_header Cache-Control "max-age=0";
        }
    }

    server {
        listen 127.0.0.1:$tport ssl;
        ssl_certificate $dir/idp.crt;
        ssl_certificate_key $dir/idp.key;
        access_log $dir/fetches.log fetch;
        access_log $dir/seen.log seen;
        root $dir/www;
        default_type application/json;
    }

    # the service
    server {
        listen 127.0.0.1:$eport;
        location / {
            return 200 "provider=\$http_x_provider sub=\$http_x_sub\$http_x_user\\n";
        }
    }

    authgw_provider staff {
        issuer http://127.0.0.1:$pport/staff;
        discovery /_authgw/fetch;
        jwks_http on;
        audience staff-api shared-api;
        algorithms ES256;
        key_refresh 1s;
        discovery_refresh 2s;
        user_id_claim uid optional;
        user_id_key_file $keys/uid32.key;
    }

    authgw_provider partners {
        issuer http://127.0.0.1:$pport/partners;
        discovery /_authgw/fetch;
        jwks_http on;
        audience partners-api shared-api;
        algorithms RS256;
        key_refresh 1s;
    }

    authgw_provider ops {
        issuer https://ops.example.com;
        key_file $dir/ops.jwks;
        algorithms ES256;
        audience ops-api;
    }

    authgw_provider tls {
        issuer https://127.0.0.1:$tport/tls;
        discovery /_authgw/fetch_tls;
        audience tls-api;
    }

    authgw_provider late    { issuer http://127.0.0.1:$pport/late; discovery /_authgw/fetch; jwks_http on; audience late-api; key_refresh 1s; }
    authgw_provider gone    { issuer http://127.0.0.1:$gone/gone; discovery /_authgw/fetch; jwks_http on; key_refresh 1s; }
    authgw_provider foreign { issuer http://127.0.0.1:$pport/foreign; discovery /_authgw/fetch; jwks_http on; key_refresh 1s; }
    authgw_provider allowed { issuer http://127.0.0.1:$pport/allowed; discovery /_authgw/fetch; jwks_http on; jwks_origin http://127.0.0.1:$oport; audience allowed-api; key_refresh 1s; }
    authgw_provider plain   { issuer http://127.0.0.1:$pport/plain; discovery /_authgw/fetch; key_refresh 1s; }
    authgw_provider mism    { issuer http://127.0.0.1:$pport/mism; discovery /_authgw/fetch; jwks_http on; key_refresh 1s; }
    authgw_provider notjson { issuer http://127.0.0.1:$pport/notjson; discovery /_authgw/fetch; jwks_http on; key_refresh 1s; }
    authgw_provider move    { issuer http://127.0.0.1:$pport/move; discovery /_authgw/fetch; jwks_http on; audience move-api; key_refresh 1s; key_cache 1s; }
    authgw_provider fast    { issuer http://127.0.0.1:$pport/fast; discovery /_authgw/fetch; jwks_http on; audience fast-api; key_refresh 1s; discovery_refresh 1s; }
    authgw_provider stay    { issuer http://127.0.0.1:$pport/stay; discovery /_authgw/fetch; jwks_http on; audience stay-api; key_refresh 1s; }
    authgw_provider cmove   { issuer http://127.0.0.1:$pport/cmove; discovery /_authgw/fetch_cached; jwks_http on; audience cmove-api; key_refresh 1s; key_cache 1s; }
    authgw_provider lazy    { issuer http://127.0.0.1:$pport/lazy; discovery /_authgw/fetch; jwks_http on; audience lazy-api; key_refresh 1s; }
    authgw_provider big     { issuer http://127.0.0.1:$pport/big; discovery /_authgw/fetch; jwks_http on; key_request_max_size 1k; key_refresh 1s; }

    server {
        listen 127.0.0.1:$port;

        # set for every location, the fetch locations among them
        proxy_set_header X-Provider \$authgw_provider;
        proxy_set_header X-Sub \$authgw_claim_sub;
        proxy_set_header X-Request-Uri \$request_uri;
        authgw_set_header X-User \$uid_part;

        location = /_authgw/fetch {
            internal;
            proxy_pass \$authgw_fetch_url;
        }

        location = /_authgw/fetch_cached {
            internal;
            proxy_pass \$authgw_fetch_url;
            proxy_cache idp;
            proxy_cache_valid 200 1m;
            proxy_cache_bypass \$authgw_key_refetch;
        }

        location = /_authgw/fetch_tls {
            internal;
            proxy_pass \$authgw_fetch_url;
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate $dir/ca.crt;
        }

        location /staff    { authgw "staff" provider=staff; proxy_pass http://127.0.0.1:$eport; }
        location /all      { authgw "all" provider=staff,partners,ops; proxy_pass http://127.0.0.1:$eport; }
        location /shared   { authgw "shared" provider=staff,partners; authgw_audience shared-api; proxy_pass http://127.0.0.1:$eport; }
        location /tls      { authgw "tls" provider=tls; proxy_pass http://127.0.0.1:$eport; }
        location /late     { authgw "late" provider=late; proxy_pass http://127.0.0.1:$eport; }
        location /gone     { authgw "gone" provider=gone; proxy_pass http://127.0.0.1:$eport; }
        location /foreign  { authgw "f" provider=foreign; proxy_pass http://127.0.0.1:$eport; }
        location /allowed  { authgw "a" provider=allowed; proxy_pass http://127.0.0.1:$eport; }
        location /plain    { authgw "p" provider=plain; proxy_pass http://127.0.0.1:$eport; }
        location /mism     { authgw "m" provider=mism; proxy_pass http://127.0.0.1:$eport; }
        location /notjson  { authgw "n" provider=notjson; proxy_pass http://127.0.0.1:$eport; }
        location /big      { authgw "b" provider=big; proxy_pass http://127.0.0.1:$eport; }
        location /move     { authgw "mv" provider=move; proxy_pass http://127.0.0.1:$eport; }
        location /fast     { authgw "fa" provider=fast; proxy_pass http://127.0.0.1:$eport; }
        location /and      {
            authgw "and" provider=staff;
            authgw_audience other-api;
            proxy_pass http://127.0.0.1:$eport;

            location /and/off {
                authgw_audience off;
                proxy_pass http://127.0.0.1:$eport;
            }
        }
        location /stay     { authgw "st" provider=stay; proxy_pass http://127.0.0.1:$eport; }
        location /cmove    { authgw "cm" provider=cmove; proxy_pass http://127.0.0.1:$eport; }
        location /lazy     { authgw "lz" provider=lazy; proxy_pass http://127.0.0.1:$eport; }

        # today's directives beside them: one unnamed provider
        location /legacy {
            authgw "legacy";
            authgw_key_file $dir/ops.jwks;
            authgw_issuer https://ops.example.com;
            proxy_pass http://127.0.0.1:$eport;
        }

        location = /metrics { authgw_status; allow 127.0.0.1; deny all; }
    }
_EOC_

my ($pid, $sroot) = start_nginx('providers', $port, $http);

sub get {
    my ($path, $token) = @_;
    my $r = http_get($port, $path, $token);
    return 'no response' unless $r;
    return "$r->[0] $r->[2]" if $r->[0] == 200;
    my ($err) = ($r->[1]{'www-authenticate'} // '') =~ /error="([^"]+)"/;
    return "$r->[0]" . ($err ? " $err" : '');
}

sub error_log {
    open my $fh, '<', "$sroot/logs/error.log" or return '';
    local $/;
    return <$fh>;
}

# the lines of the error log that match, since the mark
my $mark = 0;
sub logged {
    my $re = shift;
    my $log = substr(error_log(), $mark);
    my @l = grep { /$re/ } split /\n/, $log;
    return scalar @l;
}
sub mark { $mark = length error_log() }

sub fetches {
    my $re = shift // qr/./;
    open my $fh, '<', "$dir/fetches.log" or return 0;
    return scalar grep { /$re/ } <$fh>;
}

# a provider moves its keys to NAME/jwks2, which holds KEYS
sub move_keys {
    my ($name, @keys) = @_;
    write_file("$name/jwks2", run("$tool jwks "
                                  . join(' ', map { "$dir/$_.jwk" } @keys)));
    write_file("$name/.well-known/openid-configuration",
               '{"issuer":"' . iss($name) . '","jwks_uri":"' . iss($name)
               . '/jwks2"}');
}

# the answer to PATH with TOKEN once it is a 200, or the last of 24 tries
# half a second apart
sub until_ok {
    my ($path, $token) = @_;
    my $got = '';
    for (1 .. 24) {
        $got = get($path, $token);
        last if $got =~ /^200/;
        sleep 0.5;
    }
    return $got;
}

# --- discovery and the first fetch: only the provider the token names

my $staff = token('staff');
is(get('/staff/x', $staff), "200 provider=staff sub=user-of-staff\n",
   'a staff token: accepted, $authgw_provider is staff');
is(fetches(qr{ /staff/\.well-known/openid-configuration$}), 1,
   '... the staff metadata fetched once');
is(fetches(qr{ /staff/jwks$}), 1, '... then its keys, from its jwks_uri');
is(fetches(qr{/partners/}), 0, '... nothing of the other providers');
like(error_log(), qr{provider staff has its keys at "http://127\.0\.0\.1:$pport/staff/jwks"},
     '... the log names where its keys are');

my $partners = token('partners');
is(get('/all/x', $partners), "200 provider=partners sub=user-of-partners\n",
   'a partners token where three providers are taken');
is(get('/all/x', $staff), "200 provider=staff sub=user-of-staff\n",
   '... and a staff token there');
is(get('/all/x', token('ops')), "200 provider=ops sub=user-of-ops\n",
   '... and an ops token (its keys from a file)');
is(get('/staff/x', $partners), '401 invalid_token',
   'a partners token at the staff-only service: 401');
is(logged(qr{refused: bad_issuer: iss "http://127\.0\.0\.1:$pport/partners" is the issuer of none of this location's providers}),
   1, '... bad_issuer, naming the token\'s issuer');

# --- a key of one provider never verifies a token naming another

mark();
is(get('/all/x', token('staff', key => 'ops-k1')), '401 invalid_token',
   'signed by ops\' k1, claiming staff: 401');
is(logged(qr/refused: bad_signature.*\(provider staff\)/), 1,
   '... bad_signature: only staff\'s k1 was tried');
is(get('/all/x', token('ops', key => 'staff-k1')), '401 invalid_token',
   'signed by staff\'s k1, claiming ops: 401');
is(logged(qr/refused: bad_signature.*\(provider ops\)/), 1,
   '... bad_signature with ops\' k1');
is(get('/all/x', token('partners', key => 'staff-k1')), '401 invalid_token',
   'signed by staff\'s k1 (ES256), claiming partners (RS256 only): 401');
is(logged(qr/refused: alg_not_allowed.*\(provider partners\)/), 1,
   '... alg_not_allowed: the provider\'s algorithms');
is(get('/all/x', token('staff', key => 'other', kid => 'k1')),
   '401 invalid_token', 'a key no provider has, kid k1, claiming staff: 401');

# --- the token's claims: the provider's rules

mark();
is(get('/all/x', token('staff', aud => 'partners-api')), '401 invalid_token',
   'a staff token for the partners\' audience: 401');
is(logged(qr/refused: bad_audience.*\(provider staff\)/), 1,
   '... bad_audience: staff\'s audience applies');
is(get('/all/x', token('partners', aud => 'partners-api')),
   "200 provider=partners sub=user-of-partners\n",
   '... and that audience is the partners\' own');
is(get('/shared/x', $staff), '401 invalid_token',
   'where authgw_audience is shared-api: staff-api is refused');
is(get('/shared/x', token('staff', aud => 'shared-api')),
   "200 provider=staff sub=user-of-staff\n",
   '... and shared-api accepted, for staff');
is(get('/shared/x', token('partners', aud => 'shared-api')),
   "200 provider=partners sub=user-of-partners\n", '... and for partners');

# --- no issuer, an unknown issuer: refused before any key or fetch

my $before = fetches();
mark();
is(get('/all/x', token('staff', no_iss => 1)), '401 invalid_token',
   'no iss: 401');
is(logged(qr/refused: bad_issuer: the token has no "iss" string/), 1,
   '... bad_issuer');
is(get('/all/x', token('staff', iss => 'http://127.0.0.1:1/evil')),
   '401 invalid_token', 'an unknown issuer: 401');
is(get('/all/x', token('staff', iss => iss('staff') . '/')),
   '401 invalid_token', 'the staff issuer with a slash added: 401');
is(get('/all/x', token('staff', iss => iss('tls'))), '401 invalid_token',
   'the issuer of a provider the location does not use: 401');
is(fetches(), $before, '... and no fetch for any of them');

# --- the same configuration without providers works as before

is(get('/legacy/x', token('ops')), "200 provider= sub=user-of-ops\n",
   'authgw_key_file and authgw_issuer alone: as before, no provider');
is(get('/legacy/x', $staff), '401 invalid_token',
   '... and a token of another issuer refused there');

# --- TLS, as a real provider serves it

{
    my $t = token('tls');
    my ($r) = parse_responses(exchange($port,
        "GET /tls/x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        . "Authorization: Bearer $t\r\nCookie: session=s3cr3t\r\n"
        . "X-Client: c1\r\n\r\n", 1));
    is($r ? "$r->[0] $r->[2]" : 'no response',
       "200 provider=tls sub=user-of-tls\n",
       'a provider over TLS: metadata and keys through a verified connection');
    open my $fh, '<', "$dir/seen.log" or die $!;
    my @seen = grep { m{^/tls/} } <$fh>;
    is(join("", @seen), "/tls/.well-known/openid-configuration [-|-|-] [-|-|-]"
                        . " /_authgw/fetch_tls\n"
                        . "/tls/jwks [-|-|-] [-|-|-] /_authgw/fetch_tls\n",
       '... the fetches carry none of the client\'s headers, nor any the '
       . 'module sets from its token');
}

# --- rotation without a reload

publish('staff', keys => ['staff-k1', 'staff-k2']);
sleep 1.1;
my $k2 = token('staff', key => 'staff-k2');
is(get('/staff/x', $k2), "200 provider=staff sub=user-of-staff\n",
   'staff publishes k2 and signs with it: accepted, no reload');
is(fetches(qr{ /staff/jwks$}), 2, '... one more fetch of its keys');
is(fetches(qr{ /partners/jwks$}), 1, '... none of the partners\'');
is(get('/all/x', $partners), "200 provider=partners sub=user-of-partners\n",
   '... partners tokens unaffected');

# --- the location's audience as well as the provider's

mark();
is(get('/and/x', $staff), '401 invalid_token',
   'a staff token without the location\'s audience: 401');
is(logged(qr/refused: bad_audience: .*other-api.*\(provider staff\)/), 1,
   '... bad_audience, naming the location\'s');
is(get('/and/x', token('staff', aud_json => '["staff-api","other-api"]')),
   "200 provider=staff sub=user-of-staff\n",
   '... with both audiences: 200');
is(get('/and/x', token('staff', aud => 'other-api')), '401 invalid_token',
   '... with the location\'s alone: 401 (the provider\'s is unmet)');
is(get('/and/off/x', $staff), "200 provider=staff sub=user-of-staff\n",
   'authgw_audience off inside it: the provider\'s audience alone');

# --- the user id is the provider's: another provider's token never has one

{
    my $t = token('staff', user_id => 'u-77');
    is(get('/all/x', $t), "200 provider=staff sub=user-of-staff/uid=u-77\n",
       'a staff token with an encrypted user id: decrypted with staff\'s key');
    my ($payload) = (split /\n/, run("$tool decode $t"))[1];
    my ($uid) = $payload =~ /"uid":"([^"]+)"/;
    is(get('/all/x', token('partners', claims => { uid => $uid })),
       "200 provider=partners sub=user-of-partners\n",
       '... the same user id claim in a partners token: no user id');
}

# --- metadata that are refused

mark();
is(get('/mism/x', token('mism')), '503',
   'metadata with another issuer: 503');
is(logged(qr{metadata fetch from "/_authgw/fetch" failed: the metadata are refused: its issuer "http://127\.0\.0\.1:$pport/mism/" is not the one configured.*\(provider mism\)}),
   1, '... logged: the issuer is not the one configured');
is(fetches(qr{ /mism/jwks$}), 0, '... and its keys never fetched');

is(get('/foreign/x', token('foreign')), '503',
   'a jwks_uri on another origin: 503');
is(logged(qr{its jwks_uri "http://127\.0\.0\.1:$oport/foreign/jwks" is not on the issuer's origin, and no jwks_origin allows http://127\.0\.0\.1:$oport}),
   1, '... logged, with the origin');
is(fetches(qr{^$oport /foreign/}), 0, '... and nothing fetched there');

is(get('/allowed/x', token('allowed')),
   "200 provider=allowed sub=user-of-allowed\n",
   'the same, where jwks_origin allows that origin: 200');
is(fetches(qr{^$oport /allowed/jwks$}), 1, '... its keys from there');

is(get('/plain/x', token('plain')), '503',
   'an http jwks_uri without jwks_http: 503');
is(logged(qr{its jwks_uri "http://127\.0\.0\.1:$pport/plain/jwks" is not an https URL}),
   1, '... logged');

is(get('/notjson/x', token('notjson')), '503', 'metadata not JSON: 503');
is(logged(qr{the metadata are refused: not a JSON object}), 1, '... logged');

is(get('/big/x', token('big')), '503', 'metadata over the size limit: 503');
is(logged(qr{metadata fetch .* failed: the answer is too large: \d+ bytes, more than authgw_key_request_max_size \(1024\)}),
   1, '... logged');

# --- a provider down at start, then up; down during service

is(get('/gone/x', token('staff', iss => "http://127.0.0.1:$gone/gone")), '503',
   'a provider that refuses connections: 503');
is(logged(qr{metadata fetch from "/_authgw/fetch" failed: no connection to the provider: refused or unreachable \(502\); no keys can be fetched until it succeeds \(provider gone\)}),
   1, '... logged');

is(get('/late/x', token('late')), '503', 'a provider not there yet: 503');
publish('late');
sleep 1.1;
is(get('/late/x', token('late')), "200 provider=late sub=user-of-late\n",
   '... once it is, the next request after the interval: 200');

unpublish('staff');
sleep 2.1;
mark();
is(get('/staff/x', $k2), "200 provider=staff sub=user-of-staff\n",
   'staff down during service: its last keys stay in use');
sleep 0.3;
is(logged(qr{metadata fetch from "/_authgw/fetch" failed: the answer has status 404, not 200; the last good metadata stay in use \(provider staff\)}),
   1, '... the failed metadata refresh logged');
is(get('/staff/x', $staff), "200 provider=staff sub=user-of-staff\n",
   '... and k1 still accepted');

publish('staff', keys => ['staff-k2']);

# --- a provider that moves its keys, and keys that are always due

is(get('/move/x', token('move')), "200 provider=move sub=user-of-move\n",
   'the move provider at its first place');
move_keys('move', 'move-k1', 'move-k2');
unlink "$dir/www/move/jwks";
{
    is(until_ok('/move/x', token('move', key => 'move-k2')),
       "200 provider=move sub=user-of-move\n",
       'it moves its keys: its key fetch fails, its metadata say where, '
       . 'a token of its new key passes, no reload');
    cmp_ok(fetches(qr{ /move/\.well-known/openid-configuration$}), '>=', 2,
           '... its metadata fetched again, before discovery_refresh');
}

# the old place still serves the old keys, without the new kid
move_keys('stay', 'stay-k1', 'stay-k2');
{
    is(until_ok('/stay/x', token('stay', key => 'stay-k2')),
       "200 provider=stay sub=user-of-stay\n",
       'it moves its keys and the old place still answers, without the new '
       . 'kid: the metadata are fetched again after that kid\'s refetch');
    is(fetches(qr{ /stay/jwks2$}), 1, '... and the new place used');
}

# the same move behind the fetch location's proxy_cache
is(get('/cmove/x', token('cmove')), "200 provider=cmove sub=user-of-cmove\n",
   'cmove, its metadata and keys cached by the fetch location');
move_keys('cmove', 'cmove-k1', 'cmove-k2');
unlink "$dir/www/cmove/jwks";
{
    is(until_ok('/cmove/x', token('cmove', key => 'cmove-k2')),
       "200 provider=cmove sub=user-of-cmove\n",
       '... it moves: the metadata fetch after a failed key fetch passes the '
       . 'cache ($authgw_key_refetch), well before the cached copy expires');
}

# keys not there at first, then published: the next request after the
# interval passes, even when that interval's fetch is of metadata
is(get('/lazy/x', token('lazy')), '503', 'lazy: its keys not there yet: 503');
write_file('lazy/jwks', run("$tool jwks $dir/lazy-k1.jwk"));
sleep 1.1;
is(get('/lazy/x', token('lazy')), "200 provider=lazy sub=user-of-lazy\n",
   '... published: the next request after the interval, 200');

for (1 .. 14) {
    get('/fast/x', token('fast'));
    sleep 0.25;
}
cmp_ok(fetches(qr{ /fast/\.well-known/openid-configuration$}), '>=', 2,
       'keys sent with max-age=0, always due: the metadata are still '
       . 'refreshed, in turn with them');

# --- a flood of issuers and kids

$before = fetches();
my $t0 = time;
for my $i (1 .. 40) {
    get('/all/x', token('staff', iss => "http://127.0.0.1:1/flood-$i"));
}
is(fetches(), $before, 'forty unknown issuers: no fetch at all');

$before = fetches(qr{ /staff/});
$t0 = time;
my $n = 0;
for my $i (1 .. 30) {
    get('/all/x', token('staff', key => 'other', kid => "flood-$i"));
    $n++;
}
my $secs = time - $t0;
my $allowed = 2 + int($secs / 1) + 1;    # key_refresh 1s, metadata every 2s
cmp_ok(fetches(qr{ /staff/}) - $before, '<=', $allowed,
       "thirty unknown kids in ${\ sprintf '%.1f', $secs}s: no more fetches "
       . "than the intervals allow");

# --- what every fetch of the run carried: nothing of a client's

{
    open my $fh, '<', "$dir/seen.log" or die $!;
    my @seen = <$fh>;
    my @bad = grep { !m{ \[-\|-\|-\] \[-\|-\|-\] /_authgw/fetch\w*$} }
              @seen;
    cmp_ok(scalar @seen, '>', 30, scalar(@seen) . ' fetches seen by the '
           . 'providers, refreshes in the background after verified '
           . 'requests among them');
    is(join('', @bad), '', '... none with a client\'s header or one the '
                           . 'module sets from a token');
}

# --- the metrics by provider

my $m = http_get($port, '/metrics');
my $text = $m ? $m->[2] : '';
like($text, qr/^authgw_provider_requests_total\{provider="staff",outcome="ok"\} [1-9]/m,
     'metrics: requests by provider and outcome');
like($text, qr/^authgw_provider_requests_total\{provider="staff",outcome="bad_signature"\} [1-9]/m,
     '... refusals too');
like($text, qr/^authgw_discovery_fetches_total\{provider="mism",result="invalid"\} [1-9]/m,
     '... metadata fetches by provider and result');
like($text, qr{^authgw_key_fetches_total\{source="/_authgw/fetch",provider="staff",result="ok"\} [2-9]}m,
     '... key fetches labelled by provider');
like($text, qr{^authgw_key_last_success_age_seconds\{source="/_authgw/fetch",provider="partners"\} \d+}m,
     '... key age by provider');

stop_nginx($pid);
