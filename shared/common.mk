# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Settings shared by every directory's Makefile. Objects and binaries go to
# $(BUILD); generated protobuf-c code goes to $(BUILD)/proto.

.DEFAULT_GOAL := all

TOPDIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
BUILD ?= $(TOPDIR)/build

CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PROTOC_C ?= protoc-c
PKG_CONFIG ?= pkg-config

PKGS := libbpf libxdp libprotobuf-c libuv yaml-0.1 jansson

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
	  -Wno-missing-field-initializers -D_GNU_SOURCE \
	  -I$(TOPDIR)/shared -I$(BUILD)/proto -I$(BUILD) \
	  $(shell $(PKG_CONFIG) --cflags $(PKGS))
LDLIBS += $(shell $(PKG_CONFIG) --libs $(PKGS)) -lelf -lz -lpthread -lm

LIBXC := $(BUILD)/libxc.a
PROTO_C := $(BUILD)/proto/xceiver.pb-c.c
PROTO_H := $(BUILD)/proto/xceiver.pb-c.h

ifeq ($(V),1)
Q =
else
Q = @
endif

$(BUILD)/%.o: %.c $(PROTO_H) $(wildcard $(TOPDIR)/shared/*.h) | $(BUILD)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<
	@echo "  CC      $<"

$(BUILD):
	@mkdir -p $@
