package t::Authgw;

# Helpers for the authgw suites: mint tokens with tools/authgw-token from
# the keys that t/gen-keys.sh made. Used from "--- more_headers eval".

use strict;
use warnings;

use Exporter 'import';

our @EXPORT = qw(tok bearer jwe jwe_seg py b64url unb64url std64 dirty_bits
                 dirty_sig flip keyfile);

my $Tool = $ENV{AUTHGW_TOKEN} or die "AUTHGW_TOKEN is not set\n";
my $Keys = $ENV{TEST_NGINX_KEYS} or die "TEST_NGINX_KEYS is not set\n";

sub keyfile {
    my $name = shift;
    return "$Keys/$name";
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

1;
