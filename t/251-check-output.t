# What authgw-token says, beside what t/250-check.t compares with the
# module: --help of every command, exit codes, check's sentences for an
# operator (times in RFC 3339 and from now, the kids the key files have,
# the key a signature was tried with), its --json shape, --batch, the
# token from stdin, and no key material in any output. Times are fixed
# with --now, so every sentence is exact. No nginx.

use strict;
use warnings;

use lib '.';
use t::Authgw;
use Test::More;
use JSON::PP;
use POSIX qw(strftime);

my $tool = $ENV{AUTHGW_TOKEN};
my $keys = $ENV{TEST_NGINX_KEYS};
my $tmp = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot")
          . '-check-output';

system('rm', '-rf', $tmp);
mkdir $tmp or die "mkdir $tmp: $!\n";

# run(STDIN_TEXT, ARGS...) -> (exit code, stdout, stderr)
sub run {
    my ($in, @args) = @_;

    open my $fh, '>', "$tmp/in" or die $!;
    print $fh $in // '';
    close $fh;

    my $pid = fork() // die "fork: $!\n";

    if ($pid == 0) {
        open STDIN, '<', "$tmp/in";
        open STDOUT, '>', "$tmp/out";
        open STDERR, '>', "$tmp/err";
        exec $tool, @args;
        exit 127;
    }

    waitpid $pid, 0;

    return ($? >> 8, map { local $/; open my $f, '<', "$tmp/$_";
                           scalar(<$f>) // '' } qw(out err));
}

sub utc { return strftime('%Y-%m-%dT%H:%M:%SZ', gmtime shift) }

my $k = sub { "$keys/$_[0]" };

# --- help and usage errors of every command

my @commands = qw(keygen pubkey jwks sign dpop thumbprint encrypt decode
                  check);

plan tests => 64 + 7 * @commands;

my ($rc, $out, $err) = run('', '--help');
is($rc, 0, 'authgw-token --help: exit 0');
like($out, qr/^usage: authgw-token COMMAND/, 'authgw-token --help: usage');
like($out, qr/^  $_ /m, "authgw-token --help lists $_") for @commands;

($rc, undef, $err) = run('');
is($rc, 2, 'authgw-token alone: exit 2');

($rc, undef, $err) = run('', 'frobnicate');
is($rc, 2, 'an unknown command: exit 2');
like($err, qr/unknown command "frobnicate"/, 'an unknown command is named');

for my $c (@commands) {
    ($rc, $out) = run('', $c, '--help');
    is($rc, 0, "$c --help: exit 0");
    like($out, qr/\Ausage: authgw-token $c .*\n\n/s, "$c --help: usage");
    like($out, qr/Examples?:\n  authgw-token $c /, "$c --help: examples");

    my ($hrc, $hout) = run('', 'help', $c);
    ok($hrc == 0 && $hout eq $out, "help $c: the same text");

    ($rc, undef, $err) = run('', $c, '--no-such-option', 'x');
    is($rc, 2, "$c --no-such-option: exit 2");
    like($err, qr/unknown option "--no-such-option"\n.*usage: authgw-token $c/s,
         "$c --no-such-option: said, with the usage line");
}

($rc, undef, $err) = run('', 'sign', '--alg');
is($rc, 2, 'sign --alg without its value: exit 2');
like($err, qr/--alg needs a value/, 'the option without its value is named');

($rc, undef, $err) = run('', 'decode', 'a.b.c', 'd.e.f');
is($rc, 2, 'decode with two tokens: exit 2');

# --- tokens

my $exp = time + 3600;
my $alice = tok(alg => 'RS256', key => 'rsa.pem', kid => 'rsa-1',
                claims => qq({"sub":"alice","exp":$exp,"iss":"https://idp.example",)
                          . qq("role":"user","scope":"orders:read",)
                          . '"uid":"' . jwe(key => 'uid32.key', kid => 'u1',
                                            value => 'alice-42') . '"}');
my @jwks = ('--key-file', $k->('jwks.json'));
my @uid = ('--user-id-claim', 'uid', '--user-id-key-file', $k->('uid.jwks'));

# accepted: the key, the times, the user id, the claims
($rc, $out) = run('', 'check', @jwks, @uid, '--now', $exp - 600, $alice);
is($rc, 0, 'accepted: exit 0');
like($out, qr/\Aaccepted\n/, 'accepted: said first');
like($out, qr/^  key +kid "rsa-1" \(RSA 2048 bits\) in \Q$keys\E\/jwks\.json, alg RS256$/m,
     'accepted: the key, its file and the alg');
like($out, qr/^  exp +\Q@{[utc($exp)]}\E \(in 10m0s\)$/m,
     'accepted: exp in RFC 3339, and how far');
like($out, qr/^  user id +alice-42$/m, 'accepted: the decrypted user id');
like($out, qr/^claims:\n\{\n  "exp": $exp,\n  "iss": "https:\/\/idp.example",/m,
     'accepted: the claims, as JSON');

# expired: the sentence of the log line and the operator's
($rc, $out) = run('', 'check', @jwks, '--now', $exp + 3 * 3600, $alice);
is($rc, 1, 'expired: exit 1');
like($out, qr/\Arefused: expired\n  status +401\n/, 'expired: reason, status');
like($out, qr/^  WWW-Authenticate  Bearer realm="REALM", error="invalid_token"$/m,
     'expired: WWW-Authenticate');
like($out, qr/^  log line +authgw: refused: expired: exp \Q@{[utc($exp)]}\E is 3h0m before now \(\Q@{[utc($exp + 10800)]}\E, leeway 0s\)$/m,
     'expired: the log line, as the module writes it');
like($out, qr/^  what to fix +exp was \Q@{[utc($exp)]}\E, 3h0m ago: get a new token/m,
     'expired: when, and how long ago');

# the kids of the key files
my $k7 = tok(alg => 'RS256', key => 'rsa.pem', kid => 'k7');
($rc, $out) = run('', 'check', @jwks, '--key-file',
                  $k->('hs256.key') . ',kid=hs,alg=HS256', $k7);
is($rc, 1, 'unknown_kid: exit 1');
like($out, qr/^  what to fix +kid "k7" is not in the key files; they have "rsa-1", "rsa-2", "ec-1", "ed-1", "oct-1" \(\Q$keys\E\/jwks\.json\); "hs" \(\Q$keys\E\/hs256\.key\)\./m,
     'unknown_kid: the kids the key files have, file by file');

# which key the signature was tried with
my $forged = tok(alg => 'RS256', key => 'rsa2.pem', kid => 'rsa-1');
($rc, $out) = run('', 'check', @jwks, $forged);
like($out, qr/^  what to fix +tried kid "rsa-1" \(RSA 2048 bits\) in \Q$keys\E\/jwks\.json: the token was signed with another key/m,
     'bad_signature: the key tried');

my $nokid = tok(alg => 'RS256', key => 'rsa.pem');
($rc, $out) = run('', 'check', '--key-file', $k->('rsa.pub.pem'),
                  '--key-file', $k->('rsa2.pub.pem'), $nokid);
like($out, qr/refused: unknown_kid\n.*no kid, and 2 keys verify RS256: .*--try-all-keys \(authgw_try_all_keys on\)/s,
     'unknown_kid without a kid: the keys, and what allows them all');
($rc) = run('', 'check', '--key-file', $k->('rsa.pub.pem'), '--key-file',
            $k->('rsa2.pub.pem'), '--try-all-keys', $nokid);
is($rc, 0, '--try-all-keys: accepted');

# rules: 403 and its exit code, the scope parameter
($rc, $out) = run('', 'check', @jwks, '--require-scope',
                  'orders:read,orders:write', $alice);
is($rc, 3, 'insufficient_scope: exit 3');
like($out, qr/^  status +403\n  WWW-Authenticate  Bearer realm="REALM", error="insufficient_scope", scope="orders:read orders:write"$/m,
     'insufficient_scope: 403 and the scopes');

($rc, $out) = run('', 'check', @jwks, '--require-claim', 'role=admin,editor',
                  $alice);
is($rc, 3, 'claim_mismatch: exit 3');
like($out, qr/^  what to fix +the token's role: "user"$/m,
     'claim_mismatch: the token\'s value (the operator\'s own token)');

($rc, $out) = run('', 'check', @jwks, '--require-claim', 'tenant', $alice);
is($rc, 1, 'missing_claim without values: 401, exit 1');
($rc, $out) = run('', 'check', @jwks, '--require-claim', 'tenant,error=403',
                  $alice);
is($rc, 3, 'missing_claim with error=403: exit 3');

# the user id's keys
my $u9 = tok(alg => 'RS256', key => 'rsa.pem', kid => 'rsa-1',
             claim => { uid => jwe(key => 'uid32.key', kid => 'u9') });
($rc, $out) = run('', 'check', @jwks, @uid, $u9);
like($out, qr/refused: bad_user_id\n.*kid "u9" is not in the user id key files; they have "u1", "u2" \(\Q$keys\E\/uid\.jwks\)/s,
     'bad_user_id: the JWE\'s kid against the user id key files');

# shapes
($rc, $out) = run('', 'check', @jwks, jwe(key => 'uid32.key'));
like($out, qr/refused: malformed_token\n.*5 segments: a JWE/s,
     'malformed_token: a JWE is named');
($rc, $out) = run('', 'check', @jwks, '');
like($out, qr/\Arefused: missing_token\n  status +401\n  WWW-Authenticate  Bearer realm="REALM"\n/,
     'missing_token: no error parameter');

# --- --json

($rc, $out) = run('', 'check', @jwks, @uid, '--json', '--realm', 'api',
                  '--now', $exp + 60, $alice);
my $j = eval { decode_json($out) } || {};
is_deeply([sort keys %$j],
          [sort qw(accepted authgw_error status www_authenticate log
                   explanation fix now alg kid key header claims user_id)],
          '--json: its members');
ok(!$j->{accepted} && $j->{authgw_error} eq 'expired' && $j->{status} == 401,
   '--json: refused, expired, 401');
is($j->{www_authenticate}, 'Bearer realm="api", error="invalid_token"',
   '--json: WWW-Authenticate with --realm');
is($j->{now}, utc($exp + 60), '--json: now in RFC 3339');
like($j->{log}, qr/^authgw: refused: expired: exp /, '--json: the log line');
is($j->{claims}{sub}, 'alice', '--json: the verified claims');

($rc, $out) = run('', 'check', @jwks, @uid, '--json', $alice);
$j = eval { decode_json($out) } || {};
ok($j->{accepted} && $j->{authgw_error} eq '' && !defined $j->{status}
   && $j->{user_id} eq 'alice-42' && $j->{kid} eq 'rsa-1',
   '--json: accepted, its user id and kid');

# --- --batch, stdin

($rc, $out) = run("$alice\n\n$alice @{[$exp + 1]}\nnot-a-token\n", 'check',
                  '--batch', '--show-user-id', @jwks, @uid);
is($out, "accepted 200 alice-42\nexpired 401\nmalformed_token 401\n",
   '--batch: a line each, a time of its own, blank lines skipped');
is($rc, 1, '--batch: exit 1 when any is refused');

($rc, $out) = run("$alice\n", 'check', '--batch', @jwks, @uid);
is($out, "accepted 200 (not shown: --show-user-id)\n",
   '--batch: user ids only with --show-user-id');

($rc, $out, $err) = run("$alice  @{[$exp + 1]}\n$alice soon\e[31m\n$alice\n",
                        'check', '--batch', @jwks);
is($out, "expired 401\nbad_time 2\naccepted 200\n",
   '--batch: spaces before a time; a line with a bad time answered as such, '
   . 'the rest checked');
is($err, "authgw-token check: --batch: line 2: \"soon\\x1b[31m\" is not a "
         . "time\n", '--batch: the bad time said, escaped');
is($rc, 2, '--batch: exit 2 after a bad time');

($rc, $out) = run("$alice x\n", 'check', '--batch', '--json', @jwks);
is($out, "{\"error\":\"bad_time\",\"line\":1}\n",
   '--batch --json: a bad time answered with its line');

my $idt = tok(alg => 'RS256', key => 'rsa.pem', kid => 'rsa-1');
($rc) = run('', 'check', @jwks, '--require-typ', 'OFF', $idt);
is($rc, 0, '--require-typ off: no type required, as authgw_require_typ off');
($rc, undef, $err) = run('', 'check', @jwks, '--require-typ', 'at+jwt',
                         '--require-typ', 'off', $idt);
is($rc, 2, '--require-typ off beside a type: a usage error');

# --- what comes from the token is shown escaped; a comma in a value

my $esc = tok(alg => 'RS256', key => 'rsa.pem', kid => "\e]0;pwned\a");
($rc, $out) = run('', 'check', @jwks, $esc);
ok($out =~ /kid "\\x1b\]0;pwned\\x07" is not in the key files/
   && $out !~ /[\x00-\x08\x0b-\x1f\x7f]/,
   'a kid with terminal controls: escaped, no control byte in the output');

my $dn = 'cn=admins,ou=groups,dc=example,dc=com';
my $g1 = tok(alg => 'RS256', key => 'rsa.pem', kid => 'rsa-1',
             json => { groups => qq{["$dn"]} });
my $g2 = tok(alg => 'RS256', key => 'rsa.pem', kid => 'rsa-1',
             json => { groups => '["dc=com"]' });
(my $escaped = $dn) =~ s/,/\\,/g;
($rc) = run('', 'check', @jwks, '--require-claim', "groups=$escaped", $g1);
is($rc, 0, '--require-claim: "\\," is a comma in a value (an LDAP DN)');
($rc) = run('', 'check', @jwks, '--require-claim', "groups=$escaped", $g2);
is($rc, 3, '--require-claim: a part of the DN is no match');
($rc) = run('', 'check', @jwks, '--require-claim',
            "groups=dc=com,$escaped", $g2);
is($rc, 0, '--require-claim: the DN beside another value');

($rc, $out) = run("Bearer $alice\r\n", 'check', @jwks, '-');
is($rc, 0, 'a token from stdin, "Bearer " and CR LF dropped');

($rc, $out) = run('', 'check', @jwks, '--now', utc($exp - 7200) =~
                  s/Z$/+02:00/r, $alice);
like($out, qr/^  checked at +\Q@{[utc($exp - 14400)]}\E$/m,
     '--now: RFC 3339 with an offset');
($rc, $out) = run('', 'check', @jwks, '--now', '+2h', $alice);
is($rc, 1, '--now +2h: after exp');

# --- configuration errors, as nginx -t

($rc, undef, $err) = run('', 'check', @jwks, @jwks, $alice);
is($rc, 2, 'a kid given twice: exit 2');
like($err, qr/--key-file "\Q$keys\E\/jwks\.json": duplicate kid "rsa-1"/,
     'a kid given twice: said as nginx -t says it');
($rc, undef, $err) = run('', 'check', '--key-file', $k->('hs256.key'),
                         $alice);
like($err, qr/a raw HMAC secret needs alg=HS256/, 'a raw secret needs alg=');
($rc, undef, $err) = run('', 'check', @jwks, '--leeway', '1x', $alice);
is($rc, 2, 'an invalid --leeway: exit 2');
($rc, undef, $err) = run('', 'check', @jwks, '--algorithms', 'none', $alice);
like($err, qr/"none" can never be allowed/, '--algorithms none: refused');
($rc, undef, $err) = run('', 'check', @jwks, '--require-claim',
                         'role=admin,error=404', $alice);
like($err, qr/error= takes 401 or 403/, 'error= other than 401, 403');
($rc, undef, $err) = run('', 'check', @jwks, '--user-id-claim', 'uid',
                         $alice);
like($err, qr/--user-id-claim is given but no --user-id-key-file/,
     'a user id claim without keys');

# --- no key material, whatever the outcome

my $secret = do { local $/; open my $f, '<', $k->('hs256.key'); <$f> };
my $oct = do { local $/; open my $f, '<', $k->('oct.jwk'); <$f> };
my ($k_oct) = $oct =~ /"k":"([^"]+)"/;
my $hs = tok(alg => 'HS256', key => 'hs256.key', kid => 'hs');
my @leaks;

for my $args ([@jwks, '--key-file', $k->('hs256.key') . ',alg=HS256,kid=hs',
               $hs],
              ['--key-file', $k->('oct.jwk'), $hs],
              ['--key-file', $k->('oct.jwk'), '--json', $hs]) {
    ($rc, $out, $err) = run('', 'check', @$args);
    my $all = $out . $err;
    push @leaks, "@$args" if index($all, $k_oct) >= 0
                             || index($all, b64url($secret)) >= 0
                             || index($all, $secret) >= 0;
}

ok(!@leaks, 'no key material in check\'s output') or diag("@leaks");
