# usbnet-wizard — plain Makefile, every library through pkg-config.
#
#   make            build ./usbnet-wizard (debug info, -Werror)
#   make deps       install missing Debian packages (apt-get), no-op when present
#   make check      deps + sanitizer build + unit tests + testbed tests + valgrind
#   make demo       deps + build + run the wizard against a simulated phone
#                   (DEMO_ARGS="--nm --firewalld": with the real desktop daemons)
#   make bench      benchmarks in bench/ (ratios against the shell recipe)
#   make SAN=1      build with ASan+UBSan into build-san/
#   make CC=clang   build with clang
#   make install    install under PREFIX (default /usr/local; DESTDIR for staging)
#   make uninstall  remove exactly what install put there

CC      ?= cc
PKG     ?= pkg-config
LIBS_CORE := libnl-3.0 libnl-route-3.0 libip4tc libnftables libssh zlib libsystemd
LIBS_TUI  := ncursesw menuw formw panelw
# Start-up pays only for what a command uses (README, "Start-up"): libssh
# (with libcrypto, GSSAPI, Kerberos) is not linked but loaded by
# core/phone-ssh.c on first use, under the SONAME pkg-config's libssh has;
# libsystemd (sd-bus, with libgcrypt, libcap, liblzma, libzstd, liblz4) is
# likewise loaded by core/dbus-sd.c, and only when a system bus socket exists;
# libnftables (with libnftnl, libmnl, libxtables, libjansson, libgmp) by
# core/fw-nft.c only when nftables holds something to read or change, and
# libip4tc by core/fw-iptc.c only when legacy iptables does (core/dynlib.h);
# the curses libraries are linked statically (their archives, via
# pkg-config --static), so no command relocates them at start-up.
LIBS_DLOPEN := libssh libsystemd libnftables libip4tc
LIBS_LINK := $(filter-out $(LIBS_DLOPEN),$(LIBS_CORE))
soname_of = $(shell objdump -p $$($(PKG) --variable=libdir $(1) 2>/dev/null)/$(1).so 2>/dev/null | sed -n 's/^ *SONAME *//p')
SSH_SONAME := $(call soname_of,libssh)
SYSTEMD_SONAME := $(call soname_of,libsystemd)
NFTABLES_SONAME := $(call soname_of,libnftables)
IP4TC_SONAME := $(call soname_of,libip4tc)

ifeq ($(SAN),1)
B        := build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else
B        := build
SANFLAGS :=
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter
CFLAGS   ?= -O1 -g
CFLAGS   += -std=gnu11 $(WARN) $(SANFLAGS) -I. -D_GNU_SOURCE
CORE_CFLAGS := $(shell $(PKG) --cflags $(LIBS_CORE) 2>/dev/null) \
	$(if $(SSH_SONAME),-DUW_LIBSSH_SONAME='"$(SSH_SONAME)"') \
	$(if $(SYSTEMD_SONAME),-DUW_LIBSYSTEMD_SONAME='"$(SYSTEMD_SONAME)"') \
	$(if $(NFTABLES_SONAME),-DUW_LIBNFTABLES_SONAME='"$(NFTABLES_SONAME)"') \
	$(if $(IP4TC_SONAME),-DUW_LIBIP4TC_SONAME='"$(IP4TC_SONAME)"')
TUI_CFLAGS  := $(shell $(PKG) --cflags $(LIBS_TUI) 2>/dev/null)
# The libraries every command uses (libnl-3, libnl-route-3) and zlib are
# linked statically too, like curses (README, "Start-up"): no shared library
# but libc is mapped and relocated at start. LIBS_STATIC=0 links them as
# shared libraries: the Debian package does, for the same reason as curses.
LIBS_STATIC ?= 1
ifeq ($(LIBS_STATIC),1)
CORE_LIBS   := -Wl,-Bstatic $(filter-out -lpthread -ldl,$(shell $(PKG) --static --libs $(LIBS_LINK) 2>/dev/null)) \
	-Wl,-Bdynamic
else
CORE_LIBS   := $(shell $(PKG) --libs $(LIBS_LINK) 2>/dev/null)
endif
# CURSES_STATIC=0 links curses as shared libraries: the Debian package does,
# since Debian's policy (and lintian's embedded-library check) wants a
# library's security updates to reach every program that uses it.
CURSES_STATIC ?= 1
ifeq ($(CURSES_STATIC),1)
TUI_LIBS    := -Wl,-Bstatic $(filter-out -ldl,$(shell $(PKG) --static --libs $(LIBS_TUI) 2>/dev/null)) \
	-Wl,-Bdynamic
else
TUI_LIBS    := $(shell $(PKG) --libs $(LIBS_TUI) 2>/dev/null)
endif
CMOCKA_LIBS := $(shell $(PKG) --libs cmocka 2>/dev/null)
LDFLAGS  += $(SANFLAGS)

CORE_SRC    := $(sort $(wildcard core/*.c))
TUI_SRC     := $(sort $(wildcard tui/*.c))
SCREENS_SRC := $(sort $(wildcard screens/*.c))
CLI_SRC     := $(sort $(wildcard cli/*.c))
TEST_SRC    := $(sort $(wildcard tests/test-*.c))
TEST_BINS   := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC))

CORE_OBJ    := $(patsubst %.c,$(B)/%.o,$(CORE_SRC))
TUI_OBJ     := $(patsubst %.c,$(B)/%.o,$(TUI_SRC))
SCREENS_OBJ := $(patsubst %.c,$(B)/%.o,$(SCREENS_SRC))
CLI_OBJ     := $(patsubst %.c,$(B)/%.o,$(CLI_SRC))

BIN := usbnet-wizard

# ---- installation directories (GNU conventions; PREFIX or prefix) --------
PREFIX      ?= /usr/local
prefix      ?= $(PREFIX)
exec_prefix ?= $(prefix)
sbindir     ?= $(exec_prefix)/sbin
datarootdir ?= $(prefix)/share
datadir     ?= $(datarootdir)
mandir      ?= $(datarootdir)/man
man8dir     ?= $(mandir)/man8
docdir      ?= $(datarootdir)/doc/$(BIN)
INSTALL         ?= install
INSTALL_PROGRAM ?= $(INSTALL)
INSTALL_DATA    ?= $(INSTALL) -m 644
# systemd's and bash-completion's own directories when installing into /usr
# (what pkg-config says, else the Debian defaults); under any other prefix,
# the same layout below it.
ifeq ($(prefix),/usr)
systemdsystemunitdir ?= $(or $(shell $(PKG) --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
bashcompletiondir    ?= $(or $(shell $(PKG) --variable=completionsdir bash-completion 2>/dev/null),/usr/share/bash-completion/completions)
else
systemdsystemunitdir ?= $(prefix)/lib/systemd/system
bashcompletiondir    ?= $(datarootdir)/bash-completion/completions
endif
# The binary knows where it is installed (the watch unit that the wizard's
# "Follow the cable" writes runs it from there): core/version.h.
CFLAGS += -DUW_SBINDIR='"$(sbindir)"'

.PHONY: install uninstall all deps check check-unit check-sys check-valgrind demo bench clean layering san

ifeq ($(SAN),1)
all: $(B)/$(BIN) $(TEST_BINS)
else
all: $(BIN) $(TEST_BINS)
endif

# The front ends are compiled with UW_SBINDIR (core/version.h): rebuilt when
# sbindir changes (make prefix=/usr after a make with the default).
$(B)/sbindir.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(sbindir)' | cmp -s - $@ || echo '$(sbindir)' > $@
.PHONY: FORCE
FORCE:

ifneq ($(SAN),1)
$(BIN): $(B)/$(BIN)
	cp $< $@
endif

$(B)/$(BIN): $(CLI_OBJ) $(SCREENS_OBJ) $(TUI_OBJ) $(B)/libcore.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(SCREENS_OBJ) $(TUI_OBJ) $(B)/libcore.a $(CORE_LIBS) $(TUI_LIBS)

$(B)/libcore.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/core/%.o: core/%.c $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CORE_CFLAGS) -c -o $@ $<

# (the watch unit's binary path: core/persist-install.c uses UW_SBINDIR too)
$(B)/core/persist-install.o: $(B)/sbindir.stamp

$(B)/tui/%.o: tui/%.c $(wildcard tui/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TUI_CFLAGS) -c -o $@ $<

$(B)/screens/%.o: screens/%.c $(wildcard screens/*.h core/*.h tui/*.h) $(B)/sbindir.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(TUI_CFLAGS) $(CORE_CFLAGS) -c -o $@ $<

$(B)/cli/%.o: cli/%.c $(wildcard cli/*.h screens/wizard.h core/*.h) $(B)/sbindir.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CORE_CFLAGS) -c -o $@ $<

# Every tests/test-*.c is one cmocka program linked with the core library
# (and tui/ objects, which have no networking in them).
$(B)/tests/test-%: tests/test-%.c $(B)/libcore.a $(TUI_OBJ) $(wildcard tests/*.h tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CORE_CFLAGS) $(TUI_CFLAGS) -o $@ $< $(TUI_OBJ) $(B)/libcore.a \
		$(CORE_LIBS) $(TUI_LIBS) $(CMOCKA_LIBS) $(LDFLAGS)

san:
	$(MAKE) SAN=1 all

deps:
	@bash scripts/deps.sh

# The layers must not leak (docs/coding-style.md): core/ never includes curses,
# tui/ never includes netlink, iptc, nftables or ssh headers, and the two front
# ends (cli/, screens/) never include each other (cli/ starts the wizard only
# through screens/wizard.h, from cmd-wizard.c).
layering:
	@bash scripts/layering.sh

check: deps
	@bash scripts/tools.sh
	@$(MAKE) --no-print-directory layering
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory SAN=1 all
	@bash tests/run-all.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@bash tests/testbed/demo.sh $(DEMO_ARGS)

bench: deps
	@$(MAKE) --no-print-directory all
	@bash bench/run-all.sh

clean:
	rm -rf build build-san $(BIN)

# ---- install / uninstall ---------------------------------------------------
# What install puts where (uninstall removes exactly these):
DOCS := $(wildcard README.md docs/troubleshooting.md docs/json.md)
JSON_SCHEMAS := $(sort $(wildcard docs/json/*.schema.json))
INST_DIRS := $(sbindir) $(man8dir) $(systemdsystemunitdir) $(bashcompletiondir) $(docdir) \
	$(if $(JSON_SCHEMAS),$(docdir)/json) $(datadir)/$(BIN)
INST_FILES := $(sbindir)/$(BIN) $(man8dir)/$(BIN).8 $(systemdsystemunitdir)/$(BIN)-watch.service \
	$(bashcompletiondir)/$(BIN) $(addprefix $(docdir)/,$(notdir $(DOCS))) \
	$(addprefix $(docdir)/json/,$(notdir $(JSON_SCHEMAS)))
# The directories install had to create are listed in this file, so that
# uninstall removes those (when empty) and never one that was there before.
DIRS_LOG := $(datadir)/$(BIN)/installed-dirs

install: $(B)/$(BIN)
	@set -e; new=$$(LC_ALL=C mkdir -pv $(addprefix "$(DESTDIR),$(addsuffix ",$(INST_DIRS))) | \
		sed -n "s/^mkdir: created directory '\(.*\)'$$/\1/p"); \
	for d in $$new; do echo "$${d#"$(DESTDIR)"}"; done >> "$(DESTDIR)$(DIRS_LOG)"
	$(INSTALL_PROGRAM) -m 755 $(B)/$(BIN) "$(DESTDIR)$(sbindir)/$(BIN)"
	$(INSTALL_DATA) docs/$(BIN).8 "$(DESTDIR)$(man8dir)/$(BIN).8"
	sed 's|@sbindir@|$(sbindir)|g' docs/$(BIN)-watch.service.in > "$(DESTDIR)$(systemdsystemunitdir)/$(BIN)-watch.service"
	chmod 644 "$(DESTDIR)$(systemdsystemunitdir)/$(BIN)-watch.service"
	$(INSTALL_DATA) completion/$(BIN).bash "$(DESTDIR)$(bashcompletiondir)/$(BIN)"
	$(INSTALL_DATA) $(DOCS) "$(DESTDIR)$(docdir)/"
	$(if $(JSON_SCHEMAS),$(INSTALL_DATA) $(JSON_SCHEMAS) "$(DESTDIR)$(docdir)/json/")

uninstall:
	rm -f $(addprefix "$(DESTDIR),$(addsuffix ",$(INST_FILES)))
	@set -e; log="$(DESTDIR)$(DIRS_LOG)"; [ -f "$$log" ] || exit 0; \
	dirs=$$(tac "$$log"); rm -f "$$log"; \
	for d in $$dirs; do rmdir "$(DESTDIR)$$d" 2>/dev/null || true; done

# ---- fuzzing (issue 7): make fuzz [FUZZ_SECONDS=600] ----------------------
# Each tests/fuzz/fuzz-NAME.c is a libFuzzer target, built with clang against
# a copy of core/ instrumented for coverage (build-fuzz/), run for
# FUZZ_SECONDS from its seeds (tests/fuzz/corpus/NAME) and regression inputs
# (tests/fuzz/regress/NAME); new inputs go to build-fuzz/corpus/NAME, a crash
# to build-fuzz/crash-NAME-* (add it to tests/fuzz/regress/NAME/).
FUZZ_SECONDS ?= 600
FUZZ_CC      ?= clang
FUZZ_B       := build-fuzz
FUZZ_FLAGS   := -O1 -g -std=gnu11 -I. -D_GNU_SOURCE -fno-omit-frame-pointer \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz-%.c,%,$(sort $(wildcard tests/fuzz/fuzz-*.c)))
FUZZ_BINS    := $(patsubst %,$(FUZZ_B)/fuzz-%,$(FUZZ_NAMES))
FUZZ_CORE    := $(patsubst core/%.c,$(FUZZ_B)/core/%.o,$(CORE_SRC))

.PHONY: fuzz fuzz-build
$(FUZZ_B)/core/%.o: core/%.c $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(CORE_CFLAGS) -c -o $@ $<

$(FUZZ_B)/libcore.a: $(FUZZ_CORE)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_B)/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/targets.h $(FUZZ_B)/libcore.a
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $(CORE_CFLAGS) -o $@ $< $(FUZZ_B)/libcore.a $(CORE_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@set -e; for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_B)/corpus/$$n tests/fuzz/regress/$$n; \
		echo "== fuzz $$n for $(FUZZ_SECONDS) s =="; \
		if ! $(FUZZ_B)/fuzz-$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_B)/crash-$$n- \
			$(FUZZ_B)/corpus/$$n tests/fuzz/corpus/$$n tests/fuzz/regress/$$n \
			>$(FUZZ_B)/fuzz-$$n.log 2>&1; then \
			tail -40 $(FUZZ_B)/fuzz-$$n.log; echo "fuzz $$n: crash, log in $(FUZZ_B)/fuzz-$$n.log"; exit 1; \
		fi; \
		grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units)' $(FUZZ_B)/fuzz-$$n.log; \
	done; echo "fuzz: every target ran $(FUZZ_SECONDS) s without a crash"
