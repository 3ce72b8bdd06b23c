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
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroError, CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._options import ArgumentSpec
from ansible_collections.melissa.cicero.plugins.module_utils._shapes import (
    shaped_arguments, specs_by_name, unset, words_by_source)
from ansible_collections.melissa.cicero.plugins.module_utils._typing import Params


class CiceroModule(AnsibleModule):
    """AnsibleModule that takes its options' values as every entry point of the collection does
    (module_utils/_shapes.py): an empty or null text is not given (its environment variable or default serves), and
    a value of the wrong shape fails naming the option, the value and what it takes. Ansible's own conversion reads
    `true` as the number 1 and names a wrong value by its Python class (`<class 'str'> cannot be converted to a
    float`); neither reaches the user."""

    # The message of the first value of the wrong shape, found when the options are read; None when there is none.
    misshapen = None
    # The options as the task gave them, under the names it used: what is not there came from its environment
    # variable or its default.
    given: Dict[str, Any] = {}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.misshapen:  # a value Ansible's conversion accepted (true for a number)
            self.fail_json(msg=self.misshapen)

    def _load_params(self) -> None:
        # The hook AnsibleModule keeps for reading the options before its own validation converts them.
        super()._load_params()
        known = specs_by_name(self.argument_spec)
        self.given = dict((name, value) for name, value in self.params.items() if name in known)
        for name, value in self.given.items():
            if unset(value, known[name]):
                del self.params[name]
        try:
            shaped_arguments(self.given, self.argument_spec)
        except CiceroOptionError as exc:
            self.misshapen = exc.message

    def fail_json(self, msg: str, **kwargs: Any) -> Any:
        # AnsibleModule's validation of a value of the wrong shape fails here, in Ansible's words: ours replace them.
        return super().fail_json(msg=self.misshapen or msg, **kwargs)


def create_module(spec: ArgumentSpec) -> CiceroModule:
    """CiceroModule of an ArgumentSpec (module_utils/_options.py): the connection options and a module's own."""
    module = CiceroModule(supports_check_mode=True, **spec.to_kwargs())
    missing = missing_library(module.params)
    if missing:
        module.fail_json(msg=missing_required_lib(missing[0]), exception=missing[1])
    return module


def run(module: CiceroModule, read: Callable[[CiceroClient, Params], Dict[str, Any]]) -> None:
    """Call read(client, params) -> result dict and exit; any CiceroError becomes fail_json.

    The read is free and changes nothing, so it runs in check mode too; info modules never change.
    """
    redactor = credential_redactor(module.params)
    # no_log masks only the literal value; URL-encoded spellings must be masked as well.
    module.no_log_values.update(redactor.forms)
    try:
        # An option the task left to its environment variable is named as that variable (MELISSA_CICERO_API_URL).
        result = call_api(module.params, read, module.warn, redactor, words_by_source(module.given, module.argument_spec))
    except CiceroError as exc:
        # A session token joined the redactor during the call: mask it in the result too.
        module.no_log_values.update(redactor.forms)
        module.fail_json(msg=exc.message, **exc.details)
    # A read's own warnings are module warnings: exit_json(warnings=...) is deprecated (removed in ansible-core 2.23).
    for warning in result.pop('warnings', None) or []:
        module.warn(warning)
    module.exit_json(changed=False, **result)
