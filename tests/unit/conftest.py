"""Fixtures every unit test may use: the collection's one clock set to a fixed moment, and sleeps recorded
instead of slept.

No unit test reads today's date: `make test` runs this suite a second time with the whole process's clock
moved years ahead (faketime, the `unit` target), and any test that still did would fail there.
"""

from datetime import datetime, timezone

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils import _client, _clock

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
