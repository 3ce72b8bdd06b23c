"""The simulator for the watch's tests: reads go over loopback in threads, which `responses` cannot pace."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'integration'))
from support import start_simulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope='session')
def simulator():
    # A short slow scenario: long enough to overlap many reads of another watch, short enough for a unit test.
    server = start_simulator('--slow-seconds', '1.5')
    yield server
    server.stop()


@pytest.fixture
def fresh_simulator(simulator):
    simulator.reset()
    return simulator
