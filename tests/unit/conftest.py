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
from ansible_collections.melissa.cicero.tests.support import simulator_fixtures

# A moment with nothing special about it: mid-month, so the last three full months are August to October.
FIXED_NOW = datetime(2026, 11, 15, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def clock(monkeypatch):
    """Set the collection's clock to FIXED_NOW; returns it."""
    monkeypatch.setattr(_clock, 'utc_now', lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def new_python():
    """Run a Python script in a new interpreter that imports the collection as the tests do (a clean sys.modules,
    for what an import loads or what a missing library does); returns (exit code, standard output, standard error)."""
    def run(script):
        import subprocess  # pylint: disable=import-outside-toplevel
        shown = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, check=False,
                               env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
        return shown.returncode, shown.stdout, shown.stderr
    return run


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


TOKEN_USER = 123  # the user id a stubbed login answers


class CiceroStubs:
    """Strict stubs of the Cicero API for `responses`: each matches the request its test means - the path, the
    query (format, and key and customer_id both the key) and the media-type headers the API description
    enumerates - and a request that matches none of them fails the test (see the `cicero_api` fixture)."""

    def __init__(self, mock, base, key):
        self.mock = mock
        self.base = base.rstrip('/')
        self.key = key

    def stub(self, path, fmt='json', key=None, token=None, **answer):
        """A GET of `path` in `fmt` with the license key (or, given `token`, the user and token of a login)."""
        from responses import matchers  # pylint: disable=import-outside-toplevel
        key = self.key if key is None else key
        credential = dict(user=str(TOKEN_USER), token=token) if token else dict(key=key, customer_id=key)
        return self.mock.get(self.base + path, match=[
            matchers.query_param_matcher(dict(credential, format=fmt)),
            matchers.header_matcher(dict(_client.MEDIA_TYPES[fmt])),
        ], **answer)

    def login(self, username, password, **answer):
        """POST /token/new.json with these form fields; answers a token for TOKEN_USER unless told otherwise."""
        from responses import matchers  # pylint: disable=import-outside-toplevel
        token = answer.pop('token', 'tok/en+1')
        if 'body' not in answer:
            answer.setdefault('json', {'success': True, 'token': token, 'user': TOKEN_USER})
        return self.mock.post(self.base + '/token/new.json', match=[
            matchers.urlencoded_params_matcher(dict(username=username, password=password))], **answer)

    def credits(self, **answer):
        return self.stub('/account/credits_remaining', **answer)

    def usage(self, periods, **answer):
        return self.stub('/account/usage/' + periods, **answer)


@pytest.fixture
def cicero_api(request):
    """CiceroStubs on https://cicero.example/v3.1 for the key the test module names (KEY). Every stub must be
    called (assert_all_requests_are_fired), and a request no stub matches fails the test at its end, even when
    the code under test turned the refusal into an error of its own."""
    import responses  # pylint: disable=import-outside-toplevel
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        stubs = CiceroStubs(mock, getattr(request.module, 'BASE', 'https://cicero.example/v3.1'),
                            getattr(request.module, 'KEY', 'unit key/+&='))
        yield stubs
        unmatched = [call.request.url for call in mock.calls
                     if 'Connection refused by Responses' in str(call.response)]  # what responses answers unmatched
        assert unmatched == [], 'requests no stub matches: {0}'.format(unmatched)
