# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How long the credits last at the recent burn rate, and what expires before it is spent. Pure functions."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import math


def runway_days(credits, daily_burn):
    """Days until `credits` run out at `daily_burn` a day; None (unbounded) when nothing is spent."""
    if daily_burn <= 0:
        return None
    days = credits / daily_burn
    # A pace so slow that the days pass what a float holds is no end either.
    return max(0.0, days) if math.isfinite(days) else None


def credits_expiring_unused(batches, daily_burn):
    """Credits that expire before they can be spent at `daily_burn` a day.

    Spending takes the batch that expires first, first; batches without a known expiry never expire and
    are spent last, so they cannot push dated credits past their expiry. Returns whole credits.
    """
    dated = sorted((batch for batch in batches if batch.get('expires_in_days') is not None),
                   key=lambda batch: batch['expires_in_days'])
    clock = 0.0      # days from now at which spending reaches the next batch
    unused = 0.0
    for batch in dated:
        amount = max(0, batch['credits_remaining'])
        expires = max(0.0, float(batch['expires_in_days']))
        if daily_burn <= 0 or clock >= expires:
            unused += amount
            continue
        spendable = (expires - clock) * daily_burn
        if amount <= spendable:
            clock += amount / daily_burn
        else:
            unused += amount - spendable
            clock = expires
    return int(round(unused))
