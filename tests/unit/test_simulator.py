"""The simulator answers as Melissa's published API description says the API does, and refuses what the
API would refuse: integration tests prove only what the simulator makes them meet."""

import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from ansible_collections.melissa.cicero.tests.support import SIMULATOR, SIMULATOR_TEST_KEY as KEY

DEMO_KEY = 'cicero-demo-key'
JSON_HEADERS = {'Accept': 'application/json', 'Content-Type': 'application/json'}
XML_HEADERS = {'Accept': '*/*', 'Content-Type': 'application/xml'}


def get(simulator, path, query, headers, scenario='healthy'):
    """(status, headers, body text) of a GET, errors included."""
    url = '{0}{1}?{2}'.format(simulator.url(scenario), path, urllib.parse.urlencode(query))
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as answer:
            return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def credits(simulator, fmt='json', headers=None, scenario='healthy', **query):
    query = dict(dict(format=fmt, key=KEY, customer_id=KEY), **query)
    query = {name: value for name, value in query.items() if value is not None}
    return get(simulator, '/account/credits_remaining', query,
               JSON_HEADERS if headers is None and fmt == 'json' else headers or XML_HEADERS, scenario)


def test_dates_are_written_as_melissa_publishes_them(simulator):
    status, dummy, body = credits(simulator)
    batches = json.loads(body)['response']['results']['usable_batches']
    assert status == 200 and batches
    for batch in batches:
        assert re.match(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} Z$', batch['created']), batch['created']
        assert re.match(r'^\d{4}-\d\d-\d\d$', batch['expiration_time']), batch['expiration_time']


def test_xml_is_shaped_as_the_published_example(simulator):
    status, dummy, body = credits(simulator, 'xml')
    assert status == 200
    assert body.startswith('<response><errors /><messages /><results><credit_balance>12500</credit_balance>')
    assert '<usable_batches><usable_batch><credits_purchased>' in body and '<?xml' not in body


@pytest.mark.parametrize('fmt, why', [(None, 'None'), ('yaml', "'yaml'"), ('', "''")])
def test_a_missing_or_unknown_format_is_refused(simulator, fmt, why):
    status, dummy, body = credits(simulator, fmt=fmt, headers=JSON_HEADERS)
    assert status == 400
    assert json.loads(body)['response']['errors'] == ['format must be json or xml, got {0}.'.format(why)]


@pytest.mark.parametrize('headers, named', [
    ({'Accept': 'application/xml', 'Content-Type': 'application/json'}, 'Accept'),
    ({'Content-Type': 'application/json'}, 'Accept'),
    ({'Accept': 'application/json', 'Content-Type': 'text/plain'}, 'Content-Type'),
    ({'Accept': 'application/json'}, 'Content-Type'),
])
def test_headers_outside_the_published_values_are_refused(simulator, headers, named):
    status, dummy, body = credits(simulator, headers=headers)
    assert status == 400
    error, = json.loads(body)['response']['errors']
    assert error.startswith('The {0} header must be one of '.format(named)), error


def token(simulator):
    request = urllib.request.Request(simulator.url('healthy') + '/token/new.json', method='POST',
                                     data=b'username=demo-user&password=demo-pass')
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def test_a_token_is_good_only_with_its_user(simulator):
    issued = token(simulator)
    good = dict(format='json', token=issued['token'], user=issued['user'])
    assert get(simulator, '/account/credits_remaining', good, JSON_HEADERS)[0] == 200
    refused = [dict(format='json', token=issued['token']),                     # without its user
               dict(good, user=issued['user'] + 1),                            # another user's
               dict(good, user=''),                                            # an empty user
               dict(format='json', token='', user=issued['user']),             # an empty token
               dict(format='json', token=''),                                  # an empty token alone
               dict(format='json', user=issued['user']),                       # a user without a token
               dict(format='json', token='not issued', user=issued['user'])]   # a token never issued
    for query in refused:
        status, dummy, body = get(simulator, '/account/credits_remaining', query, JSON_HEADERS)
        assert (status, json.loads(body)['response']['errors']) == (403, ['Invalid or expired token.']), query


@pytest.mark.parametrize('key, customer_id, error', [
    ('someone else', 'someone else', 'Invalid license key.'),
    (KEY + ' ', KEY + ' ', 'Invalid license key.'),
    (KEY, None, 'A license key is required as key and customer_id.'),
    (KEY, DEMO_KEY, 'A license key is required as key and customer_id.'),
    ('', '', 'A license key is required as key and customer_id.'),
])
def test_a_key_it_does_not_know_is_refused_as_the_api_refuses_an_invalid_one(simulator, key, customer_id, error):
    status, dummy, body = credits(simulator, key=key, customer_id=customer_id)
    assert (status, json.loads(body)['response']['errors']) == (401, [error])


def test_the_demo_key_and_the_keys_given_with_key_are_known(simulator):
    assert credits(simulator, key=DEMO_KEY, customer_id=DEMO_KEY)[0] == 200
    assert credits(simulator)[0] == 200  # KEY: given with --key by the fixture


def test_key_echo_repeats_the_key_in_its_error_and_a_header(simulator):
    status, headers, body = credits(simulator, scenario='key_echo')
    assert status == 401
    assert json.loads(body)['response']['errors'] == ['Invalid license key or token: ' + KEY]
    assert urllib.parse.quote_plus(KEY) in headers['X-Cicero-Request']


def test_a_busy_port_is_one_line_naming_it_and_port_0(simulator):
    port = simulator.root.rsplit(':', 1)[1]
    started = subprocess.run([sys.executable, SIMULATOR, '--port', port], capture_output=True, text=True, timeout=30,
                             check=False)
    assert started.returncode == 1 and started.stdout == ''
    assert started.stderr == ('cicero_simulator: cannot listen on 127.0.0.1:{0}: Address already in use; choose another '
                              '--port, or --port 0 for a free one\n'.format(port))


def test_the_simulator_stops_when_its_standard_input_closes():
    process = subprocess.Popen([sys.executable, SIMULATOR, '--port', '0', '--stop-with-stdin'], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().startswith('http://127.0.0.1:')
        process.stdin.close()  # as when the process that started it dies, however it dies
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
