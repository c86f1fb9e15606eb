# make demo's gateway (docs/examples/gateway.conf) end to end: every
# scenario of tools/demo.sh must behave as described, and the transcript
# must show each. Runs the same script that "make demo" runs.

use strict;
use warnings;

use Test::More;

my $build = $ENV{AUTHGW_BUILD} or plan skip_all => 'AUTHGW_BUILD is not set';
my $nginx = $ENV{TEST_NGINX_BINARY} || 'nginx';

plan tests => 19;

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
