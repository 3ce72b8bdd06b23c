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
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.melissa.cicero.plugins.module_utils import _clock
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._shapes import unset, words_by_source
from ansible_collections.melissa.cicero.plugins.plugin_utils._arguments import (
    RoleVariables, known_names, refuse_unknown, validated)
from ansible_collections.melissa.cicero.plugins.plugin_utils._gate import (
    account_label, judge_registered, read_and_judge, read_with_history, refuse_unjudgeable)
from ansible_collections.melissa.cicero.plugins.plugin_utils._gate_options import ROLE_OPTIONS, gate_argument_spec
from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import policy_from
from ansible_collections.melissa.cicero.plugins.plugin_utils._publish import in_github_actions, publish, requested_reports

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
            verdict = read_with_history(params, policy, account, display.warning, in_callers_words)
        else:
            verdict = read_and_judge(params, policy, display.warning, in_callers_words)
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
            result.update(publish(verdict, reports, github, account, read_at, display.display))
        if params['fail']:
            result['failed'] = result.get('failed', False) or not verdict.passed
            display.display(result['msg'], color=_colour(result['failed'], verdict.warning))
        return result


def _colour(failed, warning):
    if failed:
        return C.COLOR_ERROR
    return C.COLOR_WARN if warning else C.COLOR_OK
