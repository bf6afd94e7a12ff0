# SPDX-License-Identifier: GPL-2.0
#
# shdev workbench.  The project is kernel code: every target grafts it into
# a real Linux 6.12 tree (layout.map says where each file goes) and builds
# or checks it there.
#
#   make demo          the demonstration (see README.md)
#   make test          every check and every KUnit suite; ends with the tally
#   make check         checkpatch, sparse, W=1, kernel-doc, dt-schema
#   make kunit         KUnit suites under UML (SUITE=name for one)
#   make bench         benchmarks (figures, not pass/fail); DEMO_ROUNDS=N
#                      round trips against unbind+bind in the demo VM
#   make patches       the project as a patch series, in build/patches/
#   make patches-check check the series: checkpatch, git am, build
#                      (PATCHES_EACH=1: build after each patch too)
#   make coverage      the generic conversion on every platform driver of
#                      the pristine tree (long; not part of make test)
#   make deps          install what is missing (apt-get)
#   make graft         (re)create the kernel tree with the project in it
#
# KSRC=/path/to/linux grafts into your own tree instead of build/linux.

BUILD		?= $(CURDIR)/build
TARBALL		?= /usr/src/linux-source-6.12.tar.xz
ifdef KSRC
KTREE		:= $(abspath $(KSRC))
GRAFT_FROM	:=
else
KTREE		:= $(BUILD)/linux
GRAFT_FROM	:= $(TARBALL)
endif
SUITE		?=
DEMO_ROUNDS	?= 100
PATCHES_EACH	?=

export BUILD KTREE SUITE TARBALL PATCHES_EACH

.PHONY: all deps graft check kunit patches patches-check test bench coverage demo clean

all: test

deps:
	@scripts/deps

graft: deps
	@scripts/graft $(KTREE) $(GRAFT_FROM)

check: graft
	@scripts/results reset check
	@scripts/check
	@scripts/tally check

kunit: graft
	@scripts/results reset kunit
	@scripts/kunit
	@scripts/tally kunit

patches: graft
	@scripts/patches

patches-check: graft
	@scripts/results reset patches
	@scripts/patches-check
	@scripts/tally patches

test: graft
	@scripts/results reset
	@scripts/check || true
	@scripts/patches-check || true
	@scripts/kunit || true
	@DEMO_RESULTS=demo scripts/demo || true
	@scripts/tally

bench: graft
	@scripts/bench
	@DEMO_ROUNDS=$(DEMO_ROUNDS) scripts/demo

coverage: deps
	@scripts/coverage

demo: graft
	@scripts/demo

clean:
	rm -rf $(BUILD)
