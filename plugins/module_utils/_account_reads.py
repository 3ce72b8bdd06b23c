# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Each API read end to end: request, decode, summarise. Shared by the modules and the lookup."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, Optional

from ansible_collections.melissa.cicero.plugins.module_utils import _clock
from ansible_collections.melissa.cicero.plugins.module_utils._credits import summarise_credits
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._parse import decode_envelope
from ansible_collections.melissa.cicero.plugins.module_utils._typing import InCallersWords, Params
from ansible_collections.melissa.cicero.plugins.module_utils._usage import Period, resolve_period, summarise_usage, usage_path

if TYPE_CHECKING:  # the client is handed in: importing it here would load requests for nothing
    from ansible_collections.melissa.cicero.plugins.module_utils._client import CiceroClient

CREDITS_PATH = '/account/credits_remaining'


def check_credits_options(params: Params, in_callers_words: InCallersWords = str) -> None:
    """Refuse a value of the credits read's options (module_utils/_options.py CREDITS_OPTIONS) that the argument
    spec cannot, before any request."""
    if params['expiring_within_days'] < 0:
        raise CiceroOptionError('{0} must be 0 or more, got {1}'.format(
            in_callers_words('expiring_within_days'), params['expiring_within_days']))


def read_credits(client: 'CiceroClient', params: Params, now: Optional[datetime] = None) -> Dict[str, Any]:
    check_credits_options(params)
    reply = client.get(CREDITS_PATH)
    results, messages = decode_envelope(reply, client.fmt)
    return summarise_credits(results, messages, now or _clock.utc_now(), params['expiring_within_days'])


def read_usage(client: 'CiceroClient', params: Params, now: Optional[datetime] = None) -> Dict[str, Any]:
    today = (now or _clock.utc_now()).date()
    first, last = resolve_period(params.get('start'), params.get('end'), today)
    results, messages = decode_envelope(client.get(usage_path(first, last)), client.fmt, expect='list')
    usage = summarise_usage(results, first, last)
    usage['messages'] = messages
    if first.first_day > today:
        # Nothing can have been spent in a period that has not begun: 0.0 a day would read as a quiet account.
        usage['average_daily_credits'] = None
        usage['warnings'] = ['the usage period {0} has not begun yet (today is {1} in UTC): no average daily spend '
                             'can be given'.format(_period_text(first, last), today.isoformat())]
    return usage


def _period_text(first: Period, last: Period) -> str:
    return str(first) if str(first) == str(last) else '{0} to {1}'.format(first, last)
