#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Install the Debian packages xceiver needs to build, run its lab and run
# its tests, when any is missing. Does nothing when all are there; needs
# root (apt-get) otherwise. Used by `make demo`, `make check`, `make bench`
# and .ci/run.
set -eu

XC_PKGS=(
	make gcc pkg-config clang llvm bpftool
	libclang-rt-14-dev
	libbpf-dev libxdp-dev libelf-dev zlib1g-dev libmnl-dev libmicrohttpd-dev
	protobuf-c-compiler libprotobuf-c-dev
	libuv1-dev libyaml-dev libjansson-dev libcmocka-dev libxml2-dev libxml2-utils
	libssl-dev openssl
	iproute2 iputils-ping curl ethtool nftables jq procps psmisc util-linux libcap2-bin
	netsniff-ng stress-ng
	python3-prometheus-client
)

missing=()
for p in "${XC_PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages: ${missing[*]}" >&2
	echo "deps: run as root, or: apt-get install ${missing[*]}" >&2
	exit 2
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
