package t::Nginx;

# Starts and stops one nginx for the two harnesses, the runner in
# t/lib/Test/Nginx/Socket.pm and t/Server.pm: they write the configuration,
# this runs nginx on it (under valgrind memcheck when TEST_NGINX_USE_VALGRIND
# is set), waits for its port, stops it and adds each process's memcheck log
# to TEST_NGINX_VALGRIND_REPORT. Named under t:: so that it never meets the
# real Test::Nginx; found, as t::Authgw is, from the repository root.

use strict;
use warnings;

use IO::Socket::INET;
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(sleep time);

our $Valgrind = $ENV{TEST_NGINX_USE_VALGRIND};

# how long nginx may take to listen (the runner also gives a request this
# long), and to exit gracefully: a QUIT waits for the requests in flight,
# such as a key fetch to a provider that does not answer
our $Timeout = $ENV{TEST_NGINX_TIMEOUT} || ($Valgrind ? 30 : 5);
our $StopTimeout = $ENV{TEST_NGINX_STOP_TIMEOUT} || ($Valgrind ? 60 : 30);

my %Roots;     # pid -> server root, for stop()

# start(ROOT, PORT) -> (pid) or (undef, why): nginx on ROOT/conf/nginx.conf,
# its output in ROOT/logs/stderr.log, once it accepts connections on
# 127.0.0.1:PORT; one that never does is killed
sub start {
    my ($root, $port) = @_;
    my $bin = $ENV{TEST_NGINX_BINARY} || 'nginx';

    # one memcheck log per process: nginx forks its workers without exec
    my @vg = !$Valgrind ? () : (
        'valgrind', '-q', '--leak-check=full', '--show-leak-kinds=definite',
        '--num-callers=30', "--log-file=$root/logs/valgrind.%p.log",
        (-f 't/valgrind.suppress' ? ('--suppressions=t/valgrind.suppress')
                                  : ()));

    my $pid = fork();
    die "fork: $!\n" unless defined $pid;

    if ($pid == 0) {
        # its own process group, so that a KILL reaches the workers too
        POSIX::setpgid(0, 0);
        open STDOUT, '>', "$root/logs/stderr.log";
        open STDERR, '>&', \*STDOUT;
        exec @vg, $bin, '-p', "$root/", '-c', 'conf/nginx.conf';
        exit 127;
    }

    my $deadline = time + $Timeout;

    while (time < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            return (undef, "nginx exited at start\n"
                           . read_text("$root/logs/stderr.log")
                           . read_text("$root/logs/error.log"));
        }

        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                      PeerPort => $port,
                                      Proto    => 'tcp');
        if ($s) {
            close $s;
            $Roots{$pid} = $root;
            return ($pid);
        }

        sleep 0.01;
    }

    kill 'KILL', -$pid;
    waitpid $pid, 0;

    return (undef, "nginx did not listen on port $port in time\n");
}

# stop(PID[, LABEL]): QUIT; if nginx has not exited in time, KILL to the
# master and its workers; reaped; then, under valgrind, each log as
# "=== SUITE: [LABEL: ]LOG" and its text
sub stop {
    my ($pid, $label) = @_;
    my $root = delete $Roots{$pid};

    # QUIT again each second: a single-process nginx that takes the signal
    # between its check of ngx_quit and epoll_wait() sleeps until its next
    # timer (valgrind makes that likely); another signal wakes it
    my $deadline = time + $StopTimeout;
    my $exited = 0;
    my $next = 0;

    while (time < $deadline) {
        if (time >= $next) {
            kill 'QUIT', $pid;
            $next = time + 1;
        }
        if (waitpid($pid, WNOHANG) == $pid) {
            $exited = 1;
            last;
        }
        sleep 0.01;
    }

    if (!$exited) {
        warn "nginx $pid did not exit in ${StopTimeout}s: killed\n";
        kill 'KILL', -$pid;
        waitpid $pid, 0;
    }

    my $report = $ENV{TEST_NGINX_VALGRIND_REPORT};
    return unless $Valgrind && $report && defined $root;

    open my $out, '>>', $report or return;
    for my $log (sort glob "$root/logs/valgrind.*.log") {
        print $out "=== $0: ", (defined $label ? "$label: " : ''), "$log\n",
                   read_text($log);
    }
    close $out;
}

# read_text(PATH) -> the file's text, '' when it cannot be read
sub read_text {
    my $path = shift;
    open my $fh, '<', $path or return '';
    local $/;
    my $s = <$fh>;
    close $fh;
    return $s // '';
}

1;
