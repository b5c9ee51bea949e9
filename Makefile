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
# (`make bench`, M1); its relocated pages were also private to every session (M6).
PROGRAM_LDFLAGS := -static-libstdc++ -static-libgcc
$(BUILD)/bin/%:
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) $(PROGRAM_LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

$(BUILD)/tests/unit: $(UNIT_OBJS) $(SUPPORT_OBJS) $(ALL_LIBS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(GTEST_LIBS) -lgtest_main $(LDLIBS)

# The flood test weighs the server's process tree with the benchmark's reader.
$(BUILD)/tests/e2e: $(E2E_OBJS) $(SUPPORT_OBJS) $(BUILD)/obj/bench/process_tree.o $(ALL_LIBS)
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

# test-asan: the whole suite (unit and end-to-end) built with clang's
# AddressSanitizer and UndefinedBehaviorSanitizer in $(ASAN_BUILD), programs
# included (the end-to-end tests start the programs beside their own
# binary). clang, because its runtime is one library: GCC's UBSan runtime is
# apart from ASan's and loses a report handed a descriptor (the front and
# pop3d-auth must, common/sanitizer_report.h). Any report ends the process
# with an error; the programs' reports go to files in $(ASAN_REPORTS)
# (common/sanitizer_defaults.cpp), and one that is not empty fails the run
# even where the test that started the program passed.
ASAN_BUILD := build-asan
ASAN_CXX := clang++
ASAN_REPORTS := $(ASAN_BUILD)/sanitizer-reports
ifeq ($(SANITIZE),1)
CPPFLAGS := $(filter-out -D_FORTIFY_SOURCE=2,$(CPPFLAGS))
CPPFLAGS += -DPOP3D_SANITIZED
# No vptr check: it probes an object's memory by writing it into a new pipe,
# which the front's filter and descriptor limit refuse (killed, or a false
# report).
CXXFLAGS += -O1 -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# --no-as-needed: the runtime defines crypt_r (an interceptor), so the link
# would drop libcrypt as unneeded and the interceptor would call a null crypt_r.
LDFLAGS += -fsanitize=address,undefined -fno-sanitize=vptr -Wl,--no-as-needed
# The programs' sanitizer options, as an object: from libcommon.a the
# runtime's weak defaults would win.
$(PROGRAMS): $(BUILD)/obj/common/sanitizer_defaults.o
$(BUILD)/obj/common/sanitizer_%.o: CPPFLAGS += -DPOP3D_SANITIZER_REPORT_DIR='"$(abspath $(BUILD))/sanitizer-reports"'
endif
# symbolize=0 and color=never: a report under a seccomp filter can neither
# start llvm-symbolizer nor ask isatty (tests/common/sanitizer_report_test.cpp
# writes one); frames name binary+offset, and tests/sanitizer-reports runs
# asan_symbolize over them. No detect_leaks here: the test binaries check
# leaks by default, and inetd, socat and pop3d pass this environment on to
# the programs, whose LeakSanitizer must stay off (common/sanitizer_defaults.cpp;
# under the session's filter its scan hangs the session).
ASAN_TEST_OPTIONS := ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:symbolize=0:color=never \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:symbolize=0:color=never
.PHONY: test-asan
test-asan:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) SANITIZE=1 CXX="$(ASAN_CXX)" -j$(JOBS) \
	    $(patsubst $(BUILD)/%,$(ASAN_BUILD)/%,$(PROGRAMS) $(TEST_BINS))
	@rm -rf $(ASAN_REPORTS) && mkdir -m 1777 $(ASAN_REPORTS) && chmod 1777 $(ASAN_REPORTS)
	@rc=0; $(ASAN_TEST_OPTIONS) tests/run-suites $(patsubst $(BUILD)/%,$(ASAN_BUILD)/%,$(TEST_BINS)) || rc=1; \
	    tests/sanitizer-reports $(ASAN_REPORTS) || rc=1; exit $$rc

# crash-harness: the UPDATE crash harness in full (every kill point, more
# seeds and samples; minutes); `make test` runs a sample of it.
.PHONY: crash-harness
crash-harness: $(BUILD)/tests/unit
	POP3D_CRASH_FULL=1 $(BUILD)/tests/unit --gtest_filter='MboxCrashHarness.*'

# Debian packages the build and the tests need (clang, its sanitizer runtime
# and llvm, whose llvm-symbolizer asan_symbolize runs: test-asan and fuzz).
DEB_PACKAGES := g++ make pkg-config libsodium-dev libcap-dev libinih-dev libgtest-dev \
	libssl-dev libcrypt-dev liblockfile-dev liblockfile-bin libseccomp-dev openssl \
	python3 curl fetchmail mpop getmail6 socat openbsd-inetd procmail groff-base \
	haproxy fail2ban debhelper dpkg-dev fakeroot lintian systemd man-db \
	clang libclang-rt-14-dev llvm
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
	rm -rf $(BUILD) $(ASAN_BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------------------
# fuzz: libFuzzer targets (fuzz/*_fuzz.cpp), built with clang++ and ASan/UBSan,
# each run for FUZZ_SECONDS from its seed corpus fuzz/corpus/NAME/ (new inputs
# go to build/fuzz/corpus/NAME, the seeds stay as committed). Not part of
# `make test`. Targets link the common sources, the frames between the
# session's front and monitor (sessiond/), and the test support.
FUZZ_CXX := clang++
FUZZ_SECONDS ?= 30
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CXXFLAGS := -std=c++20 -g -O1 -Wall -Wextra -Werror $(FUZZ_SANITIZE)
# No _FORTIFY_SOURCE: its checked copies of memcpy and the like would run
# instead of ASan's, which check more.
FUZZ_CPPFLAGS := $(filter-out -D_FORTIFY_SOURCE=2,$(CPPFLAGS))
FUZZ_LIB_SRCS := $(call srcs,common) sessiond/front_frames.cpp tests/support/memory_maildrop.cpp
FUZZ_LIB_OBJS := $(patsubst %.cpp,$(BUILD)/fuzz/obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_TARGETS := $(patsubst fuzz/%.cpp,$(BUILD)/fuzz/%,$(wildcard fuzz/*_fuzz.cpp))

$(BUILD)/fuzz/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CPPFLAGS) $(FUZZ_CXXFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

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
# next to itself), the man pages, the README and the example files (POP3
# and POP3S for systemd, inetd and xinetd, fail2ban's; their /usr/local/
# paths made $(PREFIX)/); the sample configuration to /etc/pop3d unless
# one is there; then (without DESTDIR) the system users and the chroot
# (etc/postinst.sh).
# uninstall removes exactly the files of INSTALLED_FILES and leaves the
# configuration, /var/lib/pop3d and the mail alone.
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
SBINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
DOCDIR = $(PREFIX)/share/doc/pop3d
MAN8 := man/pop3d.8 man/pop3d-session.8 man/pop3d-auth.8 man/pop3d-passwd.8
MAN5 := man/pop3d.conf.5
EXAMPLES := etc/pop3d.conf etc/inetd.conf etc/xinetd.d/pop3d etc/xinetd.d/pop3s etc/systemd/pop3d.service \
	etc/systemd/pop3d.socket etc/systemd/pop3d@.service etc/systemd/pop3d-tls.socket \
	etc/systemd/pop3d-tls@.service etc/fail2ban/filter.d/pop3d.conf \
	etc/fail2ban/jail.d/pop3d.conf
INSTALLED_FILES = $(patsubst $(BUILD)/bin/%,$(SBINDIR)/%,$(PROGRAMS)) \
	$(patsubst man/%,$(MANDIR)/man8/%,$(MAN8)) $(patsubst man/%,$(MANDIR)/man5/%,$(MAN5)) \
	$(DOCDIR)/README.md $(foreach f,$(EXAMPLES),$(DOCDIR)/examples/$(subst /,-,$(patsubst etc/%,%,$(f))))
.PHONY: install uninstall
install: all
	install -d -m 0755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DOCDIR)/examples
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	for f in $(EXAMPLES); do \
	    n=$$(echo $${f#etc/} | tr / -); sed 's|/usr/local/|$(PREFIX)/|g' $$f > $(DESTDIR)$(DOCDIR)/examples/$$n && \
	    chmod 0644 $(DESTDIR)$(DOCDIR)/examples/$$n || exit 1; done
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/pop3d
	if [ ! -e $(DESTDIR)$(SYSCONFDIR)/pop3d/pop3d.conf ]; then \
	    install -m 0644 etc/pop3d.conf $(DESTDIR)$(SYSCONFDIR)/pop3d/pop3d.conf; fi
	if [ -z "$(DESTDIR)" ]; then sh etc/postinst.sh; fi

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED_FILES))
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null

# ---- bench: the load generator and the side-by-side benchmark ----
# `make bench` installs Dovecot and popa3d if missing, builds pop3d and the
# load generator, and runs bench/run.sh (root; loopback ports 12000-12999).
BENCH_OBJS := $(call objs,$(call srcs,bench))
BENCH_LOADGEN := $(BUILD)/bench/loadgen

$(BENCH_LOADGEN): $(BENCH_OBJS)
	@mkdir -p $(@D)
	$(CXX) $(LDFLAGS) -o $@ $^ -pthread -lssl -lcrypto

.PHONY: bench bench-loadgen
bench-loadgen: $(BENCH_LOADGEN)
# A pop3d that does not build is reported "not available", not a stopped bench.
bench: deps
	@$(MAKE) --no-print-directory $(BENCH_LOADGEN)
	@$(MAKE) --no-print-directory all || echo "bench: pop3d did not build" >&2
	bench/run.sh

# ---- deb (issue 13): the Debian package, and its test ----
# `make deb` builds $(BUILD)/pop3d_VERSION_ARCH.deb with dpkg-buildpackage
# (debian/) in a copy of the tree under $(BUILD)/deb, so that the package
# build never touches this tree's build/. ccache makes a rebuild cheap.
# `make test-deb` (root) builds it, runs lintian, installs it with dpkg -i,
# checks `pop3d -t` and a login against the installed programs on a
# loopback port, and removes it (the configuration stays): a few minutes,
# so not part of `make test`; .ci/run calls it after.
DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE = $(BUILD)/pop3d_$(DEB_VERSION)_$(DEB_ARCH).deb
.PHONY: deb test-deb
deb:
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/pop3d-$(DEB_VERSION)
	tar -cf - --exclude=./build --exclude=./.git --exclude=./run --exclude=./build-deb . | \
	    tar -xf - -C $(BUILD)/deb/pop3d-$(DEB_VERSION)
	cd $(BUILD)/deb/pop3d-$(DEB_VERSION) && DEB_BUILD_OPTIONS="parallel=$(JOBS) nocheck" \
	    dpkg-buildpackage -b -us -uc --no-sign > ../build.log 2>&1 || { tail -40 ../build.log; exit 1; }
	cp $(BUILD)/deb/pop3d_$(DEB_VERSION)_$(DEB_ARCH).deb $(DEB_FILE)
	@echo "deb: $(DEB_FILE)"

test-deb:
	@$(MAKE) --no-print-directory deps
	@tests/package/run $(MAKE) $(BUILD)
