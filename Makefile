# pop3d: build, test, run, deps (and, as they land: install, bench, fuzz).
# Sources are found by folder, so adding a file needs no edit here:
#   common/**   -> libcommon.a, used by every program and test
#   daemon/, sessiond/, authd/ -> one library each, plus the programs' mains
#   tests/{common,daemon,sessiond,authd}/** -> build/tests/unit
#   tests/e2e/**                            -> build/tests/e2e (needs root)
#   tests/support/**                        -> linked into both test binaries
# A program is built only once its main file exists.

SHELL := /bin/bash
.SUFFIXES:
CXX := g++
BUILD := build

PKGS := libsodium libcap inih openssl libcrypt libseccomp
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CPPFLAGS := -I. -D_FORTIFY_SOURCE=2 $(PKG_CFLAGS)
CXXFLAGS := -std=c++20 -O2 -g -Wall -Wextra -Werror -fstack-protector-strong -fPIE -MMD -MP
LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--as-needed
LDLIBS := $(PKG_LIBS) -llockfile
GTEST_LIBS := $(shell pkg-config --libs gtest 2>/dev/null) -pthread

srcs = $(shell find $(1) -name '*.cpp' 2>/dev/null | LC_ALL=C sort)
objs = $(patsubst %.cpp,$(BUILD)/obj/%.o,$(1))

MAINS := daemon/main.cpp sessiond/main.cpp authd/main.cpp authd/passwd_main.cpp

define library
LIB_$(1) := $(BUILD)/lib/lib$(1).a
$$(LIB_$(1)): $$(call objs,$$(filter-out $$(MAINS),$$(call srcs,$(1))))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach d,common daemon sessiond authd,$(eval $(call library,$(d))))

# program name, main source, its library
define program
ifneq ($(wildcard $(2)),)
PROGRAMS += $(BUILD)/bin/$(1)
$(BUILD)/bin/$(1): $(call objs,$(2)) $$(LIB_$(3)) $$(LIB_common)
endif
endef
PROGRAMS :=
$(eval $(call program,pop3d,daemon/main.cpp,daemon))
$(eval $(call program,pop3d-session,sessiond/main.cpp,sessiond))
$(eval $(call program,pop3d-auth,authd/main.cpp,authd))
$(eval $(call program,pop3d-passwd,authd/passwd_main.cpp,authd))

ALL_LIBS := $(LIB_sessiond) $(LIB_authd) $(LIB_daemon) $(LIB_common)
SUPPORT_OBJS := $(call objs,$(call srcs,tests/support))
UNIT_OBJS := $(call objs,$(call srcs,tests/common tests/daemon tests/sessiond tests/authd))
E2E_OBJS := $(call objs,$(call srcs,tests/e2e))
TEST_BINS := $(BUILD)/tests/unit $(if $(E2E_OBJS),$(BUILD)/tests/e2e)

.PHONY: all test deps run clean config-sample
all: $(PROGRAMS)

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

# The programs carry their own copy of libstdc++ and libgcc: a process is
# started per connection (pop3d-session, pop3d-auth), and resolving
# libstdc++'s symbols at every start cost about a tenth of the login rate
# (issue 6, M1); its relocated pages were also private to every session (M6).
PROGRAM_LDFLAGS := -static-libstdc++ -static-libgcc
$(BUILD)/bin/%:
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $(PROGRAM_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

$(BUILD)/tests/unit: $(UNIT_OBJS) $(SUPPORT_OBJS) $(ALL_LIBS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(GTEST_LIBS) -lgtest_main $(LDLIBS)

$(BUILD)/tests/e2e: $(E2E_OBJS) $(SUPPORT_OBJS) $(ALL_LIBS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(GTEST_LIBS) -lgtest_main $(LDLIBS)

# The last line of the output reads "tests: N passed, N failed[, N skipped]".
# Builds with every core first (a serial first build takes minutes).
JOBS := $(shell nproc 2>/dev/null || echo 2)
# Installs missing Debian packages first, as make run does, so that it is
# one of the newcomer's two commands on a fresh machine.
test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(PROGRAMS) $(TEST_BINS)
	@tests/run-suites $(TEST_BINS)

# Debian packages the build and the tests need.
DEB_PACKAGES := g++ make pkg-config libsodium-dev libcap-dev libinih-dev libgtest-dev \
	libssl-dev libcrypt-dev liblockfile-dev liblockfile-bin libseccomp-dev openssl \
	python3 curl fetchmail mpop getmail6 socat openbsd-inetd
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: every package is installed"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	    echo "deps: missing:" $$missing "- run 'sudo make deps'" >&2; exit 1; fi; \
	echo "deps: installing" $$missing; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -q && apt-get install -y -q --no-install-recommends $$missing

# etc/pop3d.conf is made from the table of keys (common/config_keys.cpp);
# a unit test fails when the two drift apart.
config-sample: $(BUILD)/bin/pop3d
	$(BUILD)/bin/pop3d -K sample > etc/pop3d.conf

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------------------
# fuzz: libFuzzer targets (fuzz/*_fuzz.cpp), built with clang++ and ASan/UBSan,
# each run for FUZZ_SECONDS from its seed corpus fuzz/corpus/NAME/ (new inputs
# go to build/fuzz/corpus/NAME, the seeds stay as committed). Not part of
# `make test`. Targets link the common sources and the test support.
FUZZ_CXX := clang++
FUZZ_SECONDS ?= 30
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CXXFLAGS := -std=c++20 -g -O1 -Wall -Wextra -Werror $(FUZZ_SANITIZE)
FUZZ_LIB_SRCS := $(call srcs,common) tests/support/memory_maildrop.cpp
FUZZ_LIB_OBJS := $(patsubst %.cpp,$(BUILD)/fuzz/obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_TARGETS := $(patsubst fuzz/%.cpp,$(BUILD)/fuzz/%,$(wildcard fuzz/*_fuzz.cpp))

$(BUILD)/fuzz/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(CPPFLAGS) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/fuzz/%.o $(FUZZ_LIB_OBJS)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

.PRECIOUS: $(BUILD)/fuzz/obj/%.o
.PHONY: fuzz
fuzz: $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
	    name=$$(basename $$t); mkdir -p $(BUILD)/fuzz/corpus/$$name fuzz/corpus/$$name; \
	    echo "== $$name ($(FUZZ_SECONDS) s)"; \
	    $$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/ \
	        $(BUILD)/fuzz/corpus/$$name fuzz/corpus/$$name > $(BUILD)/fuzz/$$name.log 2>&1; \
	    rc=$$?; tail -6 $(BUILD)/fuzz/$$name.log; \
	    [ $$rc = 0 ] || { echo "fuzz: $$name failed, see $(BUILD)/fuzz/$$name.log" >&2; exit 1; }; \
	done; echo "fuzz: every target ran clean"

-include $(shell find $(BUILD)/fuzz/obj -name '*.d' 2>/dev/null)

# ---- make run, make install (added with the listener and the session) ----
# The library rules come first in this file, so without this a bare `make`
# would build only libcommon.a.
.DEFAULT_GOAL := all

# run: installs what is missing (make deps), builds, and serves a demo
# maildrop on 127.0.0.1:$(RUN_PORT) (STLS) and 127.0.0.1:$(RUN_TLS_PORT)
# (POP3S) in the foreground (etc/make-run.sh).
RUN_PORT := 1110
RUN_TLS_PORT := 1995
run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@etc/make-run.sh $(BUILD)/bin run $(RUN_PORT) $(RUN_TLS_PORT)

# install: the daemons to $(PREFIX)/sbin (pop3d-session finds pop3d-auth
# next to itself), the sample configuration to /etc/pop3d unless one is
# there, then the system users and the chroot (etc/postinst.sh).
PREFIX ?= /usr/local
SBINDIR := $(DESTDIR)$(PREFIX)/sbin
.PHONY: install
install: all
	install -d -m 0755 $(SBINDIR)
	install -m 0755 $(PROGRAMS) $(SBINDIR)/
	install -d -m 0755 $(DESTDIR)/etc/pop3d
	if [ ! -e $(DESTDIR)/etc/pop3d/pop3d.conf ]; then \
	    install -m 0644 etc/pop3d.conf $(DESTDIR)/etc/pop3d/pop3d.conf; fi
	if [ -z "$(DESTDIR)" ]; then sh etc/postinst.sh; fi

# ---- bench (issue 6): the load generator and the side-by-side benchmark ----
# `make bench` installs Dovecot and popa3d if missing, builds pop3d and the
# load generator, and runs bench/run.sh (root; loopback ports 12000-12999).
BENCH_OBJS := $(call objs,$(call srcs,bench))
BENCH_LOADGEN := $(BUILD)/bench/loadgen

$(BENCH_LOADGEN): $(BENCH_OBJS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ -pthread

.PHONY: bench bench-loadgen
bench-loadgen: $(BENCH_LOADGEN)
# A pop3d that does not build is reported "not available", not a stopped bench.
bench: deps
	@$(MAKE) --no-print-directory $(BENCH_LOADGEN)
	@$(MAKE) --no-print-directory all || echo "bench: pop3d did not build" >&2
	bench/run.sh
