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

import math

from fractions import Fraction

from ansible_collections.melissa.cicero.plugins.module_utils._credits import credits_valid_for
from ansible_collections.melissa.cicero.plugins.module_utils._runway import credits_expiring_unused, runway_days

POLICY_DEFAULTS = dict(
    min_credits=1,
    warn_credits=0,
    include_overdraft=False,
    valid_for_days=0,
    expected_spend=0,
    margin_percent=0,
    min_runway_days=0,
    max_expiring_unused=None,
)


def policy_argument_spec():
    """The policy options (role variables without the assert_credits_ prefix), for every judge of credits."""
    return dict(
        min_credits=dict(type='int', default=POLICY_DEFAULTS['min_credits']),
        warn_credits=dict(type='int', default=POLICY_DEFAULTS['warn_credits']),
        include_overdraft=dict(type='bool', default=POLICY_DEFAULTS['include_overdraft']),
        valid_for_days=dict(type='int', default=POLICY_DEFAULTS['valid_for_days']),
        expected_spend=dict(type='float', default=POLICY_DEFAULTS['expected_spend']),
        margin_percent=dict(type='float', default=POLICY_DEFAULTS['margin_percent']),
        min_runway_days=dict(type='int', default=POLICY_DEFAULTS['min_runway_days']),
        max_expiring_unused=dict(type='int'),
    )


def policy_from(params):
    """The policy values out of validated parameters that also hold other options."""
    return dict((name, params[name]) for name in POLICY_DEFAULTS)


# The melissa_credits_info figures a verdict uses and reports.
FIGURE_KEYS = ('credit_balance', 'overdraft_limit', 'available_credits', 'credits_expiring_soon',
               'expiring_within_days', 'next_expiration', 'usable_batches')


def needs_usage(policy):
    """Whether the policy has a rule that needs the recent burn rate."""
    return policy['min_runway_days'] > 0 or policy['max_expiring_unused'] is not None


def check_policy(policy, spell=str):
    """Names the first policy value that cannot be right (as spell(option) spells it), or None."""
    for name in ('min_credits', 'warn_credits', 'valid_for_days', 'expected_spend', 'margin_percent',
                 'min_runway_days', 'max_expiring_unused'):
        if policy[name] is not None and policy[name] < 0:
            return '{0} must be 0 or more, got {1}'.format(spell(name), policy[name])
    return None


def required_credits(policy):
    """max(min_credits, expected_spend x (1 + margin/100)), rounded up to whole credits.

    Fractions keep 10,000 x 1.1 at exactly 11,000 where floats would round it up to 11,001.
    """
    spend = Fraction(str(policy['expected_spend'])) * (100 + Fraction(str(policy['margin_percent']))) / 100
    return max(int(math.ceil(Fraction(str(policy['min_credits'])))), int(math.ceil(spend)))


def counted_credits(figures, policy):
    """(counted, explanation) for the figures of melissa_credits_info under `policy`."""
    counted = figures['credit_balance']
    parts = ['{0} balance'.format(number(counted))]
    days = policy['valid_for_days']
    if days > 0:
        counted = credits_valid_for(figures['usable_batches'], days)
        expiring = sum(batch['credits_remaining'] for batch in figures['usable_batches']) - counted
        parts.append('{0} expire within {1} days'.format(number(expiring), days))
    if policy['include_overdraft']:
        counted += figures['overdraft_limit']
        parts.append('{0} overdraft'.format(number(figures['overdraft_limit'])))
    return counted, ', '.join(parts)


def evaluate(figures, policy, usage=None):
    """The verdict dict published as assert_credits_result (figures included for reports).

    `usage` is a melissa_usage_info result (the recent burn rate), or None when no rule needs it.
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
    runway = _runway_figures(counted, figures, usage)
    if runway:
        failures.extend(_runway_failures(counted, runway, policy))
        basis += ', ' + _runway_text(runway)
    passed = not failures
    warning = None
    if passed and policy['warn_credits'] and counted < policy['warn_credits']:
        warning = 'Cicero credits running low: {0} usable ({1}), below the warning level of {2}'.format(
            number(counted), how, number(policy['warn_credits']))
    return dict(
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
        usage_period=runway.get('period'),
        policy=dict(policy),
        figures=dict((key, figures[key]) for key in FIGURE_KEYS),
    )


def _runway_figures(counted, figures, usage):
    if not usage:
        return {}
    burn = usage['average_daily_credits']
    days = runway_days(counted, burn)
    return dict(daily_burn=burn, runway_days=None if days is None else round(days, 1),
                expiring_unused=credits_expiring_unused(figures['usable_batches'], burn),
                period='{0} to {1}'.format(usage['start'], usage['end']))


def _runway_text(runway):
    if runway['runway_days'] is None:
        return 'runway unbounded (no usage {0})'.format(runway['period'])
    return 'runway {0} days at {1} a day ({2})'.format(
        number(math.floor(runway['runway_days'])), number(runway['daily_burn']), runway['period'])


def _runway_failures(counted, runway, policy):
    failures = []
    if policy['min_runway_days'] and runway['runway_days'] is not None \
            and runway['runway_days'] < policy['min_runway_days']:
        failures.append('Cicero credits run out too soon: {0} usable last {1} days at {2} a day ({3}), '
                        '{4} days required'.format(
                            number(counted), number(math.floor(runway['runway_days'])), number(runway['daily_burn']),
                            runway['period'], number(policy['min_runway_days'])))
    limit = policy['max_expiring_unused']
    if limit is not None and runway['expiring_unused'] > limit:
        failures.append('Cicero credits would expire unused: {0} expire before they can be spent at {1} a day '
                        '({2}), {3} allowed'.format(number(runway['expiring_unused']), number(runway['daily_burn']),
                                                    runway['period'], number(limit)))
    return failures


def unreadable(message, policy, what='credits'):
    """The verdict when the figures (`what`: credits or usage) could not be read: fail with the read's message."""
    return dict(passed=False, message='Cicero {0} could not be read: {1}'.format(what, message), warning=None,
                counted_credits=None, required_credits=required_credits(policy), shortfall=None,
                counted_from=None, daily_burn=None, runway_days=None, expiring_unused=None, usage_period=None,
                policy=dict(policy), figures=None)


def number(value):
    """12500 -> '12,500'; 2.5 -> '2.5'."""
    if isinstance(value, float) and not value.is_integer():
        return '{0:,.2f}'.format(value).rstrip('0').rstrip('.')
    return '{0:,}'.format(int(value))
