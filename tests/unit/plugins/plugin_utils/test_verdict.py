"""The verdict as a value: never changed in place (a report cannot alter what the action returns), published as a
copy, and its read and warned flags."""

import dataclasses

import pytest

from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import POLICY_DEFAULTS, unreadable


def test_a_verdict_is_never_changed_in_place_only_replaced():
    verdict = unreadable('m', POLICY_DEFAULTS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdict.passed = True
    passed = verdict.replaced(passed=True, figures={'credit_balance': 1}, warning='low')
    assert (verdict.passed, verdict.read, verdict.warned) == (False, False, False)
    assert (passed.passed, passed.read, passed.warned) == (True, True, True)
    published = verdict.to_dict()
    assert published['policy'] == verdict.policy and published['policy'] is not verdict.policy
