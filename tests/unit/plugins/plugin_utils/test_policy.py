"""The gate's arithmetic and messages (pure functions)."""

from datetime import datetime, timezone

import pytest

from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import (
    POLICY_DEFAULTS, check_policy, evaluate, needs_usage, number, required_credits, unreadable)


def figures(balance=12500, overdraft=500, batches=((10000, 300), (2000, 20), (500, 10))):
    usable = [{'credits_remaining': remaining, 'expires_in_days': days} for remaining, days in batches]
    return {'credit_balance': balance, 'overdraft_limit': overdraft, 'available_credits': balance + overdraft,
            'credits_expiring_soon': 0, 'expiring_within_days': 30, 'next_expiration': None, 'usable_batches': usable}


def policy(**values):
    return dict(POLICY_DEFAULTS, **values)


def test_balance_against_minimum_both_sides():
    assert evaluate(figures(), policy(min_credits=12500)).passed is True
    verdict = evaluate(figures(), policy(min_credits=12501))
    assert verdict.passed is False and verdict.shortfall == 1
    assert verdict.message == 'Cicero credits too low: 12,500 usable (12,500 balance), 12,501 required'


def test_valid_for_days_counts_only_batches_valid_then():
    verdict = evaluate(figures(), policy(min_credits=12500, valid_for_days=30))
    assert verdict.counted_credits == 10000
    assert verdict.message == ('Cicero credits too low: 10,000 usable (12,500 balance, 2,500 expire within '
                               '30 days), 12,500 required')
    assert evaluate(figures(), policy(min_credits=12000, valid_for_days=15)).counted_credits == 12000


def test_batches_without_expiry_count_as_valid():
    assert evaluate(figures(batches=((70, None), (30, 2))), policy(valid_for_days=5)).counted_credits == 70


def test_overdraft_counts_only_when_asked():
    overdrawn = figures(balance=-200, overdraft=1000, batches=())
    assert evaluate(overdrawn, policy(min_credits=500)).passed is False
    verdict = evaluate(overdrawn, policy(min_credits=500, include_overdraft=True))
    assert verdict.passed is True and verdict.counted_credits == 800
    assert verdict.message == 'Cicero credits OK: 800 usable (-200 balance, 1,000 overdraft), 500 required'


def test_expected_spend_with_margin_is_exact():
    assert required_credits(policy(expected_spend=10000, margin_percent=10)) == 11000
    assert required_credits(policy(expected_spend=10000, margin_percent=25)) == 12500
    assert required_credits(policy(expected_spend=10001, margin_percent=12.5)) == 11252
    assert required_credits(policy(min_credits=20000, expected_spend=10000, margin_percent=25)) == 20000
    verdict = evaluate(figures(), policy(expected_spend=10000, margin_percent=26))
    assert verdict.message == ('Cicero credits too low: 12,500 usable (12,500 balance), 12,600 required '
                               '(expected spend 10,000 + 26% margin)')


def test_warning_below_warn_level_only_when_passing():
    verdict = evaluate(figures(), policy(warn_credits=20000))
    assert verdict.passed is True
    assert verdict.warning == ('Cicero credits running low: 12,500 usable (12,500 balance), below the warning '
                               'level of 20,000')
    assert evaluate(figures(), policy(warn_credits=12500)).warning is None
    assert evaluate(figures(), policy(min_credits=99999, warn_credits=999999)).warning is None


def test_unreadable_figures_fail_with_the_read_message():
    verdict = unreadable('Cicero API error (HTTP 400): nope', policy(min_credits=5))
    assert verdict.passed is False and verdict.required_credits == 5
    assert verdict.message == 'Cicero credits could not be read: Cicero API error (HTTP 400): nope'


@pytest.mark.parametrize('name', ['min_credits', 'warn_credits', 'valid_for_days', 'expected_spend', 'margin_percent'])
def test_negative_policy_values_are_named(name):
    assert check_policy(policy(**{name: -1})) == '{0} must be 0 or more, got -1'.format(name)
    assert check_policy(policy()) is None


def test_a_negative_number_option_is_shown_as_given():
    # A number option holds the -5 its user wrote as -5.0 (module_utils/test_as_given.py has the edges).
    assert check_policy(policy(expected_spend=-5.0)) == 'expected_spend must be 0 or more, got -5'


def test_number_formatting():
    assert (number(12500), number(-200), number(2.5), number(10000.0), number(2.125)) == (
        '12,500', '-200', '2.5', '10,000', '2.12')


def usage(average, start='2026-08', end='2026-10'):
    return {'average_daily_credits': average, 'start': start, 'end': end}


def test_runway_rule_both_sides():
    verdict = evaluate(figures(), policy(min_runway_days=100), usage(100))
    assert verdict.passed is True and verdict.runway_days == 125.0
    assert verdict.message.endswith(', runway 125 days at 100 a day (2026-08 to 2026-10)')
    verdict = evaluate(figures(), policy(min_runway_days=200), usage(100))
    assert verdict.passed is False
    assert verdict.message == ('Cicero credits run out too soon: 12,500 usable last 125 days at 100 a day '
                               '(2026-08 to 2026-10), 200 days required')


def test_no_usage_is_an_unbounded_runway():
    verdict = evaluate(figures(), policy(min_runway_days=365), usage(0))
    assert verdict.passed is True and verdict.runway_days is None
    assert verdict.message.endswith('runway unbounded (no usage 2026-08 to 2026-10)')


def test_expiring_unused_rule_both_sides():
    # 500 in 10 days are spent by day 5; the 2,000 expiring in 20 days get 15 days: 1,500 spent, 500 lost.
    assert evaluate(figures(), policy(max_expiring_unused=500), usage(100)).passed is True
    verdict = evaluate(figures(), policy(max_expiring_unused=499), usage(100))
    assert verdict.expiring_unused == 500 and verdict.passed is False
    assert verdict.message == ('Cicero credits would expire unused: 500 expire before they can be spent at '
                               '100 a day (2026-08 to 2026-10), 499 allowed')


def test_every_failed_rule_is_named():
    verdict = evaluate(figures(), policy(min_credits=20000, min_runway_days=200, max_expiring_unused=0), usage(100))
    assert verdict.message.split('; ') == [
        'Cicero credits too low: 12,500 usable (12,500 balance), 20,000 required',
        'Cicero credits run out too soon: 12,500 usable last 125 days at 100 a day (2026-08 to 2026-10), '
        '200 days required',
        'Cicero credits would expire unused: 500 expire before they can be spent at 100 a day (2026-08 to 2026-10), '
        '0 allowed']


def test_runway_figures_are_null_without_usage():
    verdict = evaluate(figures(), policy())
    assert (verdict.daily_burn, verdict.runway_days, verdict.expiring_unused, verdict.usage_period) == (
        None, None, None, None)


# -- the forecast: the runway at the pace the policy names --------------------------------------------

NOW = datetime(2026, 11, 27, 12, 17, 40, tzinfo=timezone.utc)


def observed(daily_burn, readings=10):
    return dict(daily_burn=daily_burn, readings=readings)


def test_the_observed_pace_fails_a_runway_rule_with_the_date_the_credits_run_out():
    # 10,000,000 credits at 17,280,000 a day (200 a second): 0.58 days, well above min_credits.
    verdict = evaluate(figures(balance=10000000), policy(min_runway_days=1, burn_rate_from='observed'), None,
                       observed(17280000.0), NOW)
    assert verdict.message == ('Cicero credits run out in about 14 hours (2026-11-28 02:11 UTC) at the observed pace of '
                               '17,280,000 credits a day; 1 day required')
    assert (verdict.passed, verdict.runs_out_at, verdict.daily_burn, verdict.observed_daily_burn,
            verdict.burn_rate_from) == (False, '2026-11-28T02:11:00Z', 17280000.0, 17280000.0, 'observed')


def test_an_unknown_observed_pace_is_said_and_never_guessed():
    verdict = evaluate(figures(), policy(min_runway_days=30, burn_rate_from='observed'), None, observed(None, 1), NOW)
    assert verdict.passed is True and verdict.runway_days is None and verdict.runs_out_at is None
    assert verdict.message == ('Cicero credits OK: 12,500 usable (12,500 balance), 1 required, runway unknown: '
                               '1 reading of the last 24 hours, 2 needed for a pace')


def test_nothing_spent_is_an_unbounded_runway():
    verdict = evaluate(figures(), policy(min_runway_days=30, burn_rate_from='observed'), None, observed(0.0), NOW)
    assert verdict.passed is True and (verdict.runway_days, verdict.runs_out_at) == (None, None)
    assert verdict.message.endswith('runway unbounded (nothing spent in the last 24 hours)')


@pytest.mark.parametrize('source, expected_burn', [('usage', 100), ('observed', 500.0), ('both', 500.0)])
def test_burn_rate_from_chooses_the_pace_and_both_takes_the_faster(source, expected_burn):
    verdict = evaluate(figures(), policy(min_runway_days=1, burn_rate_from=source), usage(100), observed(500.0), NOW)
    assert verdict.daily_burn == expected_burn and verdict.observed_daily_burn == 500.0
    assert verdict.runway_days == round(12500 / expected_burn, 1)


def test_a_short_runway_warns_when_the_gate_passes():
    verdict = evaluate(figures(), policy(warn_runway_days=30, burn_rate_from='observed'), None, observed(500.0), NOW)
    assert verdict.passed is True
    assert verdict.warning == ('Cicero credits running out: run out in 25 days (2026-12-22 12:17 UTC) at the '
                               'observed pace of 500 credits a day, below the warning level of 30 days')


def test_the_usage_is_read_only_for_a_pace_that_needs_it():
    assert not needs_usage(policy(min_runway_days=5, burn_rate_from='observed'))
    assert needs_usage(policy(min_runway_days=5, burn_rate_from='both'))
    assert needs_usage(policy(warn_runway_days=5))
    assert not needs_usage(policy())


@pytest.mark.parametrize('name, value, message', [
    ('warn_runway_days', -1, 'warn_runway_days must be 0 or more, got -1'),
    ('burn_window', 0, 'burn_window must be a number of seconds greater than 0, got 0'),
    # Unrounded: six significant digits ({:g}) would have said -1.23457e+06.
    ('burn_window', -1234567.0, 'burn_window must be a number of seconds greater than 0, got -1234567'),
])
def test_pace_options_that_cannot_be_right_are_named(name, value, message):
    assert check_policy(policy(**{name: value})) == message


def test_a_runway_rule_that_cannot_be_judged_is_said_never_skipped():
    verdict = evaluate(figures(), policy(min_runway_days=30, max_expiring_unused=0, burn_rate_from='observed'), None,
                       observed(None, 1), NOW)
    assert verdict.passed is True
    assert verdict.not_judged == ('min_runway_days 30, max_expiring_unused 0 (the pace is unknown: 1 reading of '
                                  'the last 24 hours, 2 needed)')
    # With no readings kept at all (a registered result judged at the observed pace), it is said as well.
    none_kept = evaluate(figures(), policy(warn_runway_days=7, burn_rate_from='observed'), None, None, NOW)
    assert none_kept.not_judged == 'warn_runway_days 7 (no pace was read (burn_rate_from observed with no ' \
                                   'readings kept))'
    # A failing verdict says it too, in its message.
    low = evaluate(figures(), policy(min_credits=20000, min_runway_days=3, burn_rate_from='observed'), None,
                   observed(None, 1), NOW)
    assert low.message == ('Cicero credits too low: 12,500 usable (12,500 balance), 20,000 required; not judged: '
                           'min_runway_days 3 (the pace is unknown: 1 reading of the last 24 hours, 2 needed)')
    # Judged, or no runway rule at all: nothing to say.
    assert evaluate(figures(), policy(min_runway_days=3, burn_rate_from='observed'), None, observed(10.0),
                    NOW).not_judged is None
    assert evaluate(figures(), policy(), None, observed(None, 1), NOW).not_judged is None


@pytest.mark.parametrize('days, text', [
    (12.5, '12.5 days'), (1.0, '1 day'), (0.99, 'about 24 hours'), (0.5787, 'about 14 hours'), (1 / 24, 'about 1 hour'),
    (0.02, 'less than an hour'), (0.0, 'less than an hour'),
])
def test_a_runway_under_a_day_reads_in_hours(days, text):
    from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import duration_text  # pylint: disable=import-outside-toplevel
    assert duration_text(days) == text


@pytest.mark.parametrize('burn_window, refused', [(0, True), (-1, True), (0.5, False), (1, False)])
def test_burn_window_must_be_more_than_0_seconds(burn_window, refused):
    problem = check_policy(policy(burn_window=burn_window))
    assert (problem is not None) is refused, problem
    assert problem is None or problem.startswith('burn_window must be a number of seconds greater than 0, got ')


@pytest.mark.parametrize('min_credits, said', [(1099, True), (1100, False), (1101, False)])
def test_the_expected_spend_is_named_only_when_it_sets_what_is_required(min_credits, said):
    verdict = evaluate(figures(), policy(min_credits=min_credits, expected_spend=1000, margin_percent=10))
    assert verdict.required_credits == max(1100, min_credits)
    assert ('(expected spend 1,000 + 10% margin)' in verdict.message) is said, verdict.message


def test_the_observed_pace_is_reported_to_the_hundredth():
    verdict = evaluate(figures(), policy(burn_rate_from='observed', min_runway_days=1), None, observed(123.4567), NOW)
    assert (verdict.observed_daily_burn, verdict.daily_burn) == (123.46, 123.46)


def test_the_faster_observed_pace_is_named_as_such_not_as_the_usage_period():
    verdict = evaluate(figures(balance=1000, overdraft=0, batches=((1000, 300),)),
                       policy(min_runway_days=30, burn_rate_from='both'), usage(10), observed(500.0), NOW)
    assert verdict.daily_burn == 500.0 and verdict.passed is False
    assert 'at the observed pace of 500 credits a day' in verdict.message, verdict.message
    verdict = evaluate(figures(balance=6000, overdraft=0, batches=((1000, 300), (5000, 5))),
                       policy(max_expiring_unused=0, burn_rate_from='both'), usage(10), observed(500.0), NOW)
    assert verdict.message == ('Cicero credits would expire unused: 2,500 expire before they can be spent at 500 a '
                               'day (the observed pace), 0 allowed'), verdict.message
    assert verdict.usage_period == '2026-08 to 2026-10'  # read, and not the pace the rule was judged at


@pytest.mark.parametrize('seconds, text', [
    (0.5, '0.5 seconds'), (1, '1 second'), (30, '30 seconds'), (59, '59 seconds'), (60, '1 minute'), (90, '90 seconds'), (120, '2 minutes'),
    (3599, '3,599 seconds'), (3600, '1 hour'), (5400, '90 minutes'), (86400, '24 hours'),
])
def test_the_burn_window_is_said_in_its_largest_whole_unit(seconds, text):
    from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import window_text  # pylint: disable=import-outside-toplevel
    assert window_text(seconds) == text


def test_choices_are_compared_by_value():
    """Texts of their own, as YAML and JSON give them, not the interned literals of the code."""
    observed_text, usage_text = ''.join('observed'), ''.join('usage')
    assert needs_usage(policy(min_runway_days=1, burn_rate_from=observed_text)) is False
    assert needs_usage(policy(min_runway_days=1, burn_rate_from=usage_text)) is True
    verdict = evaluate(figures(), policy(min_runway_days=1, burn_rate_from=usage_text), None, observed(500.0), NOW)
    assert verdict.runway_days is None and verdict.daily_burn is None, verdict
    assert verdict.not_judged == 'min_runway_days 1 (no pace was read (burn_rate_from usage with no readings kept))'


@pytest.mark.parametrize('source, said', [
    ('usage', 'runway unknown: the usage of 2026-08 to 2026-10 gives no average daily spend'),
    ('both', 'runway unknown: 0 readings of the last 24 hours, 2 needed for a pace'),
])
def test_a_usage_without_an_average_is_an_unknown_pace_said_as_such(source, said):
    """A usage period that has not begun has no average (melissa_usage_info): never a pace of 0, never a skip."""
    verdict = evaluate(figures(), policy(min_runway_days=1, burn_rate_from=source), usage(None), None, NOW)
    assert verdict.passed is True and verdict.message.endswith(', 1 required, ' + said), verdict.message
    assert verdict.not_judged.startswith('min_runway_days 1 (the pace is unknown: ')


def test_the_usage_pace_chosen_by_a_text_of_its_own_is_said_with_its_period():
    verdict = evaluate(figures(), policy(min_runway_days=1000, burn_rate_from=''.join('usage')), usage(100), None, NOW)
    assert verdict.message == ('Cicero credits run out too soon: 12,500 usable last 125 days at 100 a day '
                               '(2026-08 to 2026-10), 1,000 days required')


@pytest.mark.parametrize('days, counted, said', [
    (0, 12500, '12,500 balance'),
    (1, 12400, '12,500 balance, 100 expire within 1 day'),
    (5, 12400, '12,500 balance, 100 expire within 5 days'),
    (6, 0, '12,500 balance, 12,500 expire within 6 days'),
])
def test_valid_for_days_from_its_first_day(days, counted, said):
    verdict = evaluate(figures(batches=((100, 0), (12400, 5))), policy(valid_for_days=days))
    assert (verdict.counted_credits, verdict.counted_from) == (counted, said)


@pytest.mark.parametrize('rule', [dict(min_runway_days=1), dict(warn_runway_days=1), dict(max_expiring_unused=0)])
def test_a_runway_rule_of_one_day_or_no_credits_is_a_rule(rule):
    assert needs_usage(policy(burn_rate_from='usage', **rule)) is True
    assert needs_usage(policy(burn_rate_from='usage')) is False
