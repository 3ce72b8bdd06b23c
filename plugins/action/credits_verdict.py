# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Judge melissa_credits_info figures against a credits policy, on the controller, in-process.

An action plugin rather than a module: the verdict needs no API call, so it costs no extra Python
process, and it can raise a real [WARNING] below the warning level. It never sees the license key.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.melissa.cicero.plugins.module_utils._policy import (
    POLICY_DEFAULTS, check_policy, evaluate, needs_usage, unreadable)

display = Display()

ARGUMENT_SPEC = dict(
    credits=dict(type='dict', required=True),
    min_credits=dict(type='int', default=POLICY_DEFAULTS['min_credits']),
    warn_credits=dict(type='int', default=POLICY_DEFAULTS['warn_credits']),
    include_overdraft=dict(type='bool', default=POLICY_DEFAULTS['include_overdraft']),
    valid_for_days=dict(type='int', default=POLICY_DEFAULTS['valid_for_days']),
    expected_spend=dict(type='float', default=POLICY_DEFAULTS['expected_spend']),
    margin_percent=dict(type='float', default=POLICY_DEFAULTS['margin_percent']),
    min_runway_days=dict(type='int', default=POLICY_DEFAULTS['min_runway_days']),
    max_expiring_unused=dict(type='int'),
    usage=dict(type='dict'),
    fact_name=dict(type='str'),
    report_path=dict(type='path'),
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        policy = dict((name, args[name]) for name in POLICY_DEFAULTS)
        problem = check_policy(policy)
        if problem:
            raise AnsibleActionFail(problem)
        credits = args['credits']
        usage = (args['usage'] or {}) if needs_usage(policy) else None
        # A read that failed (the role reads with failed_when: false so that this message shows) has no
        # figures; its msg is the module's own.
        if 'credit_balance' not in credits:
            verdict = unreadable(str(credits.get('msg') or 'the credits result holds no figures'), policy)
        elif usage is not None and 'average_daily_credits' not in usage:
            verdict = unreadable(str(usage.get('msg') or 'the runway rules need the usage option'), policy, 'usage')
        else:
            verdict = evaluate(credits, policy, usage)
        if verdict['warning']:
            display.warning(verdict['warning'])
        result.update(verdict)
        result['changed'] = False
        result['msg'] = verdict['message']
        if args['fact_name']:
            result['ansible_facts'] = {args['fact_name']: verdict}
        if args['report_path']:
            # Here rather than in a copy task: one task less per play (docs/performance.md, B1).
            _write_report(args['report_path'], verdict)
            result['report_path'] = args['report_path']
        return result


def _write_report(path, verdict):
    """The verdict as JSON on the controller, replaced atomically so a CI reader never sees half a file."""
    partial = path + '.partial'
    try:
        with open(partial, 'w') as handle:
            json.dump(verdict, handle, indent=2, sort_keys=True)
            handle.write('\n')
        os.replace(partial, path)
    except (IOError, OSError) as exc:
        raise AnsibleActionFail('report_path {0} could not be written: {1}'.format(path, exc))
