# authgw_cache: a hit after a miss, BYPASS when off or without a token,
# an entry never used past exp, LRU eviction, a forged token that shares a
# prefix with a cached one, the location's rules (algorithms, audience,
# user-id keys) applied again on a hit, and a reload that empties it.

use strict;
use warnings;

use lib '.';
use t::Authgw;
use t::Server;
use Test::More;
use Time::HiRes qw(sleep);

my $port = $ENV{TEST_NGINX_CACHE_PORT} || 1990;
my $keys = $ENV{TEST_NGINX_KEYS};

plan tests => 33;

my ($pid, $root) = start_nginx('cache', $port, <<"_EOC_"
    authgw_key_file $keys/jwks.json;
    authgw_user_id_claim uid optional;
    authgw_user_id_key_file $keys/uid32.key;

    server {
        listen 127.0.0.1:$port;

        authgw_set_header X-Cache \$authgw_cache_status;
        authgw_set_header X-User-Id \$authgw_user_id;
        error_page 401 = \@refused;

        location /api {
            authgw "test";
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /small {
            authgw "test";
            authgw_key_file $keys/jwks.json;
            authgw_cache 2;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /api2 {
            authgw "test";
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /off {
            authgw "test";
            authgw_cache off;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /aud {
            authgw "test";
            authgw_audience other;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /rs {
            authgw "test";
            authgw_algorithms RS256;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location /uid2 {
            authgw "test";
            authgw_user_id_key_file $keys/uid32b.key;
            proxy_pass http://127.0.0.1:$port/_echo;
        }

        location \@refused {
            return 401 "reason=\$authgw_error cache=\$authgw_cache_status\\n";
        }

        location = /_echo {
            authgw_set_header X-Cache "";
            authgw_set_header X-User-Id "";
            return 200 "ok cache=\$http_x_cache user=\$http_x_user_id\\n";
        }
    }
_EOC_
    , master => 1);

sub get {
    my $r = http_get($port, @_);
    return $r ? $r->[2] : 'no response';
}

sub user_token {
    my ($uid, %o) = @_;
    return tok(alg => 'ES256', key => 'ec256.pem', kid => 'ec-1', %o,
               claim => { uid => jwe(key => 'uid32.key', value => $uid) });
}

my $t = user_token('u-1');

is(get('/api', $t), "ok cache=MISS user=u-1\n", 'first use: MISS');
is(get('/api', $t), "ok cache=HIT user=u-1\n", 'second use: HIT');
is(get('/api', $t), "ok cache=HIT user=u-1\n", 'third use: HIT');
is(get('/off', $t), "ok cache=BYPASS user=u-1\n", 'authgw_cache off: BYPASS');
is(get('/api'), "reason=missing_token cache=BYPASS\n", 'no token: BYPASS');

# the location's rules on a hit
is(get('/aud', $t), "reason=bad_audience cache=HIT\n",
   'a hit is still checked against the audience');
is(get('/rs', $t), "reason=alg_not_allowed cache=HIT\n",
   'a hit is still checked against the algorithms');
is(get('/uid2', $t), "reason=bad_user_id cache=HIT\n",
   'a user id cached under other keys is decrypted again, and fails');
is(get('/api', $t), "ok cache=HIT user=u-1\n",
   'and the entry still serves its own location');

# a forged token that shares all but the last character with a cached one
my $forged = $t;
substr($forged, -2, 1) = substr($forged, -2, 1) eq 'A' ? 'B' : 'A';
is(get('/api', $forged), "reason=bad_signature cache=MISS\n",
   'the cached token with one signature character changed: MISS, refused');
is(get('/api', substr($t, 0, -1)), "reason=malformed_token cache=MISS\n",
   'the cached token one character shorter: MISS, refused');
is(get('/api', "$t="), "reason=malformed_token cache=MISS\n",
   'the cached token with padding added: MISS, refused');
my ($h, $p, $s) = split /\./, $t;
is(get('/api', "$h.$p." . std64(unb64url($s))), 
   (std64(unb64url($s)) eq $s ? "ok cache=HIT user=u-1\n"
                              : "reason=malformed_token cache=MISS\n"),
   'its signature in the standard alphabet: MISS, refused');

# never used past exp
my $short = user_token('u-2', exp_in => 2);
is(get('/api', $short), "ok cache=MISS user=u-2\n", 'short-lived: MISS');
is(get('/api', $short), "ok cache=HIT user=u-2\n", 'short-lived: HIT');
sleep 3.1;
is(get('/api', $short), "reason=expired cache=HIT\n",
   'after exp the cached entry is refused');
is(get('/api', $short), "reason=expired cache=MISS\n",
   'and dropped: the next use verifies again');

# LRU eviction in a cache of two
my @lru = map { user_token("lru-$_") } 1 .. 3;
is(get('/small', $t), "ok cache=MISS user=u-1\n",
   'a token cached by /api is a MISS for /small (other keys)');
is(get('/small', $lru[0]), "ok cache=MISS user=lru-1\n", 'A: MISS');
is(get('/small', $lru[1]), "ok cache=MISS user=lru-2\n", 'B: MISS');
is(get('/small', $lru[0]), "ok cache=HIT user=lru-1\n", 'A: HIT (A used last)');
is(get('/small', $lru[2]), "ok cache=MISS user=lru-3\n", 'C: MISS, B evicted');
is(get('/small', $lru[1]), "ok cache=MISS user=lru-2\n", 'B: MISS again');
is(get('/small', $lru[2]), "ok cache=HIT user=lru-3\n", 'C: HIT');

# a key set is a cache: /api and /api2 share the http-level keys, /small
# has its own (and its own cache of two)
my $shared = user_token('u-3');
is(get('/api2', $shared), "ok cache=MISS user=u-3\n", 'shared: MISS');
is(get('/api', $shared), "ok cache=HIT user=u-3\n",
   'the same key set: HIT in another location');

# a reload empties it
is(get('/api', $t), "ok cache=HIT user=u-1\n", 'before the reload: HIT');
kill 'HUP', $pid;
sleep 1.5;
is(get('/api', $t), "ok cache=MISS user=u-1\n", 'after the reload: MISS');
is(get('/api', $t), "ok cache=HIT user=u-1\n", 'and then HIT');

# a refused token is never cached
my $bad = tok(alg => 'ES256', key => 'ec384.pem', kid => 'ec-1');
is(get('/api', $bad), "reason=bad_signature cache=MISS\n", 'bad: MISS');
is(get('/api', $bad), "reason=bad_signature cache=MISS\n",
   'bad again: still MISS');

stop_nginx($pid);

open my $fh, '<', "$root/logs/error.log" or die $!;
my $log = do { local $/; <$fh> };

unlike($log, qr/\[(alert|crit|emerg)\]|exited on signal/, 'no crash');
like($log, qr/reconfiguring/, 'the reload happened');
