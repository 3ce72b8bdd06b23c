"""Typed figures and derived values from credits_remaining results (pure functions)."""

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils import _credits
from ansible_collections.melissa.cicero.plugins.module_utils._credits import (
    credits_valid_for, parse_datetime, summarise_credits, to_number)
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroResponseError

NOW = datetime(2026, 11, 25, 12, 0, 0, tzinfo=timezone.utc)


def stamp(days):
    return (NOW + timedelta(days=days)).strftime('%Y-%m-%d %H:%M:%S')


def batch(remaining, expires_days, purchased=1000):
    return {'credits_purchased': purchased, 'credits_remaining': remaining, 'created': stamp(-10),
            'expiration_time': None if expires_days is None else stamp(expires_days), 'cost': '1.00',
            'discount': ''}


@pytest.mark.parametrize('value, expected', [
    (5, 5), (5.0, 5), ('5', 5), (' 5 ', 5), ('5.0', 5), ('5.25', 5.25), ('-200', -200), ('1e3', 1000),
    (2.5, 2.5),
])
def test_numbers_from_any_wire_spelling(value, expected):
    number = to_number(value, 'f')
    assert number == expected and type(number) is type(expected)


@pytest.mark.parametrize('value', ['twelve', '', '1_000', '1,000', 'nan', 'inf', True, None, [], float('nan')])
def test_non_numbers_are_named(value):
    with pytest.raises(CiceroResponseError, match='^Cicero API field credit_balance is not a number: '):
        to_number(value, 'credit_balance')


@pytest.mark.parametrize('text, expected', [
    ('2022-12-01 00:00:00', datetime(2022, 12, 1)),
    ('2022-12-01T00:00:00', datetime(2022, 12, 1)),
    ('2022-12-01T00:00:00Z', datetime(2022, 12, 1)),
    ('2022-12-01T00:00:00.123456Z', datetime(2022, 12, 1, 0, 0, 0, 123456)),
    ('2022-12-01 02:30:00+02:30', datetime(2022, 12, 1)),
    ('2022-12-01T00:00:00-0500', datetime(2022, 12, 1, 5)),
    ('2022-12-01 05:00:00 +05', datetime(2022, 12, 1)),  # a zone of whole hours: no minutes to add
    ('2022-12-01', datetime(2022, 12, 1)),
    ('2022-12-01 10:15', datetime(2022, 12, 1, 10, 15)),
])
def test_datetimes_parse_leniently_as_utc(text, expected):
    assert parse_datetime(text) == expected


@pytest.mark.parametrize('text', ['', 'soon', '2022-13-01', '01/12/2022', None, 5])
def test_unreadable_datetimes_are_none(text):
    assert parse_datetime(text) is None


def test_summary_of_a_healthy_account():
    results = {'credit_balance': '12500', 'overdraft_limit': 500, 'usable_batches': [
        batch(10000, 300.5), batch(2000, 20.5), batch(500, 10.5), batch(0, 2.5)]}
    summary = summarise_credits(results, ['hello'], NOW, 30)
    assert summary['credit_balance'] == 12500
    assert summary['available_credits'] == 13000
    assert [b['expires_in_days'] for b in summary['usable_batches']] == [300, 20, 10, 2]
    assert summary['credits_expiring_soon'] == 2500
    # the empty batch expires first but holds nothing, so it is not the next expiry
    assert summary['next_expiration'] == stamp(10.5)
    assert summary['messages'] == ['hello']
    assert summary['usable_batches'][0] == {
        'credits_purchased': 1000, 'credits_remaining': 10000, 'created': stamp(-10),
        'expiration_time': stamp(300.5), 'cost': '1.00', 'discount': '', 'expires_in_days': 300}


def test_window_edges_use_whole_days():
    results = {'credit_balance': 30, 'overdraft_limit': 0,
               'usable_batches': [batch(10, 29.99), batch(20, 30.01)]}
    assert summarise_credits(results, [], NOW, 30)['credits_expiring_soon'] == 10
    assert summarise_credits(results, [], NOW, 0)['credits_expiring_soon'] == 0


def test_expired_batches_count_as_expiring_and_have_negative_days():
    results = {'credit_balance': 5, 'overdraft_limit': 0, 'usable_batches': [batch(5, -1.5)]}
    summary = summarise_credits(results, [], NOW, 30)
    assert summary['usable_batches'][0]['expires_in_days'] == -2
    assert summary['credits_expiring_soon'] == 5


def test_batches_without_readable_expiry():
    raw = batch(7, None)
    raw['credits_purchased'] = ''
    results = {'credit_balance': 7, 'overdraft_limit': 0, 'usable_batches': [raw, dict(batch(3, 1), expiration_time='later')]}
    summary = summarise_credits(results, [], NOW, 30)
    assert [b['expires_in_days'] for b in summary['usable_batches']] == [None, None]
    assert summary['usable_batches'][0]['credits_purchased'] is None
    assert summary['usable_batches'][1]['expiration_time'] == 'later'
    assert summary['credits_expiring_soon'] == 0 and summary['next_expiration'] is None


def test_empty_account():
    summary = summarise_credits({'credit_balance': 0, 'overdraft_limit': 0, 'usable_batches': []}, [], NOW, 30)
    assert summary['usable_batches'] == [] and summary['available_credits'] == 0
    assert summary['credits_expiring_soon'] == 0 and summary['next_expiration'] is None


@pytest.mark.parametrize('results, message', [
    ({'overdraft_limit': 0}, 'lack the required field credit_balance'),
    ({'credit_balance': 1, 'overdraft_limit': ''}, 'lack the required field overdraft_limit'),
    ({'credit_balance': 1, 'overdraft_limit': 0, 'usable_batches': ['oops']}, r'usable_batches\[0\] is not an object'),
    ({'credit_balance': 1, 'overdraft_limit': 0, 'usable_batches': [{'cost': '1'}]},
     r'usable_batches\[0\].credits_remaining is missing'),
    ({'credit_balance': 1, 'overdraft_limit': 0, 'usable_batches': [{'credits_remaining': 'x'}]},
     r'usable_batches\[0\].credits_remaining is not a number'),
])
def test_wrong_shapes_name_the_field(results, message):
    with pytest.raises(CiceroResponseError, match=message):
        summarise_credits(results, [], NOW, 30)


def test_credits_valid_for_counts_undated_batches():
    batches = summarise_credits({'credit_balance': 0, 'overdraft_limit': 0, 'usable_batches': [
        batch(100, 5.5), batch(200, 40.5), batch(300, None)]}, [], NOW, 30)['usable_batches']
    assert credits_valid_for(batches, 0) == 600
    assert credits_valid_for(batches, 30) == 500
    assert credits_valid_for(batches, 41) == 300


@pytest.mark.parametrize('value, shown', [
    ('9' * 5000, "'" + '9' * 59),          # int() would refuse it with a ValueError of its own
    ('1' + '0' * 400, "'1" + '0' * 58),    # float() would make it infinite
    ('1e400', "'1e400'"),
])
def test_numbers_written_with_thousands_of_digits_are_named_not_a_crash(value, shown):
    with pytest.raises(CiceroResponseError) as caught:
        to_number(value, 'credit_balance')
    assert caught.value.message.startswith('Cicero API field credit_balance is not a number: ' + shown)
    assert len(caught.value.message) < 120


@pytest.mark.parametrize('value', [10 ** 15 + 1, -10 ** 15 - 1, 10 ** 4000, 1e300, '1000000000000001'])
def test_numbers_beyond_any_account_are_out_of_range(value):
    with pytest.raises(CiceroResponseError, match=r'^Cicero API field credit_balance is out of range \(beyond '
                                                  r'1,000,000,000,000,000\): '):
        to_number(value, 'credit_balance')
    assert to_number(10 ** 15, 'f') == 10 ** 15 and to_number(-10 ** 15, 'f') == -10 ** 15


def test_a_huge_credit_count_in_a_batch_is_refused_too():
    with pytest.raises(CiceroResponseError, match=r'usable_batches\[0\].credits_remaining is out of range .*a number '
                                                  r'of about 4000 digits'):
        summarise_credits({'credit_balance': 1, 'overdraft_limit': 0, 'usable_batches': [
            dict(batch(1, 5), credits_remaining=10 ** 4000)]}, [], NOW, 30)


def test_batch_text_fields_are_data():
    raw = dict(batch(1, 5), cost="{{ lookup('pipe', 'id') }}", discount='1\n::error::x\x1b[2J', created=12)
    shown = summarise_credits({'credit_balance': 1, 'overdraft_limit': 0, 'usable_batches': [raw]}, [], NOW,
                              30)['usable_batches'][0]
    assert (shown['cost'], shown['discount'], shown['created']) == (
        "{ { lookup('pipe', 'id') }}", '1 ::error::x [2J', '12')


# What Python 3.11's fromisoformat() reads, and the lenient parser of older Pythons must read alike; and what only the
# lenient parser reads (a lower-case z, spaces before the zone, a zone's minutes left out).
LENIENT = [
    ('2022-12-01 10:15:30', datetime(2022, 12, 1, 10, 15, 30)),
    ('2022-12-01 10:15', datetime(2022, 12, 1, 10, 15)),
    ('2022-12-01', datetime(2022, 12, 1)),
    ('2023-11-10 16:51:17.116718 Z', datetime(2023, 11, 10, 16, 51, 17, 116718)),
    ('2022-12-01T10:00:00.5Z', datetime(2022, 12, 1, 10, 0, 0, 500000)),
    ('2022-12-01T10:00:00,1234567Z', datetime(2022, 12, 1, 10, 0, 0, 123456)),
    ('2022-12-01T10:00:00+02:30', datetime(2022, 12, 1, 7, 30)),
    ('2022-12-01T10:00:00-0530', datetime(2022, 12, 1, 15, 30)),
    ('2022-12-01T10:00:00+02', datetime(2022, 12, 1, 8)),
    ('2022-12-01T10:00:00-02', datetime(2022, 12, 1, 12)),
    ('2022-12-01T10:00 z', datetime(2022, 12, 1, 10)),
    ('2022-12-01T10:00:00  -01:15', datetime(2022, 12, 1, 11, 15)),
]


@pytest.mark.parametrize('text, expected', LENIENT)
def test_the_lenient_parser_reads_every_form_as_utc(text, expected):
    assert _credits._lenient_datetime(text) == expected
    assert parse_datetime(text) == expected


@pytest.mark.parametrize('text', ['2022-13-01', '2022-12-01T25:00', 'soon', '2022-12-01T10:00:00 +2'])
def test_the_lenient_parser_refuses_what_is_no_date(text):
    assert _credits._lenient_datetime(text) is None


@pytest.mark.parametrize('length, refused', [(39, False), (40, False), (41, True)])
def test_a_number_of_up_to_40_characters_is_read(length, refused):
    text = '1'.rjust(length, '0')
    if refused:
        with pytest.raises(CiceroResponseError, match='is not a number: '):
            to_number(text, 'f')
    else:
        assert to_number(text, 'f') == 1


@pytest.mark.parametrize('field, value, refused', [
    (field, value, refused) for field in ('credits_remaining', 'credits_purchased')
    for value, refused in ((-10 ** 15, False), (-10 ** 15 - 1, True), (10 ** 15, False), (10 ** 15 + 1, True))
] + [('credits_purchased', None, False)])
def test_a_batch_count_at_the_range_edges(field, value, refused):
    results = {'credit_balance': 1, 'overdraft_limit': 0, 'usable_batches': [dict(batch(1, 5), **{field: value})]}
    if refused:
        with pytest.raises(CiceroResponseError, match=field + ' is out of range'):
            summarise_credits(results, [], NOW, 30)
    else:
        assert summarise_credits(results, [], NOW, 30)['usable_batches'][0][field] == value


def test_a_long_value_is_shown_cut_to_60_characters():
    with pytest.raises(CiceroResponseError) as caught:
        to_number('x' * 100, 'f')
    assert caught.value.message == "Cicero API field f is not a number: '" + 'x' * 59 + '...'


@pytest.mark.parametrize('value, shown', [
    (10 ** 16, str(10 ** 16)),                      # 54 bits: written out
    (2 ** 127, str(2 ** 127)),                      # 128 bits: still written out
    (2 ** 128, 'a number of about 38 digits'),      # 129 bits: said by its size (repr() may refuse a huge one)
])
def test_a_number_beyond_128_bits_is_said_by_its_size(value, shown):
    with pytest.raises(CiceroResponseError) as caught:
        to_number(value, 'f')
    assert caught.value.message.endswith(': ' + shown), caught.value.message


def test_the_next_expiration_is_of_a_batch_that_still_holds_credits():
    results = {'credit_balance': 1, 'overdraft_limit': 0, 'usable_batches': [
        batch(0, 2), batch(-5, 3), batch(1, 9), batch(0.5, 12), batch(7, 20)]}
    assert summarise_credits(results, [], NOW, 30)['next_expiration'] == stamp(9)
    results['usable_batches'][2]['credits_remaining'] = 0
    assert summarise_credits(results, [], NOW, 30)['next_expiration'] == stamp(12)


@pytest.mark.parametrize('purchased, read', [(5.5, 5.5), ('7', 7), ('', None), (2.0, 2)])
def test_a_batch_purchase_of_any_wire_spelling(purchased, read):
    results = {'credit_balance': 1, 'overdraft_limit': 0, 'usable_batches': [dict(batch(1, 5), credits_purchased=purchased)]}
    assert summarise_credits(results, [], NOW, 30)['usable_batches'][0]['credits_purchased'] == read
