"""Every threshold and limit of the gate at its edge: just below, exactly at, and just above (pure functions).

For a gate the boundary is the product: one that passes at exactly the threshold when it should fail is wrong.
Each case names the rule, the value either side and what the verdict must be.
"""

from datetime import datetime, timezone

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils._credits import (
    credits_expiring_within, credits_valid_for, summarise_credits)
from ansible_collections.melissa.cicero.plugins.module_utils._usage import Period, resolve_period
from ansible_collections.melissa.cicero.plugins.plugin_utils._forecast import (
    MAX_READINGS, credits_expiring_unused, in_window, observed_daily_burn)
from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import POLICY_DEFAULTS, evaluate

NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=timezone.utc)
DAY = 86400.0


def figures(balance=1000, overdraft=0, batches=()):
    usable = [{'credits_remaining': remaining, 'expires_in_days': days} for remaining, days in batches]
    return {'credit_balance': balance, 'overdraft_limit': overdraft, 'available_credits': balance + overdraft,
            'credits_expiring_soon': 0, 'expiring_within_days': 30, 'next_expiration': None, 'usable_batches': usable}


def policy(**rules):
    return dict(POLICY_DEFAULTS, **rules)


def usage(daily):
    return {'average_daily_credits': daily, 'start': '2026-08', 'end': '2026-10'}


@pytest.mark.parametrize('min_credits, passed', [(999, True), (1000, True), (1001, False)])
def test_min_credits_passes_at_the_threshold_and_fails_one_above(min_credits, passed):
    verdict = evaluate(figures(balance=1000), policy(min_credits=min_credits))
    assert verdict.passed is passed
    assert verdict.shortfall == (0 if passed else 1)


@pytest.mark.parametrize('warn_credits, warned', [(999, False), (1000, False), (1001, True), (0, False)])
def test_warn_credits_warns_only_below_its_level(warn_credits, warned):
    verdict = evaluate(figures(balance=1000), policy(warn_credits=warn_credits))
    assert verdict.passed is True and (verdict.warning is not None) is warned


@pytest.mark.parametrize('min_runway_days, passed', [(9, True), (10, True), (11, False)])
def test_min_runway_days_passes_at_exactly_the_runway(min_runway_days, passed):
    # 1,000 credits at 100 a day: exactly 10 days.
    verdict = evaluate(figures(balance=1000), policy(min_runway_days=min_runway_days), usage(100))
    assert verdict.runway_days == 10.0 and verdict.passed is passed


@pytest.mark.parametrize('warn_runway_days, warned', [(9, False), (10, False), (11, True)])
def test_warn_runway_days_warns_only_below_the_runway(warn_runway_days, warned):
    verdict = evaluate(figures(balance=1000), policy(warn_runway_days=warn_runway_days), usage(100))
    assert verdict.passed is True and (verdict.warning is not None) is warned


@pytest.mark.parametrize('limit, passed', [(499, False), (500, True), (501, True), (0, False)])
def test_max_expiring_unused_fails_only_above_its_limit(limit, passed):
    # 1,000 credits expiring in 5 days at 100 a day: 500 spent, 500 expire unused.
    verdict = evaluate(figures(balance=1000, batches=((1000, 5),)), policy(max_expiring_unused=limit), usage(100))
    assert verdict.expiring_unused == 500 and verdict.passed is passed


@pytest.mark.parametrize('days, counted', [(9, 300), (10, 300), (11, 200)])
def test_valid_for_days_counts_a_batch_expiring_exactly_then(days, counted):
    batches = [{'credits_remaining': 100, 'expires_in_days': 10}, {'credits_remaining': 200, 'expires_in_days': None}]
    assert credits_valid_for(batches, days) == counted


@pytest.mark.parametrize('days, soon', [(9, 0), (10, 0), (11, 100)])
def test_expiring_within_days_counts_only_batches_that_expire_sooner(days, soon):
    batches = [{'credits_remaining': 100, 'expires_in_days': 10}, {'credits_remaining': 200, 'expires_in_days': None}]
    assert credits_expiring_within(batches, days) == soon


def test_include_overdraft_together_with_valid_for_days():
    # 300 valid for 30 days, 700 expiring in 10, an overdraft of 500: 300 + 500 counted.
    verdict = evaluate(figures(balance=1000, overdraft=500, batches=((300, 40), (700, 10))),
                       policy(valid_for_days=30, include_overdraft=True, min_credits=800))
    assert (verdict.counted_credits, verdict.passed) == (800, True)
    assert verdict.counted_from == '1,000 balance, 700 expire within 30 days, 500 overdraft'
    assert evaluate(figures(balance=1000, overdraft=500, batches=((300, 40), (700, 10))),
                    policy(valid_for_days=30, include_overdraft=True, min_credits=801)).passed is False


BATCHES = [{'credits_remaining': 200, 'expires_in_days': 3}, {'credits_remaining': 300, 'expires_in_days': 6},
           {'credits_remaining': 1000, 'expires_in_days': 20}]


@pytest.mark.parametrize('daily, unused', [
    # 200 by day 2, 300 by day 5, then the 1,000 of day 20 get 15 days (1,500 spendable): nothing lost.
    (100, 0),
    # 200 by day 2.86; the 300 of day 6 get 3.14 days (220 spent, 80 lost); the 1,000 get 14 days (980, 20 lost).
    (70, 100),
    # 150 of the 200 by day 3 (50 lost); 150 of the 300 by day 6 (150 lost); 700 of the 1,000 by day 20 (300 lost).
    (50, 500),
    # 30, 30 and 140 spent: 170 + 270 + 860 lost.
    (10, 1300),
    # Nothing spent: every dated credit expires.
    (0, 1500),
])
def test_the_runway_across_batches_spent_out_before_a_later_one(daily, unused):
    assert credits_expiring_unused(BATCHES, daily) == unused


def test_the_burn_window_includes_a_reading_exactly_its_length_old():
    now = 1_800_000_000.0
    readings = [(now - DAY, 10000), (now, 9000)]
    assert in_window(readings, now, DAY) == readings
    assert observed_daily_burn(readings, now, DAY) == 1000.0
    assert in_window(readings, now, DAY - 1) == [(now, 9000)]
    assert observed_daily_burn(readings, now, DAY - 1) is None


def test_the_readings_cap_keeps_the_newest():
    now = 1_800_000_000.0
    readings = [(now - index, 100000 + index) for index in range(MAX_READINGS + 5)]
    kept = in_window(readings, now, 10 * DAY)
    assert len(kept) == MAX_READINGS
    assert kept[-1] == (now, 100000) and kept[0] == (now - MAX_READINGS + 1, 100000 + MAX_READINGS - 1)


def test_a_usage_period_that_starts_today_is_not_in_the_future():
    today = datetime(2026, 12, 1).date()
    first, last = resolve_period('2026-12', None, today)
    assert (str(first), str(last)) == ('2026-12', '2026-12')
    assert first.first_day == today
    assert Period.parse('2026-12', 'start').first_day == today


def test_a_credits_results_that_is_a_list_is_named():
    from ansible_collections.melissa.cicero.plugins.module_utils._client import Reply  # pylint: disable=import-outside-toplevel
    from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroResponseError  # pylint: disable=import-outside-toplevel
    from ansible_collections.melissa.cicero.plugins.module_utils._parse import decode_envelope  # pylint: disable=import-outside-toplevel
    body = b'{"response": {"errors": [], "messages": [], "results": [{"credit_balance": 1}]}}'
    with pytest.raises(CiceroResponseError, match=r'^Cicero API answer has no "results" object \(HTTP 200'):
        decode_envelope(Reply(200, 'OK', 'application/json', body), 'json')
    assert summarise_credits({'credit_balance': 5, 'overdraft_limit': 0}, [], NOW, 30)['available_credits'] == 5
