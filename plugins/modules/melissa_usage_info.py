#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: melissa_usage_info
short_description: Read the monthly credit usage of a Melissa Cicero API account
version_added: 1.0.0
description:
  - Calls C(GET /account/usage/{start}) or C(GET /account/usage/{start}/to/{end}) of the Cicero API, which
    costs no credits, in JSON or XML.
  - Returns the months of the period with their calls and credits, the totals, the credits per activity type
    and the average daily spend over the period's calendar days, which is how long a balance lasts.
author:
  - melissa.cicero maintainers (@melissa-cicero)
extends_documentation_fragment:
  - melissa.cicero._connection
  - melissa.cicero._attributes
  - melissa.cicero._attributes.INFO_MODULE
options:
  start:
    description:
      - First month (V(2026-01)) or year (V(2026)) of the period.
      - With neither O(start) nor O(end), the last three full calendar months.
    type: str
  end:
    description:
      - Last month or year of the period; must not come before O(start). Defaults to O(start).
    type: str
seealso:
  - module: melissa.cicero.melissa_credits_info
'''

EXAMPLES = r'''
- name: Usage of the last three full months
  melissa.cicero.melissa_usage_info:
  register: usage

- name: How long would 10,000 credits last?
  ansible.builtin.debug:
    msg: "{{ (10000 / usage.average_daily_credits) | int }} days at {{ usage.average_daily_credits }} a day"
  when: usage.average_daily_credits > 0

- name: Usage of a quarter
  melissa.cicero.melissa_usage_info:
    start: 2026-07
    end: 2026-09
  register: quarter
'''

RETURN = r'''
start:
  description: First month or year of the period, as asked of the API.
  returned: success
  type: str
  sample: '2026-08'
end:
  description: Last month or year of the period.
  returned: success
  type: str
  sample: '2026-10'
period_days:
  description: Calendar days of the period, from the first day of RV(start) to the last day of RV(end).
  returned: success
  type: int
  sample: 92
months:
  description: One entry per month the API reported, in its order.
  returned: success
  type: list
  elements: dict
  contains:
    year:
      description: Year of the month.
      type: int
      sample: 2026
    month:
      description: Month number, 1 to 12.
      type: int
      sample: 10
    count:
      description: Calls made in the month.
      type: int
      sample: 5200
    credits_used:
      description: Credits spent in the month.
      type: int
      sample: 5100
    activity_types:
      description: Calls and credits per activity type in the month.
      type: list
      elements: dict
      contains:
        type:
          description: The activity type as the API names it.
          type: str
          sample: legislative_district
        count:
          description: Calls of this type.
          type: int
          sample: 4000
        credits_used:
          description: Credits spent on this type.
          type: int
          sample: 4000
count:
  description: Calls over the period.
  returned: success
  type: int
  sample: 15400
credits_used:
  description: Credits spent over the period.
  returned: success
  type: int
  sample: 15100
credits_used_by_type:
  description: Credits spent per activity type over the period, largest first.
  returned: success
  type: list
  elements: dict
  contains:
    type:
      description: The activity type.
      type: str
    credits_used:
      description: Credits spent on it.
      type: int
  sample: [{"type": "legislative_district", "credits_used": 12000}, {"type": "official", "credits_used": 3100}]
average_daily_credits:
  description:
    - RV(credits_used) divided by RV(period_days).
    - Null, with a warning, for a period that has not begun yet (nothing can have been spent in it).
  returned: success
  type: float
  sample: 164.1304
messages:
  description: The API's own messages list.
  returned: success
  type: list
  elements: str
  sample: []
'''

from ansible_collections.melissa.cicero.plugins.module_utils._account_reads import read_usage
from ansible_collections.melissa.cicero.plugins.module_utils._options import ArgumentSpec, connection_argument_spec
from ansible_collections.melissa.cicero.plugins.module_utils._module_entry import create_module, run


def main():
    module = create_module(connection_argument_spec().merge(ArgumentSpec(dict(start=dict(type='str'), end=dict(type='str')))))
    run(module, read_usage)


if __name__ == '__main__':
    main()
