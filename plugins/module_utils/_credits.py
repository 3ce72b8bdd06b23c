# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""credits_remaining `results` to typed figures, and what can be derived from them. Pure functions."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

import math
import re

from datetime import datetime, timedelta, timezone

from ansible_collections.melissa.cicero.plugins.module_utils._api_text import api_text
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroResponseError
from ansible_collections.melissa.cicero.plugins.module_utils._parse import object_list
from ansible_collections.melissa.cicero.plugins.module_utils._typing import Decoded

UTC = timezone.utc

NUMBER_TEXT = re.compile(r'^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$')
# Cicero datetimes look like "2022-12-01 00:00:00" (no zone, UTC); accept ISO 8601 variants and dates.
_DATETIME = re.compile(
    r'^(\d{4})-(\d{2})-(\d{2})'
    r'(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$',
    re.IGNORECASE)
# A count of credits written with more characters than this is no count (Python's int() refuses numbers of over
# 4,300 digits with a ValueError, and a float of 400 digits is infinite): it is named, not parsed.
MAX_NUMBER_CHARS = 40
# No figure of an account comes near this; beyond it, arithmetic on floats and dates stops being exact or possible.
MAX_NUMBER = 10 ** 15
_BATCH_TEXT_FIELDS = ('created', 'expiration_time', 'cost', 'discount')
_BATCH_FIELDS = ('credits_purchased', 'credits_remaining') + _BATCH_TEXT_FIELDS


def to_number(value: Any, field: str) -> Union[int, float]:
    """A JSON number, numeric string or XML text as int (when integral) or float; else a clear error."""
    number = None  # booleans, lists, None ... stay None and are refused below
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and len(value) <= MAX_NUMBER_CHARS and NUMBER_TEXT.match(value.strip()):
        text = value.strip()
        number = int(text) if text.lstrip('+-').isdigit() else float(text)
    if number is None or (isinstance(number, float) and not math.isfinite(number)):
        raise CiceroResponseError('Cicero API field {0} is not a number: {1}'.format(field, _shown(value)))
    if not -MAX_NUMBER <= number <= MAX_NUMBER:
        raise _out_of_range(field, value)
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def _out_of_range(field: str, value: Any) -> CiceroResponseError:
    return CiceroResponseError('Cicero API field {0} is out of range (beyond {1:,}): {2}'.format(
        field, MAX_NUMBER, _shown(value)))


def parse_datetime(text: Any) -> Optional[datetime]:
    """A naive datetime in UTC from the lenient formats above, or None when absent or unreadable.

    Naive rather than aware: naive datetimes compare faster, and this runs for every batch.
    """
    if not isinstance(text, str):
        return None
    try:
        # C-fast for what Cicero serves ("2022-12-01 00:00:00"); the regex below covers the rest.
        moment = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)
    return _lenient_datetime(text)


def _lenient_datetime(text: str) -> Optional[datetime]:
    """parse_datetime() of what fromisoformat() refuses: every form above on Python 3.8 to 3.10, and on later
    Pythons a lower-case z or spaces before the zone."""
    match = _DATETIME.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                          int((fraction or '0')[:6].ljust(6, '0')))
    except ValueError:
        return None
    if zone and zone.upper() != 'Z':
        digits = zone[1:].replace(':', '')
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
        moment = moment - offset if zone[0] == '+' else moment + offset
    return moment


def days_until(moment: datetime, now: datetime) -> int:
    """Whole days from now to moment, rounded down (negative once past)."""
    # timedelta normalises to whole days (floored, negative once past) plus non-negative seconds.
    return (moment - now).days


def normalise_batch(raw: Any, index: int, now: datetime) -> Tuple[Dict[str, Any], Optional[datetime]]:
    """(batch as returned, its expiry as a naive UTC datetime or None). `now` is naive UTC too.

    Written for speed: it runs once per batch, and accounts may hold thousands (docs/performance.md).
    """
    if not isinstance(raw, dict):
        raise CiceroResponseError('Cicero API field usable_batches[{0}] is not an object: {1}'.format(
            index, _shown(raw)))
    remaining = raw.get('credits_remaining')
    if remaining is None or remaining == '':
        raise CiceroResponseError('Cicero API field usable_batches[{0}].credits_remaining is missing'.format(index))
    # A JSON integer, the common case, is only checked for its range here; anything else is read by to_number().
    if type(remaining) is not int:  # pylint: disable=unidiomatic-typecheck  # not a bool
        remaining = to_number(remaining, 'usable_batches[{0}].credits_remaining'.format(index))
    elif not -MAX_NUMBER <= remaining <= MAX_NUMBER:
        raise _out_of_range('usable_batches[{0}].credits_remaining'.format(index), remaining)
    purchased = raw.get('credits_purchased')
    if type(purchased) is not int:  # pylint: disable=unidiomatic-typecheck
        purchased = _optional_number(purchased, index, 'credits_purchased')
    elif not -MAX_NUMBER <= purchased <= MAX_NUMBER:
        raise _out_of_range('usable_batches[{0}].credits_purchased'.format(index), purchased)
    batch: Dict[str, Any] = {'credits_purchased': purchased, 'credits_remaining': remaining}
    for field in _BATCH_TEXT_FIELDS:
        value = raw.get(field)
        batch[field] = None if value is None else api_text(value)
    expires = parse_datetime(batch['expiration_time'])
    batch['expires_in_days'] = None if expires is None else days_until(expires, now)
    return batch, expires


def summarise_credits(results: Decoded, messages: List[str], now: datetime,
                      expiring_within_days: int) -> Dict[str, Any]:
    """The module result for credits_remaining `results` at time `now` (an aware datetime)."""
    figures: Dict[str, Any] = {}
    for field in ('credit_balance', 'overdraft_limit'):
        if results.get(field) in (None, ''):
            raise CiceroResponseError('Cicero API results lack the required field {0}'.format(field))
        figures[field] = to_number(results[field], field)
    naive_now = now.astimezone(UTC).replace(tzinfo=None)
    normalised = [normalise_batch(raw, index, naive_now)
                  for index, raw in enumerate(object_list(results.get('usable_batches'), _BATCH_FIELDS))]
    batches = [batch for batch, expires in normalised]
    figures.update(
        available_credits=figures['credit_balance'] + figures['overdraft_limit'],
        usable_batches=batches,
        expiring_within_days=expiring_within_days,
        credits_expiring_soon=credits_expiring_within(batches, expiring_within_days),
        next_expiration=next_expiration(normalised),
        messages=messages,
    )
    return figures


def credits_expiring_within(batches: Iterable[Dict[str, Any]], days: int) -> int:
    """Credits left in batches that expire in fewer than `days` whole days (already expired included)."""
    return sum(batch['credits_remaining'] for batch in batches
               if batch['expires_in_days'] is not None and batch['expires_in_days'] < days)


def credits_valid_for(batches: Iterable[Dict[str, Any]], days: int) -> int:
    """Credits left in batches still valid `days` days from now; batches with no known expiry count."""
    return sum(batch['credits_remaining'] for batch in batches
               if batch['expires_in_days'] is None or batch['expires_in_days'] >= days)


def next_expiration(normalised: Iterable[Tuple[Dict[str, Any], Optional[datetime]]]) -> Optional[str]:
    """The expiration_time, as served, of the earliest-expiring batch that still holds credits.

    `normalised` pairs each batch with its parsed expiry, so no date is parsed twice.
    """
    dated = [(expires, batch['expiration_time']) for batch, expires in normalised
             if expires is not None and batch['credits_remaining'] > 0]
    return min(dated)[1] if dated else None


def _optional_number(value: Any, index: int, field: str) -> Optional[Union[int, float]]:
    if value is None or value == '':
        return None
    return to_number(value, 'usable_batches[{0}].{1}'.format(index, field))


def _shown(value: Any) -> str:
    """A short, safe spelling of an API value for a message."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return 'a number of about {0} digits'.format(int(value.bit_length() * 0.30103))  # repr() may refuse it
    return api_text(repr(value[:61] if isinstance(value, str) else value), 60)
