# authgw-token check against the module: every token the suites send,
# through every profile of location rules below, answered by nginx and by
# check with the same rules, must get the same reason code
# ($authgw_error), status, WWW-Authenticate header and user id.
#
# The tokens: each suite runs dry (t/Gather.pm: its own code makes its
# tokens and builds its requests; nothing is sent), and every bearer token
# and compact-token-looking value of its requests, and every token
# t::Authgw's tok() and py() make, is kept. Not the suites that make no
# token of their own (000-config, 220-docs, the demo's shell script), nor
# those of the tool alone (this one, 251, and 271, whose DPoP proofs are
# no bearer tokens and whose dry run would be ten seconds of node and
# python for one token). A token with a byte outside 0x21-0x7E is left
# out: it cannot be one header value as sent (the Bearer field's syntax
# is the glue's, which check does not model).
#
# The profiles: locations written with the directives check mirrors; the
# options of check are made from the same directive lines (options_of),
# so a directive check does not take stops the suite. nginx answers each
# request from a named location with $authgw_error, $authgw_user_id and
# its clock ($msec); check is run once per profile over all the tokens
# (--batch --json), each at the second nginx saw, so a token that expires
# during the run agrees too.
#
# Plain Perl (t/Server.pm): tens of thousands of requests over keep-alive
# connections, in batches, on $TEST_NGINX_SERVER_PORT (default 1984).

use strict;
use warnings;

use lib '.';
use t::Authgw;
use t::Server;
use Test::More;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(time);

my $port = $ENV{TEST_NGINX_SERVER_PORT} || 1984;
my $keys = $ENV{TEST_NGINX_KEYS};
my $tool = $ENV{AUTHGW_TOKEN};
my $t0 = time;

# --- the profiles: [name, directive lines]

my @profiles = (
    ['rsa-pem', "authgw_key_file $keys/rsa.pub.pem;"],
    ['jwks', "authgw_key_file $keys/jwks.json;"],
    ['hostile', <<"_EOC_"],
authgw_key_file $keys/jwks.json;
authgw_key_file $keys/hs256.key alg=HS256 kid=hs;
authgw_user_id_claim uid optional;
authgw_user_id_key_file $keys/uid32.key;
_EOC_
    ['formats', <<"_EOC_"],
authgw_key_file $keys/rsa.crt;
authgw_key_file $keys/ec256.jwk;
authgw_key_file $keys/ec384.pub.pem;
authgw_key_file $keys/ec521.jwk;
authgw_key_file $keys/ed25519.jwk;
authgw_key_file $keys/hs384.key alg=HS384;
authgw_key_file $keys/oct.jwk;
_EOC_
    ['ambiguous', <<"_EOC_"],
authgw_key_file $keys/rsa.pub.pem;
authgw_key_file $keys/rsa2.pub.pem;
authgw_key_file $keys/ec256.pub.pem;
authgw_key_file $keys/hs256.key alg=HS256;
_EOC_
    ['try-all-keys', <<"_EOC_"],
authgw_key_file $keys/rsa2.pub.pem;
authgw_key_file $keys/rsa.pub.pkcs1.pem;
authgw_key_file $keys/ec256.pub.pem;
authgw_key_file $keys/hs256.key alg=HS256;
authgw_try_all_keys on;
_EOC_
    ['algorithms', <<"_EOC_"],
authgw_key_file $keys/jwks.json;
authgw_key_file $keys/hs256.key alg=HS256 kid=hs;
authgw_algorithms RS256 ES256 EdDSA;
_EOC_
    ['issuer-audience', <<"_EOC_"],
authgw_key_file $keys/rsa.pub.pem;
authgw_key_file $keys/hs256.key alg=HS256;
authgw_issuer https://idp.example https://idp2.example;
authgw_audience api web;
authgw_error_detail on;
_EOC_
    ['leeway-no-exp', <<"_EOC_"],
authgw_key_file $keys/rsa.pub.pem;
authgw_key_file $keys/hs256.key alg=HS256;
authgw_leeway 60s;
authgw_require_exp off;
_EOC_
    ['require-exp-off', <<"_EOC_"],
authgw_key_file $keys/jwks.json;
authgw_require_exp off;
_EOC_
    ['claims', <<"_EOC_"],
authgw_key_file $keys/rsa.pub.pem;
authgw_key_file $keys/hs256.key alg=HS256;
authgw_require_claim role admin editor;
authgw_require_claim tenant error=403;
_EOC_
    ['claims-pointer', <<"_EOC_"],
authgw_key_file $keys/rsa.pub.pem;
authgw_key_file $keys/hs256.key alg=HS256;
authgw_require_claim sub;
authgw_require_claim /realm_access/roles admin;
authgw_require_claim email_verified true;
authgw_require_claim level 3 4 error=401;
_EOC_
    ['scopes', <<"_EOC_"],
authgw_key_file $keys/rsa.pub.pem;
authgw_key_file $keys/hs256.key alg=HS256;
authgw_require_scope orders:read orders:write;
authgw_resource_metadata https://api.example/.well-known/oauth-protected-resource;
_EOC_
    ['user-id', <<"_EOC_"],
authgw_key_file $keys/rsa.pub.pem;
authgw_key_file $keys/hs256.key alg=HS256;
authgw_user_id_claim uid;
authgw_user_id_key_file $keys/uid32.key;
_EOC_
    ['user-id-keys', <<"_EOC_"],
authgw_key_file $keys/rsa.pub.pem;
authgw_key_file $keys/jwks.json;
authgw_user_id_claim uid optional;
authgw_user_id_key_file $keys/uid.jwks;
authgw_user_id_key_file $keys/uid16.key;
authgw_user_id_key_file $keys/uid24.key;
authgw_user_id_key_file $keys/uid48.key;
authgw_user_id_key_file $keys/uid64.key;
_EOC_
    ['typ', <<"_EOC_"],
authgw_key_file $keys/rsa.pub.pem;
authgw_key_file $keys/jwks.json;
authgw_require_typ at+jwt;
_EOC_
    ['typ-lifetime', <<"_EOC_"],
authgw_key_file $keys/rsa.pub.pem;
authgw_key_file $keys/hs256.key alg=HS256;
authgw_require_typ at+jwt application/jwt;
authgw_max_lifetime 1h;
authgw_leeway 30s;
_EOC_
    ['lifetime', <<"_EOC_"],
authgw_key_file $keys/jwks.json;
authgw_key_file $keys/hs256.key alg=HS256 kid=hs;
authgw_max_lifetime 15m;
_EOC_
    ['everything', <<"_EOC_"],
authgw_key_file $keys/jwks.json;
authgw_key_file $keys/hs256.key alg=HS256 kid=hs;
authgw_algorithms RS256 HS256 ES256;
authgw_issuer https://idp.example;
authgw_audience api;
authgw_leeway 10s;
authgw_require_claim role admin;
authgw_require_scope orders:read;
authgw_user_id_claim uid optional;
authgw_user_id_key_file $keys/uid32.key;
authgw_max_lifetime 2h;
authgw_error_detail on;
_EOC_
);

plan tests => 3 + @profiles;

# --- the options of check for the directive lines of a profile

sub options_of {
    my ($text) = @_;
    my @o = ('--realm', 'check');

    for my $line (grep { /\S/ } split /\n/, $text) {
        $line =~ s/;\s*$//;
        my ($d, @a) = split ' ', $line;

        if ($d eq 'authgw_key_file' || $d eq 'authgw_user_id_key_file') {
            my $opt = $d eq 'authgw_key_file' ? '--key-file'
                                              : '--user-id-key-file';
            push @o, $opt, join ',', @a;

        } elsif ($d eq 'authgw_algorithms') {
            push @o, '--algorithms', join ',', @a;

        } elsif ($d =~ /^authgw_(issuer|audience|require_typ)$/) {
            (my $opt = "--$1") =~ tr/_/-/;
            push @o, map { ($opt, $_) } @a;

        } elsif ($d =~ /^authgw_(leeway|max_lifetime|require_exp|try_all_keys
                                 |error_detail|resource_metadata)$/x) {
            (my $opt = "--$1") =~ tr/_/-/;
            push @o, $opt, $a[0];

        } elsif ($d eq 'authgw_require_claim') {
            my $name = shift @a;
            my @err = @a && $a[-1] =~ /^error=/ ? (pop @a) : ();
            push @o, '--require-claim',
                 join(',', (@a ? "$name=" . join(',', @a) : $name), @err);

        } elsif ($d eq 'authgw_require_scope') {
            push @o, '--require-scope', join ',', @a;

        } elsif ($d eq 'authgw_user_id_claim') {
            push @o, '--user-id-claim', join ',', @a;

        } else {
            die "options_of: no option of check for \"$d\"\n";
        }
    }

    return @o;
}

# --- the tokens: each suite run dry, in parallel

# what the dry runs write, and check's input (start_nginx makes -check)
my $root = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot")
           . '-check-work';
system('rm', '-rf', $root);
mkdir $root or die "mkdir $root: $!\n";

my @suites = grep { !m{/(000|120|220|25\d|271)-} } glob 't/*.t';

# the slowest first: a suite that runs python for its tokens (py())
my %slow = map { $_ => (do { local $/; open my $f, '<', $_; <$f> }
                        =~ /\bpy\(/ ? 1 : 0) } @suites;
@suites = sort { $slow{$b} <=> $slow{$a} || $a cmp $b } @suites;
my (%running, %count);

for my $suite (@suites, undef) {
    while (keys %running >= 4 || (!defined $suite && keys %running)) {
        my $pid = wait;
        last if $pid < 0;
        kill 'KILL', -$pid;
        delete $running{$pid};
    }

    next unless defined $suite;

    (my $name = $suite) =~ s{.*/|\.t$}{}g;
    my $pid = fork() // die "fork: $!\n";

    if ($pid == 0) {
        # its own group: whatever it starts goes with it
        POSIX::setpgid(0, 0);
        $ENV{AUTHGW_GATHER} = "$root/gather-$name";
        $ENV{TEST_NGINX_SERVROOT} = "$root/dry";
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', "$root/gather-$name.err";
        exec $^X, '-I.', '-It/lib', '-Mt::Gather', $suite;
        exit 127;
    }

    $running{$pid} = $name;
}

my (%seen, @tokens, $skipped, @stopped, @died);

for my $suite (@suites) {
    (my $name = $suite) =~ s{.*/|\.t$}{}g;

    if (open my $err, '<', "$root/gather-$name.err") {
        my @lines = <$err>;
        push @stopped, $name if grep { /^t::Gather: stopped/ } @lines;
        push @died, $name if grep { /^t::Gather: ended early/ } @lines;
    }

    open my $fh, '<', "$root/gather-$name" or next;

    while (my $t = <$fh>) {
        chomp $t;
        next if $seen{$t}++;
        $count{$name}++;

        if ($t =~ /[^\x21-\x7e]/ || length $t > 60000) {
            $skipped++;
            next;
        }

        push @tokens, $t;
    }
}

my $gathered = sprintf '%.1f', time - $t0;

ok(@tokens >= 500, scalar(@tokens) . ' distinct tokens from '
   . scalar(keys %count) . " suites in ${gathered}s ("
   . join(', ', map { "$_ $count{$_}" } sort keys %count) . '; '
   . ($skipped // 0) . ' not sendable as one header value'
   . (@stopped ? "; stopped by the time limit: @stopped" : '')
   . (@died ? "; ended early at a socket of their own, so only the tokens "
              . "before it: @died" : '') . ')');

# --- nginx: one location per profile

my $conf = "    large_client_header_buffers 4 64k;\n"
           . "    server {\n        listen 127.0.0.1:$port;\n"
           . "        root $root;\n";

for my $p (@profiles) {
    my ($name, $text) = @$p;
    $text =~ s/^/            /mg;
    $conf .= <<"_EOC_";
        location = /p/$name {
            authgw "check";
$text            try_files /nothing \@out;
            error_page 401 403 \@out;
        }
_EOC_
}

$conf .= <<'_EOC_';
        location @out {
            return 200 "$msec $authgw_error $authgw_user_id";
        }
    }
_EOC_

my ($pid) = start_nginx('check', $port, $conf);

# every token through every profile: [status, reason, user id, time, www]
my %nginx;

for my $p (@profiles) {
    my $name = $p->[0];

    for (my $i = 0; $i < @tokens; $i += 50) {
        my @batch = @tokens[$i .. ($i + 49 < $#tokens ? $i + 49 : $#tokens)];
        my $raw = join '', map {
            "GET /p/$name HTTP/1.1\r\nHost: localhost\r\n"
            . "Authorization: Bearer $_\r\n\r\n"
        } @batch;
        $raw =~ s/\r\n\r\n\z/\r\nConnection: close\r\n\r\n/;

        my @r = parse_responses(exchange($port, $raw, scalar @batch, 30));

        for my $k (0 .. $#batch) {
            my $r = $r[$k] || [0, {}, ''];
            my ($msec, $err, $uid) = split / /, $r->[2], 3;
            $nginx{$name}[$i + $k] = [$r->[0], $err // '?', $uid // '',
                                      int($msec // 0),
                                      $r->[1]{'www-authenticate'} // ''];
        }
    }
}

stop_nginx($pid);

# --- check: once per profile, each token at the second nginx saw

my (%covered, $compared, @first);

for my $p (@profiles) {
    my ($name, $text) = @$p;
    my $in = "$root/check-$name.in";

    open my $fh, '>', $in or die "$in: $!\n";
    print $fh "$tokens[$_] $nginx{$name}[$_][3]\n" for 0 .. $#tokens;
    close $fh;

    my @opts = options_of($text);
    my $cpid = open(my $out, '-|') // die "fork: $!\n";

    if ($cpid == 0) {
        open STDIN, '<', $in or die "$in: $!\n";
        exec $tool, 'check', '--batch', '--json', '--show-user-id', @opts;
        exit 127;
    }

    my @lines = <$out>;
    close $out;

    my ($agree, @bad) = (0);

    for my $i (0 .. $#tokens) {
        # check writes JSON in ASCII (\u escapes); nginx sent the user id
        # as UTF-8 bytes, which is what it is compared as
        my $c = eval { JSON::PP->new->utf8->decode($lines[$i] // '') } || {};
        utf8::encode($c->{user_id}) if defined $c->{user_id};
        my $n = $nginx{$name}[$i];
        my @want = ($c->{status} // 200, $c->{authgw_error} // '?',
                    $c->{user_id} // '', $c->{www_authenticate} // '');
        my @got = ($n->[0], $n->[1], $n->[2], $n->[4]);

        if (join("\0", @want) eq join("\0", @got)) {
            $agree++;
            $covered{$c->{authgw_error} || 'accepted'}++;
            next;
        }

        push @bad, "token $i (" . substr($tokens[$i], 0, 60) . "...):\n"
                   . "  nginx: @got[0, 1] user id \"$got[2]\" \"$got[3]\"\n"
                   . "  check: @want[0, 1] user id \"$want[2]\" \"$want[3]\"";
    }

    $compared += @tokens;

    ok(!@bad, "profile $name: $agree of " . scalar(@tokens)
              . ' tokens agree') or diag(join "\n", @bad[0 .. ($#bad < 4
                                                              ? $#bad : 4)],
                                         "check @opts");
}

# every outcome a location may give was met at least once
my @outcomes = qw(accepted malformed_token alg_not_allowed unknown_kid
    bad_signature expired not_yet_valid bad_issuer bad_audience
    missing_claim claim_mismatch insufficient_scope bad_user_id bad_type
    lifetime_too_long);

my @missed = grep { !$covered{$_} } @outcomes;

ok(!@missed, 'every outcome agreed on at least once: '
   . join(', ', map { "$_ " . ($covered{$_} // 0) } @outcomes))
    or diag("never met: @missed");

ok($compared == @tokens * @profiles,
   scalar(@tokens) . ' tokens x ' . scalar(@profiles) . " profiles = $compared"
   . ' comparisons in ' . sprintf('%.1f', time - $t0) . 's');
