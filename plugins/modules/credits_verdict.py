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
short_description: Read the Cicero credit figures and judge them against a credits policy
version_added: 1.0.0
description:
  - Reads the figures of M(melissa.cicero.melissa_credits_info) (and of M(melissa.cicero.melissa_usage_info)
    when a runway rule needs them) and says whether the account can pay for the coming work, with a
    message that names the figures.
  - Counted credits are RV(melissa.cicero.melissa_credits_info#module:credit_balance), or with
    O(valid_for_days) the credits of the batches still valid that many days from now; plus the overdraft
    limit with O(include_overdraft=true).
  - Required credits are the larger of O(min_credits) and O(expected_spend) plus O(margin_percent).
  - Runs on the controller, in the Python that runs Ansible, and reads with the same options,
    environment variables and error messages as the modules. The policy is checked before any request.
  - With O(credits) it judges a registered result instead and makes no request.
  - Without O(fail), never fails on a low balance or a failed read itself; RV(passed=false) says so and
    RV(message) says why. With O(fail=true) it prints RV(message) as one line and fails when RV(passed=false),
    which is how the C(melissa.cicero.assert_credits) role is one task.
  - Raises an Ansible warning when the counted credits are below O(warn_credits) but the gate passes.
  - The result holds the verdict and figures only, never the credentials. Keep the key out of the task's
    arguments, which ansible-core echoes at C(-vvv) and in failures - leave it in E(MELISSA_LICENSE_KEY), or
    give O(from_variables) so the action reads it, as every option, from variables.
  - An unknown argument, or with O(from_variables) an unknown variable of that family, fails before any
    request, naming the closest real name.
  - Proxies come from the controller's environment (E(HTTPS_PROXY) and friends); a task's C(environment)
    keyword does not reach an action that runs on the controller.
author:
  - melissa.cicero maintainers (@melissa-cicero)
extends_documentation_fragment:
  - melissa.cicero._connection
  - melissa.cicero._credits
  - melissa.cicero._attributes
  - melissa.cicero._attributes.INFO_MODULE
attributes:
  action:
    support: full
    description: Runs as an action plugin on the controller.
options:
  min_credits:
    description: Fail when the counted credits are below this.
    type: int
    default: 1
  warn_credits:
    description:
      - Raise an Ansible warning (the play goes on) when the counted credits are below this but the verdict passes.
        V(0) is off.
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
    description: Credits the coming work will spend; the verdict requires this plus O(margin_percent).
    type: float
    default: 0
  margin_percent:
    description: Safety margin added to O(expected_spend), in percent.
    type: float
    default: 0
  min_runway_days:
    description:
      - Fail when the counted credits would run out sooner than this many days at the pace O(burn_rate_from) names.
        V(0) is off. No spending means an unbounded runway.
    type: int
    default: 0
  max_expiring_unused:
    description:
      - Fail when more credits than this would expire before they can be spent at the pace O(burn_rate_from) names,
        spending the batch that expires first, first.
      - Unset is off; V(0) allows none to expire unused.
    type: int
  warn_runway_days:
    description:
      - Raise an Ansible warning (the play goes on) when the credits would run out sooner than this many days at
        the pace O(burn_rate_from) names but the verdict passes. V(0) is off.
    type: int
    default: 0
    version_added: 2.0.0
  burn_rate_from:
    description:
      - The pace of the runway rules and of the verdict's C(daily_burn), C(runway_days) and C(runs_out_at).
      - V(usage) - the average daily spend of the last three full months of the usage resource.
      - V(observed) - the falls of the balance recorded in O(history_path) over O(burn_window); a purchase raises
        the balance and is not negative spending. Fewer than two readings give an unknown pace, which the verdict
        says rather than guess. The usage resource is not read.
      - V(both) - the faster of the two, the cautious choice.
    type: str
    choices: [usage, observed, both]
    default: usage
    version_added: 2.0.0
  burn_window:
    description: Seconds of readings the observed pace looks back over. Must be greater than 0.
    type: float
    default: 86400
    version_added: 2.0.0
  history_path:
    description:
      - A file on the controller where each read's balance is recorded and from which the observed pace is judged
        (cron jobs, scheduled AWX jobs, CI with a cache). Written atomically under a lock, so that runs that
        overlap take turns; pruned to O(burn_window); mode 0600; times and balances only, never a credential. A
        missing file starts a history; a corrupt or foreign one is a warning and a fresh start. One that cannot be
        written fails the task.
    type: path
    version_added: 2.0.0
  report_path:
    description:
      - Also write the verdict as JSON to this path on the controller, whatever the verdict.
      - The same as a V(json) entry of O(reports); kept from 1.0.0.
    type: path
  reports:
    description:
      - Reports to write on the controller, whatever the verdict (a failed read included) - a dictionary from
        format to path. Each file is replaced atomically; one that cannot be written fails the task, naming the
        path. An unknown format is refused before any request. No report holds a credential.
      - V(json) - the verdict and figures, as returned, with C(account) and C(read_at) (ISO 8601, UTC).
      - V(junit) - one test suite with one test case naming O(account); a C(failure) whose message is the verdict's
        when the credits are not enough, an C(error) when they could not be read (the check could not run); the
        one-line summary in C(system-out).
      - V(openmetrics) - Prometheus gauges (C(melissa_cicero_up), C(melissa_cicero_gate_passed),
        C(melissa_cicero_gate_warning), C(melissa_cicero_credit_balance), C(melissa_cicero_available_credits), ...
        labelled with O(account)) in the text format node_exporter's textfile collector and GitLab metrics reports
        read. Needs the Python library C(prometheus_client) on the controller.
      - V(dotenv) - C(CICERO_PASSED), C(CICERO_WARNING) (V(true) when the gate passed below O(warn_credits)),
        C(CICERO_MESSAGE) (the one-line summary, single-quoted for the shell), C(CICERO_CREDIT_BALANCE),
        C(CICERO_AVAILABLE_CREDITS), C(CICERO_COUNTED_CREDITS), C(CICERO_REQUIRED_CREDITS), C(CICERO_RUNWAY_DAYS)
        (empty when unknown or without a runway rule).
      - V(markdown) - a heading with the outcome, the message and a table of the figures.
      - A runway that never ends (nothing spent) is V(unbounded) in dotenv, GitHub outputs and Markdown, C(+Inf) in
        the metrics, and C(runway_days=null) with C(daily_burn=0) in JSON.
    type: dict
    default: {}
    version_added: 1.1.0
  account:
    description:
      - A label naming the account in the reports (the JUnit test case, the C(account) label of the metrics, the
        Markdown heading). Default is the host name of O(api_url).
    type: str
    version_added: 1.1.0
  github:
    description:
      - When the controller's environment has E(GITHUB_ACTIONS=true), append the Markdown summary to the file named
        by E(GITHUB_STEP_SUMMARY), C(passed), C(warning), C(message), C(credit_balance), C(available_credits),
        C(counted_credits), C(required_credits) and C(runway_days) to the file named by E(GITHUB_OUTPUT), and print
        C(::error::) (the gate fails) or C(::warning::) (it warns) with the message, for an annotation.
    type: bool
    default: true
    version_added: 1.1.0
  credits:
    description:
      - A registered result of M(melissa.cicero.melissa_credits_info) to judge instead of reading the figures.
      - If that result holds no figures (the read failed), the verdict fails with the read's own message.
    type: dict
  usage:
    description:
      - With O(credits), a registered result of M(melissa.cicero.melissa_usage_info) for O(min_runway_days) and
        O(max_expiring_unused). Ignored without O(credits) (the usage is then read when needed) and when no runway
        rule is set.
    type: dict
  fact_name:
    description: Also publish the verdict as a fact of this name (for every host when the task runs once).
    type: str
  from_variables:
    description:
      - Read every option (but O(credits), O(usage), O(fact_name)) from the variables named
        C(<from_variables>_<option>) instead of from the task's arguments, templated by the action itself, so that
        no secret is ever a task argument and the task needs no C(no_log). An empty text variable counts as unset;
        an empty number, switch, choice or dictionary fails the task naming it, rather than falling back to the
        default. Messages name the variables, not the options.
      - A variable whose name begins with this prefix (or with it less a final C(s)), in any case, that is not an
        option nor C(<from_variables>_result) fails the task before any request, naming the closest real one, so
        that a misspelled threshold never falls back to its default.
      - Arguments given besides (by C(module_defaults) of the C(melissa.cicero.cicero) group) serve where the
        variable is unset.
      - The C(melissa.cicero.assert_credits) role passes V(assert_credits).
    type: str
    version_added: 2.0.0
  near_names:
    description:
      - With O(from_variables), what a variable outside that family that looks meant for it does - an option's own
        name (C(min_credits), the event source's spelling) or a misspelled prefix (C(asert_credits_min_credits)).
        V(warn) names it and the variable meant; V(fail) fails the task before any request (the
        C(melissa.cicero.check_credits) playbook, whose extra variables are all meant for the gate).
    type: str
    choices: [warn, fail]
    default: warn
    version_added: 2.0.0
  fail:
    description:
      - Print RV(message) as the task's one line and fail the task when RV(passed=false) (too few credits, or the
        figures could not be read), or when a report cannot be written (naming the path and why, after the
        verdict).
      - With V(false), the task fails only for a report that cannot be written or an argument that cannot be right;
        a later task decides on RV(passed).
    type: bool
    default: false
    version_added: 2.0.0
'''

EXAMPLES = r'''
- name: One task that says its verdict and stops the play when the account cannot pay
  melissa.cicero.credits_verdict:
    expected_spend: 10000
    margin_percent: 20
    fail: true

- name: Judge the account, and decide later (reads on the controller; key from MELISSA_LICENSE_KEY)
  melissa.cicero.credits_verdict:
    expected_spend: 10000
  register: verdict

- name: The options as variables, the way the assert_credits role passes them (cicero_min_credits, ...)
  melissa.cicero.credits_verdict:
    from_variables: cicero
    fail: true
  vars:
    cicero_min_credits: 5000
    cicero_license_key: "{{ vault_cicero_key }}"

- name: Gate with reports for the CI's test page, its metrics and the next job's variables
  melissa.cicero.credits_verdict:
    min_credits: 5000
    account: production
    reports:
      junit: cicero-junit.xml
      openmetrics: cicero.prom
      dotenv: cicero.env
  register: verdict

- name: Judge a result registered earlier, without another request
  melissa.cicero.credits_verdict:
    credits: "{{ cicero }}"
    min_credits: 5000
  register: second_opinion
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
  description:
    - Credits spent a day at the pace O(burn_rate_from) names (the usage period's average, or the observed pace);
      null when that pace is unknown or was not read.
  returned: always
  type: float
  sample: 101.087
runway_days:
  description: Days the counted credits last at RV(daily_burn); null when unbounded (nothing spent) or unknown.
  returned: always
  type: float
  sample: 123.6
runs_out_at:
  description:
    - When the counted credits run out at RV(daily_burn), ISO 8601 in UTC.
    - Null when nothing is spent or the pace is unknown.
  returned: always
  type: str
  sample: "2026-12-14T09:00:00Z"
  version_added: 2.0.0
observed_daily_burn:
  description:
    - Credits a day spent over the readings of O(history_path) within O(burn_window) (only falls count).
    - Null with fewer than two readings or without a history.
  returned: always
  type: float
  sample: 17280000.0
  version_added: 2.0.0
burn_rate_from:
  description: The pace the verdict followed, as O(burn_rate_from) named it.
  returned: always
  type: str
  sample: usage
  version_added: 2.0.0
expiring_unused:
  description:
    - Credits that expire before they can be spent at RV(daily_burn); null when the pace is unknown or was not read.
  returned: always
  type: int
  sample: 478
usage_period:
  description: The usage period read, such as C(2026-08 to 2026-10); null when the usage was not read.
  returned: always
  type: str
report_path:
  description: Where the report was written.
  returned: when O(report_path) is set
  type: str
reports:
  description:
    - The reports written, format to path. O(report_path) counts as the C(json) report, unless O(reports)
      names another C(json) path, which is then the one shown (both are written).
  returned: when O(reports) or O(report_path) names at least one report
  type: dict
  sample: {"junit": "cicero-junit.xml", "openmetrics": "cicero.prom"}
'''
