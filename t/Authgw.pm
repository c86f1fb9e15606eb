package t::Authgw;

# Helpers for the authgw suites: mint tokens with tools/authgw-token from
# the keys that t/gen-keys.sh made. Used from "--- more_headers eval".
# Also what the nginx under test is (its version, from t/Nginx.pm), for
# the suites that write or expect what nginx changed between versions.

use strict;
use warnings;

use Exporter 'import';

use t::Nginx ();

our @EXPORT = qw(tok bearer jwe jwe_seg py b64url unb64url std64 dirty_bits
                 dirty_sig flip keyfile capture_start capture_stop
                 nginx_version listen_h2 proxy_head proof jkt dpop_auth);

my $Tool = $ENV{AUTHGW_TOKEN} or die "AUTHGW_TOKEN is not set\n";
my $Keys = $ENV{TEST_NGINX_KEYS} or die "TEST_NGINX_KEYS is not set\n";

sub keyfile {
    my $name = shift;
    return "$Keys/$name";
}

# nginx_version() -> the version of TEST_NGINX_BINARY, 1025001 for 1.25.1
# (t::Nginx::version); listen_h2(ADDR) -> the lines that make a server
# block take HTTP/2 without TLS on ADDR, in that nginx's syntax ("listen
# ADDR http2;" before 1.25.1, "listen ADDR; http2 on;" from it), one per
# server block (t::Nginx::listen_h2)
sub nginx_version {
    return t::Nginx::version();
}

sub listen_h2 {
    return t::Nginx::listen_h2(@_);
}

# proxy_head() -> (PROTOCOL, CONNECTION): what proxy_pass sends upstream
# when the configuration does not say: the protocol of its request line,
# and its Connection header line ('' when it sends none). nginx 1.29.7
# made HTTP/1.1 the default of proxy_http_version and sends Connection
# only when the configuration sets it; before, HTTP/1.0 and
# "Connection: close".
sub proxy_head {
    return ('HTTP/1.1', '') if nginx_version() >= 1029007;
    return ('HTTP/1.0', "Connection: close\n");
}

# tok(alg => 'RS256', key => 'rsa.pem', exp_in => 60, kid => 'k',
#     claim => { sub => 'alice' }, json => { aud => '["a","b"]' },
#     header_json => '{...}', raw_header => '...', raw_payload => '...')
sub tok {
    my %o = @_;
    my @args = ('sign', '--alg', $o{alg} // 'RS256');

    push @args, '--key', keyfile($o{key}) if defined $o{key};
    push @args, '--kid', $o{kid} if defined $o{kid};
    push @args, '--exp-in', $o{exp_in} // 3600
        unless $o{no_exp} || defined $o{claims};
    push @args, '--nbf-in', $o{nbf_in} if defined $o{nbf_in};
    push @args, '--claims', $o{claims} if defined $o{claims};
    push @args, '--header-json', $o{header_json} if defined $o{header_json};
    push @args, '--raw-header', $o{raw_header} if defined $o{raw_header};
    push @args, '--raw-payload', $o{raw_payload} if defined $o{raw_payload};
    push @args, '--header-seg', $o{header_seg} if defined $o{header_seg};
    push @args, '--payload-seg', $o{payload_seg} if defined $o{payload_seg};
    push @args, '--pss-saltlen', $o{pss_saltlen} if defined $o{pss_saltlen};
    push @args, '--openssl' if $o{openssl};

    for my $k (sort keys %{ $o{claim} || {} }) {
        push @args, '--claim', "$k=$o{claim}{$k}";
    }

    for my $k (sort keys %{ $o{json} || {} }) {
        push @args, '--claim-json', "$k=$o{json}{$k}";
    }

    open my $fh, '-|', $Tool, @args or die "cannot run $Tool: $!\n";
    my $t = <$fh>;
    close $fh or die "authgw-token @args failed\n";
    chomp $t;

    return $t;
}

# A DPoP proof (RFC 9449), made by authgw-token dpop, or by jwcrypto
# (via => 'jwcrypto', t/interop.py) or panva's jose (via => 'jose',
# t/dpop-jose.js), implementations independent of authgw:
# proof(key => 'ec256.pem', method => 'GET', url => 'https://a/x',
#       token => $t, nonce => $n, iat_in => -30, jti => 'j', typ => 'T',
#       alg => 'ES256', claim_json => { k => JSON }, header_json => { .. })
sub proof {
    my %o = @_;
    my $key = keyfile($o{key} // 'ec256.pem');
    my $via = $o{via} // 'tool';
    my @args;

    if ($via eq 'jwcrypto') {
        @args = ('/usr/bin/python3', 't/interop.py', 'proof',
                 $o{alg} // 'ES256', $key, $o{method} // 'GET', $o{url},
                 $o{token} // '', defined $o{nonce} ? ($o{nonce}) : ());

    } elsif ($via eq 'jose') {
        require JSON::PP;
        my %job = (key => $key, htm => $o{method} // 'GET', htu => $o{url});
        $job{token} = $o{token} if defined $o{token};
        $job{nonce} = $o{nonce} if defined $o{nonce};
        $job{alg} = $o{alg} if defined $o{alg};
        @args = ('env', 'NODE_PATH=/usr/share/nodejs', 'node', 't/dpop-jose.js', JSON::PP::encode_json(\%job));

    } else {
        @args = ($Tool, 'dpop', '--key', $key,
                 '--method', $o{method} // 'GET', '--url', $o{url});
        push @args, '--token', $o{token} if defined $o{token};
        push @args, '--nonce', $o{nonce} if defined $o{nonce};
        push @args, '--iat-in', $o{iat_in} if defined $o{iat_in};
        push @args, '--jti', $o{jti} if defined $o{jti};
        push @args, '--typ', $o{typ} if defined $o{typ};
        push @args, '--alg', $o{alg} if defined $o{alg};

        for my $k (sort keys %{ $o{claim_json} || {} }) {
            push @args, '--claim-json', "$k=$o{claim_json}{$k}";
        }

        for my $k (sort keys %{ $o{header_json} || {} }) {
            push @args, '--header-json', "$k=$o{header_json}{$k}";
        }
    }

    open my $fh, '-|', @args or die "cannot run $args[0]: $!\n";
    my $t = <$fh>;
    close $fh or die "@args failed\n";
    chomp $t;

    return $t;
}

# the RFC 7638 thumbprint of a key file's public key
sub jkt {
    my $key = keyfile(shift // 'ec256.pem');
    open my $fh, '-|', $Tool, 'thumbprint', '--key', $key
        or die "cannot run $Tool: $!\n";
    my $t = <$fh>;
    close $fh or die "authgw-token thumbprint --key $key failed\n";
    chomp $t;
    return $t;
}

# the headers of a DPoP request: an HS256 token bound to the proof key
# (bind => 0: none; bind => 'other.pem': another key's), "Authorization:
# DPoP" (scheme => 'Bearer'), and its proof (proof => {...} for proof()):
# dpop_auth(url => URL, method => 'GET', claim => {...}, proof => {...})
sub dpop_auth {
    my %o = @_;
    my %p = %{ $o{proof} || {} };
    my $key = $p{key} // 'ec256.pem';
    my $bind = exists $o{bind} ? $o{bind} : $key;
    my %json = %{ $o{json} || {} };

    $json{cnf} = '{"jkt":"' . jkt($bind) . '"}' if $bind;

    my $t = tok(alg => 'HS256', key => 'hs256.key',
                claim => $o{claim} || { sub => 'alice' }, json => \%json);

    my $h = 'Authorization: ' . ($o{scheme} // 'DPoP') . " $t\n";

    return $h if $o{no_proof};

    return $h . 'DPoP: ' . proof(method => $o{method} // 'GET',
                                 url => $o{url}, token => $t, %p);
}

# an encrypted user id: jwe(key => 'uid32.key', value => 'alice',
#     alg => 'dir', enc => 'A256GCM', kid => 'u1', header_json => '{..}',
#     iv_len => 16, no_pad => 1, hex => '610a62')
sub jwe {
    my %o = @_;
    my @args = ('encrypt', '--key', keyfile($o{key}));

    push @args, '--alg', $o{alg} if defined $o{alg};
    push @args, '--enc', $o{enc} if defined $o{enc};
    push @args, '--kid', $o{kid} if defined $o{kid};
    push @args, '--header-json', $o{header_json} if defined $o{header_json};
    push @args, '--iv-len', $o{iv_len} if defined $o{iv_len};
    push @args, '--no-pad' if $o{no_pad};
    push @args, '--hex', $o{hex} if defined $o{hex};
    push @args, $o{value} // 'x';

    open my $fh, '-|', $Tool, @args or die "cannot run $Tool: $!\n";
    my $t = <$fh>;
    close $fh or die "authgw-token @args failed\n";
    chomp $t;

    return $t;
}

# segment $i of a compact JWE or JWS, decoded, passed through $f, encoded
sub jwe_seg {
    my ($jwe, $i, $f) = @_;
    my @s = split /\./, $jwe, -1;
    $s[$i] = b64url($f->(unb64url($s[$i])));
    return join '.', @s;
}

sub unb64url {
    my $s = shift;
    require MIME::Base64;
    $s =~ tr{-_}{+/};
    return MIME::Base64::decode_base64($s);
}

# a token or JWE made by jwcrypto through t/interop.py (Debian's python3)
sub py {
    my @args = @_;
    open my $fh, '-|', '/usr/bin/python3', 't/interop.py', @args
        or die "cannot run t/interop.py: $!\n";
    my $t = <$fh>;
    close $fh or die "t/interop.py @args failed\n";
    chomp $t;
    return $t;
}

sub bearer {
    return "Authorization: Bearer " . tok(@_);
}

sub b64url {
    my $s = shift;
    require MIME::Base64;
    my $e = MIME::Base64::encode_base64($s, '');
    $e =~ tr{+/}{-_};
    $e =~ s/=+$//;
    return $e;
}

# the standard alphabet, unpadded: valid base64, invalid base64url
sub std64 {
    my $s = shift;
    require MIME::Base64;
    my $e = MIME::Base64::encode_base64($s, '');
    $e =~ s/=+$//;
    return $e;
}

# base64url of the JSON text with the unused low bits of its last
# character set: the same bytes, a non-canonical encoding. Spaces are
# appended to the JSON (still the same object) until there are such bits.
sub dirty_bits {
    my $json = shift;
    my $abc = join '', 'A' .. 'Z', 'a' .. 'z', 0 .. 9, '-', '_';

    $json .= ' ' while length($json) % 3 == 0;

    my $e = b64url($json);
    my $i = index $abc, substr($e, -1);
    substr($e, -1) = substr $abc, $i | 1, 1;

    return $e;
}

# sets an unused low bit of the signature's last character (HS256: 43
# characters, two unused bits): the same signature bytes, non-canonical
sub dirty_sig {
    my $t = shift;
    my $abc = join '', 'A' .. 'Z', 'a' .. 'z', 0 .. 9, '-', '_';
    my $i = index $abc, substr($t, -1);
    substr($t, -1) = substr $abc, $i | 1, 1;
    return $t;
}

# flips one bit of the signature's first byte
sub flip {
    my $t = shift;
    my ($h, $p, $s) = split /\./, $t, 3;
    my $c = substr $s, 0, 1;
    substr($s, 0, 1) = $c eq 'A' ? 'B' : 'A';
    return "$h.$p.$s";
}

# A raw capture upstream for the boundary suites: capture_start(PORT,
# OWNED_RE) forks a server on 127.0.0.1:PORT that answers every request
# with the request head it received, byte for byte but printable:
#
#   the request line, then each header line not named by OWNED_RE, in the
#   order received; then "owned:" and the lines named by OWNED_RE, in the
#   order received; then "body: ..." when there was a body.
#
# Lines are split as a lenient upstream splits them (at LF, CR LF), so a
# value that smuggles a line break shows as a line of its own; any other
# byte below 0x20, 0x7F and above is written \xNN. A path holding
# "/status404" is answered 404 (same body); a path starting "/keep/" is
# also kept, and "/dump" answers with every kept text ("----" between
# them, "nothing kept" if none arrives within a second) and forgets them:
# that is how a test sees what a subrequest whose answer nginx discards
# (auth_request, mirror, an intercepted error) sent. Returns the pid.
sub capture_start {
    my ($port, $owned) = @_;

    require IO::Socket::INET;
    require IO::Select;

    my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                       LocalPort => $port, Listen => 64,
                                       ReuseAddr => 1)
        or die "capture: cannot listen on 127.0.0.1:$port: $!\n";

    my $pid = fork();
    die "fork: $!\n" unless defined $pid;

    if ($pid) {
        close $listen;
        return $pid;
    }

    my @kept;
    my $sel = IO::Select->new($listen);
    my $parent = getppid();

    while (1) {
        # the test that started it is gone without stopping it
        exit 0 if getppid() != $parent;
        next unless $sel->can_read(1);
        my $c = $listen->accept or next;
        my ($path, $text) = capture_read($c, $owned);

        if (!defined $path) {
            close $c;
            next;
        }

        if ($path eq '/dump') {
            my $deadline = time + 1;

            # a subrequest may still be on its way
            while (!@kept && time <= $deadline) {
                next unless $sel->can_read(0.2);
                my $k = $listen->accept or next;
                my ($kp, $kt) = capture_read($k, $owned);
                if (defined $kp && $kp =~ m{^/keep/}) {
                    push @kept, $kt;
                }
                capture_answer($k, defined $kp && $kp =~ m{/status404}
                                   ? 404 : 200, $kt // '');
            }

            capture_answer($c, 200, @kept ? join("----\n", @kept)
                                          : "nothing kept\n");
            @kept = ();
            next;
        }

        push @kept, $text if $path =~ m{^/keep/};
        capture_answer($c, $path =~ m{/status404} ? 404 : 200, $text);
    }
}

sub capture_stop {
    my $pid = shift or return;
    kill 'TERM', $pid;
    waitpid $pid, 0;
}

sub capture_read {
    my ($c, $owned) = @_;

    binmode $c;
    my $sel = IO::Select->new($c);
    my $buf = '';

    while (index($buf, "\r\n\r\n") < 0) {
        return unless $sel->can_read(5);
        my $n = sysread $c, $buf, 65536, length $buf;
        return unless $n;
    }

    my ($head, $body) = split /\r\n\r\n/, $buf, 2;
    my ($len) = $head =~ /\r?\nContent-Length:[ \t]*(\d+)/i;

    while (defined $len && length($body) < $len) {
        last unless $sel->can_read(5);
        my $n = sysread $c, $body, 65536, length $body;
        last unless $n;
    }

    my ($line, @lines) = split /\r?\n/, $head, -1;
    my ($path) = $line =~ /^\S+ (\S+)/;
    $path //= '';
    $path =~ s/\?.*//s;

    my $show = sub {
        my $s = shift;
        $s =~ s/([^\x20-\x7e])/sprintf '\\x%02x', ord $1/ge;
        return "$s\n";
    };

    my (@plain, @own);
    for my $l (@lines) {
        my ($name) = $l =~ /^([^:]*):/;
        if (defined $name && $name =~ $owned) {
            push @own, $l;
        } else {
            push @plain, $l;
        }
    }

    my $text = join '', map { $show->($_) } $line, @plain;
    $text .= "owned:\n" . join '', map { $show->($_) } @own;
    $text .= 'body: ' . $show->($body) if length($body // '');

    return ($path, $text);
}

sub capture_answer {
    my ($c, $code, $text) = @_;
    my $reason = $code == 200 ? 'OK' : 'Not Found';
    print $c "HTTP/1.1 $code $reason\r\nContent-Type: text/plain\r\n"
             . "Content-Length: " . length($text) . "\r\n"
             . "Connection: close\r\n\r\n$text";
    close $c;
}

1;
