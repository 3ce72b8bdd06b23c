"""The client against hostile servers on loopback: a trickle of headers, redirects, ~/.netrc, proxies.

Each server is a raw socket server started by its test on a free port of 127.0.0.1 and stopped with it; each
one stops sending by itself after a while, so a client that would wait for ever makes its test fail, not hang.
"""

import socketserver
import threading
import time

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils import _client
from ansible_collections.melissa.cicero.plugins.module_utils._client import CiceroClient, attempt_deadline
from ansible_collections.melissa.cicero.plugins.module_utils._errors import (
    CiceroApiError, CiceroResponseError, CiceroTransportError)

KEY = 'hostile-key/+='
PASSWORD = 'pass word/+@'
OK_BODY = b'{"response": {"errors": [], "messages": [], "results": {"credit_balance": 1}}}'
GIVE_UP_SECONDS = 20  # a server never trickles longer than this


class Recorder(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, answer):
        self.answer = answer
        self.requests = []
        super(Recorder, self).__init__(('127.0.0.1', 0), Handler)

    @property
    def origin(self):
        return 'http://127.0.0.1:{0}'.format(self.server_address[1])


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        data = b''
        while b'\r\n\r\n' not in data:
            chunk = self.request.recv(65536)
            if not chunk:
                return
            data += chunk
        head, dummy, body = data.partition(b'\r\n\r\n')
        length = [int(line.split(b':')[1]) for line in head.split(b'\r\n') if line.lower().startswith(b'content-length')]
        while length and len(body) < length[0]:
            body += self.request.recv(65536)
        self.server.requests.append(head.decode('latin-1') + '\r\n\r\n' + body.decode('latin-1'))
        try:
            self.server.answer(self.request)
        except OSError:
            pass  # the client hung up, as it should


@pytest.fixture
def serve():
    servers = []

    def start(answer):
        server = Recorder(answer)
        # A short poll: shutdown() waits for it, once per test.
        threading.Thread(target=server.serve_forever, kwargs=dict(poll_interval=0.05), daemon=True).start()
        servers.append(server)
        return server
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def trickle(sock, head, every=0.05):
    """Send `head`, then one more header byte every `every` seconds: each read gets data, no read timeout fires."""
    sock.sendall(head)
    stop = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < stop:
        sock.sendall(b'X')
        time.sleep(every)


def ok(sock):
    sock.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n'
                 b'Connection: close\r\n\r\n%s' % (len(OK_BODY), OK_BODY))


def test_a_server_that_trickles_its_headers_is_left_at_the_deadline_of_the_attempt(serve):
    server = serve(lambda sock: trickle(sock, b'HTTP/1.1 200 OK\r\nX-Slow: '))
    # A byte every 0.05 s against a read timeout of 0.5 s: far apart, so that a busy machine never blurs them.
    client = CiceroClient(server.origin + '/v3.1', license_key=KEY, timeout=0.5, retries=1, sleep=lambda s: None)
    started = time.monotonic()
    with pytest.raises(CiceroTransportError) as caught:
        client.get('/account/credits_remaining')
    assert caught.value.message == (
        'Cicero API did not answer within 1s (the deadline of one attempt, twice the timeout of 0.5s): {0}/v3.1/'
        'account/credits_remaining (gave up after 2 attempts)'.format(server.origin))
    assert len(server.requests) == 2
    # Each attempt ended at its deadline (two of them), far before the server would have stopped by itself.
    assert time.monotonic() - started < 2 * attempt_deadline(0.5) + 5 < GIVE_UP_SECONDS


def test_a_server_that_trickles_its_body_is_left_at_the_deadline_too(serve):
    server = serve(lambda sock: trickle(sock, b'HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n'))
    client = CiceroClient(server.origin + '/v3.1', license_key=KEY, timeout=0.5, retries=0)
    with pytest.raises(CiceroTransportError, match='did not answer within 1s'):
        client.get('/account/credits_remaining')


def test_a_body_without_a_length_that_never_ends_is_left_at_the_deadline(serve):
    """Read until the server closes: http.client hands such an answer's socket to the answer, and the deadline must
    still reach it (the server here would go on for 20 s)."""
    server = serve(lambda sock: trickle(sock, b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"a'))
    client = CiceroClient(server.origin + '/v3.1', license_key=KEY, timeout=0.5, retries=0)
    started = time.monotonic()
    with pytest.raises(CiceroTransportError, match='did not answer within 1s'):
        client.get('/account/credits_remaining')
    assert time.monotonic() - started < 5


def test_a_body_past_the_cap_that_never_ends_is_cut_at_the_cap_as_it_streams_in(serve, monkeypatch):
    """Read as it streams in: the cap stops the read at the first piece past it, not at the deadline."""
    monkeypatch.setattr(_client, 'MAX_BODY_BYTES', 100)
    server = serve(lambda sock: trickle(sock, b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n' +
                                        b'x' * 70000))
    client = CiceroClient(server.origin + '/v3.1', license_key=KEY, timeout=5, retries=0)
    started = time.monotonic()
    with pytest.raises(CiceroResponseError, match='more than 100 bytes sent'):
        client.get('/account/credits_remaining')
    assert time.monotonic() - started < 5


def test_a_redirect_to_another_origin_is_refused_naming_it_and_never_followed(serve):
    elsewhere = serve(ok)
    # A body far past the size cap: refused without a byte of it read.
    head = 'HTTP/1.1 302 Found\r\nLocation: {0}/steal\r\nContent-Length: 314572800\r\n\r\n'.format(elsewhere.origin)
    server = serve(lambda sock: trickle(sock, head.encode(), every=0.01))
    client = CiceroClient(server.origin + '/v3.1', license_key=KEY, timeout=5, retries=3)
    started = time.monotonic()
    with pytest.raises(CiceroApiError) as caught:
        client.get('/account/credits_remaining')
    assert caught.value.message == (
        'Cicero API answered GET {0}/v3.1/account/credits_remaining with HTTP 302 Found, a redirect to host '
        '127.0.0.1 (http), which is not followed: the credentials would go with it. Set api_url to the address the '
        'API answers at'.format(server.origin))
    assert caught.value.details == dict(status=302)
    assert elsewhere.requests == [] and len(server.requests) == 1  # not followed, not retried
    assert time.monotonic() - started < 5


def test_a_redirect_of_the_token_login_never_sends_the_password_on(serve):
    elsewhere = serve(ok)
    server = serve(lambda sock: sock.sendall('HTTP/1.1 307 Temporary Redirect\r\nLocation: {0}/token/new.json\r\n'
                                             'Content-Length: 0\r\n\r\n'.format(elsewhere.origin).encode()))
    client = CiceroClient(server.origin + '/v3.1', username='someone', password=PASSWORD, timeout=5,
                          in_callers_words=lambda option: 'assert_credits_' + option)
    with pytest.raises(CiceroApiError, match=r'^Cicero API answered POST .*/v3.1/token/new.json with HTTP 307 '
                                             r'Temporary Redirect, a redirect to host 127.0.0.1 .*Set '
                                             r'assert_credits_api_url to'):
        client.get('/account/credits_remaining')
    assert elsewhere.requests == [] and len(server.requests) == 1


def test_a_relative_redirect_is_refused_as_well(serve):
    server = serve(lambda sock: sock.sendall(b'HTTP/1.1 301 Moved Permanently\r\nLocation: /v4/x\r\n'
                                             b'Content-Length: 0\r\n\r\n'))
    with pytest.raises(CiceroApiError, match='HTTP 301 Moved Permanently, a redirect on the same host'):
        CiceroClient(server.origin + '/v3.1', license_key=KEY).get('/account/credits_remaining')


def test_netrc_credentials_are_never_sent(serve, tmp_path, monkeypatch):
    server = serve(ok)
    netrc = tmp_path / 'netrc'
    netrc.write_text('machine 127.0.0.1 login someone password netrc-secret\n')
    netrc.chmod(0o600)
    monkeypatch.setenv('NETRC', str(netrc))
    monkeypatch.setenv('HOME', str(tmp_path))
    (tmp_path / '.netrc').write_text(netrc.read_text())
    (tmp_path / '.netrc').chmod(0o600)
    assert CiceroClient(server.origin + '/v3.1', license_key=KEY).get('/account/credits_remaining').status == 200
    assert 'authorization' not in server.requests[0].lower()


def test_proxies_of_the_environment_are_still_used_and_no_proxy_honoured(serve, monkeypatch):
    proxy = serve(ok)
    for name in ('NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy', 'HTTPS_PROXY', 'https_proxy'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HTTP_PROXY', proxy.origin)
    reply = CiceroClient('http://cicero.example/v3.1', license_key=KEY).get('/account/credits_remaining')
    assert reply.status == 200
    assert proxy.requests[0].startswith('GET http://cicero.example/v3.1/account/credits_remaining?')
    monkeypatch.setenv('NO_PROXY', 'cicero.example')
    with pytest.raises(CiceroTransportError, match='could not reach http://cicero.example'):
        CiceroClient('http://cicero.example/v3.1', license_key=KEY, retries=0).get('/account/credits_remaining')
    assert len(proxy.requests) == 1


def test_the_ca_bundle_of_the_environment_is_still_used(monkeypatch, cicero_api):
    for dummy in range(3):
        cicero_api.credits(body=OK_BODY)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', '/etc/ssl/bundle.pem')
    CiceroClient('https://cicero.example/v3.1', license_key=KEY).get('/account/credits_remaining')
    CiceroClient('https://cicero.example/v3.1', license_key=KEY, ca_path='/own.pem').get('/account/credits_remaining')
    CiceroClient('https://cicero.example/v3.1', license_key=KEY, validate_certs=False).get('/account/credits_remaining')
    assert [call.request.req_kwargs['verify'] for call in cicero_api.mock.calls] == ['/etc/ssl/bundle.pem', '/own.pem', False]


def test_plain_http_against_a_tls_port_says_the_server_may_want_https(serve):
    # What a TLS server sends to a plain-HTTP request: an alert record, then the end of the connection.
    server = serve(lambda sock: sock.sendall(b'\x15\x03\x01\x00\x02\x02\x46'))
    with pytest.raises(CiceroTransportError) as caught:
        CiceroClient(server.origin + '/v3.1', license_key=KEY, retries=0).get('/account/credits_remaining')
    assert caught.value.message.endswith('. If the server speaks TLS on that port, api_url needs https:// (gave up after '
                                         '1 attempt)')
    assert caught.value.message.startswith('Cicero API could not reach {0}/v3.1/account/credits_remaining: '.format(
        server.origin))


def test_a_redirects_reason_is_the_servers_text_cut_at_100_characters(serve):
    server = serve(lambda sock: sock.sendall(b'HTTP/1.1 302 ' + b'R' * 150 + b'\r\nLocation: http://x.example/\r\n'
                                             b'Content-Length: 0\r\n\r\n'))
    with pytest.raises(CiceroApiError) as caught:
        CiceroClient(server.origin + '/v3.1', license_key=KEY, retries=0).get('/account/credits_remaining')
    assert ' with HTTP 302 {0}..., a redirect to host x.example '.format('R' * 100) in caught.value.message


@pytest.mark.parametrize('environment, verify', [
    (dict(REQUESTS_CA_BUNDLE='/etc/ssl/requests.pem', CURL_CA_BUNDLE='/etc/ssl/curl.pem'), '/etc/ssl/requests.pem'),
    (dict(CURL_CA_BUNDLE='/etc/ssl/curl.pem'), '/etc/ssl/curl.pem'),
    ({}, True),
])
def test_the_environments_ca_bundles_are_taken_as_requests_takes_them(monkeypatch, cicero_api, environment, verify):
    cicero_api.credits(body=OK_BODY)
    for name in ('REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    CiceroClient('https://cicero.example/v3.1', license_key=KEY).get('/account/credits_remaining')
    assert cicero_api.mock.calls[0].request.req_kwargs['verify'] == verify
