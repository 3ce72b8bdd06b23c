# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # Mirrors connection_argument_spec() in plugins/module_utils/_connection.py.
    DOCUMENTATION = r'''
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
  username:
    description:
      - User name of an account that uses Cicero's older token authentication.
      - The module asks C(POST /token/new.json) for a token and logs in again once if the API answers 403.
      - If not set, the value of the E(MELISSA_CICERO_USERNAME) environment variable is used.
      - Mutually exclusive with O(license_key); requires O(password).
    type: str
  password:
    description:
      - Password for O(username).
      - If not set, the value of the E(MELISSA_CICERO_PASSWORD) environment variable is used.
    type: str
  api_url:
    description:
      - Base URL of the Cicero API, with or without a trailing slash.
      - If not set, the value of the E(MELISSA_CICERO_API_URL) environment variable is used, then the default.
      - A plain C(http://) URL to a host other than the loopback gets a warning, since the credentials
        would travel in clear text.
    type: str
    default: https://app.cicerodata.com/v3.1
  format:
    description:
      - Wire format to ask for. Both give the same result.
      - V(xml) needs the C(xmltodict) Python library on the host that runs the module.
    type: str
    choices: [json, xml]
    default: json
  timeout:
    description:
      - Seconds to wait for the connection and for each read; an attempt that is still receiving
        the answer this long after it was sent is cut off.
      - One call takes at most (O(retries) + 1) x 2 x O(timeout) + O(retries) x 60 seconds in the worst case.
    type: float
    default: 30
  retries:
    description:
      - How many times to retry after a connection error, a timeout, or an HTTP 429, 502, 503 or 504 answer.
      - Retries wait with capped exponential backoff and jitter (0.5 to 16 seconds), or as long as the
        server's C(Retry-After) header asks, up to 60 seconds. Other answers are not retried.
    type: int
    default: 3
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate. Only turn this off against a test server.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the server with, for example behind a TLS-inspecting proxy.
      - Proxies are taken from the standard E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables.
    type: path
requirements:
  - requests
  - xmltodict (only for O(format=xml))
notes:
  - The call is free and read-only, so it also runs in check mode.
'''
