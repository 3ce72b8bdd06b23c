# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test-only callback: append every task result, as the callbacks see it, to $RESULT_LOG (JSON lines).

The tests read results from here and keep the default human output on stdout to check what a person
sees. (ansible-core 2.19 moved the json stdout callback to ansible.posix, which we do not depend on.)
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: result_log
type: aggregate
short_description: write task results as JSON lines to $RESULT_LOG (tests only)
description: Test helper of melissa.cicero.
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'result_log'
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, status, result):
        record = {'host': result._host.get_name(), 'task': result._task.get_name(), 'status': status,
                  'result': result._result}
        with open(os.environ['RESULT_LOG'], 'a') as handle:
            handle.write(json.dumps(record, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._write('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write('failed', result)

    def v2_runner_on_skipped(self, result):
        self._write('skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._write('unreachable', result)
