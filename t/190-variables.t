# No $authgw_* variable ever holds a control character (docs/directives.md,
# "Embedded Variables"; docs/security.md, attack 22a): a claim whose text
# would hold a byte below 0x20 or 0x7F is not found (empty), and the error
# log says at info which claim;
# $authgw_payload stays JSON with every control character escaped (0x7F
# as \u007f). An identity provider may let a user write such bytes into a
# claim; copied into a header by proxy_set_header, a CR or LF would add
# header lines of the client's choosing ahead of the gateway's own.
#
# For each of the 33 control characters (0x00-0x1F, 0x7F), one token
# carries it in a string claim, in an array element, inside a nested
# object and array (read through authgw_claim_set pointers too) and in a
# JOSE header parameter; the blocks read every $authgw_* variable through
# "return 200" (exact bytes) and through proxy_set_header to the raw
# capture upstream of t/Authgw.pm, which prints the request head it
# received split at every LF (a lenient upstream's view), so an injected
# line shows as a line. A second token of the block carries the character
# in its encrypted user id, which is refused (bad_user_id).
#
# Rendering numbers: "roles":["abcdefgh",12345678901234568.0] reads
# "abcdefgh,12345678901234568", the shortest %.15g..%.17g text that reads
# back as the same double (src/authgw_json.c); the %.15g and %.16g trials
# are longer than that text. With a first element of 4077 bytes the text
# is a malloc()ed block of nginx's request pool, so a write past it is
# caught by glibc's malloc check, which this suite turns on for nginx
# (libc_malloc_debug.so.0 with MALLOC_CHECK_=3; not under valgrind or
# AddressSanitizer, which see such writes themselves, nor where
# TEST_NGINX_NO_MALLOC_CHECK is set): nginx aborts and the request after
# it finds no server.
#
# The capture upstream listens on 127.0.0.1:$TEST_NGINX_BOUNDARY_PORT
# (default 1989).

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

$ENV{TEST_NGINX_BOUNDARY_PORT} ||= 1989;

my $Port = $ENV{TEST_NGINX_BOUNDARY_PORT};
my $Capture = capture_start($Port, qr/^x[-_]user[-_]id$/i);

END {
    local $?;
    capture_stop($Capture);
}

our $Uid = 'alice-42';
our $Exp = time + 3600;
our (@Cases, $Spec);
my $n = 0;

my $cap = 'http://127.0.0.1:$TEST_NGINX_BOUNDARY_PORT';

our $HttpConfig = <<'_EOC_';
    authgw_claim_set $nested /obj/k;
    authgw_claim_set $nested_ok /obj/n;
    authgw_claim_set $nested_arr /deep/arr;
_EOC_

my $gw = <<'_EOC_';
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid optional;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
_EOC_

# every variable, in the order of the body of /t and of the headers /p
# sends: [label, value, header name]
our @Vars = (
    ['name', '$authgw_claim_name', 'X-Name'],
    ['roles', '$authgw_claim_roles', 'X-Roles'],
    ['obj', '$authgw_claim_obj', 'X-Obj'],
    ['list', '$authgw_claim_list', 'X-List'],
    ['nested', '$nested', 'X-Nested'],
    ['nested_arr', '$nested_arr', 'X-Nested-Arr'],
    ['nested_ok', '$nested_ok', 'X-Nested-Ok'],
    ['note', '$authgw_header_note', 'X-Note'],
    ['alg', '$authgw_header_alg', 'X-Alg'],
    ['ok', '$authgw_claim_ok', 'X-Ok'],
    ['uid', '$authgw_user_id', 'X-Uid'],
    ['err', '$authgw_error', 'X-Err'],
    ['payload', '$authgw_payload', 'X-Payload'],
);

my $body = join '', map { "$_->[0]=[$_->[1]]\\n" } @Vars;
my $headers = join '', map { "        proxy_set_header $_->[2] $_->[1];\n" }
                       @Vars;

our $Config = <<"_EOC_";
    location = /t {
$gw        return 200 "$body";
    }

    location = /p {
$gw        authgw_set_header X-User-Id \$authgw_user_id;
$headers        proxy_pass $cap/up;
    }
_EOC_


sub control { return $_[0] =~ /^[\x00-\x1f\x7f]$/ }

# a character in JSON text as jansson writes it (0x7F as the module
# escapes it in $authgw_payload)
sub esc {
    my $c = shift;
    my %named = ("\b" => '\b', "\t" => '\t', "\n" => '\n', "\f" => '\f',
                 "\r" => '\r');
    return $c unless control($c);
    return $named{$c} // ($c eq "\x7f" ? '\u007f'
                                       : sprintf '\u%04X', ord $c);
}

# the JSON text of a payload that carries $c everywhere, compact and in
# the order jansson keeps, so that it is also $authgw_payload
sub payload {
    my ($c, $name, $uid) = @_;
    my $e = esc($c);
    return qq({"exp":$Exp,"sub":"alice","name":"$name",)
           . qq("roles":["r1","a${e}b"],"obj":{"k":"a${e}b","n":1},)
           . qq("list":[{"k":"a${e}b"}],"deep":{"arr":["x","a${e}b"]},)
           . qq("ok":"fine","uid":"$uid"});
}

sub token {
    my ($c, %o) = @_;
    my $e = esc($c);
    my $uid = ::jwe(key => 'uid32.key',
                    $o{uid} ? (hex => unpack 'H*', $o{uid}) : (value => $Uid));
    my $payload = payload($c, $o{name} // "x${e}X-User-Id: victim", $uid);
    my $t = ::tok(alg => 'RS256', key => 'rsa.pem', raw_payload => $payload,
                  raw_header => qq({"alg":"RS256","note":"a${e}b"}));
    return ($t, $payload);
}

# what each variable reads for a token carrying $c (the name claim holds
# a control character always): a string or an array of scalars with a
# control character is not found; compact JSON is found with every
# control character escaped (0x7F as \u007f, as in $authgw_payload)
sub values_of {
    my ($c, $payload) = @_;
    my $e = esc($c);
    my $plain = !control($c);
    return {
        name => '',
        roles => $plain ? "r1,a${c}b" : '',
        obj => qq({"k":"a${e}b","n":1}),
        list => qq([{"k":"a${e}b"}]),
        nested => $plain ? "a${c}b" : '',
        nested_arr => $plain ? "x,a${c}b" : '',
        nested_ok => '1',
        note => $plain ? "a${c}b" : '',
        alg => 'RS256', ok => 'fine', uid => $Uid, err => '',
        payload => $payload,
    };
}

sub t_body {
    my $v = shift;
    return join '', map { "$_->[0]=[" . ($v->{$_->[0]} // '') . "]\n" }
                    @Vars;
}

# the capture's text for /p: the headers with a value, in order, then
# the client's (Authorization), then the owned one
sub p_body {
    my ($v, $token) = @_;
    my ($proto, $connection) = proxy_head();
    my $text = "GET /up $proto\n";
    for my $var (@Vars) {
        my $val = $v->{ $var->[0] } // '';
        $text .= "$var->[2]: $val\n" if length $val;
    }
    $text .= "Host: 127.0.0.1:$Port\n$connection"
             . "Authorization: Bearer $token\n"
             . "owned:\nX-User-Id: $Uid\n";
    $text =~ s/([^\x20-\x7e\n])/sprintf '\\x%02x', ord $1/ge;
    return $text;
}

sub add_block {
    my ($title, %b) = @_;
    $n++;
    push @Cases, \%b;
    my $i = $#Cases;

    $Spec .= "\n=== TEST $n: $title\n";
    $Spec .= "--- http_config eval: \$::HttpConfig\n";
    for my $s (qw(config request more_headers error_code response_body
                  error_log)) {
        $Spec .= "--- $s eval: \$::Cases[$i]{$s}\n" if exists $b{$s};
    }
    $Spec .= "--- no_error_log\n[alert]\n[crit]\n";
}

sub logged {
    my ($claim, $what) = @_;
    $what //= 'claim';
    return qr/\[info\][^\n]*$what "\Q$claim\E"[^\n]*control character/;
}


# --- every control character --------------------------------------------

for my $o (0x00 .. 0x1f, 0x7f) {
    my $c = chr $o;
    my ($t, $payload) = token($c);
    my ($bad) = token($c, uid => "al${c}ice");
    my $v = values_of($c, $payload);
    my @logged = ((map { logged($_) } 'name', 'roles'),
                  logged('note', 'header parameter'));

    add_block(sprintf('control character 0x%02X: not exposed by any '
                      . 'variable, nor sent upstream', $o),
        config => $Config,
        request => ['GET /t', 'GET /p', 'GET /t'],
        more_headers => ["Authorization: Bearer $t",
                         "Authorization: Bearer $t",
                         "Authorization: Bearer $bad"],
        error_code => [200, 200, 200],
        response_body => [t_body($v), p_body($v, $t),
                          t_body({ err => 'bad_user_id' })],
        error_log => \@logged);
}


# --- the claim of the issue: CR LF and a header line ----------------------

{
    my $name = 'x\r\nX-User-Id: victim';
    my ($t, $payload) = token('-', name => $name);
    my $v = values_of('-', $payload);

    add_block('a name claim "x\r\nX-User-Id: victim" adds no header line '
              . 'upstream',
        config => $Config,
        request => ['GET /t', 'GET /p'],
        more_headers => [("Authorization: Bearer $t") x 2],
        error_code => [200, 200],
        response_body => [t_body($v), p_body($v, $t)],
        error_log => [logged('name')]);
}


# --- numbers ----------------------------------------------------------------

{
    my $config = <<"_EOC_";
    large_client_header_buffers 4 16k;

    location = /t {
$gw        return 200 "roles=[\$authgw_claim_roles] n=[\$authgw_claim_n]\\n";
    }
_EOC_

    my $big = 'x' x 4077;
    my @t = map { ::tok(alg => 'RS256', key => 'rsa.pem', raw_payload => $_) }
        qq({"exp":$Exp,"roles":["abcdefgh",12345678901234568.0],)
            . qq("n":12345678901234568.0}),
        qq({"exp":$Exp,"roles":["abcdefgh",-12345678901234568.0,0.5,)
            . qq(1e300,true,null,7]}),
        qq({"exp":$Exp,"roles":["$big",12345678901234568.0]}),
        qq({"exp":$Exp,"roles":["a"],"n":-0.25});

    add_block('a double whose %.15g text is longer than its shortest text, '
              . 'in an array: the array text is exact, nothing is written '
              . 'past it',
        config => $config,
        request => ['GET /t', 'GET /t', 'GET /t', 'GET /t'],
        more_headers => [map { "Authorization: Bearer $_" } @t],
        error_code => [200, 200, 200, 200],
        response_body => [
            "roles=[abcdefgh,12345678901234568] n=[12345678901234568]\n",
            "roles=[abcdefgh,-12345678901234568,0.5,1e+300,true,null,7] "
                . "n=[]\n",
            "roles=[$big,12345678901234568] n=[]\n",
            "roles=[a] n=[-0.25]\n"]);
}


# --- run ------------------------------------------------------------------

spec_string($Spec);

my $checks = 0;
for my $b (@Cases) {
    $checks += 2 * @{ $b->{request} } + @{ $b->{error_log} || [] } + 2;
}

plan tests => repeat_each() * $checks;

# glibc's malloc check for nginx (see the top of this file); set only now,
# after the tokens were made
my $debug = '/lib/x86_64-linux-gnu/libc_malloc_debug.so.0';
if (-e $debug && !$ENV{TEST_NGINX_USE_VALGRIND} && !$ENV{ASAN_OPTIONS}
    && !$ENV{TEST_NGINX_NO_MALLOC_CHECK})
{
    $ENV{LD_PRELOAD} = join ' ', grep { length } $ENV{LD_PRELOAD}, $debug;
    $ENV{MALLOC_CHECK_} = 3;
}

no_shuffle();
run_tests();
