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
    assert set(published) == set(field.name for field in dataclasses.fields(verdict))


def test_the_published_copy_shares_no_dictionary_or_list_with_the_verdict():
    figures = {'credit_balance': 1, 'usable_batches': [{'credits_remaining': 1, 'expires_in_days': [2]}]}
    verdict = unreadable('m', POLICY_DEFAULTS).replaced(figures=figures)
    published = verdict.to_dict()
    assert published == dataclasses.asdict(verdict)
    published['figures']['usable_batches'][0]['expires_in_days'].append(3)
    published['figures']['usable_batches'].append({})
    published['figures']['credit_balance'] = 2
    assert verdict.figures == {'credit_balance': 1, 'usable_batches': [{'credits_remaining': 1, 'expires_in_days': [2]}]}
