# SPDX-License-Identifier: GPL-2.0
#
# Tessera top-level Makefile.
#
#   make                build $(O)/tessera.elf (configures with defconfig first)
#   make iso            GRUB rescue ISO with one menu entry per role
#   make run            train TensorFlow.js MNIST on a processor, a memory and a storage node
#   make run-python     the same with a numpy MLP
#   make cluster        boot the three nodes from GRUB ISOs in QEMU, consoles relayed
#   make test           host unit tests + in-kernel KTAP suites + scenarios
#   make defconfig | menuconfig | olddefconfig | savedefconfig
#   make host-tests     build the host unit tests only
#   make fuzz           libFuzzer harnesses, FUZZ_SECONDS (60) each
#   make clean          remove every build output (keeps $(O)/.config)
#   make distclean      remove $(O) and runs/
#   make help           targets and variables
#
# Out-of-tree: O=DIR puts every generated file under DIR (default: build).
# Sources are found per directory: every .c/.S in KERNEL_DIRS; files under a
# tests/ subdirectory only when CONFIG_KTEST=y.

O		?= build
DEFCONFIG	?= defconfig
V		?= 0

ifeq ($(V),1)
Q :=
else
Q := @
endif

PYTHON		:= /usr/bin/python3
CC		:= gcc
LD		:= ld
NM		:= nm
OBJCOPY		:= objcopy

KCONFIG_CONFIG	:= $(O)/.config
AUTOCONF	:= $(O)/include/generated/autoconf.h
export KCONFIG_CONFIG

KERNEL_DIRS	:= arch/x86/boot arch/x86/kernel arch/x86/mm kernel kernel/sched kernel/time \
		   kernel/locking mm lib drivers/tty drivers/pci drivers/net \
		   drivers/virtio net net/fit drivers/infiniband/core drivers/infiniband/sw/rxe \
		   drivers/infiniband/ulp/rdmatest drivers/infiniband/ulp/rping \
		   drivers/block managers/storage
KERNEL_DIRS	+= managers/processor managers/processor/pcache
# The processor's local mode runs the memory manager's address-space code.
KERNEL_DIRS	+= managers/memory

# ---------------------------------------------------------------------------
# Configuration

# Make remakes the configuration first (from configs/$(DEFCONFIG) when there
# is none) and restarts, so every CONFIG_ below is the real one.  Goals that
# need no configuration (or make it in a sub-make, after deps) skip that:
# `make help` and `make test` work on a machine without kconfiglib yet.
NO_CONFIG_GOALS	:= help clean distclean deps test run run-python
ifneq ($(MAKECMDGOALS),)
ifeq ($(filter-out $(NO_CONFIG_GOALS),$(MAKECMDGOALS)),)
SKIP_CONFIG	:= 1
endif
endif
ifndef SKIP_CONFIG
ifeq ($(wildcard $(KCONFIG_CONFIG)),)
ifneq ($(shell $(PYTHON) -c 'import kconfiglib' 2>/dev/null && echo ok),ok)
$(error Python kconfiglib is missing, needed to make $(KCONFIG_CONFIG); install it and the other host packages with: scripts/install-deps)
endif
endif
-include $(KCONFIG_CONFIG)
endif

# The configuration tools are Python kconfiglib's (Debian python3-kconfiglib):
# without it say how to get it, not "No module named defconfig".
KCONFIGLIB_CHECK = @$(PYTHON) -c 'import kconfiglib' 2>/dev/null || { \
	echo "error: Python kconfiglib is missing (needed to configure the kernel)." >&2; \
	echo "error: install it, with the other host packages, by running: scripts/install-deps" >&2; \
	exit 1; }

$(KCONFIG_CONFIG): Kconfig $(wildcard */Kconfig */Kconfig.* */*/*/Kconfig arch/x86/Kconfig) configs/$(DEFCONFIG)
	@mkdir -p $(O)
	$(KCONFIGLIB_CHECK)
	@if [ -f $@ ]; then \
		$(PYTHON) -m olddefconfig Kconfig >/dev/null; \
	else \
		$(PYTHON) -m defconfig --kconfig Kconfig configs/$(DEFCONFIG) >/dev/null; \
	fi
	@touch $@

$(AUTOCONF): $(KCONFIG_CONFIG)
	@mkdir -p $(dir $@)
	$(KCONFIGLIB_CHECK)
	$(Q)$(PYTHON) -m genconfig --header-path $@ Kconfig

.PHONY: defconfig %_defconfig menuconfig olddefconfig savedefconfig
defconfig:
	@mkdir -p $(O)
	$(KCONFIGLIB_CHECK)
	$(PYTHON) -m defconfig --kconfig Kconfig configs/defconfig
%_defconfig: configs/%_defconfig
	@mkdir -p $(O)
	$(KCONFIGLIB_CHECK)
	$(PYTHON) -m defconfig --kconfig Kconfig $<
menuconfig:
	@mkdir -p $(O)
	$(KCONFIGLIB_CHECK)
	$(PYTHON) -m menuconfig Kconfig
olddefconfig:
	@mkdir -p $(O)
	$(KCONFIGLIB_CHECK)
	$(PYTHON) -m olddefconfig Kconfig
savedefconfig:
	$(KCONFIGLIB_CHECK)
	$(PYTHON) -m savedefconfig --kconfig Kconfig --out $(O)/defconfig
	@echo "wrote $(O)/defconfig"

# ---------------------------------------------------------------------------
# Kernel

KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -nostdlib \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-pic -fno-pie \
	-fno-stack-protector -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	-fno-strict-aliasing -fno-asynchronous-unwind-tables -fcf-protection=none \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
	-Iinclude -Iarch/x86/include -I$(O)/include -include $(AUTOCONF) \
	-MMD -MP
KAFLAGS := -D__ASSEMBLER__ -Iinclude -Iarch/x86/include -I$(O)/include \
	-include $(AUTOCONF) -MMD -MP -g
KLDFLAGS := -nostdlib -z max-page-size=4096 -z noexecstack --no-warn-rwx-segments

ksrcs = $(wildcard $(1)/*.c $(1)/*.S)
# KERNEL_DIRS without repeats, first occurrence kept (several parts of the
# tree may ask for the same directory).
uniq = $(if $(1),$(firstword $(1)) $(call uniq,$(filter-out $(firstword $(1)),$(1))))
KDIRS := $(call uniq,$(KERNEL_DIRS))
KSRCS := $(foreach d,$(KDIRS),$(call ksrcs,$(d)))
ifeq ($(CONFIG_KTEST),y)
KSRCS += $(foreach d,$(KDIRS),$(call ksrcs,$(d)/tests))
endif
KOBJS := $(patsubst %,$(O)/%.o,$(basename $(KSRCS)))

# A directory's optional Kbuild file gates whole files on Kconfig options:
#   obj-$(CONFIG_CRASH_TEST) += crash_test.o
# Files named there are built only when their option is y.
KBUILD_EXCLUDE :=
define kbuild_gate
obj- :=
obj-n :=
obj-y :=
-include $(1)/Kbuild
KBUILD_EXCLUDE += $$(addprefix $(O)/$(1)/,$$(obj-) $$(obj-n))
endef
$(foreach d,$(KDIRS),$(eval $(call kbuild_gate,$(d))))
KOBJS := $(filter-out $(KBUILD_EXCLUDE),$(KOBJS))

LDS := $(O)/arch/x86/tessera.lds

$(O)/%.o: %.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(O)/%.o: %.S $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KAFLAGS) -c $< -o $@

$(LDS): arch/x86/tessera.lds.S arch/x86/include/asm/page.h $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c $(KAFLAGS) $< -o $@

# The vDSO (arch/x86/vdso): user code, built as a shared object with no
# relocations, its stripped image then embedded by vdso_image.S.
VDSO := $(O)/arch/x86/vdso/vdso.so
VDSO_CFLAGS := -std=gnu11 -O2 -g -fPIC -ffreestanding -fno-builtin -nostdlib \
	-fno-stack-protector -fcf-protection=none -fasynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wno-unused-parameter \
	-Iinclude -Iarch/x86/include -MMD -MP
VDSO_LDFLAGS := -shared -Wl,-soname=linux-vdso.so.1 -Wl,--hash-style=both \
	-Wl,--version-script=arch/x86/vdso/vdso.map -Wl,-T,arch/x86/vdso/vdso.lds \
	-Wl,--no-undefined -Wl,-z,max-page-size=4096 -Wl,--build-id=none \
	-Wl,-Bsymbolic -Wl,--eh-frame-hdr

$(VDSO): arch/x86/vdso/vclock.c arch/x86/vdso/vdso.lds arch/x86/vdso/vdso.map
	@mkdir -p $(dir $@)
	@echo "  VDSO    $@"
	$(Q)$(CC) $(VDSO_CFLAGS) -MF $@.d -MT $@ $(VDSO_LDFLAGS) -o $@.dbg $<
	$(Q)if readelf -rW $@.dbg | grep -q '^Relocation section'; then \
		echo "vdso: $@.dbg has relocations; the vDSO must have none" >&2; \
		exit 1; fi
	$(Q)$(OBJCOPY) -S $@.dbg $@
-include $(O)/arch/x86/vdso/vdso.so.d

$(O)/arch/x86/kernel/vdso_image.o: $(VDSO)
$(O)/arch/x86/kernel/vdso_image.o: KAFLAGS += -DVDSO_IMAGE='"$(VDSO)"'

# Two-pass link for kallsyms: the symbol table sits in .rodata, after .text,
# so text addresses cannot move between the passes; the check proves it.
KALLSYMS_NM = $(NM) -n -S --defined-only

$(O)/kallsyms0.S: scripts/kallsyms.py
	$(Q)$(PYTHON) scripts/kallsyms.py < /dev/null > $@

$(O)/tessera.tmp: $(KOBJS) $(O)/kallsyms0.o $(LDS)
	$(Q)$(LD) $(KLDFLAGS) -T $(LDS) -o $@ $(KOBJS) $(O)/kallsyms0.o

$(O)/kallsyms1.S: $(O)/tessera.tmp scripts/kallsyms.py
	$(Q)$(KALLSYMS_NM) $< | $(PYTHON) scripts/kallsyms.py > $@

$(O)/tessera.elf: $(KOBJS) $(O)/kallsyms1.o $(LDS)
	@echo "  LD      $@"
	$(Q)$(LD) $(KLDFLAGS) -T $(LDS) -o $@ $(KOBJS) $(O)/kallsyms1.o
	$(Q)$(KALLSYMS_NM) $(O)/tessera.tmp | awk '$$4 ~ /^[tTwW]$$/ || $$3 ~ /^[tTwW]$$/' > $(O)/.syms.tmp
	$(Q)$(KALLSYMS_NM) $@ | awk '$$4 ~ /^[tTwW]$$/ || $$3 ~ /^[tTwW]$$/' > $(O)/.syms.elf
	$(Q)cmp -s $(O)/.syms.tmp $(O)/.syms.elf || \
		{ echo "kallsyms: text symbols moved between link passes" >&2; rm -f $@; exit 1; }
	@size $@ | tail -1 | awk '{ printf "  SIZE    text %d data %d bss %d\n", $$1, $$2, $$3 }'

.DEFAULT_GOAL := all
.PHONY: all
all: $(O)/tessera.elf

# ---------------------------------------------------------------------------
# ISO, run, tests

.PHONY: iso deps run run-python cluster test host-tests fuzz fuzz-build fuzz-corpus mutate clean distclean help
iso: $(O)/tessera.iso
$(O)/tessera.iso: $(O)/tessera.elf scripts/mkiso
	$(Q)$(PYTHON) scripts/mkiso --kernel $< --out $@

deps:
	$(Q)scripts/install-deps

# The main job: train a small MLP with numpy on three nodes (python3 of
# the Debian 12 root tools/mkrootfs builds and caches), losses printed as
# it goes, then the pcache's counters.
# make run: the showcase, TensorFlow.js (node from the Debian root, tfjs
# from npm) training a dense MNIST model across the three nodes.
# make run-python: the numpy MLP, the same way.
MNIST_DEMO := tests/node/mnist.js
MNIST_ARGS ?= --train 300 --test 100 --epochs 2
DEMO := tests/python/mlp.py

# From a terminal, the run ends in a shell on the processor (/bin/sh -i of
# the root, stdin relayed: tessera run --stdin); otherwise (CI, a pipe) it
# ends after the training.
run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)root=$$($(PYTHON) tools/mkrootfs --with-node) && \
	if [ -t 0 ]; then \
		set -- --stdin --also "$$root/bin/sh -i"; \
		echo "After the training, a shell on processor0 (/bin/sh -i of the Debian root) reads this terminal: exit or Ctrl-D ends it, Ctrl-C stops every node."; \
	else set --; fi && \
	$(PYTHON) tools/tessera run --kernel-image $(O)/tessera.elf --stats \
		--rootfs "$$root" --add $(MNIST_DEMO):/demo/mnist.js \
		--env HOME=/root --env LANG=C "$$@" \
		-- "$$root/usr/bin/node" /demo/mnist.js $(MNIST_ARGS)

run-python: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)root=$$($(PYTHON) tools/mkrootfs) && \
	$(PYTHON) tools/tessera run --kernel-image $(O)/tessera.elf --stats \
		--rootfs "$$root" --add $(DEMO):/demo/mlp.py \
		-- "$$root/usr/bin/python3" /demo/mlp.py

cluster: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(PYTHON) tools/tessera cluster --iso

HOST_TESTS := $(patsubst tests/host/%.c,$(O)/host/%,$(wildcard tests/host/test_*.c))
HOSTCFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -fno-builtin \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
	-DHOST_TEST=1 -Itests/host/include -Iinclude \
	-include tests/host/host_config.h -MMD -MP

htest_srcs = $(shell sed -n 's/.*HTEST-SOURCES:\([^*]*\).*/\1/p' tests/host/$(1).c)
htest_cflags = $(shell sed -n 's/.*HTEST-CFLAGS:\([^*]*\).*/\1/p' tests/host/$(1).c)

.SECONDEXPANSION:
$(O)/host/%: tests/host/%.c $$(call htest_srcs,%) tests/host/htest.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(CC) $(HOSTCFLAGS) $(call htest_cflags,$*) $< $(call htest_srcs,$*) -o $@

host-tests: $(HOST_TESTS)

# libFuzzer harnesses (tests/fuzz/fuzz_*.c, Documentation/testing.md): each
# built with clang -fsanitize=fuzzer,address,undefined from its FUZZ-HTEST:
# host test's HTEST-SOURCES: plus its own FUZZ-SOURCES:, and as a seed
# generator ($(O)/fuzz-seed/) with the host compiler.
comma := ,
FUZZCC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_HARNESSES := $(addprefix $(O)/fuzz/,$(FUZZ_NAMES))
FUZZ_SEEDGENS := $(addprefix $(O)/fuzz-seed/,$(FUZZ_NAMES))
FUZZCFLAGS := $(filter-out -fsanitize=address$(comma)undefined -MMD -MP,$(HOSTCFLAGS)) -Itests/host \
	-fsanitize=fuzzer,address,undefined -Wno-unknown-attributes -Itests/fuzz

fuzz_htest = $(shell sed -n 's/.*FUZZ-HTEST: *\([a-z0-9_]*\).*/\1/p' tests/fuzz/$(1).c)
fuzz_srcs = $(foreach h,$(call fuzz_htest,$(1)),$(call htest_srcs,$(h))) \
	$(shell sed -n 's/.*FUZZ-SOURCES:\([^*]*\).*/\1/p' tests/fuzz/$(1).c)

$(O)/fuzz/%: tests/fuzz/%.c $$(call fuzz_srcs,%) tests/fuzz/fuzz.h
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZCC) $(FUZZCFLAGS) $< $(call fuzz_srcs,$*) -o $@

$(O)/fuzz-seed/seedgen.o: tests/fuzz/seedgen.c tests/fuzz/fuzz.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=gnu11 -g -O1 -fsanitize=address,undefined -Wall -Werror \
		-Itests/fuzz -c $< -o $@

$(O)/fuzz-seed/%: tests/fuzz/%.c $$(call fuzz_srcs,%) $(O)/fuzz-seed/seedgen.o
	@echo "  HOSTCC  $@"
	$(Q)$(CC) $(HOSTCFLAGS) -Itests/host -Itests/fuzz $< $(call fuzz_srcs,$*) \
		$(O)/fuzz-seed/seedgen.o -o $@

fuzz-build: $(FUZZ_HARNESSES)

# make fuzz FUZZ_SECONDS=N [ONLY=NAME]: every harness for N s, one line each.
fuzz: deps
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)$(PYTHON) tools/run-tests --build-dir $(O) --layer fuzz \
		--fuzz-seconds $(FUZZ_SECONDS) $(if $(ONLY),--only '$(ONLY)')

# make fuzz-corpus: rewrite tests/fuzz/corpus/NAME/ from the generators
# (regression inputs, named crash-*, are kept).
fuzz-corpus: $(FUZZ_SEEDGENS)
	$(Q)for n in $(FUZZ_NAMES); do d=tests/fuzz/corpus/$${n#fuzz_}; \
		mkdir -p $$d && find $$d -name 'seed-*' -delete && \
		$(O)/fuzz-seed/$$n $$d || exit 1; done

# make test ONLY=PATTERN REPEAT=N JUNIT=FILE: tools/run-tests --only PATTERN
# --repeat N --junit FILE (the results as JUnit XML too)
# (a name substring or glob; see Documentation/testing.md).
test: deps
	$(Q)$(MAKE) --no-print-directory all host-tests fuzz-build
	$(Q)$(MAKE) --no-print-directory O=$(O)/debug DEFCONFIG=debug_defconfig all
	$(Q)$(PYTHON) tools/run-tests --build-dir $(O) \
		$(if $(ONLY),--only '$(ONLY)') $(if $(REPEAT),--repeat $(REPEAT)) \
		$(if $(JUNIT),--junit '$(JUNIT)')

# make mutate ONLY=ID: scripts/mutate, one-line mutants of host-tested
# code, each rebuilt and tested (Documentation/testing.md).  Not in test.
mutate:
	$(Q)$(PYTHON) scripts/mutate --build-dir $(O) $(if $(ONLY),--only '$(ONLY)')

# Every build output: the object trees (one per top directory of
# KERNEL_DIRS), generated headers, host tests, tests/user programs, the
# links, kallsyms, the ISO.  The configuration stays ($(O)/.config, and the
# savedefconfig output); distclean removes it too.
CLEAN_DIRS := $(sort $(foreach d,$(KDIRS),$(firstword $(subst /, ,$(d))))) \
	host fuzz fuzz-seed user include
clean:
	rm -rf $(addprefix $(O)/,$(CLEAN_DIRS)) $(O)/tessera.* $(O)/kallsyms* \
		$(O)/.syms.*

help:
	@echo 'Tessera: make [TARGET] [VARIABLE=VALUE ...]'
	@echo ''
	@echo 'Targets:'
	@echo '  all (default)   build $$(O)/tessera.elf (configured from configs/$$(DEFCONFIG) first)'
	@echo '  iso             $$(O)/tessera.iso, a GRUB image with one entry per role'
	@echo '  run             install host packages, build, train TensorFlow.js MNIST on three nodes (node + tfjs of tools/mkrootfs --with-node; MNIST_ARGS=...)'
	@echo '  run-python      the same with a numpy MLP (python3 of tools/mkrootfs)'
	@echo '  cluster         install host packages, build, boot 1P1M1S from GRUB ISOs (tools/tessera cluster --iso)'
	@echo '  test            install host packages, build, run tools/run-tests (host, ktest, cluster)'
	@echo '  host-tests      build the host unit tests ($$(O)/host/test_*)'
	@echo '  fuzz            build the libFuzzer harnesses ($$(O)/fuzz/), run each FUZZ_SECONDS s (default 60)'
	@echo '  fuzz-corpus     regenerate the seed corpora tests/fuzz/corpus/NAME/'
	@echo '  mutate          scripts/mutate: one-line mutants of host-tested code, survivors listed'
	@echo '  deps            scripts/install-deps: the Debian packages building and testing need'
	@echo '  defconfig       $$(O)/.config from configs/defconfig (NAME_defconfig: configs/NAME_defconfig)'
	@echo '  menuconfig      edit $$(O)/.config'
	@echo '  olddefconfig    update $$(O)/.config to the current Kconfig, new options at their defaults'
	@echo '  savedefconfig   write a minimal $$(O)/defconfig'
	@echo '  clean           remove every build output (keeps $$(O)/.config)'
	@echo '  distclean       remove $$(O) and runs/ (run and test logs)'
	@echo '  help            this text'
	@echo ''
	@echo 'Variables:'
	@echo '  O=DIR           build directory (default build)'
	@echo '  DEFCONFIG=NAME  configuration made when there is none (default defconfig)'
	@echo '  V=1             show the full commands'
	@echo '  ONLY=PATTERN    make test: only tests whose name contains PATTERN or matches'
	@echo '                  it as a glob; comma-separated (tools/run-tests --only)'
	@echo '  REPEAT=N        make test: run the selection N times, report flaky tests'
	@echo '                  (tools/run-tests --repeat)'
	@echo '  JUNIT=FILE      make test: also write the results as JUnit XML to FILE'
	@echo ''
	@echo 'See README.md, Documentation/testing.md and Documentation/launcher.md.'

distclean:
	rm -rf $(O) runs

-include $(shell find $(O) -name '*.d' 2>/dev/null)
