"""The observed pace (pure functions): the window, top-ups, too few readings, clock steps."""

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.melissa.cicero.plugins.plugin_utils._forecast import (
    MAX_READINGS, chosen_daily_burn, in_window, observed_daily_burn, runs_out_at)

HOUR = 3600.0
NOW = 1_800_000_000.0


def test_a_steady_fall_gives_its_pace_per_day():
    readings = [(NOW - 2 * HOUR, 10000), (NOW - HOUR, 9900), (NOW, 9800)]
    assert observed_daily_burn(readings, NOW, 86400) == 200 * 12  # 200 credits in 2 hours


def test_a_top_up_is_not_negative_spending_and_does_not_hide_the_pace():
    # 100 spent, +50,000 bought, 100 spent: 200 credits in 2 hours, as without the purchase.
    readings = [(NOW - 2 * HOUR, 10000), (NOW - HOUR, 9900), (NOW - HOUR + 1, 59900), (NOW, 59800)]
    assert observed_daily_burn(readings, NOW, 86400) == pytest.approx(2400.0)


def test_only_the_window_counts():
    readings = [(NOW - 30 * HOUR, 50000), (NOW - 2 * HOUR, 10000), (NOW, 9900)]
    assert observed_daily_burn(readings, NOW, 86400) == 1200.0  # the 40,000 fall is older than the window
    assert observed_daily_burn(readings, NOW, 40 * HOUR) == pytest.approx(40100 * 86400 / (30 * HOUR))


@pytest.mark.parametrize('readings', [[], [(NOW, 5)], [(NOW - 90000, 10), (NOW, 5)], [(NOW, 10), (NOW, 5)]])
def test_too_few_readings_in_the_window_give_an_unknown_pace(readings):
    assert observed_daily_burn(readings, NOW, 86400) is None


def test_an_idle_account_spends_nothing():
    assert observed_daily_burn([(NOW - HOUR, 700), (NOW, 700)], NOW, 86400) == 0.0


def test_readings_from_the_future_are_dropped_and_order_does_not_matter():
    # The clock stepped back: a reading stamped after `now` is not trusted.
    readings = [(NOW, 9800), (NOW - HOUR, 9900), (NOW + 5 * HOUR, 1)]
    assert in_window(readings, NOW, 86400) == [(NOW - HOUR, 9900), (NOW, 9800)]
    assert observed_daily_burn(readings, NOW, 86400) == 2400.0


def test_the_readings_kept_are_bounded():
    readings = [(NOW - n, 1000000 - n) for n in range(MAX_READINGS + 500)]
    assert len(in_window(readings, NOW, 86400)) == MAX_READINGS


@pytest.mark.parametrize('source, usage, observed, chosen', [
    ('usage', 100.0, 500.0, (100.0, 'usage')), ('observed', 100.0, 500.0, (500.0, 'observed')),
    ('both', 100.0, 500.0, (500.0, 'observed')), ('both', 500.0, 100.0, (500.0, 'usage')),
    ('both', 300.0, None, (300.0, 'usage')), ('both', None, 50.0, (50.0, 'observed')),
    ('both', None, None, (None, 'observed')), ('observed', 100.0, None, (None, 'observed')),
    ('both', 100.0, 100.0, (100.0, 'usage')),
])
def test_the_policy_names_the_pace_and_whose_it_is(source, usage, observed, chosen):
    assert chosen_daily_burn(source, usage, observed) == chosen


def test_when_the_credits_run_out():
    now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert runs_out_at(10000, 17280000, now) == datetime(2026, 11, 27, 12, 0, 50, tzinfo=timezone.utc)
    assert runs_out_at(10000, 0.0, now) is None and runs_out_at(10000, None, now) is None
    assert runs_out_at(-5, 100, now) == now


# -- what mutation testing found unproven (scripts/mutation.py) ----------------------------------------

def test_the_pace_is_the_fall_over_the_span_for_any_times_and_not_rounded():
    # Small epoch times, where last % first is not last - first; a pace with a fraction, not floored.
    assert observed_daily_burn([(10.0, 100), (25.0, 99)], 30.0, 100.0) == pytest.approx(86400 / 15)
    assert observed_daily_burn([(0.0, 100), (7 * HOUR, 99)], 7 * HOUR, 86400) == pytest.approx(24 / 7)


def test_equal_times_in_distinct_objects_are_one_moment():
    # A file read back gives equal times as distinct floats: still no span, still no pace.
    first, second = float('1800000000.0'), float('1800000000.0')
    assert first is not second
    assert observed_daily_burn([(first, 10), (second, 5)], NOW, 86400) is None


def test_two_readings_at_one_moment_then_a_later_one_give_a_pace():
    assert observed_daily_burn([(NOW - HOUR, 10), (NOW - HOUR, 9), (NOW, 8)], NOW, 86400) == pytest.approx(48.0)


def test_a_source_named_by_the_user_is_compared_by_value():
    # Policy values come from YAML or the command line: equal strings, not the interned literals of the code.
    both, usage = ''.join(['bo', 'th']), ''.join(['usa', 'ge'])
    assert chosen_daily_burn(both, 100.0, 500.0) == (500.0, 'observed')
    assert chosen_daily_burn(usage, 100.0, 500.0) == (100.0, 'usage')


def test_both_paces_nothing_spent_is_the_usage_figure():
    assert chosen_daily_burn('both', 0.0, None) == (0.0, 'usage')
    assert chosen_daily_burn('both', 0.0, 0.0) == (0.0, 'usage')


def test_a_run_out_date_for_a_slow_pace_beyond_dates_and_no_date_for_no_pace():
    now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert runs_out_at(100, 0.5, now) == now + timedelta(days=200)
    assert runs_out_at(10 ** 15, 1e-10, now) is None  # after the year 9999
    assert runs_out_at(100, -5.0, now) is None and runs_out_at(100, 0, now) is None
    assert runs_out_at(100, None, now) is None


def test_at_most_ten_thousand_readings_are_kept():
    readings = [(NOW - index, 1) for index in range(10001)]
    assert len(in_window(readings, NOW, 86400)) == 10000 == MAX_READINGS


def test_a_pace_between_minus_one_and_zero_is_no_pace_either():
    now = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert runs_out_at(100, -0.5, now) is None
