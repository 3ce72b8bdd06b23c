# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The forecast: the pace the account is spending, how long its credits last at that pace, and what expires
before it is spent. Pure functions, on the controller.

The observed pace comes from successive readings of the balance.
Like Prometheus' increase() over a counter, only the falls of the balance count: a purchase raises it, and is
not negative spending (it neither hides the pace nor makes it negative). Unlike predict_linear(), nothing is
extrapolated: the pace is what was spent between the first and the last reading of the window, per day of
that span. Fewer than two readings in the window, or no time between them, give an unknown pace (None).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Dict, Iterable, List, Optional, Tuple

import math

from datetime import datetime, timedelta

from ansible_collections.melissa.cicero.plugins.module_utils._typing import Reading

DAY_SECONDS = 86400.0
PACE_SOURCES = ('usage', 'observed', 'both')
DEFAULT_BURN_WINDOW = DAY_SECONDS
# However short the interval and long the window, no more readings than this are kept: memory stays flat.
MAX_READINGS = 10000


def in_window(readings: Iterable[Tuple[Any, Any]], now: float, window: float) -> List[Reading]:
    """The (epoch seconds, balance) readings taken within `window` seconds before `now`, oldest first, at most
    MAX_READINGS of them. A reading from the future (a clock stepped back) is dropped, not trusted."""
    kept = sorted((float(at), balance) for at, balance in readings if now - window <= float(at) <= now)
    return kept[-MAX_READINGS:]


def observed_daily_burn(readings: Iterable[Tuple[Any, Any]], now: float, window: float) -> Optional[float]:
    """Credits spent a day over the readings of the window (only the falls count), or None when unknown."""
    kept = in_window(readings, now, window)
    if len(kept) < 2 or kept[-1][0] <= kept[0][0]:
        return None
    spent = sum(max(0, earlier - later) for (dummy, earlier), (dummy, later) in zip(kept, kept[1:]))
    return spent * DAY_SECONDS / (kept[-1][0] - kept[0][0])


def chosen_daily_burn(source: str, usage_burn: Optional[float],
                      observed_burn: Optional[float]) -> Tuple[Optional[float], str]:
    """(pace, which) for the pace the policy names: `usage` (the usage resource's average), `observed` (the
    readings), or `both` (the faster of the two known ones, the cautious choice). `which` says whose figure
    the pace is, `usage` or `observed`; the pace is None when it is unknown."""
    if source == 'both':
        source = 'observed' if usage_burn is None or (observed_burn or 0) > usage_burn else 'usage'
    return (usage_burn if source == 'usage' else observed_burn), source


def runs_out_at(counted: float, daily_burn: Optional[float], now: datetime) -> Optional[datetime]:
    """When `counted` credits are spent at `daily_burn` a day from `now` (aware datetime), or None when nothing
    is spent, the pace is unknown or the date lies beyond what a date can hold."""
    if not daily_burn or daily_burn <= 0:
        return None
    try:
        return now + timedelta(days=max(0, counted) / daily_burn)
    except OverflowError:
        return None  # after the year 9999, or more days than a timedelta holds: no date, an unbounded runway


def runway_days(credits: float, daily_burn: float) -> Optional[float]:
    """Days until `credits` run out at `daily_burn` a day; None (unbounded) when nothing is spent."""
    if daily_burn <= 0:
        return None
    days = credits / daily_burn
    # A pace so slow that the days pass what a float holds is no end either.
    return max(0.0, days) if math.isfinite(days) else None


def credits_expiring_unused(batches: Iterable[Dict[str, Any]], daily_burn: float) -> int:
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
