"""Fixtures every unit test may use: the collection's one clock set to a fixed moment, sleeps recorded
instead of slept, and the simulator (for the watch, whose reads run in threads that `responses` cannot pace).

No unit test reads today's date: `make test` runs this suite a second time with the whole process's clock
moved years ahead (faketime, the `unit` target), and any test that still did would fail there.
"""

import os
import sys

from datetime import datetime, timezone

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils import _client, _clock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'integration'))
from support import simulator_fixtures  # noqa: E402  pylint: disable=wrong-import-position

# A moment with nothing special about it: mid-month, so the last three full months are August to October.
FIXED_NOW = datetime(2026, 11, 15, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock(monkeypatch):
    """Set the collection's clock to FIXED_NOW; returns it."""
    monkeypatch.setattr(_clock, 'utc_now', lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def no_sleep(monkeypatch):
    """The seconds every client back-off asked to sleep, none of them slept."""
    slept = []
    monkeypatch.setattr(_client.time, 'sleep', slept.append)
    return slept


# One simulator for the session. Its slow scenario is short: long enough to overlap many reads of another
# watch, short enough for a unit test. It stops with the session, or when the process that started it ends
# without teardown (ansible-test units runs each test in a fork).
simulator, fresh_simulator = simulator_fixtures('--slow-seconds', '1.5')
