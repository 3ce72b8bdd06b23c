"""The HTTP client against mocked HTTP (responses): auth, headers, retries, caps, redaction."""

import os
import re
import socketserver
import threading
import time

import pytest
import requests
import responses
from responses import matchers

from ansible_collections.melissa.cicero.plugins.module_utils import _client
from ansible_collections.melissa.cicero.plugins.module_utils._client import (
    CiceroClient, backoff_delay, parse_retry_after, worst_case_seconds)
from ansible_collections.melissa.cicero.plugins.module_utils._errors import (
    CiceroApiError, CiceroResponseError, CiceroTransportError)
from ansible_collections.melissa.cicero.plugins.module_utils._version import USER_AGENT

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', '..')
BASE = 'https://cicero.example/v3.1'
URL = BASE + '/account/credits_remaining'
KEY = 'k3y/with spaces+plus'
OK_BODY = b'{"response": {"errors": [], "messages": [], "results": {"credit_balance": 1}}}'


def make_client(**kwargs):
    sleeps = []
    options = dict(license_key=KEY, sleep=sleeps.append)
    options.update(kwargs)
    client = CiceroClient(BASE + '/', **options)
    return client, sleeps


def assert_no_key(text):
    for form in (KEY, requests.utils.quote(KEY, safe=''), KEY.replace(' ', '+').replace('/', '%2F')):
        assert form not in text


@responses.activate
def test_sends_license_as_key_and_customer_id_with_format_and_headers():
    responses.get(URL, body=OK_BODY, match=[
        matchers.query_param_matcher({'format': 'json', 'key': KEY, 'customer_id': KEY}),
        matchers.header_matcher({'Accept': 'application/json', 'Content-Type': 'application/json',
                                 'User-Agent': USER_AGENT}),
    ])
    client, sleeps = make_client()
    reply = client.get('/account/credits_remaining')
    assert (reply.status, reply.body, reply.attempts, sleeps) == (200, OK_BODY, 1, [])


@responses.activate
def test_xml_format_asks_for_xml():
    responses.get(URL, body=b'<response/>', match=[
        matchers.query_param_matcher({'format': 'xml', 'key': KEY, 'customer_id': KEY}),
        matchers.header_matcher({'Accept': '*/*', 'Content-Type': 'application/xml'}),
    ])
    assert make_client(fmt='xml')[0].get('/account/credits_remaining').status == 200


# The enums of Melissa's API description (parameters HeaderAcceptParam and HeaderContentTypeParam).
DESCRIBED_ACCEPT = ('application/json', '*/*')
DESCRIBED_CONTENT_TYPE = ('application/json', 'application/xml')


@pytest.mark.parametrize('fmt', ['json', 'xml'])
def test_headers_are_values_the_api_description_enumerates(fmt, cicero_api):
    cicero_api.credits(fmt=fmt, body=b'{}')
    make_client(fmt=fmt)[0].get('/account/credits_remaining')
    sent = cicero_api.mock.calls[0].request.headers
    assert sent['Accept'] in DESCRIBED_ACCEPT and sent['Content-Type'] in DESCRIBED_CONTENT_TYPE


@pytest.mark.parametrize('status', [429, 502, 503, 504])
def test_retryable_statuses_are_retried_then_succeed(status, cicero_api):
    cicero_api.credits(status=status, body=b'busy')
    cicero_api.credits(status=status, body=b'busy')
    cicero_api.credits(body=OK_BODY)
    client, sleeps = make_client()
    reply = client.get('/account/credits_remaining')
    assert (reply.status, reply.attempts, len(sleeps)) == (200, 3, 2)
    assert len(cicero_api.mock.calls) == 3


def test_retries_stop_at_the_limit_and_report_attempts(cicero_api):
    cicero_api.credits(status=503, body=b'down')
    client, sleeps = make_client(retries=2)
    reply = client.get('/account/credits_remaining')
    assert (reply.status, reply.attempts, len(sleeps), len(cicero_api.mock.calls)) == (503, 3, 2, 3)


@pytest.mark.parametrize('status', [400, 401, 403, 404, 500])
def test_other_errors_are_not_retried(status, cicero_api):
    cicero_api.credits(status=status, body=b'no')
    client, sleeps = make_client()
    assert client.get('/account/credits_remaining').attempts == 1
    assert sleeps == [] and len(cicero_api.mock.calls) == 1


def test_retry_after_is_honoured_and_capped(cicero_api):
    cicero_api.credits(status=429, headers={'Retry-After': '2'})
    cicero_api.credits(status=429, headers={'Retry-After': '3600'})
    cicero_api.credits(body=OK_BODY)
    client, sleeps = make_client()
    client.get('/account/credits_remaining')
    assert sleeps == [2.0, 60.0]


def test_transport_errors_are_retried_and_the_message_hides_the_key(cicero_api):
    cicero_api.credits(body=requests.exceptions.ConnectionError(
        'HTTPSConnectionPool: Max retries exceeded with url: /v3.1/account/credits_remaining?format=json&key='
        + requests.utils.quote(KEY, safe='') + ' (Caused by NewConnectionError: refused)'))
    client, sleeps = make_client(retries=3)
    with pytest.raises(CiceroTransportError) as caught:
        client.get('/account/credits_remaining')
    message = caught.value.message
    assert message.startswith('Cicero API could not reach https://cicero.example/v3.1/account/credits_remaining: ')
    assert message.endswith('(gave up after 4 attempts)')
    assert len(sleeps) == 3 and len(cicero_api.mock.calls) == 4
    assert_no_key(message)


def test_timeout_is_named(cicero_api):
    cicero_api.credits(body=requests.exceptions.ReadTimeout('read timed out'))
    with pytest.raises(CiceroTransportError, match=r'timed out after 7s talking to .* \(gave up after 1 attempt\)'):
        make_client(timeout=7, retries=0)[0].get('/account/credits_remaining')


def test_a_tls_failure_is_named_with_what_to_do_and_not_retried(cicero_api):
    cicero_api.credits(body=requests.exceptions.SSLError('certificate verify failed: self-signed certificate'))
    client, sleeps = make_client(retries=3)
    with pytest.raises(CiceroTransportError) as raised:
        client.get('/account/credits_remaining')
    assert raised.value.message == (
        'Cicero API TLS verification failed for {0}: SSLError: certificate verify failed: self-signed certificate. '
        "If a proxy or a private CA signs the API's certificate, give that CA's PEM bundle as ca_path".format(URL))
    assert (len(cicero_api.mock.calls), sleeps, raised.value.details) == (1, [], {'attempts': 1})


def test_the_hint_names_the_option_as_the_caller_spells_it(cicero_api):
    cicero_api.credits(body=requests.exceptions.SSLError('certificate verify failed'))
    with pytest.raises(CiceroTransportError, match="give that CA's PEM bundle as assert_credits_ca_path$"):
        make_client(in_callers_words=lambda option: 'assert_credits_' + option)[0].get('/account/credits_remaining')


def test_https_to_a_plain_http_server_is_named_as_that(cicero_api):
    cicero_api.credits(body=requests.exceptions.SSLError(
        '[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)'))
    with pytest.raises(CiceroTransportError) as raised:
        make_client(retries=2)[0].get('/account/credits_remaining')
    assert raised.value.message == (
        'Cicero API at {0} answered in plain HTTP, not TLS: the URL says https:// but the server speaks '
        'http:// on that port; fix the scheme or the port of api_url'.format(URL))
    assert len(cicero_api.mock.calls) == 1


@pytest.mark.parametrize('options, verify', [
    (dict(ca_path='/tmp/ca.pem'), '/tmp/ca.pem'),
    (dict(validate_certs=False, ca_path='/tmp/ca.pem'), False),
    ({}, True),
])
def test_ca_path_and_validate_certs_reach_requests(options, verify, monkeypatch, cicero_api):
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):  # requests puts these in place of verify=True
        monkeypatch.delenv(name, raising=False)
    cicero_api.credits(body=OK_BODY)
    make_client(**options)[0].get('/account/credits_remaining')
    assert cicero_api.mock.calls[0].request.req_kwargs['verify'] == verify


def test_declared_oversized_body_is_refused_unread(cicero_api):
    cicero_api.credits(body=b'x', headers={'Content-Length': str(_client.MAX_BODY_BYTES + 1)},
                       auto_calculate_content_length=False)
    with pytest.raises(CiceroResponseError, match='answer too large .*declared'):
        make_client()[0].get('/account/credits_remaining')


def test_streamed_oversized_body_stops_at_the_cap(monkeypatch, cicero_api):
    monkeypatch.setattr(_client, 'MAX_BODY_BYTES', 100)
    cicero_api.credits(body=b'x' * 1000, auto_calculate_content_length=False)
    with pytest.raises(CiceroResponseError, match='more than 100 bytes sent'):
        make_client()[0].get('/account/credits_remaining')


TOKEN = 'tok/en+1'


def test_token_auth_logs_in_then_sends_user_and_token(cicero_api):
    cicero_api.login('u', 'p4ss', token=TOKEN)
    cicero_api.credits(token=TOKEN, body=OK_BODY)
    client = make_client(license_key=None, username='u', password='p4ss')[0]
    assert client.get('/account/credits_remaining').status == 200
    assert client.redact('x ' + TOKEN + ' ' + requests.utils.quote(TOKEN, safe='')) == 'x ******** ********'


def test_token_auth_logs_in_again_once_on_403(cicero_api):
    cicero_api.login('u', 'p4ss', token=TOKEN)
    cicero_api.credits(token=TOKEN, status=403, body=b'{}')
    cicero_api.login('u', 'p4ss', token=TOKEN + '2')
    cicero_api.credits(token=TOKEN + '2', body=OK_BODY)
    client, sleeps = make_client(license_key=None, username='u', password='p4ss')
    reply = client.get('/account/credits_remaining')
    assert (reply.status, reply.attempts, sleeps) == (200, 1, [])
    assert [call.request.method for call in cicero_api.mock.calls] == ['POST', 'GET', 'POST', 'GET']


def test_token_auth_gives_up_after_one_fresh_login(cicero_api):
    cicero_api.login('u', 'p4ss', token=TOKEN)
    cicero_api.credits(token=TOKEN, status=403, body=b'{}')
    reply = make_client(license_key=None, username='u', password='p4ss')[0].get('/account/credits_remaining')
    assert reply.status == 403 and len(cicero_api.mock.calls) == 4


def test_failed_login_names_the_api_error_and_hides_the_password(cicero_api):
    cicero_api.login('u', 'p4ss', json={'success': False, 'errors': ['Bad password p4ss']})
    client = make_client(license_key=None, username='u', password='p4ss')[0]
    with pytest.raises(CiceroApiError, match=r'token request .* failed with HTTP 200 OK: Bad password \*{8}$'):
        client.get('/account/credits_remaining')


def test_backoff_grows_is_capped_and_jittered():
    assert backoff_delay(1, rand=lambda: 0.0) == 0.5
    assert backoff_delay(1, rand=lambda: 1.0) == 1.0
    assert backoff_delay(2, rand=lambda: 1.0) == 2.0 and backoff_delay(3, rand=lambda: 1.0) == 4.0
    assert backoff_delay(5, rand=lambda: 1.0) == 16.0  # 0.5 x 2^4: the cap the docs state, reached
    assert backoff_delay(6, rand=lambda: 1.0) == 16.0 and backoff_delay(30, rand=lambda: 0.0) == 8.0


def test_retry_after_as_seconds_or_http_date():
    assert parse_retry_after('5') == 5.0
    assert parse_retry_after('Wed, 25 Nov 2026 12:00:30 GMT', now=1795608000.0) == 30.0
    assert parse_retry_after('Wed, 25 Nov 2026 11:00:00 GMT', now=1795608000.0) == 0.0
    assert parse_retry_after('soon') is None and parse_retry_after(None) is None
    assert backoff_delay(1, retry_after='Wed, 25 Nov 2027 12:00:00 GMT', now=1795608000.0) == 60.0


def test_an_http_date_retry_after_is_read_against_the_collection_clock(clock):
    # clock is 2026-11-15 12:00:00 UTC (tests/unit/conftest.py)
    assert parse_retry_after('Sun, 15 Nov 2026 12:00:45 GMT') == 45.0
    assert backoff_delay(1, retry_after='Sun, 15 Nov 2026 13:00:00 GMT') == 60.0


class TricklingHandler(socketserver.BaseRequestHandler):
    """Answers 200 with a long body, one byte every 50 ms: each read gets data, so no read timeout fires."""

    def handle(self):
        self.request.recv(65536)
        try:
            self.request.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n')
            for dummy in range(400):
                self.request.sendall(b' ')
                time.sleep(0.05)
        except OSError:
            pass  # the client gave up, as it should


@pytest.fixture
def trickling_url():
    server = socketserver.ThreadingTCPServer(('127.0.0.1', 0), TricklingHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield 'http://127.0.0.1:{0}/v3.1'.format(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def test_the_stated_worst_case_bounds_a_real_slow_call(trickling_url):
    """docs/security-and-failures.md states worst_case_seconds; a trickling server is its worst case."""
    timeout, retries = 0.5, 2
    slept = []  # the back-off sleeps, counted rather than slept
    client = CiceroClient(trickling_url, license_key=KEY, timeout=timeout, retries=retries, sleep=slept.append)
    started = time.monotonic()
    with pytest.raises(CiceroTransportError, match='gave up after 3 attempts'):
        client.get('/account/credits_remaining')
    elapsed = time.monotonic() - started + sum(slept)
    assert len(slept) == retries and all(0 < seconds <= 60 for seconds in slept)
    # Every attempt really waited out its timeout, and the whole call stayed inside the stated bound.
    assert (retries + 1) * timeout <= elapsed - sum(slept)
    assert elapsed <= worst_case_seconds(timeout, retries)


def test_the_worst_case_the_docs_state_for_the_defaults():
    with open(os.path.join(REPO, 'docs', 'security-and-failures.md')) as handle:
        docs = handle.read()
    assert '`(retries + 1) x 2 x timeout + retries x 60` seconds; {0:g} s with the defaults'.format(
        worst_case_seconds(30, 3)) in docs


def test_redacted_messages_never_carry_query_credentials():
    client = make_client()[0]
    text = client.redact('GET /x?customer_id=other&key=abc&format=json token=zz')
    assert re.findall(r'(customer_id|key|token)=([^&\s]*)', text) == [
        ('customer_id', '********'), ('key', '********'), ('token', '********')]


def test_compressed_answers_are_decoded(cicero_api):
    import gzip
    cicero_api.credits(body=gzip.compress(OK_BODY), headers={'Content-Encoding': 'gzip'})
    assert make_client()[0].get('/account/credits_remaining').body == OK_BODY


def test_a_tls_failure_at_the_token_login_is_not_retried_either(cicero_api):
    """What a failed call raises becomes the module's result (fail_json(**details)): documented keys only."""
    cicero_api.login('u', 'p', body=requests.exceptions.SSLError('certificate verify failed'))
    client, sleeps = make_client(license_key=None, username='u', password='p', retries=3)
    with pytest.raises(CiceroTransportError) as raised:
        client.get('/account/credits_remaining')
    assert (raised.value.details, sleeps, len(cicero_api.mock.calls)) == ({'attempts': 1}, [], 1)


def test_the_servers_reason_and_content_type_are_cut_to_100_characters():
    reply = _client.Reply(200, 'R' * 150, 'T' * 150, b'')
    assert (reply.reason, reply.content_type) == ('R' * 100 + '...', 'T' * 100 + '...')
    assert _client.Reply(200, 'R' * 100, None, b'').reason == 'R' * 100


def test_three_retries_by_default(cicero_api):
    cicero_api.credits(status=503, body=b'down')
    sleeps = []
    reply = CiceroClient(BASE, license_key=KEY, sleep=sleeps.append).get('/account/credits_remaining')
    assert (reply.status, reply.attempts, len(sleeps), len(cicero_api.mock.calls)) == (503, 4, 3, 4)


@pytest.mark.parametrize('status', [400, 401, 404, 500])
def test_a_token_account_logs_in_again_on_403_only(status, cicero_api):
    cicero_api.login('u', 'p4ss', token=TOKEN)
    cicero_api.credits(token=TOKEN, status=status, body=b'{}')
    reply = make_client(license_key=None, username='u', password='p4ss')[0].get('/account/credits_remaining')
    assert reply.status == status and [call.request.method for call in cicero_api.mock.calls] == ['POST', 'GET']


def test_a_redirects_scheme_is_shown_cut_to_20_characters(cicero_api):
    cicero_api.credits(status=302, headers={'Location': 'abcdefghijklmnopqrstuvwxyz://elsewhere.example/x'})
    with pytest.raises(CiceroApiError) as raised:
        make_client()[0].get('/account/credits_remaining')
    assert 'a redirect to host elsewhere.example (abcdefghijklmnopqrst...), which is not followed' in \
        raised.value.message, raised.value.message


def test_the_innermost_reason_of_a_chain_of_reasons_is_described():
    import urllib3  # pylint: disable=import-outside-toplevel
    inner = urllib3.exceptions.NewConnectionError(None, 'Failed to establish a new connection: refused')
    chained = urllib3.exceptions.MaxRetryError(None, '/v3.1/account/credits_remaining', reason=inner)
    described = _client._describe(chained)
    assert described.startswith('NewConnectionError: ') and 'refused' in described, described
    assert _client._describe(requests.exceptions.ConnectionError(chained)) == described


def test_with_requests_installed_nothing_is_missing():
    assert (_client.HAS_REQUESTS, _client.REQUESTS_IMPORT_ERROR) == (True, None)


def test_without_requests_the_client_loads_and_the_library_is_named(new_python):
    """A controller or host without requests: the modules load and fail naming it (missing_required_lib)."""
    code, out, err = new_python(
        "import sys; sys.modules['requests'] = None\n"
        "from ansible_collections.melissa.cicero.plugins.module_utils import _client, _connection\n"
        "print(_client.HAS_REQUESTS, 'requests' in _client.REQUESTS_IMPORT_ERROR, "
        "_connection.missing_library(dict(format='json'))[0])\n")
    assert (code, out) == (0, 'False True requests\n'), err


@pytest.mark.parametrize('status, ok', [(199, False), (200, True), (299, True), (300, False)])
def test_a_reply_is_ok_from_200_to_299(status, ok):
    assert _client.Reply(status, '', None, b'').ok is ok


@pytest.mark.parametrize('size, refused', [(0, False), (1, False), ('cap', False), ('cap+1', True)])
def test_a_streamed_body_of_the_caps_size_is_read_and_one_byte_more_is_refused(size, refused, monkeypatch, cicero_api):
    monkeypatch.setattr(_client, 'MAX_BODY_BYTES', 1000)
    size = {'cap': 1000, 'cap+1': 1001}.get(size, size)
    cicero_api.credits(body=b'x' * size, auto_calculate_content_length=False)
    if refused:
        with pytest.raises(CiceroResponseError, match=r'more than 1000 bytes sent'):
            make_client()[0].get('/account/credits_remaining')
    else:
        assert make_client()[0].get('/account/credits_remaining').body == b'x' * size


@pytest.mark.parametrize('declared, refused', [(1000, False), (1001, True)])
def test_a_declared_length_of_the_caps_size_is_read_and_one_byte_more_is_refused(declared, refused, monkeypatch,
                                                                                 cicero_api):
    monkeypatch.setattr(_client, 'MAX_BODY_BYTES', 1000)
    cicero_api.credits(body=b'x' * declared, auto_calculate_content_length=True)
    if refused:
        with pytest.raises(CiceroResponseError, match=r'answer too large \(HTTP 200, .*1001.* declared'):
            make_client()[0].get('/account/credits_remaining')
    else:
        assert len(make_client()[0].get('/account/credits_remaining').body) == declared


def test_the_cap_is_10_mib_as_documented():
    assert _client.MAX_BODY_BYTES == 10 * 1024 * 1024  # docs/security-and-failures.md states it


@pytest.mark.parametrize('answer, said', [
    (dict(body=b'<html>down</html>'), 'HTTP 200 OK: '),
    (dict(status=500, json={'success': True, 'token': 'T', 'user': 1}), 'HTTP 500 Internal Server Error: '),
    (dict(json={'success': True, 'user': 1}), 'HTTP 200 OK: '),
    (dict(json=['success']), 'HTTP 200 OK: '),
])
def test_a_login_that_gives_no_token_is_an_error_naming_its_status(answer, said, cicero_api):
    cicero_api.login('u', 'p4ss', **answer)
    client = make_client(license_key=None, username='u', password='p4ss')[0]
    with pytest.raises(CiceroApiError) as raised:
        client.get('/account/credits_remaining')
    assert raised.value.message.startswith('Cicero token request (POST /token/new.json) failed with ' + said), \
        raised.value.message


def test_a_redirects_host_is_shown_cut_to_100_characters(cicero_api):
    cicero_api.credits(status=302, headers={'Location': 'https://' + 'h' * 150 + '.example/x'})
    with pytest.raises(CiceroApiError) as raised:
        make_client()[0].get('/account/credits_remaining')
    assert 'a redirect to host {0}... (https)'.format('h' * 100) in raised.value.message, raised.value.message


def test_plain_http_that_fails_for_another_reason_gets_no_tls_hint():
    client = CiceroClient('http://cicero.example/v3.1', license_key=KEY)
    error = client._transport_error('could not reach', 'http://cicero.example/v3.1/x?key=1',
                                    requests.exceptions.ConnectionError('Name or service not known'))
    assert error.message == ('Cicero API could not reach http://cicero.example/v3.1/x: ConnectionError: Name or '
                             'service not known')
    https = client._transport_error('could not reach', 'https://cicero.example/v3.1/x',
                                    requests.exceptions.ConnectionError('Connection reset by peer'))
    assert 'needs https://' not in https.message


@pytest.mark.parametrize('url, shown', [
    ('https://cicero.example/v3.1/x?key=1&format=json', 'https://cicero.example/v3.1/x'),
    ('https://cicero.example/v3.1/x', 'https://cicero.example/v3.1/x'),
    ('https://cicero.example/v3.1/x?a=1?b=2', 'https://cicero.example/v3.1/x'),
])
def test_a_url_is_shown_without_its_query(url, shown):
    assert _client._without_query(url) == shown


@pytest.mark.parametrize('status, redirect', [(299, False), (300, True), (399, True), (400, False)])
def test_every_3xx_is_a_redirect_that_is_not_followed(status, redirect, cicero_api):
    cicero_api.credits(status=status, headers={'Location': 'https://elsewhere.example/x'}, body=b'{}')
    if redirect:
        with pytest.raises(CiceroApiError, match='a redirect to host elsewhere.example'):
            make_client()[0].get('/account/credits_remaining')
    else:
        assert make_client()[0].get('/account/credits_remaining').status == status
