# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Whether a value given for an option has the shape its spec takes, and how a wrong one is named.

One set of rules for every entry point: the modules (before AnsibleModule converts what it is given), the lookup,
the gate and the event source. `true` is never a number (Ansible's own conversion reads it as 1), `20%` never a
threshold, a null never a number's default; a wrong value is named as its user wrote it with what the option
takes, never with a Python class name.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Dict, Mapping

import math
import re

from collections.abc import Sequence, Set

from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.melissa.cicero.plugins.module_utils._connection import credential_redactor, named_by_source
from ansible_collections.melissa.cicero.plugins.module_utils._credits import MAX_NUMBER_CHARS, NUMBER_TEXT
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._redact import Redactor
from ansible_collections.melissa.cicero.plugins.module_utils._typing import InCallersWords

# An argument spec's options (ArgumentSpec.argument_spec): name to its spec.
Spec = Dict[str, Dict[str, Any]]


def unset(value: Any, option: Dict[str, Any]) -> bool:
    """Whether `value` leaves `option` (its spec) unset. An empty or null text does, so that the environment
    variable or the default serves (a role's empty variable, a rulebook's "{{ x | default('') }}", AWX's blank
    field); an empty or null number, switch, choice or dictionary does not: it is a value that cannot be right,
    refused by shaped_arguments(), never a silent fall-back to the default (a CI job's `-e assert_credits_min_credits=$MIN`
    with MIN unset, a key with no value in a vars file). A null is the default itself of an option whose default is
    null (max_expiring_unused: no limit)."""
    if value is None and option.get('default') is None:
        return True
    return value in (None, '') and _is_text(option)


def _is_text(option: Dict[str, Any]) -> bool:
    return option.get('type', 'str') in ('str', 'path') and not option.get('choices')


_WHOLE = re.compile(r'^\s*[+-]?[0-9]+\s*$')
# The spellings of a switch Ansible reads as true or false (ansible.module_utils.parsing.convert_bool).
_SWITCH_WORDS = frozenset(('yes', 'on', '1', 'true', 't', 'y', 'no', 'off', '0', 'false', 'f', 'n'))


def shaped(value: Any, option: Dict[str, Any]) -> Any:
    """`value` in the shape `option` takes, or raise ValueError: a boolean is no number, a number no switch,
    `20%` or `5k` no number at all. Text from the command line or a rulebook is read as Ansible reads it."""
    kind = option.get('type', 'str')
    if isinstance(value, bool):
        if kind == 'bool':
            return value
        raise ValueError(value)
    if kind == 'int':
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return int(value)
        if isinstance(value, str) and _WHOLE.match(value):
            return int(value)
    elif kind == 'float':
        if isinstance(value, (int, float)) and math.isfinite(value):
            return float(value)
        if isinstance(value, str) and len(value) <= MAX_NUMBER_CHARS and NUMBER_TEXT.match(value.strip()):
            return float(value)  # the numeric text the API's figures are read by, too
    elif kind == 'bool':
        if isinstance(value, str) and value.strip().lower() in _SWITCH_WORDS:
            return value
    elif kind == 'dict':
        if isinstance(value, Mapping):
            return dict(value)
        if isinstance(value, str):
            return check_type_dict(value)  # JSON or key=value pairs, as Ansible reads them
    elif isinstance(value, str) or (not option.get('choices') and isinstance(value, (int, float))):
        if option.get('choices') and value not in option['choices']:
            raise ValueError(value)
        return value
    raise ValueError(value)


def shown(value: Any) -> str:
    """A value as the user wrote it, for a message: true, null, 5, '20%' (never a Python class or repr)."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return "'{0}'".format(value if len(value) <= 60 else value[:60] + '...')
    if isinstance(value, Mapping):
        return 'a dictionary'
    if isinstance(value, (Sequence, Set)):
        return 'a list'
    return 'a value of another kind'


def expected(option: Dict[str, Any]) -> str:
    """What an option takes, in words, for a message."""
    if option.get('choices'):
        return 'one of {0}'.format(', '.join(map(str, option['choices'])))
    return dict(int='a whole number', float='a number', bool='true or false',
                dict='a dictionary (YAML, or JSON such as {"junit": "cicero.xml"})', path='a path').get(
                    option.get('type', 'str'), 'a text')


def specs_by_name(spec: Spec) -> Spec:
    """Each name an argument spec accepts (options and aliases) to its option's spec."""
    specs = dict(spec)
    for option in spec.values():
        specs.update((alias, option) for alias in option.get('aliases', ()))
    return specs


def shaped_arguments(args: Mapping[str, Any], spec: Spec, in_callers_words: InCallersWords = str) -> Dict[str, Any]:
    """The arguments `args` gives (every name one `spec` knows, an option's or an alias's), each in the shape its
    option takes, without those that leave their option unset (see unset()); or CiceroOptionError naming the first,
    in name order, that cannot be right: its name in the caller's words, the value given and what it takes."""
    specs = specs_by_name(spec)
    present = {}
    for name in sorted(args, key=str):
        value, option = args[name], specs[name]
        if unset(value, option):
            continue
        if value in (None, ''):
            raise CiceroOptionError('{0} is {1}; give {2}, or leave it unset for its default'.format(
                in_callers_words(name), 'empty' if value == '' else 'null', expected(option)))
        try:
            present[name] = shaped(value, option)
        except (TypeError, ValueError):
            raise CiceroOptionError('{0} must be {1}, got {2}'.format(
                in_callers_words(name), expected(option), redacted_value(name, value, args))) from None
    return present


def words_by_source(args: Mapping[str, Any], spec: Spec, in_callers_words: InCallersWords = str) -> InCallersWords:
    """in_callers_words for the connection checks of `args`: an option left to its environment variable is named
    as that variable."""
    given = set()
    for name, option in spec.items():
        if any(not unset(args.get(alias), option) for alias in [name] + list(option.get('aliases', ()))):
            given.add(name)
    return named_by_source(in_callers_words, given)


def arguments_redactor(args: Mapping[str, Any]) -> Redactor:
    """A Redactor for the key (under any of its names) and the password among `args`, before they are validated."""
    return credential_redactor(dict(password=args.get('password'), license_key=next(
        (args[name] for name in ('license_key', 'customer_id', 'key') if args.get(name)), None)))


def redacted_value(name: str, value: Any, args: Mapping[str, Any]) -> str:
    """shown(value), with the key and the password masked: a secret given where it does not belong stays secret."""
    if name in ('license_key', 'customer_id', 'key', 'password'):
        return 'a value that is not a text'
    return arguments_redactor(args)(shown(value))
