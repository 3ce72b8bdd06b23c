"""A local simulator of the Cicero account API, for tests, the demo and rehearsing credit gates offline.

    python3 cicero_simulator.py [--port 0] [--scenario healthy] [--xml-shape container] [--lifetime 0]
                                [--stop-with-stdin] [--tls-cert cert.pem --tls-key key.pem]

It listens on 127.0.0.1 only and prints its base URL ("http://127.0.0.1:PORT/v3.1") on the first line.
The URL path can pick a scenario and an XML shape per request, so one simulator serves every case:

    http://127.0.0.1:PORT/v3.1                      the --scenario given at start
    http://127.0.0.1:PORT/low_balance/v3.1          scenario low_balance
    http://127.0.0.1:PORT/healthy/repeated/v3.1     scenario healthy, XML lists as repeated tags

Resources: GET /account/credits_remaining, GET /account/usage/<YYYY[-MM]>[/to/<YYYY[-MM]>], GET /version,
POST /token/new.json (username demo-user, password demo-pass; later calls carry user=123 and the token).
The license keys it knows are the demo key (cicero-demo-key) and those given with --key; key and customer_id
must agree; any other key is answered as the API answers an invalid one (401, "Invalid license key."). A token
counts only with the user it was issued to. The account resources refuse, with a
400, what Melissa's published API description does not allow: a missing or unknown `format`, an `Accept`
other than application/json or */*, a `Content-Type` other than application/json or application/xml.
GET /_stats answers {"requests": {"<scenario> <method> <path>": count}, "tokens_issued": [...]};
POST /_reset clears the counts
and the "fails once" memory of flaky scenarios. Neither is counted.
Stdlib only, so it runs wherever Python 3.8+ does.
"""

import argparse
import json
import secrets
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

try:
    from . import scenarios  # imported as a module of the collection's tests (the benchmarks)
except ImportError:
    import scenarios  # run as a script: the file beside this one (its folder is first on sys.path)

API_PREFIX = '/v3.1'
USERNAME, PASSWORD, USER_ID = 'demo-user', 'demo-pass', 123
DEMO_KEY = 'cicero-demo-key'
FORMATS = ('json', 'xml')
# Melissa's published API description: these header values and no others.
ACCEPT = ('application/json', '*/*')
CONTENT_TYPES = ('application/json', 'application/xml')


class Simulator(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, scenario, xml_shape, slow_seconds, keys=(DEMO_KEY,)):
        super().__init__(('127.0.0.1', port), Handler)
        self.keys = frozenset(keys)  # the license keys of its accounts
        self.scenario = scenario
        self.xml_shape = xml_shape
        self.slow_seconds = slow_seconds
        self.state = {}
        self.counts = {}
        self.tokens = {}            # token: the user id it was issued to
        self.issued = set()         # every token ever issued, for the tests that prove none leaks
        self.first_request_at = None  # epoch seconds of the first counted request since the last reset
        self.lock = threading.Lock()
        self.stopping = threading.Event()  # set when the simulator stops: endless answers end with it

    scheme = 'http'

    def use_tls(self, cert_file, key_file):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.scheme = 'https'

    @property
    def base_url(self):
        return '{0}://127.0.0.1:{1}{2}'.format(self.scheme, self.server_address[1], API_PREFIX)


class Handler(BaseHTTPRequestHandler):
    server_version = 'CiceroSimulator/1.0'
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):  # quiet: the request line carries the license key
        pass

    def do_GET(self):
        self._route('GET')

    def do_POST(self):
        self._route('POST')

    def _route(self, method):
        url = urlsplit(self.path)
        if url.path == '/_reset' and method == 'POST':
            with self.server.lock:
                self.server.state.clear()
                self.server.counts.clear()
                self.server.first_request_at = None
            return self._send(scenarios.Answer(204, 'text/plain', b''))
        if url.path == '/_stats':
            with self.server.lock:
                return self._send(scenarios.Answer(200, 'application/json', json.dumps(
                    {'requests': self.server.counts, 'tokens_issued': sorted(self.server.issued),
                     'first_request_at': self.server.first_request_at}).encode()))
        prefix, marker, resource = url.path.partition(API_PREFIX)
        if not marker:
            return self._send(scenarios.Answer(404, 'text/plain', b'not found'))
        parts = [part for part in prefix.split('/') if part]
        scenario = parts[0] if parts else self.server.scenario
        shape = parts[1] if len(parts) > 1 else self.server.xml_shape
        query = {key: values[-1] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
        fmt = query.get('format') if query.get('format') in FORMATS else 'json'  # for the answer to a bad one
        with self.server.lock:
            count_key = '{0} {1} {2}'.format(scenario, method, resource)
            self.server.counts[count_key] = self.server.counts.get(count_key, 0) + 1
            if self.server.first_request_at is None:
                self.server.first_request_at = time.time()
            if scenario not in scenarios.SCENARIOS or shape not in scenarios.XML_SHAPES:
                answer = scenarios.Answer(404, 'text/plain', 'unknown scenario or XML shape: {0}/{1}; '
                                          'scenarios: {2}'.format(scenario, shape, ', '.join(scenarios.SCENARIOS)).encode())
            elif method == 'POST' and resource == '/token/new.json':
                answer = self._token(scenario)
            elif method == 'GET' and resource == '/version':
                answer = scenarios.Answer(*_json(200, scenarios.envelope({'version': '3.1'})))
            elif method == 'GET' and resource == '/account/credits_remaining':
                answer = self._refused(query, fmt, shape, scenario, url.query) or scenarios.credits_answer(
                    scenario, fmt, shape, self.server.state, self.server.slow_seconds)
            elif method == 'GET' and resource.startswith('/account/usage/'):
                answer = self._refused(query, fmt, shape, scenario, url.query) or self._usage(
                    scenario, fmt, shape, resource)
            else:
                answer = scenarios.Answer(404, 'text/plain', b'not found')
        self._send(answer)

    def _usage(self, scenario, fmt, shape, resource):
        periods = resource[len('/account/usage/'):].split('/to/')
        answer = scenarios.usage_answer(scenario, fmt, shape, self.server.state, periods) if len(periods) <= 2 else None
        return answer or scenarios.error_answer(400, fmt, shape, 'Usage periods are YYYY or YYYY-MM.')

    def _token(self, scenario):
        length = int(self.headers.get('Content-Length') or 0)
        form = {key: values[-1] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        if form.get('username') != USERNAME or form.get('password') != PASSWORD:
            return scenarios.Answer(*_json(200, {'success': False, 'errors': ['Invalid username or password.']}))
        token = secrets.token_hex(8) + '/+ ' + secrets.token_hex(4)  # characters that URL-encoding changes
        self.server.tokens[token] = str(USER_ID)  # the token is good only with its user, as a query string sends it
        self.server.issued.add(token)
        return scenarios.Answer(*_json(200, {'success': True, 'token': token, 'user': USER_ID}))

    def _refused(self, query, fmt, shape, scenario, raw_query):
        """None when the request is one the API would answer, else the error answer."""
        if query.get('format') not in FORMATS:
            return scenarios.error_answer(400, fmt, shape, 'format must be json or xml, got {0!r}.'.format(
                query.get('format')))
        for header, allowed in (('Accept', ACCEPT), ('Content-Type', CONTENT_TYPES)):
            if self.headers.get(header) not in allowed:
                return scenarios.error_answer(400, fmt, shape, 'The {0} header must be one of {1}, got {2!r}.'.format(
                    header, ', '.join(allowed), self.headers.get(header)))
        if scenario == 'key_echo':
            return scenarios.key_echo_answer(fmt, shape, query.get('key') or query.get('token'), raw_query)
        return self._authorised(query, fmt, shape, scenario)

    def _authorised(self, query, fmt, shape, scenario):
        """None when the credentials are good, else the error answer."""
        if 'token' in query or 'user' in query:
            # An empty token, a token without its user or with another user's: the API refuses each alike.
            issued_to = self.server.tokens.get(query.get('token') or '')
            if issued_to is None or issued_to != query.get('user'):
                return scenarios.error_answer(403, fmt, shape, 'Invalid or expired token.')
            if scenario == 'token_expired' and scenarios.first_time(self.server.state, 'token_expired'):
                self.server.tokens.pop(query['token'], None)
                return scenarios.error_answer(403, fmt, shape, 'Invalid or expired token.')
            return None
        if not query.get('key') or query.get('key') != query.get('customer_id'):
            return scenarios.error_answer(401, fmt, shape, 'A license key is required as key and customer_id.')
        if query['key'] not in self.server.keys:
            return scenarios.error_answer(401, fmt, shape, 'Invalid license key.')
        return None

    def _send(self, answer):
        if answer.delay:
            time.sleep(answer.delay)
        try:
            if answer.header_trickle:
                return self._trickle_headers(answer)
            self.send_response(answer.status)
            self.send_header('Content-Type', answer.content_type)
            self.send_header('Content-Length', str(len(answer.body)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if answer.trickle:
                for offset in range(len(answer.body)):
                    self.wfile.write(answer.body[offset:offset + 1])
                    self.wfile.flush()
                    time.sleep(answer.trickle)
            else:
                self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (body cap, timeout): nothing to answer

    def _trickle_headers(self, answer):
        """The status line, then one byte of a header every answer.header_trickle seconds, until the client hangs
        up or the simulator stops: each read of the client gets data, so no read timeout ever fires."""
        self.wfile.write('HTTP/1.1 {0} OK\r\nX-Trickle: '.format(answer.status).encode())
        while not self.server.stopping.is_set():
            self.wfile.write(b'x')
            self.wfile.flush()
            time.sleep(answer.header_trickle)  # not a timed wait on the event: libfaketime gets those wrong
        self.close_connection = True


def _json(status, document):
    return status, 'application/json', json.dumps(document).encode()


def _stop_at_end_of_input(server):
    for dummy in iter(lambda: sys.stdin.buffer.read(4096), b''):
        pass  # whatever is written is ignored; only the end of input counts
    server.shutdown()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--port', type=int, default=0, help='port on 127.0.0.1 (0: a free one)')
    parser.add_argument('--scenario', default='healthy', choices=scenarios.SCENARIOS)
    parser.add_argument('--xml-shape', default='container', choices=scenarios.XML_SHAPES)
    parser.add_argument('--slow-seconds', type=float, default=5.0, help='delay of the "slow" scenario')
    parser.add_argument('--lifetime', type=float, default=0,
                        help='stop by itself after this many seconds (0: run until interrupted)')
    parser.add_argument('--stop-with-stdin', action='store_true',
                        help='stop when standard input closes: give it a pipe, and the simulator stops when the '
                             'process holding the other end exits, however it exits')
    parser.add_argument('--tls-cert', help='PEM certificate: serve HTTPS (with --tls-key)')
    parser.add_argument('--tls-key', help='PEM private key of --tls-cert')
    parser.add_argument('--key', action='append', default=[], metavar='LICENSE_KEY',
                        help='a license key it knows besides the demo key {0} (repeat for more)'.format(DEMO_KEY))
    args = parser.parse_args(argv)
    try:
        server = Simulator(args.port, args.scenario, args.xml_shape, args.slow_seconds, [DEMO_KEY] + args.key)
    except OSError as exc:
        parser.exit(1, 'cicero_simulator: cannot listen on 127.0.0.1:{0}: {1}; choose another --port, or '
                       '--port 0 for a free one\n'.format(args.port, exc.strerror or exc))
    if args.tls_cert:
        server.use_tls(args.tls_cert, args.tls_key)
    print(server.base_url, flush=True)
    if args.lifetime:
        timer = threading.Timer(args.lifetime, server.shutdown)
        timer.daemon = True  # a simulator stopped otherwise does not wait for its lifetime
        timer.start()
    if args.stop_with_stdin:
        # A test runner may end without any teardown (a fork that exits, a kill): the pipe still closes.
        threading.Thread(target=_stop_at_end_of_input, args=(server,), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()
        server.server_close()


if __name__ == '__main__':
    main()
