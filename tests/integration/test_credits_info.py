"""melissa_credits_info through the real `ansible` command against the simulator."""

import glob
import os
import subprocess
import sys
import tarfile

import pytest

from ansible_collections.melissa.cicero.tests.support import OTHER_KEY, checkout_files, copy_checkout

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)

FIGURES = ('credit_balance', 'overdraft_limit', 'available_credits', 'usable_batches', 'credits_expiring_soon',
           'next_expiration', 'messages', 'expiring_within_days', 'changed')


def figures(result):
    return {key: result[key] for key in FIGURES}


def read(api_url, env=None, **args):
    """One item of credits_runs: the module's arguments (api_url and `args`) and its environment variables."""
    return dict(args, api_url=api_url), env


@pytest.mark.matrix
def test_healthy_account_in_json(credits_adhoc, simulator):
    run, result = credits_adhoc(simulator.url('healthy'))
    assert run.rc == 0, run.output
    assert (result['credit_balance'], result['overdraft_limit'], result['available_credits']) == (12500, 500, 13000)
    assert [b['credits_remaining'] for b in result['usable_batches']] == [10000, 2000, 500]
    assert [b['expires_in_days'] for b in result['usable_batches']] == [300, 20, 10]
    assert [b['cost'] for b in result['usable_batches']] == ['298.00', '149.00', '']
    assert result['credits_expiring_soon'] == 2500
    assert result['next_expiration'] == result['usable_batches'][2]['expiration_time']
    assert result['changed'] is False and 'ansible_facts' not in result


@pytest.mark.matrix
def test_every_xml_shape_gives_the_json_result(credits_runs, simulator):
    shapes = ['container', 'list_item', 'repeated', 'wrapped']
    run, results = credits_runs([read(simulator.url('healthy'))] + [
        read(simulator.url('healthy', shape), format='xml') for shape in shapes])
    from_json = results.pop(0)
    assert 'credit_balance' in from_json, run.output
    for shape, from_xml in zip(shapes, results):
        assert 'credit_balance' in from_xml and figures(from_xml) == figures(from_json), (shape, run.output)


@pytest.mark.matrix
def test_a_value_of_the_wrong_shape_is_named_as_written_and_a_null_text_is_not_given(credits_runs, simulator):
    # YAML's true, null and '20%' reach the module as they are; Ansible's own conversion would read true as 1.
    run, results = credits_runs([
        read(simulator.url('healthy'), timeout=True), read(simulator.url('healthy'), timeout='20%'),
        read(simulator.url('healthy'), expiring_within_days=None),
        (dict(api_url=None), {'MELISSA_CICERO_API_URL': simulator.url('low_balance')})])
    assert [result.get('msg') for result in results[:3]] == [
        'timeout must be a number, got true', "timeout must be a number, got '20%'",
        'expiring_within_days is null; give a whole number, or leave it unset for its default'], run.output
    assert results[3]['credit_balance'] == 150, run.output
    assert 'class' not in run.output


def test_numeric_strings_give_the_same_result(credits_runs, simulator):
    run, (plain, *from_strings) = credits_runs([read(simulator.url('healthy'))] + [
        read(simulator.url('numeric_strings'), format=fmt) for fmt in ('json', 'xml')])
    assert 'credit_balance' in plain, run.output
    for fmt, result in zip(('json', 'xml'), from_strings):
        assert 'credit_balance' in result and figures(result) == figures(plain), (fmt, run.output)


def test_melissas_published_example_reads_the_same_in_json_and_xml(credits_runs, simulator):
    """The simulator serves Melissa's published examples byte for byte (tests/simulator/published/)."""
    run, (from_json, from_xml) = credits_runs([read(simulator.url('published'), format=fmt) for fmt in ('json', 'xml')])
    assert 'credit_balance' in from_json and 'credit_balance' in from_xml, run.output
    assert figures(from_xml) == figures(from_json)
    assert (from_json['credit_balance'], from_json['usable_batches'][0]['credits_purchased'],
            from_json['usable_batches'][0]['created']) == (0, 10000, '2023-11-10 16:51:17.116718 Z')


@pytest.mark.matrix
def test_melissas_published_error_names_the_status_and_the_text(credits_runs, simulator):
    run, results = credits_runs([read(simulator.url('published_error'), format=fmt) for fmt in ('json', 'xml')])
    # A failed run has no figures (ansible-core 2.21 no longer marks an ignored item's failure as failed).
    assert [('credit_balance' in result, result.get('msg')) for result in results] == [
        (False, 'Cicero API error (HTTP 400): A detailed message about the error.')] * 2, run.output


def test_nulls_read_the_same_in_json_and_xml(credits_runs, simulator):
    run, (from_json, from_xml) = credits_runs([read(simulator.url('nulls'), format=fmt) for fmt in ('json', 'xml')])
    assert 'credit_balance' in from_json and 'credit_balance' in from_xml, run.output
    assert figures(from_xml) == figures(from_json)
    nullable = ('created', 'expiration_time', 'cost', 'discount', 'expires_in_days')
    assert {key: from_xml['usable_batches'][1][key] for key in nullable} == dict.fromkeys(nullable)


def test_empty_account(credits_runs, simulator):
    run, results = credits_runs([read(simulator.url('empty', 'repeated'), format=fmt) for fmt in ('json', 'xml')])
    for fmt, result in zip(('json', 'xml'), results):
        assert 'credit_balance' in result, (fmt, run.output)
        assert (result['credit_balance'], result['usable_batches'], result['credits_expiring_soon'],
                result['next_expiration']) == (0, [], 0, None), fmt


def test_expiring_window_option(credits_runs, simulator):
    run, (seven, five) = credits_runs([read(simulator.url('expiring_soon'), expiring_within_days=days)
                                       for days in (7, 5)])
    assert (seven['credits_expiring_soon'], seven['expiring_within_days']) == (6000, 7), run.output
    assert (five['credits_expiring_soon'], five['expiring_within_days']) == (0, 5), run.output


def test_malformed_bodies_name_format_status_and_content_type(credits_runs, simulator):
    run, (as_json, as_xml) = credits_runs([read(simulator.url('malformed'), format=fmt) for fmt in ('json', 'xml')])
    assert as_json['msg'].startswith('Cicero API answer is not valid JSON (HTTP 200, application/json): '), run.output
    assert as_xml['msg'].startswith('Cicero API answer is not valid XML (HTTP 200, application/xml): '), run.output


def test_xml_with_entities_fails_at_once(credits_adhoc, simulator):
    run, result = credits_adhoc(simulator.url('xml_bomb'), 'format=xml')
    assert result['msg'] == ('Cicero API answer is not valid XML (HTTP 200, application/xml): '
                             'the XML document declares a DTD or entities, which are refused')


def test_batch_that_is_not_an_object(credits_adhoc, simulator):
    run, result = credits_adhoc(simulator.url('bad_batch'), 'format=json')
    assert result['msg'] == "Cicero API field usable_batches[0] is not an object: 'oops'"


def test_transient_faults_are_retried(credits_runs, fresh_simulator):
    scenarios = ['flaky', 'rate_limited', 'rate_limited_date']
    run, results = credits_runs([read(fresh_simulator.url(scenario)) for scenario in scenarios])
    assert [result.get('credit_balance') for result in results] == [12500] * len(scenarios), run.output
    assert fresh_simulator.requests() == dict(
        (scenario + ' GET /account/credits_remaining', 2) for scenario in scenarios)


def test_without_retries_a_transient_fault_fails(credits_adhoc, fresh_simulator):
    run, result = credits_adhoc(fresh_simulator.url('flaky'), 'retries=0')
    assert result['msg'].startswith('Cicero API answered HTTP 503 Service Unavailable (text/html)')


@pytest.mark.matrix
def test_a_slow_answer_times_out_and_a_trickling_one_is_cut_off(credits_runs, simulator):
    run, (slow, trickle) = credits_runs([read(simulator.url('slow'), timeout=1, retries=1),
                                         read(simulator.url('trickle'), timeout=1, retries=0)])
    assert slow['msg'].startswith('Cicero API timed out after 1s talking to ' + simulator.url('slow')), run.output
    assert slow['msg'].endswith('(gave up after 2 attempts)')
    assert trickle['msg'] == ('Cicero API did not answer within 2s (the deadline of one attempt, twice the timeout '
                              'of 1s): {0}/account/credits_remaining (gave up after 1 attempt)'.format(
                                  simulator.url('trickle')))


def test_connection_refused_is_clear(credits_adhoc):
    run, result = credits_adhoc('http://127.0.0.1:9/v3.1', 'retries=0')
    assert result['msg'].startswith('Cicero API could not reach http://127.0.0.1:9/v3.1/account/credits_remaining: ')


@pytest.mark.matrix
def test_missing_key_names_option_and_variable(credits_adhoc, fresh_simulator):
    run, result = credits_adhoc(fresh_simulator.url(), env={'MELISSA_LICENSE_KEY': ''})
    assert 'license_key' in result['msg'] and 'MELISSA_LICENSE_KEY' in result['msg']
    assert fresh_simulator.requests() == {}, 'refused before any request'


def test_api_url_from_environment(ansible, simulator):
    run = ansible(['ansible', 'localhost', '-m', 'melissa.cicero.melissa_credits_info'],
                  env={'MELISSA_CICERO_API_URL': simulator.url('low_balance') + '/'})
    assert run.task_results()[0]['credit_balance'] == 150, run.output


@pytest.mark.matrix
def test_token_authentication(credits_runs, fresh_simulator):
    run, results = credits_runs([read(fresh_simulator.url('healthy'), env={'MELISSA_LICENSE_KEY': ''}, format=fmt,
                                      username='demo-user', password='demo-pass') for fmt in ('json', 'xml')])
    assert [result.get('credit_balance') for result in results] == [12500, 12500], run.output
    # Each module run logs in: a token, then the read with it.
    assert fresh_simulator.requests() == {'healthy POST /token/new.json': 2, 'healthy GET /account/credits_remaining': 2}


def test_expired_token_is_renewed_once(credits_adhoc, fresh_simulator):
    run, result = credits_adhoc(fresh_simulator.url('token_expired'), env={
        'MELISSA_LICENSE_KEY': '', 'MELISSA_CICERO_USERNAME': 'demo-user', 'MELISSA_CICERO_PASSWORD': 'demo-pass'})
    assert result['credit_balance'] == 12500, run.output
    assert fresh_simulator.requests() == {'token_expired POST /token/new.json': 2,
                                          'token_expired GET /account/credits_remaining': 2}


def test_wrong_password_names_the_api_error(credits_adhoc, simulator):
    run, result = credits_adhoc(simulator.url(), 'username=demo-user', 'password=wrong',
                                env={'MELISSA_LICENSE_KEY': ''})
    assert result['msg'] == ('Cicero token request (POST /token/new.json) failed with HTTP 200 OK: '
                             'Invalid username or password.')


@pytest.mark.matrix
def test_module_defaults_action_group(ansible, fresh_simulator, here, tmp_path):
    secrets = tmp_path / 'vars.yml'
    # Not the key of the environment: the simulator knows it, so only module_defaults can have sent it.
    secrets.write_text('cicero_key: "{0}"\ncicero_url: {1}\n'.format(OTHER_KEY, fresh_simulator.url('healthy')))
    run = ansible(['ansible-playbook', here('playbooks/module_defaults.yml'), '-e', '@' + str(secrets)],
                  env={'MELISSA_LICENSE_KEY': '', 'MELISSA_CICERO_API_URL': ''})
    assert run.rc == 0, run.output
    usage, = run.task_results(task='Usage')
    # The module and the reading verdict ask for the credits; the verdict of the registered result does not.
    assert fresh_simulator.requests() == {
        'healthy GET /account/credits_remaining': 2,
        'healthy GET /account/usage/{0}/to/{1}'.format(usage['start'], usage['end']): 1}


def test_documented_module_defaults_example_runs(ansible, simulator):
    run = ansible(['ansible-playbook', 'docs/examples/module_defaults.yml'], cwd=REPO_ROOT,
                  env={'MELISSA_CICERO_API_URL': simulator.url('healthy')})
    assert run.rc == 0, run.output
    assert 'credits expire within 30 days' in run.output


def test_tarball_holds_what_users_need_and_nothing_else(collections_path):
    """The built tarball (beside the installed collection), not the installed tree, which gains caches."""
    tarball, = glob.glob(os.path.join(os.path.dirname(collections_path), 'melissa-cicero-*.tar.gz'))
    with tarfile.open(tarball) as archive:
        files = {member.name for member in archive.getmembers() if member.isfile()}
    needed = {'README.md', 'CHANGELOG.md', 'requirements.txt', 'meta/runtime.yml', 'meta/execution-environment.yml',
              'plugins/modules/melissa_credits_info.py', 'plugins/modules/melissa_usage_info.py',
              'plugins/action/credits_verdict.py', 'plugins/lookup/credits.py', 'playbooks/check_credits.yml',
              'roles/assert_credits/tasks/main.yml', 'roles/assert_credits/meta/argument_specs.yml',
              'tests/simulator/cicero_simulator.py', 'tests/simulator/scenarios.py', 'docs/gate-a-deployment.md'}
    assert needed <= files, sorted(needed - files)
    unwanted = [name for name in files if name.split('/')[0] in ('.venv', '.build', '.ci', '.ansible', 'scripts')
                or name.startswith(('tests/unit/', 'tests/integration/', 'tests/bench/', 'tests/output/'))
                or '__pycache__' in name or name.endswith(('.pyc', '.tar.gz'))
                or name in ('Makefile', 'pytest.ini', 'requirements-dev.txt', '.gitignore', '.ansible-lint')]
    assert unwanted == []


def test_clutter_in_the_clone_never_enters_the_tarball(tmp_path):
    """A virtual environment, a build folder and a simulator log in the clone, as a user's guide run leaves
    them: the tarball built there lists exactly the files of a tarball built from a clean copy."""
    listed = checkout_files()
    assert listed, 'not a git checkout: nothing to copy'
    tarballs = {}
    for copy in ('clean', 'cluttered'):
        tree = tmp_path / copy
        copy_checkout(listed, str(tree))
        if copy == 'cluttered':
            for name in ('eda/pyvenv.cfg', 'eda/bin/python', 'eda/lib/python3.11/site-packages/ansible/__init__.py',
                         'build/lib/x.py', 'simulator.log', 'docs/watch.log', 'tests/simulator/sim.log',
                         '.venv/pyvenv.cfg', '.build/collections/ansible_collections/x.py', 'tests/output/.tmp/x.py',
                         'plugins/module_utils/__pycache__/_client.cpython-311.pyc'):
                (tree / name).parent.mkdir(parents=True, exist_ok=True)
                (tree / name).write_text('clutter')
        subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', str(tree), '--output-path',
                        str(tmp_path / (copy + '-dist'))], check=True, capture_output=True)
        tarball, = glob.glob(str(tmp_path / (copy + '-dist') / 'melissa-cicero-*.tar.gz'))
        with tarfile.open(tarball) as archive:
            tarballs[copy] = sorted(member.name for member in archive.getmembers())
    assert tarballs['cluttered'] == tarballs['clean']
    assert 'README.md' in tarballs['clean'] and len(tarballs['clean']) > 50
