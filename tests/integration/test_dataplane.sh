#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The agent's data plane without the control channel: skb, drv and auto
# modes, poll(), several streams, IPv6 with 802.1Q, one socket sending and
# receiving, two queues, and its error messages (tests/unit-agent).
exec "$(dirname "$0")/../unit-agent/dp_smoke.sh"
