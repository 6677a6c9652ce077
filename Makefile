# Hindsight - one Makefile for the whole tree.
#
#   make          build build/bin/hindsight and its Valgrind tool
#   make test     unit tests (cmocka; also under ASan+UBSan) + end-to-end
#                 tests, prints "N passed, N failed"
#   make check    the fast tier: check-deps and the unit tests that need no
#                 Valgrind (seconds)
#   make demo     install what is missing, build, record the bundled example
#   make bench    benchmarks; appends figures to bench/RESULTS.md
#   make stress   long stress runs (not part of make test)
#   make check-deps  every #include and the link order against MODULE_DEPS,
#                 and no function over 150 lines
#   make scan     clang's static analyser over the whole build (scan-build,
#                 Debian's clang-tools); fails on any finding
#
# Module dependencies: MODULE_DEPS below is the rule, and
# `make check-deps` (scripts/check-deps.sh, run by make test) checks every
# #include and the link order against it.

CC      ?= cc
B       := build
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wno-format-truncation
# banned.h: no atoi, sprintf, strcpy, strcat, gets in any of our C files
# (the recorder, a Valgrind tool without libc, has its own flags below)
CPPFLAGS := -Iinclude -D_GNU_SOURCE -MMD -MP -include hindsight/banned.h
VEX_INC := /usr/include/valgrind
VG_LIBDIR := /usr/lib/x86_64-linux-gnu/valgrind
VG_EXEC := /usr/libexec/valgrind

PKG_LIBS := libzstd libxxhash json-c
LDLIBS  := $(shell pkg-config --libs $(PKG_LIBS) 2>/dev/null || echo -lzstd -lxxhash -ljson-c)
CPPFLAGS += -I/usr/include/capstone -I/usr/include/fuse3

all: $(B)/bin/hindsight tool

# ---- libraries: one per module folder ----------------------------------------
# build/lib/libhs<name>.a from the .c files of each folder.
LIBS := trace:builder/trace dbfile:fs/dbfile query:fs/query source:fs/source \
	db:builder/db tree:fs/tree fuse:fs/fuse server:server gdb:server/gdb
lib_name = $(word 1,$(subst :, ,$(1)))
lib_dir = $(word 2,$(subst :, ,$(1)))
define lib_rule
$(B)/lib/libhs$(call lib_name,$(1)).a: $(patsubst %.c,$(B)/obj/%.o,$(wildcard $(call lib_dir,$(1))/*.c))
	@mkdir -p $$(@D)
	rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach l,$(LIBS),$(eval $(call lib_rule,$(l))))
# link order: users before what they use; a module folder with no .c file
# yet is left out
LINK_ORDER := gdb server fuse tree db source query dbfile trace

# The allowed dependencies, "module:what it may use" (a module uses another
# by including its public header; the common layer, le.h util.h banned.h,
# and the format specs, trace_format.h db_format.h syscall_args.h, are for
# every module).  builder/cli is the one top; builder/recorder, a static
# Valgrind tool, uses only the format specs and le.h.
#   builder/trace  reads recordings            fs/dbfile  block files
#   fs/source      debug info (libdw); its calls take struct hs_trace_regs
#   fs/query       reads TRACE/db              builder/db writes TRACE/db
#   fs/tree        paths -> bytes              fs/fuse    the FUSE daemon
#   server         HTTP API, web UI            server/gdb gdb's protocol
# server -> fs/query: queries on the images fs/tree hands out
# (hs_tree_image_at: disassembly memory, /api/origin); -> builder/db:
# serve builds a missing database (srv_build.c); -> fs/source: the types
# of an evaluation's answer (hs_tree_eval).  server/gdb -> fs/source: the
# walk of glibc's TLS structures (hindsight/tls.h) for qGetTLSAddr.
MODULE_DEPS := builder/trace: fs/dbfile: builder/recorder: \
	fs/source:builder/trace \
	fs/query:fs/dbfile,builder/trace \
	builder/db:fs/dbfile,builder/trace,fs/source \
	fs/tree:fs/query,fs/source,builder/trace \
	fs/fuse:fs/tree \
	server:fs/tree,fs/source,fs/query,builder/db \
	server/gdb:fs/query,fs/source,builder/trace \
	builder/cli:*
lib_has_src = $(wildcard $(call lib_dir,$(filter $(1):%,$(LIBS)))/*.c)
HS_LIBS := $(foreach n,$(LINK_ORDER),$(if $(call lib_has_src,$(n)),$(B)/lib/libhs$(n).a))
EXT_LIBS := $(VG_LIBDIR)/libvex-amd64-linux.a $(LDLIBS) -lcapstone -lfuse3 \
	-lmicrohttpd -lseccomp -ldw -lelf -lstdc++ -lpthread

# ---- the web UI, embedded into the server (scripts/embed-assets.sh) ---------
# The committed bundle server/ui/dist becomes a C file, so make needs no npm.
UI_DIST := $(wildcard server/ui/dist) $(shell find server/ui/dist -type f 2>/dev/null)
$(B)/gen/srv_assets_data.c: scripts/embed-assets.sh $(UI_DIST)
	sh scripts/embed-assets.sh server/ui/dist $@
$(B)/obj/gen/srv_assets_data.o: $(B)/gen/srv_assets_data.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Iserver $(CFLAGS) -c -o $@ $<
$(B)/lib/libhsserver.a: $(B)/obj/gen/srv_assets_data.o

# ---- what `hindsight bom` knows of the build (scripts/gen-bom-data.sh) -----
# The version: a tag if there is one, else the code's version and the commit.
HS_VERSION := $(shell git describe --tags --dirty 2>/dev/null || \
	echo 0.1.0-g$$(git describe --always --dirty 2>/dev/null || echo unknown))
BOM_STATIC := $(VG_LIBDIR)/libvex-amd64-linux.a:both \
	$(VG_LIBDIR)/libcoregrind-amd64-linux.a:recorder \
	$(VG_LIBDIR)/libgcc-sup-amd64-linux.a:recorder \
	/usr/lib/x86_64-linux-gnu/libzstd.a:recorder
# runs every time, rewrites the file only when it changes
$(B)/gen/cli_bom_data.c: FORCE
	sh scripts/gen-bom-data.sh $@ server/ui/package-lock.json '$(HS_VERSION)' $(BOM_STATIC)
$(B)/obj/gen/cli_bom_data.o: $(B)/gen/cli_bom_data.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Ibuilder/cli $(CFLAGS) -c -o $@ $<

# ---- the CLI ----------------------------------------------------------------
CLI_SRC := $(wildcard builder/cli/*.c)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/obj/%.o) $(B)/obj/gen/cli_bom_data.o
$(B)/bin/hindsight: $(CLI_OBJ) $(HS_LIBS)
	@mkdir -p $(@D)
	$(CC) -no-pie $(CFLAGS) -o $@ $(CLI_OBJ) $(HS_LIBS) $(EXT_LIBS)

# Valgrind's headers: only builder/trace (and the recorder) see them
$(B)/obj/builder/trace/%.o: CPPFLAGS += -I$(VEX_INC)
$(B)/obj/%.o: %.c include/hindsight/banned.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

# ---- the recorder: a static Valgrind tool -----------------------------------
# Valgrind tools have no libc and no TLS: see README.md, "How it works", and
# builder/recorder/rec_internal.h.
TOOL_NAME := hindsight
TOOL_DIR  := $(B)/lib/hindsight/valgrind
TOOL_BIN  := $(TOOL_DIR)/$(TOOL_NAME)-amd64-linux
TOOL_SRC  := $(wildcard builder/recorder/*.c)
TOOL_OBJ  := $(TOOL_SRC:%.c=$(B)/obj-tool/%.o)
TOOL_CFLAGS := -O2 -g -fno-stack-protector -fno-pie -fno-builtin -fno-strict-aliasing \
	-DVGA_amd64=1 -DVGO_linux=1 -DVGP_amd64_linux=1 -DVGPV_amd64_linux_vanilla=1 \
	-Iinclude -I$(VEX_INC) -Wall -Wno-unused-parameter -MMD -MP
TOOL_LDFLAGS := -static -nodefaultlibs -nostartfiles -u _start -Wl,-Ttext-segment=0x58000000 -Wl,--build-id=none \
	-Wl,--wrap=vgPlain_gdbserver_report_signal -Wl,--wrap=vgPlain_do_syscall \
	-Wl,--wrap=vgModuleLocal_read_debuginfo_dwarf3

$(B)/obj-tool/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -c -o $@ $<

$(TOOL_BIN): $(TOOL_OBJ)
	@mkdir -p $(@D)
	$(CC) -o $@ $(TOOL_LDFLAGS) $^ \
		$(VG_LIBDIR)/libcoregrind-amd64-linux.a $(VG_LIBDIR)/libvex-amd64-linux.a \
		/usr/lib/x86_64-linux-gnu/libzstd.a \
		$(VG_LIBDIR)/libgcc-sup-amd64-linux.a -lgcc

# VALGRIND_LIB must hold the core's files and our tool side by side.
$(TOOL_DIR)/.linked:
	@mkdir -p $(TOOL_DIR)
	for f in $(VG_EXEC)/*; do ln -sf $$f $(TOOL_DIR)/; done
	@touch $@

tool: $(TOOL_BIN) $(TOOL_DIR)/.linked

# ---- install ----------------------------------------------------------------
# PREFIX/bin/hindsight finds its recorder in ../lib/hindsight/valgrind
# (cli_tool_dir), where, as in build/, links to Valgrind's own files sit
# beside the tool (VALGRIND_LIB must hold both).  uninstall removes exactly
# those files, the links that point into $(VG_EXEC), and the folders that
# are only ours; bin/ and share/man/man1/ stay.
PREFIX  ?= /usr/local
DESTDIR ?=
I_BIN   := $(DESTDIR)$(PREFIX)/bin
I_LIB   := $(DESTDIR)$(PREFIX)/lib/hindsight
I_TOOL  := $(I_LIB)/valgrind
I_MAN   := $(DESTDIR)$(PREFIX)/share/man/man1
I_DOC   := $(DESTDIR)$(PREFIX)/share/doc/hindsight
I_SLURM := $(DESTDIR)$(PREFIX)/share/hindsight/slurm

install: all
	install -d '$(I_BIN)' '$(I_TOOL)' '$(I_MAN)' '$(I_DOC)'
	install -m 755 $(B)/bin/hindsight '$(I_BIN)/hindsight'
	install -m 755 $(TOOL_BIN) '$(I_TOOL)/$(TOOL_NAME)-amd64-linux'
	for f in $(VG_EXEC)/*; do ln -sfn "$$f" '$(I_TOOL)/'; done
	install -m 644 man/hindsight.1 '$(I_MAN)/hindsight.1'
	install -m 644 README.md '$(I_DOC)/README.md'
	install -d '$(I_SLURM)'
	install -m 755 scripts/slurm/build.sbatch scripts/slurm/merge.sbatch '$(I_SLURM)/'

uninstall:
	rm -f '$(I_BIN)/hindsight' '$(I_TOOL)/$(TOOL_NAME)-amd64-linux' \
		'$(I_MAN)/hindsight.1' '$(I_DOC)/README.md' \
		'$(I_SLURM)/build.sbatch' '$(I_SLURM)/merge.sbatch'
	if [ -d '$(I_TOOL)' ]; then \
		find '$(I_TOOL)' -maxdepth 1 -type l -lname '$(VG_EXEC)/*' -delete; fi
	for d in '$(I_TOOL)' '$(I_LIB)' '$(I_DOC)' '$(I_SLURM)' '$(DESTDIR)$(PREFIX)/share/hindsight'; do \
		if [ -d "$$d" ]; then rmdir "$$d"; fi; done

# ---- the offline bundle (scripts/dist.sh) ----------------------------------
# build/hindsight-VERSION-amd64.tar.gz: the install tree, the .deb files of
# the runtime packages a minimal Debian 12 lacks, and install.sh.
DIST_NAME := hindsight-$(HS_VERSION)-amd64
DIST_STAGE := $(B)/dist/$(DIST_NAME)
dist: all
	rm -rf $(B)/dist
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DIST_STAGE))/root PREFIX=/usr/local
	sh scripts/dist.sh $(DIST_STAGE) $(B)/$(DIST_NAME).tar.gz

# ---- tests ------------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
$(B)/tests/%: tests/unit/%.c $(HS_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -I$(VEX_INC) $(CFLAGS) $(WARN) -no-pie -o $@ $< $(UNIT_OBJS) $(HS_LIBS) \
		$(EXT_LIBS) -lcmocka
# the CLI is no library: its SHA-256 (hindsight/sha256.h) is linked in as an object
$(B)/tests/test_cli_sha256: UNIT_OBJS := $(B)/obj/builder/cli/cli_sha256.o
$(B)/tests/test_cli_sha256: $(B)/obj/builder/cli/cli_sha256.o

PROG_SRC := $(wildcard tests/programs/*.c)
PROG_BIN := $(PROG_SRC:tests/programs/%.c=$(B)/programs/%)
$(B)/programs/%: tests/programs/%.c
	@mkdir -p $(@D)
	$(CC) -g -O0 -fno-omit-frame-pointer -o $@ $< -pthread
# *_o2.c: the optimised test program of the source-level oracle tests
$(B)/programs/%_o2: tests/programs/%_o2.c
	@mkdir -p $(@D)
	$(CC) -g -O2 -o $@ $< -pthread

# C++ test programs: *.cc at -O0, *_o2.cc at -O2 (same flags as the C ones)
PROG_CXX_SRC := $(wildcard tests/programs/*.cc)
PROG_BIN += $(PROG_CXX_SRC:tests/programs/%.cc=$(B)/programs/%)
$(B)/programs/%: tests/programs/%.cc
	@mkdir -p $(@D)
	$(CXX) -g -O0 -fno-omit-frame-pointer -o $@ $< -pthread
$(B)/programs/%_o2: tests/programs/%_o2.cc
	@mkdir -p $(@D)
	$(CXX) -g -O2 -o $@ $< -pthread
# no libc: an instruction count known by hand (rec_icount_matches_lackey)
$(B)/programs/rec_spec_arm: tests/programs/rec_spec_arm.c
	@mkdir -p $(@D)
	$(CC) -g -nostdlib -static -o $@ $<
# an _o2 program that includes its -O0 source
$(B)/programs/u16_std_o2: tests/programs/u16_std.cc
$(B)/programs/val_tls_o2: tests/programs/val_tls.c
# its helper is assembly (rows of a file that only gdb's step stops in)
$(B)/programs/ln_steps: tests/programs/ln_steps.c tests/programs/ln_steps_asm.s
	@mkdir -p $(@D)
	$(CC) -g -O0 -o $@ $^

# The unit tests again, built with AddressSanitizer and UBSan (leaks
# included) in $(B)/san: tests/run.sh runs them as san_test_*.
SAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
SAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/san/tests/%)
san-units:
	$(MAKE) B=$(B)/san CFLAGS="$(SAN_CFLAGS)" $(SAN_UNIT_BIN)

test: all $(UNIT_BIN) $(PROG_BIN) san-units check-deps
	@sh tests/run.sh

# The fast tier: check-deps and the unit tests that record nothing (no
# Valgrind, no test program), about 15 s.  The unit tests that record
# (test_dbbuild, test_origin, test_query, test_source, test_tree) and the
# end-to-end tests run in make test only.
CHECK_UNITS := test_cli_sha256 test_dbfile test_gdb test_lines test_sigfmt test_sysfmt test_tls \
	test_trace
check: check-deps $(CHECK_UNITS:%=$(B)/tests/%)
	@mkdir -p $(B)/test-logs
	@for t in $(CHECK_UNITS); do \
		if $(B)/tests/$$t >$(B)/test-logs/$$t.log 2>&1; then echo "PASS  $$t"; \
		else echo "FAIL  $$t (see $(B)/test-logs/$$t.log)"; exit 1; fi; done

check-deps:
	@MODULE_DEPS='$(MODULE_DEPS)' LINK_ORDER='$(LINK_ORDER)' LIBS='$(LIBS)' \
		sh scripts/check-deps.sh
	@sh scripts/check-long-functions.sh

demo:
	sh scripts/install-deps.sh
	$(MAKE) all $(PROG_BIN)
	sh scripts/demo.sh

bench: all $(PROG_BIN)
	sh scripts/bench.sh

stress: all $(PROG_BIN)
	sh scripts/stress.sh
	sh scripts/stress_faults.sh

# A fresh build in $(B)/scan, so that every file is analysed; the reports
# go to $(B)/scan-reports.  A false positive is annotated where it is, with
# HS_ANALYZER_ASSUME (include/hindsight/util.h) and a comment saying why.
scan:
	rm -rf $(B)/scan
	scan-build -o $(B)/scan-reports --status-bugs $(MAKE) --no-print-directory B=$(B)/scan all

clean:
	rm -rf $(B)

.PHONY: all tool test check san-units check-deps demo bench stress scan clean install uninstall dist FORCE
FORCE:
# (build/bom-validator holds npm's node_modules, whose names may end in .d)
-include $(shell find $(B) -path $(B)/bom-validator -prune -o -name '*.d' -type f -print 2>/dev/null)
