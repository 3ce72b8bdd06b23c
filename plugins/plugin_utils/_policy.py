# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The credits gate: which credits count, how many are required, and the verdict. Pure functions.

Kept in Python rather than Jinja so that every rule is unit-tested and the figures in the message are
the figures the decision used.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Dict, List, Optional, Tuple, Union

import math

from datetime import datetime

from fractions import Fraction

from ansible_collections.melissa.cicero.plugins.module_utils._as_given import as_given
from ansible_collections.melissa.cicero.plugins.module_utils._clock import iso_utc
from ansible_collections.melissa.cicero.plugins.module_utils._credits import credits_valid_for
from ansible_collections.melissa.cicero.plugins.module_utils._typing import Figures, InCallersWords, Params, Policy
from ansible_collections.melissa.cicero.plugins.plugin_utils._forecast import (
    chosen_daily_burn, credits_expiring_unused, runs_out_at, runway_days)
from ansible_collections.melissa.cicero.plugins.plugin_utils._gate_options import POLICY_DEFAULTS
from ansible_collections.melissa.cicero.plugins.plugin_utils._verdict import Verdict


def policy_from(params: Params) -> Policy:
    """The policy values out of validated parameters that also hold other options."""
    return dict((name, params[name]) for name in POLICY_DEFAULTS)


# The melissa_credits_info figures a verdict uses and reports.
FIGURE_KEYS = ('credit_balance', 'overdraft_limit', 'available_credits', 'credits_expiring_soon',
               'expiring_within_days', 'next_expiration', 'usable_batches')


def has_runway_rule(policy: Policy) -> bool:
    return policy['min_runway_days'] > 0 or policy['max_expiring_unused'] is not None or policy['warn_runway_days'] > 0


def needs_usage(policy: Policy) -> bool:
    """Whether the policy has a rule that needs the usage resource's burn rate (not the observed pace alone)."""
    return has_runway_rule(policy) and policy['burn_rate_from'] != 'observed'


def check_policy(policy: Policy, in_callers_words: InCallersWords = str) -> Optional[str]:
    """Names the first policy value that cannot be right (as in_callers_words(option) spells it), or None."""
    for name in ('min_credits', 'warn_credits', 'valid_for_days', 'expected_spend', 'margin_percent',
                 'min_runway_days', 'max_expiring_unused', 'warn_runway_days'):
        if policy[name] is not None and policy[name] < 0:
            return '{0} must be 0 or more, got {1}'.format(in_callers_words(name), as_given(policy[name]))
    if policy['burn_window'] <= 0:
        return '{0} must be a number of seconds greater than 0, got {1}'.format(
            in_callers_words('burn_window'), as_given(policy['burn_window']))
    return None


def required_credits(policy: Policy) -> int:
    """max(min_credits, expected_spend x (1 + margin/100)), rounded up to whole credits.

    Fractions keep 10,000 x 1.1 at exactly 11,000 where floats would round it up to 11,001.
    """
    spend = Fraction(str(policy['expected_spend'])) * (100 + Fraction(str(policy['margin_percent']))) / 100
    return max(int(math.ceil(Fraction(str(policy['min_credits'])))), int(math.ceil(spend)))


def counted_credits(figures: Figures, policy: Policy) -> Tuple[Union[int, float], str]:
    """(counted, explanation) for the figures of melissa_credits_info under `policy`."""
    counted = figures['credit_balance']
    parts = ['{0} balance'.format(number(counted))]
    days = policy['valid_for_days']
    if days > 0:
        counted = credits_valid_for(figures['usable_batches'], days)
        expiring = sum(batch['credits_remaining'] for batch in figures['usable_batches']) - counted
        parts.append('{0} expire within {1}'.format(number(expiring), _days(days)))
    if policy['include_overdraft']:
        counted += figures['overdraft_limit']
        parts.append('{0} overdraft'.format(number(figures['overdraft_limit'])))
    return counted, ', '.join(parts)


def evaluate(figures: Figures, policy: Policy, usage: Optional[Dict[str, Any]] = None,
             observed: Optional[Dict[str, Any]] = None, now: Optional[datetime] = None) -> Verdict:
    """The Verdict published as assert_credits_result (figures included for reports).

    `usage` is a melissa_usage_info result (the recent burn rate), or None when no rule needs it. `observed` is
    the pace of the readings kept (dict(daily_burn=credits a day or None, readings=count)), or None when none
    are kept. `now` (aware) dates runs_out_at.
    """
    counted, how = counted_credits(figures, policy)
    required = required_credits(policy)
    basis = '{0} usable ({1}), {2} required'.format(number(counted), how, number(required))
    if policy['expected_spend'] and required > policy['min_credits']:
        basis += ' (expected spend {0} + {1}% margin)'.format(
            number(policy['expected_spend']), number(policy['margin_percent']))
    failures = []
    if counted < required:
        failures.append('Cicero credits too low: ' + basis)
    runway = _runway_figures(counted, figures, policy, usage, observed, now)
    if runway:
        failures.extend(_runway_failures(counted, runway, policy))
        basis += ', ' + _runway_text(runway)
    not_judged = _not_judged(policy, runway)
    if failures and not_judged:
        failures.append('not judged: ' + not_judged)
    passed = not failures
    warnings = []
    if passed and policy['warn_credits'] and counted < policy['warn_credits']:
        warnings.append('Cicero credits running low: {0} usable ({1}), below the warning level of {2}'.format(
            number(counted), how, number(policy['warn_credits'])))
    if passed and policy['warn_runway_days'] and runway.get('runway_days') is not None \
            and runway['runway_days'] < policy['warn_runway_days']:
        warnings.append('Cicero credits running out: {0}, below the warning level of {1}'.format(
            _runway_text(runway), _days(policy['warn_runway_days'])))
    warning = '; '.join(warnings) or None
    return Verdict(
        passed=passed,
        message='; '.join(failures) if failures else 'Cicero credits OK: ' + basis,
        warning=warning,
        counted_credits=counted,
        required_credits=required,
        shortfall=max(0, required - counted),
        counted_from=how,
        daily_burn=runway.get('daily_burn'),
        runway_days=runway.get('runway_days'),
        expiring_unused=runway.get('expiring_unused'),
        usage_period=None if usage is None else _usage_period(usage),
        burn_rate_from=policy['burn_rate_from'],
        observed_daily_burn=None if observed is None or observed['daily_burn'] is None else round(
            observed['daily_burn'], 2),
        runs_out_at=runway.get('runs_out_at'),
        not_judged=not_judged,
        policy=dict(policy),
        figures=dict((key, figures[key]) for key in FIGURE_KEYS),
    )


def runway_rules(policy: Policy) -> List[Tuple[str, Any]]:
    """[(option, value)] of the runway rules the policy asks for."""
    rules = [(name, policy[name]) for name in ('min_runway_days', 'warn_runway_days') if policy[name]]
    if policy['max_expiring_unused'] is not None:
        rules.append(('max_expiring_unused', policy['max_expiring_unused']))
    return rules


def _not_judged(policy: Policy, runway: Dict[str, Any]) -> Optional[str]:
    """Which runway rules could not be judged, and why, or None: a rule that cannot apply is said, never skipped."""
    rules = runway_rules(policy)
    if not rules or (runway and not runway['unknown']):
        return None
    if runway and not runway['observed']:
        why = 'the pace is unknown: {0}'.format(_no_usage_average(runway))
    elif runway:
        why = 'the pace is unknown: {0} of the last {1}, 2 needed'.format(
            _plural(runway['readings'], 'reading'), window_text(runway['window']))
    else:
        why = 'no pace was read (burn_rate_from {0} with no readings kept)'.format(policy['burn_rate_from'])
    return '{0} ({1})'.format(', '.join('{0} {1}'.format(name, number(value)) for name, value in rules), why)


def _usage_period(usage: Dict[str, Any]) -> str:
    return '{0} to {1}'.format(usage['start'], usage['end'])


def _runway_figures(counted: float, figures: Figures, policy: Policy, usage: Optional[Dict[str, Any]],
                    observed: Optional[Dict[str, Any]], now: Optional[datetime]) -> Dict[str, Any]:
    """The runway at the pace the policy names, or {} when neither the usage nor any reading is known."""
    if not usage and (observed is None or policy['burn_rate_from'] == 'usage'):
        return {}  # no pace the policy names was read: no runway rule, nothing to say about one
    usage_burn = usage['average_daily_credits'] if usage else None
    observed_burn = None if observed is None else observed['daily_burn']
    burn, which = chosen_daily_burn(policy['burn_rate_from'], usage_burn, observed_burn)
    by_usage = which == 'usage'  # the usage's average (with its period), or the readings' pace
    runway = dict(observed=not by_usage, period=_usage_period(usage) if by_usage and usage else None,
                  readings=0 if observed is None else observed['readings'], window=policy['burn_window'])
    if burn is None:
        return dict(runway, daily_burn=None, runway_days=None, expiring_unused=None, runs_out_at=None, unknown=True)
    days = runway_days(counted, burn)
    ends = None if now is None else runs_out_at(counted, burn, now)
    return dict(runway, daily_burn=round(burn, 2) if runway['observed'] else burn,
                runway_days=None if days is None else round(days, 1),
                expiring_unused=credits_expiring_unused(figures['usable_batches'], burn),
                runs_out_at=None if ends is None else iso_utc(ends), unknown=False)


def _no_usage_average(runway: Dict[str, Any]) -> str:
    # A usage result read for a period that has not begun has no average (_account_reads.py): no pace, and no readings to
    # blame for it.
    return 'the usage of {0} gives no average daily spend'.format(runway['period'])


def _runway_text(runway: Dict[str, Any]) -> str:
    if runway['unknown'] and not runway['observed']:
        return 'runway unknown: {0}'.format(_no_usage_average(runway))
    if runway['unknown']:
        return 'runway unknown: {0} of the last {1}, 2 needed for a pace'.format(
            _plural(runway['readings'], 'reading'), window_text(runway['window']))
    if not runway['observed']:
        if runway['runway_days'] is None:
            return 'runway unbounded (no usage {0})'.format(runway['period'])
        return 'runway {0} days at {1} a day ({2})'.format(
            number(math.floor(runway['runway_days'])), number(runway['daily_burn']), runway['period'])
    if runway['runway_days'] is None:
        return 'runway unbounded (nothing spent in the last {0})'.format(window_text(runway['window']))
    return _observed_runout(runway)


def _observed_runout(runway: Dict[str, Any]) -> str:
    ends = runway['runs_out_at']
    when = ' ({0} UTC)'.format(ends[:16].replace('T', ' ')) if ends else ''
    return 'run out in {0}{1} at the observed pace of {2} credits a day'.format(
        duration_text(runway['runway_days']), when, number(round(runway['daily_burn'])))


def duration_text(days: float) -> str:
    """A runway as a person reads it: '12.5 days', 'about 14 hours' under a day, 'less than an hour'."""
    if days >= 1:
        return _days(days)
    hours = int(round(days * 24))
    if hours < 1:
        return 'less than an hour'
    return 'about {0}'.format(_plural(hours, 'hour'))


def _runway_failures(counted: float, runway: Dict[str, Any], policy: Policy) -> List[str]:
    failures = []
    if policy['min_runway_days'] and runway['runway_days'] is not None \
            and runway['runway_days'] < policy['min_runway_days']:
        if runway['observed']:
            failures.append('Cicero credits {0}; {1} required'.format(
                _observed_runout(runway), _days(policy['min_runway_days'])))
        else:
            failures.append('Cicero credits run out too soon: {0} usable last {1} days at {2} a day ({3}), '
                            '{4} days required'.format(
                                number(counted), number(math.floor(runway['runway_days'])),
                                number(runway['daily_burn']), runway['period'], number(policy['min_runway_days'])))
    limit = policy['max_expiring_unused']
    if limit is not None and runway['expiring_unused'] is not None and runway['expiring_unused'] > limit:
        failures.append('Cicero credits would expire unused: {0} expire before they can be spent at {1} a day '
                        '({2}), {3} allowed'.format(number(runway['expiring_unused']), number(runway['daily_burn']),
                                                    runway['period'] or 'the observed pace', number(limit)))
    return failures


def window_text(seconds: float) -> str:
    """86400 -> '24 hours'; 1800 -> '30 minutes'."""
    for unit, size in (('hour', 3600), ('minute', 60)):
        if seconds >= size and seconds % size == 0:
            return _plural(int(seconds // size), unit)
    return _plural(number(seconds), 'second')


def _days(days: float) -> str:
    return _plural(number(days), 'day')


def _plural(count: Any, noun: str) -> str:
    return '{0} {1}{2}'.format(count, noun, '' if str(count) == '1' else 's')


def unreadable(message: str, policy: Policy, what: str = 'credits') -> Verdict:
    """The verdict when the figures (`what`: credits or usage) could not be read: fail with the read's message."""
    return Verdict(passed=False, message='Cicero {0} could not be read: {1}'.format(what, message), warning=None,
                   counted_credits=None, required_credits=required_credits(policy), shortfall=None,
                   counted_from=None, daily_burn=None, runway_days=None, expiring_unused=None, usage_period=None,
                   burn_rate_from=policy['burn_rate_from'], observed_daily_burn=None, runs_out_at=None,
                   not_judged=None, policy=dict(policy), figures=None)


def misconfigured(message: str, policy: Policy) -> Verdict:
    """The verdict when a setting keeps the gate from reading at all: it fails, and says it is the setting."""
    return unreadable(message, policy).replaced(
        message='Cicero credits not read, a setting is wrong: {0}'.format(message))


def number(value: Union[int, float]) -> str:
    """12500 -> '12,500'; 2.5 -> '2.5'."""
    if isinstance(value, float) and not value.is_integer():
        return '{0:,.2f}'.format(value).rstrip('0').rstrip('.')
    return '{0:,}'.format(int(value))
