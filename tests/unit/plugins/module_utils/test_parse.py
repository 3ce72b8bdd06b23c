"""Envelope decoding and the tolerant XML reading (pure functions, no Ansible)."""

import json

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils._client import Reply
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroApiError, CiceroResponseError
from ansible_collections.melissa.cicero.plugins.module_utils._parse import (
    decode_envelope, excerpt, find_response, object_list, parse_document, text_list)

FIELDS = ('credits_remaining', 'cost')
BATCH_A = '<credits_remaining>5</credits_remaining><cost>1.00</cost>'
BATCH_B = '<credits_remaining>7</credits_remaining><cost/>'


def xml_results(batches_xml):
    return ('<response><errors/><messages/><results><credit_balance>12</credit_balance>'
            + batches_xml + '</results></response>').encode()


@pytest.mark.parametrize('batches_xml', [
    '<usable_batches><batch>{0}</batch><batch>{1}</batch></usable_batches>'.format(BATCH_A, BATCH_B),
    '<usable_batches type="list"><list-item>{0}</list-item><list-item>{1}</list-item></usable_batches>'.format(
        BATCH_A, BATCH_B),
    '<usable_batches>{0}</usable_batches><usable_batches>{1}</usable_batches>'.format(BATCH_A, BATCH_B),
])
def test_every_xml_list_spelling_gives_the_same_two_items(batches_xml):
    results = parse_document(xml_results(batches_xml), 'xml')['response']['results']
    assert object_list(results['usable_batches'], FIELDS) == [
        {'credits_remaining': '5', 'cost': '1.00'}, {'credits_remaining': '7', 'cost': ''}]


@pytest.mark.parametrize('batches_xml', [
    '<usable_batches><batch>{0}</batch></usable_batches>'.format(BATCH_A),
    '<usable_batches type="list"><list-item>{0}</list-item></usable_batches>'.format(BATCH_A),
    '<usable_batches>{0}</usable_batches>'.format(BATCH_A),
])
def test_one_xml_item_is_a_list_of_one(batches_xml):
    results = parse_document(xml_results(batches_xml), 'xml')['response']['results']
    assert object_list(results['usable_batches'], FIELDS) == [{'credits_remaining': '5', 'cost': '1.00'}]


@pytest.mark.parametrize('batches_xml', ['<usable_batches/>', '<usable_batches type="list"></usable_batches>', ''])
def test_empty_or_absent_xml_list_is_empty(batches_xml):
    results = parse_document(xml_results(batches_xml), 'xml')['response']['results']
    assert object_list(results.get('usable_batches'), FIELDS) == []


def test_xml_container_of_a_scalar_keeps_the_scalar_for_the_caller_to_reject():
    assert object_list({'batch': 'oops'}, FIELDS) == ['oops']


def test_text_list_reads_json_lists_xml_containers_and_repeated_tags():
    assert text_list(['a', 'b']) == ['a', 'b']
    assert text_list({'error': ['a', 'b']}) == ['a', 'b']
    assert text_list({'error': 'a'}) == ['a']
    assert text_list('a') == ['a']
    assert text_list('') == [] and text_list(None) == []


def test_xml_attributes_never_become_keys():
    document = parse_document(b'<response><results><credit_balance type="integer">3</credit_balance>'
                              b'</results></response>', 'xml')
    assert document == {'response': {'results': {'credit_balance': '3'}}}


def test_response_wrapped_in_another_root_is_found():
    reply = Reply(200, 'OK', 'application/xml', b'<cicero><response><errors/><messages><message>hi</message>'
                  b'</messages><results><credit_balance>1</credit_balance></results></response></cicero>')
    assert decode_envelope(reply, 'xml') == ({'credit_balance': '1'}, ['hi'])


def test_dtd_is_refused_before_parsing():
    body = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><response>&a;</response>'
    with pytest.raises(CiceroResponseError, match=r'not valid XML \(HTTP 200, application/xml\).*DTD'):
        decode_envelope(Reply(200, 'OK', 'application/xml', body), 'xml')


def test_errors_inside_a_200_fail_with_the_api_text():
    body = b'{"response": {"errors": ["out of credits"], "messages": [], "results": {}}}'
    with pytest.raises(CiceroApiError) as caught:
        decode_envelope(Reply(200, 'OK', 'application/json', body), 'json')
    assert caught.value.message == 'Cicero API error (HTTP 200): out of credits'
    assert caught.value.details == {'status': 200, 'api_errors': ['out of credits']}


def test_400_names_status_and_every_api_error():
    body = b'{"response": {"errors": ["first", "second"], "messages": [], "results": {}}}'
    with pytest.raises(CiceroApiError, match=r'^Cicero API error \(HTTP 400\): first; second$'):
        decode_envelope(Reply(400, 'Bad Request', 'application/json', body), 'json')


def test_html_error_page_gives_status_and_short_clean_excerpt():
    body = b'<html><head><title>502 Bad Gateway</title></head><body>' + b'x' * 5000 + b'</body></html>'
    with pytest.raises(CiceroApiError) as caught:
        decode_envelope(Reply(502, 'Bad Gateway', 'text/html', body, attempts=4), 'json')
    message = caught.value.message
    assert message.startswith('Cicero API answered HTTP 502 Bad Gateway after 4 attempts (text/html): 502 Bad Gateway x')
    assert '<' not in message and len(message) < 320


def test_malformed_json_with_2xx_names_format_status_and_content_type():
    with pytest.raises(CiceroResponseError, match=r'not valid JSON \(HTTP 200, text/plain\)'):
        decode_envelope(Reply(200, 'OK', 'text/plain', b'{"response":'), 'json')


def test_missing_envelope_and_missing_results_are_named():
    with pytest.raises(CiceroResponseError, match='no "response" envelope'):
        decode_envelope(Reply(200, 'OK', 'application/json', b'{"credit_balance": 1}'), 'json')
    with pytest.raises(CiceroResponseError, match='no "results" object'):
        decode_envelope(Reply(200, 'OK', 'application/json', b'{"response": {"errors": []}}'), 'json')


def test_excerpt_of_empty_and_binary_bodies():
    assert excerpt(b'') == '(empty body)'
    assert excerpt(b'\x00\xff ok') == '\ufffd ok'


def test_a_404_without_an_envelope_says_the_base_url_looks_wrong():
    reply = Reply(404, 'Not Found', 'text/html', b'<h1>Not Found</h1>', url='https://gw.example/account/credits_remaining')
    with pytest.raises(CiceroApiError) as raised:
        decode_envelope(reply, 'json')
    assert raised.value.message == (
        'Cicero API answered HTTP 404 Not Found (text/html): Not Found. The base URL looks wrong: '
        "https://gw.example/account/credits_remaining does not exist; the API's base URL ends in /v3.1, like "
        'https://app.cicerodata.com/v3.1')


def test_a_404_with_an_envelope_of_errors_still_says_the_base_url_looks_wrong():
    # An API gateway in front of the API answers its own JSON 404: any 404 for these resources is the base URL.
    body = b'{"response": {"errors": ["No route matched."], "messages": [], "results": {}}}'
    with pytest.raises(CiceroApiError) as raised:
        decode_envelope(Reply(404, 'Not Found', 'application/json', body,
                              url='https://gw.example/account/credits_remaining'), 'json')
    assert raised.value.message == (
        "Cicero API error (HTTP 404): No route matched. The base URL looks wrong: "
        "https://gw.example/account/credits_remaining does not exist; the API's base URL ends in /v3.1, like "
        "https://app.cicerodata.com/v3.1")
    assert raised.value.details['api_errors'] == ['No route matched.']


@pytest.mark.parametrize('encoding', ['utf-8', 'utf-16'])
def test_a_dtd_is_refused_inside_the_parser_whatever_the_encoding(encoding):
    # A byte search for <!DOCTYPE misses UTF-16; expat reads the declaration in any encoding, and so do we.
    text = ('<?xml version="1.0" encoding="{0}"?><!DOCTYPE r [<!ENTITY a "">]><response><errors><error>&a;x'
            '</error></errors><messages/><results/></response>').format(encoding)
    body = text.encode(encoding)
    with pytest.raises(CiceroResponseError, match=r'not valid XML .*declares a DTD or entities, which are refused'):
        decode_envelope(Reply(200, 'OK', 'application/xml', body), 'xml')


@pytest.mark.parametrize('fmt, body', [
    ('json', b'{"response": ' + b'[' * 300 + b']' * 300 + b'}'),
    ('json', b'[' * 100000 + b']' * 100000),
    ('xml', b'<response>' + b'<a>' * 300 + b'</a>' * 300 + b'</response>'),
    ('xml', b'<r>' + b'<a>' * 50000 + b'</a>' * 50000 + b'</r>'),
])
def test_a_document_nested_far_deeper_than_any_answer_is_named_not_a_crash(fmt, body):
    with pytest.raises(CiceroResponseError, match=r'not valid {0} .*nested more than 32 levels deep'.format(
            fmt.upper())):
        decode_envelope(Reply(200, 'OK', 'application/' + fmt, body), fmt)


def test_api_errors_and_messages_are_data_one_line_bounded_and_no_template():
    errors = ["{{ lookup('pipe', 'id') }}", 'line\n::error title=x::forged\x1b[2J', 'lone \ud800', 'e' * 5000]
    body = json.dumps({'response': {'errors': errors, 'messages': [], 'results': {}}}).encode()
    with pytest.raises(CiceroApiError) as caught:
        decode_envelope(Reply(200, 'OK', 'application/json', body), 'json')
    api_errors = caught.value.details['api_errors']
    assert api_errors[:3] == ["{ { lookup('pipe', 'id') }}", 'line ::error title=x::forged [2J', 'lone ']
    assert api_errors[3] == 'e' * 500 + '...'
    assert '\n' not in caught.value.message and '{{' not in caught.value.message
    assert len(caught.value.message) < 1200
    messages = json.dumps({'response': {'errors': [], 'messages': ['{% x %}\r\nnext'] * 30,
                                        'results': {'credit_balance': 1}}}).encode()
    results, shown = decode_envelope(Reply(200, 'OK', 'application/json', messages), 'json')
    assert shown[0] == '{ % x %}  next' and shown[-1] == '(10 more not shown)' and len(shown) == 21


def test_the_servers_reason_and_content_type_are_its_text_too():
    reply = Reply(502, 'Bad\r\n::warning::x {{ 7*7 }}', 'text/html\x1b[31m', b'<h1>down</h1>')
    with pytest.raises(CiceroApiError) as caught:
        decode_envelope(reply, 'json')
    assert caught.value.message == ('Cicero API answered HTTP 502 Bad  ::warning::x { { 7*7 }} (text/html [31m): '
                                    'down')


def test_an_excerpt_of_any_body_is_linear_bounded_and_one_line():
    assert excerpt(b'<' * 200000) == '<' * 200 + '...'
    assert excerpt(b'<p>a\x1b]0;t\x07</p>' + b'x' * 10000) == 'a ]0;t ' + 'x' * 193 + '...'


def test_parsing_does_not_load_the_http_client(new_python):
    """A parser is pure: importing it loads neither the client nor requests (a module that only parses, and the
    parsing benchmarks, do not pay for them)."""
    code, out, err = new_python(
        "import sys\nfrom ansible_collections.melissa.cicero.plugins.module_utils import _parse, _credits, _usage\n"
        "print(sorted(name for name in ('requests', 'ansible_collections.melissa.cicero.plugins.module_utils._client')"
        " if name in sys.modules))\n")
    assert (code, out) == (0, '[]\n'), err


@pytest.mark.parametrize('levels, found', [(0, True), (1, True), (3, True), (4, False)])
def test_a_response_is_found_under_up_to_three_wrapping_elements(levels, found):
    document = {'response': {'results': {}}}
    for level in range(levels):
        document = {'wrap{0}'.format(level): document}
    assert (find_response(document) is not None) is found


def nested(levels):
    """`levels` lists, one inside the other."""
    document = []
    for dummy in range(levels - 1):
        document = [document]
    return document


@pytest.mark.parametrize('levels, fine', [(31, True), (32, True), (33, False)])
def test_a_document_of_32_levels_is_read_and_33_are_named(levels, fine):
    body = json.dumps({'response': nested(levels - 1)}).encode()
    if fine:
        assert parse_document(body, 'json')['response'] is not None
    else:
        with pytest.raises(ValueError, match='nested more than 32 levels deep'):
            parse_document(body, 'json')


@pytest.mark.parametrize('tags, shown', [(600, 'seen'), (666, 'se'), (700, '<x')])
def test_an_excerpt_reads_the_first_2000_characters_of_a_body(tags, shown):
    """An error page's visible text after 1,800 characters of markup is shown, cut at the 2,000th character; after
    2,100 it is not read (what is left is the start of a tag cut in two)."""
    assert excerpt(b'<x>' * tags + b'seen') == shown


def test_without_xmltodict_the_parser_loads_and_names_it(monkeypatch):
    import importlib  # pylint: disable=import-outside-toplevel
    from ansible_collections.melissa.cicero.plugins.module_utils import _parse  # pylint: disable=import-outside-toplevel
    assert (_parse.HAS_XMLTODICT, _parse.XMLTODICT_IMPORT_ERROR) == (True, None)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *args: None if name == 'xmltodict' else real(name, *args))
    try:
        importlib.reload(_parse)
        assert (_parse.HAS_XMLTODICT, _parse.XMLTODICT_IMPORT_ERROR) == (False, 'No module named xmltodict')
    finally:
        monkeypatch.undo()
        importlib.reload(_parse)
    assert _parse.HAS_XMLTODICT is True


def test_an_empty_object_where_a_list_belongs_is_a_list_of_that_object():
    assert object_list({}, ('credits_remaining',)) == [{}]


@pytest.mark.parametrize('attempts, said', [(1, ''), (2, ' after 2 attempts')])
def test_a_failure_says_how_many_attempts_it_took(attempts, said):
    reply = Reply(502, 'Bad Gateway', 'text/html', b'<html>down</html>', attempts=attempts)
    with pytest.raises(CiceroApiError) as raised:
        decode_envelope(reply, 'json')
    assert raised.value.message == 'Cicero API answered HTTP 502 Bad Gateway{0} (text/html): down'.format(said)
