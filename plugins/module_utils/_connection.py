# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection and authentication options' checks, the redactor of their secrets, and the client they make.

The options are declared in module_utils/_options.py (CONNECTION_OPTIONS), documented by the generated doc
fragment melissa.cicero._connection.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Callable, Container, List, Optional, Tuple, TypeVar

import os
import ssl

from urllib.parse import urlsplit

from ansible_collections.melissa.cicero.plugins.module_utils import _client, _parse
from ansible_collections.melissa.cicero.plugins.module_utils._api_address import DEFAULT_API_URL
from ansible_collections.melissa.cicero.plugins.module_utils._as_given import as_given
from ansible_collections.melissa.cicero.plugins.module_utils._client import CiceroClient
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroError, CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._options import (
    CONNECTION_OPTIONS, LICENSE_KEY_ENV, PASSWORD_ENV, USERNAME_ENV)
from ansible_collections.melissa.cicero.plugins.module_utils._redact import Redactor, userinfo_secrets
from ansible_collections.melissa.cicero.plugins.module_utils._typing import InCallersWords, Params

# The environment variable each option falls back to.
ENVIRONMENT_OF = dict((option.name, option.env) for option in CONNECTION_OPTIONS if option.env)
_LOOPBACK_HOSTS = ('localhost', '127.0.0.1', '::1')
# Any of the typed errors: redacted() hands back the error it was given.
CiceroErrorType = TypeVar('CiceroErrorType', bound=CiceroError)
# What a read hands back through call_api(): a module's result, the gate's verdict.
ReadResult = TypeVar('ReadResult')
# Where requests finds proxies; a proxy URL may carry a password in its userinfo.
PROXY_ENV = ('HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy')


def named_by_source(in_callers_words: InCallersWords, given: Container[str]) -> InCallersWords:
    """in_callers_words(option), except that an option the caller did not give, whose value came from its
    environment variable, is named as that variable: a wrong MELISSA_CICERO_API_URL is not reported as the api_url
    nobody wrote."""
    def spelled(option: str) -> str:
        variable = ENVIRONMENT_OF.get(option)
        if option not in given and variable and os.environ.get(variable):
            return variable
        return in_callers_words(option)
    return spelled


def missing_library(params: Params) -> Optional[Tuple[str, Optional[str]]]:
    """(name, import error) of a library this call needs but cannot import, or None."""
    if not _client.HAS_REQUESTS:
        return 'requests', _client.REQUESTS_IMPORT_ERROR
    if params['format'] == 'xml' and not _parse.HAS_XMLTODICT:
        return 'xmltodict', _parse.XMLTODICT_IMPORT_ERROR
    return None


def check_connection_options(params: Params, in_callers_words: InCallersWords = str) -> List[str]:
    """Reject what the argument spec cannot express; return warnings a person should see.

    in_callers_words(option) names an option in the words of the entry point the user called: a module, the lookup and
    the event source by its own name (str), the gate role by its variable (plugin_utils/_arguments.py).
    The error and the warnings quote the API URL with its userinfo password masked, as every message is.
    """
    redactor = credential_redactor(params)
    try:
        return [redactor(warning) for warning in _connection_problems(params, in_callers_words)]
    except CiceroOptionError as exc:
        raise redacted(exc, redactor)


def _connection_problems(params: Params, in_callers_words: InCallersWords) -> List[str]:
    if not params.get('license_key') and not params.get('username'):
        key = in_callers_words('license_key')
        raise CiceroOptionError(
            'No Cicero credentials: set {0}{1} or the {2} environment variable; token accounts set {3} and {4} '
            '(or {5} and {6}).'.format(key, ' (aliases customer_id, key)' if key == 'license_key' else '',
                                       LICENSE_KEY_ENV, in_callers_words('username'), in_callers_words('password'),
                                       USERNAME_ENV, PASSWORD_ENV))
    if params.get('license_key') and params.get('username'):
        raise CiceroOptionError('{0} and {1} are mutually exclusive: use the license key, or username and '
                                'password for token authentication, not both.'.format(
                                    in_callers_words('license_key'), in_callers_words('username')))
    if params['timeout'] <= 0:
        raise CiceroOptionError('{0} must be a number of seconds greater than 0, got {1}'.format(
            in_callers_words('timeout'), as_given(params['timeout'])))
    if params['retries'] < 0:
        raise CiceroOptionError('{0} must be 0 or more, got {1}'.format(in_callers_words('retries'), params['retries']))
    problem = ca_path_problem(params.get('ca_path')) if params['validate_certs'] else None
    if problem:
        raise CiceroOptionError('{0} {1}'.format(in_callers_words('ca_path'), problem))
    url = urlsplit(params['api_url'])
    if url.scheme not in ('http', 'https') or not url.hostname:
        raise CiceroOptionError(
            '{0} must be an absolute http:// or https:// URL such as {1}, got {2!r}'.format(
                in_callers_words('api_url'), DEFAULT_API_URL, params['api_url']))
    warnings = []
    if url.scheme == 'http' and url.hostname not in _LOOPBACK_HOSTS:
        warnings.append('{0} {1} is plain http: the credentials travel in clear text over the network.'.format(
            in_callers_words('api_url'), params['api_url']))
    if not params['validate_certs'] and url.scheme == 'https':
        warnings.append("{0} is false: the API's certificate is not verified, so anyone in the path can read the "
                        'credentials; give {1} instead when a private CA signs it.'.format(
                            in_callers_words('validate_certs'), in_callers_words('ca_path')))
    return warnings


def ca_path_problem(ca_path: Optional[str]) -> Optional[str]:
    """What makes ca_path unusable for verifying the API's certificate, or None: checked before any request,
    so that a wrong path is named as one rather than as a TLS failure (or, in requests, a traceback)."""
    if not ca_path:
        return None
    if os.path.isdir(ca_path):
        return None  # a folder of hashed certificates (c_rehash), as requests accepts: OpenSSL reads it lazily
    if not os.path.exists(ca_path):
        return '{0!r} does not exist; give the path of a PEM file of CA certificates'.format(ca_path)
    try:
        ssl.create_default_context(cafile=ca_path)
    except (IOError, OSError) as exc:
        if isinstance(exc, ssl.SSLError):
            return '{0!r} is not a bundle of PEM CA certificates ({1})'.format(ca_path, exc.reason or exc)
        return '{0!r} cannot be read: {1}'.format(ca_path, exc.strerror or exc)
    except ValueError as exc:
        return '{0!r} is not a bundle of PEM CA certificates ({1})'.format(ca_path, exc)
    return None


def credential_redactor(params: Params) -> Redactor:
    """A Redactor for the credentials in `params` and a password in the userinfo of the API URL or of a
    proxy URL from the environment; a session token joins it once issued."""
    secrets = [params.get('license_key'), params.get('password')]
    for url in [params.get('api_url')] + [os.environ.get(name) for name in PROXY_ENV]:
        secrets.extend(userinfo_secrets(url))
    return Redactor(secrets)


def call_api(params: Params, read: Callable[[CiceroClient, Params], ReadResult], warn: Callable[[str], Any],
             redactor: Redactor, in_callers_words: InCallersWords = str) -> ReadResult:
    """read(client, params) with checked options (named as in_callers_words says); warnings go to warn(text).

    Any CiceroError leaves with its message and details redacted, whoever catches it.
    """
    try:
        for warning in check_connection_options(params, in_callers_words):  # redacted there
            warn(warning)
        return read(client_from_params(params, redactor, in_callers_words), params)
    except CiceroError as exc:
        raise redacted(exc, redactor)


def redacted(exc: CiceroErrorType, redactor: Redactor) -> CiceroErrorType:
    """`exc` with its message and details masked by `redactor`, for whoever catches it next."""
    exc.message = redactor(exc.message)
    exc.details = redactor.data(exc.details)
    exc.args = (exc.message,)
    return exc


def client_from_params(params: Params, redactor: Redactor, in_callers_words: InCallersWords = str) -> CiceroClient:
    return CiceroClient(
        params['api_url'], fmt=params['format'], license_key=params.get('license_key'),
        username=params.get('username'), password=params.get('password'), timeout=params['timeout'],
        retries=params['retries'], validate_certs=params['validate_certs'], ca_path=params.get('ca_path'),
        redactor=redactor, in_callers_words=in_callers_words)
