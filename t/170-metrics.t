# authgw_status: Prometheus counters kept in shared memory and counted by
# every worker. Two workers (reuseport spreads the connections over both);
# a known sequence of requests; the counts must match exactly, whichever
# worker answers the scrape.

use strict;
use warnings;

use lib '.';
use t::Authgw;
use t::Server;
use Test::More;
use Time::HiRes qw(sleep time);
use IO::Select;
use IO::Socket::INET;

my $port  = $ENV{TEST_NGINX_METRICS_PORT} || 1997;
my $pport = $port + 1;
my $slow  = $port + 2;     # a provider that takes its time, played here
my $keys  = $ENV{TEST_NGINX_KEYS};
my $tool  = $ENV{AUTHGW_TOKEN} or die "AUTHGW_TOKEN is not set\n";

plan tests => 31;

my $root = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot") . "-metrics";
my $dir = "$root-provider";
system('rm', '-rf', $dir);
mkdir $dir or die "$dir: $!";
system("$tool keygen --type ec --crv P-256 --out $dir/r1.pem"
       . " --pub $dir/r1.jwk --format jwk --kid r1") == 0 or die;
system("$tool jwks $dir/r1.jwk > $dir/jwks.json") == 0 or die;

my ($pid, $sroot) = start_nginx('metrics', $port, <<"_EOC_"
    log_format w '\$pid';

    server {
        listen 127.0.0.1:$pport;
        access_log $dir/fetches.log w;
        root $dir;
    }

    server {
        listen 127.0.0.1:$port reuseport;
        access_log $dir/workers.log w;

        authgw_key_file $keys/jwks.json;

        location /api {
            authgw "t";
            authgw_cache off;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /cached {
            authgw "t";
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /open {
            authgw "t" optional;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /scoped {
            authgw "t";
            authgw_require_scope admin;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /remote {
            authgw "t";
            authgw_key_request /_jwks;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location = /_jwks {
            internal;
            proxy_pass http://127.0.0.1:$pport/jwks.json;
            proxy_pass_request_headers off;
        }

        location = /_echo { access_log off; return 200 "ok\\n"; }

        location = /metrics { access_log off; authgw_status; }

        location /slow {
            authgw "t";
            authgw_key_request /_slow;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location = /_slow {
            internal;
            proxy_pass http://127.0.0.1:$slow/jwks.json;
        }

        # more sources
    }
_EOC_
    , master => 1, workers => 2);

sub get {
    my $r = http_get($port, @_);
    return $r ? $r->[0] : 0;
}

sub metrics {
    my $r = http_get($port, '/metrics');
    my %m;
    for (split /\n/, $r->[2]) {
        next if /^#/;
        my ($k, $v) = /^(\S+) (\S+)$/ or next;
        $m{$k} = $v;
    }
    return ($r, \%m);
}

my $good = tok(alg => 'ES256', key => 'ec256.pem', kid => 'ec-1');
my $expired = tok(alg => 'ES256', key => 'ec256.pem', kid => 'ec-1',
                  exp_in => -100);
my $remote = `$tool sign --alg ES256 --key $dir/r1.pem --kid r1 --exp-in 600`;
chomp $remote;

my ($ok, $missing) = (0, 0);
for (1 .. 30) { $ok++ if get('/api', $good) == 200 }
for (1 .. 12) { $missing++ if get('/api') == 401 }
is($ok, 30, '30 valid tokens accepted');
is($missing, 12, '12 requests without a token refused');
is(get('/api', $expired), 401, 'an expired token refused') for 1 .. 5;
my $forged = $good;
substr($forged, -10, 1) = substr($forged, -10, 1) eq 'A' ? 'B' : 'A';
is(get('/api', $forged), 401, 'a bad signature refused');
is(get('/open'), 200, 'anonymous allowed') for 1 .. 3;
is(get('/scoped', $good), 403, 'a missing scope refused');
my $hits = 0;
$hits++ for grep { get('/cached', $good) == 200 } 1 .. 10;
is(get('/remote', $remote), 200, 'a remote key accepted');

my ($r, $m) = metrics();
is($r->[1]{'content-type'}, 'text/plain; version=0.0.4; charset=utf-8',
   'the Prometheus text format');
is(http_get($port, '/metrics', undef, 'POST')->[0], 405,
   'authgw_status answers GET and HEAD only');

# which workers answered: reuseport should have used both
open my $fh, '<', "$dir/workers.log" or die;
my %pids = map { chomp; $_ => 1 } <$fh>;
cmp_ok(scalar keys %pids, '>=', 2, 'both workers served requests');

my %want = (ok => 30 + 10 + 1, missing_token => 12, expired => 5,
            bad_signature => 1, anonymous => 3, insufficient_scope => 1,
            unknown_kid => 0, keys_unavailable => 0);
my $bad = join ', ', map {
    my $got = $m->{"authgw_requests_total{outcome=\"$_\"}"} // 'absent';
    $got eq $want{$_} ? () : "$_: got $got, want $want{$_}"
} sort keys %want;
is($bad, '', 'requests by outcome, summed over both workers');

# /cached and /scoped look up once each (/api has the cache off), /remote
# twice: before its keys are fetched and after; each worker misses a token
# once per key set, then hits it
my $lookups = ($m->{'authgw_cache_lookups_total{result="hit"}'} // 0)
              + ($m->{'authgw_cache_lookups_total{result="miss"}'} // 0);
is($lookups, 13, 'thirteen cache lookups');
cmp_ok($m->{'authgw_cache_lookups_total{result="miss"}'}, '<=', 4,
       'at most one miss per worker and key set, and the one before a fetch');

open $fh, '<', "$dir/fetches.log" or die;
my @fetches = <$fh>;
is($m->{'authgw_key_fetches_total{source="/_jwks",result="ok"}'},
   scalar @fetches, 'key fetches: as many as the provider served');
is($m->{'authgw_keys_loaded{source="/_jwks"}'}, 1, 'one remote key loaded');
ok(defined $m->{'authgw_key_last_success_age_seconds{source="/_jwks"}'},
   'the age of the last good fetch is reported');

# a worker killed, and a reload: the master survives (nginx unlocks the
# zone's slab mutex of a dead worker), and the counts go on
my $ok_before = $m->{'authgw_requests_total{outcome="ok"}'};
kill 'KILL', (keys %pids)[0];
sleep 0.5;
ok(kill(0, $pid), 'the master survives a killed worker');
my $after = 0;
$after++ for grep { get('/api', $good) == 200 } 1 .. 4;
kill 'HUP', $pid;
sleep 1;
$after++ for grep { get('/api', $good) == 200 } 1 .. 4;
is($after, 8, 'requests accepted after the kill and after a reload');
($r, $m) = metrics();
is($m->{'authgw_requests_total{outcome="ok"}'}, $ok_before + 8,
   'the counts went on across both');

# a reload that adds key sources while a request of the old generation
# waits on a fetch: the old worker counts it when the fetch ends, into
# counters that the reload kept (it once freed them under the old worker)
($r, $m) = metrics();
my $ok_reload = $m->{'authgw_requests_total{outcome="ok"}'};
my $jwks_ok = $m->{'authgw_key_fetches_total{source="/_jwks",result="ok"}'};
my $listen = IO::Socket::INET->new(LocalAddr => "127.0.0.1:$slow",
                                   Listen => 4, ReuseAddr => 1)
    or die "listen $slow: $!";
my $jwks = do { open my $jf, '<', "$dir/jwks.json" or die; local $/; <$jf> };
my $child = fork();
if ($child == 0) {
    local $SIG{ALRM} = sub { exit 0 };
    alarm 10;
    while (my $c = $listen->accept) {
        sysread $c, my $req, 4096;
        sleep 1.5;
        print $c "HTTP/1.1 200 OK\r\nContent-Length: " . length($jwks)
                 . "\r\nConnection: close\r\n\r\n$jwks";
        close $c;
    }
    exit 0;
}
close $listen;
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)
    or die "connect: $!";
print $s "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
         . "Authorization: Bearer $remote\r\n\r\n";
sleep 0.3;
{
    my $conf = "$sroot/conf/nginx.conf";
    open my $cf, '<', $conf or die;
    local $/;
    my $text = <$cf>;
    close $cf;
    my $more = join '', map {
        "location /x$_ { authgw \"t\"; authgw_key_request /_x$_; }\n"
        . "location = /_x$_ { internal; proxy_pass http://127.0.0.1:$pport/x$_; }\n"
    } 1 .. 4;
    $text =~ s/# more sources/$more/ or die 'no marker';
    open $cf, '>', $conf or die;
    print $cf $text;
    close $cf;
}
kill 'HUP', $pid;
my $answer = '';
my $sel = IO::Select->new($s);
my $deadline = time + 5;
while (time < $deadline && $sel->can_read($deadline - time)) {
    my $n = sysread $s, my $chunk, 4096;
    last unless $n;
    $answer .= $chunk;
}
like($answer, qr/\AHTTP\/1\.1 200/,
     'the request that waited across the reload is accepted');
waitpid $child, 0;
sleep 0.3;
($r, $m) = metrics();
ok(defined $m->{'authgw_keys_loaded{source="/_x4"}'},
   'the reload added its key sources');
is($m->{'authgw_requests_total{outcome="ok"}'}, $ok_reload + 1,
   'the old worker counted it into the counters the new workers show');
is($m->{'authgw_key_fetches_total{source="/_slow",result="ok"}'}, 1,
   'and its fetch, under the URI it fetched from');
is($m->{'authgw_key_fetches_total{source="/_jwks",result="ok"}'}, $jwks_ok,
   'a source\'s counts carry on across the reload, by its URI');
ok(kill(0, $pid), 'the master is still running');

stop_nginx($pid);
