"""Melissa's published examples of credits_remaining (tests/simulator/published/), as published, through
the module: JSON and XML of the same account give the same result; the 400 names its status and text."""

import os

import pytest
import responses

from ansible_collections.melissa.cicero.plugins.modules import melissa_credits_info

PUBLISHED = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'simulator', 'published')
BASE = 'https://cicero.example/v3.1'
URL = BASE + '/account/credits_remaining'


def published(name):
    with open(os.path.join(PUBLISHED, name), 'rb') as handle:
        return handle.read()


@pytest.fixture(autouse=True)
def offline(clock, no_sleep, monkeypatch):  # pylint: disable=unused-argument
    monkeypatch.delenv('MELISSA_LICENSE_KEY', raising=False)


def read(run_module, fmt, body, status=200):
    with responses.RequestsMock() as mock:
        mock.get(URL, body=body, status=status, content_type='application/' + fmt)
        result = run_module(melissa_credits_info.main, dict(license_key='published-test-key', api_url=BASE, format=fmt))
    for key in ('_printed', '_exit_code', 'invocation'):
        result.pop(key, None)
    return result


def test_the_published_json_example_reads_right(run_module):
    result = read(run_module, 'json', published('credits_remaining.json'))
    assert (result['credit_balance'], result['overdraft_limit'], result['available_credits']) == (0, 0, 0)
    batch, = result['usable_batches']
    assert batch == dict(batch, credits_purchased=10000, credits_remaining=0, created='2023-11-10 16:51:17.116718 Z',
                         expiration_time='2028-02-08', cost='0.00', discount='0.00')
    # A date alone parses: 449 whole days from the fixed clock (2026-11-15 12:00 UTC) to 2028-02-08 00:00 UTC.
    assert batch['expires_in_days'] == 449
    # The batch is spent: no credits expire soon, and it is no one's next expiration.
    assert (result['credits_expiring_soon'], result['next_expiration']) == (0, None)


def test_the_published_xml_example_gives_the_json_result(run_module):
    assert read(run_module, 'xml', published('credits_remaining.xml')) == read(
        run_module, 'json', published('credits_remaining.json'))


@pytest.mark.parametrize('fmt', ['json', 'xml'])
def test_the_published_error_names_the_status_and_the_text(run_module, fmt):
    result = read(run_module, fmt, published('error_400.' + fmt), status=400)
    assert result['failed'] is True
    assert result['msg'] == 'Cicero API error (HTTP 400): A detailed message about the error.'
    assert (result['status'], result['api_errors']) == (400, ['A detailed message about the error.'])


NULLS_JSON = (b'{"response": {"errors": [], "messages": [], "results": {"credit_balance": 5, "overdraft_limit": 0,'
              b' "usable_batches": [{"credits_purchased": null, "credits_remaining": 5, "created": null,'
              b' "expiration_time": null, "cost": null, "discount": ""}]}}}')
NULLS_XML = (b'<response><errors /><messages /><results><credit_balance>5</credit_balance>'
             b'<overdraft_limit>0</overdraft_limit><usable_batches><usable_batch>'
             b'<credits_purchased>None</credits_purchased><credits_remaining>5</credits_remaining>'
             b'<created>None</created><expiration_time>None</expiration_time><cost>None</cost><discount />'
             b'</usable_batch></usable_batches></results></response>')


def test_xml_none_is_json_null(run_module):
    from_xml = read(run_module, 'xml', NULLS_XML)
    assert from_xml == read(run_module, 'json', NULLS_JSON)
    assert from_xml['usable_batches'] == [dict(credits_purchased=None, credits_remaining=5, created=None,
                                               expiration_time=None, cost=None, discount='', expires_in_days=None)]


@pytest.mark.parametrize('field, message', [
    ('credit_balance', 'Cicero API results lack the required field credit_balance'),
    ('credits_remaining', 'Cicero API field usable_batches[0].credits_remaining is missing'),
])
def test_a_number_that_is_none_is_an_error_naming_the_field(run_module, field, message):
    body = NULLS_XML.replace('<{0}>5</{0}>'.format(field).encode(), '<{0}>None</{0}>'.format(field).encode())
    result = read(run_module, 'xml', body)
    assert result['failed'] is True and result['msg'] == message
