"""The credits lookup in-process, with strict stubs of the API: its figures, its options and its errors."""

import pytest
import yaml

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar

try:
    from ansible.template import trust_as_template
except ImportError:  # before ansible-core 2.19, every text was a template
    def trust_as_template(value):
        return value

from ansible_collections.melissa.cicero.plugins.lookup import credits as credits_lookup
from ansible_collections.melissa.cicero.plugins.lookup.credits import LookupModule

BASE = 'https://cicero.example/v3.1'
KEY = 'lookup key/+&='
CREDITS = {'response': {'errors': [], 'messages': ['hello'], 'results': {
    'credit_balance': '1200', 'overdraft_limit': 300, 'usable_batches': []}}}


@pytest.fixture(autouse=True)
def offline(clock, no_sleep, monkeypatch):  # pylint: disable=unused-argument
    for name in ('MELISSA_LICENSE_KEY', 'MELISSA_CICERO_API_URL', 'MELISSA_CICERO_USERNAME', 'MELISSA_CICERO_PASSWORD'):
        monkeypatch.delenv(name, raising=False)


def configured(variables=None):
    """The lookup as Ansible's plugin loader gives it: its documented options known to Ansible's configuration."""
    C.config.initialize_plugin_configuration_definitions(
        'lookup', credits_lookup.NAME, yaml.safe_load(credits_lookup.DOCUMENTATION)['options'])
    plugin = LookupModule(loader=DataLoader(), templar=Templar(loader=DataLoader(), variables=variables or {}))
    plugin._load_name = credits_lookup.NAME  # pylint: disable=protected-access
    return plugin


def lookup(variables=None, **options):
    return configured(variables).run([], variables or {}, **options)


def test_the_lookup_returns_the_modules_figures_in_a_list_of_one(cicero_api):
    cicero_api.credits(fmt='xml', body=b'<response><errors/><messages/><results><credit_balance>1200</credit_balance>'
                                       b'<overdraft_limit>300</overdraft_limit><usable_batches/></results></response>')
    figures, = lookup(license_key=KEY, api_url=BASE, format='xml')
    assert (figures['credit_balance'], figures['overdraft_limit'], figures['available_credits']) == (1200, 300, 1500)
    assert figures['usable_batches'] == [] and figures['expiring_within_days'] == 30


def test_the_key_and_url_come_from_the_environment(cicero_api, monkeypatch):
    cicero_api.credits(json=CREDITS)
    monkeypatch.setenv('MELISSA_LICENSE_KEY', KEY)
    monkeypatch.setenv('MELISSA_CICERO_API_URL', BASE)
    assert lookup()[0]['messages'] == ['hello']


@pytest.mark.parametrize('options, message', [
    (dict(timeout='soon'), "melissa.cicero.credits: timeout must be a number, got 'soon'"),
    (dict(retries=True), 'melissa.cicero.credits: retries must be a whole number, got true'),
    (dict(timeout=-1234567), 'melissa.cicero.credits: timeout must be a number of seconds greater than 0, got -1234567'),
    (dict(expiring_within_days=-1), 'melissa.cicero.credits: expiring_within_days must be 0 or more, got -1'),
    (dict(timout=5), 'melissa.cicero.credits: unknown option timout: did you mean timeout?'),
    (dict(format='yaml'), "melissa.cicero.credits: format must be one of json, xml, got 'yaml'"),
])
def test_a_wrong_option_is_named_before_any_request(options, message):
    import responses  # pylint: disable=import-outside-toplevel
    with responses.RequestsMock() as mocked:
        with pytest.raises(AnsibleLookupError) as raised:
            lookup(license_key=KEY, api_url=BASE, **options)
        assert len(mocked.calls) == 0
    assert raised.value.message == message


def test_terms_are_refused():
    with pytest.raises(AnsibleLookupError, match='takes no terms, only keyword options'):
        configured().run(['balance'], {})


def test_an_api_error_is_the_lookups_error_without_the_key(cicero_api):
    cicero_api.credits(status=401, json={'response': {'errors': ['Invalid license key ' + KEY], 'messages': [],
                                                      'results': {}}})
    with pytest.raises(AnsibleLookupError) as raised:
        lookup(license_key=KEY, api_url=BASE)
    assert raised.value.message == 'Cicero API error (HTTP 401): Invalid license key ********'


def test_a_setting_from_the_environment_is_named_as_its_variable(monkeypatch):
    monkeypatch.setenv('MELISSA_CICERO_API_URL', 'cicero.example/v3.1')
    with pytest.raises(AnsibleLookupError) as raised:
        lookup(license_key=KEY)
    assert raised.value.message.startswith(
        'melissa.cicero.credits: MELISSA_CICERO_API_URL must be an absolute http:// or https:// URL')


def test_the_first_missing_library_is_named(monkeypatch):
    monkeypatch.setattr(credits_lookup, 'missing_library', lambda params: ['requests', 'xmltodict'])
    with pytest.raises(AnsibleLookupError) as raised:
        lookup(license_key=KEY)
    assert 'requests' in str(raised.value) and 'xmltodict' not in str(raised.value)
    # As in the modules, the library is named before the connection's own checks (a timeout, the api_url) are made.
    with pytest.raises(AnsibleLookupError) as raised:
        lookup(license_key=KEY, timeout=-1)
    assert 'requests' in str(raised.value) and 'timeout' not in str(raised.value)


def test_the_options_come_from_variables_the_keyword_first(cicero_api):
    cicero_api.credits(json=CREDITS)
    variables = {'melissa_cicero_license_key': KEY, 'melissa_cicero_api_url': BASE, 'melissa_cicero_timeout': 'x',
                 'melissa_cicero_expiring_within_days': 7}
    figures, = lookup(variables, timeout=5)  # the keyword wins over the variable, which is never read
    assert figures['expiring_within_days'] == 7


def test_a_variable_is_templated_before_it_is_read(cicero_api):
    cicero_api.credits(json=CREDITS)
    variables = {'vault_key': KEY, 'melissa_cicero_license_key': trust_as_template('{{ vault_key }}'), 'melissa_cicero_api_url': BASE}
    assert lookup(variables)[0]['credit_balance'] == 1200


@pytest.mark.parametrize('name, value, message', [
    ('timeout', True, 'melissa_cicero_timeout must be a number, got true'),
    ('validate_certs', 'maybe', "melissa_cicero_validate_certs must be true or false, got 'maybe'"),
    ('expiring_within_days', '20%', "melissa_cicero_expiring_within_days must be a whole number, got '20%'"),
    ('expiring_within_days', -1, 'melissa_cicero_expiring_within_days must be 0 or more, got -1'),
    ('retries', -1, 'melissa_cicero_retries must be 0 or more, got -1'),  # the read's own check: no prefix
])
def test_a_wrong_variable_is_named_as_the_variable(name, value, message):
    import responses  # pylint: disable=import-outside-toplevel
    with responses.RequestsMock() as mocked:
        with pytest.raises(AnsibleLookupError) as raised:
            lookup({'melissa_cicero_' + name: value}, license_key=KEY, api_url=BASE)
        assert len(mocked.calls) == 0
    assert raised.value.message in ('melissa.cicero.credits: ' + message, message)
    assert raised.value.message.endswith(message)


def test_a_variable_key_is_never_shown(cicero_api):
    cicero_api.credits(status=401, json={'response': {'errors': ['Invalid license key ' + KEY], 'messages': [],
                                                      'results': {}}})
    with pytest.raises(AnsibleLookupError) as raised:
        lookup({'melissa_cicero_license_key': KEY}, api_url=BASE)
    assert raised.value.message == 'Cicero API error (HTTP 401): Invalid license key ********'


@pytest.fixture
def ansible_cfg(monkeypatch, tmp_path):
    """An ansible.cfg with the section given, as Ansible's configuration reads it for this process."""
    def write(section):
        folder = tmp_path / str(len(list(tmp_path.iterdir())))  # a file of its own each time: Ansible caches by path
        folder.mkdir()
        config = folder / 'ansible.cfg'
        config.write_text('[melissa_cicero]\n' + section)
        monkeypatch.setattr(C.config, '_parsers', {})
        monkeypatch.setattr(C.config, '_config_file', str(config))
        monkeypatch.setattr(C, 'CONFIG_FILE', str(config))
        C.config._parse_config_file(str(config))  # pylint: disable=protected-access
        return config
    return write


def test_the_options_come_from_ansible_cfg_named_by_section(ansible_cfg, cicero_api):
    config = ansible_cfg('retries = -2\n')
    with pytest.raises(AnsibleLookupError) as raised:
        lookup(license_key=KEY, api_url=BASE)
    assert raised.value.message == (
        'melissa.cicero.credits: retries in the [melissa_cicero] section of {0} must be 0 or more, got -2'.format(config))
    ansible_cfg('expiring_within_days = 7 ; a week\napi_url = {0}\n'.format(BASE))
    cicero_api.credits(json=CREDITS)
    assert lookup(license_key=KEY)[0]['expiring_within_days'] == 7


@pytest.mark.parametrize('section, message', [
    ('validate_certs = maybe\n',
     "validate_certs in the [melissa_cicero] section of {0} must be true or false, got 'maybe'"),
    ('retries = abc\n', "retries in the [melissa_cicero] section of {0} must be a whole number, got 'abc'"),
    ('timout = 5\n', '[melissa_cicero] section of {0}: unknown setting timout: did you mean timeout?'),
    ('license_key = k\n',
     'license_key in the [melissa_cicero] section of {0} is never read from ansible.cfg: give it in the environment '
     '(MELISSA_LICENSE_KEY), a vaulted melissa_cicero_license_key variable or the keyword'),
])
def test_a_setting_that_cannot_be_right_is_named_in_its_file(ansible_cfg, section, message):
    config = ansible_cfg(section)
    with pytest.raises(AnsibleLookupError) as raised:
        lookup(license_key=KEY, api_url=BASE)
    assert raised.value.message == 'melissa.cicero.credits: ' + message.format(config)


def test_a_setting_that_a_keyword_or_a_variable_overrides_is_never_read(ansible_cfg, cicero_api):
    ansible_cfg('retries = abc\nexpiring_within_days = soon\n')
    cicero_api.credits(json=CREDITS)
    figures, = lookup({'melissa_cicero_expiring_within_days': 7}, license_key=KEY, api_url=BASE, retries=0)
    assert figures['expiring_within_days'] == 7


def test_an_ansible_cfg_that_cannot_be_read_is_named(ansible_cfg):
    config = ansible_cfg('retries = 1\n')
    config.write_text('[melissa_cicero\nretries = 1\n')  # broken after Ansible read it
    with pytest.raises(AnsibleLookupError) as raised:
        lookup(license_key=KEY, api_url=BASE)
    assert raised.value.message.startswith('melissa.cicero.credits: {0} cannot be read: '.format(config))
