# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# make          build xceiver (controller) and xceiver-agent into build/
# make unit     the unit tests (build/tests/test_*), then the fuzz targets
#               over their regression inputs and seeds (no root needed)
# make demo     run the default test on a two-namespace lab (root)
# make check    unit tests, then integration tests in the lab (root)
# make bench    full-speed figures through the lab (root)
# make fuzz     every libFuzzer target for FUZZ_S seconds (default 60)
# (demo, check and bench first install missing Debian packages: make deps)
#
# Variables (see shared/common.mk): CFLAGS, LDFLAGS, LDLIBS are the user's;
# WERROR=1 adds -Werror; SANITIZE=1 builds everything with ASan and UBSan
# into build-san/ (make SANITIZE=1 all unit; make SANITIZE=1 check runs the
# tests with those binaries); BUILD is the build directory (default build/).

# a sanitized build has a directory of its own unless told otherwise
ifeq ($(SANITIZE),1)
BUILD ?= $(CURDIR)/build-san
endif
BUILD ?= $(CURDIR)/build
override BUILD := $(abspath $(BUILD))
export BUILD
# the sub-makes get the absolute BUILD, not a relative one from the command
# line (they run in other directories)
MAKEOVERRIDES := $(filter-out BUILD=%,$(MAKEOVERRIDES))

# make fuzz: a tree of its own, built by clang with libFuzzer's
# instrumentation
FUZZ_S ?= 60
FUZZ_BUILD ?= $(BUILD)/fuzz
CLANG ?= clang

all:
	$(MAKE) -C proto
	$(MAKE) -C shared
	$(MAKE) -C agent
	$(MAKE) -C controller
	$(MAKE) -C tests/bench
	$(MAKE) -C tests/mbox
	$(MAKE) -C tests/tools

# Debian packages for the lab and the tests (installed when missing, as root)
deps:
	deploy/deps.sh

unit: all
	$(MAKE) -C tests/unit
	$(MAKE) -C tests/fuzz regress

check: deps
	$(MAKE) all unit
	tests/run-all.sh

demo: deps
	$(MAKE) all
	deploy/demo.sh

bench: deps
	$(MAKE) all
	$(MAKE) -C tests/bench
	tests/bench.sh

fuzz:
	$(MAKE) -C proto BUILD=$(FUZZ_BUILD)
	$(MAKE) -C shared BUILD=$(FUZZ_BUILD) CC=$(CLANG) FUZZ=1
	$(MAKE) -C agent objs BUILD=$(FUZZ_BUILD) CC=$(CLANG) FUZZ=1
	$(MAKE) -C controller $(FUZZ_BUILD)/libxcctl.a BUILD=$(FUZZ_BUILD) \
		CC=$(CLANG) FUZZ=1
	$(MAKE) -C tests/fuzz run BUILD=$(FUZZ_BUILD) CC=$(CLANG) FUZZ=1 \
		FUZZ_S=$(FUZZ_S)

clean:
	rm -rf $(BUILD)

.PHONY: all deps unit check demo bench fuzz clean
