# make demo's gateway (docs/examples/gateway.conf) end to end: every
# scenario of tools/demo.sh must behave as described, and the transcript
# must show each. Runs the same script that "make demo" runs.

use strict;
use warnings;

use Test::More;

my $build = $ENV{AUTHGW_BUILD} or plan skip_all => 'AUTHGW_BUILD is not set';
my $nginx = $ENV{TEST_NGINX_BINARY} || 'nginx';

plan tests => 30;

my $out = `KEEP=0 sh tools/demo.sh $build $nginx 2>&1`;
my $rc = $? >> 8;

is($rc, 0, 'the demo exits 0') or diag($out);
unlike($out, qr/UNEXPECTED/, 'no scenario misbehaved');

like($out, qr/ok: the service receives the decrypted user id/,
     'the service receives the decrypted user id');
like($out, qr/ok: the service never sees the token/, 'and never the token');
like($out, qr/ok: the gateway replaces it/, 'a spoofed X-User-Id is replaced');
like($out, qr/ok: no token: 401 missing_token/, 'no token: 401');
like($out, qr/ok: expired token: 401 expired/, 'expired: 401');
like($out, qr/ok: forged signature: 401 bad_signature/, 'forged: 401');
like($out, qr/ok: 401 bad_audience/, 'wrong audience: 401');
like($out, qr/ok: bob gets 403/, 'missing scope: 403');
like($out, qr/ok: all 6 requests served by the other instance/,
     'one instance down, requests still served');
like($out, qr/ok: bob is not limited by alice's burst/,
     'the rate limit is per user');
like($out, qr/ok: a token of the new key is accepted at once/,
     'the provider rotates: a token of its new key passes at once');
like($out, qr/ok: the gateway fetched the new key without a reload/,
     'fetched without a reload');
like($out, qr/ok: bob's token of a key of the file still passes/,
     'the keys of the file still pass');
like($out, qr/ok: a partner token at orders: 200/,
     'a second provider: its token passes where it is taken');
like($out, qr/ok: its keys found through its metadata/,
     'its keys found by discovery');
like($out, qr/ok: a partner token at the staff-only service: 401 bad_issuer/,
     'a partner token at a staff-only service: 401');
like($out, qr/ok: a partner's key claiming staff's issuer: 401 bad_signature/,
     'a partner key never verifies a staff token');

like($out, qr/ok: the token is bound to the app's key/,
     'DPoP: the provider binds the token to the client\'s key');
like($out, qr/ok: first call: 401 use_dpop_nonce/,
     'DPoP: a proof without a nonce, 401 use_dpop_nonce');
like($out, qr/ok: the answer gives the nonce to use/,
     'DPoP: with a DPoP-Nonce');
like($out, qr/first\ call,\ no\ nonce\ yet\ +401\n
              \ +WWW-Authenticate:\ DPoP\ realm="web",
              \ error="use_dpop_nonce"[^\n]*\n
              \ +DPoP-Nonce:\ [\w-]+\n/x,
     'DPoP: the transcript shows the challenge and the nonce');
like($out, qr/ok: with the nonce in a fresh proof: 200/,
     'DPoP: the retry with the nonce passes');
like($out, qr/ok: the service sees erin/, 'DPoP: the service sees the user');
like($out, qr/ok: the service never sees erin's token/,
     'DPoP: and never the token');
like($out, qr/ok: the access log names the app's key/,
     'DPoP: $authgw_dpop_jkt in the access log');
like($out, qr/ok: stolen token as Bearer: 401 unbound_token/,
     'DPoP: a stolen bound token as Bearer, 401');
like($out, qr/ok: stolen token, the thief's own proof: 401 dpop_key_mismatch/,
     'DPoP: a stolen token with the thief\'s proof, 401');
like($out, qr/ok: the captured request replayed: 401 dpop_replay/,
     'DPoP: a captured request replayed, 401');
