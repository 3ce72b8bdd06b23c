# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place where module code meets Ansible: options in, typed errors out as fail_json."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Callable, Dict

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.melissa.cicero.plugins.module_utils._connection import (
    call_api,
    credential_redactor,
    missing_library,
)
from ansible_collections.melissa.cicero.plugins.module_utils._client import CiceroClient
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroError
from ansible_collections.melissa.cicero.plugins.module_utils._options import ArgumentSpec
from ansible_collections.melissa.cicero.plugins.module_utils._typing import Params


def create_module(spec: ArgumentSpec) -> AnsibleModule:
    """AnsibleModule of an ArgumentSpec (module_utils/_options.py): the connection options and a module's own."""
    module = AnsibleModule(supports_check_mode=True, **spec.to_kwargs())
    missing = missing_library(module.params)
    if missing:
        module.fail_json(msg=missing_required_lib(missing[0]), exception=missing[1])
    return module


def run(module: AnsibleModule, read: Callable[[CiceroClient, Params], Dict[str, Any]]) -> None:
    """Call read(client, params) -> result dict and exit; any CiceroError becomes fail_json.

    The read is free and changes nothing, so it runs in check mode too; info modules never change.
    """
    redactor = credential_redactor(module.params)
    # no_log masks only the literal value; URL-encoded spellings must be masked as well.
    module.no_log_values.update(redactor.forms)
    try:
        result = call_api(module.params, read, module.warn, redactor)
    except CiceroError as exc:
        # A session token joined the redactor during the call: mask it in the result too.
        module.no_log_values.update(redactor.forms)
        module.fail_json(msg=exc.message, **exc.details)
    # A read's own warnings are module warnings: exit_json(warnings=...) is deprecated (removed in ansible-core 2.23).
    for warning in result.pop('warnings', None) or []:
        module.warn(warning)
    module.exit_json(changed=False, **result)
