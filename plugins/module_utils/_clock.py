# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one clock. Every "now" the collection reads (expiry, usage periods, Retry-After dates, read times)
comes from utc_now(), so a test sets the time in one place (tests/unit/conftest.py, `clock`) instead of
depending on today's date. Callers look it up as `_clock.utc_now()` at call time for that reason.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from datetime import datetime, timezone


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc)


ISO_UTC = '%Y-%m-%dT%H:%M:%SZ'


def iso_utc(moment: datetime) -> str:
    """An aware UTC datetime as every verdict, event and report spells it: 2026-11-27T12:00:00Z."""
    return moment.strftime(ISO_UTC)
