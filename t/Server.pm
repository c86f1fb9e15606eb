package t::Server;

# For the suites that are not in the Test::Nginx format (many requests on
# one connection, hundreds of distinct headers): write the configuration of
# one nginx with the module loaded and start it (through t/Nginx.pm, as the
# runner in t/lib does), talk raw HTTP/1.1 to it, stop it.

use strict;
use warnings;

use Exporter 'import';
use File::Path qw(make_path remove_tree);
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);

use t::Nginx;

our @EXPORT = qw(start_nginx stop_nginx exchange parse_responses http_get);

# start_nginx(NAME, PORT, HTTP_BLOCK_TEXT[, master => 1][, workers => N]
# [, connections => N]) -> (pid, root), or dies saying why nginx does not
# listen or was stopped (a deprecation warning: t::Nginx::start); with
# master, workers (1 unless said) under a master (reloads work as in
# production); worker_connections 256 unless said
sub start_nginx {
    my ($name, $port, $http, %o) = @_;

    my $root = ($ENV{TEST_NGINX_SERVROOT} || "$ENV{PWD}/t/servroot")
               . "-$name";
    my $module = $ENV{TEST_NGINX_LOAD_MODULES} or die "no module\n";

    remove_tree($root);
    make_path("$root/conf", "$root/logs", "$root/tmp");

    open my $fh, '>', "$root/conf/nginx.conf" or die $!;
    print $fh <<"_EOC_";
load_module $module;
daemon off;
master_process @{[ $o{master} ? 'on' : 'off' ]};
worker_processes @{[ $o{workers} || 1 ]};
error_log logs/error.log info;
pid logs/nginx.pid;
events { worker_connections @{[ $o{connections} || 256 ]}; }
http {
    access_log off;
    client_body_temp_path $root/tmp;
    proxy_temp_path $root/tmp;
    fastcgi_temp_path $root/tmp;
    uwsgi_temp_path $root/tmp;
    scgi_temp_path $root/tmp;
$http
}
_EOC_
    close $fh;

    my ($pid, $err) = t::Nginx::start($root, $port);
    die $err unless $pid;

    return ($pid, $root);
}

# stop_nginx(PID): dies when nginx logged a deprecation warning after it
# started (at a reload; t::Nginx::start refuses one at start)
sub stop_nginx {
    my @old = t::Nginx::stop(shift);
    die "nginx warned that its configuration is deprecated:\n",
        map { "$_\n" } @old if @old;
}

# exchange(PORT, RAW_BYTES, EXPECTED_RESPONSES[, SECONDS]) -> raw response
# bytes; reads until EXPECTED_RESPONSES complete responses arrived, EOF or
# SECONDS (5 unless said)
sub exchange {
    my ($port, $raw, $want, $secs) = @_;

    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $port)
        or die "connect: $!\n";
    binmode $s;
    print $s $raw;

    my $sel = IO::Select->new($s);
    my $buf = '';
    my $deadline = time + ($secs || 5);

    while (time < $deadline) {
        last if $want && parse_responses($buf) >= $want;
        last unless $sel->can_read($deadline - time);
        my $n = sysread $s, my $chunk, 65536;
        last unless $n;
        $buf .= $chunk;
    }

    close $s;

    return $buf;
}

# http_get(PORT, PATH[, TOKEN[, METHOD]]) -> [status, {headers}, body] or
# undef: one request on its own connection, with the bearer token if given
sub http_get {
    my ($port, $path, $token, $method) = @_;
    my $raw = ($method // 'GET') . " $path HTTP/1.1\r\nHost: localhost\r\n"
              . "Connection: close\r\n"
              . (defined $token ? "Authorization: Bearer $token\r\n" : '')
              . "\r\n";
    my ($r) = parse_responses(exchange($port, $raw, 1));
    return $r;
}

# parse_responses(BYTES) -> list of [status, {headers}, body]
sub parse_responses {
    my $buf = shift;
    my @out;

    while ($buf =~ s/\AHTTP\/1\.1 (\d{3})[^\r]*\r\n((?:[^\r]+\r\n)*)\r\n//) {
        my ($code, $head) = ($1, $2);
        my %h;
        for my $l (split /\r\n/, $head) {
            my ($k, $v) = $l =~ /^([^:]+):\s*(.*)$/ or next;
            $h{lc $k} = $v;
        }
        my $len = $h{'content-length'} // 0;
        last if length($buf) < $len;
        push @out, [$code, \%h, substr($buf, 0, $len, '')];
    }

    return wantarray ? @out : scalar @out;
}

1;
