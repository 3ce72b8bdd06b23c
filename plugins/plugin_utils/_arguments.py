# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The gate's arguments, checked the same way for the credits_verdict action (task arguments or the role's
variables) and the credits event source (rulebook arguments), in the words of each.

Unknown or misspelled names are errors that name the closest real one; every option that cannot be right is
refused before any request. Controller-side only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Callable, Collection, Dict, Iterable, List, Tuple

import difflib
import re

from collections.abc import Mapping, Sequence

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.melissa.cicero.plugins.module_utils._connection import check_connection_options
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._options import ArgumentSpec
from ansible_collections.melissa.cicero.plugins.module_utils._shapes import (
    Spec, arguments_redactor, shaped_arguments, specs_by_name, words_by_source)
from ansible_collections.melissa.cicero.plugins.module_utils._typing import InCallersWords, Params
from ansible_collections.melissa.cicero.plugins.plugin_utils._gate_options import POLICY_DEFAULTS
from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import check_policy, policy_from
from ansible_collections.melissa.cicero.plugins.module_utils._account_reads import check_credits_options


def known_names(spec: Spec) -> set[str]:
    """Every name an argument spec (a dict, as ArgumentSpec.argument_spec) accepts: its options and their
    aliases."""
    return set(specs_by_name(spec))


def unknown_name(name: Any, known: Iterable[str], kind: str) -> str:
    """`unknown <kind> <name>: did you mean <closest>?`, or the list of names when none is close."""
    close = difflib.get_close_matches(str(name).lower(), sorted(known), n=1, cutoff=0.6)
    if close:
        return 'unknown {0} {1}: did you mean {2}?'.format(kind, name, close[0])
    return 'unknown {0} {1}; the {0}s are {2}'.format(kind, name, ', '.join(sorted(known)))


def refuse_unknown(names: Iterable[Any], known: Collection[str], kind: str) -> None:
    """CiceroOptionError naming the first of `names` that is not in `known`, and the closest that is."""
    for name in sorted(names, key=str):
        if name not in known:
            raise CiceroOptionError(unknown_name(name, known, kind))


def respelled(message: str, spec: Spec, in_callers_words: InCallersWords) -> str:
    """A message of Ansible's argument validation (which names options by their own name) in the caller's
    words."""
    if in_callers_words is str:
        return message
    names = sorted(known_names(spec), key=len, reverse=True)
    return re.sub(r'\b({0})\b'.format('|'.join(map(re.escape, names))),
                  lambda match: in_callers_words(match.group(1)), message)


def validated(args: Mapping[str, Any], argument_spec: ArgumentSpec, in_callers_words: InCallersWords = str,
              kind: str = 'argument', connection: bool = True) -> Tuple[Params, List[str]]:
    """(parameters, warnings) of gate arguments checked against an ArgumentSpec (module_utils/_options.py), or
    CiceroOptionError naming the first that cannot be right, in the caller's words (in_callers_words). No request
    is made. An empty text is an absent one (module_utils/_shapes.py, unset()).

    connection=False leaves the connection options to the read (call_api checks them), which turns their
    faults into a failed verdict with reports, as a failed read is.
    """
    spec = argument_spec.argument_spec
    refuse_unknown(args, known_names(spec), kind)
    present = shaped_arguments(args, spec, in_callers_words)
    result = ArgumentSpecValidator(spec, required_together=argument_spec.required_together).validate(present)
    if result.error_messages:
        # A value that fails its type is quoted in the message: the key and the password are masked.
        raise CiceroOptionError(arguments_redactor(present)(respelled('; '.join(result.error_messages), spec, in_callers_words)))
    params = result.validated_parameters
    # raises without credentials
    warnings = check_connection_options(params, words_by_source(args, spec, in_callers_words)) if connection else []
    if all(name in params for name in POLICY_DEFAULTS):  # the gate and the event source; not the lookup
        problem = check_policy(policy_from(params), in_callers_words)
        if problem:
            raise CiceroOptionError(problem)
    check_credits_options(params, in_callers_words)
    return params, warnings


# Options whose bare name no other role or play is likely to use: given alone (`-e min_credits=50000`, the event
# source's spelling), they were meant for the gate. Not timeout, format, account, username ...
DISTINCT_OPTIONS = frozenset(tuple(POLICY_DEFAULTS) + ('expiring_within_days', 'history_path', 'license_key'))


class RoleVariables:
    """The options of a role that passes its variables to the action by name, not as task arguments:
    `<prefix>_<option>`, so that the key never is an argument Ansible may echo."""

    def __init__(self, prefix: str, options: Sequence[str], published: Sequence[str] = ('result',)) -> None:
        self.prefix = prefix
        self.options = options
        # Variables the role sets itself (its fact) are its own too.
        self.names = set(self.in_callers_words(option) for option in tuple(options) + tuple(published))
        # A misspelling may drop the plural: assert_credit_min_credit is still the role's family.
        self.stem = prefix[:-1] if prefix.endswith('s') else prefix

    def in_callers_words(self, option: str) -> str:
        return '{0}_{1}'.format(self.prefix, option)

    def near_names(self, variables: Iterable[Any]) -> List[Tuple[str, str]]:
        """[(name, the variable meant)] of variables outside the family that look meant for the role: an option's
        own name (the event source's spelling, for the options no other role would use) or a misspelled prefix."""
        near = []
        for name in sorted(str(name) for name in variables):
            if name.lower().startswith(self.stem.lower()) or name.startswith('_'):
                continue
            for option in self.options:
                if name == option and option in DISTINCT_OPTIONS:
                    near.append((name, self.in_callers_words(option)))
                elif name.endswith('_' + option) and difflib.SequenceMatcher(
                        None, name[:-len(option) - 1].lower(), self.prefix.lower()).ratio() >= 0.8:
                    near.append((name, self.in_callers_words(option)))
        return near

    def arguments(self, variables: Mapping[str, Any], template: Callable[[Any], Any]) -> Dict[str, Any]:
        """The options from `variables` (templated with template(value)); CiceroOptionError for a variable
        of the family that is not one of the role's, before anything is templated or read."""
        family = [name for name in variables if str(name).lower().startswith(self.stem.lower())]
        refuse_unknown(family, self.names, 'variable')
        return dict((option, template(variables[self.in_callers_words(option)])) for option in self.options
                    if self.in_callers_words(option) in variables)
