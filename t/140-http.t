# The HTTP layer under load from one client: pipelined and keep-alive
# requests that mix valid and invalid tokens on one connection (a valid
# token's result must never leak into another request), an Authorization
# header near and over nginx's header buffer, many headers, and HTTP/2
# (h2c).

use strict;
use warnings;

use lib '.';
use t::Authgw;
use t::Server;
use Test::More;

my $port = $ENV{TEST_NGINX_HTTP_PORT} || 1988;
my $h2port = $port + 1;
my $h2listen = listen_h2("127.0.0.1:$h2port");
my $keys = $ENV{TEST_NGINX_KEYS};

sub user_token {
    my ($sub, $uid, %o) = @_;
    return tok(alg => 'ES256', key => 'ec256.pem', kid => 'ec-1', %o,
               claim => { sub => $sub,
                          uid => jwe(key => 'uid32.key', value => $uid) });
}

my $alice = user_token('alice', 'u-1');
my $bob = user_token('bob', 'u-2');
my $carol = user_token('carol', 'u-3');
my $expired = user_token('alice', 'u-1', exp_in => -60);
my $forged = tok(alg => 'ES256', key => 'ec384.pem', kid => 'ec-1',
                 claim => { sub => 'mallory' });

my @mix = (
    [$alice, 200, 'sub=alice user=u-1'],
    [$forged, 401, 'reason=bad_signature'],
    [$bob, 200, 'sub=bob user=u-2'],
    [undef, 401, 'reason=missing_token'],
    [$expired, 401, 'reason=expired'],
    [$carol, 200, 'sub=carol user=u-3'],
    ['x.y.z', 401, 'reason=malformed_token'],
    [$alice, 200, 'sub=alice user=u-1'],
);

plan tests => 4 * @mix + 9;

my ($pid, $root) = start_nginx('http', $port, <<"_EOC_");
    server {
        listen 127.0.0.1:$port;
        $h2listen

        location /api {
            authgw "test";
            authgw_key_file $keys/jwks.json;
            authgw_user_id_claim uid;
            authgw_user_id_key_file $keys/uid32.key;
            authgw_set_header X-User-Id \$authgw_user_id;
            authgw_set_header X-Sub \$authgw_claim_sub;
            proxy_pass http://127.0.0.1:$port/_echo;
            error_page 401 = \@refused;
        }

        location \@refused {
            return 401 "reason=\$authgw_error\\n";
        }

        location = /_echo {
            return 200 "sub=\$http_x_sub user=\$http_x_user_id\\n";
        }
    }
_EOC_

sub request {
    my ($token, $last, $extra) = @_;
    return "GET /api HTTP/1.1\r\nHost: localhost\r\n"
           . ($last ? "Connection: close\r\n" : '')
           . (defined $token ? "Authorization: Bearer $token\r\n" : '')
           . ($extra // '') . "\r\n";
}

# all the requests written at once on one connection (pipelining)
my $raw = join '', map { request($mix[$_][0], $_ == $#mix) } 0 .. $#mix;
my @r = parse_responses(exchange($port, $raw, scalar @mix));

is(scalar @r, scalar @mix, 'pipelined: one response per request');

for my $i (0 .. $#mix) {
    is($r[$i][0], $mix[$i][1], "pipelined $i: status");
    is($r[$i][2], "$mix[$i][2]\n", "pipelined $i: only its own result");
}

# the same, one request at a time on one keep-alive connection
my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port)
    or die "connect: $!\n";
binmode $s;

for my $i (0 .. $#mix) {
    print $s request($mix[$i][0], $i == $#mix);
    my $buf = '';
    while (parse_responses($buf) < 1) {
        my $n = sysread $s, my $chunk, 65536;
        last unless $n;
        $buf .= $chunk;
    }
    my ($resp) = parse_responses($buf);
    is($resp->[0], $mix[$i][1], "keep-alive $i: status");
    is($resp->[2], "$mix[$i][2]\n", "keep-alive $i: only its own result");
}

close $s;

# the header buffer is 8k by default: a header just under it is read and
# refused by authgw, one over it is refused by nginx with 400, not a 5xx
my $near = 'A' x (8192 - length("Authorization: Bearer ") - 2 - 64);
($r[0]) = parse_responses(exchange($port, request($near, 1), 1));
is($r[0][0], 401, 'an Authorization header near the buffer size: 401');
is($r[0][2], "reason=malformed_token\n", 'and a reason');

($r[0]) = parse_responses(exchange($port, request('A' x 9000, 1), 1));
is($r[0][0], 400, 'an Authorization header over the buffer size: 400');

my $many = join '', map { "X-Extra-$_: value $_\r\n" } 1 .. 200;
($r[0]) = parse_responses(exchange($port, request($bob, 1, $many), 1));
is($r[0][2], "sub=bob user=u-2\n", '200 other headers do not matter');

# HTTP/2 with prior knowledge (h2c), a user per connection: curl 7.88
# (Debian 12) does not send a second request on a reused h2c connection,
# so streams of different users on one connection are not shown here
my $h2 = '';
for my $t ($alice, $forged, $bob) {
    $h2 .= `curl -s --http2-prior-knowledge -w ' %{http_version}\\n' \\
            -H 'Authorization: Bearer $t' http://127.0.0.1:$h2port/api`;
}

is($h2, "sub=alice user=u-1\n 2\nreason=bad_signature\n 2\n"
        . "sub=bob user=u-2\n 2\n", 'HTTP/2: each request its own result');

stop_nginx($pid);

open my $fh, '<', "$root/logs/error.log" or die $!;
my $log = do { local $/; <$fh> };

unlike($log, qr/\[(alert|crit|emerg)\]|exited on signal/, 'no crash');
like($log, qr/client sent too long header line|too large/i,
     'nginx, not authgw, refused the oversized header');
unlike($log, qr/authgw: internal error/, 'no internal error');
