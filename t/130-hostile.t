# Hostile input: several hundred variants of valid tokens, each sent
# through nginx, each refused with 401 and a reason code; never a 200,
# never a 5xx, never a crash. The variants: every byte flipped (two ways),
# truncation at and around every segment boundary, segments swapped
# between tokens, re-encodings (padding, the standard alphabet,
# whitespace), duplicate members, deep nesting, huge numbers, a JWE in
# place of a JWS, and giant tokens.

use strict;
use warnings;

use lib '.';
use t::Authgw;
use t::Server;
use Test::More;

my $port = $ENV{TEST_NGINX_HOSTILE_PORT} || 1987;
my $keys = $ENV{TEST_NGINX_KEYS};

my %reasons = map { $_ => 1 } qw(missing_token malformed_token
    alg_not_allowed unknown_kid bad_signature expired not_yet_valid
    bad_issuer bad_audience missing_claim claim_mismatch insufficient_scope
    bad_user_id);

# --- valid tokens

my @valid = (
    tok(alg => 'RS256', key => 'rsa.pem', kid => 'rsa-1',
        claim => { sub => 'alice', uid => jwe(key => 'uid32.key',
                                               value => 'alice-42') }),
    tok(alg => 'HS256', key => 'hs256.key', kid => 'hs',
        claim => { sub => 'bob' }),
    tok(alg => 'ES256', key => 'ec256.pem', kid => 'ec-1',
        claim => { sub => 'carol' }),
);

# --- the variants

my @hostile;

sub add { push @hostile, [@_] }

# every byte of the HS256 token flipped in its lowest bit and its 0x20 bit
my $t = $valid[1];
for my $i (0 .. length($t) - 1) {
    for my $bit (0x01, 0x20) {
        my $v = $t;
        substr($v, $i, 1) = chr(ord(substr($v, $i, 1)) ^ $bit);
        next if substr($v, $i, 1) =~ /[\x00-\x20\x7f-\xff]/;
        add("flip 0x" . sprintf('%02x', $bit) . " at $i", $v);
    }
}

# truncations at and around each segment boundary, and at the end
for my $k (0 .. $#valid) {
    my $v = $valid[$k];
    my @dots = grep { substr($v, $_, 1) eq '.' } 0 .. length($v) - 1;
    for my $cut (map { ($_ - 1, $_, $_ + 1) } @dots, length($v)) {
        next if $cut < 1 || $cut >= length $v;
        add("token $k cut at $cut", substr($v, 0, $cut));
    }
}

# segments swapped between tokens: every mix but the three originals
my @parts = map { [split /\./] } @valid;
for my $h (0 .. 2) {
    for my $p (0 .. 2) {
        for my $s (0 .. 2) {
            next if $h == $p && $p == $s;
            add("header $h, payload $p, signature $s",
                join '.', $parts[$h][0], $parts[$p][1], $parts[$s][2]);
        }
    }
}

# re-encodings of each segment of the RS256 token
for my $i (0 .. 2) {
    my @s = @{ $parts[0] };
    my $raw = unb64url($s[$i]);

    my @e = @s;
    $e[$i] = b64url($raw) . '=';
    add("segment $i with padding", join '.', @e);

    @e = @s;
    $e[$i] = b64url($raw) . '==';
    add("segment $i with two padding characters", join '.', @e);

    @e = @s;
    $e[$i] = std64($raw);
    add("segment $i in the standard alphabet", join '.', @e)
        if $e[$i] ne $s[$i];

    @e = @s;
    $e[$i] = substr($s[$i], 0, 4) . ' ' . substr($s[$i], 4);
    add("segment $i with a space", join '.', @e);

    @e = @s;
    $e[$i] = substr($s[$i], 0, 4) . "\t" . substr($s[$i], 4);
    add("segment $i with a tab", join '.', @e);

    @e = @s;
    $e[$i] .= 'A';
    add("segment $i one character longer", join '.', @e);
}

# validly signed, but not the JSON the rules allow
my $exp = time() + 300;
for my $p ('{"sub":"a","sub":"b","exp":' . $exp . '}',
           '{"exp":' . $exp . ',"x":' . ('[' x 100) . (']' x 100) . '}',
           '{"exp":1e999}', '{"exp":-1e308}', '{"exp":99999999999999999999}',
           '{"exp":' . $exp . ',"nbf":1e308}', '{"exp":"' . $exp . '"}',
           '[{"exp":' . $exp . '}]', '"text"', '', '{}',
           '{"exp":' . $exp . ',"uid":42}',
           '{"exp":' . $exp . ',"uid":"a.b.c.d.e"}',
           "{\"exp\":$exp}\x00", "\xef\xbb\xbf{\"exp\":$exp}") {
    # a NUL cannot pass through argv: such a payload goes pre-encoded
    add("payload " . substr($p, 0, 40),
        tok(alg => 'HS256', key => 'hs256.key', kid => 'hs',
            $p =~ /\x00/ ? (payload_seg => b64url($p))
                         : (raw_payload => $p)));
}

for my $h ('{"alg":"HS256","kid":"hs","kid":"hs"}',
           '{"alg":"HS256","alg":"HS256","kid":"hs"}',
           '{"alg":"HS256","kid":"hs","crit":["exp"]}',
           '{"alg":"none","kid":"hs"}', '{"alg":"HS256","kid":["hs"]}',
           '{"alg":"HS256","kid":"hs",' . ('"a":[' x 40) . (']' x 40) . '}') {
    add("header " . substr($h, 0, 40),
        tok(alg => 'HS256', key => 'hs256.key', raw_header => $h,
            claim => { sub => 'x' }));
}

# other shapes
add('a JWE as the bearer token',
    jwe(key => 'uid32.key', value => 'alice'));
add('alg none with no signature', tok(alg => 'none'));
add('dots only', '....');
add('one segment', 'eyJhbGciOiJIUzI1NiJ9');
add('a giant token (40 KB)', $parts[0][0] . '.' . ('A' x 40000) . '.'
                             . $parts[0][2]);
add('a token just over the cap', $parts[1][0] . '.' . ('A' x 16384) . '.'
                                 . $parts[1][2]);
add('a token of 16 KB of dots', '.' x 16000);

plan tests => 3 + 3 * @valid + 2 * @hostile;

# --- the gateway

my ($pid, $root) = start_nginx('hostile', $port, <<"_EOC_");
    large_client_header_buffers 4 64k;

    server {
        listen 127.0.0.1:$port;

        location /api {
            authgw "test";
            authgw_key_file $keys/jwks.json;
            authgw_key_file $keys/hs256.key alg=HS256 kid=hs;
            authgw_user_id_claim uid optional;
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

sub ask {
    my $token = shift;
    my $raw = "GET /api HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
              . "Authorization: Bearer $token\r\n\r\n";
    my ($r) = parse_responses(exchange($port, $raw, 1));
    return $r || [0, {}, ''];
}

# the originals pass: the suite can tell an accepted token
my @want = ('sub=alice user=alice-42', 'sub=bob user=', 'sub=carol user=');
for my $k (0 .. $#valid) {
    my $r = ask($valid[$k]);
    is($r->[0], 200, "valid token $k is accepted");
    is($r->[2], "$want[$k]\n", "valid token $k reaches the upstream");
    like($valid[$k], qr/\A[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\z/,
         "valid token $k is a compact JWS the variants derive from");
}

my %seen;

for my $case (@hostile) {
    my ($what, $token) = @$case;
    my $r = ask($token);
    my ($reason) = $r->[2] =~ /^reason=(\w+)$/;

    is($r->[0], 401, "$what: 401");
    ok(defined $reason && $reasons{$reason}, "$what: a reason code")
        or diag("body: $r->[2]");

    $seen{$reason // 'none'}++;
}

stop_nginx($pid);

open my $fh, '<', "$root/logs/error.log" or die $!;
my $log = do { local $/; <$fh> };

unlike($log, qr/\[(alert|crit|emerg)\]|exited on signal|worker process .* exited/,
       'no alert, crash or worker exit in the error log');
unlike($log, qr/authgw: internal error/, 'no internal error');
ok(scalar(@hostile) >= 300, scalar(@hostile) . ' hostile variants sent: '
   . join(', ', map { "$_ $seen{$_}" } sort keys %seen));
