"""melissa_credits_info end to end in-process, HTTP mocked with responses: results and error paths."""

import json
from urllib.parse import parse_qs, quote, quote_plus, urlsplit

import pytest
import requests
import responses

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_CORE_VERSION

from ansible_collections.melissa.cicero.plugins.modules import melissa_credits_info

BASE = 'https://cicero.example/v3.1'
URL = BASE + '/account/credits_remaining'
KEY = 'unit key/+&='
ANSIBLE_CORE = tuple(int(part) for part in ANSIBLE_CORE_VERSION.split('.')[:2])
KEY_FORMS = (KEY, quote(KEY, safe=''), quote_plus(KEY))
GOOD_JSON = {'response': {'errors': [], 'messages': [], 'results': {
    'credit_balance': 100, 'overdraft_limit': 5, 'usable_batches': [{
        'credits_purchased': 1000, 'credits_remaining': 100, 'created': '2026-01-01 00:00:00',
        'expiration_time': '2099-01-01 00:00:00', 'cost': '', 'discount': ''}]}}}


@pytest.fixture(autouse=True)
def offline(clock, no_sleep, monkeypatch):  # pylint: disable=unused-argument
    monkeypatch.delenv('MELISSA_LICENSE_KEY', raising=False)
    monkeypatch.delenv('MELISSA_CICERO_API_URL', raising=False)


def call(run_module, **args):
    args.setdefault('license_key', KEY)
    args.setdefault('api_url', BASE)
    result = run_module(melissa_credits_info.main, args)
    for form in KEY_FORMS:
        assert form not in result['_printed']
    return result


def test_success_returns_typed_figures_and_changes_nothing(run_module, cicero_api):
    cicero_api.credits(json=GOOD_JSON)
    result = call(run_module)
    assert result['_exit_code'] == 0 and result['changed'] is False
    assert (result['credit_balance'], result['overdraft_limit'], result['available_credits']) == (100, 5, 105)
    assert result['usable_batches'][0]['credits_remaining'] == 100
    assert 'ansible_facts' not in result
    # call() already proved no spelling of the key is printed; ansible-core before 2.21 echoes the module's
    # arguments, where the key must show as masked (2.21 echoes them only at -vvv, outside the module).
    if ANSIBLE_CORE < (2, 21):
        assert result['invocation']['module_args']['license_key'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    else:
        assert 'invocation' not in result


def sent_query(call):
    return parse_qs(urlsplit(call.request.url).query)


def test_key_from_environment_and_aliases(run_module, monkeypatch, cicero_api):
    # The key goes as both key and customer_id (docs/api-notes.md), with the format asked: each stub says so.
    cicero_api.credits(key='from the environment', json=GOOD_JSON)
    monkeypatch.setenv('MELISSA_LICENSE_KEY', 'from the environment')
    assert run_module(melissa_credits_info.main, {'api_url': BASE})['credit_balance'] == 100
    for alias in ('customer_id', 'key'):
        cicero_api.credits(key=alias + KEY, json=GOOD_JSON)
        assert run_module(melissa_credits_info.main, {alias: alias + KEY, 'api_url': BASE + '/'})['credit_balance'] == 100
    assert len(cicero_api.mock.calls) == 3


def test_runs_in_check_mode(run_module, cicero_api):
    cicero_api.credits(json=GOOD_JSON)
    assert call(run_module, _ansible_check_mode=True)['credit_balance'] == 100


def test_missing_key_fails_before_any_request_naming_option_and_variable(run_module):
    with responses.RequestsMock() as mocked:
        result = run_module(melissa_credits_info.main, {'api_url': BASE})
        assert len(mocked.calls) == 0
    assert result['failed'] and 'license_key' in result['msg'] and 'MELISSA_LICENSE_KEY' in result['msg']


@pytest.mark.parametrize('args, message', [
    ({'format': 'yaml'}, 'format'),
    ({'timeout': 'soon'}, 'timeout'),
    ({'timeout': -1}, 'timeout must be a number of seconds greater than 0'),
    ({'timeout': -1234567}, 'timeout must be a number of seconds greater than 0, got -1234567'),
    ({'retries': -1}, 'retries must be 0 or more'),
    ({'expiring_within_days': -3}, 'expiring_within_days must be 0 or more'),
    ({'expiring_within_days': 'month'}, 'expiring_within_days'),
    ({'api_url': 'app.cicerodata.com/v3.1'}, 'api_url must be an absolute http:// or https:// URL'),
    ({'username': 'u', 'password': 'p'}, 'license_key and username are mutually exclusive'),
])
def test_bad_option_values_name_the_option(run_module, args, message):
    with responses.RequestsMock() as mocked:
        result = call(run_module, **args)
        assert len(mocked.calls) == 0
    assert result['failed'] and message in result['msg']
    assert 'Traceback' not in result['_printed']


# As every entry point names them (module_utils/_shapes.py): the option, the value as written, what it takes. Ansible's
# own conversion would read true as 1 and name the others by their Python class.
@pytest.mark.parametrize('args, message', [
    ({'timeout': True}, 'timeout must be a number, got true'),
    ({'timeout': None}, 'timeout is null; give a number, or leave it unset for its default'),
    ({'timeout': ''}, 'timeout is empty; give a number, or leave it unset for its default'),
    ({'timeout': '20%'}, "timeout must be a number, got '20%'"),
    ({'timeout': [1]}, 'timeout must be a number, got a list'),
    ({'retries': True}, 'retries must be a whole number, got true'),
    ({'expiring_within_days': 2.5}, 'expiring_within_days must be a whole number, got 2.5'),
    ({'expiring_within_days': False}, 'expiring_within_days must be a whole number, got false'),
    ({'validate_certs': 'maybe'}, "validate_certs must be true or false, got 'maybe'"),
    ({'validate_certs': 5}, 'validate_certs must be true or false, got 5'),
    ({'format': None}, 'format is null; give one of json, xml, or leave it unset for its default'),
    ({'format': 5}, 'format must be one of json, xml, got 5'),
    ({'api_url': True}, 'api_url must be a text, got true'),
    ({'ca_path': False}, 'ca_path must be a path, got false'),
    ({'license_key': True}, 'license_key must be a text, got a value that is not a text'),
    ({'license_key': None, 'key': ['a-key-in-a-list']}, 'key must be a text, got a value that is not a text'),
])
def test_a_value_of_the_wrong_shape_is_named_as_given_before_any_request(run_module, args, message):
    with responses.RequestsMock() as mocked:
        result = call(run_module, **args)
        assert len(mocked.calls) == 0
    assert result['failed'] and result['msg'] == message
    assert 'class' not in result['_printed'] and 'Traceback' not in result['_printed']


def test_a_wrong_shape_is_named_before_an_unknown_option_and_true_is_never_a_number(run_module):
    assert call(run_module, timout=5, timeout=True)['msg'] == 'timeout must be a number, got true'
    assert call(run_module, timout=5)['msg'].startswith('Unsupported parameters for')


@pytest.mark.parametrize('args', [{'api_url': None}, {'api_url': ''}, {'ca_path': None}, {'username': None},
                                  {'customer_id': ''}, {'timeout': '7'}, {'retries': '0'}, {'validate_certs': 'yes'}])
def test_an_empty_or_null_text_is_not_given_and_text_from_the_command_line_is_read(run_module, cicero_api,
                                                                                   monkeypatch, args):
    monkeypatch.setenv('MELISSA_CICERO_API_URL', BASE)  # serves when api_url is empty or null
    cicero_api.credits(json=GOOD_JSON)
    assert call(run_module, **args)['credit_balance'] == 100


def test_plain_http_to_a_remote_host_warns(run_module, cicero_api):
    cicero_api.base = 'http://cicero.example/v3.1'
    cicero_api.credits(json=GOOD_JSON)
    result = call(run_module, api_url='http://cicero.example/v3.1')
    # ansible-core 2.19 returns warnings as structured records, older versions as strings
    assert 'credentials travel in clear text' in json.dumps(result['warnings'])


def test_api_error_names_status_and_api_text(run_module, cicero_api):
    error = {'response': {'errors': ['A detailed message about the error.'], 'messages': [], 'results': {}}}
    cicero_api.credits(status=400, json=error)
    result = call(run_module)
    assert result['msg'] == 'Cicero API error (HTTP 400): A detailed message about the error.'
    assert result['status'] == 400 and result['api_errors'] == ['A detailed message about the error.']


def test_transport_failure_quoting_the_key_is_redacted(run_module, cicero_api):
    cicero_api.credits(body=requests.exceptions.ConnectionError(
        'Max retries exceeded with url: /v3.1/account/credits_remaining?key=' + KEY_FORMS[1]
        + '&customer_id=' + KEY_FORMS[2] + ' (raw ' + KEY + ')'))
    result = call(run_module, retries=1)
    assert result['failed'] and 'gave up after 2 attempts' in result['msg']


def test_a_missing_library_is_named_before_any_request(run_module, monkeypatch):
    from ansible.module_utils.basic import missing_required_lib  # pylint: disable=import-outside-toplevel
    from ansible_collections.melissa.cicero.plugins.module_utils import _module_entry  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(_module_entry, 'missing_library', lambda params: ('xmltodict', 'No module named xmltodict'))
    if ANSIBLE_CORE >= (2, 19):  # the import error is in the result when tracebacks are asked for (always before 2.19)
        from ansible.module_utils._internal import _traceback  # pylint: disable=import-outside-toplevel
        monkeypatch.setattr(_traceback, 'is_traceback_enabled', lambda event: True)
    with responses.RequestsMock() as mocked:
        result = call(run_module, format='xml')
        assert len(mocked.calls) == 0
    assert result['failed'] and result['msg'] == missing_required_lib('xmltodict')
    assert result['exception'] == 'No module named xmltodict'


@pytest.mark.parametrize('args, named', [
    ({'api_url': None}, 'MELISSA_CICERO_API_URL'),  # left to the environment
    ({'api_url': 'cicero.example/v3.1'}, 'api_url'),  # given by the task, whatever the environment says
])
def test_an_api_url_from_the_environment_is_named_as_its_variable(run_module, monkeypatch, args, named):
    monkeypatch.setenv('MELISSA_CICERO_API_URL', 'cicero.example/v3.1')
    with responses.RequestsMock() as mocked:
        result = call(run_module, **args)
        assert len(mocked.calls) == 0
    assert result['msg'] == (named + " must be an absolute http:// or https:// URL such as "
                             "https://app.cicerodata.com/v3.1, got 'cicero.example/v3.1'")


def test_a_key_from_the_environment_beside_a_tasks_username_is_named_as_its_variable(run_module, monkeypatch):
    monkeypatch.setenv('MELISSA_LICENSE_KEY', KEY)
    with responses.RequestsMock() as mocked:
        result = call(run_module, license_key=None, username='deploy', password='pw')
        assert len(mocked.calls) == 0
    assert result['msg'].startswith('MELISSA_LICENSE_KEY and username are mutually exclusive')
