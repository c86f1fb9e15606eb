package t::Gather;

# Runs a suite dry and writes down every token it would send, for
# t/250-check.t: loaded ahead of the suite,
#
#   AUTHGW_GATHER=FILE perl -I. -It/lib -Mt::Gather t/NNN.t
#
# it replaces what reaches a server (the runner's run_tests, t::Server's
# start_nginx, exchange and http_get, t::Nginx, the capture upstream) by
# recorders, and sleeps by nothing, so that the suite's own code makes its
# tokens and requests as it does in a real run and none is sent. Recorded
# (one a line, appended): what follows "Bearer " in an Authorization field
# of a request, every value of a request that looks like a compact JWS or
# JWE (in a query, a cookie, another header), and every token that
# t::Authgw's tok() and py() make. The suite's own checks fail (its output
# is not read); AUTHGW_GATHER_TIME (30 s unless said) ends a suite that
# waits for a server that is not there, saying so on stderr, as it says a
# suite that died before its end.

use strict;
use warnings;

use POSIX ();
use Time::HiRes ();

my $Out = $ENV{AUTHGW_GATHER} or die "AUTHGW_GATHER is not set\n";

open my $Log, '>>', $Out or die "cannot append to $Out: $!\n";
select((select($Log), $| = 1)[0]);

my $Time = $ENV{AUTHGW_GATHER_TIME} || 30;

$SIG{ALRM} = sub {
    print STDERR "t::Gather: stopped after ${Time}s\n";
    POSIX::_exit(3);
};

alarm($Time);

# a suite that ends before its plan (it dies at a socket of its own that
# nothing answers) gathered only the tokens before that point: t/250 says
# which (its failed checks run to the end, and count; a suite of blocks
# has none run, and its blocks are all read)
our $blocks;

END {
    return if $blocks;

    my $tb = Test::Builder->can('new') && Test::Builder->new;
    my $plan = $tb ? $tb->has_plan : undef;

    if (defined $plan && $plan =~ /^\d+$/ && $tb->current_test < $plan) {
        printf STDERR "t::Gather: ended early: %d of %d checks\n",
                      $tb->current_test, $plan;
    }
}

BEGIN {
    *CORE::GLOBAL::sleep = sub { return 0 };
}

sub record {
    for my $t (@_) {
        next unless defined $t && length $t;
        $t =~ s/\n/\\n/g;
        print $Log "$t\n";
    }
}

# the tokens of a raw request (or of its header lines)
sub scan {
    my $raw = shift // '';
    my @t;

    while ($raw =~ /^Authorization:[ \t]*Bearer +([^\r\n]*?)[ \t]*\r?$/mig) {
        push @t, $1;
    }

    push @t, $raw =~ /(ey[A-Za-z0-9_-]*\.[A-Za-z0-9_.-]*)/g;

    record(@t);
}

no warnings 'redefine';

require t::Authgw;

{
    my $tok = \&t::Authgw::tok;
    my $py = \&t::Authgw::py;

    *t::Authgw::tok = sub { my $t = $tok->(@_); record($t); return $t };
    *t::Authgw::py = sub { my $t = $py->(@_); record($t); return $t };
    *t::Authgw::capture_start = sub { return 0 };
    *t::Authgw::capture_stop = sub { return };
}

*Time::HiRes::sleep = sub (;@) { return 0 };

require t::Nginx;

*t::Nginx::start = sub { return (undef, "t::Gather: a dry run\n") };
*t::Nginx::stop = sub { return };

require t::Server;

# a pid that no process has (above any pid_max): a suite that signals its
# nginx (a reload) signals nothing
my $NoPid = 2147483000;

*t::Server::start_nginx = sub { return ($NoPid, '/nonexistent/t-gather') };
*t::Server::stop_nginx = sub { return };
*t::Server::exchange = sub { scan($_[1]); return '' };
*t::Server::http_get = sub {
    my (undef, $path, $token) = @_;
    scan($path);
    record($token) if defined $token;
    return undef;
};

# the runner in t/lib: each block's requests, built as it builds them
if (eval { require Test::Nginx::Socket; 1 }) {
    *Test::Nginx::Socket::run_tests = sub () {
        $t::Gather::blocks = 1;

        for my $block (Test::Nginx::Socket::blocks()) {
            my $reqs = $block->request;
            my @reqs = ref $reqs eq 'ARRAY' ? @$reqs : ($reqs);

            for my $i (0 .. $#reqs) {
                my $raw = eval {
                    Test::Nginx::Socket::build_request($block, $reqs[$i],
                                                       $i);
                };
                scan($raw);
            }
        }
    };
}

1;
