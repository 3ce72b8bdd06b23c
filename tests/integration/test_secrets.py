"""The license key, password and token never show: every fault at -vvvv with a log file, counted."""

import json
import os
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.melissa.cicero.tests.support import LICENSE_KEY, lookup_tasks_play

PASSWORD = 'demo-pass'
FAULTS = ['healthy', 'bad_request', 'error_in_200', 'unauthorized', 'html_502', 'unavailable', 'huge',
          'malformed', 'xml_bomb', 'missing_results', 'bad_batch', 'bad_number', 'flaky', 'rate_limited',
          'slow', 'trickle', 'key_echo']
# key_echo answers a 401 whose error text repeats the key and whose X-Cicero-Request header repeats the query
# string, URL-encoded: what the API itself says must be masked as carefully as what requests says.
ECHOED = 'Cicero API error (HTTP 401): Invalid license key or token: ********'


def spellings(secret):
    return {secret, quote(secret, safe=''), quote(secret), quote_plus(secret)}


def occurrences(text, secrets):
    return {form: text.count(form) for secret in secrets for form in spellings(secret) if form in text}


@pytest.mark.matrix
def test_the_counter_finds_what_it_looks_for():
    # The counter must be able to fail: every spelling of the key is found where it is present.
    text = 'a {0} b {1} c {2}'.format(LICENSE_KEY, quote(LICENSE_KEY, safe=''), quote_plus(LICENSE_KEY))
    assert sum(occurrences(text, [LICENSE_KEY]).values()) == 3


def everything_shown(completed, log):
    """What a run printed, logged to ANSIBLE_LOG_PATH and gave its callbacks, in one text to search."""
    logged = log.read_text()
    assert 'melissa' in logged, 'the log file was not written'
    return completed.output + logged + repr(completed.records)


@pytest.fixture
def verbose(ansible, tmp_path):
    """Run at -vvvv with ANSIBLE_LOG_PATH; returns (run, everything printed and logged)."""
    def run(argv, env=None):
        log = tmp_path / 'ansible.log'
        completed = ansible(argv + ['-vvvv'], env=dict(env or {}, ANSIBLE_LOG_PATH=str(log)))
        return completed, everything_shown(completed, log)
    return run


@pytest.fixture
def verbose_loop(module_loop, tmp_path):
    """module_loop at -vvvv with ANSIBLE_LOG_PATH; returns (run, {url: result}, everything printed and logged)."""
    def run(module, urls, extra, env=None):
        log = tmp_path / 'ansible-loop.log'
        completed, results = module_loop(module, urls, extra, env=dict(env or {}, ANSIBLE_LOG_PATH=str(log)),
                                         loudness=['-vvvv'])
        return completed, results, everything_shown(completed, log)
    return run


# Scenarios whose answer is written in the format asked for run in both; a proxy's HTML page, a timeout or a
# status line is the same whatever the format, and runs once.
IN_THE_FORMAT = ('healthy', 'bad_request', 'error_in_200', 'unauthorized', 'malformed', 'missing_results', 'bad_batch',
                 'bad_number', 'key_echo')
# What the module says of each failed read: the HTTP status and the API's own text, or what is wrong with the answer.
CLEAR_MESSAGES = {
    'bad_request': 'Cicero API error (HTTP 400): A detailed message about the error.',
    'error_in_200': 'Cicero API error (HTTP 200): This account has reached its overdraft limit. '
                    'Please purchase more credits.',
    'unauthorized': 'Cicero API error (HTTP 401): Invalid license key.',
    'html_502': 'Cicero API answered HTTP 502 Bad Gateway after 2 attempts (text/html): '
                '502 Bad Gateway 502 Bad Gateway nginx',
    'unavailable': 'Cicero API answered HTTP 503 Service Unavailable after 2 attempts (text/html): '
                   '503 Service Unavailable',
    'missing_results': 'Cicero API answer has no "results" object (HTTP 200, application/{fmt})',
    'bad_number': 'Cicero API field credit_balance is not a number: \'twelve\'',
    'huge': 'Cicero API answer too large (HTTP 200, 11534336 bytes declared; the limit is 10485760 bytes)',
    'key_echo': ECHOED,
}


@pytest.mark.parametrize('fmt', ['json', 'xml'])
def test_every_fault_ends_in_a_clear_message_and_never_shows_the_key(verbose_loop, fresh_simulator, fmt):
    """Every fault, each a module run of its own at -vvvv with a log file (in one ansible-playbook run): a failed
    read ends in its clear message, and no spelling of the key is printed, logged or given to a callback."""
    scenarios = [scenario for scenario in FAULTS if fmt == 'json' or scenario in IN_THE_FORMAT]
    urls = {fresh_simulator.url(scenario): scenario for scenario in scenarios}
    run, results, seen = verbose_loop('melissa.cicero.melissa_credits_info', urls,
                                      dict(format=fmt, timeout=1, retries=1))
    reached = {key.split(' ')[0] for key in fresh_simulator.requests()}
    assert reached == set(scenarios), 'a scenario never reached the simulator: it proves nothing'
    assert run.rc == 0 and 'Traceback' not in run.output  # each failure ignored: the loop goes on to the next
    failed = {urls[url] for url, result in results.items() if 'credit_balance' not in result}
    assert failed == set(scenarios) - {'healthy', 'flaky', 'rate_limited'}, run.output
    said = {urls[url]: result.get('msg') for url, result in results.items() if urls[url] in CLEAR_MESSAGES}
    assert said == {scenario: CLEAR_MESSAGES[scenario].format(fmt=fmt) for scenario in scenarios
                    if scenario in CLEAR_MESSAGES}
    assert occurrences(seen, [LICENSE_KEY]) == {}


@pytest.mark.matrix
def test_password_and_tokens_never_shown(verbose_loop, fresh_simulator):
    """A token account through every kind of answer, each a module run (and a login) of its own, at -vvvv."""
    scenarios = ['healthy', 'token_expired', 'bad_request', 'html_502', 'key_echo']
    urls = {fresh_simulator.url(scenario): scenario for scenario in scenarios}
    run, results, seen = verbose_loop('melissa.cicero.melissa_credits_info', urls, dict(retries=1), env=dict(
        MELISSA_LICENSE_KEY='', MELISSA_CICERO_USERNAME='demo-user', MELISSA_CICERO_PASSWORD=PASSWORD))
    # A read that worked has figures (ansible-core 2.21 no longer marks an ignored item's failure the same way).
    assert {urls[url] for url, result in results.items() if 'credit_balance' in result} == {'healthy', 'token_expired'}, \
        run.output
    tokens = fresh_simulator.stats()['tokens_issued']
    assert len(tokens) >= len(scenarios), 'each module run logs in: {0} tokens'.format(len(tokens))
    assert occurrences(seen, [PASSWORD] + tokens) == {}


# The gate's outcomes: pass, warn (passes), low, and failed reads of every kind.
GATE_OUTCOMES = {'healthy': 'OK', 'warn': 'running low', 'low_balance': 'too low', 'bad_request': 'HTTP 400',
                 'unavailable': 'HTTP 503', 'html_502': 'HTTP 502', 'key_echo': 'HTTP 401'}
# How loudly Ansible may speak: -v to -vvvv, the task arguments on stdout, its debug output, a log file. Each
# level prints what the levels below it print and more, so every outcome runs at the loudest, and a failed gate
# (the verdict, its figures and the failure's result) at each level besides (the matrix legs run the loudest,
# where other ansible-core releases differ).
LOUDNESS = {
    '-v': {},
    '-vv': {'ANSIBLE_DISPLAY_ARGS_TO_STDOUT': 'true'},
    '-vvv': {'ANSIBLE_DISPLAY_ARGS_TO_STDOUT': 'true'},
    '-vvvv': {'ANSIBLE_DISPLAY_ARGS_TO_STDOUT': 'true', 'ANSIBLE_DEBUG': '1'},
}
# The matrix legs run pass, low and an API error that echoes the key, at the loudest.
LOUD_CASES = [pytest.param(scenario, '-vvvv', marks=[pytest.mark.matrix] if scenario in ('healthy', 'low_balance',
                                                                                         'key_echo') else [])
              for scenario in sorted(GATE_OUTCOMES)] + [
    ('low_balance', loudness) for loudness in ('-v', '-vv', '-vvv')]


@pytest.mark.parametrize('scenario, loudness', LOUD_CASES)
def test_key_never_shown_by_the_gate(ansible, fresh_simulator, scenario, loudness, tmp_path):
    formats = ('json', 'junit', 'openmetrics', 'dotenv', 'markdown')
    reports = dict((fmt, str(tmp_path / ('report.' + fmt))) for fmt in formats)
    github = dict(GITHUB_ACTIONS='true', GITHUB_STEP_SUMMARY=str(tmp_path / 'summary.md'),
                  GITHUB_OUTPUT=str(tmp_path / 'outputs.txt'))
    log = tmp_path / 'ansible.log'
    run = ansible(['ansible-playbook', 'melissa.cicero.check_credits', loudness, '-e', 'assert_credits_min_credits=500',
                   '-e', 'assert_credits_warn_credits={0}'.format(20000 if scenario == 'warn' else 0),
                   '-e', 'assert_credits_retries=1', '-e', json.dumps({'assert_credits_reports': reports})],
                  env=dict(LOUDNESS[loudness], ANSIBLE_LOG_PATH=str(log), **github,
                           MELISSA_CICERO_API_URL=fresh_simulator.url('healthy' if scenario == 'warn' else scenario)))
    assert (run.rc == 0) == (scenario in ('healthy', 'warn')), run.output
    assert GATE_OUTCOMES[scenario] in run.output and 'censored' not in run.output
    written = [open(path).read() for path in list(reports.values()) + [github['GITHUB_STEP_SUMMARY'],
                                                                       github['GITHUB_OUTPUT']]]
    seen = run.output + log.read_text() + json.dumps(run.records) + ''.join(written)
    assert occurrences(seen, [LICENSE_KEY]) == {}


@pytest.mark.parametrize('scenario', ['healthy', 'low_balance', 'key_echo'])
def test_key_never_shown_by_ansible_navigator(ansible, collections_path, fresh_simulator, scenario, tmp_path):
    """ansible-navigator (without an execution environment) at -vvvv, with its debug log and its playbook
    artifact, which records every event of the run: the key is in none of them."""
    playbook = os.path.join(collections_path, 'ansible_collections', 'melissa', 'cicero', 'playbooks',
                            'check_credits.yml')
    artifact, log = tmp_path / 'artifact.json', tmp_path / 'navigator.log'
    run = ansible(['ansible-navigator', 'run', playbook, '--mode', 'stdout', '--execution-environment', 'false',
                   '--playbook-artifact-enable', 'true', '--playbook-artifact-save-as', str(artifact),
                   '--log-file', str(log), '--log-level', 'debug', '-e', 'assert_credits_min_credits=500',
                   '-e', 'assert_credits_retries=1', '-vvvv'],
                  env=dict(LOUDNESS['-vvvv'], MELISSA_CICERO_API_URL=fresh_simulator.url(scenario)), cwd=str(tmp_path))
    assert (run.rc == 0) == (scenario == 'healthy'), run.output
    assert GATE_OUTCOMES[scenario] in run.output
    results = [task['res'] for task in json.loads(artifact.read_text())['plays'][0]['tasks']]
    assert any(str(result.get('message')).startswith('Cicero credits') for result in results), \
        'the artifact holds no verdict: it proves nothing'
    seen = run.output + artifact.read_text() + log.read_text()
    assert occurrences(seen, [LICENSE_KEY]) == {}


def test_key_given_as_a_role_variable_never_shown(verbose, fresh_simulator, tmp_path):
    # From a vars file (in real life a vault): ansible-playbook -vvvv echoes literal -e values, which
    # is why the docs say never to put the key on the command line.
    secrets = tmp_path / 'secrets.yml'
    secrets.write_text('assert_credits_license_key: "{0}"\n'.format(LICENSE_KEY))
    run, seen = verbose(['ansible-playbook', 'melissa.cicero.check_credits', '-e', 'assert_credits_retries=0',
                         '-e', '@' + str(secrets)],
                        env={'MELISSA_CICERO_API_URL': fresh_simulator.url('bad_request'), 'MELISSA_LICENSE_KEY': ''})
    assert 'A detailed message about the error.' in run.output
    assert occurrences(seen, [LICENSE_KEY]) == {}


def test_key_never_shown_by_the_usage_module(verbose_loop, fresh_simulator):
    scenarios = ['healthy', 'bad_request', 'html_502', 'malformed', 'xml_bomb', 'key_echo']
    urls = {fresh_simulator.url(scenario): scenario for scenario in scenarios}
    run, results, seen = verbose_loop('melissa.cicero.melissa_usage_info', urls, dict(format='xml', retries=1))
    assert {key.split(' ')[0] for key in fresh_simulator.requests()} == set(scenarios), 'a scenario proves nothing'
    assert {urls[url] for url, result in results.items() if 'average_daily_credits' in result} == {'healthy'}, run.output
    assert occurrences(seen, [LICENSE_KEY]) == {}


LOOKUP_SCENARIOS = ['healthy', 'error_in_200', 'unavailable', 'key_echo']


@pytest.mark.matrix
def test_key_never_shown_by_the_lookup(verbose, fresh_simulator, tmp_path):
    """A task each, in one play at -vvvv, each failure ignored so that the play goes on to the next; the URL is a
    variable of the task (melissa_cicero_api_url), the key the environment's."""
    playbook = tmp_path / 'lookups.yml'
    playbook.write_text(lookup_tasks_play(('Lookup ' + scenario, "lookup('melissa.cicero.credits', retries=1)",
                                           {'melissa_cicero_api_url': fresh_simulator.url(scenario)})
                                          for scenario in LOOKUP_SCENARIOS))
    run, seen = verbose(['ansible-playbook', str(playbook)])
    assert {key.split(' ')[0] for key in fresh_simulator.requests()} == set(LOOKUP_SCENARIOS), \
        'a lookup never reached the simulator: it proves nothing'
    assert [scenario for scenario in LOOKUP_SCENARIOS
            if 'credit_balance' in run.task_results(task='Lookup ' + scenario)[0]['msg']] == ['healthy'], run.output
    assert occurrences(seen, [LICENSE_KEY]) == {}


def test_key_never_shown_by_the_runway_gate(verbose, fresh_simulator):
    run, seen = verbose(['ansible-playbook', 'melissa.cicero.check_credits', '-e', 'assert_credits_min_runway_days=400'],
                        env={'MELISSA_CICERO_API_URL': fresh_simulator.url('healthy')})
    assert run.rc != 0 and 'run out too soon' in run.output
    assert occurrences(seen, [LICENSE_KEY]) == {}


@pytest.mark.matrix
@pytest.mark.parametrize('how', ['module', 'lookup'])
def test_key_never_shown_when_the_connection_fails(verbose, how):
    # requests quotes the full URL, key included, in its connection errors: the deepest leak path.
    url = 'http://127.0.0.1:9/v3.1'
    if how == 'module':
        argv = ['ansible', 'localhost', '-m', 'melissa.cicero.melissa_credits_info', '-a', 'api_url={0} retries=0'.format(url)]
    else:
        argv = ['ansible', 'localhost', '-m', 'ansible.builtin.debug', '-a',
                "msg={{{{ lookup('melissa.cicero.credits', api_url='{0}', retries=0) }}}}".format(url)]
    run, seen = verbose(argv)
    assert run.rc != 0 and 'could not reach' in run.output
    assert occurrences(seen, [LICENSE_KEY]) == {}
