"""TLS verification with a self-signed simulator, ca_path, and proxies from the environment."""

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.melissa.cicero.tests.support import start_simulator

# TLS and proxies are what requests and urllib3 do: every leg of the matrix runs them.
pytestmark = pytest.mark.matrix


@pytest.fixture(scope='module')
def self_signed(tmp_path_factory):
    """A certificate for 127.0.0.1 signed by itself (cryptography comes with ansible-core)."""
    folder = tmp_path_factory.mktemp('tls')
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'cicero-simulator')])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / 'cert.pem', folder / 'key.pem'
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


@pytest.fixture(scope='module')
def tls_simulator(self_signed):
    server = start_simulator('--tls-cert', self_signed[0], '--tls-key', self_signed[1])
    try:
        yield server
    finally:
        server.stop()


def test_the_tls_simulator_serves_https(tls_simulator):
    assert tls_simulator.base_url.startswith('https://127.0.0.1:')


def test_self_signed_server_is_refused_by_default_and_served_with_ca_path_or_validate_certs_off(
        credits_runs, tls_simulator, self_signed):
    url = tls_simulator.base_url
    run, (by_default, with_ca_path, unverified) = credits_runs([
        (dict(api_url=url, retries=0), None),
        (dict(api_url=url, ca_path=self_signed[0]), None),
        (dict(api_url=url, validate_certs=False), None)])
    assert 'credit_balance' not in by_default, run.output
    assert by_default['msg'].startswith('Cicero API TLS verification failed for {0}/account/credits_remaining: '.format(
        url)), by_default['msg']
    assert (with_ca_path.get('credit_balance'), unverified.get('credit_balance')) == (12500, 12500), run.output


def test_proxy_from_the_environment_and_the_clear_text_warning(credits_adhoc, fresh_simulator):
    # The simulator answers absolute-URI requests as a forward proxy would pass them on.
    run, result = credits_adhoc('http://cicero.invalid/v3.1', 'retries=0', env={
        'HTTP_PROXY': fresh_simulator.root, 'http_proxy': fresh_simulator.root, 'NO_PROXY': '', 'no_proxy': ''})
    assert result['credit_balance'] == 12500, run.output
    assert fresh_simulator.requests() == {'healthy GET /account/credits_remaining': 1}
    assert ('[WARNING]: api_url http://cicero.invalid/v3.1 is plain http: the credentials travel in clear text '
            'over the network.') in run.flat_output
