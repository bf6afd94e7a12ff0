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
#   make bench         benchmarks (figures, not pass/fail)
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

export BUILD KTREE SUITE

.PHONY: all deps graft check kunit test bench coverage demo clean

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

test: graft
	@scripts/results reset
	@scripts/check || true
	@scripts/kunit || true
	@scripts/tally

bench: graft
	@scripts/bench

coverage: deps
	@scripts/coverage

demo: graft
	@scripts/demo

clean:
	rm -rf $(BUILD)
