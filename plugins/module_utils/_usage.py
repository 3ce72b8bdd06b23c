# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Usage periods and monthly usage figures of GET /account/usage/{period}. Pure functions."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Dict, Optional, Tuple, Union

import calendar
import re

from datetime import date

from ansible_collections.melissa.cicero.plugins.module_utils._api_text import api_text
from ansible_collections.melissa.cicero.plugins.module_utils._credits import to_number
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError, CiceroResponseError
from ansible_collections.melissa.cicero.plugins.module_utils._parse import object_list
from ansible_collections.melissa.cicero.plugins.module_utils._typing import Decoded

_PERIOD = re.compile(r'^(\d{4})(?:-(\d{2}))?$')
_MONTH_FIELDS = ('year', 'month', 'count', 'credits_used', 'activity_types')
_ACTIVITY_FIELDS = ('type', 'count', 'credits_used')
DEFAULT_MONTHS = 3


class Period:
    """A year (month None) or a month, as the API spells it: 2026 or 2026-10."""

    def __init__(self, year: int, month: Optional[int] = None) -> None:
        self.year = year
        self.month = month

    @classmethod
    def parse(cls, text: Any, option: str) -> 'Period':
        match = _PERIOD.match(str(text).strip())
        month = int(match.group(2)) if match and match.group(2) else None
        if not match or (month is not None and not 1 <= month <= 12):
            raise CiceroOptionError('{0} must be a year (YYYY) or a month (YYYY-MM), got {1!r}'.format(option, text))
        return cls(int(match.group(1)), month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def last_day(self) -> date:
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        return '{0:04d}'.format(self.year) if self.month is None else '{0:04d}-{1:02d}'.format(self.year, self.month)


def last_full_months(today: date, months: int = DEFAULT_MONTHS) -> Tuple[Period, Period]:
    """(start, end) of the `months` whole calendar months before the one `today` is in."""
    index = today.year * 12 + today.month - 1       # months since year 0 of the current month
    end, start = index - 1, index - months
    return Period(start // 12, start % 12 + 1), Period(end // 12, end % 12 + 1)


def resolve_period(start: Optional[str], end: Optional[str], today: date) -> Tuple[Period, Period]:
    """The (start, end) Periods for the start/end options; neither: the last three full months."""
    if start is None and end is None:
        return last_full_months(today)
    if start is None:
        raise CiceroOptionError('end needs start: give start (YYYY or YYYY-MM) as well, or neither')
    first = Period.parse(start, 'start')
    last = Period.parse(end, 'end') if end is not None else first
    if last.first_day < first.first_day:
        raise CiceroOptionError('start ({0}) must come before end ({1})'.format(first, last))
    return first, last


def usage_path(first: Period, last: Period) -> str:
    """The API path: /account/usage/2026-01 or /account/usage/2026-01/to/2026-10."""
    if str(first) == str(last):
        return '/account/usage/{0}'.format(first)
    return '/account/usage/{0}/to/{1}'.format(first, last)


def period_days(first: Period, last: Period) -> int:
    """Calendar days from the first day of `first` to the last day of `last`, both included."""
    return (last.last_day - first.first_day).days + 1


def summarise_usage(results: Decoded, first: Period, last: Period) -> Dict[str, Any]:
    """The module result for the usage `results` of the period first..last."""
    months = [_month(raw, index) for index, raw in enumerate(object_list(results, _MONTH_FIELDS))]
    by_type: Dict[str, Union[int, float]] = {}
    for month in months:
        for activity in month['activity_types']:
            by_type[activity['type']] = by_type.get(activity['type'], 0) + activity['credits_used']
    credits_used = sum(month['credits_used'] for month in months)
    days = period_days(first, last)
    return dict(
        start=str(first),
        end=str(last),
        period_days=days,
        months=months,
        count=sum(month['count'] for month in months),
        credits_used=credits_used,
        credits_used_by_type=[dict(type=name, credits_used=used)
                              for name, used in sorted(by_type.items(), key=lambda item: (-item[1], item[0]))],
        average_daily_credits=round(credits_used / days, 4),
    )


def _month(raw: Any, index: int) -> Dict[str, Any]:
    where = 'results[{0}]'.format(index)
    if not isinstance(raw, dict):
        raise CiceroResponseError('Cicero API field {0} is not an object'.format(where))
    month: Dict[str, Any] = dict((field, _required_number(raw, field, where))
                                 for field in ('year', 'month', 'count', 'credits_used'))
    activities = []
    for position, activity in enumerate(object_list(raw.get('activity_types'), _ACTIVITY_FIELDS)):
        inner = '{0}.activity_types[{1}]'.format(where, position)
        if not isinstance(activity, dict) or activity.get('type') in (None, ''):
            raise CiceroResponseError('Cicero API field {0} is not an object with a type'.format(inner))
        activities.append(dict(type=api_text(activity['type']),
                               count=_required_number(activity, 'count', inner),
                               credits_used=_required_number(activity, 'credits_used', inner)))
    month['activity_types'] = activities
    return month


def _required_number(raw: Dict[str, Any], field: str, where: str) -> Union[int, float]:
    if raw.get(field) in (None, ''):
        raise CiceroResponseError('Cicero API field {0}.{1} is missing'.format(where, field))
    return to_number(raw[field], '{0}.{1}'.format(where, field))
