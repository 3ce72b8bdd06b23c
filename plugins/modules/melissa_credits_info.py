#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: melissa_credits_info
short_description: Read the credit balance of a Melissa Cicero API account
version_added: 1.0.0
description:
  - Calls C(GET /account/credits_remaining) of the Cicero API, which costs no credits, in JSON or XML.
  - Returns the balance, the overdraft limit and the credit batches as typed figures, and what follows
    from them; the credits that expire soon and the next expiry.
  - A non-empty C(errors) list in the answer fails the module whatever the HTTP status.
author:
  - melissa.cicero maintainers (@melissa-cicero)
extends_documentation_fragment:
  - melissa.cicero._connection
  - melissa.cicero._credits
  - melissa.cicero._attributes
  - melissa.cicero._attributes.INFO_MODULE
seealso:
  - module: ansible.builtin.assert
  - name: Cicero API account documentation
    description: The credits_remaining resource.
    link: https://cicero.azavea.com/docs/
'''

EXAMPLES = r'''
- name: Read the Cicero credit balance (key from MELISSA_LICENSE_KEY)
  melissa.cicero.melissa_credits_info:
  register: cicero

- name: Show the balance
  ansible.builtin.debug:
    msg: "{{ cicero.credit_balance }} credits, {{ cicero.credits_expiring_soon }} expire within 30 days"

# The key comes from MELISSA_LICENSE_KEY (AWX and AAP inject it from the Melissa Cicero credential). Given as
# license_key, it is one of the module's arguments, which ANSIBLE_KEEP_REMOTE_FILES=1 leaves on disk.
- name: Ask in XML with a two-week window
  melissa.cicero.melissa_credits_info:
    format: xml
    expiring_within_days: 14
  register: cicero

- name: Fail early when the account cannot pay for the coming work
  ansible.builtin.assert:
    that: cicero.available_credits >= 5000
    fail_msg: "Only {{ cicero.available_credits }} Cicero credits available"
'''

RETURN = r'''
credit_balance:
  description: Credits left on the account.
  returned: success
  type: int
  sample: 12500
overdraft_limit:
  description: Credits the account may go below zero before calls stop.
  returned: success
  type: int
  sample: 500
available_credits:
  description: RV(credit_balance) plus RV(overdraft_limit).
  returned: success
  type: int
  sample: 13000
usable_batches:
  description: The account's credit batches, in the order the API served them.
  returned: success
  type: list
  elements: dict
  contains:
    credits_purchased:
      description: Credits the batch started with; null when the API did not say.
      type: int
      sample: 10000
    credits_remaining:
      description: Credits left in the batch.
      type: int
      sample: 9500
    created:
      description: When the batch was created, exactly as served; null when absent.
      type: str
      sample: '2026-01-15 00:00:00'
    expiration_time:
      description: When the batch expires, exactly as served; null when absent.
      type: str
      sample: '2027-01-15 00:00:00'
    cost:
      description: Price of the batch exactly as served (may be empty for trial batches); null when absent.
      type: str
      sample: '298.00'
    discount:
      description: Discount of the batch exactly as served; null when absent.
      type: str
      sample: '0.00'
    expires_in_days:
      description:
        - Whole days from now until RV(usable_batches[].expiration_time), rounded down; negative once past.
        - Null when the expiry is absent or cannot be read.
      type: int
      sample: 51
expiring_within_days:
  description: The window used for RV(credits_expiring_soon), from O(expiring_within_days).
  returned: success
  type: int
  sample: 30
credits_expiring_soon:
  description: Sum of RV(usable_batches[].credits_remaining) over batches expiring within O(expiring_within_days).
  returned: success
  type: int
  sample: 500
next_expiration:
  description: The earliest RV(usable_batches[].expiration_time) among batches that still hold credits; null if none.
  returned: success
  type: str
  sample: '2026-12-10 00:00:00'
messages:
  description: The API's own messages list.
  returned: success
  type: list
  elements: str
  sample: []
status:
  description: HTTP status of the failed answer.
  returned: failure, when the API answered
  type: int
  sample: 400
api_errors:
  description: The API's own error texts.
  returned: failure, when the answer carried an errors list
  type: list
  elements: str
  sample: ["This account has reached its overdraft limit. Please purchase more credits."]
'''

from ansible_collections.melissa.cicero.plugins.module_utils._options import MODULE, credits_argument_spec
from ansible_collections.melissa.cicero.plugins.module_utils._account_reads import read_credits
from ansible_collections.melissa.cicero.plugins.module_utils._module_entry import create_module, run


def main():
    module = create_module(credits_argument_spec(MODULE))
    run(module, read_credits)


if __name__ == '__main__':
    main()
