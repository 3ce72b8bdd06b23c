# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read the Cicero figures and judge them against a credits policy, on the controller, in-process.

An action plugin rather than a module: the gate reads with the controller's own Python (the one that has
the collection's requirements, whatever interpreter localhost is given), starts no module process, checks
the policy before any request, and raises a real [WARNING]. Its result is the verdict alone: the
credentials it reads with never reach it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible import constants as C
from ansible.errors import AnsibleActionFail
from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.melissa.cicero.plugins.module_utils import _clock
from ansible_collections.melissa.cicero.plugins.module_utils._connection import (
    call_api, credential_redactor, missing_library)
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroError, CiceroOptionError
from ansible_collections.melissa.cicero.plugins.plugin_utils._gate_options import ROLE_OPTIONS, gate_argument_spec
from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import (
    FIGURE_KEYS, evaluate, has_runway_rule, misconfigured, needs_usage, policy_from, runway_rules, unreadable)
from ansible_collections.melissa.cicero.plugins.plugin_utils._arguments import (
    RoleVariables, known_names, refuse_unknown, words_by_source, unset, validated)
from ansible_collections.melissa.cicero.plugins.plugin_utils._gate import account_label, read_verdict, readings_owner

# The reports, the GitHub Actions files and the history file are imported where they are used, only when a
# task asks for one: Ansible compiles a collection's Python from source on every run, and a gate that asks for
# none does not pay for their code (docs/performance.md, B1).
# pylint: disable=import-outside-toplevel

display = Display()

# Declared in plugin_utils/_gate_options.py with the role's variables (ROLE_OPTIONS, with the assert_credits
# prefix: the role passes the prefix, from_variables, not the values, so that no secret is a task argument).
ARGUMENT_SPEC = gate_argument_spec()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        try:
            result.update(self._judge(task_vars or {}))
        except (AnsibleActionFail, CiceroOptionError) as exc:
            # Returned, not raised: before ansible-core 2.19 a raised failure bypassed failed_when.
            message = exc.message
            result.update(failed=True, msg=message, passed=False, message=message)
            if boolean(self._task.args.get('fail', False), strict=False):
                display.display(message, color=C.COLOR_ERROR)
        result['changed'] = False
        return result

    def _arguments(self, task_vars):
        """(arguments, in_callers_words): the task's own, or with from_variables the role's variables, named as the
        user named them."""
        args = dict(self._task.args)
        prefix = args.pop('from_variables', None)
        if not prefix:
            return args, str
        # Other arguments come from module_defaults (the cicero action group): a variable that is set wins.
        refuse_unknown(args, known_names(ARGUMENT_SPEC.argument_spec), 'argument')
        role = RoleVariables(prefix, ROLE_OPTIONS)
        variables = role.arguments(task_vars, self._templar.template)
        near = ['variable {0} is not one of the role\'s: did you mean {1}?'.format(name, meant)
                for name, meant in role.near_names(task_vars)]
        if near and args.get('near_names') == 'fail':
            raise CiceroOptionError('; '.join(near))
        for warning in near:
            display.warning(warning)
        args.update((option, value) for option, value in variables.items() if not unset(value, ARGUMENT_SPEC.argument_spec[option]))
        return args, role.in_callers_words

    def _judge(self, task_vars):
        args, in_callers_words = self._arguments(task_vars)
        params, dummy = validated(args, ARGUMENT_SPEC, in_callers_words, connection=False)
        in_callers_words = words_by_source(args, ARGUMENT_SPEC.argument_spec, in_callers_words)
        policy = policy_from(params)
        reports = requested_reports(params['reports'], params['report_path'], in_callers_words)
        account = account_label(params)
        read_at = _clock.utc_now()
        refuse_unjudgeable(params, policy, in_callers_words)
        if params['credits'] is not None:
            verdict = judge_registered(params['credits'], params['usage'], policy)
        elif params['history_path']:
            verdict = read_with_history(params, policy, account, in_callers_words)
        else:
            verdict = read_and_judge(params, policy, in_callers_words)
        if verdict.warning:
            display.warning(verdict.warning)
        if verdict.not_judged:
            display.warning('Cicero credits runway rules not judged: {0}'.format(verdict.not_judged))
        result = dict(verdict.to_dict(), msg=verdict.message)
        if params['fact_name']:
            result['ansible_facts'] = {params['fact_name']: verdict.to_dict()}
        if params['report_path']:
            result['report_path'] = params['report_path']
        # Written here rather than by later tasks: one task less per play (docs/performance.md, B1 and B6).
        github = params['github'] and in_github_actions(os.environ)
        if reports or github:
            result.update(publish(verdict, reports, github, account, read_at))
        if params['fail']:
            result['failed'] = result.get('failed', False) or not verdict.passed
            display.display(result['msg'], color=_colour(result['failed'], verdict.warning))
        return result


def _colour(failed, warning):
    if failed:
        return C.COLOR_ERROR
    return C.COLOR_WARN if warning else C.COLOR_OK


def in_github_actions(environ):
    return environ.get('GITHUB_ACTIONS') == 'true'


def publish(verdict, reports, github, account, read_at):
    """Write the reports and, with `github`, the GitHub Actions summary, outputs and annotations. Returns what
    the task's result gains: the reports written, or the failure that names each one that was not."""
    from ansible_collections.melissa.cicero.plugins.plugin_utils import _github
    from ansible_collections.melissa.cicero.plugins.plugin_utils._report_files import ReportError, write_reports
    result = {}
    try:
        if write_reports(reports, verdict, account, read_at):
            result['reports'] = dict(reports)
        if github:
            _github.publish(verdict, account, read_at, os.environ, display.display)
    except ReportError as exc:
        # The verdict first: whether the credits are enough is said even when a report is not written.
        result.update(failed=True, msg='{0}; {1}'.format(verdict.message, exc))
    return result


def requested_reports(reports, report_path, in_callers_words=str):
    """[(format, path)] of the reports option plus report_path (a JSON report); unknown formats refused."""
    if not reports and not report_path:
        return []
    from ansible_collections.melissa.cicero.plugins.plugin_utils._reports import FORMATS, unknown_formats
    unknown = unknown_formats(reports)
    if unknown:
        raise AnsibleActionFail('{0}: unknown format {1}; the formats are {2}'.format(
            in_callers_words('reports'), ', '.join(unknown), ', '.join(FORMATS)))
    requested = [('json', report_path)] if report_path else []
    for fmt in FORMATS:
        if reports.get(fmt):
            # A dict's values are not type=path options: expand ~ as report_path's type does.
            requested.append((fmt, os.path.expanduser(str(reports[fmt]))))
    return requested


def refuse_unjudgeable(params, policy, in_callers_words=str):
    """A runway rule at the observed pace with nowhere to keep readings can never be judged: refused before any
    request, naming where readings are kept, rather than passing every time in silence."""
    if not has_runway_rule(policy) or policy['burn_rate_from'] != 'observed' or params['history_path']:
        return
    raise AnsibleActionFail(
        '{0} at {1}=observed can never be judged without {2}: the observed pace needs the readings of earlier runs. '
        'Give {2} (a file the runs share), or {1}=usage or both'.format(
            ', '.join(in_callers_words(name) for name, dummy in runway_rules(policy)), in_callers_words('burn_rate_from'),
            in_callers_words('history_path')))


def read_and_judge(params, policy, in_callers_words=str, readings=None):
    """Read with one client and judge (plugin_utils/_gate.py); a connection option that cannot be right
    fails the verdict with its message (options named as in_callers_words says), as a failed read does. A read's balance
    joins `readings` (the history file), whose observed pace the verdict reports."""
    missing = missing_library(params)
    if missing:
        return unreadable(missing_required_lib(missing[0]), policy)
    redactor = credential_redactor(params)
    try:
        return call_api(params, lambda client, params: read_verdict(client, params, policy, redactor, readings),
                        display.warning, redactor, in_callers_words)
    except CiceroOptionError as exc:
        # A setting, not the account: said as such, and still a failed verdict with its reports.
        return misconfigured(exc.message, policy)
    except CiceroError as exc:
        return unreadable(exc.message, policy)


def read_with_history(params, policy, account, in_callers_words=str):
    """read_and_judge with history_path: the read's balance joins the file's readings, whose observed pace
    the verdict reports; a file that cannot be locked or written fails the task, naming the option."""
    from ansible_collections.melissa.cicero.plugins.plugin_utils._readings import Readings, ReadingsError
    try:
        # Strict when a runway rule needs the readings: then a file that cannot be used fails the gate; otherwise it
        # is a warning and the verdict stands.
        readings = Readings(policy['burn_window'], params['history_path'], account, warn=display.warning,
                            strict=has_runway_rule(policy), owner=readings_owner(params))
        return read_and_judge(params, policy, in_callers_words, readings)
    except ReadingsError as exc:
        raise AnsibleActionFail('{0}: {1}'.format(in_callers_words('history_path'), exc))


def judge_registered(credits, usage, policy):
    """Judge registered results of melissa_credits_info and melissa_usage_info without a request.

    A read that failed (registered with failed_when: false) has no figures; its msg is the module's own.
    """
    if 'credit_balance' not in credits:
        return unreadable(str(credits.get('msg') or 'the credits result holds no figures'), policy)
    missing = [key for key in FIGURE_KEYS if key not in credits]
    if missing:
        raise AnsibleActionFail('credits must be a registered melissa_credits_info result; this one lacks {0}'.format(
            ', '.join(missing)))
    if not needs_usage(policy):
        return evaluate(credits, policy, now=_clock.utc_now())
    usage = usage or {}
    if 'average_daily_credits' not in usage:
        return unreadable(str(usage.get('msg') or 'the runway rules need the usage option'), policy, 'usage')
    return evaluate(credits, policy, usage, now=_clock.utc_now())
