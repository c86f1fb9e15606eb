# authgw_key_request: keys fetched through a subrequest from a provider (a
# server of the same nginx serving files that this test rewrites, and a
# slow provider played by this test). First fetch, cached keys, rotation
# without a reload, an unknown-kid flood, a provider that is down, that
# answers garbage or a huge body, that stops answering (a timeout) or
# refuses connections, Cache-Control: max-age, the staleness limit, key
# files and fetched keys together, and requests that wait on one fetch,
# over HTTP/1.1 and HTTP/2.
# Fetches are counted in the provider's access log.

use strict;
use warnings;

use lib '.';
use t::Authgw qw(listen_h2);
use t::Server;
use Test::More;
use IO::Socket::INET;
use IO::Select;
use Time::HiRes qw(sleep time);

my $port  = $ENV{TEST_NGINX_REMOTE_PORT} || 1994;
my $pport = $port + 1;     # the provider
my $slow  = $port + 2;     # the slow provider, played here
my $h2port = $port + 3;    # HTTP/2 (h2c) on the same server
my $h2listen = listen_h2("127.0.0.1:$h2port");
my $tool  = $ENV{AUTHGW_TOKEN} or die "AUTHGW_TOKEN is not set\n";

# upper bounds on time are for nginx's own work; under valgrind memcheck
# that work is slower (the waits for an interval are not)
my $slow_k = $ENV{TEST_NGINX_USE_VALGRIND} ? 3 : 1;

plan tests => 119;

my $root = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot") . "-remote";
my $dir = "$root-provider";
system('rm', '-rf', $dir);
mkdir $dir or die "$dir: $!";

sub run {
    my $out = `@_`;
    die "failed: @_\n" if $?;
    chomp $out;
    return $out;
}

# keys k1, k2, k3 (P-256) as public JWKs with those kids, and kx: another
# key that claims the kid "ec-1" of a key file
for my $k (qw(k1 k2 k3 r0 r1 r2 r3 r4 r5)) {
    run("$tool keygen --type ec --crv P-256 --out $dir/$k.pem"
        . " --pub $dir/$k.jwk --format jwk --kid $k");
}
run("$tool keygen --type ec --crv P-256 --out $dir/kx.pem"
    . " --pub $dir/kx.jwk --format jwk --kid ec-1");
my $keys = $ENV{TEST_NGINX_KEYS};

sub token {
    my ($key, $kid, %o) = @_;
    return run("$tool sign --alg ES256 --key $dir/$key.pem --kid $kid"
               . " --exp-in 3600 --claim sub=user-$kid");
}

sub publish {
    my ($file, @kids) = @_;
    my $text = @kids ? run("$tool jwks " . join(' ', map { "$dir/$_.jwk" }
                                                      @kids))
                     : '';
    write_file($file, $text);
}

sub write_file {
    my ($file, $text) = @_;
    open my $fh, '>', "$dir/$file.tmp" or die $!;
    print $fh $text;
    close $fh;
    rename "$dir/$file.tmp", "$dir/$file" or die $!;
}

my ($pid, $sroot) = start_nginx('remote', $port, <<"_EOC_"
    proxy_cache_path $dir/cache keys_zone=jwks:1m;
    log_format fetch '\$uri';
    log_format seen '\$uri [\$http_authorization|\$http_cookie|\$http_range|'
                    '\$http_if_none_match|\$http_accept_encoding|'
                    '\$http_x_client|\$http_x_host|\$content_length]';

    server {
        listen 127.0.0.1:$pport;
        access_log $dir/fetches.log fetch;
        access_log $dir/seen.log seen;
        root $dir;

        location = /short.json {
            add_header Cache-Control "public, max-age=1";
        }
    }

    server {
        listen 127.0.0.1:$port;
        $h2listen

        error_page 401 = \@r401;
        error_page 503 = \@r503;

        proxy_pass_request_headers off;
        proxy_pass_request_body off;
        proxy_connect_timeout 2s;
        proxy_read_timeout 2s;

        # subrequest_output_buffer_size stays nginx's default (4k or 8k):
        # fetched answers are sized by authgw_key_request_max_size

        location = /_jwks      { internal; proxy_pass http://127.0.0.1:$pport/jwks.json; }
        location = /_short     { internal; proxy_pass http://127.0.0.1:$pport/short.json; }
        location = /_stale     { internal; proxy_pass http://127.0.0.1:$pport/stale.json; }
        location = /_slow      { internal; proxy_pass http://127.0.0.1:$slow/jwks.json; }
        location = /_abort     { internal; proxy_pass http://127.0.0.1:$slow/jwksab.json; }

        location = /_abortok   { internal; proxy_ignore_client_abort on; proxy_pass http://127.0.0.1:$slow/jwksok.json; }
        location /abortok  { authgw "t"; authgw_key_request /_abortok;  proxy_pass http://127.0.0.1:$port/_echo; }

        location /abort {
            authgw "t";
            authgw_key_request /_abort;
            proxy_pass http://127.0.0.1:$port/_echo;
        }
        location = /_slowh2    { internal; proxy_pass http://127.0.0.1:$slow/jwks2.json; }

        location /slowh2 {
            authgw "t";
            authgw_key_request /_slowh2;
            proxy_pass http://127.0.0.1:$port/_echo;
        }
        location = /_both      { internal; proxy_pass http://127.0.0.1:$pport/both.json; }
        location = /_hang      { internal; proxy_pass http://127.0.0.1:$slow/hang.json; }
        location = /_hangbg    { internal; proxy_pass http://127.0.0.1:$slow/hangbg.json; }

        location /hangbg {
            authgw "t";
            authgw_key_request /_hangbg;
            authgw_key_cache 1s;
            proxy_pass http://127.0.0.1:$port/_echo;
        }
        location = /_dead      { internal; proxy_pass http://127.0.0.1:1/jwks.json; }

        # as an operator may write it: the client's headers and body on
        location = /_hdrs {
            internal;
            proxy_pass_request_headers on;
            proxy_pass_request_body on;
            proxy_set_header X-Host \$host;
            proxy_pass http://127.0.0.1:$pport/hdrs.json;
        }

        location /hdrs {
            authgw "t";
            authgw_key_request /_hdrs;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /hang {
            authgw "t";
            authgw_key_request /_hang;
            authgw_key_refresh 1s;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /dead {
            authgw "t";
            authgw_key_request /_dead;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /both {
            authgw "t";
            authgw_key_file $keys/jwks.json;
            authgw_key_request /_both;
            authgw_key_refresh 1s;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /api {
            authgw "t";
            authgw_key_request /_jwks;
            authgw_key_refresh 1s;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location = /_rot       { internal; proxy_pass http://127.0.0.1:$pport/rot.json; }

        location /rot {
            authgw "t";
            authgw_key_request /_rot;
            authgw_key_refresh 1s;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location = /_chunked   { internal; proxy_pass http://127.0.0.1:$slow/chunked.json; }
        location = /_bigchunk  { internal; proxy_pass http://127.0.0.1:$slow/chunkedbig.json; }
        location = /_cut       { internal; proxy_pass http://127.0.0.1:$slow/cut.json; }
        location /cut      { authgw "t"; authgw_key_request /_cut;      proxy_pass http://127.0.0.1:$port/_echo; }
        location = /_hugecl {
            internal;
            proxy_pass http://127.0.0.1:$slow/hugecl.json;
            proxy_cache jwks;
            proxy_cache_valid 200 1m;
        }
        location /hugecl   { authgw "t"; authgw_key_request /_hugecl; authgw_key_request_max_size 8k; proxy_pass http://127.0.0.1:$port/_echo; }
        location = /_endless   { internal; proxy_pass http://127.0.0.1:$slow/endless.json; }
        location /endless  { authgw "t"; authgw_key_request /_endless; authgw_key_request_max_size 8k; proxy_pass http://127.0.0.1:$port/_echo; }
        location = /_defer     { internal; proxy_pass http://127.0.0.1:$pport/defer.json; }
        location /defer    { authgw "t"; authgw_key_request /_defer; authgw_key_refresh 4s; proxy_pass http://127.0.0.1:$port/_echo; }
        location = /_missing   { internal; proxy_pass http://127.0.0.1:$pport/missing.json; }
        location = /_disc      { internal; proxy_pass http://127.0.0.1:$pport/disc.json; }
        location = /_padded    { internal; proxy_pass http://127.0.0.1:$pport/padded.json; }
        location = /_head      { internal; proxy_pass http://127.0.0.1:$pport/head.json; }
        location /head     { authgw "t"; authgw_key_request /_head;     proxy_pass http://127.0.0.1:$port/_echo; }
        location = /_local     { internal; alias $dir/local.json; }
        location = /_cbypass {
            internal;
            proxy_pass http://127.0.0.1:$pport/cbypass.json;
            proxy_cache jwks;
            proxy_cache_valid 200 1m;
            proxy_cache_bypass \$authgw_key_refetch;
        }
        location = /_cnobypass {
            internal;
            proxy_pass http://127.0.0.1:$pport/cnobypass.json;
            proxy_cache jwks;
            proxy_cache_valid 200 1m;
        }

        location /cbypass   { authgw "t"; authgw_key_request /_cbypass;   authgw_key_refresh 1s; proxy_pass http://127.0.0.1:$port/_echo; }
        location /cnobypass { authgw "t"; authgw_key_request /_cnobypass; authgw_key_refresh 1s; proxy_pass http://127.0.0.1:$port/_echo; }

        location = /_cached {
            internal;
            proxy_pass http://127.0.0.1:$pport/cached.json;
            proxy_cache jwks;
            proxy_cache_valid 200 1m;
        }

        location /chunked  { authgw "t"; authgw_key_request /_chunked;  proxy_pass http://127.0.0.1:$port/_echo; }
        location /missing  { authgw "t"; authgw_key_request /_missing;  proxy_pass http://127.0.0.1:$port/_echo; }
        location /disc     { authgw "t"; authgw_key_request /_disc;     proxy_pass http://127.0.0.1:$port/_echo; }
        location /padded   { authgw "t"; authgw_key_request /_padded;   proxy_pass http://127.0.0.1:$port/_echo; }
        location /local    { authgw "t"; authgw_key_request /_local;    proxy_pass http://127.0.0.1:$port/_echo; }
        location /cached   { authgw "t"; authgw_key_request /_cached;   proxy_pass http://127.0.0.1:$port/_echo; }

        location /bigchunk {
            authgw "t";
            authgw_key_request /_bigchunk;
            authgw_key_request_max_size 8k;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /padsmall {
            authgw "t";
            authgw_key_request /_padded;
            authgw_key_request_max_size 8k;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location = /_rev       { internal; proxy_pass http://127.0.0.1:$pport/rev.json; }

        location /rev {
            authgw "t";
            authgw_key_request /_rev;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /short {
            authgw "t";
            authgw_key_request /_short;
            authgw_key_refresh 1s;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /stale {
            authgw "t";
            authgw_key_request /_stale;
            authgw_key_cache 1s;
            authgw_key_refresh 1s;
            authgw_key_max_stale 3s;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /slow {
            authgw "t";
            authgw_key_request /_slow;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location \@r401 { return 401 "reason=\$authgw_error\\n"; }
        location \@r503 { return 503 "reason=\$authgw_error\\n"; }

        location = /_echo { return 200 "ok\\n"; }
    }
_EOC_
    , master => 1, connections => 1024);

sub get {
    my $r = http_get($port, @_);
    return $r ? "$r->[0] $r->[2]" : 'no response';
}

# requests on as many connections at once; their answers, in order
sub concurrent {
    my ($path, @tokens) = @_;
    my @socks = map {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port)
            or die "connect: $!";
        print $s "GET $path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 . "Authorization: Bearer $_\r\n\r\n";
        $s;
    } @tokens;
    my @out;
    for my $s (@socks) {
        my $sel = IO::Select->new($s);
        my $buf = '';
        my $deadline = time + 5;
        while (time < $deadline && $sel->can_read($deadline - time)) {
            my $n = sysread $s, my $chunk, 4096;
            last unless $n;
            $buf .= $chunk;
        }
        my ($r) = parse_responses($buf);
        push @out, $r ? "$r->[0] $r->[2]" : 'no response';
    }
    return @out;
}

sub fetches {
    my $uri = shift;
    open my $fh, '<', "$dir/fetches.log" or return 0;
    return scalar grep { $_ eq "$uri\n" } <$fh>;
}

sub errors_like {
    my $re = shift;
    open my $fh, '<', "$sroot/logs/error.log" or return 0;
    return scalar grep { /$re/ } <$fh>;
}

my @rt = map { token("r$_", "r$_") } 0 .. 5;
my $t1 = token('k1', 'k1');
my $t2 = token('k2', 'k2');
my $t3 = token('k3', 'k3');

# --- no keys yet: 503 keys_unavailable, not 401; one fetch per interval

is(get('/api', $t1), "503 reason=keys_unavailable\n",
   'the provider has no keys yet: 503 keys_unavailable');
is(get('/api', $t1), "503 reason=keys_unavailable\n",
   'again, within the refresh interval: 503');
is(fetches('/jwks.json'), 1, 'one fetch for both');
is(errors_like(qr/refused: keys_unavailable/), 1,
   'and one keys_unavailable line for both');
is(get('/api'), "401 reason=missing_token\n",
   'without a token it is still 401 missing_token');
{
    my $r = http_get($port, '/api', $t1);
    is($r && $r->[1]{'retry-after'}, '1',
       'the 503 says when to retry: after authgw_key_refresh (1s here)');
    $r = http_get($port, '/dead', $t1);
    is($r && "$r->[0] $r->[1]{'retry-after'}", '503 5',
       'a provider that refuses connections: the default 5s');
}

# --- first fetch, then cached keys

publish('jwks.json', 'k1');
sleep 1.2;
is(get('/api', $t1), "200 ok\n", 'the keys arrive: k1 accepted');
is(fetches('/jwks.json'), 2, 'a second fetch brought them');
my $ok = 0;
$ok += get('/api', $t1) eq "200 ok\n" for 1 .. 20;
is($ok, 20, '20 more requests accepted');
is(fetches('/jwks.json'), 2, 'with no further fetch');

# --- a flood of random kids: at most one fetch per refresh interval, in
#     waves of 20 at once and one by one

# (the tokens are minted first: the time measured is the gateway's, not the
# token tool's, which under test-asan is slow to start)
my @waves = map { my $w = $_;
                  [map { token('k1', "rand-$w-$_-" . int rand 1e9) } 1 .. 20] }
            1 .. 3;
my @singles = map { token('k1', sprintf('rand-%d-%d', $_, rand 1e9)) } 1 .. 3;
sleep 1.1;
my $before = fetches('/jwks.json');
my $start = time;
my $refused = 0;
for my $wave (@waves) {
    my @r = concurrent('/api', @$wave);
    $refused += grep { $_ eq "401 reason=unknown_kid\n" } @r;
}
for my $t (@singles) {
    my $r = get('/api', $t);
    $refused++ if $r eq "401 reason=unknown_kid\n";
}
my $elapsed = time - $start;
is($refused, 63, '63 tokens with random kids: all 401 unknown_kid');
my $flood = fetches('/jwks.json') - $before;
cmp_ok($flood, '<=', 1 + int($elapsed / 1),
       "the flood made $flood fetches in ${\ sprintf '%.1f', $elapsed} s "
       . '(at most one per second)');
cmp_ok($flood, '>=', 1, 'and at least the first unknown kid fetched');
cmp_ok($elapsed, '<', 6 * 1.5 * $slow_k,
       'none waited longer than for the next permitted fetch');

# --- rotation at the provider, no reload: a new kid is accepted at once

sleep 1.1;
publish('jwks.json', 'k1', 'k2');
is(get('/api', $t2), "200 ok\n", 'a new kid k2: refetched and accepted');
is(get('/api', $t1), "200 ok\n", 'k1 still accepted');

publish('jwks.json', 'k2');
is(get('/api', $t1), "200 ok\n",
   'k1 removed at the provider: still accepted until the next fetch');
sleep 1.1;
is(get('/api', $t3), "401 reason=unknown_kid\n",
   'an unknown kid makes the next fetch');
is(get('/api', $t1), "401 reason=unknown_kid\n",
   'k1 removed at the provider: refused after that fetch');
is(get('/api', $t2), "200 ok\n", 'k2 accepted');

# --- the rotation day: the provider adds a key and signs with it at once,
#     five times, faster than authgw_key_refresh (1 s): a new kid within
#     the interval waits for the next permitted fetch instead of a 401

publish('rot.json', 'r0');
is(get('/rot', $rt[0]), "200 ok\n", 'rotation: the first key is fetched');
{
    my $before = fetches('/rot.json');
    my $start = time;
    my ($accepted, $sent, $slowest) = (0, 0, 0);
    for my $i (1 .. 5) {
        publish('rot.json', "r" . ($i - 1), "r$i");
        my $t0 = time;
        my @r = concurrent('/rot', $rt[$i], $rt[$i], $rt[$i], $rt[$i - 1]);
        $slowest = time - $t0 if time - $t0 > $slowest;
        $accepted += grep { $_ eq "200 ok\n" } @r;
        $sent += 4;
        sleep 0.2;
    }
    my $elapsed = time - $start;
    my $n = fetches('/rot.json') - $before;
    is($accepted, $sent, "rotation: $accepted of $sent valid tokens accepted"
                         . ' (new kids signed at once)');
    cmp_ok($n, '<=', 1 + int($elapsed / 1),
           "rotation: $n fetches in ${\ sprintf '%.1f', $elapsed} s "
           . '(at most one per second)');
    cmp_ok($n, '>=', 5, 'rotation: each new key was fetched');
    cmp_ok($slowest, '<', 1.5 * $slow_k,
           'rotation: no request waited past the next permitted fetch'
           . sprintf(' (slowest %.2f s)', $slowest));
}

# --- the provider fails: the last good keys stay in use

for my $case (['down', undef], ['garbage', "this is not JSON\n"],
              ['an oversized body',
               '{"keys":[' . join(',', ('{"kty":"EC","x":"' . ('A' x 60)
                                        . '"}') x 4000) . ']}'],
              ['no usable key', '{"keys":[{"kty":"oct","k":"'
                                . ('A' x 43) . '"}]}'])
{
    my ($what, $body) = @$case;
    sleep 1.1;
    if (defined $body) {
        write_file('jwks.json', $body);
    } else {
        unlink "$dir/jwks.json";
    }
    my $n = fetches('/jwks.json');
    is(get('/api', $t3), "401 reason=unknown_kid\n",
       "provider $what: an unknown kid is refused");
    is(fetches('/jwks.json'), $n + 1, "provider $what: it was fetched");
    is(get('/api', $t2), "200 ok\n",
       "provider $what: k2 still accepted with the last good keys");
}
cmp_ok(errors_like(qr/key fetch from "\/_jwks" failed/), '>=', 4,
       'each failure was logged');
is(errors_like(qr/eyJ/), 0, 'no token in the error log');

# --- key files and fetched keys together; a fetched key never takes the
#     kid of a file's key

my $file_tok = run("$tool sign --alg ES256 --key $keys/ec256.pem --kid ec-1"
                   . " --exp-in 3600");
is(get('/both', $file_tok), "200 ok\n",
   'both: a key file token passes while the provider has nothing');
publish('both.json', 'k1', 'kx');
sleep 1.1;
is(get('/both', $t1), "200 ok\n", 'both: a fetched key passes');
is(get('/both', $file_tok), "200 ok\n", 'both: the file key still passes');
is(get('/both', token('kx', 'ec-1')), "401 reason=bad_signature\n",
   'both: a fetched key under a file key\'s kid is not used');

# --- Cache-Control: max-age=1 shortens authgw_key_cache (10m by default)

publish('short.json', 'k1');
is(get('/short', $t1), "200 ok\n", 'max-age=1: keys fetched');
is(get('/short', $t1), "200 ok\n", 'and used');
sleep 2.2;
is(get('/short', $t1), "200 ok\n",
   'after max-age: accepted at once with the keys at hand');
sleep 0.3;
is(fetches('/short.json'), 2, 'while they were fetched again, in the background');

# --- authgw_key_max_stale 3s: then the last keys are no longer trusted

publish('stale.json', 'k1');
is(get('/stale', $t1), "200 ok\n", 'stale: keys fetched');
unlink "$dir/stale.json";
sleep 1.2;
is(get('/stale', $t1), "200 ok\n",
   'the provider is gone, the keys expired (1s): still used');
sleep 3.2;
is(get('/stale', $t1), "503 reason=keys_unavailable\n",
   'past authgw_key_max_stale: 503 keys_unavailable');

# --- concurrent requests wait on one fetch (a provider that takes 0.5 s)

my $listen = IO::Socket::INET->new(LocalAddr => "127.0.0.1:$slow",
                                   Listen => 16, ReuseAddr => 1)
    or die "listen $slow: $!";
my $body = run("$tool jwks $dir/k1.jwk");
my $child = fork();
if ($child == 0) {
    my %count;
    $listen->blocking(1);
    local $SIG{ALRM} = sub { exit 0 };
    alarm 20;
    my %seen;
    local $SIG{PIPE} = 'IGNORE';
    while (my $c = $listen->accept) {
        my $req = '';
        sysread $c, $req, 4096;
        if ($req =~ m{^GET /(hang\w*)\.json} && $seen{$1}++) {
            # every fetch of a /hang*.json after the first: no answer
            sleep 3;
            close $c;
            next;
        }
        if ($req =~ m{^GET /endless\.json}) {
            # chunks without end, until the gateway hangs up (20 s at most)
            print $c "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                     . "Connection: close\r\n\r\n" . "400\r\n{\"keys\":["
                     . (' ' x 1015) . "\r\n";
            my $until = time + 20;
            while (time < $until) {
                last unless print $c "400\r\n" . (' ' x 1024) . "\r\n";
            }
            open my $fh, '>', "$dir/endless.done"; print $fh time; close $fh;
            close $c;
            next;
        }
        if ($req =~ m{^GET /hugecl\.json}) {
            # declares a gigabyte, then trickles (20 s at most)
            print $c "HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n"
                     . "Connection: close\r\n\r\n{\"keys\":[";
            my $until = time + 20;
            while (time < $until) {
                last unless print $c (' ' x 64);
                sleep 0.2;
            }
            open my $fh, '>', "$dir/hugecl.done"; print $fh time; close $fh;
            close $c;
            next;
        }
        if ($req =~ m{^GET /cut\.json}) {
            # the answer ends before the length it declares
            print $c "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n"
                     . "Connection: close\r\n\r\n{\"keys\":[";
            close $c;
            next;
        }
        if ($req =~ m{^GET /chunked(\w*)\.json}) {
            # a JWKS with room in it, chunked (no Content-Length): 12 KB,
            # or 20 KB for chunkedbig
            my $text = $body;
            $text =~ s/\]\}\s*\z/'] ' . (' ' x ($1 ? 20000 : 12000)) . '}'/e;
            print $c "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                     . "Connection: close\r\n\r\n";
            while (length $text) {
                my $part = substr($text, 0, 1000, '');
                printf $c "%x\r\n%s\r\n", length $part, $part;
            }
            print $c "0\r\n\r\n";
            close $c;
            next;
        }
        if ($req =~ m{^GET /(jwks\w*)\.json}) {
            my $n = ++$count{$1};
            open my $fh, '>', "$dir/$1.count"; print $fh $n; close $fh;
            sleep 0.5;
        }
        print $c "HTTP/1.1 200 OK\r\nContent-Length: " . length($body)
                 . "\r\nConnection: close\r\n\r\n$body";
        close $c;
    }
    exit 0;
}
close $listen;

my @socks;
for (1 .. 8) {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)
        or die "connect: $!";
    print $s "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
             . "Authorization: Bearer $t1\r\n\r\n";
    push @socks, $s;
}
my $answers = 0;
for my $s (@socks) {
    my $sel = IO::Select->new($s);
    my $buf = '';
    my $deadline = time + 5;
    while (time < $deadline && $sel->can_read($deadline - time)) {
        my $n = sysread $s, my $chunk, 4096;
        last unless $n;
        $buf .= $chunk;
    }
    $answers++ if $buf =~ /\AHTTP\/1\.1 200/;
}
is($answers, 8, '8 concurrent requests before any key: all accepted');
open my $cf, '<', "$dir/jwks.count";
is(<$cf>, 1, 'after one fetch that they all waited on');

# --- a client that goes away while its fetch is in flight ends the fetch;
#     that fetch was the interval's (5 s here): clients that leave cannot
#     fetch without a bound. With proxy_ignore_client_abort on, the fetch
#     goes on and its keys serve the next request

sub leave {
    my $path = shift;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)
        or die "connect: $!";
    print $s "GET $path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
             . "Authorization: Bearer $t1\r\n\r\n";
    sleep 0.1;
    close $s;
}

leave('/abort') for 1 .. 3;
sleep 0.7;
{
    open my $fh, '<', "$dir/jwksab.count";
    is(<$fh>, 1, 'three clients that left made one fetch');
}
{
    # the last fetch brought no answer: the next request waits for the
    # next permitted one (5 s after the first) instead of a 503
    my $raw = exchange($port, "GET /abort HTTP/1.1\r\nHost: x\r\n"
                       . "Connection: close\r\nAuthorization: Bearer $t1"
                       . "\r\n\r\n", 1, 10 * $slow_k);
    like($raw, qr{\AHTTP/1\.1 200 },
         'after fetches ended by their clients, the next request waits for '
         . 'the next fetch and passes');
    open my $fh, '<', "$dir/jwksab.count";
    is(<$fh>, 2, 'which was the second');
}
is(errors_like(qr/key fetch from "\/_abort" failed/), 0,
   'the ended fetch is not logged as a failure');

leave('/abortok');
sleep 0.7;
is(get('/abortok', $t1), "200 ok\n",
   'proxy_ignore_client_abort on: the fetch outlives its client, and its '
   . 'keys serve the next request');
{
    open my $fh, '<', "$dir/jwksok.count";
    is(<$fh>, 1, 'with that one fetch');
}

# --- HTTP/2 streams wait on a fetch too (h2c, curl): one HTTP/1.1 request
#     starts the fetch, two HTTP/2 requests arrive while it is in flight

my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)
    or die "connect: $!";
print $s "GET /slowh2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
         . "Authorization: Bearer $t1\r\n\r\n";
sleep 0.1;
my @curls;
for my $i (1, 2) {
    my $c = fork();
    if ($c == 0) {
        open STDOUT, '>', "$dir/h2-$i.out" or die;
        exec 'curl', '-s', '-o', "$dir/h2-$i.body", '-w',
             '%{http_code} %{http_version}', '--http2-prior-knowledge',
             '--max-time', '5', '-H', "Authorization: Bearer $t1",
             "http://127.0.0.1:$h2port/slowh2";
        exit 127;
    }
    push @curls, $c;
}
my $h1 = '';
my $sel = IO::Select->new($s);
my $deadline = time + 5;
while (time < $deadline && $sel->can_read($deadline - time)) {
    my $n = sysread $s, my $chunk, 4096;
    last unless $n;
    $h1 .= $chunk;
}
waitpid $_, 0 for @curls;
like($h1, qr/\AHTTP\/1\.1 200/, 'HTTP/1.1: the request that fetched is accepted');
my $h2 = join ' ', map {
    open my $fh, '<', "$dir/h2-$_.out" or die; local $/; <$fh>
} 1, 2;
is($h2, '200 2 200 2', 'HTTP/2: both streams waited and were accepted');
open $cf, '<', "$dir/jwks2.count";
is(<$cf>, 1, 'after the one fetch');

# --- a provider that stops answering: the fetch times out (2 s)

is(get('/hang', $t1), "200 ok\n", 'hang: the first fetch is answered');
sleep 1.1;
my $t0 = time;
is(get('/hang', $t3), "401 reason=unknown_kid\n",
   'hang: the refetch for an unknown kid times out, the kid is refused');
cmp_ok(time - $t0, '>=', 1.5, 'hang: after waiting for proxy_read_timeout');
is(get('/hang', $t1), "200 ok\n", 'hang: the last good keys still serve');
cmp_ok(errors_like(qr/key fetch from "\/_hang" failed: the provider timed out \(504\); the last good keys stay in use/),
       '>=', 1, 'hang: the timeout was logged as one');

# --- keys past authgw_key_cache are refreshed in the background: the
#     request that starts it does not wait, even for a provider that hangs

is(get('/hangbg', $t1), "200 ok\n", 'background: the first fetch is answered');
sleep 1.2;
$t0 = time;
is(get('/hangbg', $t1), "200 ok\n",
   'background: keys expired, the provider hangs: still accepted');
cmp_ok(time - $t0, '<', 1, 'background: without waiting for the fetch');

# --- the fetch carries none of the client's headers or body, even where
#     the operator passes request headers on: Range, If-None-Match or
#     Accept-Encoding would make it fail, the token and cookies would leak

publish('hdrs.json', 'k1');
{
    my $req = "POST /hdrs HTTP/1.1\r\nHost: evil.example\r\n"
              . "Connection: close\r\nAuthorization: Bearer $t1\r\n"
              . "Cookie: session=s3cret\r\nRange: bytes=0-3\r\n"
              . "If-None-Match: *\r\nAccept-Encoding: gzip\r\n"
              . "X-Client: mallory\r\nContent-Length: 5\r\n\r\nhello";
    my ($r) = parse_responses(exchange($port, $req, 1));
    is($r ? "$r->[0] $r->[2]" : 'no response', "200 ok\n",
       'client headers that would spoil the fetch: the keys still arrive');
}
is(fetches('/hdrs.json'), 1, 'in one fetch');
my ($seen) = do {
    open my $fh, '<', "$dir/seen.log" or die $!;
    grep { m{^/hdrs\.json } } <$fh>;
};
like($seen, qr{^/hdrs\.json \[-(?:\|-){7}\]$},
     'the provider saw no header of the client, not its Host, no body');
unlike($seen, qr/s3cret|eyJ|mallory|evil/, 'neither its token nor cookies');

# --- a provider that refuses connections, and no keys before: 503

is(get('/dead', $t1), "503 reason=keys_unavailable\n",
   'connection refused and no keys yet: 503 keys_unavailable');
cmp_ok(errors_like(qr/key fetch from "\/_dead" failed: no connection to the provider: refused or unreachable \(502\); no fetched keys to use/),
   '>=', 1, 'dead: one line names the cause');

# --- answers of any size up to authgw_key_request_max_size (256k by
#     default), whatever subrequest_output_buffer_size is; an answer over
#     it, declared or chunked, fails the fetch and not the client; one line
#     names the cause of each failed fetch

{
    my $pad = run("$tool jwks $dir/k1.jwk");
    $pad =~ s/\]\}\s*\z/'] ' . (' ' x 12000) . '}'/e;
    write_file('padded.json', $pad);
}
is(get('/padded', $t1), "200 ok\n",
   'a 12 KB JWKS with Content-Length: accepted');
is(get('/chunked', $t1), "200 ok\n", 'a 13 KB chunked JWKS: accepted');
is(get('/padsmall', $t1), "503 reason=keys_unavailable\n",
   'over authgw_key_request_max_size 8k, declared: 503, the client answered');
is(errors_like(qr/key fetch from "\/_padded" failed: the answer is too large: 12\d\d\d bytes, more than authgw_key_request_max_size \(8192\); no fetched keys to use/),
   1, 'declared too large: one line names the cause');
is(get('/bigchunk', $t1), "503 reason=keys_unavailable\n",
   'over 8k, chunked: 503, the client answered');
is(errors_like(qr/key fetch from "\/_bigchunk" failed: the answer is too large: more than authgw_key_request_max_size \(8192\)/),
   1, 'chunked too large: one line names the cause');
is(get('/cut', $t1), "503 reason=keys_unavailable\n",
   'an answer cut short: 503, the client answered');
is(errors_like(qr/key fetch from "\/_cut" failed: the answer ended early: 9 of 1000 bytes/), 1,
   'cut short: one line names the cause');
{
    my $t0 = time;
    is(get('/endless', $t1), "503 reason=keys_unavailable\n",
       'an answer without end: 503, the client answered');
    cmp_ok(time - $t0, '<', 3 * $slow_k,
           'at once, not when the sender stops');
    is(errors_like(qr/key fetch from "\/_endless" failed: the answer is too large: more than authgw_key_request_max_size \(8192\)/),
       1, 'endless: one line names the cause');
    sleep 0.5;
    ok(-e "$dir/endless.done", 'the gateway hung up on the sender');
}

{
    my $t0 = time;
    is(get('/hugecl', $t1), "503 reason=keys_unavailable\n",
       'a gigabyte declared, through proxy_cache: 503, the client answered');
    cmp_ok(time - $t0, '<', 3 * $slow_k, 'at once');
    sleep 0.5;
    ok(-e "$dir/hugecl.done", 'the gateway hung up on the sender (no '
       . 'body read into the cache)');
}

# --- clients that leave while they wait for the next fetch leave the
#     queue: 250 requests with made-up kids, closed at once, then a token
#     of a key just published still waits for the next fetch and passes

{
    my @made_up = map { token('k1', "gone-$_") } 1 .. 250;
    publish('defer.json', 'k1');
    is(get('/defer', $t1), "200 ok\n", 'defer: the keys are fetched');
    my $fetched = time;
    my @gone;
    for my $i (1 .. 250) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port) or last;
        print $s "GET /defer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 . "Authorization: Bearer $made_up[$i - 1]\r\n\r\n";
        push @gone, $s;
    }
    is(scalar @gone, 250, '250 clients with made-up kids');
    close $_ for @gone;
    sleep 0.5;

    # more made-up kids than may wait for the next fetch (256): the rest
    # are refused at once
    my @socks;
    for my $i (1 .. 300) {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port) or last;
        print $s "GET /defer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                 . "Authorization: Bearer $made_up[$i % 250]\r\n\r\n";
        push @socks, $s;
    }
    # a refusal read before the next fetch was made was not waiting for
    # it (the provider logs the fetch before the gateway has its answer)
    my $n0 = fetches('/defer.json');
    my $sel = IO::Select->new(@socks);
    my $quick = 0;
    my $until = time + 1 * $slow_k;
    while (time < $until && (my @ready = $sel->can_read($until - time))) {
        for my $s (@ready) {
            sysread $s, my $buf, 4096;
            $quick++ if $buf =~ m{\AHTTP/1\.1 401}
                        && fetches('/defer.json') == $n0;
            $sel->remove($s);
        }
    }
    is($quick, 44, 'past 256 waiting, 44 of 300 made-up kids refused at once');
    close $_ for @socks;
    sleep 0.5;
    publish('defer.json', 'k1', 'k2');
    my $t0 = time;
    my $left = 4 - ($t0 - $fetched);     # of authgw_key_refresh 4s
    is(get('/defer', $t2), "200 ok\n",
       'they left the queue: a new key waits for the next fetch and passes');
    cmp_ok(time - $t0, '>=', $left - 0.3,
           sprintf('after waiting for it (%.1f s of the interval left)',
                   $left));
}

is(get('/missing', $t1), "503 reason=keys_unavailable\n",
   'a 404 from the provider: 503');
is(errors_like(qr/key fetch from "\/_missing" failed: the answer has status 404, not 200/),
   1, '404: one line names the status');
write_file('disc.json', '{"issuer":"https://idp.example",'
                        . '"jwks_uri":"https://idp.example/certs\\nX"}');
is(get('/disc', $t1), "503 reason=keys_unavailable\n",
   'a discovery document instead of the JWKS: 503');
is(errors_like(qr/key fetch from "\/_disc" failed: the answer is no usable JWK Set: an OpenID Connect discovery document or OAuth server metadata, not a JWK Set: the keys are at its jwks_uri "https:\/\/idp\.example\/certs\\x0aX"/),
   1, 'discovery document: the line says so, and where the keys are (escaped)');
is(errors_like(qr/key fetch from "\/_jwks" failed: the answer is no usable JWK Set: not a JWK or JWKS/),
   1, 'garbage: one line names the cause');
{
    # a HEAD request that makes the fetch: the fetch still has its body
    publish('head.json', 'k1');
    my $raw = exchange($port, "HEAD /head HTTP/1.1\r\nHost: x\r\n"
                       . "Connection: close\r\nAuthorization: Bearer $t1"
                       . "\r\n\r\n", 0);
    like($raw, qr{\AHTTP/1\.1 200 }, 'a HEAD request that fetches: accepted');
}
write_file('local.json', run("$tool jwks $dir/k1.jwk"));
is(get('/local', $t1), "200 ok\n",
   'keys from a local file location (file buffers): accepted');
# --- a cached key set (proxy_cache) and a new key: the refetch for an
#     unknown kid passes the cache with proxy_cache_bypass
#     $authgw_key_refetch; without it the cached set answers and the new
#     kid is refused until the cache expires

for my $c (['cbypass', "200 ok\n", 2], ['cnobypass', "401 reason=unknown_kid\n", 1]) {
    my ($name, $want, $n) = @$c;
    publish("$name.json", 'k1');
    is(get("/$name", $t1), "200 ok\n", "$name: the key set is fetched and cached");
    publish("$name.json", 'k1', 'k2');
    (my $what = $want) =~ s/\n//;
    is(get("/$name", $t2), $want, "$name: a token of a new key: $what");
    is(fetches("/$name.json"), $n, "$name: the provider served $n fetches");
}

publish('cached.json', 'k1');
is(get('/cached', $t1), "200 ok\n", 'proxy_cache: the first fetch stores it');

# --- the compromised-key runbook (docs/gateway.md): the key is gone from
#     the provider, a worker still has it (authgw_key_cache); a reload
#     stops trusting it at once

publish('rev.json', 'k1', 'k2');
is(get('/rev', $t2), "200 ok\n", 'runbook: k2 is in use');
publish('rev.json', 'k1');
is(get('/rev', $t2), "200 ok\n",
   'runbook: removed at the provider, still trusted until authgw_key_cache');
kill 'HUP', $pid;
sleep 1.5;
is(get('/rev', $t2), "401 reason=unknown_kid\n",
   'runbook: after the reload, refused at the first request');
is(get('/rev', $t1), "200 ok\n", 'runbook: k1 still accepted');
is(get('/cached', $t1), "200 ok\n",
   'proxy_cache: after the reload, the keys from the cache file');
publish('cbypass.json', 'k1', 'k2', 'k3');
is(get('/cbypass', $t3), "200 ok\n",
   'after the reload, a cached set without the token\'s key: refetched '
   . 'past the cache, accepted');
is(fetches('/cbypass.json'), 3, 'with one fetch of the provider');
is(fetches('/cached.json'), 1, 'proxy_cache: which the provider served once');
is(errors_like(qr/\[(alert|crit|emerg)\]|exited on signal/), 0,
   'no alert, no crash');

kill 'TERM', $child;
waitpid $child, 0;

stop_nginx($pid);
