# authgw-token dpop, thumbprint and sign --cnf-jkt/--cnf-x5t, held to two
# implementations independent of authgw: jwcrypto (t/interop.py dpop,
# Debian's python3-jwcrypto) and panva's jose (t/dpop-jose.js, Debian's
# node-jose). Proofs of P-256, P-384, P-521, Ed25519 and RSA keys verified
# by both with the jwk of their own header; RFC 7638 thumbprints against
# both and RFC 7638's own example; certificate thumbprints against openssl;
# cnf of signed tokens; the options that forge proofs; usage errors. And
# the other way: proofs that jose makes, read by jwcrypto and the tool.
# No nginx.

use strict;
use warnings;

use lib '.';
use t::Authgw;
use Test::More;
use JSON::PP;
use Digest::SHA qw(sha256);
use IPC::Open3 qw(open3);
use Symbol qw(gensym);

my $tool = $ENV{AUTHGW_TOKEN};
my $keys = $ENV{TEST_NGINX_KEYS};
my $tmp = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot")
          . '-dpop-tool';

# Debian's node-jose, which make deps installs
$ENV{NODE_PATH} = join ':', '/usr/share/nodejs', $ENV{NODE_PATH} // ();
-d '/usr/share/nodejs/jose'
    or die "t/271: node-jose is not installed (make deps)\n";

system('rm', '-rf', $tmp);
mkdir $tmp or die "mkdir $tmp: $!\n";

# run(COMMAND, ARGS...) -> (exit code, stdout, stderr); nothing on stdin
sub run {
    my $err = gensym;
    my $pid = open3(my $in, my $out, $err, @_);
    close $in;
    my $o = do { local $/; <$out> } // '';
    my $e = do { local $/; <$err> } // '';
    waitpid $pid, 0;
    return ($? >> 8, $o, $e);
}

sub tool { return run($tool, @_) }

# the first line of a command that must succeed, else dies saying why
sub line {
    my ($rc, $out, $err) = run(@_);
    die "@_: exit $rc: $err" if $rc != 0;
    chomp $out;
    return $out;
}

sub k { return "$keys/$_[0]" }

sub jose { return run('node', 't/dpop-jose.js', encode_json(shift)) }

sub jwcrypto { return run('/usr/bin/python3', 't/interop.py', 'dpop', shift) }

sub json_of {
    my $text = shift;
    return eval { decode_json($text) } || {};
}

# the members of a JWK that hold a private key (RFC 7518 6.2.2, 6.3.2,
# 6.4; RFC 8037 2)
my %private = map { $_ => 1 } qw(d p q dp dq qi oth k);

my $json = JSON::PP->new->canonical;
my $token = tok(alg => 'RS256', key => 'rsa.pem', kid => 'rsa-1',
                claim => { sub => 'alice' });
my $ath = b64url(sha256($token));
my $nonce = "n-$$-" . time;

# key, its alg by default, the --alg given, the method and URL: htm and
# htu exactly as given (the tool normalizes nothing)
my @cases = (
    ['ec256.pem', 'ES256', undef, 'GET',
     'https://api.example.com/orders?id=1'],
    ['ec384.pem', 'ES384', undef, 'POST',
     'HTTPS://API.Example.com:443/a/../orders#f'],
    ['ec521.pem', 'ES512', undef, 'DELETE', 'https://api.example.com/'],
    ['ed25519.pem', 'EdDSA', undef, 'patch', 'https://[::1]:8443/x%2Fy'],
    ['rsa.pem', 'RS256', undef, 'PUT', 'https://api.example.com/orders'],
    ['rsa.pem', 'PS256', 'PS256', 'GET', 'https://api.example.com/p'],
    ['rsa2.pem', 'PS512', 'PS512', 'GET', 'https://api.example.com/p'],
);

plan tests => 9 * @cases + 64;

# --- proofs of the tool, verified by jose and jwcrypto

for my $c (@cases) {
    my ($key, $alg, $opt, $htm, $htu) = @$c;
    my $name = "$key " . ($opt ? "--alg $opt" : $alg);

    my $t0 = time;
    my ($rc, $proof, $err) = tool('dpop', '--key', k($key), '--method', $htm,
                                  '--url', $htu, '--token', $token,
                                  '--nonce', $nonce,
                                  $opt ? ('--alg', $opt) : ());
    my $t1 = time;
    chomp $proof;
    is($rc, 0, "$name: the tool makes a proof") or diag($err);

    my ($jrc, $jout, $jerr) = jose({ verify => $proof,
                                     algorithms => [$alg] });
    is($jrc, 0, "$name: jose verifies it with its embedded jwk")
        or diag($jerr);
    my $jose = json_of($jout);

    my ($prc, $pout, $perr) = jwcrypto($proof);
    is($prc, 0, "$name: jwcrypto verifies it with the jwk of its header")
        or diag($perr);
    my $py = json_of($pout);

    is_deeply([$py->{header}, $py->{payload}],
              [$jose->{header}, $jose->{payload}],
              "$name: jwcrypto and jose read the same header and claims");

    my $pub = json_of(line($tool, 'pubkey', '--key', k($key),
                           '--format', 'jwk'));
    my $h = $jose->{header} || {};
    is($json->encode($h),
       $json->encode({ typ => 'dpop+jwt', alg => $alg, jwk => $pub }),
       "$name: header typ dpop+jwt, alg $alg, the key's public jwk");
    ok(ref $h->{jwk} eq 'HASH' && !grep({ $private{$_} } keys %{ $h->{jwk} }),
       "$name: no private member in the jwk");

    my $p = { %{ $jose->{payload} || {} } };
    my ($iat, $jti) = delete @$p{qw(iat jti)};
    is($json->encode($p),
       $json->encode({ htm => $htm, htu => $htu, ath => $ath,
                       nonce => $nonce }),
       "$name: htm and htu as given, ath the token's SHA-256, the nonce");
    ok(defined $iat && $iat =~ /^\d+$/ && $iat >= $t0 && $iat <= $t1
       && defined $jti && $jti =~ /^[A-Za-z0-9_-]{22,}$/,
       "$name: iat is now, jti 16 random bytes or more")
        or diag("iat $iat, jti $jti, now $t0..$t1");

    my $jkt = line($tool, 'thumbprint', '--key', k($key));
    ok($jkt =~ /^[A-Za-z0-9_-]{43}$/ && $jkt eq ($jose->{jkt} // '')
       && $jkt eq ($py->{jkt} // ''),
       "$name: thumbprint --key is jose's calculateJwkThumbprint and "
       . "jwcrypto's thumbprint() of the proof's jwk")
        or diag("tool $jkt, jose $jose->{jkt}, jwcrypto $py->{jkt}");
}

# --- what the options put in a proof

my $pub256 = json_of(line($tool, 'pubkey', '--key', k('ec256.pem'),
                          '--format', 'jwk'));
my @proof = ('dpop', '--key', k('ec256.pem'), '--method', 'GET',
             '--url', 'https://api.example.com/');

# jwcrypto checks the signature only: a test's odd claims are read too
sub claims_of {
    my $proof = shift;
    my ($rc, $out, $err) = jwcrypto($proof);
    die "jwcrypto: $err" if $rc != 0;
    return json_of($out);
}

my $p1 = claims_of(line($tool, @proof))->{payload};
my $p2 = claims_of(line($tool, @proof))->{payload};
ok(!exists $p1->{ath} && !exists $p1->{nonce},
   'no --token, no --nonce: no ath, no nonce');
isnt($p1->{jti}, $p2->{jti}, 'two proofs, two jtis');

my $r = claims_of(line($tool, @proof, '--iat', '1700000000', '--jti', 'j-1',
                       '--typ', 'application/dpop+jwt'));
is_deeply([@{ $r->{payload} }{qw(iat jti)}, $r->{header}{typ}],
          [1700000000, 'j-1', 'application/dpop+jwt'],
          '--iat N, --jti and --typ: as given');

my $now = time;
$r = claims_of(line($tool, @proof, '--iat-in', '-120'));
ok($r->{payload}{iat} >= $now - 120 && $r->{payload}{iat} <= time - 120,
   '--iat-in -120: two minutes ago');
$r = claims_of(line($tool, @proof, '--iat-in', '+300'));
ok($r->{payload}{iat} >= $now + 300 && $r->{payload}{iat} <= time + 300,
   '--iat-in +300: five minutes ahead');

open my $fh, '>', "$tmp/token" or die $!;
print $fh "$token\r\n";
close $fh;
$r = claims_of(line($tool, @proof, '--token-file', "$tmp/token"));
is($r->{payload}{ath}, $ath,
   '--token-file: the ath of the token, its line break left out');

$r = claims_of(line($tool, @proof, '--claim', 'htm=POST', '--claim-json',
                    'iat="soon"', '--claim-json', 'extra={"a":[1,null]}',
                    '--drop-claim', 'jti', '--header-json', 'kid="k1"',
                    '--header-json', 'typ=null'));
is($json->encode([$r->{payload}, $r->{header}]),
   $json->encode([{ htm => 'POST', htu => 'https://api.example.com/',
                    iat => 'soon', extra => { a => [1, undef] } },
                  { typ => undef, alg => 'ES256', jwk => $pub256,
                    kid => 'k1' }]),
   '--claim, --claim-json, --drop-claim and --header-json: members set '
   . 'and removed, still signed by the key (jwcrypto verifies it)');

# a jwk with the private key in the header: both implementations refuse
my $priv = { %$pub256 };
$priv->{d} = b64url('x' x 32);
my $hostile = line($tool, @proof, '--header-json',
                   'jwk=' . encode_json($priv));
my ($rc, $out, $err) = jose({ verify => $hostile });
ok($rc == 1 && $err =~ /must be a public key/,
   '--header-json jwk with "d": jose refuses it, a private key');
($rc, $out, $err) = jwcrypto($hostile);
ok($rc == 1 && $err =~ /private key True/,
   '--header-json jwk with "d": jwcrypto\'s reader refuses it too');

$r = json_of((tool('decode', line($tool, @proof, '--drop-header', 'jwk',
                                  '--drop-header', 'typ')))[1] =~ s/\n.*//sr);
is_deeply($r, { alg => 'ES256' }, '--drop-header: members left out');

# --- --count: many proofs of one key load, as make bench sends them

my $n = 40;
my ($crc, $many, $cerr) = tool(@proof, '--token', $token, '--nonce', $nonce,
                               '--count', $n);
my @many = split /\n/, $many;
ok($crc == 0 && @many == $n && $many =~ /\n\z/
   && !grep({ !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/ } @many),
   "--count $n: $n lines, each a compact JWS") or diag("exit $crc: $cerr");

($rc, $out, $err) = run('/usr/bin/python3', 't/interop.py', 'dpop', @many);
my @read = map { json_of($_) } split /\n/, $out;
ok($rc == 0 && @read == $n,
   "--count $n: jwcrypto verifies each with the jwk of its header")
    or diag("exit $rc: $err");

my %jtis = map { ($_->{payload}{jti} // '') => 1 } @read;
ok(keys %jtis == $n && !grep({ !/^[A-Za-z0-9_-]{32}$/ } keys %jtis),
   "--count $n: $n distinct jtis, each 24 random bytes");

my @rest = map { my %p = %{ $_->{payload} || {} }; delete $p{jti};
                 $json->encode([$_->{header}, \%p]) } @read;
my %rest = map { $_ => 1 } @rest;
my $first = json_of($rest[0] // '[]');
ok(keys %rest == 1
   && $json->encode($first->[1] // {})
      eq $json->encode({ htm => 'GET', htu => 'https://api.example.com/',
                         iat => $first->[1]{iat}, ath => $ath,
                         nonce => $nonce })
   && $json->encode($first->[0] // {})
      eq $json->encode({ typ => 'dpop+jwt', alg => 'ES256',
                         jwk => $pub256 }),
   "--count $n: one header, and the same htm, htu, iat, ath and nonce");

my ($jrc, undef, $jerr) = jose({ verify => $many[-1],
                                 algorithms => ['ES256'] });
is($jrc, 0, "--count $n: jose verifies the last one too") or diag($jerr);

($rc, $out) = tool(@proof, '--count', 1);
is(scalar(() = $out =~ /\n/g), 1, '--count 1: one proof');

# --- RFC 7638 thumbprints

my $rfc7638 = '{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbW'
    . 'hM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknj'
    . 'hMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2Qv'
    . 'zqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNL'
    . 'yrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-cs'
    . 'FCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}';
open $fh, '>', "$tmp/rfc7638.jwk" or die $!;
print $fh $rfc7638;
close $fh;
is(line($tool, 'thumbprint', '--key', "$tmp/rfc7638.jwk"),
   'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
   'thumbprint --key of a JWK: RFC 7638 3.1\'s example');

for my $key (qw(ec256 ed25519 rsa)) {
    my @t = map { line($tool, 'thumbprint', '--key', k($_)) }
                ("$key.pem", "$key.pub.pem", "$key.jwk");
    ok($t[0] eq $t[1] && $t[0] eq $t[2],
       "thumbprint of $key: the same of its private PEM, public PEM and JWK");
}

isnt(line($tool, 'thumbprint', '--key', k('rsa.pem')),
     line($tool, 'thumbprint', '--key', k('rsa2.pem')),
     'two RSA keys, two thumbprints');

# --- certificates (RFC 8705 3.1)

for my $type (['ec', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
              ['rsa', '-key', k('rsa.pem')]) {
    my ($name, @key) = @$type;
    my $crt = "$tmp/$name.crt";

    line('openssl', 'req', '-x509', @key, '-nodes', '-keyout',
         "$tmp/$name.key", '-subj', "/CN=authgw-dpop-$name", '-days', '1',
         '-out', $crt);
    line('openssl', 'x509', '-in', $crt, '-outform', 'DER', '-out',
         "$crt.der");

    my $der = do { local $/; open my $f, '<:raw', "$crt.der" or die $!; <$f> };
    my $x5t = b64url(sha256($der));

    is(line($tool, 'thumbprint', '--cert', $crt), $x5t,
       "thumbprint --cert ($name, PEM): base64url of the SHA-256 of its DER");
    is(line($tool, 'thumbprint', '--cert', "$crt.der"), $x5t,
       "thumbprint --cert ($name, DER): the same");
}

my $x5t = b64url(sha256(do { local $/; open my $f, '<:raw', "$tmp/ec.crt.der"
                                         or die $!; <$f> }));

# --- sign --cnf-jkt, --cnf-x5t

my $jkt = line($tool, 'thumbprint', '--key', k('ed25519.pem'));

sub cnf_of {
    my ($rc, $out, $err) = tool('sign', @_);
    return "exit $rc: $err" if $rc != 0;
    chomp $out;
    return $json->encode(json_of(unb64url((split /\./, $out)[1])));
}

my $exp = time + 600;
my @sign = ('--alg', 'ES256', '--key', k('ec256.pem'), '--claims',
            qq({"sub":"alice","exp":$exp}));

is(cnf_of(@sign, '--cnf-jkt', k('ed25519.pem')),
   $json->encode({ sub => 'alice', exp => $exp, cnf => { jkt => $jkt } }),
   '--cnf-jkt: cnf.jkt the thumbprint of the key (libjwt signs)');
is(cnf_of(@sign, '--cnf-x5t', "$tmp/ec.crt"),
   $json->encode({ sub => 'alice', exp => $exp,
                   cnf => { 'x5t#S256' => $x5t } }),
   '--cnf-x5t: cnf["x5t#S256"] of the certificate');
is(cnf_of('--alg', 'EdDSA', '--key', k('ed25519.pem'), '--cnf-x5t',
          "$tmp/ec.crt", '--cnf-jkt', k('ed25519.pub.pem')),
   $json->encode({ cnf => { jkt => $jkt, 'x5t#S256' => $x5t } }),
   'both: one cnf with both members (OpenSSL signs; a public key names it)');
is(cnf_of(@sign, '--claim-json', 'cnf={"jkt":"forged","x5t#S256":"c","n":1}',
          '--cnf-jkt', k('ed25519.pem')),
   $json->encode({ sub => 'alice', exp => $exp,
                   cnf => { jkt => $jkt, 'x5t#S256' => 'c', n => 1 } }),
   'a cnf of --claim-json: --cnf-jkt replaces its jkt, the rest stays');

($rc, undef, $err) = tool('sign', @sign[0 .. 3], '--claim-json', 'cnf="x"',
                          '--cnf-jkt', k('ed25519.pem'));
ok($rc == 2 && $err =~ /the claims and their cnf must be objects\n.*usage: /s,
   'a cnf that is not an object, with --cnf-jkt: a usage error')
    or diag("exit $rc: $err");
($rc, undef, $err) = tool('sign', @sign[0 .. 3], '--cnf-jkt', k('hs256.key'));
ok($rc == 2 && $err =~ /^authgw-token sign: not a PEM private or public key/,
   '--cnf-jkt of an HMAC secret: a usage error') or diag("exit $rc: $err");

# the token is bound to the key that makes the proofs: the same thumbprint
my $bound = json_of(unb64url((split /\./, line($tool, 'sign', @sign,
                                               '--cnf-jkt', k('ec384.pem')))[1]));
my $proof = line($tool, 'dpop', '--key', k('ec384.pem'), '--method', 'GET',
                 '--url', 'https://api.example.com/');
is(json_of((jose({ verify => $proof }))[1])->{jkt}, $bound->{cnf}{jkt},
   'a token of --cnf-jkt KEY: its jkt is jose\'s of a proof of KEY');

# --- usage errors: exit 2, said with the usage line

for my $u ([['--alg', 'HS256'], qr/--alg is RS\*, PS\*, ES\* or EdDSA .*: HS256/,
            'an HMAC --alg'],
           [['--alg', 'none'], qr/: none\n/, '--alg none'],
           [['--alg', 'ES384'], qr/--alg does not fit the key \(a key of ES256\)/,
            'an --alg of another curve'],
           [['--key', k('hs256.key')],
            qr/--key is not a PEM private key .*hs256\.key/, 'an oct key'],
           [['--key', k('ec256.pub.pem')], qr/is not a PEM private key/,
            'a public key'],
           [['--iat', '1', '--iat-in', '5'], qr/exclude each other/,
            '--iat with --iat-in'],
           [['--iat-in', '5s'], qr/--iat-in is not a number of seconds: 5s/,
            '--iat-in of another syntax'],
           [['--token', 'a', '--token-file', "$tmp/token"],
            qr/--token and --token-file exclude each other/,
            '--token with --token-file'],
           [['--count', '0'],
            qr/--count is not a number from 1 to 10000000: 0\n/, '--count 0'],
           [['--count', '10000001'], qr/--count is not a number/,
            '--count over ten million'],
           [['--count', '2x'], qr/--count is not a number/, '--count 2x'],
           [['--count', '2', '--jti', 'j'],
            qr/--jti and --count exclude each other/, '--count with --jti'],
           [['--frob'], qr/unknown option "--frob"/, 'an unknown option'],
           [['extra'], qr/takes no operand/, 'an operand']) {
    my ($args, $said, $what) = @$u;
    my %o = ('--key' => k('ec256.pem'), '--method' => 'GET',
             '--url' => 'https://a.example/');
    my @a = @$args;

    # an option given replaces the default one
    for (my $i = 0; $i < @a; $i++) {
        delete $o{$a[$i]};
    }

    ($rc, $out, $err) = tool('dpop', %o, @a);
    ok($rc == 2 && $out eq '' && $err =~ $said
       && $err =~ /\nusage: authgw-token dpop --key PRIVATE/,
       "dpop, $what: exit 2, said, with the usage line") or diag($err);
}

($rc, $out, $err) = tool('dpop', '--key', k('ec256.pem'), '--method', 'GET');
ok($rc == 2 && $err =~ /a required option is missing: --url\n/,
   'dpop without --url: exit 2, the option named');
($rc, $out, $err) = tool('dpop', '--key', k('ec256.pem'), '--method', 'GET',
                         '--url');
ok($rc == 2 && $err =~ /--url needs a value/, 'dpop --url without a value');

($rc, $out, $err) = tool('thumbprint');
ok($rc == 2 && $err =~ /takes one of --key and --cert/,
   'thumbprint with neither --key nor --cert: exit 2');
($rc) = tool('thumbprint', '--key', k('ec256.pem'), '--cert', "$tmp/ec.crt");
is($rc, 2, 'thumbprint with both: exit 2');
($rc, $out, $err) = tool('thumbprint', '--key', k('oct.jwk'));
ok($rc == 2 && $err =~ /no RFC 7638 thumbprint/,
   'thumbprint of an oct JWK: exit 2');
($rc, $out, $err) = tool('thumbprint', '--cert', k('rsa.pem'));
ok($rc == 2 && $err =~ /not an X\.509 certificate/,
   'thumbprint --cert of a key: exit 2');

for my $c (qw(dpop thumbprint)) {
    my ($hrc, $help) = tool('help', $c);
    ok($hrc == 0 && $help =~ /\Ausage: authgw-token $c .*Examples:\n  authgw-token $c --/s,
       "help $c: its usage, options and examples");
}

# --- proofs that jose makes (t/dpop-jose.js), read by jwcrypto and the tool

for my $key (qw(ec256 ed25519 rsa)) {
    ($rc, $proof, $err) = jose({ key => k("$key.pem"), htm => 'POST',
                                 htu => 'https://api.example.com/token',
                                 token => $token, nonce => $nonce,
                                 iat => 1700000000,
                                 claims => { jti => 'jose-1', x => [1] } });
    chomp $proof;
    my ($prc, $pout, $perr) = jwcrypto($proof);
    my $py = json_of($pout);
    my $decoded = (tool('decode', $proof))[1];
    my ($dh, $dp) = map { json_of($_) } split /\n/, $decoded;

    ok($rc == 0 && $prc == 0
       && $json->encode($py->{payload})
          eq $json->encode({ jti => 'jose-1', htm => 'POST',
                             htu => 'https://api.example.com/token',
                             iat => 1700000000, ath => $ath,
                             nonce => $nonce, x => [1] }),
       "jose's proof of $key: jwcrypto verifies it, with its claims")
        or diag("$err $perr");
    is_deeply([$dh, $dp], [$py->{header}, $py->{payload}],
              "jose's proof of $key: authgw-token decode reads the same");
    is($py->{jkt}, line($tool, 'thumbprint', '--key', k("$key.pem")),
       "jose's proof of $key: its jwk has the tool's thumbprint of the key");
}

($rc, $proof) = jose({ key => k('ec256.pem'), htm => 'GET', htu => 'u',
                       header => { typ => undef, kid => 'k' },
                       claims => { htu => undef } });
my ($dh, $dp) = map { json_of($_) } split /\n/, (tool('decode', $proof))[1];
ok($rc == 0 && !exists $dh->{typ} && $dh->{kid} eq 'k'
   && !exists $dp->{htu} && $dp->{htm} eq 'GET',
   'dpop-jose.js: null removes a header member or a claim, others are set');
