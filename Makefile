# authgw: the nginx module, its core, its token tool and its tests.
#
#   make            build build/ngx_http_authgw_module.so and the tool
#   make deps       install the Debian packages it needs (as root)
#   make test       deps, build, unit tests of src/, then prove -r t/
#   make demo       the API gateway end to end, with a transcript
#   make fuzz       each libFuzzer target for FUZZ_TIME seconds (120)
#   make test-valgrind  the Test::Nginx suites with nginx under valgrind
#   make soak       wrk with key rotation and a killed worker (SOAK_TIME)
#   make test-asan  the suites against an ASan/UBSan build of nginx
#   make test-nginx NGINX_SRC=/path/to/nginx
#                   the suites against another nginx, built from its source
#   make bench      the benchmark; writes docs/performance.md, then
#                   make bench-hostile
#   make bench-hostile  forged tokens against valid ones; docs/hostile.md
#   make style      the mechanical part of the house style
#   make deb        Debian packages of the module and the tool, build/deb/
#   make test-deb   make deb, lintian, install them, nginx with the module
#                   answers a token, remove them, nothing left (as root)
#
# NGINX_SRC is the nginx source tree to build against (Debian's nginx-dev by
# default: its conf_flags are used, so the module fits the packaged nginx);
# a release tarball or a git checkout of nginx works too, configured with
# NGX_FLAGS.

NGINX_SRC  ?= /usr/share/nginx/src
NGINX_BIN  ?= /usr/sbin/nginx
CC         ?= cc
# the configure flags for a tree without Debian's conf_flags: take them
# from `nginx -V` of the nginx that will load the module
NGX_FLAGS  ?= --with-compat --with-debug --with-http_ssl_module \
              --with-http_v2_module --with-http_auth_request_module
# compiler and linker flags added to the module's build (configure's
# --with-cc-opt and --with-ld-opt) and to the tool's; none by default,
# debian/rules gives them Debian's hardening flags (dpkg-buildflags)
EXTRA_CFLAGS  ?=
EXTRA_LDFLAGS ?=

B          := $(CURDIR)/build
NGX_BUILD  := $(B)/nginx
MODULE     := $(B)/ngx_http_authgw_module.so
TOOL       := $(B)/authgw-token
UNIT_TESTS := b64 json key jws claims jwe cache explain cookie provider \
              dpop
UNIT       := $(addprefix $(B)/unit/test_,$(UNIT_TESTS))

CORE_SRCS  := $(wildcard src/*.c)
CORE_HDRS  := src/authgw.h
GLUE_SRCS  := $(wildcard ngx_http_authgw_*.c ngx_http_authgw_*.h)

STRICT     := -Wall -Wextra -Werror
LIBS       := -ljansson -lcrypto

NGX_INCS    = $(addprefix -I$(NGX_BUILD)/, objs src/core src/event \
              src/event/modules src/os/unix src/http src/http/modules \
              src/http/v2)

FUZZERS    := token keys jwe b64 diff render cache
FUZZ_TIME  ?= 120
FUZZ_BINS  := $(addprefix $(B)/fuzz/fuzz_,$(FUZZERS))

.PHONY: all deps module tool unit test prove keys style clean demo \
        fuzz fuzz-build fuzz-seeds fuzz-short test-valgrind soak test-asan \
        test-nginx bench bench-hostile deb test-deb FORCE

all: module tool

deps:
	@sh tools/deps.sh

module: $(MODULE)

tool: $(TOOL)

# the tree and flags of the last configure; a different NGINX_SRC,
# NGX_FLAGS or EXTRA_*FLAGS configures again instead of building against
# the old tree (the EXTRA ones are written only when given, so a tree
# configured before they existed is not configured again)
NGX_EXTRA = $(strip $(EXTRA_CFLAGS) $(EXTRA_LDFLAGS))

$(B)/nginx-src: FORCE
	@mkdir -p $(B)
	@echo '$(NGINX_SRC) $(NGX_FLAGS)$(if $(NGX_EXTRA), $(NGX_EXTRA))' > $@.new
	@cmp -s $@.new $@ && rm $@.new || mv $@.new $@

# Debian's tree carries nginx's own flags in conf_flags; a release tarball
# has ./configure, a git checkout auto/configure, and both take NGX_FLAGS
$(NGX_BUILD)/objs/Makefile: config $(B)/nginx-src
	@test -d $(NGINX_SRC)/src/core || \
	    { echo "NGINX_SRC=$(NGINX_SRC) is not an nginx source tree"; exit 1; }
	rm -rf $(NGX_BUILD)
	cp -a $(NGINX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && \
	CC_OPT='$(EXTRA_CFLAGS)' LD_OPT='$(EXTRA_LDFLAGS)' bash -c ' \
	    if [ -f conf_flags ]; then . ./conf_flags; \
	    else NGX_CONF_FLAGS=($(NGX_FLAGS)); fi; \
	    if [ -x configure ]; then c=./configure; else c=auto/configure; fi; \
	    $$c "$${NGX_CONF_FLAGS[@]}" \
	        $${CC_OPT:+"--with-cc-opt=$$CC_OPT"} \
	        $${LD_OPT:+"--with-ld-opt=$$LD_OPT"} \
	        --add-dynamic-module=$(CURDIR)' > $(B)/configure.log 2>&1 \
	    || { tail -20 $(B)/configure.log; exit 1; }

# nginx builds the module with its own flags (-Wall -Werror); the glue is
# also checked with -Wextra (nginx's handlers leave parameters unused)
$(MODULE): $(NGX_BUILD)/objs/Makefile $(GLUE_SRCS) $(CORE_SRCS) $(CORE_HDRS)
	$(CC) $(STRICT) -Wno-unused-parameter -fsyntax-only $(NGX_INCS) -Isrc \
	    $(filter %.c,$(GLUE_SRCS))
	$(CC) $(STRICT) -fsyntax-only $(CORE_SRCS)
	$(MAKE) -C $(NGX_BUILD) -f objs/Makefile modules
	cp $(NGX_BUILD)/objs/ngx_http_authgw_module.so $@.tmp
	mv $@.tmp $@

# the whole core: check verifies with the module's own code
TOOL_SRCS  := tools/authgw-token.c tools/check.c tools/usage.c tools/jwe.c

$(TOOL): $(TOOL_SRCS) tools/check.h tools/usage.h tools/jwe.h $(CORE_SRCS) \
	    $(CORE_HDRS)
	@mkdir -p $(B)
	$(CC) $(STRICT) -O2 $(EXTRA_CFLAGS) -o $@ $(TOOL_SRCS) $(CORE_SRCS) \
	    $(EXTRA_LDFLAGS) -ljwt $(LIBS)

# one cmocka binary per file of src/ (make unit UNIT_TESTS="jws jwe": those
# only), each with ASan and UBSan; every one runs, and any failure fails it
$(B)/unit/test_%: t/unit/test_%.c t/unit/unit.c t/unit/unit.h $(CORE_SRCS) \
	    $(CORE_HDRS)
	@mkdir -p $(B)/unit
	$(CC) $(STRICT) -g -O1 -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -o $@ $(filter %.c,$^) $(LIBS) -lcmocka

# the tests that make user ids with the tool's JWE encoder
$(B)/unit/test_jwe $(B)/unit/test_jws: tools/jwe.c tools/jwe.h

unit: $(UNIT)
	@rc=0; for t in $(UNIT); do echo "$$t:"; \
	    $$t || { echo "$$t: FAILED"; rc=1; }; done; exit $$rc

# libFuzzer targets for the core, with ASan and UBSan
$(B)/fuzz/fuzz_%: t/fuzz/fuzz_%.c t/fuzz/fuzz_common.c t/fuzz/fuzz.h \
	    $(CORE_SRCS) $(CORE_HDRS) tools/jwe.c tools/jwe.h
	@mkdir -p $(B)/fuzz
	clang $(STRICT) -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -o $@ $< t/fuzz/fuzz_common.c \
	    $(CORE_SRCS) tools/jwe.c $(LIBS) -ljwt

fuzz-build: $(FUZZ_BINS)

fuzz-seeds: keys
	sh t/fuzz/seeds.sh $(TOOL) $(B)/keys $(B)/fuzz/seeds

# make fuzz FUZZ_TIME=600: each target for that many seconds
fuzz: deps
	$(MAKE) tool fuzz-build fuzz-seeds
	sh t/fuzz/run.sh $(B) $(FUZZ_TIME)

fuzz-short: fuzz-build fuzz-seeds
	sh t/fuzz/run.sh $(B) 10

keys: $(TOOL)
	sh t/gen-keys.sh $(TOOL) $(B)/keys

# The real Test::Nginx where perl finds it (on the user's own PERL5LIB
# too, as a local::lib install is): that PERL5LIB is kept as it is.
# Elsewhere the runner in t/lib, ahead of the user's PERL5LIB.
TEST_PERL5LIB = $$(if perl -MTest::Nginx::Socket -e1 2>/dev/null; \
                   then echo "$$PERL5LIB"; \
                   else echo "$(CURDIR)/t/lib$${PERL5LIB:+:$$PERL5LIB}"; fi)

# Every port the suites listen on. make prove uses the suites' defaults
# (1984-1998); test-valgrind and test-asan move each by 100 and by 200 and
# have their own server roots, so the three runs can run at the same time.
# (000-config.t and 220-docs.t only run nginx -t, which binds nothing;
# 120-demo.t, on fixed ports, is left out of both: see test-asan.)
VALGRIND_PORTS := TEST_NGINX_SERVER_PORT=2084 TEST_NGINX_FCGI_PORT=2086 \
                  TEST_NGINX_HOSTILE_PORT=2087 TEST_NGINX_HTTP_PORT=2088 \
                  TEST_NGINX_BOUNDARY_PORT=2089 TEST_NGINX_CACHE_PORT=2090 \
                  TEST_NGINX_REMOTE_PORT=2094 TEST_NGINX_METRICS_PORT=2097 \
                  TEST_NGINX_DPOP_PORT=2091
ASAN_PORTS     := TEST_NGINX_SERVER_PORT=2184 TEST_NGINX_FCGI_PORT=2186 \
                  TEST_NGINX_HOSTILE_PORT=2187 TEST_NGINX_HTTP_PORT=2188 \
                  TEST_NGINX_BOUNDARY_PORT=2189 TEST_NGINX_CACHE_PORT=2190 \
                  TEST_NGINX_REMOTE_PORT=2194 TEST_NGINX_METRICS_PORT=2197 \
                  TEST_NGINX_DPOP_PORT=2191

# fails when a suite reads a TEST_NGINX_*_PORT that the list $(1) misses
check_ports = @for v in $$(grep -ohE 'TEST_NGINX_[A-Z0-9_]+_PORT' \
                          t/*.t t/*.pm | sort -u); do \
                  case " $(1) " in *" $$v="*) ;; \
                  *) echo "$@: $$v is not moved off make prove's port"; \
                     exit 1 ;; \
                  esac; \
              done

prove: module keys
	cd $(CURDIR) && \
	TEST_NGINX_BINARY=$(NGINX_BIN) \
	TEST_NGINX_LOAD_MODULES=$(MODULE) \
	TEST_NGINX_KEYS=$(B)/keys \
	AUTHGW_TOKEN=$(TOOL) \
	AUTHGW_BUILD=$(B) \
	PERL5LIB="$(TEST_PERL5LIB)" \
	prove -r t/

# the suites (make prove) against another nginx, built from its source (a
# release tarball or a git checkout, configured with NGX_FLAGS; nothing is
# downloaded, and make test stays on Debian's nginx): nginx and the module
# built against it, the tool and the keys go to build/other (B=...), kept
# while NGINX_SRC and NGX_FLAGS are the same; the server roots to
# build/other/servroot*. Ports and the demo's are make prove's.
OTHER_DIR := $(B)/other

test-nginx:
	@case "$(origin NGINX_SRC)" in file) \
	    echo "make test-nginx NGINX_SRC=/path/to/nginx-source"; \
	    exit 1 ;; esac
	$(MAKE) B=$(OTHER_DIR) module tool keys
	$(MAKE) -C $(OTHER_DIR)/nginx -f objs/Makefile binary
	TEST_NGINX_SERVROOT=$(OTHER_DIR)/servroot \
	$(MAKE) B=$(OTHER_DIR) NGINX_BIN=$(OTHER_DIR)/nginx/objs/nginx prove

# the suites against nginx and the module built with ASan and UBSan (from
# Debian's nginx source, by tools/nginx-asan.sh, which installs what it
# needs and keeps the build while its sources are unchanged); any sanitizer
# report fails it. Leaks are left to test-valgrind; ODR checks are off
# because every nginx dynamic module defines ngx_module_names, which nginx
# finds with dlsym() by design. 120-demo.t is left out: tools/demo.sh
# loads build/ngx_http_authgw_module.so, not the ASan build, on fixed ports
# (18480-18495) and in build/demo, which make prove's demo also uses.
ASAN_DIR := $(B)/asan

# the token tool with the same sanitizers: the suites mint their tokens
# with it, and t/250 and t/251 feed check every hostile token they have
$(ASAN_DIR)/authgw-token: $(TOOL_SRCS) tools/check.h tools/usage.h \
	    tools/jwe.h $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(ASAN_DIR)
	$(CC) $(STRICT) -g -O1 -fsanitize=address,undefined \
	    -fno-sanitize-recover=all $(EXTRA_CFLAGS) -o $@ $(TOOL_SRCS) \
	    $(CORE_SRCS) $(EXTRA_LDFLAGS) -ljwt $(LIBS)

test-asan: deps
	$(call check_ports,$(ASAN_PORTS))
	$(MAKE) tool keys $(ASAN_DIR)/authgw-token
	bash tools/nginx-asan.sh $(B)
	rm -rf $(ASAN_DIR)/reports
	mkdir -p $(ASAN_DIR)/reports
	TEST_NGINX_SERVROOT=$(ASAN_DIR)/servroot \
	$(ASAN_PORTS) \
	ASAN_OPTIONS=detect_leaks=0:detect_odr_violation=0:abort_on_error=1:log_path=$(ASAN_DIR)/reports/asan \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$(CURDIR)/t/ubsan.suppress:log_path=$(ASAN_DIR)/reports/ubsan \
	TEST_NGINX_BINARY=$(ASAN_DIR)/nginx/objs/nginx \
	TEST_NGINX_LOAD_MODULES=$(ASAN_DIR)/nginx/objs/ngx_http_authgw_module.so \
	TEST_NGINX_KEYS=$(B)/keys \
	AUTHGW_TOKEN=$(ASAN_DIR)/authgw-token \
	PERL5LIB="$(TEST_PERL5LIB)" \
	prove $(filter-out t/120-demo.t,$(wildcard t/*.t))
	@n=$$(ls $(ASAN_DIR)/reports | wc -l); \
	echo "test-asan: $$n sanitizer reports"; \
	if [ $$n -ne 0 ]; then head -60 $(ASAN_DIR)/reports/*; exit 1; fi

# authgw against the baselines, same run; writes docs/performance.md
BENCH_TIME ?= 3
BENCH_ROUNDS ?= 5

$(B)/core-bench: tools/core-bench.c $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(B)
	$(CC) $(STRICT) -O2 -o $@ tools/core-bench.c $(CORE_SRCS) $(LIBS)

bench: deps
	$(MAKE) all $(B)/core-bench
	sh tools/bench.sh $(B) $(NGINX_BIN) $(BENCH_TIME) $(BENCH_ROUNDS)
	$(MAKE) bench-hostile

# what a request without credentials costs, against a valid one, same run
HOSTILE_TIME ?= 2
HOSTILE_ROUNDS ?= 3

bench-hostile: deps
	$(MAKE) all
	sh tools/bench-hostile.sh $(B) $(NGINX_BIN) $(HOSTILE_TIME) \
	    $(HOSTILE_ROUNDS)

# make soak SOAK_TIME=300: wrk, key rotation with reloads, a killed worker
SOAK_TIME ?= 120

soak: deps
	$(MAKE) all
	sh tools/soak.sh $(B) $(NGINX_BIN) $(SOAK_TIME)

# the Test::Nginx suites with nginx under valgrind memcheck (slow: every
# block starts nginx under valgrind); any memcheck error fails it. Not the
# check suites: 250 sends every token of the suites through 19 locations
# (what nginx does with each is the other suites'), 251 runs no nginx
VALGRIND_SUITES ?= $(filter-out t/000-config.t t/120-demo.t t/220-docs.t \
                   t/130-hostile.t t/140-http.t t/150-cache.t \
                   t/250-check.t t/251-check-output.t,$(wildcard t/*.t))

test-valgrind: deps
	$(call check_ports,$(VALGRIND_PORTS))
	$(MAKE) all keys
	rm -f $(B)/valgrind-report.txt
	TEST_NGINX_SERVROOT=$(B)/valgrind-servroot \
	$(VALGRIND_PORTS) \
	TEST_NGINX_USE_VALGRIND=1 \
	TEST_NGINX_VALGRIND_REPORT=$(B)/valgrind-report.txt \
	TEST_NGINX_BINARY=$(NGINX_BIN) \
	TEST_NGINX_LOAD_MODULES=$(MODULE) \
	TEST_NGINX_KEYS=$(B)/keys \
	AUTHGW_TOKEN=$(TOOL) \
	PERL5LIB="$(TEST_PERL5LIB)" \
	prove $(VALGRIND_SUITES)
	sh t/valgrind-check.sh $(B)/valgrind-report.txt

test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) fuzz-short
	$(MAKE) prove

# the API gateway of docs/examples/gateway.conf, end to end (KEEP=1: leave
# it running)
demo: deps
	$(MAKE) all
	KEEP=$(KEEP) sh tools/demo.sh $(B) $(NGINX_BIN)

# the packages of debian/ (libnginx-mod-http-authgw, authgw-token), built
# in a copy of the tree under build/deb; deps.sh deb adds the packaging
# tools to what make deps installs
deb:
	@sh tools/deps.sh deb
	sh tools/deb.sh $(B)

# as root: the packages built, checked by lintian, installed, loaded by
# Debian's nginx (its own prefix, 127.0.0.1:18600-18601), removed
test-deb:
	sh tools/test-deb.sh $(B)

style:
	@files=$$(git ls-files '*.c' '*.h'); \
	bad=0; \
	awk 'length > 80 { print FILENAME ":" FNR ": over 80 columns"; b=1 } \
	     END { exit b }' $$files || bad=1; \
	grep -n "$$(printf '\t')" $$files && bad=1; \
	grep -n ' $$' $$files && bad=1; \
	grep -n '//' $$files | grep -v '://' | grep -v '"[^"]*//' && bad=1; \
	exit $$bad

clean:
	rm -rf $(B) t/servroot

FORCE:
