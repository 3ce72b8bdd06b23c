"""Usage periods (month lengths, leap years) and monthly usage figures."""

from datetime import date

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError, CiceroResponseError
from ansible_collections.melissa.cicero.plugins.module_utils._parse import parse_document
from ansible_collections.melissa.cicero.plugins.module_utils._usage import (
    Period, last_full_months, period_days, resolve_period, summarise_usage, usage_path)


def periods(start, end=None, today=date(2026, 11, 25)):
    first, last = resolve_period(start, end, today)
    return str(first), str(last)


@pytest.mark.parametrize('today, expected', [
    (date(2026, 11, 25), ('2026-08', '2026-10')),
    (date(2026, 1, 1), ('2025-10', '2025-12')),
    (date(2026, 3, 31), ('2025-12', '2026-02')),
])
def test_default_is_the_last_three_full_months(today, expected):
    assert tuple(str(p) for p in last_full_months(today)) == expected
    assert periods(None, None, today) == expected


def test_start_alone_and_ranges():
    assert periods('2026') == ('2026', '2026')
    assert periods('2026-03', '2026-10') == ('2026-03', '2026-10')
    assert periods('2025', '2026-02') == ('2025', '2026-02')
    assert periods(2026) == ('2026', '2026')


@pytest.mark.parametrize('start, end, message', [
    ('2026-10', '2026-01', r'start \(2026-10\) must come before end \(2026-01\)'),
    ('2026', '2025-12', 'must come before end'),
    ('26', None, r"start must be a year \(YYYY\) or a month \(YYYY-MM\), got '26'"),
    ('2026-13', None, 'start must be a year'),
    ('2026-00', None, 'start must be a year'),
    ('2026-01', '2026/02', r"end must be a year .* got '2026/02'"),
    (None, '2026-01', 'end needs start'),
])
def test_bad_periods_are_named(start, end, message):
    with pytest.raises(CiceroOptionError, match=message):
        periods(start, end)


def test_paths():
    assert usage_path(Period(2026, 1), Period(2026, 1)) == '/account/usage/2026-01'
    assert usage_path(Period(2026), Period(2026)) == '/account/usage/2026'
    assert usage_path(Period(2026, 1), Period(2026, 10)) == '/account/usage/2026-01/to/2026-10'


@pytest.mark.parametrize('first, last, days', [
    (Period(2024, 2), Period(2024, 2), 29),     # leap February
    (Period(2026, 2), Period(2026, 2), 28),
    (Period(2100, 2), Period(2100, 2), 28),     # century, not a leap year
    (Period(2000, 2), Period(2000, 2), 29),     # divisible by 400
    (Period(2024), Period(2024), 366),
    (Period(2026), Period(2026), 365),
    (Period(2026, 8), Period(2026, 10), 92),
    (Period(2025, 12), Period(2026, 1), 62),
])
def test_period_days_count_calendar_days(first, last, days):
    assert period_days(first, last) == days


MONTHS = [
    {'year': 2026, 'month': 9, 'count': '100', 'credits_used': 90,
     'activity_types': [{'type': 'official', 'count': 60, 'credits_used': 60},
                        {'type': 'district', 'count': 40, 'credits_used': '30'}]},
    {'year': '2026', 'month': '10', 'count': 50, 'credits_used': 62,
     'activity_types': [{'type': 'district', 'count': 50, 'credits_used': 62}]},
]


def test_summary_totals_types_and_average():
    usage = summarise_usage(MONTHS, Period(2026, 9), Period(2026, 10))
    assert (usage['start'], usage['end'], usage['period_days']) == ('2026-09', '2026-10', 61)
    assert (usage['count'], usage['credits_used']) == (150, 152)
    assert usage['credits_used_by_type'] == [{'type': 'district', 'credits_used': 92},
                                             {'type': 'official', 'credits_used': 60}]
    assert usage['average_daily_credits'] == round(152 / 61, 4)
    assert usage['months'][1] == {'year': 2026, 'month': 10, 'count': 50, 'credits_used': 62,
                                  'activity_types': [{'type': 'district', 'count': 50, 'credits_used': 62}]}


def test_no_usage_averages_zero():
    usage = summarise_usage([], Period(2026, 8), Period(2026, 10))
    assert (usage['months'], usage['credits_used'], usage['average_daily_credits']) == ([], 0, 0.0)


XML_MONTH = ('<year>2026</year><month>10</month><count>50</count><credits_used>62</credits_used>'
             '<activity_types><activity><type>district</type><count>50</count><credits_used>62</credits_used>'
             '</activity></activity_types>')


@pytest.mark.parametrize('results_xml', [
    '<results><month>{0}</month></results>'.format(XML_MONTH),         # item tag equal to a field name
    '<results type="list"><list-item>{0}</list-item></results>'.format(XML_MONTH),
    '<results>{0}</results>'.format(XML_MONTH),                         # the list tag repeated, once
])
def test_xml_usage_shapes_give_the_json_month(results_xml):
    results = parse_document(('<response>' + results_xml + '</response>').encode(), 'xml')['response']['results']
    usage = summarise_usage(results, Period(2026, 10), Period(2026, 10))
    assert usage['months'] == [
        {'year': 2026, 'month': 10, 'count': 50, 'credits_used': 62,
         'activity_types': [{'type': 'district', 'count': 50, 'credits_used': 62}]}]


@pytest.mark.parametrize('results, message', [
    (['oops'], r'results\[0\] is not an object'),
    ([{'year': 2026, 'month': 1, 'count': 1}], r'results\[0\].credits_used is missing'),
    ([dict(MONTHS[0], activity_types=[{'count': 1, 'credits_used': 1}])],
     r'results\[0\].activity_types\[0\] is not an object with a type'),
    ([dict(MONTHS[0], credits_used='lots')], r'results\[0\].credits_used is not a number'),
])
def test_wrong_usage_shapes_name_the_field(results, message):
    with pytest.raises(CiceroResponseError, match=message):
        summarise_usage(results, Period(2026, 9), Period(2026, 10))


class FakeClient:
    """Answers every usage read with no months, as the API does for a period without activity."""
    fmt = 'json'

    def __init__(self):
        self.paths = []

    def get(self, path):
        from ansible_collections.melissa.cicero.plugins.module_utils._client import Reply
        self.paths.append(path)
        return Reply(200, 'OK', 'application/json', b'{"response": {"errors": [], "messages": [], "results": []}}')


def test_a_period_that_has_not_begun_warns_instead_of_averaging_zero(clock):
    from ansible_collections.melissa.cicero.plugins.module_utils._account_reads import read_usage
    client = FakeClient()
    usage = read_usage(client, dict(start='2027-03', end=None))  # the clock says 2026-11-15
    assert usage['average_daily_credits'] is None and client.paths == ['/account/usage/2027-03']
    assert usage['warnings'] == ['the usage period 2027-03 has not begun yet (today is 2026-11-15 in UTC): no '
                                 'average daily spend can be given']
    # A month to a year: both named, never the month alone.
    later = read_usage(client, dict(start='2027-01', end='2027'))
    assert later['warnings'][0].startswith('the usage period 2027-01 to 2027 has not begun yet')
    begun = read_usage(client, dict(start='2026-10', end='2026-12'))
    assert begun['average_daily_credits'] == 0.0 and 'warnings' not in begun


@pytest.mark.parametrize('spent, listed', [
    ((('zeta', 10), ('alpha', 10), ('mid', 10)), ['alpha', 'mid', 'zeta']),  # spent alike: by name
    ((('alpha', 5), ('zeta', 50), ('mid', 10)), ['zeta', 'mid', 'alpha']),   # by the credits they spent first
])
def test_activity_types_are_listed_by_credits_spent_then_by_name(spent, listed):
    from ansible_collections.melissa.cicero.plugins.module_utils._usage import summarise_usage, Period  # pylint: disable=import-outside-toplevel
    month = {'year': 2026, 'month': 10, 'count': len(spent), 'credits_used': sum(used for dummy, used in spent),
             'activity_types': [{'type': name, 'count': 1, 'credits_used': used} for name, used in spent]}
    usage = summarise_usage([month], Period(2026, 10), Period(2026, 10))
    assert [entry['type'] for entry in usage['credits_used_by_type']] == listed


def test_a_period_that_starts_today_has_begun(monkeypatch):
    from datetime import datetime, timezone  # pylint: disable=import-outside-toplevel
    from ansible_collections.melissa.cicero.plugins.module_utils import _clock  # pylint: disable=import-outside-toplevel
    from ansible_collections.melissa.cicero.plugins.module_utils._account_reads import read_usage  # pylint: disable=import-outside-toplevel
    monkeypatch.setattr(_clock, 'utc_now', lambda: datetime(2026, 12, 1, 0, 0, 1, tzinfo=timezone.utc))
    usage = read_usage(FakeClient(), dict(start='2026-12', end=None))
    assert usage['average_daily_credits'] == 0.0 and 'warnings' not in usage
    later = read_usage(FakeClient(), dict(start='2027-01', end='2027-02'))
    assert later['warnings'] == ['the usage period 2027-01 to 2027-02 has not begun yet (today is 2026-12-01 in UTC): '
                                 'no average daily spend can be given']


def test_expiring_within_days_is_30_by_default_and_0_or_more():
    from ansible_collections.melissa.cicero.plugins.module_utils._options import (  # pylint: disable=import-outside-toplevel
        MODULE, credits_argument_spec)
    from ansible_collections.melissa.cicero.plugins.module_utils._account_reads import (  # pylint: disable=import-outside-toplevel
        check_credits_options)
    assert credits_argument_spec(MODULE).argument_spec['expiring_within_days'] == {'type': 'int', 'default': 30}
    for fine in (0, 1, 30):
        check_credits_options(dict(expiring_within_days=fine))
    with pytest.raises(CiceroOptionError, match=r'^expiring_within_days must be 0 or more, got -1$'):
        check_credits_options(dict(expiring_within_days=-1))


@pytest.mark.parametrize('today, expected', [
    (date(2026, 12, 15), ('2026-09', '2026-11')),
    (date(2026, 2, 1), ('2025-11', '2026-01')),
    (date(2026, 7, 31), ('2026-04', '2026-06')),
])
def test_the_last_three_full_months_from_any_month(today, expected):
    assert periods(None, today=today) == expected


def test_the_average_is_given_to_four_decimals():
    from ansible_collections.melissa.cicero.plugins.module_utils._usage import summarise_usage, Period  # pylint: disable=import-outside-toplevel
    month = {'year': 2026, 'month': 10, 'count': 1, 'credits_used': 100, 'activity_types': []}
    assert summarise_usage([month], Period(2026, 10), Period(2026, 10))['average_daily_credits'] == 3.2258  # 100 / 31
