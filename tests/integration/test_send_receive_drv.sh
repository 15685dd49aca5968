#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# 100000 frames of 64 bytes at 200 kpps in drv mode: all delivered intact.
# shellcheck source=SCRIPTDIR/lib.sh
. "$(dirname "$0")/lib.sh"

COUNT=100000

xc_require
xc_lab_up
xc_agents_start
xc_run "${XC_EP[@]}" --mode drv --count $COUNT --size 64 --rate 200000 \
	--json "$XC_JSON"
xc_assert_rc 0
xc_assert_clean_stream $COUNT
xc_end
