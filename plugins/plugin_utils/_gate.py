# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read an account and judge it: the one gate behind the credits_verdict action and the credits event source.

Controller-side only (the action runs in Ansible's Python, the event source in ansible-rulebook's), so it
lives in plugin_utils; what it calls is the modules' own client, parser, redactor and policy.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.melissa.cicero.plugins.module_utils._connection import redacted
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroError
from ansible_collections.melissa.cicero.plugins.module_utils._policy import evaluate, needs_usage, unreadable
from ansible_collections.melissa.cicero.plugins.module_utils._reads import read_credits, read_usage


def read_verdict(client, params, policy, redactor):
    """The verdict on one read of the account through `client`: the credits, and the usage only when a
    runway rule needs it. A failed read is a failed verdict whose message is the read's own, redacted,
    naming which read failed; nothing is raised for it."""
    read = {}
    try:
        read['credits'] = read_credits(client, params)
        if needs_usage(policy):
            read['usage'] = read_usage(client, params)
    except CiceroError as exc:
        return unreadable(redacted(exc, redactor).message, policy, 'usage' if 'credits' in read else 'credits')
    return evaluate(read['credits'], policy, read.get('usage'))
