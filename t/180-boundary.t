# Trust at the nginx boundary (docs/security.md, "The nginx boundary"): the module
# never changes what nginx's own request state means. nginx keeps pointers
# into the request's header list (headers_in.host, user_agent, referer,
# authorization, content_length, range, the cookie and X-Forwarded-For
# arrays); removing the client's copies of an owned header
# (authgw_set_header) must leave each of them on the same header.
#
# The oracle: one nginx, two locations that differ only in the module,
# /on/... (authgw optional, authgw_set_header X-User-Id $authgw_user_id)
# and /off/... (no authgw at all), each proxying to a raw capture upstream
# (t/Authgw.pm capture_start) that answers with the request head it
# received. Each location hands every nginx variable a config may use to
# the upstream as a "V-name: [value]" header, read in the content phase,
# after the owned headers were handled. Every block sends the same request
# to /on and to /off; the expected answers are computed here from the
# request itself by a model of nginx 1.22 (what each variable reads, what
# proxy_pass sends), with what later versions changed in it (see
# unknown_of and t::Authgw::proxy_head), and are equal for /on and /off
# except:
#
#   - the "owned:" part of the capture (X-User-Id and X-Owned-Var, which
#     shows $http_x_user_id): the client's copies with the module off;
#     with it on, exactly the gateway's value (or nothing, anonymous);
#   - V-request-uri, which names the location.
#
# /off checks the model against nginx itself; /on checks the module.
# Requests are generated: owned copies in every position, letter case and
# with "_", several copies, copies spread over list parts of 20 headers
# (nginx allocates the header list 20 entries a part), shuffled orders,
# Basic, Bearer and no credentials, HTTP/1.0, 1.1 and 2, a request body,
# duplicate Host, Cookie and X-Forwarded-For; then internal redirects
# (rewrite ... last, try_files, error_page), auth_request and mirror
# subrequests with the owned header handled in the main request or in the
# subrequest (which shares the main request's header list), and a static
# file with Range.
#
# nginx keeps a variable's value the first time a request reads it, and
# subrequests and internal redirects share that cache: in each block only
# one location reads the variables, the last one to handle the header
# (see show()).
#
# The capture upstream listens on 127.0.0.1:$TEST_NGINX_BOUNDARY_PORT
# (default 1989).

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

$ENV{TEST_NGINX_BOUNDARY_PORT} ||= 1989;

my $Port = $ENV{TEST_NGINX_BOUNDARY_PORT};
my $Owned = qr/^(?:x[-_]user[-_]id|x-owned-var)$/i;
my $Capture = capture_start($Port, $Owned);

END {
    local $?;
    capture_stop($Capture);
}

our $Uid = 'alice-42';
our $Token = ::tok(alg => 'RS256', key => 'rsa.pem',
                   claim => { uid => ::jwe(key => 'uid32.key',
                                           value => $Uid) });

# every variable the locations show, in the order of their V- headers
our @Vars = qw(host http_host http_user_agent http_referer http_via
               remote_user http_authorization cookie_a cookie_b http_cookie
               http_x_forwarded_for proxy_add_x_forwarded_for args arg_x
               request_uri uri content_length content_type http_x_junk
               http_x_other http_accept server_protocol request_method);

# the standard headers: nginx keeps a pointer to Host, User-Agent,
# Referer, Authorization and Via, and an array of pointers to the Cookie
# and X-Forwarded-For headers; X-Junk holds a Basic value, which nginx
# would read as $remote_user from a pointer left on it
our %H = (
    host   => ['Host', 'localhost'],
    host2  => ['Host', 'Example.COM:8080'],
    conn   => ['Connection', 'close'],
    ua     => ['User-Agent', 'ua-test/1.0'],
    ref    => ['Referer', 'http://ref.example/page'],
    bearer => ['Authorization', "Bearer $Token"],
    basic  => ['Authorization', 'Basic dXNlcjpwdw=='],
    c1     => ['Cookie', 'a=1; c=3'],
    c2     => ['Cookie', 'b=2'],
    x1     => ['X-Forwarded-For', '192.0.2.1'],
    x2     => ['X-Forwarded-For', '192.0.2.2'],
    junk   => ['X-Junk', 'Basic YWRtaW46eA=='],
    via    => ['Via', '1.1 via.example'],
    acc    => ['Accept', 'text/x-test'],
    other  => ['X-Other', 'other-value'],
);

our @Std = qw(host conn ua ref bearer c1 x1 junk via acc c2 x2 other);

# the spellings of a client's copy of the owned header
our @Spell = qw(X-User-Id x-user-id X-USER-ID X_User_Id x_user_id X-User_Id);

# what proxy_pass sends of its own: the protocol of the request line and
# the Connection line, by the version of the nginx under test
our ($UpProto, $UpConnection) = proxy_head();

our (@Cases, $Spec);
my $n = 0;


# --- the model of nginx 1.22 ----------------------------------------------

sub first_of {
    my ($hs, $name) = @_;
    for my $h (@$hs) {
        return $h->[1] if lc $h->[0] eq lc $name;
    }
    return undef;
}

sub all_of {
    my ($hs, $name) = @_;
    return map { $_->[1] } grep { lc $_->[0] eq lc $name } @$hs;
}

# the pairs of Cookie fields as $cookie_NAME reads them: a pair ends at
# ";" and at ","; from nginx 1.29.6 at ";" only ("a=1, at=x" has no
# cookie "at" there)
sub cookie_pairs {
    my $end = nginx_version() < 1029006 ? qr/[;,] */ : qr/; */;
    return map { split $end } @_;
}

# $http_NAME of a header nginx does not know: the headers whose name, lower
# case and "-" read as "_", is NAME; nginx 1.22 gives the first, from
# 1.23.0 all of them joined by ", "
sub unknown_of {
    my ($hs, $name) = @_;
    my @v;
    for my $h (@$hs) {
        (my $k = lc $h->[0]) =~ tr/-/_/;
        push @v, $h->[1] if $k eq $name;
    }
    return $v[0] // '' if nginx_version() < 1023000;
    return join ', ', @v;
}

sub b64dec {
    require MIME::Base64;
    return MIME::Base64::decode_base64(shift);
}

# the value of every variable for a request: $r->{headers} as nginx holds
# them, $ctx the location's view (uri, args, the request uri)
sub vars_of {
    my ($r, $ctx) = @_;
    my $hs = $r->{headers};
    my %v;

    my $host = first_of($hs, 'Host');
    ($v{host} = lc($host // 'localhost')) =~ s/:\d+$//;
    $v{http_host} = $host // '';
    $v{http_user_agent} = first_of($hs, 'User-Agent') // '';
    $v{http_referer} = first_of($hs, 'Referer') // '';
    $v{http_via} = first_of($hs, 'Via') // '';

    my $auth = first_of($hs, 'Authorization') // '';
    $v{remote_user} = $auth =~ /^Basic +(\S+)/i
                      ? (b64dec($1) =~ /^([^:]*):/ ? $1 : '') : '';
    $v{http_authorization} = $auth;

    my @cookies = all_of($hs, 'Cookie');
    for my $c (qw(a b)) {
        $v{"cookie_$c"} = '';
        for my $pair (cookie_pairs(@cookies)) {
            if ($pair =~ /^\Q$c\E=(.*)$/i) {
                $v{"cookie_$c"} = $1;
                last;
            }
        }
    }
    $v{http_cookie} = join '; ', @cookies;

    my @xff = all_of($hs, 'X-Forwarded-For');
    $v{http_x_forwarded_for} = join ', ', @xff;
    $v{proxy_add_x_forwarded_for} = join ', ', @xff, '127.0.0.1';

    $v{args} = $ctx->{args};
    ($v{arg_x}) = "&$ctx->{args}" =~ /&x=([^&]*)/;
    $v{arg_x} //= '';
    $v{request_uri} = $ctx->{request_uri};
    $v{uri} = $ctx->{uri};
    $v{content_length} = first_of($hs, 'Content-Length') // '';
    $v{content_type} = first_of($hs, 'Content-Type') // '';
    $v{http_x_junk} = unknown_of($hs, 'x_junk');
    $v{http_x_other} = unknown_of($hs, 'x_other');
    $v{http_accept} = unknown_of($hs, 'accept');
    $v{server_protocol} = $r->{proto} eq '2' ? 'HTTP/2.0'
                                              : "HTTP/$r->{proto}";
    $v{request_method} = $r->{method};

    return \%v;
}

sub label {
    (my $l = shift) =~ tr/_/-/;
    return "V-$l";
}

# the proxy_set_header lines a location shows its variables with (vars)
# and $http_x_user_id (owned, as X-Owned-Var). nginx keeps the value of
# each variable the first time a request reads it, in a cache that its
# subrequests share and that an internal redirect keeps: in one request,
# only one location shows them, the one that reads them after the owned
# header was handled.
sub show {
    my (%o) = @_;
    my $indent = ' ' x 8;
    my $s = '';
    $s .= join '', map { $indent . 'proxy_set_header ' . label($_)
                                 . ' "[$' . $_ . ']";' . "\n" } @Vars
        if $o{vars};
    $s .= $indent . 'proxy_set_header X-Owned-Var "[$http_x_user_id]";'
          . "\n" if $o{owned};
    return $s;
}

# what proxy_pass sends (its own headers first, then the client's but
# those it sets itself), as the capture upstream prints it.
# $o: line (the request line), ctx (the location's view), owned ('client':
# the client's copies; a value: the gateway's; undef: none), no_body (the
# body does not go upstream), no_vars (the location shows no variables),
# no_var (the location does not show $http_x_user_id)
sub upstream {
    my ($r, %o) = @_;
    my $v = vars_of($r, $o{ctx});

    my @own = $o{no_var} ? () : (
        'X-Owned-Var: [' . (defined $o{owned} && $o{owned} ne 'client'
                            ? $o{owned}
                            : unknown_of($r->{headers}, 'x_user_id'))
        . ']');
    my $text = "$o{line}\n";

    if (!$o{no_vars}) {
        $text .= label($_) . ": [$v->{$_}]\n" for @Vars;
    }
    $text .= "Host: 127.0.0.1:$Port\n$UpConnection";

    my $body = $r->{body} // '';
    $text .= 'Content-Length: ' . length($body) . "\n"
        if length $body && !$o{no_body};

    my %skip = map { $_ => 1 } qw(host connection content-length
                                  transfer-encoding te keep-alive expect
                                  upgrade x-owned-var);

    for my $h (@{ $r->{headers} }) {
        next if $skip{lc $h->[0]} || $h->[0] =~ /^V-/i;
        if ($h->[0] =~ $Owned) {
            push @own, "$h->[0]: $h->[1]" if ($o{owned} // '') eq 'client';
            next;
        }
        $text .= "$h->[0]: $h->[1]\n";
    }

    # the gateway's own header, when it has a value
    push @own, "X-User-Id: $o{owned}"
        if defined $o{owned} && $o{owned} ne 'client' && length $o{owned};

    $text .= "owned:\n" . join '', map { "$_\n" } @own;
    $text .= "body: $body\n" if length $body && !$o{no_body};

    $text =~ s/([^\x20-\x7e\n])/sprintf '\\x%02x', ord $1/ge;

    return $text;
}

# the same with any owned lines at all: where what the client sent under
# the owned name is not decided (the main request, when only a
# subrequest's location owns the header)
sub upstream_like {
    my $text = upstream(@_);
    my ($plain) = $text =~ /\A(.*?^owned:\n)/ms;
    return qr/\A\Q$plain\E(?:(?i:x[-_]user[-_]id|x-owned-var): [^\n]*\n)*\z/;
}

sub exact { my $s = shift; return qr/\A\Q$s\E\z/ }

# what the gateway sets for a request in a location with authgw optional
sub gateway {
    my $r = shift;
    my $auth = first_of($r->{headers}, 'Authorization') // '';
    return $auth eq "Bearer $Token" ? $Uid : '';
}

# strip_token: the token is the Bearer header's, else the first cookie
# "at" as nginx finds it; the gateway sets the user id of a good one
sub strip_token_of {
    my $r = shift;
    my $auth = first_of($r->{headers}, 'Authorization') // '';
    return $1 if $auth =~ /^Bearer +(\S+)$/i;
    for my $pair (cookie_pairs(all_of($r->{headers}, 'Cookie'))) {
        return $1 if $pair =~ /^at *=(.*)$/i;
    }
    return '';
}

sub gateway_strip {
    return strip_token_of(shift) eq $Token ? $Uid : '';
}

# what nginx holds once strip_token is done: no Authorization field; when
# a cookie "at" was sent (any case, ";" or "," before it), one Cookie
# field at the end of the list: each field without it, the other cookies
# as they were (each after the separator before it), fields joined by "; "
sub stripped {
    my $r = shift;
    my @h = grep { lc $_->[0] ne 'authorization' } @{ $r->{headers} };
    my ($gone, @fields) = (0);

    for my $c (all_of(\@h, 'Cookie')) {
        my $out = '';
        my $sep = '';
        while ($c =~ /\G( *)([^;,]*)([;,]|\z)/gc) {
            my ($pre, $piece, $end) = ($1, $2, $3);
            if ($piece =~ /^at *=/i) {
                $gone++;
            } elsif (length $piece) {
                $out .= $sep . $pre if length $out;
                $out .= $piece;
            }
            $sep = $end;
            last if $end eq '';
        }
        push @fields, $out if length $out;
    }

    if ($gone) {
        @h = grep { lc $_->[0] ne 'cookie' } @h;
        push @h, ['Cookie', join '; ', @fields] if @fields;
    }

    return { %$r, headers => \@h };
}

sub ctx_of {
    my ($r, $prefix, %o) = @_;
    my ($path, $args) = split /\?/, $r->{path}, 2;
    return { request_uri => "$prefix$r->{path}",
             uri => $o{uri} // "$prefix$path",
             args => exists $o{args} ? $o{args} : $args // '' };
}


# --- requests ---------------------------------------------------------------

sub std { return map { [@{ $H{$_} }] } @_ }

sub copy {
    my ($i, $value) = @_;
    return [$Spell[$i % @Spell], $value // "mallory-$i"];
}

# a request: headers as sent (Host and Connection included, so the runner
# adds none), then as nginx holds them
sub req {
    my (%o) = @_;
    my $r = { method => $o{method} // 'GET', proto => $o{proto} // '1.1',
              path => $o{path} // 'p/q?x=1&y=2', headers => $o{headers},
              body => $o{body} };

    if ($r->{proto} eq '2') {
        # curl sends no Connection; nginx makes "host" of :authority and
        # one "cookie" of every cookie, after all the other headers
        my @h = grep { lc $_->[0] ne 'connection' } @{ $o{headers} };
        my ($host) = grep { lc $_->[0] eq 'host' } @h;
        my @cookies = map { $_->[1] } grep { lc $_->[0] eq 'cookie' } @h;
        @h = map { [lc $_->[0], $_->[1]] }
             grep { lc $_->[0] ne 'host' && lc $_->[0] ne 'cookie' } @h;
        unshift @h, ['host', $host->[1]] if $host;
        push @h, ['cookie', join '; ', @cookies] if @cookies;
        $r->{headers} = \@h;
    }

    $r->{more} = join '', map { "$_->[0]: $_->[1]\n" } @{ $o{headers} };
    $r->{request} = sub {
        my $prefix = shift;
        return "$r->{method} $prefix$r->{path} HTTP/"
               . ($r->{proto} eq '2' ? '1.1' : $r->{proto})
               . (defined $r->{body} ? "\n$r->{body}" : '');
    };

    return $r;
}

# the request line the capture sees for /on/REST and /off/REST
sub up_line {
    my ($r, $path) = @_;
    return "$r->{method} " . ($path // "/$r->{path}") . " $UpProto";
}

sub add_block {
    my ($title, %b) = @_;
    $n++;
    push @Cases, \%b;
    my $i = $#Cases;

    $Spec .= "\n=== TEST $n: $title\n";
    $Spec .= "--- http2\n" if $b{http2};
    $Spec .= "--- user_files eval: \$::Cases[$i]{user_files}\n"
        if $b{user_files};
    for my $s (qw(config request more_headers error_code response_body
                  response_body_like response_headers)) {
        $Spec .= "--- $s eval: \$::Cases[$i]{$s}\n" if exists $b{$s};
    }
    $Spec .= "--- no_error_log\n[alert]\n[crit]\n";
}

# one request to /on and to /off of the plain locations
sub pair {
    my ($title, $r, %o) = @_;

    my @more = ($r->{more}) x 2;
    my $gw = exists $o{gw} ? $o{gw} : gateway($r);

    add_block($title,
        config => $o{config} // $::Plain,
        http2 => $r->{proto} eq '2',
        request => [$r->{request}->('/on/'), $r->{request}->('/off/')],
        more_headers => \@more,
        error_code => [200, 200],
        response_body => [
            upstream($r, line => up_line($r), ctx => ctx_of($r, '/on/'),
                     owned => $gw),
            upstream($r, line => up_line($r), ctx => ctx_of($r, '/off/'),
                     owned => 'client')]);
}


# --- configurations -----------------------------------------------------

my $gw = <<'_EOC_';
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid optional;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
_EOC_

my $show = show(vars => 1, owned => 1);

# the token from the header, else from the cookie "at"; both leave
(my $strip = $gw) =~ s/authgw "test" optional;/authgw "test" token=bearer token=\$cookie_at optional strip_token;/;
my $cap = 'http://127.0.0.1:$TEST_NGINX_BOUNDARY_PORT';

our $Plain = <<"_EOC_";
    underscores_in_headers on;

    location /on/ {
$gw$show        proxy_pass $cap/;
    }

    location /off/ {
$show        proxy_pass $cap/;
    }

    location /strip/ {
$strip$show        proxy_pass $cap/;
    }

    location = /dump {
        proxy_pass $cap/dump;
    }
_EOC_


# --- generated requests -----------------------------------------------

# the case of the issue: the client's copy comes first
pair('a copy before every other header: Host, User-Agent, the token and '
     . 'a Basic value in another header stay where they are',
     req(headers => [copy(0, 'x'), std(qw(host ua bearer junk conn ref c1
                                             x1 via acc c2 x2 other))]));

# one copy at every position of the standard order, in every spelling
for my $p (0 .. @Std) {
    my @h = std(@Std);
    splice @h, $p, 0, copy($p);
    pair("one copy ($Spell[$p % @Spell]) at position $p",
         req(headers => \@h));
}

# Basic credentials (authgw optional: anonymous) and none at all
for my $auth (qw(basic none)) {
    for my $p (0, 4) {
        my @h = std(grep { $_ ne 'bearer' } @Std);
        splice @h, 4, 0, std($auth) if $auth ne 'none';
        splice @h, $p, 0, copy($p + 1);
        pair(($auth eq 'none' ? 'no' : $auth) . " credentials, a copy at "
             . "position $p: \$remote_user unchanged", req(headers => \@h));
    }
}

# authgw off where the header is owned: nothing verified, nothing set,
# the copies removed all the same
{
    (my $config = $::Plain) =~ s/authgw "test" optional;/authgw off;/;

    for my $auth (qw(basic bearer)) {
        my @h = std(grep { $_ ne 'bearer' } @Std);
        splice @h, 4, 0, std($auth);
        unshift @h, copy(0, 'x');
        pair("authgw off, $auth credentials, a copy first: \$remote_user "
             . 'and the rest unchanged', req(headers => \@h),
             config => $config, gw => '');
    }
}

# several copies
for my $ps ([0, 5, 13], [1, 2, 3], [0, 1, 14], [3, 7, 10, 12]) {
    my @h = std(@Std);
    my $k = 0;
    splice @h, $_, 0, copy($k++) for @$ps;
    pair(@$ps . " copies at positions @$ps", req(headers => \@h));
}

# shuffled orders (fixed seed), two copies at random places, another Host
{
    srand 10;
    for my $k (1 .. 6) {
        my @names = map { $_ eq 'host' && $k % 2 ? 'host2' : $_ } @Std;
        my @h = std(@names);
        for my $i (reverse 1 .. $#h) {
            my $j = int rand($i + 1);
            @h[$i, $j] = @h[$j, $i];
        }
        splice @h, int rand(@h + 1), 0, copy($k) for 1 .. 2;
        pair("shuffled order $k with two copies", req(headers => \@h));
    }
}

# copies spread over several list parts: at 0, 19, 20, 21, 39, 40 and
# last; the headers nginx keeps a pointer to right after a copy where
# there is room, the others spread evenly over the parts, fillers between
our @Spread = qw(host ua bearer ref c1 x1 junk via c2 x2 acc other conn);

sub spread {
    my ($total, $proto) = @_;
    my %at = map { $_ => 1 } grep { $_ < $total } 0, 19, 20, 21, 39, 40,
                                                   $total - 1;
    my @next = @Spread;
    my %put;

    for my $i (grep { $at{$_ - 1} && !$at{$_} } 1 .. $total - 1) {
        $put{$i} = shift @next if @next;
    }

    my @free = grep { !$at{$_} && !exists $put{$_} } 0 .. $total - 1;
    my $step = @free / (@next || 1);
    for my $k (0 .. $#next) {
        $put{ $free[int($k * $step)] } = $next[$k];
    }

    my ($k, @h) = (0);
    for my $i (0 .. $total - 1) {
        push @h, $at{$i} ? copy($k++)
               : exists $put{$i} ? std($put{$i})
               : ["X-Fill-$i", "f$i"];
    }

    return req(headers => \@h, proto => $proto);
}

for my $total (20, 25, 40, 41, 60) {
    pair("$total headers, copies at 0, 19, 20, 21, 39, 40 and last",
         spread($total));
}

pair('HTTP/1.0: a copy first', req(proto => '1.0',
     headers => [copy(0, 'x'), std(qw(host ua bearer junk conn ref c1 x1
                                       c2 x2))]));
pair('HTTP/1.0: 41 headers', spread(41, '1.0'));

# a body: Content-Length and Content-Type after a copy
for my $proto (qw(1.1 1.0)) {
    pair("HTTP/$proto POST: \$content_length and \$content_type",
         req(method => 'POST', proto => $proto, body => 'hello-body',
             headers => [copy(0), std(qw(host ua)), copy(1),
                         ['Content-Type', 'text/x-body'],
                         ['Content-Length', 10], std(qw(bearer c1 x1
                                                         junk conn))]));
}

# duplicate Host: nginx refuses it before any module runs, in both
for my $p (0, 1) {
    my @h = std(qw(host ua bearer conn));
    splice @h, 1, 0, ['Host', 'other.example'];
    splice @h, $p, 0, copy($p);
    add_block("a duplicate Host is refused the same (copy at $p)",
        config => $Plain,
        request => ['GET /on/p HTTP/1.1', 'GET /off/p HTTP/1.1'],
        more_headers => [(req(headers => \@h)->{more}) x 2],
        error_code => [400, 400],
        response_body_like => [qr/400 Bad Request/, qr/400 Bad Request/]);
}

# HTTP/2 (h2c, prior knowledge)
pair('HTTP/2: a copy right after :authority',
     req(proto => '2', headers => [std('host'), copy(0, 'x'),
                                   std(qw(ua bearer junk ref c1 x1 c2 x2
                                          via other))]));
pair('HTTP/2: copies in other places, Basic credentials',
     req(proto => '2', headers => [std(qw(host ua)), copy(1),
                                   std(qw(basic junk)), copy(2),
                                   std(qw(ref c1 c2 x1 x2))]));
{
    my $r = spread(41, '2');
    pair('HTTP/2: 41 headers, copies over three list parts', $r);
}


# --- strip_token -------------------------------------------------------------

# the same request to /strip/ and /off/: with the module, nginx and the
# upstream see it as if the client had sent neither the Authorization
# field nor the token's cookie; every other header, cookie and variable
# as in /off/
sub strip_pair {
    my ($title, $r) = @_;
    my $s = stripped($r);

    add_block("strip_token: $title",
        config => $::Plain,
        http2 => $r->{proto} eq '2',
        request => [$r->{request}->('/strip/'), $r->{request}->('/off/')],
        more_headers => [($r->{more}) x 2],
        error_code => [200, 200],
        response_body => [
            upstream($s, line => up_line($r), ctx => ctx_of($r, '/strip/'),
                     owned => gateway_strip($r)),
            upstream($r, line => up_line($r), ctx => ctx_of($r, '/off/'),
                     owned => 'client')]);
}

{
    my $tc = "at=$Token";
    my %c = (
        first  => ['Cookie', "$tc; a=1; c=3"],
        middle => ['Cookie', "a=1; $tc; c=3"],
        last   => ['Cookie', "a=1;c=3;$tc"],
        alone  => ['Cookie', $tc],
        upper  => ['Cookie', "a=1; AT =$Token"],
        comma  => ['Cookie', "a=1,$tc"],
        values => ['Cookie', "pref=a,b; $tc;  sess=\"x,y\""],
        twice  => ['Cookie', "$tc; b=2; at=x"],
        other  => ['Cookie', 'atx=1; x=at=2'],
    );

    strip_pair('the Bearer header goes, the cookies stay',
               req(headers => [std(@Std)]));
    strip_pair('Basic credentials go too, anonymous',
               req(headers => [std(grep { $_ ne 'bearer' } @Std),
                               std('basic')]));
    strip_pair('no credentials: nothing changes',
               req(headers => [std(grep { $_ ne 'bearer' } @Std)]));

    for my $k (sort keys %c) {
        strip_pair("the token in a cookie ($k), no Authorization",
                   req(headers => [std(qw(host ua c1)), $c{$k},
                                   std(qw(junk c2 x1 conn other))]));
    }
    strip_pair('the Bearer header and the cookie: both go',
               req(headers => [std(qw(host ua bearer)), $c{middle},
                               std(qw(c1 conn))]));
    strip_pair('copies of the owned header, the cookie in another part',
               do { my $r = spread(41);
                    push @{ $r->{headers} }, $c{first};
                    req(headers => $r->{headers}) });
    strip_pair('HTTP/1.0, the cookie and Basic',
               req(proto => '1.0', headers => [std(qw(host ua basic)),
                                               $c{last},
                                               std(qw(c2 conn))]));
    strip_pair('HTTP/2, the token in one of two cookie fields',
               req(proto => '2', headers => [std(qw(host ua c1)),
                                             $c{middle}, std(qw(x1 c2))]));
    strip_pair('HTTP/2, the Bearer header',
               req(proto => '2', headers => [std(qw(host ua bearer c1
                                                    c2))]));
}

# an internal redirect after strip_token: the named location verifies
# again, with the token strip_token took away
{
    my $config = <<"_EOC_";
    underscores_in_headers on;

    location /strip/ {
$strip        try_files /nonexistent \@strip;
    }

    location \@strip {
        authgw "named" optional;
        authgw_key_file \$TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid optional;
        authgw_user_id_key_file \$TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id \$authgw_user_id;
        rewrite ^ /tf break;
$show        proxy_pass $cap;
    }

    location /off/ {
        try_files /nonexistent \@off;
    }

    location \@off {
        rewrite ^ /tf break;
$show        proxy_pass $cap;
    }
_EOC_

    for my $r (req(headers => [std(qw(host ua bearer c1 conn))]),
               req(headers => [std(qw(host ua c1)), ['Cookie', "at=$Token"],
                               std('conn')]))
    {
        my ($on, $off) = map { ctx_of($r, $_, uri => '/tf') }
                         '/strip/', '/off/';
        my ($args) = $r->{path} =~ /\?(.*)/;
        add_block('strip_token, then try_files to a named location that '
                  . 'verifies again',
            config => $config,
            request => [$r->{request}->('/strip/'),
                        $r->{request}->('/off/')],
            more_headers => [$r->{more}, $r->{more}],
            error_code => [200, 200],
            response_body => [
                upstream(stripped($r), line => up_line($r, "/tf?$args"),
                         ctx => $on, owned => gateway_strip($r)),
                upstream($r, line => up_line($r, "/tf?$args"), ctx => $off,
                         owned => 'client')]);
    }
}


# --- internal redirects ---------------------------------------------------

# rewrite ... last into the plain locations
{
    my $config = $Plain . <<"_EOC_";
    location /on/rw/ {
        rewrite ^/on/rw/(.*)\$ /on/\$1 last;
    }

    location /off/rw/ {
        rewrite ^/off/rw/(.*)\$ /off/\$1 last;
    }
_EOC_

    for my $r (req(headers => [copy(0, 'x'), std(qw(host ua bearer junk
                                                    conn ref c1 x1 c2))]),
               spread(41))
    {
        my $on = { %{ ctx_of($r, '/on/rw/') },
                   uri => ctx_of($r, '/on/')->{uri} };
        my $off = { %{ ctx_of($r, '/off/rw/') },
                    uri => ctx_of($r, '/off/')->{uri} };
        add_block('rewrite ... last into the location: '
                  . @{ $r->{headers} } . ' headers',
            config => $config,
            request => [$r->{request}->('/on/rw/'),
                        $r->{request}->('/off/rw/')],
            more_headers => [$r->{more}, $r->{more}],
            error_code => [200, 200],
            response_body => [
                upstream($r, line => up_line($r), ctx => $on,
                         owned => gateway($r)),
                upstream($r, line => up_line($r), ctx => $off,
                         owned => 'client')]);
    }
}

# try_files to a named location that owns the header too: the header is
# handled twice in one request
{
    my $config = <<"_EOC_";
    underscores_in_headers on;

    location /on/ {
$gw        try_files /nonexistent \@on;
    }

    location \@on {
        authgw_set_header X-User-Id \$authgw_user_id;
        rewrite ^ /tf break;
$show        proxy_pass $cap;
    }

    location /off/ {
        try_files /nonexistent \@off;
    }

    location \@off {
        rewrite ^ /tf break;
$show        proxy_pass $cap;
    }
_EOC_

    for my $r (req(headers => [copy(0, 'x'), std(qw(host ua bearer junk
                                                    conn ref c1 x1 c2))]),
               spread(41))
    {
        my ($on, $off) = map { ctx_of($r, $_, uri => '/tf') }
                         '/on/', '/off/';
        my ($args) = $r->{path} =~ /\?(.*)/;
        add_block('try_files to a named location that owns the header: '
                  . @{ $r->{headers} } . ' headers',
            config => $config,
            request => [$r->{request}->('/on/'), $r->{request}->('/off/')],
            more_headers => [$r->{more}, $r->{more}],
            error_code => [200, 200],
            response_body => [
                upstream($r, line => up_line($r, "/tf?$args"), ctx => $on,
                         owned => gateway($r)),
                upstream($r, line => up_line($r, "/tf?$args"), ctx => $off,
                         owned => 'client')]);
    }
}

# error_page: the upstream answers 404, the request goes on to a named
# location that owns the header too (and shows the variables: the first
# location reads none, see show())
{
    my $config = <<"_EOC_";
    underscores_in_headers on;

    location /on/ {
$gw        proxy_intercept_errors on;
        error_page 404 = \@on;
        proxy_pass $cap/keep/status404/;
    }

    location \@on {
        authgw_set_header X-User-Id \$authgw_user_id;
        rewrite ^ /err break;
$show        proxy_pass $cap;
    }

    location /off/ {
        proxy_intercept_errors on;
        error_page 404 = \@off;
        proxy_pass $cap/keep/status404/;
    }

    location \@off {
        rewrite ^ /err break;
$show        proxy_pass $cap;
    }

    location = /dump {
        proxy_pass $cap/dump;
    }
_EOC_

    my $r = req(headers => [copy(0, 'x'), std(qw(host ua bearer junk conn
                                                 ref c1 x1 c2))]);
    my ($args) = $r->{path} =~ /\?(.*)/;
    my $dump = req(headers => [std(qw(host conn))], path => '');
    my @b;

    for my $p ('/on/', '/off/') {
        my $owned = $p eq '/on/' ? gateway($r) : 'client';
        push @b, upstream($r, line => up_line($r, "/err?$args"),
                          owned => $owned,
                          ctx => ctx_of($r, $p, uri => '/err')),
                 upstream($r, line => up_line($r,
                                                "/keep/status404/$r->{path}"),
                          owned => $owned, ctx => ctx_of($r, $p),
                          no_vars => 1, no_var => 1);
    }

    add_block('error_page after an intercepted 404, both locations own '
              . 'the header',
        config => $config,
        request => [$r->{request}->('/on/'), 'GET /dump',
                    $r->{request}->('/off/'), 'GET /dump'],
        more_headers => [$r->{more}, $dump->{more}, $r->{more},
                         $dump->{more}],
        error_code => [200, 200, 200, 200],
        response_body => \@b);
}


# --- subrequests ------------------------------------------------------------

# A subrequest shares the main request's header list. $mode: the header
# is owned in the main request's location, or in the subrequest's; $shows:
# which of the two reads the variables (see show()). Where the header is
# owned in the subrequest's location only, what the main request sends
# under the owned name is not decided (nginx shares one list): any owned
# lines are accepted there, the rest must be exact.

sub subrequest_blocks {
    my ($kind, $sub_uri, $sub_path, $sub_ctx, $extra) = @_;

    for my $mode (qw(main sub)) {
        for my $shows (qw(main sub)) {
            my ($main_gw, $sub_gw) = $mode eq 'main' ? ($gw, '') : ('', $gw);
            my ($main_show, $sub_show) =
                map { show(vars => $shows eq $_) } qw(main sub);

            my $config = <<"_EOC_";
    underscores_in_headers on;

    location /on/ {
$main_gw        $kind ${sub_uri}_on;
$main_show        proxy_pass $cap/;
    }

    location = ${sub_uri}_on {
        internal;
$sub_gw$extra$sub_show        proxy_pass $cap$sub_path;
    }

    location /off/ {
        $kind ${sub_uri}_off;
$main_show        proxy_pass $cap/;
    }

    location = ${sub_uri}_off {
        internal;
$extra$sub_show        proxy_pass $cap$sub_path;
    }

    location = /dump {
        proxy_pass $cap/dump;
    }
_EOC_

            for my $r (req(headers => [copy(0, 'x'),
                                       std(qw(host ua bearer junk conn ref
                                              c1 x1 c2 x2))]),
                       spread(41))
            {
                my $dump = req(headers => [std(qw(host conn))], path => '');
                my $gwv = gateway($r);
                my @b;

                for my $p ('/on/', '/off/') {
                    my $on = $p eq '/on/';
                    my $sctx = $sub_ctx->($r, $p, $sub_uri . ($on ? '_on'
                                                                : '_off'));
                    my $args = length $sctx->{args} ? "?$sctx->{args}" : '';
                    my %main = (line => up_line($r), ctx => ctx_of($r, $p),
                                no_var => 1, no_vars => $shows ne 'main');
                    my %sub = (line => up_line($r, "$sub_path$args"),
                               ctx => $sctx,
                               no_body => 1, no_var => 1,
                               no_vars => $shows ne 'sub');
                    push @b, $kind eq 'auth_request' && $mode eq 'main'
                             && $on
                        ? (exact(upstream($r, %main, owned => $gwv)),
                           # it runs in the access phase, before the main
                           # request's owned header is handled
                           exact(upstream($r, %sub, owned => 'client')))
                        : !$on
                        ? (exact(upstream($r, %main, owned => 'client')),
                           exact(upstream($r, %sub, owned => 'client')))
                        : $mode eq 'main'
                        # the mirror subrequest copies the main request's
                        # list before or after the header was handled
                        ? (exact(upstream($r, %main, owned => $gwv)),
                           upstream_like($r, %sub, owned => $gwv))
                        : (upstream_like($r, %main, owned => $gwv),
                           exact(upstream($r, %sub, owned => $gwv)));
                }

                add_block("$kind, the header owned in the $mode request's "
                          . "location, variables read in the $shows "
                          . 'request: ' . @{ $r->{headers} } . ' headers',
                    config => $config,
                    request => [$r->{request}->('/on/'), 'GET /dump',
                                $r->{request}->('/off/'), 'GET /dump'],
                    more_headers => [$r->{more}, $dump->{more}, $r->{more},
                                     $dump->{more}],
                    error_code => [200, 200, 200, 200],
                    response_body_like => \@b);
            }
        }
    }
}

# auth_request: a subrequest without the arguments, the body not passed
subrequest_blocks('auth_request', '/_auth', '/keep/auth',
    sub {
        my ($r, $p, $uri) = @_;
        return { %{ ctx_of($r, $p) }, args => '', uri => $uri };
    },
    "        proxy_pass_request_body off;\n"
    . "        proxy_set_header Content-Length \"\";\n");

# mirror: a subrequest with the main request's arguments
subrequest_blocks('mirror', '/_mirror', '/keep/mirror',
    sub {
        my ($r, $p, $uri) = @_;
        return ctx_of($r, $p, uri => $uri);
    }, '');


# --- a static file with Range ----------------------------------------------

{
    my $config = <<"_EOC_";
    underscores_in_headers on;

    location /on/ {
$gw        alias \$TEST_NGINX_HTML_DIR/;
    }

    location /off/ {
        alias \$TEST_NGINX_HTML_DIR/;
    }
_EOC_

    my $r = req(headers => [copy(0, 'x'), std(qw(host conn)),
                            ['Range', 'bytes=0-3'],
                            ['X-Junk', 'bytes=4-7'], std('bearer')],
                path => 'digits.txt');

    add_block('a static file: Range is read from the Range header',
        config => $config,
        user_files => ">>> digits.txt\n0123456789",
        request => [$r->{request}->('/on/'), $r->{request}->('/off/')],
        more_headers => [$r->{more}, $r->{more}],
        error_code => [206, 206],
        response_headers => "Content-Range: bytes 0-3/10",
        response_body => ['0123', '0123']);
}


# --- run ------------------------------------------------------------------

spec_string($Spec);

# as the runner counts: per request a status and a body check, and one
# per response_headers line; one per no_error_log line
my $checks = 0;
for my $b (@Cases) {
    my $reqs = @{ $b->{request} };
    $checks += $reqs * (2 + ($b->{response_headers} ? 1 : 0)) + 2;
}

plan tests => repeat_each() * $checks;

no_shuffle();
run_tests();
