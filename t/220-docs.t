# Every fenced nginx block of README.md and docs/*.md loads: its
# placeholders filled (key files with the test keys of the directive's
# kind, the trusted certificate, log and cache paths, hosts of proxy_pass
# with an upstream of that name), a fragment placed at the level it is
# written for (http-only directives at http, locations in a server, the
# rest in a location; a fragment that turns authgw on without keys gets
# them at http level), then `nginx -t`: no [emerg], and no [warn] (the
# configurations the docs show are the ones the warnings would not make).
# Plain Test::More, so it runs with any Test::Nginx.

use strict;
use warnings;

use File::Path qw(make_path remove_tree);
use Test::More;

my $nginx  = $ENV{TEST_NGINX_BINARY} || 'nginx';
my $module = $ENV{TEST_NGINX_LOAD_MODULES} or die "no TEST_NGINX_LOAD_MODULES\n";
my $keys   = $ENV{TEST_NGINX_KEYS} or die "no TEST_NGINX_KEYS\n";
my $root   = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot") . "-docs";

my @files = ('README.md', sort glob 'docs/*.md');
my @blocks;

for my $f (@files) {
    open my $fh, '<', $f or die "$f: $!";
    my ($in, $start, $text, $n) = (0, 0, '', 0);
    while (my $line = <$fh>) {
        $n++;
        if (!$in && $line =~ /^```nginx\s*$/) {
            ($in, $start, $text) = (1, $n, '');
        } elsif ($in && $line =~ /^```\s*$/) {
            push @blocks, ["$f:$start", $text];
            $in = 0;
        } elsif ($in) {
            $text .= $line;
        }
    }
}

plan tests => 1 + 2 * @blocks;
cmp_ok(scalar @blocks, '>=', 30, scalar(@blocks) . ' nginx blocks found');

# the test file for a file a directive names
sub fill {
    my $t = shift;

    $t =~ s{^(\s*load_module\s+)\S+;}{$1$module;}mg;
    $t =~ s{(authgw_key_file\s+)\S+(\s+[^;]*alg=HS\d+)}{$1$keys/hs256.key$2}g;
    $t =~ s{(authgw_key_file\s+)\S+\.pem\b}{$1$keys/rsa.pub.pem}g;
    $t =~ s{(authgw_key_file\s+)\S+\.(?:json|jwks)\b}{$1$keys/jwks.json}g;
    $t =~ s{^(\s*key_file\s+)\S+\.pem\b}{$1$keys/rsa.pub.pem}mg;
    $t =~ s{^(\s*key_file\s+)\S+\.(?:json|jwks)\b}{$1$keys/jwks.json}mg;
    $t =~ s{(authgw_user_id_key_file\s+)\S+\.jwks\b}{$1$keys/uid.jwks}g;
    $t =~ s{(authgw_user_id_key_file\s+)\S+\.key\b}{$1$keys/uid32.key}g;
    $t =~ s{(proxy_ssl_trusted_certificate\s+)\S+;}{$1$keys/rsa.crt;}g;
    $t =~ s{(ssl_certificate\s+)\S+;}{$1$keys/rsa.crt;}g;
    $t =~ s{(ssl_client_certificate\s+)\S+;}{$1$keys/rsa.crt;}g;
    $t =~ s{(authgw_dpop_nonce_key\s+)(?!off\b)\S+}{$1$keys/uid32.key}g;
    $t =~ s{(ssl_certificate_key\s+)\S+;}{$1$keys/rsa.pem;}g;
    $t =~ s{(access_log\s+)/\S+}{${1}logs/access.log}g;
    $t =~ s{(proxy_cache_path\s+)\S+}{$1$root/cache}g;
    $t =~ s{(auth_basic_user_file\s+)\S+;}{$1/dev/null;}g;

    return $t;
}

# statements at the top of a fragment: "name ... ;" or "name ... { ... }"
sub statements {
    my $t = shift;
    my @s;
    my ($cur, $depth) = ('', 0);

    for my $line (split /\n/, $t) {
        next if !$depth && $cur eq '' && $line =~ /^\s*(#.*)?$/;
        $cur .= "$line\n";
        (my $code = $line) =~ s/#.*//;
        $depth += () = $code =~ /\{/g;
        $depth -= () = $code =~ /\}/g;
        if ($depth == 0 && $code =~ /[;}]\s*$/) {
            push @s, $cur;
            $cur = '';
        }
    }
    push @s, $cur if $cur =~ /\S/;

    return @s;
}

my %http_only = map { $_ => 1 } qw(map upstream proxy_cache_path
    limit_req_zone limit_conn_zone log_format authgw_claim_set geo
    split_clients server authgw_provider authgw_dpop_replay_zone);

sub config_of {
    my $t = fill(shift);
    my $conf;

    if ($t =~ /^\s*http\s*\{/m || $t =~ /^\s*events\b/m) {
        $conf = $t;
        $conf = "events {}\n$conf" if $conf !~ /^\s*events\b/m;
        $conf = "load_module $module;\n$conf"
            if $conf !~ /^\s*load_module\b/m;

    } elsif ($t =~ /\A\s*load_module\b[^;]*;\s*\z/) {
        $conf = "$t\nevents {}\nhttp {}\n";

    } else {
        my ($http, $server, $loc) = ('', '', '');
        my $has_loc = $t =~ /^\s*location\b/m;

        for my $s (statements($t)) {
            my ($name) = $s =~ /^\s*(\S+)/;
            if ($http_only{$name}) {
                $http .= $s;
            } elsif ($name eq 'location' || $has_loc) {
                $server .= $s;
            } else {
                $loc .= $s;
            }
        }

        $server .= "location /doc-fragment {\n$loc}\n" if length $loc;

        # a fragment that turns authgw on and gives no keys has them from
        # the level above, as the example configuration does
        $http = "authgw_key_file $keys/jwks.json;\n$http"
            if $t =~ /^\s*authgw\s+"/m
               && $t !~ /authgw_key_(?:file|request)\b/;
        $conf = "load_module $module;\nevents {}\nhttp {\n$http\n"
                . "server {\nlisten 127.0.0.1:1985;\n$server}\n}\n";
    }

    # a host of proxy_pass that is no upstream of the block: one of that
    # name (nginx -t would resolve it)
    my %defined = map { $_ => 1 } $conf =~ /^\s*upstream\s+(\S+)/mg;
    my %hosts;
    for my $h ($conf =~ m{proxy_pass\s+https?://([^/:;\s]+)}g) {
        next if $h =~ /^[\d.]+$/ || $h =~ /^\$/ || $defined{$h};
        $hosts{$h} = 1;
    }
    my $stubs = join '', map { "upstream $_ { server 127.0.0.1:1; }\n" }
                         sort keys %hosts;
    $conf =~ s/^(\s*http\s*\{)/$1\n$stubs/m if $stubs;

    return $conf;
}

for my $b (@blocks) {
    my ($where, $text) = @$b;

    remove_tree($root);
    make_path("$root/conf", "$root/logs");

    my $conf = config_of($text);
    open my $fh, '>', "$root/conf/nginx.conf" or die $!;
    print $fh $conf;
    close $fh;

    my $out = `$nginx -t -p $root/ -c conf/nginx.conf 2>&1`;
    my $rc = $? >> 8;

    is($rc, 0, "$where loads") or diag("$out\n--- as tested:\n$conf");
    unlike($out, qr/\[(emerg|warn)\]/, "$where: no warning")
        or diag($out);
}
