# What DPoP and certificate-bound tokens need beyond one request (plain
# Perl: several nginx, several workers, TLS): a proof replayed to another
# worker of the same nginx; the replay cache across a reload, and full
# (refused, never forgotten); server nonces checked by another node that
# holds the same key, and refused by one with another key; each node's
# own replay cache (why several nodes need nonces or a short window); and
# certificate-bound tokens (RFC 8705) against the TLS connection's client
# certificate, with certificates made here.

use strict;
use warnings;

use lib '.';
use t::Authgw;
use t::Server;
use Test::More;
use File::Path qw(make_path);
use Time::HiRes qw(sleep);

my $port = $ENV{TEST_NGINX_DPOP_PORT} || 1991;
my $keys = $ENV{TEST_NGINX_KEYS};
my ($pa, $pb, $pc) = ($port, $port + 1, $port + 2);
my $pd = $pc;    # the TLS nginx, once C has stopped

plan tests => 42;

# one request: [status, {headers}, body]
sub req {
    my ($p, $path, $head) = @_;
    my $raw = "GET $path HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
              . join('', map { "$_\r\n" } split /\n/, $head // '') . "\r\n";
    my ($r) = parse_responses(exchange($p, $raw, 1));
    return $r || [0, {}, ''];
}

my $loc = <<'_EOL_';
            authgw "api";
            authgw_key_file KEYS/hs256.key alg=HS256;
            authgw_dpop required;
            authgw_dpop_url http://api.example$request_uri;
            add_header X-Error $authgw_error always;
            add_header X-Pid $pid always;
            proxy_pass http://127.0.0.1:PORT/_echo;
_EOL_

# two locations with the same URL and other windows (C only)
sub windows {
    my $p = shift;
    return <<"_EOL_";
        location /short {
            authgw "api";
            authgw_key_file $keys/hs256.key alg=HS256;
            authgw_dpop required;
            authgw_dpop_window 1s;
            authgw_dpop_url http://api.example/orders;
            add_header X-Error \$authgw_error always;
            proxy_pass http://127.0.0.1:$p/_echo;
        }
        location /long {
            authgw "api";
            authgw_key_file $keys/hs256.key alg=HS256;
            authgw_dpop required;
            authgw_dpop_window 300s;
            authgw_dpop_url http://api.example/orders;
            add_header X-Error \$authgw_error always;
            proxy_pass http://127.0.0.1:$p/_echo;
        }
_EOL_
}

sub node {
    my ($p, $extra, $listen, $more) = @_;
    $more = defined $more ? windows($p) : '';
    (my $l = $loc) =~ s/KEYS/$keys/g;
    $l =~ s/PORT/$p/g;
    return <<"_EOC_";
    $extra
    server {
        listen 127.0.0.1:$p$listen;
        location /api {
$l        }
$more        location = /_echo { return 200 "ok\\n"; }
    }
_EOC_
}

# --- A: two workers, each with its own listening socket ---------------

my ($a, $aroot) = start_nginx('dpop-a', $pa, node($pa,
    "authgw_dpop_nonce_key $keys/uid32.key period=60s;", ' reuseport'),
    master => 1, workers => 2);
my ($b, $broot) = start_nginx('dpop-b', $pb, node($pb,
    "authgw_dpop_nonce_key $keys/uid32.key period=60s; authgw_dpop_window 1s;",
    ''), master => 1);
my ($c) = start_nginx('dpop-c', $pc, node($pc,
    "authgw_dpop_nonce_key $keys/uid32b.key period=60s;"
    . " authgw_dpop_replay_zone 32k;", '', 1));

# a nonce from A, for the proofs of all that follows
my $r = req($pa, '/api', dpop_auth(url => 'http://api.example/api'));
is($r->[0], 401, 'A: a proof without a nonce: 401');
is($r->[1]{'x-error'}, 'use_dpop_nonce', 'A: use_dpop_nonce');
my $nonce = $r->[1]{'dpop-nonce'} // '';
like($nonce, qr/^[\w-]{32}$/, 'A: the answer carries a nonce');

sub auth {
    my ($n, %p) = @_;
    return dpop_auth(url => 'http://api.example/api',
                     proof => { nonce => $n, %p });
}

# --- a replay to the other worker --------------------------------------

my ($seen_other, $replays_ok, $first_ok) = (0, 1, 1);

for my $try (1 .. 10) {
    my $h = auth($nonce);
    my $first = req($pa, '/api', $h);
    $first_ok &&= $first->[0] == 200;
    my $pid1 = $first->[1]{'x-pid'} // '';

    for (1 .. 20) {
        my $again = req($pa, '/api', $h);
        $replays_ok &&= $again->[0] == 401
                        && ($again->[1]{'x-error'} // '') eq 'dpop_replay';
        if (($again->[1]{'x-pid'} // $pid1) ne $pid1) {
            $seen_other = 1;
            last;
        }
    }

    last if $seen_other;
}

ok($first_ok, 'A: a fresh proof with the nonce passes');
ok($replays_ok, 'A: every replay of it is refused, dpop_replay');
ok($seen_other, 'A: the replay reached the other worker, which refused it');

# --- nonces across nodes ------------------------------------------------

$r = req($pb, '/api', auth($nonce));
is($r->[0], 200, "B accepts A's nonce (the same nonce key, no shared state)");
my $bnonce = $r->[1]{'dpop-nonce'} // '';
is($bnonce, $nonce, 'B: the nonce of the same period is the same nonce');

$r = req($pc, '/api', auth($nonce));
is($r->[0], 401, "C (another nonce key) refuses A's nonce");
is($r->[1]{'x-error'}, 'use_dpop_nonce', 'C: use_dpop_nonce');
my $cnonce = $r->[1]{'dpop-nonce'} // '';
isnt($cnonce, $nonce, 'C: its own nonce');

# each node has its own replay cache: the nonce and the window are what
# bound a proof replayed to another node
my $h = auth($nonce);
is(req($pa, '/api', $h)->[0], 200, 'a proof at A');
is(req($pb, '/api', $h)->[0], 200,
   'the same proof at B: its own replay cache (documented)');
is(req($pb, '/api', $h)->[0], 401, 'and again at B: a replay');

# --- a reload keeps the replay cache -----------------------------------

$h = auth($nonce);
is(req($pa, '/api', $h)->[0], 200, 'A: a proof before a reload');
kill 'HUP', $a;
sleep 1;
$r = req($pa, '/api', $h);
is($r->[0], 401, 'A: after the reload, its replay is refused');
is($r->[1]{'x-error'}, 'dpop_replay', 'A: dpop_replay');

# --- a reload that resizes the zone: the proofs made before are refused --
# (the old zone's entries are gone with it; one of them could be replayed)

$h = auth($nonce);
is(req($pa, '/api', $h)->[0], 200, 'A: a proof before the zone is resized');
{
    my $conf = t::Nginx::read_text("$aroot/conf/nginx.conf");
    $conf =~ s/authgw_dpop_nonce_key/authgw_dpop_replay_zone 2m; authgw_dpop_nonce_key/;
    open my $fh, '>', "$aroot/conf/nginx.conf" or die $!;
    print $fh $conf;
    close $fh;
}
sleep 1.1;
kill 'HUP', $a;
sleep 1.5;
$r = req($pa, '/api', $h);
is($r->[0], 401, 'A: resized: the proof made before is refused');
is($r->[1]{'x-error'}, 'dpop_replay', 'A: dpop_replay');
$r = req($pa, '/api', auth($nonce));
is($r->[0], 200, 'A: resized: a new proof passes');

# --- entries live as long as the longest window of any location (C's
#     zone is empty: the entry is the oldest, swept once it expires) ------

my $bp = auth($nonce);
is(req($pb, '/api', $bp)->[0], 200, 'B: a proof under a 1s window');

$h = dpop_auth(url => 'http://api.example/orders', proof => { nonce => $cnonce });
is(req($pc, '/short', $h)->[0], 200, 'C: a proof at a location with a 1s window');
sleep 13;    # past the 1s window and twice the 5s skew of /short
$r = req($pc, '/long', $h);
is($r->[0], 401, 'C: 13s later, the same proof at a 300s location: refused');
is($r->[1]{'x-error'}, 'dpop_replay', 'C: dpop_replay: the entry outlived the short window');

# --- a reload that lengthens the window: the entries live longer too -------
# (B's proof was entered under a 1s window, 13s ago: its entry lives 12s)

{
    my $conf = t::Nginx::read_text("$broot/conf/nginx.conf");
    $conf =~ s/authgw_dpop_window 1s;/authgw_dpop_window 300s;/;
    open my $fh, '>', "$broot/conf/nginx.conf" or die $!;
    print $fh $conf;
    close $fh;
}
kill 'HUP', $b;
sleep 1.5;
$r = req($pb, '/api', $bp);
is($r->[0], 401, 'B: after a reload to a 300s window, the older proof is still a replay');
is($r->[1]{'x-error'}, 'dpop_replay', 'B: dpop_replay');

# --- the replay cache full ------------------------------------------------

my @seen;
my ($full, $n, $statuses_ok) = (undef, 0, 1);

while ($n < 2000) {
    $h = auth($cnonce, jti => "fill-$$-$n");
    $r = req($pc, '/api', $h);
    $n++;

    if ($r->[0] == 503) {
        $full = $r;
        last;
    }

    $statuses_ok &&= $r->[0] == 200;
    push @seen, $h if @seen < 3;
}

ok($full, "C: the zone filled after $n proofs");
ok($statuses_ok, 'C: each proof before it passed');
is($full && $full->[1]{'x-error'}, 'replay_cache_full',
   'C: a new proof once full: 503 replay_cache_full');
is($full && $full->[1]{'retry-after'}, '1', 'C: Retry-After: 1');
ok(!$full || !exists $full->[1]{'www-authenticate'},
   'C: no challenge: the client did nothing wrong');

$r = req($pc, '/api', $seen[0]);
is($r->[0], 401, 'C: full, a proof it holds is still a replay');
is($r->[1]{'x-error'}, 'dpop_replay', 'C: dpop_replay, never forgotten');

my $log = t::Nginx::read_text(
    ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot")
    . '-dpop-c/logs/error.log');
my @lines = $log =~ /(the DPoP replay zone is full)/g;
ok(@lines >= 1 && @lines <= 3, 'C: "full" logged once a second, not per request');

stop_nginx($_) for $a, $b, $c;

# --- certificate-bound tokens over TLS -----------------------------------

my $dir = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot") . '-mtls-certs';
make_path($dir);

for my $name (qw(server client other)) {
    system("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256"
           . " -nodes -keyout $dir/$name.key -out $dir/$name.crt -days 2"
           . " -subj /CN=$name >/dev/null 2>&1") == 0
        or die "openssl req for $name failed\n";
}

sub x5t {
    my $t = `$ENV{AUTHGW_TOKEN} thumbprint --cert $_[0]`;
    chomp $t;
    return $t;
}

my $x5t = x5t("$dir/client.crt");
my $x5t_other = x5t("$dir/other.crt");

my $der = `openssl x509 -in $dir/client.crt -outform DER | openssl dgst -sha256 -binary`;
is($x5t, b64url($der), 'x5t#S256 of the client certificate, as openssl hashes its DER');

my ($d) = start_nginx('dpop-tls', $pd, <<"_EOC_");
    server {
        listen 127.0.0.1:$pd ssl;
        ssl_certificate $dir/server.crt;
        ssl_certificate_key $dir/server.key;
        ssl_verify_client optional_no_ca;
        authgw_key_file $keys/hs256.key alg=HS256;
        add_header X-Error \$authgw_error always;

        location /opt {
            authgw "api";
            authgw_mtls optional;
            proxy_pass http://127.0.0.1:$pa/_echo;
        }
        location /req {
            authgw "api";
            authgw_mtls required;
            proxy_pass http://127.0.0.1:$pa/_echo;
        }
        location /off {
            authgw "api";
            proxy_pass http://127.0.0.1:$pa/_echo;
        }
        location = /_echo { return 200 "ok\\n"; }
    }
    server {
        listen 127.0.0.1:$pa;
        location / { return 200 "ok\\n"; }
    }
_EOC_

my $bound = tok(alg => 'HS256', key => 'hs256.key',
                json => { cnf => qq({"x5t#S256":"$x5t"}) });
my $other = tok(alg => 'HS256', key => 'hs256.key',
                json => { cnf => qq({"x5t#S256":"$x5t_other"}) });
my $plain = tok(alg => 'HS256', key => 'hs256.key');

sub tls {
    my ($path, $token, $cert) = @_;
    my @c = $cert ? ('--cert', "$dir/$cert.crt", '--key', "$dir/$cert.key")
                  : ();
    open my $fh, '-|', 'curl', '-sk', '-o', '/dev/null', '-D', '-', @c,
        '-H', "Authorization: Bearer $token", "https://127.0.0.1:$pd$path"
        or die "curl: $!\n";
    local $/;
    my $out = <$fh> // '';
    close $fh;
    my ($code) = $out =~ m{^HTTP/\S+ (\d+)};
    my ($err) = $out =~ /^X-Error: (\S+)/mi;
    return ($code // 0) . ' ' . ($err // '-');
}

is(tls('/opt', $bound, 'client'), '200 -', 'optional: the certificate the token is bound to');
is(tls('/opt', $bound, 'other'), '401 cert_mismatch', 'optional: another certificate');
is(tls('/opt', $bound), '401 cert_mismatch', 'optional: no certificate');
is(tls('/opt', $plain, 'client'), '200 -', 'optional: a token without cnf');
is(tls('/req', $plain, 'client'), '401 unbound_token', 'required: a token without cnf');
is(tls('/req', $other, 'client'), '401 cert_mismatch', 'required: bound to another certificate');

stop_nginx($d);
