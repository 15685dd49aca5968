#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The scenario library through a Linux bridge (lab.sh --mid), as between
# two servers on a switch: every scenario that passes on the direct link
# passes here too, in skb and drv mode, once each. The bridge takes 802.1Q
# tags out into the frames' metadata on its way in (and the veth into the
# Rx host keeps them there): the VLAN scenario checks that Rx reads them
# back in drv mode and says it could not in skb mode.
XC_SCENARIO_LAB=--mid
# shellcheck source=SCRIPTDIR/test_scenarios.sh
. "$(dirname "$0")/test_scenarios.sh"
