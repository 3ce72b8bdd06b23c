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

from urllib.parse import urlsplit

from ansible.errors import AnsibleActionFail
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.melissa.cicero.plugins.module_utils import _clock
from ansible_collections.melissa.cicero.plugins.module_utils._connection import (
    CONNECTION_REQUIRED_TOGETHER, call_api, connection_argument_spec, credential_redactor, missing_library)
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroError
from ansible_collections.melissa.cicero.plugins.module_utils._policy import (
    FIGURE_KEYS, check_policy, evaluate, needs_usage, policy_argument_spec, policy_from, unreadable)
from ansible_collections.melissa.cicero.plugins.module_utils._reads import credits_options
from ansible_collections.melissa.cicero.plugins.plugin_utils import _github
from ansible_collections.melissa.cicero.plugins.plugin_utils._gate import read_verdict
from ansible_collections.melissa.cicero.plugins.plugin_utils._report_files import ReportError, write_reports
from ansible_collections.melissa.cicero.plugins.plugin_utils._reports import FORMATS, unknown_formats

display = Display()


def _argument_spec():
    spec = connection_argument_spec()
    spec.update(credits_options())
    spec.update(policy_argument_spec())
    spec.update(
        credits=dict(type='dict'),
        usage=dict(type='dict'),
        fact_name=dict(type='str'),
        report_path=dict(type='path'),
        reports=dict(type='dict', default={}),
        account=dict(type='str'),
        github=dict(type='bool', default=True),
    )
    return spec


ARGUMENT_SPEC = _argument_spec()


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        try:
            result.update(self._judge())
        except AnsibleActionFail as exc:
            # Returned, not raised: before ansible-core 2.19 a raised failure bypassed failed_when, which
            # the role relies on to show this message after its no_log task.
            result.update(failed=True, msg=exc.message)
        result['changed'] = False
        return result

    def _judge(self):
        dummy, args = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC, required_together=CONNECTION_REQUIRED_TOGETHER)
        policy = policy_from(args)
        problem = check_policy(policy)
        if problem:
            raise AnsibleActionFail(problem)
        reports = requested_reports(args['reports'], args['report_path'])
        read_at = _clock.utc_now()
        if args['credits'] is None:
            verdict = read_and_judge(args, policy)
        else:
            verdict = judge_registered(args['credits'], args['usage'], policy)
        if verdict['warning']:
            display.warning(verdict['warning'])
        result = dict(verdict, msg=verdict['message'])
        if args['fact_name']:
            result['ansible_facts'] = {args['fact_name']: verdict}
        # Written here rather than by later tasks: one task less per play (docs/performance.md, B1 and B6).
        account = args['account'] or urlsplit(args['api_url']).hostname or args['api_url']
        try:
            written = write_reports(reports, verdict, account, read_at)
            if args['github'] and _github.in_github_actions(os.environ):
                _github.publish(verdict, account, read_at, os.environ, display.display)
        except ReportError as exc:
            raise AnsibleActionFail(str(exc))
        if args['report_path']:
            result['report_path'] = args['report_path']
        if written:
            result['reports'] = dict(reports)
        return result


def requested_reports(reports, report_path):
    """[(format, path)] of the reports option plus report_path (a JSON report); unknown formats refused."""
    unknown = unknown_formats(reports)
    if unknown:
        raise AnsibleActionFail('reports: unknown format {0}; the formats are {1}'.format(
            ', '.join(unknown), ', '.join(FORMATS)))
    requested = [('json', report_path)] if report_path else []
    for fmt in FORMATS:
        if reports.get(fmt):
            # A dict's values are not type=path options: expand ~ as report_path's type does.
            requested.append((fmt, os.path.expanduser(str(reports[fmt]))))
    return requested


def read_and_judge(params, policy):
    """Read with one client and judge (plugin_utils/_gate.py); a connection option that cannot be right
    fails the verdict with its message, as a failed read does."""
    missing = missing_library(params)
    if missing:
        return unreadable(missing_required_lib(missing[0]), policy)
    redactor = credential_redactor(params)
    try:
        return call_api(params, lambda client, params: read_verdict(client, params, policy, redactor),
                        display.warning, redactor)
    except CiceroError as exc:
        return unreadable(exc.message, policy)


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
        return evaluate(credits, policy)
    usage = usage or {}
    if 'average_daily_credits' not in usage:
        return unreadable(str(usage.get('msg') or 'the runway rules need the usage option'), policy, 'usage')
    return evaluate(credits, policy, usage)
