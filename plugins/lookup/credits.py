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
  - Each option is read, first found first, from the lookup's keyword, a C(melissa_cicero_<option>) variable, its
    environment variable (the same as the module's), the C([melissa_cicero]) section of C(ansible.cfg) (but the key
    and the password), then its default - as other lookups read theirs. A value that cannot be right is refused
    naming where it came from, as is a setting of that section that is no option (or is the key or the password).
  - Errors raise an Ansible error with the module's messages; the key is redacted the same way.
  - Each templating calls the API; register the module's result instead where a play uses the figures often.
author:
  - melissa.cicero maintainers (@melissa-cicero)
requirements:
  - requests
  - xmltodict (only for O(format=xml))
options:
  license_key:
    description:
      - The Melissa license key of the Cicero account.
      - Sent as both the C(key) and the C(customer_id) query parameters, as the API documentation asks.
      - If not set, the value of the E(MELISSA_LICENSE_KEY) environment variable is used.
      - Never shown in results, messages or logs, in any spelling (plain or URL-encoded).
      - Either this or O(username) and O(password) is required.
    type: str
    aliases: [customer_id, key]
    env:
      - name: MELISSA_LICENSE_KEY
    vars:
      - name: melissa_cicero_license_key
  username:
    description:
      - User name of an account that uses Cicero's older token authentication.
      - A token is asked of C(POST /token/new.json), and asked again once if the API answers 403.
      - If not set, the value of the E(MELISSA_CICERO_USERNAME) environment variable is used.
      - Mutually exclusive with O(license_key); requires O(password).
    type: str
    env:
      - name: MELISSA_CICERO_USERNAME
    ini:
      - section: melissa_cicero
        key: username
    vars:
      - name: melissa_cicero_username
  password:
    description:
      - Password for O(username).
      - If not set, the value of the E(MELISSA_CICERO_PASSWORD) environment variable is used.
    type: str
    env:
      - name: MELISSA_CICERO_PASSWORD
    vars:
      - name: melissa_cicero_password
  api_url:
    description:
      - Base URL of the Cicero API, with or without a trailing slash.
      - If not set, the value of the E(MELISSA_CICERO_API_URL) environment variable is used, then the default.
      - A plain C(http://) URL to a host other than the loopback gets a warning, since the credentials would travel
        in clear text.
    type: str
    default: https://app.cicerodata.com/v3.1
    env:
      - name: MELISSA_CICERO_API_URL
    ini:
      - section: melissa_cicero
        key: api_url
    vars:
      - name: melissa_cicero_api_url
  format:
    description:
      - Wire format to ask for. Both give the same result.
      - V(xml) needs the C(xmltodict) Python library where the read runs.
    type: str
    choices: [json, xml]
    default: json
    ini:
      - section: melissa_cicero
        key: format
    vars:
      - name: melissa_cicero_format
  timeout:
    description:
      - Seconds to wait for the connection and for each read; an attempt that is still receiving the answer this
        long after it was sent is cut off.
      - One call takes at most (O(retries) + 1) x 2 x O(timeout) + O(retries) x 60 seconds in the worst case.
    type: float
    default: 30
    ini:
      - section: melissa_cicero
        key: timeout
    vars:
      - name: melissa_cicero_timeout
  retries:
    description:
      - How many times to retry after a connection error, a timeout, or an HTTP 429, 502, 503 or 504 answer.
      - Retries wait with capped exponential backoff and jitter (0.5 to 16 seconds), or as long as the server's
        C(Retry-After) header asks, up to 60 seconds. Other answers are not retried.
    type: int
    default: 3
    ini:
      - section: melissa_cicero
        key: retries
    vars:
      - name: melissa_cicero_retries
  validate_certs:
    description: Whether to verify the server's TLS certificate. Only turn this off against a test server.
    type: bool
    default: true
    ini:
      - section: melissa_cicero
        key: validate_certs
    vars:
      - name: melissa_cicero_validate_certs
  ca_path:
    description:
      - A PEM file of CA certificates to verify the server with, for example behind a TLS-inspecting proxy.
      - Proxies are taken from the standard E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables.
    type: path
    ini:
      - section: melissa_cicero
        key: ca_path
    vars:
      - name: melissa_cicero_ca_path
  expiring_within_days:
    description: Window for C(credits_expiring_soon) - batches that expire in fewer than this many whole days.
    type: int
    default: 30
    ini:
      - section: melissa_cicero
        key: expiring_within_days
    vars:
      - name: melissa_cicero_expiring_within_days
'''

EXAMPLES = r'''
- name: Stop early in a template-driven play
  ansible.builtin.fail:
    msg: Not enough Cicero credits
  when: lookup('melissa.cicero.credits').available_credits < 5000

- name: Figures in XML with a vaulted key
  ansible.builtin.debug:
    msg: "{{ lookup('melissa.cicero.credits', license_key=vault_cicero_key, format='xml').credit_balance }}"

- name: The options as variables, for every lookup of the play (or in ansible.cfg's [melissa_cicero] section)
  ansible.builtin.debug:
    msg: "{{ lookup('melissa.cicero.credits').credit_balance }}"
  vars:
    melissa_cicero_license_key: "{{ vault_cicero_key }}"
    melissa_cicero_timeout: 10
'''

RETURN = r'''
_raw:
  description: One dictionary, the result of M(melissa.cicero.melissa_credits_info) without C(changed).
  type: list
  elements: dict
'''

import configparser
import os

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.module_utils.basic import missing_required_lib
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.melissa.cicero.plugins.module_utils._connection import (
    ENVIRONMENT_OF, call_api, credential_redactor, missing_library)
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroError, CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._options import (
    LOOKUP, LOOKUP_INI_SECTION, LOOKUP_VARIABLE_PREFIX, credits_argument_spec)
from ansible_collections.melissa.cicero.plugins.module_utils._account_reads import read_credits
from ansible_collections.melissa.cicero.plugins.plugin_utils._arguments import unknown_name, validated

display = Display()
NAME = 'melissa.cicero.credits'


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        if terms:
            raise AnsibleLookupError(NAME + ' takes no terms, only keyword options')
        # The module's own argument spec validates every value, wherever it came from: same aliases, types,
        # environment fallbacks and defaults, declared once; a value of the wrong shape (true, '20%', null) is
        # named as the user gave it (the keyword, the variable, the environment variable or ansible.cfg's key).
        spec = credits_argument_spec(LOOKUP)
        try:
            validated(kwargs, spec, kind='option', connection=False)  # before Ansible's looser conversions
            args, in_callers_words = self._given(kwargs, variables or {}, spec)
            params, dummy = validated(args, spec, in_callers_words, kind='option', connection=False)
        except CiceroOptionError as exc:
            raise _lookup_error(exc) from None
        missing = missing_library(params)
        if missing:
            raise AnsibleLookupError(missing_required_lib(missing[0]))
        try:
            return [call_api(params, read_credits, display.warning, credential_redactor(params), in_callers_words)]
        except CiceroError as exc:
            raise _lookup_error(exc) from None

    def _given(self, kwargs, variables, spec):
        """(arguments, in_callers_words): each option's value as it was given, wherever Ansible's configuration found
        it first (keyword, melissa_cicero_* variable, environment, ansible.cfg), and in_callers_words(option) naming
        that place."""
        # What serves (no keyword wins over it) is checked as given first: Ansible's own conversion would read a
        # variable's `true` as the number 1, and ansible.cfg's `maybe` as a switch turned off.
        keywords = dict((alias, name) for name, option in spec.argument_spec.items()
                        for alias in [name] + option.get('aliases', []))
        given = set(keywords[keyword] for keyword in kwargs)
        given_variables = dict((name, self._templar.template(variables[LOOKUP_VARIABLE_PREFIX + name]))
                               for name in spec.argument_spec
                               if name not in given and LOOKUP_VARIABLE_PREFIX + name in variables)
        validated(given_variables, spec, lambda name: LOOKUP_VARIABLE_PREFIX + name, kind='variable',
                  connection=False)
        settings, in_settings = _ansible_cfg_settings(spec)
        validated(dict((name, value) for name, value in settings.items() if name not in given | set(given_variables)),
                  spec, in_settings, kind='setting', connection=False)
        # Every value that serves has passed the checks above, which refuse whatever Ansible's conversions would.
        # set_options() registers the options as any lookup does (get_option() works); the loop below asks
        # Ansible's configuration again, option by option, for what set_options() does not keep before
        # ansible-core 2.19: where each value came from. A few options, once a templating: not worth two code paths.
        self.set_options(var_options=variables, direct=kwargs)
        args, places = {}, {}
        for name in spec.argument_spec:
            # Where the value came from (self.get_option_and_origin() forgets the keywords before ansible-core 2.19)
            value, origin = C.config.get_config_value_and_origin(
                name, plugin_type='lookup', plugin_name=self._load_name, variables=variables, direct=kwargs)
            if origin == 'default':
                continue
            if origin == 'Direct':
                value = next(kwargs[alias] for alias in [name] + spec.argument_spec[name].get('aliases', [])
                             if alias in kwargs)
            elif origin.startswith('var: '):
                value, places[name] = given_variables[name], origin[len('var: '):]
            elif origin.startswith('env: '):
                places[name] = origin[len('env: '):]
                value = os.environ[places[name]]
            else:
                value, places[name] = settings[name], in_settings(name)
            args[name] = value

        def in_callers_words(name):
            return places.get(name, name)
        return args, in_callers_words


def _lookup_error(exc):
    """A wrong option names the lookup, whichever check found it (the argument spec, or the connection's checks
    of a timeout or an api_url); an API failure is the API's own words."""
    if isinstance(exc, CiceroOptionError):
        return AnsibleLookupError('{0}: {1}'.format(NAME, exc.message))
    return AnsibleLookupError(exc.message)


def _ansible_cfg_settings(spec):
    """({option: text} of the [melissa_cicero] section of the ansible.cfg in use, and the function naming a setting
    there); CiceroOptionError for a setting that is no option, and for the key or the password, which are never
    read from a file every user of the project can read."""
    path = C.CONFIG_FILE

    def in_settings(name):
        return '{0} in the [{1}] section of {2}'.format(name, LOOKUP_INI_SECTION, path)
    if not path:
        return {}, in_settings
    # Read as Ansible reads it (ansible.config.manager), for the texts as written.
    parser = configparser.ConfigParser(inline_comment_prefixes=(';',))
    try:
        parser.read(path)
        settings = dict(parser.items(LOOKUP_INI_SECTION)) if parser.has_section(LOOKUP_INI_SECTION) else {}
    except configparser.Error as exc:
        raise CiceroOptionError('{0} cannot be read: {1}'.format(path, exc)) from None
    readable = set(name for name, option in spec.argument_spec.items() if not option.get('no_log'))
    for name in sorted(settings):
        if name in spec.argument_spec and name not in readable:
            raise CiceroOptionError('{0} is never read from ansible.cfg: give it in the environment ({1}), a vaulted '
                                    '{2}{3} variable or the keyword'.format(
                                        in_settings(name), ENVIRONMENT_OF[name],
                                        LOOKUP_VARIABLE_PREFIX, name))
        if name not in readable:
            raise CiceroOptionError('[{0}] section of {1}: {2}'.format(
                LOOKUP_INI_SECTION, path, unknown_name(name, readable, 'setting')))
    return settings, in_settings
