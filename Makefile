# usbnet-wizard — plain Makefile, every library through pkg-config.
#
#   make            build ./usbnet-wizard (debug info, -Werror)
#   make deps       install missing Debian packages (apt-get), no-op when present
#   make check      deps + sanitizer build + unit tests + testbed tests + valgrind
#   make demo       deps + build + run the wizard against a simulated phone
#   make bench      benchmarks in bench/ (ratios against the shell recipe)
#   make SAN=1      build with ASan+UBSan into build-san/
#   make CC=clang   build with clang

CC      ?= cc
PKG     ?= pkg-config
LIBS_CORE := libnl-3.0 libnl-route-3.0 libip4tc libnftables libssh
LIBS_TUI  := ncursesw menuw formw panelw

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
CORE_CFLAGS := $(shell $(PKG) --cflags $(LIBS_CORE) 2>/dev/null)
TUI_CFLAGS  := $(shell $(PKG) --cflags $(LIBS_TUI) 2>/dev/null)
CORE_LIBS   := $(shell $(PKG) --libs $(LIBS_CORE) 2>/dev/null)
TUI_LIBS    := $(shell $(PKG) --libs $(LIBS_TUI) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG) --libs cmocka 2>/dev/null)
LDFLAGS  += $(SANFLAGS)

CORE_SRC    := $(sort $(wildcard core/*.c))
TUI_SRC     := $(sort $(wildcard tui/*.c))
SCREENS_SRC := $(sort $(wildcard screens/*.c))
TEST_SRC    := $(sort $(wildcard tests/test-*.c))
TEST_BINS   := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRC))

CORE_OBJ    := $(patsubst %.c,$(B)/%.o,$(CORE_SRC))
TUI_OBJ     := $(patsubst %.c,$(B)/%.o,$(TUI_SRC))
SCREENS_OBJ := $(patsubst %.c,$(B)/%.o,$(SCREENS_SRC))

BIN := usbnet-wizard

.PHONY: all deps check check-unit check-sys check-valgrind demo bench clean layering san

ifeq ($(SAN),1)
all: $(B)/$(BIN) $(TEST_BINS)
else
all: $(BIN) $(TEST_BINS)
endif

ifneq ($(SAN),1)
$(BIN): $(B)/$(BIN)
	cp $< $@
endif

$(B)/$(BIN): $(SCREENS_OBJ) $(TUI_OBJ) $(B)/libcore.a
	$(CC) $(LDFLAGS) -o $@ $(SCREENS_OBJ) $(TUI_OBJ) $(B)/libcore.a $(CORE_LIBS) $(TUI_LIBS)

$(B)/libcore.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/core/%.o: core/%.c $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CORE_CFLAGS) -c -o $@ $<

$(B)/tui/%.o: tui/%.c $(wildcard tui/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TUI_CFLAGS) -c -o $@ $<

$(B)/screens/%.o: screens/%.c $(wildcard screens/*.h core/*.h tui/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TUI_CFLAGS) $(CORE_CFLAGS) -c -o $@ $<

# Every tests/test-*.c is one cmocka program linked with the core library
# (and tui/ objects, which have no networking in them).
$(B)/tests/test-%: tests/test-%.c $(B)/libcore.a $(TUI_OBJ) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CORE_CFLAGS) $(TUI_CFLAGS) -o $@ $< $(TUI_OBJ) $(B)/libcore.a \
		$(CORE_LIBS) $(TUI_LIBS) $(CMOCKA_LIBS) $(LDFLAGS)

san:
	$(MAKE) SAN=1 all

deps:
	@bash scripts/deps.sh

# The layers must not leak (docs/coding-style.md): core/ never includes curses,
# tui/ never includes netlink, iptc, nftables or ssh headers.
layering:
	@bash scripts/layering.sh

check: deps
	@$(MAKE) --no-print-directory layering
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory SAN=1 all
	@bash tests/run-all.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@bash tests/testbed/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bash bench/run-all.sh

clean:
	rm -rf build build-san $(BIN)
