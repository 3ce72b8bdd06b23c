# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The options of the gate (the credits_verdict action and the assert_credits role) and of the credits event
source, beside the connection options of module_utils/_options.py: each declared once.

The action, the role and the source build their argument specs from here; scripts/update-option-docs.py writes
every documented copy from here. Add an option here, run `make option-docs`, and the copies follow.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import List

from ansible_collections.melissa.cicero.plugins.module_utils._options import (
    ACTION, ROLE, SOURCE, CONNECTION_OPTIONS, CREDITS_OPTIONS, ArgumentSpec, Option, argument_spec,
    credits_argument_spec)
from ansible_collections.melissa.cicero.plugins.plugin_utils._forecast import DEFAULT_BURN_WINDOW, PACE_SOURCES

GATE = (ACTION, ROLE)
JUDGES = (ACTION, ROLE, SOURCE)

POLICY_OPTIONS = (
    Option('min_credits', kind='int', default=1, entry_points=JUDGES, description=[
        'Fail when the counted credits are below this.'], described_for={SOURCE: [
            'The verdict is V(low) when the counted credits are below this.']}),
    Option('warn_credits', kind='int', default=0, entry_points=JUDGES, description=[
        'Raise an Ansible warning (the play goes on) when the counted credits are below this but the verdict '
        'passes. V(0) is off.'], described_for={SOURCE: [
            'The status is V(warn) when the counted credits are below this but the verdict passes. V(0) is off.']}),
    Option('include_overdraft', kind='bool', default=False, entry_points=JUDGES, description=[
        "Count the account's overdraft limit as headroom."]),
    Option('valid_for_days', kind='int', default=0, entry_points=JUDGES, description=[
        'Count only credits in batches still valid this many days from now (batches without expiry count).',
        'V(0) counts the whole balance.']),
    Option('expected_spend', kind='float', default=0.0, entry_points=JUDGES, description=[
        'Credits the coming work will spend; the verdict requires this plus O(margin_percent).']),
    Option('margin_percent', kind='float', default=0.0, entry_points=JUDGES, description=[
        'Safety margin added to O(expected_spend), in percent.']),
    Option('min_runway_days', kind='int', default=0, entry_points=JUDGES, description=[
        'Fail when the counted credits would run out sooner than this many days at the pace O(burn_rate_from) '
        'names. V(0) is off. No spending means an unbounded runway.'], described_for={SOURCE: [
            'V(low) when the counted credits would run out sooner than this many days at the pace '
            'O(burn_rate_from) names. V(0) is off.']}),
    Option('max_expiring_unused', kind='int', entry_points=JUDGES, description=[
        'Fail when more credits than this would expire before they can be spent at the pace O(burn_rate_from) '
        'names, spending the batch that expires first, first.',
        'Unset is off; V(0) allows none to expire unused.'], described_for={SOURCE: [
            'V(low) when more credits than this would expire before they can be spent at the pace '
            'O(burn_rate_from) names. Unset is off.']}),
    Option('warn_runway_days', kind='int', default=0, entry_points=JUDGES, version_added='2.0.0', description=[
        'Raise an Ansible warning (the play goes on) when the credits would run out sooner than this many days at '
        'the pace O(burn_rate_from) names but the verdict passes. V(0) is off.'], described_for={SOURCE: [
            'V(warn) when the credits would run out sooner than this many days at the pace O(burn_rate_from) names, '
            'but the verdict passes. V(0) is off.']}),
    # The watch reads the balance every interval: its own readings give the pace, and the usage resource is not
    # read at all unless burn_rate_from asks for it.
    Option('burn_rate_from', default='usage', choices=PACE_SOURCES, entry_points=JUDGES, version_added='2.0.0',
           default_for={SOURCE: 'observed'}, description=[
               'The pace of the runway rules and of the verdict\'s C(daily_burn), C(runway_days) and '
               'C(runs_out_at).',
               'V(usage) - the average daily spend of the last three full months of the usage resource.',
               'V(observed) - the falls of the balance recorded in O(history_path) over O(burn_window); a purchase '
               'raises the balance and is not negative spending. Fewer than two readings give an unknown pace, '
               'which the verdict says rather than guess. The usage resource is not read.',
               'V(both) - the faster of the two, the cautious choice.'], described_for={SOURCE: [
                   'The pace of the runway rules. V(observed) - the falls of the balance this source read over '
                   'O(burn_window) (the usage resource is not read). V(usage) - the average daily spend of the last '
                   'three full months of the usage resource. V(both) - the faster of the two, the cautious '
                   'choice.']}),
    Option('burn_window', kind='float', default=DEFAULT_BURN_WINDOW, entry_points=JUDGES, version_added='2.0.0',
           description=['Seconds of readings the observed pace looks back over. Must be greater than 0.']),
)

# The policy's values when nothing is given (the gate's; the event source paces by its own readings).
POLICY_DEFAULTS = dict((option.name, option.default) for option in POLICY_OPTIONS)

_READINGS_FILE = (
    'Written atomically under a lock, so that runs that overlap take turns; pruned to O(burn_window); mode 0600; '
    'times and balances only, never a credential. A missing file starts a history; a corrupt or foreign one is a '
    'warning and a fresh start.')

GATE_OPTIONS = (
    Option('history_path', kind='path', entry_points=GATE, version_added='2.0.0', description=[
        'A file on the controller where each read\'s balance is recorded and from which the observed pace is '
        'judged (cron jobs, scheduled AWX jobs, CI with a cache). ' + _READINGS_FILE + ' One that cannot be '
        'written fails the task.']),
    Option('report_path', kind='path', entry_points=GATE, description=[
        'Also write the verdict as JSON to this path on the controller, whatever the verdict.',
        'The same as a V(json) entry of O(reports); kept from 1.0.0.']),
    Option('reports', kind='dict', default={}, entry_points=GATE, version_added='1.1.0', description=[
        'Reports to write on the controller, whatever the verdict (a failed read included) - a dictionary from '
        'format to path. Each file is replaced atomically; one that cannot be written fails the task, naming the '
        'path. An unknown format is refused before any request. No report holds a credential.',
        'V(json) - the verdict and figures, as returned, with C(account) and C(read_at) (ISO 8601, UTC).',
        'V(junit) - one test suite with one test case naming O(account); a C(failure) whose message is the '
        "verdict's when the credits are not enough, an C(error) when they could not be read (the check could not "
        'run); the one-line summary in C(system-out).',
        'V(openmetrics) - Prometheus gauges (C(melissa_cicero_up), C(melissa_cicero_gate_passed), '
        'C(melissa_cicero_gate_warning), C(melissa_cicero_credit_balance), C(melissa_cicero_available_credits), '
        "... labelled with O(account)) in the text format node_exporter's textfile collector and GitLab metrics "
        'reports read. Needs the Python library C(prometheus_client) on the controller.',
        'V(dotenv) - C(CICERO_PASSED), C(CICERO_WARNING) (V(true) when the gate passed below O(warn_credits)), '
        'C(CICERO_MESSAGE) (the one-line summary, single-quoted for the shell), C(CICERO_CREDIT_BALANCE), '
        'C(CICERO_AVAILABLE_CREDITS), C(CICERO_COUNTED_CREDITS), C(CICERO_REQUIRED_CREDITS), '
        'C(CICERO_RUNWAY_DAYS) (empty when unknown or without a runway rule).',
        'V(markdown) - a heading with the outcome, the message and a table of the figures.',
        'A runway that never ends (nothing spent) is V(unbounded) in dotenv, GitHub outputs and Markdown, C(+Inf) '
        'in the metrics, and C(runway_days=null) with C(daily_burn=0) in JSON.'],
        suboptions=dict((name, 'Path of the {0} report.'.format(title)) for name, title in (
            ('json', 'JSON'), ('junit', 'JUnit XML'), ('openmetrics', 'Prometheus text format'),
            ('dotenv', 'dotenv'), ('markdown', 'Markdown')))),
    Option('account', entry_points=JUDGES, version_added='1.1.0', description=[
        'A label naming the account in the reports (the JUnit test case, the C(account) label of the metrics, the '
        'Markdown heading). Default is the host name of O(api_url).'], described_for={SOURCE: [
            'A free label copied into every event as C(account), so one rulebook can watch several accounts. '
            'Default is the host name of O(api_url).']}),
    Option('github', kind='bool', default=True, entry_points=GATE, version_added='1.1.0', description=[
        "When the controller's environment has E(GITHUB_ACTIONS=true), append the Markdown summary to the file "
        'named by E(GITHUB_STEP_SUMMARY), C(passed), C(warning), C(message), C(credit_balance), '
        'C(available_credits), C(counted_credits), C(required_credits) and C(runway_days) to the file named by '
        'E(GITHUB_OUTPUT), and print C(::error::) (the gate fails) or C(::warning::) (it warns) with the message, '
        'for an annotation.']),
)

# The action's own options that are not the role's: registered results, where to put the verdict, how the
# role passes its variables.
ACTION_OPTIONS = (
    Option('credits', kind='dict', entry_points=(ACTION,), description=[
        'A registered result of M(melissa.cicero.melissa_credits_info) to judge instead of reading the figures.',
        'If that result holds no figures (the read failed), the verdict fails with the read\'s own message.']),
    Option('usage', kind='dict', entry_points=(ACTION,), description=[
        'With O(credits), a registered result of M(melissa.cicero.melissa_usage_info) for O(min_runway_days) and '
        'O(max_expiring_unused). Ignored without O(credits) (the usage is then read when needed) and when no '
        'runway rule is set.']),
    Option('fact_name', entry_points=(ACTION,), description=[
        'Also publish the verdict as a fact of this name (for every host when the task runs once).']),
    Option('from_variables', entry_points=(ACTION,), version_added='2.0.0', description=[
        'Read every option (but O(credits), O(usage), O(fact_name)) from the variables named '
        'C(<from_variables>_<option>) instead of from the task\'s arguments, templated by the action itself, so '
        'that no secret is ever a task argument and the task needs no C(no_log). An empty text variable counts '
        'as unset; an empty number, switch, choice or dictionary fails the task naming it, rather than falling '
        'back to the default. Messages name the variables, not the options.',
        'A variable whose name begins with this prefix (or with it less a final C(s)), in any case, that is not '
        'an option nor C(<from_variables>_result) fails the task before any request, naming the closest real '
        'one, so that a misspelled threshold never falls back to its default.',
        'Arguments given besides (by C(module_defaults) of the C(melissa.cicero.cicero) group) serve where the '
        'variable is unset.',
        'The C(melissa.cicero.assert_credits) role passes V(assert_credits).']),
    Option('near_names', default='warn', choices=('warn', 'fail'), entry_points=(ACTION,), version_added='2.0.0',
           description=[
               'With O(from_variables), what a variable outside that family that looks meant for it does - an '
               "option's own name (C(min_credits), the event source's spelling) or a misspelled prefix "
               '(C(asert_credits_min_credits)). V(warn) names it and the variable meant; V(fail) fails the task '
               'before any request (the C(melissa.cicero.check_credits) playbook, whose extra variables are all '
               'meant for the gate).']),
    Option('fail', kind='bool', default=False, entry_points=(ACTION,), version_added='2.0.0', description=[
        'Print RV(message) as the task\'s one line and fail the task when RV(passed=false) (too few credits, or the '
        'figures could not be read), or when a report cannot be written (naming the path and why, after the '
        'verdict).',
        'With V(false), the task fails only for a report that cannot be written or an argument that cannot be '
        'right; a later task decides on RV(passed).']),
)

DEFAULT_INTERVAL = 3600.0
EMIT_MODES = ('status', 'changes', 'every')

# The event source's own arguments.
WATCH_OPTIONS = (
    Option('state_path', kind='path', entry_points=(SOURCE,), version_added='2.0.0', description=[
        'A file that keeps the readings of O(burn_window), so that a restarted activation keeps its pace. Written '
        'atomically, under a lock, with mode 0600; it holds times and balances, never a credential. A missing file '
        'starts a history; a corrupt or foreign one is a warning and a fresh start. Its folder must exist.']),
    Option('interval', kind='float', default=DEFAULT_INTERVAL, entry_points=(SOURCE,), description=[
        'Seconds between reads. Must be greater than 0.']),
    Option('emit', default='status', choices=EMIT_MODES, entry_points=(SOURCE,), description=[
        'V(status) puts an event for the first read and for each read whose status differs from the previous one.',
        'V(changes) also puts one when any figure changed.',
        'V(every) puts one for every read.']),
)

# Every declared option, in the order the documents list them.
ALL_OPTIONS = CONNECTION_OPTIONS + CREDITS_OPTIONS + POLICY_OPTIONS + GATE_OPTIONS + ACTION_OPTIONS + WATCH_OPTIONS


def options_of(entry_point: str) -> List[Option]:
    """The declarations `entry_point` takes, in document order (the first of a name wins)."""
    seen, options = set(), []
    for option in ALL_OPTIONS:
        if entry_point in option.entry_points and option.name not in seen:
            seen.add(option.name)
            options.append(option)
    return options


def policy_argument_spec(entry_point: str = ACTION) -> ArgumentSpec:
    return argument_spec(POLICY_OPTIONS, entry_point)


def gate_argument_spec() -> ArgumentSpec:
    """The credits_verdict action's ArgumentSpec: connection, credits read, policy, the gate's and its own."""
    return credits_argument_spec(ACTION).merge(argument_spec(options_of(ACTION), ACTION))


def watch_argument_spec() -> ArgumentSpec:
    """The event source's ArgumentSpec: connection, credits read, policy (paced by its own readings), its own."""
    return credits_argument_spec(SOURCE).merge(argument_spec(options_of(SOURCE), SOURCE))


# The assert_credits role's variables: the action's options with this prefix, but its own.
ROLE_PREFIX = 'assert_credits'
ROLE_OPTIONS = tuple(option.name for option in options_of(ROLE))
