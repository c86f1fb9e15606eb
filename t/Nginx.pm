package t::Nginx;

# Starts and stops one nginx for the two harnesses, the runner in
# t/lib/Test/Nginx/Socket.pm and t/Server.pm: they write the configuration,
# this runs nginx on it (under valgrind memcheck when TEST_NGINX_USE_VALGRIND
# is set), waits for its port, stops it and adds each process's memcheck log
# to TEST_NGINX_VALGRIND_REPORT. It also knows which nginx that is: its
# version, the configuration that version wants where nginx changed it
# (listen_h2), and the deprecation warnings that fail a suite (deprecated).
# Named under t:: so that it never meets the real Test::Nginx; found, as
# t::Authgw is, from the repository root.

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
my $Version;   # version(), once read

# version() -> the version of TEST_NGINX_BINARY as nginx's own nginx_version
# macro writes it (1.25.1 is 1025001), read once from `nginx -V`: the
# suites choose by it where nginx changed its syntax or its behaviour
sub version {
    return $Version if defined $Version;

    my $bin = $ENV{TEST_NGINX_BINARY} || 'nginx';

    # nginx -V writes to stderr: the child reads it into the pipe
    my $child = open my $fh, '-|';
    die "fork: $!\n" unless defined $child;

    if ($child == 0) {
        open STDERR, '>&', \*STDOUT;
        { exec $bin, '-V' }
        exit 127;
    }

    my $out = do { local $/; <$fh> } // '';
    close $fh;

    $out =~ m{nginx/(\d+)\.(\d+)\.(\d+)}
        or die "no version in the output of $bin -V: $out\n";

    return $Version = $1 * 1000000 + $2 * 1000 + $3;
}

# listen_h2(ADDR) -> the lines that make the server block they are put in
# take HTTP/2 without TLS (h2c with prior knowledge) on ADDR. Before nginx
# 1.25.1 a parameter of listen: "listen ADDR http2;". From 1.25.1, which
# deprecates that parameter, "listen ADDR;" and "http2 on;": HTTP/2 for
# the whole server, each of its plain-text ports telling HTTP/2 from
# HTTP/1.x by the HTTP/2 preface. One per server block: "http2" may not
# be given twice.
sub listen_h2 {
    my $addr = shift;

    return "listen $addr http2;" if version() < 1025001;
    return "listen $addr; http2 on;";
}

# deprecated(ROOT) -> the lines of ROOT/logs/stderr.log (what nginx said
# while it read its configuration) and ROOT/logs/error.log in which nginx
# warns that a directive or a parameter is deprecated or obsolete: it
# still runs that configuration, a later version may not. start() refuses
# an nginx that said one, stop() returns what it logged later (a reload).
sub deprecated {
    my $root = shift;

    return grep { /\[warn\].*\bis (?:deprecated|obsolete)\b/ }
           map { split /\n/, read_text("$root/logs/$_") }
           qw(stderr.log error.log);
}

# start(ROOT, PORT) -> (pid) or (undef, why): nginx on ROOT/conf/nginx.conf,
# its output in ROOT/logs/stderr.log, once it accepts connections on
# 127.0.0.1:PORT; one that never does is killed, one that warned that its
# configuration is deprecated (see deprecated()) is stopped
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

            my @old = deprecated($root);
            return ($pid) unless @old;

            stop($pid);
            return (undef, "nginx warned that its configuration is "
                           . "deprecated:\n" . join('', map { "$_\n" } @old));
        }

        sleep 0.01;
    }

    kill 'KILL', -$pid;
    waitpid $pid, 0;

    return (undef, "nginx did not listen on port $port in time\n");
}

# stop(PID[, LABEL]) -> the deprecation warnings nginx logged (see
# deprecated()): QUIT; if nginx has not exited in time, KILL to the master
# and its workers; reaped; then, under valgrind, each log as
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

    my @old = defined $root ? deprecated($root) : ();

    my $report = $ENV{TEST_NGINX_VALGRIND_REPORT};
    return @old unless $Valgrind && $report && defined $root;

    open my $out, '>>', $report or return @old;
    for my $log (sort glob "$root/logs/valgrind.*.log") {
        print $out "=== $0: ", (defined $label ? "$label: " : ''), "$log\n",
                   read_text($log);
    }
    close $out;

    return @old;
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
