#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Documentation only: the work is done on the controller by plugins/action/credits_verdict.py.

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: credits_verdict
short_description: Judge Cicero credit figures against a credits policy
version_added: 1.0.0
description:
  - Takes the result of M(melissa.cicero.melissa_credits_info) and a policy, and says whether the account
    can pay for the coming work, with a message that names the figures.
  - Counted credits are RV(melissa.cicero.melissa_credits_info#module:credit_balance), or with
    O(valid_for_days) the credits of the batches still valid that many days from now; plus the overdraft
    limit with O(include_overdraft=true).
  - Required credits are the larger of O(min_credits) and O(expected_spend) plus O(margin_percent).
  - Runs on the controller without calling the API and never fails on a low balance itself; the
    C(melissa.cicero.assert_credits) role turns RV(passed=false) into a failed play.
  - Raises an Ansible warning when the counted credits are below O(warn_credits) but the gate passes.
author:
  - melissa.cicero maintainers (@melissa-cicero)
extends_documentation_fragment:
  - melissa.cicero._attributes
  - melissa.cicero._attributes.INFO_MODULE
attributes:
  action:
    support: full
    description: Runs as an action plugin on the controller.
options:
  credits:
    description:
      - The registered result of M(melissa.cicero.melissa_credits_info).
      - If that result holds no figures (the read failed), the verdict fails with the read's own message.
    type: dict
    required: true
  min_credits:
    description: Fail when the counted credits are below this.
    type: int
    default: 1
  warn_credits:
    description: Warn when the counted credits are below this; V(0) turns the warning off.
    type: int
    default: 0
  include_overdraft:
    description: Count the account's overdraft limit as headroom.
    type: bool
    default: false
  valid_for_days:
    description:
      - Count only credits in batches still valid this many days from now (batches without expiry count).
      - V(0) counts the whole balance.
    type: int
    default: 0
  expected_spend:
    description: Credits the coming job will spend.
    type: float
    default: 0
  margin_percent:
    description: Safety margin added to O(expected_spend), in percent.
    type: float
    default: 0
  fact_name:
    description: Also publish the verdict as a fact of this name (for every host when the task runs once).
    type: str
  report_path:
    description:
      - Also write the verdict as JSON to this path on the controller, whatever the verdict.
    type: path
  min_runway_days:
    description:
      - Fail when the counted credits would run out sooner than this many days at the average daily spend in
        O(usage). V(0) is off. No usage means an unbounded runway.
    type: int
    default: 0
  max_expiring_unused:
    description:
      - Fail when more credits than this would expire before they can be spent at the average daily spend in
        O(usage), spending the batch that expires first, first. Unset is off.
    type: int
  usage:
    description:
      - The registered result of M(melissa.cicero.melissa_usage_info); needed by O(min_runway_days) and
        O(max_expiring_unused), ignored otherwise.
    type: dict
'''

EXAMPLES = r'''
- name: Read the credits
  melissa.cicero.melissa_credits_info:
  register: cicero
  no_log: true
  failed_when: false

- name: Judge them
  melissa.cicero.credits_verdict:
    credits: "{{ cicero }}"
    expected_spend: 10000
    margin_percent: 20
  register: verdict

- name: Stop when the account cannot pay
  ansible.builtin.assert:
    that: verdict.passed
    fail_msg: "{{ verdict.message }}"
'''

RETURN = r'''
passed:
  description: Whether the counted credits reach the required credits (and the figures could be read).
  returned: always
  type: bool
  sample: false
message:
  description: One line naming counted and required credits and how counted was derived.
  returned: always
  type: str
  sample: "Cicero credits too low: 12,000 usable (12,500 balance, 500 expire within 30 days), 12,500 required"
warning:
  description: The low-credits warning, or null.
  returned: always
  type: str
counted_credits:
  description: Credits counted under the policy; null when the figures could not be read.
  returned: always
  type: int
  sample: 12000
required_credits:
  description: Credits required under the policy.
  returned: always
  type: int
  sample: 12500
shortfall:
  description: Credits missing to pass (0 when passed); null when the figures could not be read.
  returned: always
  type: int
  sample: 500
counted_from:
  description: How RV(counted_credits) was derived, as in the message.
  returned: always
  type: str
  sample: 12,500 balance, 500 expire within 30 days
policy:
  description: The policy values the verdict used.
  returned: always
  type: dict
figures:
  description: The credit figures the verdict used (a subset of the melissa_credits_info result); null when unread.
  returned: always
  type: dict
daily_burn:
  description: Average daily credits spent over the usage period; null without usage.
  returned: always
  type: float
  sample: 101.087
runway_days:
  description: Days the counted credits last at RV(daily_burn); null when unbounded or without usage.
  returned: always
  type: float
  sample: 123.6
expiring_unused:
  description: Credits that expire before they can be spent at RV(daily_burn); null without usage.
  returned: always
  type: int
  sample: 478
usage_period:
  description: The usage period behind RV(daily_burn), such as C(2026-08 to 2026-10); null without usage.
  returned: always
  type: str
report_path:
  description: Where the report was written.
  returned: when O(report_path) is set
  type: str
'''
