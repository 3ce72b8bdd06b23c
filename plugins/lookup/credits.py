# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: credits
short_description: The Cicero credit figures, for templates and conditions
version_added: 1.0.0
description:
  - Returns the same dictionary as M(melissa.cicero.melissa_credits_info), read on the controller when the
    lookup is templated, so templates and C(when) conditions can use the figures without a task.
  - Options are keyword arguments, with the same environment variables and defaults as the module.
  - Errors raise an Ansible error with the module's messages; the key is redacted the same way.
  - Each templating calls the API; register the module's result instead where a play uses the figures often.
author:
  - melissa.cicero maintainers (@melissa-cicero)
extends_documentation_fragment:
  - melissa.cicero._connection
  - melissa.cicero._credits
'''

EXAMPLES = r'''
- name: Stop early in a template-driven play
  ansible.builtin.fail:
    msg: Not enough Cicero credits
  when: lookup('melissa.cicero.credits').available_credits < 5000

- name: Figures in XML with a vaulted key
  ansible.builtin.debug:
    msg: "{{ lookup('melissa.cicero.credits', license_key=vault_cicero_key, format='xml').credit_balance }}"
'''

RETURN = r'''
_raw:
  description: One dictionary, the result of M(melissa.cicero.melissa_credits_info) without C(changed).
  type: list
  elements: dict
'''

from ansible.errors import AnsibleLookupError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.melissa.cicero.plugins.module_utils._connection import (
    call_api, credential_redactor, missing_library)
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroError, CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._options import LOOKUP, credits_argument_spec
from ansible_collections.melissa.cicero.plugins.module_utils._reads import read_credits
from ansible_collections.melissa.cicero.plugins.plugin_utils._arguments import sourced_spell, validated

display = Display()


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleLookupError('melissa.cicero.credits takes no terms, only keyword options')
        # The module's own argument spec validates the keywords: same aliases, types, environment
        # fallbacks and defaults, declared once; a value of the wrong shape (true, '20%', null) is named.
        spec = credits_argument_spec(LOOKUP)
        try:
            params, dummy = validated(kwargs, spec, kind='option', connection=False)
        except CiceroOptionError as exc:
            raise AnsibleLookupError('melissa.cicero.credits: ' + exc.message) from None
        missing = missing_library(params)
        if missing:
            raise AnsibleLookupError(missing_required_lib(missing[0]))
        try:
            return [call_api(params, read_credits, display.warning, credential_redactor(params),
                             sourced_spell(kwargs, spec.argument_spec))]
        except CiceroError as exc:
            raise AnsibleLookupError(exc.message) from None
