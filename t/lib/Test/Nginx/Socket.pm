package Test::Nginx::Socket;

# A small runner for the subset of the Test::Nginx::Socket data format that
# authgw's suites use. It is put on PERL5LIB only where the real
# Test::Nginx (CPAN) is not installed; see t/README.md for the subset.
# nginx is started and stopped by t/Nginx.pm, as for t/Server.pm.

use strict;
use warnings;

use Test::Base -base;

use Cwd qw(cwd);
use File::Path qw(make_path remove_tree);
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);

# t/Nginx.pm, found from the repository root through the suites' own
# "use lib '.'" (they load t::Authgw the same way)
use t::Nginx;

our $VERSION = '0.1-authgw';

our @EXPORT = qw(run_tests repeat_each no_shuffle no_long_string
                 log_level workers master_on master_off server_port
                 html_dir server_root);

my $RepeatEach = 1;
my $LogLevel   = 'debug';
my $ServerPort = $ENV{TEST_NGINX_SERVER_PORT} || $ENV{TEST_NGINX_PORT}
                 || 1984;
my $ServRoot   = $ENV{TEST_NGINX_SERVROOT} || cwd() . '/t/servroot';
my $Timeout    = $t::Nginx::Timeout;

$ENV{TEST_NGINX_SERVER_PORT} = $ServerPort;
$ENV{TEST_NGINX_HTML_DIR}    = "$ServRoot/html";
$ENV{TEST_NGINX_SERVROOT}    = $ServRoot;

# the sections this runner implements; any other one stops the suite
# before a block runs (see check_sections)
my %Known = map { $_ => 1 } qw(
    config http_config main_config request raw_request more_headers
    error_code response_body response_body_like response_headers
    response_headers_like error_log no_error_log user_files http2
);

# sections that may give an array, one element per request of
# "--- request eval [...]"; sections whose patterns may be qr//
my %PerRequest = map { $_ => 1 } qw(
    request more_headers error_code response_body response_body_like
    response_headers response_headers_like
);
my %Pattern = map { $_ => 1 } qw(response_body_like error_log no_error_log);

sub repeat_each (@) {
    $RepeatEach = shift if @_;
    return $RepeatEach;
}

sub log_level (@)     { $LogLevel = shift if @_; return $LogLevel }
sub server_port ()    { return $ServerPort }
sub html_dir ()       { return "$ServRoot/html" }
sub server_root ()    { return $ServRoot }

# results are compared by is(), as the real runner does after this
sub no_long_string () { }

# the real runner shuffles the blocks unless told not to; this one runs
# them in order only, so run_tests() wants to be told
my $NoShuffle = $ENV{TEST_NGINX_NO_SHUFFLE};

sub no_shuffle () { $NoShuffle = 1 }

# as the real one: the number of workers, and a master process (which
# workers() above 1 needs: without a master nginx runs one process)
my $Workers = 1;
my $Master  = 0;

sub workers (@) {
    $Workers = shift if @_;
    die "workers(): a positive number, not '$Workers'\n"
        unless $Workers =~ /^[1-9][0-9]*$/;
    return $Workers;
}

sub master_on ()  { $Master = 1 }
sub master_off () { $Master = 0 }

sub expand_env ($) {
    my $s = shift;
    return $s unless defined $s;
    $s =~ s/\$(TEST_NGINX_[_A-Z0-9]+)/
            defined $ENV{$1} ? $ENV{$1}
                             : die "\$$1 is used but not set\n"/ge;
    return $s;
}

sub lines_of ($) {
    my $v = shift;
    return () unless defined $v;
    return @$v if ref $v eq 'ARRAY';
    return ($v) if ref $v eq 'Regexp';
    return grep { length } split /\n/, $v;
}

sub write_file ($$) {
    my ($path, $data) = @_;
    open my $fh, '>', $path or die "cannot write $path: $!\n";
    print $fh $data;
    close $fh;
}

sub write_config ($) {
    my $block = shift;

    remove_tree($ServRoot);
    make_path(map { "$ServRoot/$_" } qw(conf logs html client_body_temp
                                         proxy_temp fastcgi_temp uwsgi_temp
                                         scgi_temp));

    my $modules = '';
    for my $m (split ' ', $ENV{TEST_NGINX_LOAD_MODULES} || '') {
        $modules .= "load_module $m;\n";
    }

    my $main_config = expand_env($block->main_config) // '';
    my $http_config = expand_env($block->http_config) // '';
    my $config      = expand_env($block->config) // '';

    # ">>> NAME" lines, each followed by its file's text; the real runner
    # also takes a time after the name, and an array: not implemented
    if (defined $block->user_files) {
        my $where = $block->name . ': --- user_files';
        my @parts = split /^>>> (.*)\n/m, expand_env($block->user_files);
        die "$where: text before the first \">>> NAME\" line\n"
            if length shift @parts;
        while (@parts) {
            my ($name, $body) = splice @parts, 0, 2;
            die "$where: \">>> $name\": one file name, nothing else\n"
                unless $name =~ /^\S+$/;
            write_file("$ServRoot/html/$name", $body);
        }
    }

    # "--- http2": the port takes HTTP/2 (prior knowledge, no TLS), in the
    # syntax of the nginx that runs it (as the real runner chooses)
    my $listen = defined $block->http2
                 ? t::Nginx::listen_h2("127.0.0.1:$ServerPort")
                 : "listen 127.0.0.1:$ServerPort;";

    write_file("$ServRoot/conf/nginx.conf", <<"_EOC_");
$modules
daemon off;
master_process @{[ $Master ? 'on' : 'off' ]};
worker_processes $Workers;
error_log logs/error.log $LogLevel;
pid logs/nginx.pid;

$main_config

events {
    worker_connections 64;
}

http {
    access_log logs/access.log;
    default_type text/plain;
    keepalive_timeout 68;

    client_body_temp_path $ServRoot/client_body_temp;
    proxy_temp_path $ServRoot/proxy_temp;
    fastcgi_temp_path $ServRoot/fastcgi_temp;
    uwsgi_temp_path $ServRoot/uwsgi_temp;
    scgi_temp_path $ServRoot/scgi_temp;

$http_config

    server {
        $listen
        server_name localhost;
        root $ServRoot/html;

$config
    }
}
_EOC_
}

# as the real runner does: "Host: localhost" and "Connection: close" come
# first unless more_headers gives its own, and Content-Length is added for
# a body unless more_headers gives one; more_headers may be an array, one
# element per request of "--- request eval"
sub build_request ($$$) {
    my ($block, $req, $i) = @_;

    if (defined $block->raw_request) {
        return expand_env($block->raw_request);
    }

    $req = expand_env($req);

    $req =~ s/^\s+//;
    my ($line, $body) = split /\n/, $req, 2;
    $body //= '';
    $line =~ s/\s+$//;

    my ($method, $uri, $proto) = split ' ', $line;
    $uri   //= '/';
    $proto //= 'HTTP/1.1';

    my $more = expand_env(pick($block->more_headers, $i)) // '';
    my $headers = '';

    $headers .= "Host: localhost\r\n" if $more !~ /(?:^|\n)Host:/i;
    $headers .= "Connection: close\r\n" if $more !~ /(?:^|\n)Connection/i;

    for my $h (lines_of($more)) {
        $headers .= "$h\r\n";
    }

    if (length $body && $more !~ /(?:^|\n)Content-Length:/i) {
        $headers .= "Content-Length: " . length($body) . "\r\n";
    }

    return "$method $uri $proto\r\n$headers\r\n$body";
}

sub send_request ($) {
    my $raw = shift;

    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                  PeerPort => $ServerPort,
                                  Proto    => 'tcp',
                                  Timeout  => $Timeout)
        or return (undef, "cannot connect: $!");

    binmode $s;
    print $s $raw;

    my $sel = IO::Select->new($s);
    my $resp = '';
    my $deadline = time + $Timeout;

    while (time < $deadline) {
        last unless $sel->can_read($deadline - time);
        my $n = sysread $s, my $buf, 65536;
        last unless $n;
        $resp .= $buf;
    }

    close $s;

    return ($resp, undef);
}

# "--- http2": the request as the real runner sends it, through curl with
# --http2-prior-knowledge: its headers but Connection, in their order,
# without curl's own User-Agent and Accept
sub send_request_h2 ($) {
    my $raw = shift;

    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    my ($line, @headers) = split /\r\n/, $head;
    my ($method, $uri) = split ' ', $line;

    my @args = ('curl', '-i', '-sS', '--http2-prior-knowledge',
                '-H', 'User-Agent:', '-H', 'Accept:', '-H', 'Host:',
                '--max-time', $Timeout);

    push @args, '-X', $method if $method ne 'GET';
    push @args, map { ('-H', $_) } grep { !/^Connection\s*:/i } @headers;

    if (length($body // '')) {
        my $file = "$ServRoot/html/curl.data.bin";
        write_file($file, $body);
        push @args, '--data-binary', "\@$file";
    }

    push @args, "http://127.0.0.1:$ServerPort$uri";

    open my $fh, '-|', @args or return (undef, "cannot run curl: $!");
    binmode $fh;
    local $/;
    my $resp = <$fh>;
    close $fh;

    return (undef, "curl @args failed: $?") unless defined $resp
                                                   && length $resp;
    return ($resp, undef);
}

sub parse_response ($) {
    my $resp = shift;

    my ($head, $body) = split /\r\n\r\n/, $resp, 2;
    $body //= '';

    my @lines = split /\r\n/, $head // '';
    my $status = shift @lines // '';
    my ($code) = $status =~ m{^HTTP/\d(?:\.\d)? (\d{3})};

    my %headers;
    for my $l (@lines) {
        my ($k, $v) = $l =~ /^([^:]+):\s*(.*)$/ or next;
        push @{ $headers{lc $k} }, $v;
    }

    if (($headers{'transfer-encoding'}[0] // '') =~ /chunked/i) {
        my $out = '';
        while ($body =~ s/^([0-9a-fA-F]+)[^\r]*\r\n//) {
            my $n = hex $1;
            last if $n == 0;
            $out .= substr $body, 0, $n, '';
            $body =~ s/^\r\n//;
        }
        $body = $out;
    }

    return ($code, \%headers, $body);
}

# an array section gives one value per request, a scalar one for all
sub pick ($$) {
    my ($v, $i) = @_;
    return ref $v eq 'ARRAY' ? $v->[$i] : $v;
}

sub check_response {
    my ($block, $name, $i, $code, $headers, $body) = @_;

    my $expect = pick($block->error_code, $i) // 200;
    $expect =~ s/^\s+|\s+$//g;

    is($code, $expect, "$name - status code ok");

    for my $h (lines_of(pick($block->response_headers, $i))) {
        if ($h =~ /^!\s*(.+?)\s*$/) {
            ok(!exists $headers->{lc $1}, "$name - header $1 absent");
            next;
        }

        my ($k, $v) = $h =~ /^([^:]+):\s*(.*?)\s*$/
            or die "$name: bad response_headers line '$h'\n";
        my $got = exists $headers->{lc $k}
                  ? join(', ', @{ $headers->{lc $k} }) : undef;
        is($got, $v, "$name - header $k ok");
    }

    for my $h (lines_of(pick($block->response_headers_like, $i))) {
        my ($k, $v) = $h =~ /^([^:]+):\s*(.*?)\s*$/
            or die "$name: bad response_headers_like line '$h'\n";
        my $got = join(', ', @{ $headers->{lc $k} || [] });
        like($got, qr/$v/s, "$name - header $k like");
    }

    my $rb = pick($block->response_body, $i);

    if (defined $rb) {
        is($body, $rb, "$name - response_body - ok");
    }

    my $re = pick($block->response_body_like, $i);

    if (defined $re) {
        like($body, ref $re ? $re : qr/$re/s,
             "$name - response_body_like - ok");
    }
}

# what this runner does not implement stops the suite, naming the block,
# rather than being ignored: a section it does not know, a section line
# Test::Base did not take as one, a value it would read only in part (an
# eval giving a list, of which it reads the first; an array not of one
# element per request) or as text (a reference)
sub check_sections ($) {
    my $block = shift;
    my $name = $block->name;
    my $reqs = $block->request;
    my $n = ref $reqs eq 'ARRAY' ? @$reqs : 1;

    # "---name" or "---\tname" is not a section line: Test::Base leaves it
    # in the text before it, the title's or the previous section's
    my %raw = (title => $block->description,
               %{ $block->original_values || {} });

    for my $what (sort keys %raw) {
        next if ref $raw{$what} || ($raw{$what} // '') !~ /^(---[^-\n].*)$/m;
        die "$name: \"$1\" in the $what is not a section line "
            . "(\"--- name\")\n";
    }

    for my $section (sort keys %{ $block->_section_map || {} }) {
        my $where = "$name: --- $section";

        die "$name: section '$section' is not supported by this runner\n"
            unless $Known{$section};

        my @v = $block->$section;
        die "$where: " . @v . " values, not one (an array goes in [...])\n"
            if @v > 1;

        my @elts = @v;

        if (ref $v[0] eq 'ARRAY') {
            if ($PerRequest{$section}) {
                die "$where: " . @{ $v[0] } . " values for $n request"
                    . ($n == 1 ? '' : 's') . "\n" unless @{ $v[0] } == $n;
            } elsif (!$Pattern{$section}) {
                die "$where: an array, not text\n";
            }
            @elts = @{ $v[0] };
        }

        for my $e (@elts) {
            next if !ref $e || (ref $e eq 'Regexp' && $Pattern{$section});
            die "$where: a reference (" . ref($e) . "), not text\n";
        }
    }

    die "$name: no --- request or --- raw_request\n"
        unless defined $reqs || defined $block->raw_request;
}

sub check_block ($$) {
    my ($block, $rep) = @_;
    my $name = $block->name . ($rep ? " (repeat $rep)" : '');

    write_config($block);

    my ($pid, $err) = t::Nginx::start($ServRoot, $ServerPort);

    if (!$pid) {
        fail("$name - nginx started");
        diag($err);
        return;
    }

    # "--- request eval" may give several requests: one connection each,
    # checked in turn against the matching element of array sections
    my $reqs = $block->request;
    my @reqs = ref $reqs eq 'ARRAY' ? @$reqs : ($reqs);
    my @resps;

    for my $i (0 .. $#reqs) {
        my $raw = build_request($block, $reqs[$i], $i);
        my ($resp, $serr) = defined $block->http2 ? send_request_h2($raw)
                                                  : send_request($raw);

        if (!defined $resp) {
            t::Nginx::stop($pid, $name);
            fail("$name - request sent");
            diag($serr);
            return;
        }

        push @resps, $resp;
    }

    # a deprecation warning fails the block (t::Nginx::start refuses one
    # at start); a check only when it fails, so the plans stay as the real
    # runner counts them
    my @old = t::Nginx::stop($pid, $name);

    if (@old) {
        fail("$name - no deprecation warning");
        diag(join '', map { "$_\n" } @old);
    }

    my $log = t::Nginx::read_text("$ServRoot/logs/error.log");

    for my $i (0 .. $#resps) {
        my $n = @resps > 1 ? "$name - req $i" : $name;
        check_response($block, $n, $i, parse_response($resps[$i]));
    }

    for my $pat (lines_of($block->error_log)) {
        my $found = ref $pat ? $log =~ $pat : index($log, $pat) >= 0;
        ok($found, "$name - pattern \"$pat\" should match a line in "
                   . "error.log");
    }

    for my $pat (lines_of($block->no_error_log)) {
        my $found = ref $pat ? $log =~ $pat : index($log, $pat) >= 0;
        ok(!$found, "$name - pattern \"$pat\" should not match any line "
                    . "in error.log");
    }
}

sub run_tests () {
    die "run_tests(): this runner does not shuffle blocks as the real one "
        . "does; call no_shuffle() first\n" unless $NoShuffle;

    check_sections($_) for blocks();

    for my $block (blocks()) {
        for my $rep (0 .. $RepeatEach - 1) {
            check_block($block, $rep);
        }
    }
}

1;
