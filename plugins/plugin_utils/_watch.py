# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Watch an account between deploys: the engine of the event source melissa.cicero.credits.

The source file under extensions/eda is documentation and `main`; the arguments, the statuses, when to
put an event and how to pace the reads live here, as plain functions, beside one asyncio loop. Each read
is the gate's own (plugin_utils/_gate.py) and runs in a thread of its own: requests blocks, and a slow
account must not hold up ansible-rulebook's event loop or another source in the same rulebook.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Callable, Dict, Mapping, Optional, Tuple, TypeVar

import asyncio
import logging
import threading

from datetime import datetime

from ansible_collections.melissa.cicero.plugins.module_utils import _clock
from ansible_collections.melissa.cicero.plugins.module_utils._as_given import as_given
from ansible_collections.melissa.cicero.plugins.module_utils._connection import (
    client_from_params, credential_redactor, missing_library)
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._redact import Redactor
from ansible_collections.melissa.cicero.plugins.module_utils._typing import Params, Policy
from ansible_collections.melissa.cicero.plugins.plugin_utils._gate_options import watch_argument_spec
from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import policy_from
from ansible_collections.melissa.cicero.plugins.plugin_utils._arguments import validated
from ansible_collections.melissa.cicero.plugins.plugin_utils._gate import account_label, read_verdict, readings_owner
from ansible_collections.melissa.cicero.plugins.plugin_utils._readings import Readings, ReadingsError
from ansible_collections.melissa.cicero.plugins.plugin_utils._verdict import Verdict

SOURCE = 'melissa.cicero.credits'
EVENT_KEY = 'cicero_credits'
STATUSES = ('ok', 'warn', 'low', 'error')
# While reads keep failing, the next read comes sooner than `interval` so a recovery is seen early, but
# no sooner than this after the first failure, doubling after each further one, up to `interval`.
ERROR_RETRY_FIRST = 60.0

# What a function run in a thread hands back.
Result = TypeVar('Result')
logger = logging.getLogger('melissa.cicero.credits')


def watch_options(args: Optional[Mapping[str, Any]]) -> Params:
    """Validated arguments, or CiceroOptionError naming the first argument that is wrong. No request."""
    # ansible-rulebook adds its own eda_* arguments (eda_feedback_queue); they are not ours to check.
    args = dict((name, value) for name, value in (args or {}).items() if not str(name).startswith('eda_'))
    params, warnings = validated(args, watch_argument_spec())
    for warning in warnings:
        logger.warning('%s: %s', SOURCE, warning)
    if params['interval'] <= 0:
        raise CiceroOptionError('interval must be a number of seconds greater than 0, got {0}'.format(
            as_given(params['interval'])))
    missing = missing_library(params)
    if missing:
        raise CiceroOptionError('{0} needs the Python library {1} in the Python that runs ansible-rulebook: '
                                'pip install {1}'.format(SOURCE, missing[0]))
    return params


def status_of(verdict: Verdict) -> str:
    """ok, warn (passed, but under the warning level), low (the verdict fails on the figures) or error."""
    if not verdict.read:
        return 'error'
    if not verdict.passed:
        return 'low'
    return 'warn' if verdict.warning else 'ok'


def credits_event(verdict: Verdict, read_at: datetime, account: str) -> Dict[str, Any]:
    """The inner dict of an event: the gate's verdict plus status, read_at (ISO 8601, UTC) and account."""
    event = verdict.to_dict()
    event.update(status=status_of(verdict), read_at=_clock.iso_utc(read_at), account=account)
    return event


def should_emit(emit: str, previous: Optional[Dict[str, Any]], current: Dict[str, Any]) -> bool:
    """Whether `current` becomes an event under `emit`, after the `previous` read's event (None: first)."""
    if previous is None or emit == 'every':
        return True
    if emit == 'status':
        return current['status'] != previous['status']
    return _what_changes(current) != _what_changes(previous)


def next_delay(interval: float, failures: int) -> float:
    """Seconds until the next read after `failures` failed reads in a row (0 after a good read)."""
    if failures <= 0:
        return interval
    # The exponent is capped: an outage of a million reads must not compute 2 ** 1000000.
    return min(interval, ERROR_RETRY_FIRST * 2 ** min(failures - 1, 32))


async def watch(queue: Any, args: Optional[Mapping[str, Any]], now: Optional[Callable[[], datetime]] = None) -> None:
    """Read and judge every `interval` seconds and put events on `queue`, until cancelled.

    Bad arguments raise CiceroOptionError before any request.
    """
    params = watch_options(args)
    policy = policy_from(params)
    redactor = credential_redactor(params)
    client = client_from_params(params, redactor)
    readings = open_readings(params, policy)
    url_filter = _RedactingFilter(redactor)
    # urllib3 logs each request line, query string and all, at DEBUG; ansible-rulebook -vv shows DEBUG.
    logging.getLogger('urllib3.connectionpool').addFilter(url_filter)
    now = now or _clock.utc_now
    previous, failures = None, 0
    try:
        while True:
            read_at = now()
            verdict = await in_thread(read_verdict, client, params, policy, redactor, readings)
            event = credits_event(verdict, read_at, params['account'])
            failures = failures + 1 if event['status'] == 'error' else 0
            _log_read(event, failures)
            if should_emit(params['emit'], previous, event):
                await queue.put({EVENT_KEY: event})
            previous = event
            await asyncio.sleep(next_delay(params['interval'], failures))
    finally:
        logging.getLogger('urllib3.connectionpool').removeFilter(url_filter)


def open_readings(params: Params, policy: Policy) -> Readings:
    """The watch's readings: in memory, bounded by the window, and with state_path in a file that a restarted
    activation reads back. CiceroOptionError when the file cannot be used at all."""
    try:
        return Readings(policy['burn_window'], params['state_path'], account_label(params),
                        warn=lambda message: logger.warning('%s: %s', SOURCE, message), strict=False,
                        owner=readings_owner(params))
    except ReadingsError as exc:
        raise CiceroOptionError('state_path: {0}'.format(exc))


async def in_thread(func: Callable[..., Result], *args: Any) -> Result:
    """func(*args) in a daemon thread, awaited without blocking the event loop.

    Not the loop's default executor: its threads are joined when the interpreter exits, so a read hanging
    on a dead server would hold ansible-rulebook's shutdown for up to the client's whole retry budget.
    """
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(outcome: str, value: Any) -> None:
        if not future.done():  # the awaiting task may have been cancelled meanwhile
            getattr(future, outcome)(value)

    def work() -> None:
        value: Any
        try:
            outcome, value = 'set_result', func(*args)
        except BaseException as exc:  # pylint: disable=broad-except  # handed to the awaiting task
            outcome, value = 'set_exception', exc
        try:
            loop.call_soon_threadsafe(settle, outcome, value)
        except RuntimeError:
            pass  # the loop has closed: nobody waits for this read any more

    threading.Thread(target=work, name='melissa-cicero-credits-read', daemon=True).start()
    return await future


def _log_read(event: Dict[str, Any], failures: int) -> None:
    where = ' ({0})'.format(event['account']) if event['account'] else ''
    if event['status'] == 'error':
        logger.warning('%s%s: read failed (%d in a row): %s', SOURCE, where, failures, event['message'])
    else:
        logger.info('%s%s: %s: %s', SOURCE, where, event['status'], event['message'])


def _what_changes(event: Dict[str, Any]) -> Tuple[Any, ...]:
    """What `changes` compares: the status and the account's figures. Not the time of the read, nor what moves
    with it alone (the observed pace over a growing span, the date the credits run out)."""
    return event['status'], event['figures'], event['counted_credits'], event['required_credits']


class _RedactingFilter(logging.Filter):
    """Masks the credentials in log records of the logger it is attached to."""

    def __init__(self, redactor: Redactor) -> None:
        super(_RedactingFilter, self).__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redactor(record.getMessage())
        record.args = ()
        return True
