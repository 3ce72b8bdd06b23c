"""Every fault named, on every entry point (module, lookup, gate; the event source in its unit tests):
ca_path, TLS, https against plain HTTP, a base URL without /v3.1, a password in a URL, a misspelled variable."""

import json

import pytest

from ansible_collections.melissa.cicero.tests.support import gate_result

GATE = 'melissa.cicero.check_credits'
MODULE = 'melissa.cicero.melissa_credits_info'
CREDITS_READ = 'healthy GET /account/credits_remaining'


def module_msg(ansible, *args, env=None):
    run = ansible(['ansible', 'localhost', '-m', MODULE, '-a', ' '.join(args)], env=env)
    result, = run.task_results()
    assert result['_status'] == 'failed', run.output
    return result['msg']


def lookup_msg(ansible, options, env=None):
    run = ansible(['ansible', 'localhost', '-m', 'ansible.builtin.debug', '-a',
                   "msg={{{{ lookup('melissa.cicero.credits', {0}) }}}}".format(options)], env=env)
    assert run.rc != 0, run.output
    result, = run.task_results()
    return result['msg']


# -- ca_path -------------------------------------------------------------------------------------------

@pytest.fixture
def not_a_bundle(tmp_path):
    path = tmp_path / 'not-a-bundle.pem'
    path.write_text('just text\n')
    return str(path)


def test_a_missing_ca_path_is_refused_before_any_request_by_module_lookup_and_gate(ansible, fresh_simulator, tmp_path):
    missing = str(tmp_path / 'missing.pem')
    env = {'MELISSA_CICERO_API_URL': fresh_simulator.url()}
    expected = "ca_path '{0}' does not exist; give the path of a PEM file of CA certificates".format(missing)
    assert module_msg(ansible, 'ca_path=' + missing, env=env) == expected
    assert expected in lookup_msg(ansible, "ca_path='{0}'".format(missing), env=env)
    run, result = gate_result(ansible, 'assert_credits_ca_path=' + missing, env=env)
    assert result['msg'] == 'Cicero credits not read, a setting is wrong: assert_credits_' + expected, run.output
    assert run.rc != 0 and 'censored' not in run.output
    assert fresh_simulator.requests() == {}


def test_a_file_that_is_not_a_bundle_is_named(ansible, fresh_simulator, not_a_bundle):
    message = module_msg(ansible, 'ca_path=' + not_a_bundle, env={'MELISSA_CICERO_API_URL': fresh_simulator.url()})
    assert message.startswith("ca_path '{0}' is not a bundle of PEM CA certificates (".format(not_a_bundle))
    assert fresh_simulator.requests() == {}


# -- TLS and plain HTTP --------------------------------------------------------------------------------

def test_https_to_the_plain_http_simulator_is_named_and_not_retried(ansible, fresh_simulator):
    url = fresh_simulator.url().replace('http://', 'https://')
    expected = ('Cicero API at {0}/account/credits_remaining answered in plain HTTP, not TLS: the URL says https:// '
                'but the server speaks http:// on that port; fix the scheme or the port of api_url'.format(url))
    assert module_msg(ansible, 'api_url=' + url, 'retries=3') == expected
    run, result = gate_result(ansible, 'assert_credits_retries=3', env={'MELISSA_CICERO_API_URL': url})
    # The URL came from the environment, not from a variable of the role: named as that variable.
    assert result['msg'] == 'Cicero credits could not be read: ' + expected.replace(
        'port of api_url', 'port of MELISSA_CICERO_API_URL'), run.output
    run, result = gate_result(ansible, 'assert_credits_retries=3', 'assert_credits_api_url=' + url)
    assert result['msg'] == 'Cicero credits could not be read: ' + expected.replace(
        'port of api_url', 'port of assert_credits_api_url'), run.output


# -- a base URL without /v3.1 --------------------------------------------------------------------------

def test_a_base_url_without_the_api_version_says_so(ansible, simulator):
    root = simulator.root
    message = module_msg(ansible, 'api_url=' + root)
    assert message == (
        'Cicero API answered HTTP 404 Not Found (text/plain): not found. The base URL looks wrong: '
        "{0}/account/credits_remaining does not exist; the API's base URL ends in /v3.1, like "
        'https://app.cicerodata.com/v3.1'.format(root))
    assert message in lookup_msg(ansible, "api_url='{0}'".format(root))


# -- passwords in URLs ---------------------------------------------------------------------------------

@pytest.mark.parametrize('how', ['module', 'lookup', 'gate'])
def test_a_password_in_the_api_urls_userinfo_is_never_shown(ansible, tmp_path, how):
    url = 'http://gateway-user:GATEWAY-SECRET@127.0.0.1:9/v3.1'
    log = tmp_path / 'ansible.log'
    env = {'ANSIBLE_LOG_PATH': str(log)}
    if how == 'module':
        run = ansible(['ansible', 'localhost', '-vvvv', '-m', MODULE, '-a', 'retries=0 api_url=' + url], env=env)
    elif how == 'lookup':
        # From the environment: a literal in a lookup's arguments on the command line is the user's own echo.
        run = ansible(['ansible', 'localhost', '-vvvv', '-m', 'ansible.builtin.debug', '-a',
                       "msg={{ lookup('melissa.cicero.credits', retries=0) }}"], env=dict(env, MELISSA_CICERO_API_URL=url))
    else:
        run = ansible(['ansible-playbook', GATE, '-vvvv', '-e', 'assert_credits_retries=0'],
                      env=dict(env, MELISSA_CICERO_API_URL=url))
    assert run.rc != 0 and 'could not reach http://gateway-user:********@127.0.0.1:9/v3.1' in run.output, run.output
    assert 'GATEWAY-SECRET' not in run.output + log.read_text() + json.dumps(run.records)


def test_a_proxy_password_from_the_environment_is_never_shown(ansible, tmp_path):
    proxy = 'http://proxy-user:PROXY-SECRET@127.0.0.1:9'
    run = ansible(['ansible', 'localhost', '-vvvv', '-m', MODULE, '-a', 'retries=0 api_url=http://cicero.invalid/v3.1'],
                  env={'HTTP_PROXY': proxy, 'http_proxy': proxy, 'NO_PROXY': '', 'no_proxy': ''})
    assert run.rc != 0 and 'could not reach http://cicero.invalid/v3.1/account/credits_remaining' in run.output
    assert 'PROXY-SECRET' not in run.output + json.dumps(run.records)


# -- misspelled variables ------------------------------------------------------------------------------

@pytest.mark.parametrize('name, closest', [
    ('assert_credit_min_credit', 'assert_credits_min_credits'),
    ('ASSERT_CREDITS_MIN_CREDITS', 'assert_credits_min_credits'),
    ('assert_credits_minimum_credits', 'assert_credits_min_credits'),
    ('assert_credits_report', 'assert_credits_reports'),
])
def test_a_misspelled_extra_variable_fails_the_gate_before_any_request(ansible, fresh_simulator, name, closest):
    run, result = gate_result(ansible, '{0}=50000'.format(name), env={'MELISSA_CICERO_API_URL': fresh_simulator.url()})
    message = 'unknown variable {0}: did you mean {1}?'.format(name, closest)
    assert run.rc != 0 and (result['_status'], result['msg']) == ('failed', message), run.output
    assert message in run.stdout.splitlines()
    assert fresh_simulator.requests() == {}


@pytest.mark.parametrize('line, message', [
    # Once on every leg of the matrix: how a vars file's null reaches the action depends on ansible-core.
    pytest.param('assert_credits_min_credits:', 'assert_credits_min_credits is null; give a whole number, or leave it '
                                                'unset for its default', marks=pytest.mark.matrix),
    ('assert_credits_min_credits: true', 'assert_credits_min_credits must be a whole number, got true'),
    # Every other shape is proven on the action by the unit tests; here, how a vars file delivers each kind.
    ("assert_credits_margin_percent: '20%'", "assert_credits_margin_percent must be a number, got '20%'"),
    ('assert_credits_reports: [cicero.xml]', 'assert_credits_reports must be a dictionary (YAML, or JSON such as '
                                             '{"junit": "cicero.xml"}), got a list'),
])
def test_a_value_of_the_wrong_shape_in_a_vars_file_is_named_before_any_request(ansible, fresh_simulator, tmp_path,
                                                                               line, message):
    vars_file = tmp_path / 'vars.yml'
    vars_file.write_text(line + '\n')
    run, result = gate_result(ansible, '@' + str(vars_file), env={'MELISSA_CICERO_API_URL': fresh_simulator.url()})
    assert run.rc != 0 and (result['_status'], result['msg']) == ('failed', message), run.output
    assert '<class' not in run.output and 'Traceback' not in run.output
    assert fresh_simulator.requests() == {}


@pytest.mark.parametrize('name, meant', [
    ('min_credits', 'assert_credits_min_credits'),             # the event source's spelling
    ('asert_credits_min_credits', 'assert_credits_min_credits'),
])
def test_a_name_meant_for_the_gate_fails_check_credits_and_warns_in_the_role(ansible, fresh_simulator, tmp_path,
                                                                             name, meant):
    env = {'MELISSA_CICERO_API_URL': fresh_simulator.url()}
    run, result = gate_result(ansible, '{0}=50000'.format(name), env=env)
    message = "variable {0} is not one of the role's: did you mean {1}?".format(name, meant)
    assert run.rc != 0 and (result['_status'], result['msg']) == ('failed', message), run.output
    assert fresh_simulator.requests() == {}
    playbook = tmp_path / 'gate.yml'
    playbook.write_text('- hosts: localhost\n  gather_facts: false\n  roles:\n    - melissa.cicero.assert_credits\n')
    run = ansible(['ansible-playbook', str(playbook), '-e', '{0}=50000'.format(name)], env=env)
    assert run.rc == 0 and '[WARNING]: ' + message in run.flat_output, run.output


@pytest.mark.parametrize('assignment, message', [
    ('assert_credits_min_credits=', 'assert_credits_min_credits is empty; give a whole number, or leave it unset '
                                    'for its default'),
    ('assert_credits_format=', 'assert_credits_format is empty; give one of json, xml, or leave it unset for its '
                               'default'),
])
def test_an_empty_threshold_fails_the_gate_instead_of_falling_back(ansible, fresh_simulator, assignment, message):
    """A CI job's `-e assert_credits_min_credits=$MIN` with MIN unset must not let the default of 1 pass."""
    run, result = gate_result(ansible, assignment, env={'MELISSA_CICERO_API_URL': fresh_simulator.url()})
    assert run.rc != 0 and (result['_status'], result['msg']) == ('failed', message), run.output
    assert fresh_simulator.requests() == {}


def test_misspelled_play_and_inventory_variables_fail_the_gate_too(ansible, fresh_simulator, tmp_path):
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text('[deploy]\nlocalhost ansible_connection=local assert_credits_warn_credit=5\n')
    playbook = tmp_path / 'gate.yml'
    playbook.write_text(
        '- hosts: deploy\n  gather_facts: false\n  vars:\n    assert_credits_min_credits: 5000\n'
        '  roles:\n    - melissa.cicero.assert_credits\n')
    run = ansible(['ansible-playbook', '-i', str(inventory), str(playbook)],
                  env={'MELISSA_CICERO_API_URL': fresh_simulator.url()})
    result, = run.task_results(task='Assert enough Cicero credits')
    assert result['msg'] == 'unknown variable assert_credits_warn_credit: did you mean assert_credits_warn_credits?'
    playbook.write_text(playbook.read_text().replace('assert_credits_min_credits', 'assert_credits_mincredits'))
    inventory.write_text('[deploy]\nlocalhost ansible_connection=local\n')
    run = ansible(['ansible-playbook', '-i', str(inventory), str(playbook)],
                  env={'MELISSA_CICERO_API_URL': fresh_simulator.url()})
    result, = run.task_results(task='Assert enough Cicero credits')
    assert result['msg'] == 'unknown variable assert_credits_mincredits: did you mean assert_credits_min_credits?'
    assert fresh_simulator.requests() == {}


def test_the_verdict_is_registered_on_every_host_on_pass_and_on_failure(ansible, simulator, tmp_path):
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text('[deploy]\n' + ''.join('web{0} ansible_connection=local\n'.format(n) for n in range(3)))
    playbook = tmp_path / 'gate.yml'
    playbook.write_text(
        '- hosts: deploy\n  gather_facts: false\n  tasks:\n'
        '    - block:\n        - ansible.builtin.include_role:\n            name: melissa.cicero.assert_credits\n'
        '      rescue:\n        - name: After the gate\n          ansible.builtin.debug:\n'
        '            msg: "{{ assert_credits_result.passed }} {{ assert_credits_result.message }}"\n')
    for minimum, passed in ((100, True), (99999, False)):
        run = ansible(['ansible-playbook', '-i', str(inventory), str(playbook), '-e',
                       'assert_credits_min_credits={0}'.format(minimum)], env={'MELISSA_CICERO_API_URL': simulator.url()})
        shown = [run.task_results(host='web{0}'.format(n), task='After the gate') for n in range(3)]
        if passed:
            assert run.rc == 0 and shown == [[], [], []], run.output
        else:
            assert run.rc == 0, run.output  # rescued
            assert [results[0]['msg'] for results in shown] == [
                'False Cicero credits too low: 12,500 usable (12,500 balance), 99,999 required'] * 3
