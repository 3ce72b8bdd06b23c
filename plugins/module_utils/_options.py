# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every option the modules take, declared once, and the type that declares an option.

An Option holds what Python needs (type, default, choices, aliases, secrecy, environment variable) and what the
documentation says (description, version) for every entry point that takes it: the modules, the credits lookup,
the credits_verdict action, the assert_credits role (as an assert_credits_<name> variable) and the credits event
source. The argument specs are built from the declarations when the code runs; the written copies (the doc
fragments, the action's and the event source's documentation, the role's argument specs and defaults) are
generated from them by scripts/update-option-docs.py, whose --check the unit tests run. The gate's and the
watch's own options are declared in plugins/plugin_utils/_gate_options.py, controller code.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Dict, List, Optional, Sequence

import copy
import os

from ansible.module_utils.errors import AnsibleFallbackNotFound

from ansible_collections.melissa.cicero.plugins.module_utils._api_address import DEFAULT_API_URL

# Where an option can be given: the info modules, the credits lookup, the credits_verdict action, the
# assert_credits role's variables, the credits event source's arguments.
MODULE, LOOKUP, ACTION, ROLE, SOURCE = 'module', 'lookup', 'action', 'role', 'source'
ENTRY_POINTS = (MODULE, LOOKUP, ACTION, ROLE, SOURCE)

# Where the credits lookup also finds its options, as other lookups do: variables melissa_cicero_<option>, and
# ansible.cfg's [melissa_cicero] section (but the secrets, which belong in a vault or the environment).
LOOKUP_VARIABLE_PREFIX = 'melissa_cicero_'
LOOKUP_INI_SECTION = 'melissa_cicero'

LICENSE_KEY_ENV = 'MELISSA_LICENSE_KEY'
API_URL_ENV = 'MELISSA_CICERO_API_URL'
USERNAME_ENV = 'MELISSA_CICERO_USERNAME'
PASSWORD_ENV = 'MELISSA_CICERO_PASSWORD'


def env_fallback_unless_empty(*names: str) -> str:
    """Ansible's env_fallback, except that an empty variable counts as unset: AWX injects "" for a field of
    a credential left blank (the Melissa Cicero credential type's optional API URL, say)."""
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    raise AnsibleFallbackNotFound


class Option:
    """One option, declared once.

    kind is the Ansible type (str, int, float, bool, dict, path); description a list of paragraphs in Ansible's
    documentation markup, naming other options as O(name) (the role's copy names them as its variables);
    described_for and default_for replace the description or the default for one entry point, where that entry
    point means something else by the option (the event source's statuses, its observed pace);
    suboptions document a dictionary's keys for the role's argument specs.
    """

    def __init__(self, name: str, kind: str = 'str', description: Sequence[str] = (), default: Any = None,
                 choices: Optional[Sequence[str]] = None, aliases: Sequence[str] = (), secret: bool = False,
                 env: Optional[str] = None, version_added: Optional[str] = None,
                 entry_points: Sequence[str] = ENTRY_POINTS, described_for: Optional[Dict[str, List[str]]] = None,
                 default_for: Optional[Dict[str, Any]] = None, suboptions: Optional[Dict[str, str]] = None) -> None:
        self.name = name
        self.kind = kind
        self.description = list(description)
        self.default = default
        self.choices = list(choices) if choices else None
        self.aliases = list(aliases)
        self.secret = secret
        self.env = env
        self.version_added = version_added
        self.entry_points = tuple(entry_points)
        self.described_for = dict(described_for or {})
        self.default_for = dict(default_for or {})
        self.suboptions = suboptions

    def default_at(self, entry_point: Optional[str] = None) -> Any:
        return copy.deepcopy(self.default_for.get(entry_point or '', self.default))

    def description_at(self, entry_point: Optional[str]) -> List[str]:
        return list(self.described_for.get(entry_point or '', self.description))

    def lookup_sources(self) -> Dict[str, List[Dict[str, str]]]:
        """Where the lookup finds this option besides its keyword: env, ini and vars entries of its docs."""
        sources = dict(vars=[dict(name=LOOKUP_VARIABLE_PREFIX + self.name)])
        if self.env:
            sources['env'] = [dict(name=self.env)]
        if not self.secret:
            sources['ini'] = [dict(section=LOOKUP_INI_SECTION, key=self.name)]
        return sources

    def argument_spec(self, entry_point: Optional[str] = None) -> Dict[str, Any]:
        """This option's entry of an argument spec (AnsibleModule, ArgumentSpecValidator)."""
        spec: Dict[str, Any] = dict(type=self.kind)
        default = self.default_at(entry_point)
        if default is not None:
            spec['default'] = default
        if self.choices:
            spec['choices'] = list(self.choices)
        if self.aliases:
            spec['aliases'] = list(self.aliases)
        if self.secret:
            spec['no_log'] = True
        if self.env:
            spec['fallback'] = (env_fallback_unless_empty, [self.env])
        return spec


class ArgumentSpec:
    """An argument spec and the rules between its options (required_together), which travel together to
    AnsibleModule and to the controller's own validation."""

    def __init__(self, argument_spec: Optional[Dict[str, Dict[str, Any]]] = None,
                 required_together: Optional[Sequence[Sequence[str]]] = None) -> None:
        self.argument_spec = dict(argument_spec or {})
        self.required_together = [tuple(names) for names in required_together or ()]

    def merge(self, other: 'ArgumentSpec') -> 'ArgumentSpec':
        """This spec with another's options and rules added (the other's option wins a shared name)."""
        self.argument_spec.update(other.argument_spec)
        self.required_together.extend(other.required_together)
        return self

    def to_kwargs(self) -> Dict[str, Any]:
        """Keyword arguments for AnsibleModule."""
        return dict(argument_spec=self.argument_spec, required_together=self.required_together)


def argument_spec(options: Sequence[Option], entry_point: Optional[str] = None,
                  required_together: Optional[Sequence[Sequence[str]]] = None) -> ArgumentSpec:
    """An ArgumentSpec of `options` (Option declarations) as `entry_point` takes them."""
    return ArgumentSpec(dict((option.name, option.argument_spec(entry_point)) for option in options
                             if entry_point is None or entry_point in option.entry_points),
                        required_together)


CONNECTION_OPTIONS = (
    Option('license_key', secret=True, aliases=('customer_id', 'key'), env=LICENSE_KEY_ENV, description=[
        'The Melissa license key of the Cicero account.',
        'Sent as both the C(key) and the C(customer_id) query parameters, as the API documentation asks.',
        'If not set, the value of the E(MELISSA_LICENSE_KEY) environment variable is used.',
        'Never shown in results, messages or logs, in any spelling (plain or URL-encoded).',
        'Either this or O(username) and O(password) is required.']),
    Option('username', env=USERNAME_ENV, description=[
        "User name of an account that uses Cicero's older token authentication.",
        'A token is asked of C(POST /token/new.json), and asked again once if the API answers 403.',
        'If not set, the value of the E(MELISSA_CICERO_USERNAME) environment variable is used.',
        'Mutually exclusive with O(license_key); requires O(password).']),
    Option('password', secret=True, env=PASSWORD_ENV, description=[
        'Password for O(username).',
        'If not set, the value of the E(MELISSA_CICERO_PASSWORD) environment variable is used.']),
    Option('api_url', default=DEFAULT_API_URL, env=API_URL_ENV, description=[
        'Base URL of the Cicero API, with or without a trailing slash.',
        'If not set, the value of the E(MELISSA_CICERO_API_URL) environment variable is used, then the default.',
        'A plain C(http://) URL to a host other than the loopback gets a warning, since the credentials would '
        'travel in clear text.']),
    Option('format', default='json', choices=('json', 'xml'), description=[
        'Wire format to ask for. Both give the same result.',
        'V(xml) needs the C(xmltodict) Python library where the read runs.']),
    Option('timeout', kind='float', default=30.0, description=[
        'Seconds to wait for the connection and for each read; an attempt that is still receiving the answer this '
        'long after it was sent is cut off.',
        'One call takes at most (O(retries) + 1) x 2 x O(timeout) + O(retries) x 60 seconds in the worst case.']),
    Option('retries', kind='int', default=3, description=[
        'How many times to retry after a connection error, a timeout, or an HTTP 429, 502, 503 or 504 answer.',
        "Retries wait with capped exponential backoff and jitter (0.5 to 16 seconds), or as long as the server's "
        'C(Retry-After) header asks, up to 60 seconds. Other answers are not retried.']),
    Option('validate_certs', kind='bool', default=True, description=[
        "Whether to verify the server's TLS certificate. Only turn this off against a test server."]),
    Option('ca_path', kind='path', description=[
        'A PEM file of CA certificates to verify the server with, for example behind a TLS-inspecting proxy.',
        'Proxies are taken from the standard E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment '
        'variables.']),
)

# Not declared as mutually_exclusive: that would count an empty environment variable (MELISSA_LICENSE_KEY="")
# as set. _connection.check_connection_options() decides on non-empty values.
CONNECTION_REQUIRED_TOGETHER = (('username', 'password'),)

# The credits read's own option beside the connection ones (melissa_credits_info, the lookup, the gate, the watch).
CREDITS_OPTIONS = (
    Option('expiring_within_days', kind='int', default=30, description=[
        'Window for C(credits_expiring_soon) - batches that expire in fewer than this many whole days.']),
)


def connection_argument_spec(entry_point: Optional[str] = None) -> ArgumentSpec:
    """A fresh ArgumentSpec of the shared connection options and their rules."""
    return argument_spec(CONNECTION_OPTIONS, entry_point, CONNECTION_REQUIRED_TOGETHER)


def credits_argument_spec(entry_point: Optional[str] = None) -> ArgumentSpec:
    """A fresh ArgumentSpec of the connection options and the credits read's own."""
    return connection_argument_spec(entry_point).merge(argument_spec(CREDITS_OPTIONS, entry_point))
