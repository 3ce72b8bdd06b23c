"""Runway and credits that expire before they can be spent."""

import pytest

from ansible_collections.melissa.cicero.plugins.plugin_utils._forecast import credits_expiring_unused, runway_days


def batch(remaining, days):
    return {'credits_remaining': remaining, 'expires_in_days': days}


def test_runway_is_credits_over_burn_and_unbounded_without_spend():
    assert runway_days(1000, 100) == 10.0
    assert runway_days(1000, 0) is None
    assert runway_days(-50, 10) == 0.0


def test_nothing_expires_when_spending_keeps_up():
    assert credits_expiring_unused([batch(500, 10), batch(1000, 30)], 100) == 0


def test_earliest_batch_is_spent_first_and_the_rest_of_it_expires():
    # 2,000 expiring in 10 days at 100 a day: 1,000 spent, 1,000 lost; the later batch is reached at day 10.
    assert credits_expiring_unused([batch(5000, 300), batch(2000, 10)], 100) == 1000


def test_a_later_batch_is_reached_late():
    # 500 (5 days) are spent by day 5, then 2,000 (20 days) get 15 days of spending: 1,500; 500 lost.
    assert credits_expiring_unused([batch(500, 5), batch(2000, 20)], 100) == 500


def test_without_spend_every_dated_credit_expires_and_undated_never_do():
    assert credits_expiring_unused([batch(500, 5), batch(700, None)], 0) == 500


def test_expired_batches_count_whole():
    assert credits_expiring_unused([batch(300, -2)], 100) == 300


def test_undated_batches_do_not_delay_dated_ones():
    assert credits_expiring_unused([batch(10000, None), batch(100, 2)], 100) == 0


@pytest.mark.parametrize('burn, unused', [
    (0.5, 2980),      # 1,000 - 3.5 and 2,000 - 33 x 0.5: 996.5 + 1,983.5
    (3.3, 2868),      # 1,000 - 23.1 and 2,000 - 108.9: 976.9 + 1,891.1
    (101.087, 292),   # 1,000 - 707.609 = 292.391; the 2,000 are all spent in the 33 days left
])
def test_result_is_rounded_to_whole_credits(burn, unused):
    result = credits_expiring_unused([batch(1000, 7), batch(2000, 40)], burn)
    assert isinstance(result, int) and result == unused


# -- what mutation testing found unproven (scripts/mutation.py) ----------------------------------------

def test_a_runway_is_not_rounded_and_a_slow_pace_still_ends():
    assert runway_days(1000, 300) == pytest.approx(3.3333, abs=1e-4)
    assert runway_days(100, 0.5) == 200.0


def test_a_negative_pace_is_no_pace():
    assert runway_days(100, -5) is None
    assert credits_expiring_unused([batch(500, 10), batch(1000, 30)], -5) == 1500


@pytest.mark.parametrize('remaining, unused', [(0, 0), (-5, 0), (7, 7)])
def test_a_spent_out_or_overdrawn_batch_expires_nothing(remaining, unused):
    assert credits_expiring_unused([batch(remaining, 3)], 0) == unused
