# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Settings shared by every directory's Makefile. Objects and binaries go to
# $(BUILD); generated protobuf-c code goes to $(BUILD)/proto.
#
# The flags the code needs are kept apart from the user's, as libbpf's
# Makefile does: CFLAGS, LDFLAGS and LDLIBS are the user's own (make
# CFLAGS="-O1 -g" replaces the default -O2 -g and nothing else), the rules
# use ALL_CFLAGS, ALL_LDFLAGS and ALL_LDLIBS.
#
#   WERROR=1     warnings are errors
#   SANITIZE=1   ASan and UBSan, any report fatal; BUILD defaults to
#                build-san/ then; the BPF object is never sanitized
#   FUZZ=1       clang's libFuzzer instrumentation with ASan and UBSan, for
#                the objects tests/fuzz links (make fuzz sets it)
#
# A directory names the pkg-config packages it needs beyond the common ones
# in DIR_PKGS (and other libraries in DIR_LIBS) before including this file,
# so that only the agent links libbpf, libxdp, libmnl and libmicrohttpd.

.DEFAULT_GOAL := all

TOPDIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
ifeq ($(SANITIZE),1)
BUILD ?= $(TOPDIR)/build-san
endif
BUILD ?= $(TOPDIR)/build

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PROTOC_C ?= protoc-c
PKG_CONFIG ?= pkg-config

CFLAGS ?= -O2 -g

BASE_PKGS := libprotobuf-c libuv yaml-0.1 jansson openssl
# what the agent's objects need (agent/, its tests, tests/fuzz): DIR_PKGS =
# $(AGENT_PKGS) there
AGENT_PKGS := libbpf libxdp libmnl libmicrohttpd
AGENT_LIBS := -lelf -lz
# what the controller's objects need beyond those (controller/, the unit
# tests, tests/fuzz): libxml2 for --junit
CTL_PKGS := libxml-2.0
PKGS := $(BASE_PKGS) $(DIR_PKGS)

XC_SAN_COMMON := -fsanitize=address,undefined -fno-sanitize-recover=all \
		 -fno-omit-frame-pointer
ifeq ($(FUZZ),1)
XC_SAN := $(XC_SAN_COMMON) -fsanitize=fuzzer-no-link
else ifeq ($(SANITIZE),1)
XC_SAN := $(XC_SAN_COMMON)
endif

XC_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
	     -Wno-missing-field-initializers -D_GNU_SOURCE \
	     -I$(TOPDIR)/shared -I$(BUILD)/proto -I$(BUILD) \
	     $(shell $(PKG_CONFIG) --cflags $(PKGS))
# make fuzz: the controller's progress tick every 1 ms, so that a fuzzed
# run drains in milliseconds (tests/fuzz/fuzz_ctl.c)
ifeq ($(FUZZ),1)
XC_CFLAGS += -DXC_TICK_MS=1
endif
ifeq ($(WERROR),1)
XC_CFLAGS += -Werror
endif

ALL_CFLAGS := $(XC_CFLAGS) $(XC_SAN) $(CFLAGS)
ALL_LDFLAGS := $(XC_SAN) $(LDFLAGS)
ALL_LDLIBS := $(shell $(PKG_CONFIG) --libs $(PKGS)) $(DIR_LIBS) -lpthread \
	      -lm $(LDLIBS)

LIBXC := $(BUILD)/libxc.a
LIBXCCTL := $(BUILD)/libxcctl.a
PROTO_C := $(BUILD)/proto/xceiver.pb-c.c
PROTO_H := $(BUILD)/proto/xceiver.pb-c.h

ifeq ($(V),1)
Q =
else
Q = @
endif

$(BUILD)/%.o: %.c $(PROTO_H) $(wildcard $(TOPDIR)/shared/*.h) | $(BUILD)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<
	@echo "  CC      $<"

$(BUILD):
	@mkdir -p $@
