# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# make          build xceiver (controller) and xceiver-agent into build/
# make demo     run the default test on a two-namespace lab (root)
# make check    unit tests, then integration tests in the lab (root)
# make bench    full-speed figures through the lab (root)

BUILD ?= $(CURDIR)/build
export BUILD

all:
	$(MAKE) -C proto
	$(MAKE) -C shared
	$(MAKE) -C agent
	$(MAKE) -C controller

unit: all
	$(MAKE) -C tests/unit

check: all unit
	tests/run-all.sh

demo: all
	deploy/demo.sh

bench: all
	tests/bench.sh

clean:
	rm -rf $(BUILD)

.PHONY: all unit check demo bench clean
