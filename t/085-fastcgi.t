# Owned headers with fastcgi_pass: FastCGI folds "-" and "_" into
# HTTP_X_USER_ID, so a client's X-User-Id and X_User_Id would both arrive.
# A small FastCGI responder (below, started by this file on 127.0.0.1)
# answers with every HTTP_X_USER* parameter it received. The first block
# is the control: without authgw_set_header the client's value arrives.

use lib '.';
use t::Authgw;
use Test::Nginx::Socket;

use IO::Socket::INET;
use POSIX ();

$ENV{TEST_NGINX_FCGI_PORT} ||= 1986;

my $responder = start_responder($ENV{TEST_NGINX_FCGI_PORT});

END {
    local $?;

    if ($responder) {
        kill 'TERM', $responder;
        waitpid $responder, 0;
    }
}

plan tests => repeat_each() * (blocks() * 3);

no_shuffle();
run_tests();

# FastCGI records (version 1): type 1 BEGIN_REQUEST, 4 PARAMS, 5 STDIN,
# 6 STDOUT, 3 END_REQUEST
sub start_responder {
    my $port = shift;

    my $listen = IO::Socket::INET->new(LocalAddr => '127.0.0.1',
                                       LocalPort => $port, Listen => 16,
                                       ReuseAddr => 1)
        or die "cannot listen on $port: $!\n";

    my $pid = fork();
    die "fork: $!\n" unless defined $pid;

    if ($pid) {
        close $listen;
        return $pid;
    }

    while (my $c = $listen->accept) {
        my ($params, $id) = ('', 1);

        while (1) {
            read($c, my $h, 8) == 8 or last;
            my ($ver, $type, $rid, $len, $pad) = unpack 'CCnnC', $h;
            my $body = '';
            read($c, $body, $len) if $len;
            read($c, my $skip, $pad) if $pad;
            $id = $rid;
            $params .= $body if $type == 4;
            last if $type == 5 && $len == 0;
        }

        my @found;
        while (length $params) {
            my ($nl, $vl);
            for my $l (\$nl, \$vl) {
                my $b = ord $params;
                if ($b & 0x80) {
                    $$l = unpack('N', $params) & 0x7fffffff;
                    substr($params, 0, 4) = '';
                } else {
                    $$l = $b;
                    substr($params, 0, 1) = '';
                }
            }
            my $name = substr $params, 0, $nl, '';
            my $value = substr $params, 0, $vl, '';
            push @found, "$name=$value" if $name =~ /^HTTP_X_USER/;
        }

        my $out = "Content-Type: text/plain\r\n\r\n"
                  . (@found ? join(' ', sort @found) : 'none') . "\n";

        print $c pack('CCnnCC', 1, 6, $id, length $out, 0, 0), $out;
        print $c pack('CCnnCC', 1, 6, $id, 0, 0, 0);
        print $c pack('CCnnCC', 1, 3, $id, 8, 0, 0), pack('NCx3', 0, 0);
        close $c;
    }

    POSIX::_exit(0);
}

__DATA__

=== TEST 1: control: without authgw_set_header the client's headers arrive
--- config
    underscores_in_headers on;

    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        include /etc/nginx/fastcgi_params;
        fastcgi_pass 127.0.0.1:$TEST_NGINX_FCGI_PORT;
    }
--- request
GET /api
--- more_headers
X-User-Id: mallory
--- response_body
HTTP_X_USER_ID=mallory
--- no_error_log
[error]



=== TEST 2: a valid token: only the decrypted id arrives
--- config
    underscores_in_headers on;

    location /api {
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_user_id_claim uid;
        authgw_user_id_key_file $TEST_NGINX_KEYS/uid32.key;
        authgw_set_header X-User-Id $authgw_user_id;
        include /etc/nginx/fastcgi_params;
        fastcgi_pass 127.0.0.1:$TEST_NGINX_FCGI_PORT;
    }
--- request
GET /api
--- more_headers eval
"X-User-Id: mallory\nX_User_Id: eve\nx-user-id: trudy\nAuthorization: Bearer "
. ::tok(alg => 'RS256', key => 'rsa.pem',
        claim => { uid => ::jwe(key => 'uid32.key', value => 'alice-42') })
--- response_body
HTTP_X_USER_ID=alice-42
--- no_error_log
[error]



=== TEST 3: anonymous: none of the client's headers arrives
--- config
    underscores_in_headers on;

    location /api {
        authgw "test" optional;
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_set_header X-User-Id $authgw_user_id;
        include /etc/nginx/fastcgi_params;
        fastcgi_pass 127.0.0.1:$TEST_NGINX_FCGI_PORT;
    }
--- request
GET /api
--- more_headers
X-User-Id: mallory
X_User_Id: eve
--- response_body
none
--- no_error_log
[error]



=== TEST 4: satisfy any, let in by address: none arrives
--- config
    underscores_in_headers on;

    location /api {
        satisfy any;
        allow 127.0.0.1;
        deny all;
        authgw "test";
        authgw_key_file $TEST_NGINX_KEYS/rsa.pub.pem;
        authgw_set_header X-User-Id $authgw_user_id;
        include /etc/nginx/fastcgi_params;
        fastcgi_pass 127.0.0.1:$TEST_NGINX_FCGI_PORT;
    }
--- request
GET /api
--- more_headers
X-User-Id: mallory
X_User_Id: eve
--- response_body
none
--- no_error_log
[error]
