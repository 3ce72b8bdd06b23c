"""Connection options checked before any request: ca_path, and the secrets a redactor is told about."""

import ssl

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils import _connection
from ansible_collections.melissa.cicero.plugins.module_utils._connection import (
    ca_path_problem, check_connection_options, credential_redactor)
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._redact import MASK

# A real CA certificate in PEM form is what the standard library must accept; the system's bundle is one.
SYSTEM_BUNDLE = ssl.get_default_verify_paths().cafile or ssl.get_default_verify_paths().openssl_cafile


def params(**extra):
    values = dict(license_key='k', username=None, password=None, api_url='https://cicero.example/v3.1',
                  format='json', timeout=5.0, retries=0, validate_certs=True, ca_path=None)
    values.update(extra)
    return values


def test_a_bundle_and_a_folder_of_certificates_are_fine(tmp_path):
    assert ca_path_problem(SYSTEM_BUNDLE) is None
    assert ca_path_problem(str(tmp_path)) is None and ca_path_problem(None) is None


def test_a_missing_ca_path_is_named_in_the_callers_words(tmp_path):
    missing = str(tmp_path / 'nope.pem')
    with pytest.raises(CiceroOptionError) as raised:
        check_connection_options(params(ca_path=missing))
    assert raised.value.message == "ca_path {0!r} does not exist; give the path of a PEM file of CA " \
                                   "certificates".format(missing)
    with pytest.raises(CiceroOptionError) as raised:
        check_connection_options(params(ca_path=missing), in_callers_words=lambda option: 'assert_credits_' + option)
    assert raised.value.message.startswith('assert_credits_ca_path {0!r} does not exist'.format(missing))
    # Not used then; what is said instead is that nothing is verified, once, in the caller's words.
    assert check_connection_options(params(ca_path=missing, validate_certs=False)) == [
        "validate_certs is false: the API's certificate is not verified, so anyone in the path can read the "
        'credentials; give ca_path instead when a private CA signs it.']


def test_a_file_that_is_no_certificate_bundle_is_named(tmp_path):
    junk = tmp_path / 'junk.pem'
    junk.write_text('this is not a certificate\n')
    assert ca_path_problem(str(junk)).startswith("{0!r} is not a bundle of PEM CA certificates (".format(str(junk)))


def test_an_unreadable_ca_path_is_named(tmp_path, monkeypatch):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('x')

    def refuse(cafile=None):
        raise PermissionError(13, 'Permission denied')
    # Tests run as root here, which reads any file: the refusal is the one the operating system would give.
    monkeypatch.setattr(_connection.ssl, 'create_default_context', refuse)
    assert ca_path_problem(str(bundle)) == "{0!r} cannot be read: Permission denied".format(str(bundle))


def test_the_redactor_knows_userinfo_passwords_of_the_api_url_and_the_proxies(monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy-user:proxy%2Fpass@proxy.example:3128')
    redact = credential_redactor(params(api_url='https://gw:gate-secret@gw.example/v3.1'))
    assert redact('gate-secret, proxy/pass and proxy%2Fpass') == '{0}, {0} and {0}'.format(MASK)


def test_the_plain_http_warning_and_the_scheme_error_never_show_a_userinfo_password():
    warnings = check_connection_options(params(api_url='http://gw:UserInfoPw@gw.example/v3.1', license_key='lk-1'),
                                        in_callers_words=lambda option: 'assert_credits_' + option)
    assert warnings == ['assert_credits_api_url http://gw:{0}@gw.example/v3.1 is plain http: the credentials '
                        'travel in clear text over the network.'.format(MASK)]
    with pytest.raises(CiceroOptionError) as raised:
        check_connection_options(params(api_url='ftp://gw:Pass@word@gw.example/v3.1', license_key='lk-1'))
    assert 'Pass' not in raised.value.message and 'word' not in raised.value.message
    assert raised.value.message.endswith("got 'ftp://gw:{0}@gw.example/v3.1'".format(MASK))


def test_the_warning_through_call_api_is_redacted_too():
    shown = []
    _connection.call_api(params(api_url='http://gw:UserInfoPw@gw.example/v3.1'), lambda client, params: {},
                         shown.append, credential_redactor(params()))
    assert shown and 'UserInfoPw' not in shown[0]


def test_only_xml_needs_xmltodict(monkeypatch):
    monkeypatch.setattr(_connection._parse, 'HAS_XMLTODICT', False)
    assert _connection.missing_library(params(format='json')) is None
    assert _connection.missing_library(params(format='xml'))[0] == 'xmltodict'


@pytest.mark.parametrize('timeout, refused', [(0, '0'), (-1, '-1'), (-1234567.0, '-1234567'), (0.5, None), (1, None)])
def test_timeout_must_be_more_than_0_seconds(timeout, refused):
    if refused:
        with pytest.raises(CiceroOptionError) as raised:
            check_connection_options(params(timeout=timeout))
        assert raised.value.message == 'timeout must be a number of seconds greater than 0, got ' + refused
    else:
        assert check_connection_options(params(timeout=timeout)) == []


@pytest.mark.parametrize('api_url', ['https://cicero.example/v3.1', 'http://127.0.0.1:8765/v3.1',
                                     'http://localhost/v3.1'])
def test_https_with_verified_certificates_or_plain_http_on_loopback_warn_of_nothing(api_url):
    assert check_connection_options(params(api_url=api_url)) == []
    assert check_connection_options(params(api_url=api_url, validate_certs=False)) == (
        [] if api_url.startswith('http:') else [
            "validate_certs is false: the API's certificate is not verified, so anyone in the path can read the "
            'credentials; give ca_path instead when a private CA signs it.'])


@pytest.mark.parametrize('content, said', [
    ('this is not a certificate\n', '(NO_CERTIFICATE_OR_CRL_FOUND)'),
    ('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'PEM lib'),  # an SSLError without a reason
])
def test_what_openssl_says_of_a_file_that_is_no_bundle_is_shown(tmp_path, content, said):
    junk = tmp_path / 'junk.pem'
    junk.write_text(content)
    problem = ca_path_problem(str(junk))
    assert problem.startswith("{0!r} is not a bundle of PEM CA certificates (".format(str(junk))) and said in problem


def test_any_value_error_of_the_ssl_module_is_named_too(tmp_path, monkeypatch):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text('x')

    def refuse(cafile):
        raise ValueError('embedded null byte')
    monkeypatch.setattr(_connection.ssl, 'create_default_context', refuse)
    assert ca_path_problem(str(bundle)) == "{0!r} is not a bundle of PEM CA certificates (embedded null byte)".format(
        str(bundle))


def test_xml_compared_by_value(monkeypatch):
    monkeypatch.setattr(_connection._parse, 'HAS_XMLTODICT', False)
    assert _connection.missing_library(params(format=''.join('xml')))[0] == 'xmltodict'
