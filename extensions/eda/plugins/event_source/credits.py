# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Event source melissa.cicero.credits: watch a Cicero account's credits from ansible-rulebook.

Documentation and `main` only; the watch is plugins/plugin_utils/_watch.py, which reads through the
modules' own client, parser, redactor and policy.
"""

import os
import sys

DOCUMENTATION = r'''
---
short_description: Watch the credits of a Melissa Cicero account between deploys
version_added: 1.1.0
author:
  - melissa.cicero maintainers (@melissa-cicero)
description:
  - Reads C(GET /account/credits_remaining) every O(interval) seconds, judges the figures with the policy of
    the C(melissa.cicero.assert_credits) gate, and puts an event whose one key, C(cicero_credits), holds
    the gate's verdict (the fact C(assert_credits_result)) plus C(status), C(read_at) and
    C(account).
  - C(status) is V(ok); V(warn) (the gate passes, but the counted credits are below O(warn_credits));
    V(low) (the gate fails on the figures); or V(error) (the read failed; C(message) is the module's own
    message, naming the HTTP status and the API's error text).
  - The forecast - the runway rules (O(min_runway_days), O(max_expiring_unused), O(warn_runway_days)) judge the
    pace O(burn_rate_from) names; by default the pace the account is actually spending, observed from the
    balances this source read in the last O(burn_window) seconds (only the falls count, a top-up is not
    negative spending). Fewer than two readings give an unknown pace, and the verdict says so. Every event
    carries C(observed_daily_burn) (credits a day, or null) and C(runs_out_at) (ISO 8601 UTC, null when nothing
    is spent), and C(daily_burn) and C(runway_days) at the pace chosen.
  - One request per read (plus the client's retries); the usage resource is read as well only when a runway
    rule is set and O(burn_rate_from) is V(usage) or V(both). Reads run in a thread, so a slow account never
    holds up ansible-rulebook or another source. The readings kept in memory are bounded by O(burn_window) -
    memory stays flat however long the source runs.
  - While reads keep failing, the next read comes after 60 seconds, then 120, 240 and so on, never later
    than O(interval); after a good read the pace is O(interval) again.
  - The license key, password and session token appear in no event and no log line, in any spelling.
  - Needs ansible-core, requests (and xmltodict for O(format=xml)) in the Python that runs ansible-rulebook.
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
      - A token is asked of C(POST /token/new.json), and asked again once if the API answers 403.
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
      - A plain C(http://) URL to a host other than the loopback gets a warning, since the credentials would travel
        in clear text.
    type: str
    default: https://app.cicerodata.com/v3.1
  format:
    description:
      - Wire format to ask for. Both give the same result.
      - V(xml) needs the C(xmltodict) Python library where the read runs.
    type: str
    choices: [json, xml]
    default: json
  timeout:
    description:
      - Seconds to wait for the connection and for each read; an attempt that is still receiving the answer this
        long after it was sent is cut off.
      - One call takes at most (O(retries) + 1) x 2 x O(timeout) + O(retries) x 60 seconds in the worst case.
    type: float
    default: 30
  retries:
    description:
      - How many times to retry after a connection error, a timeout, or an HTTP 429, 502, 503 or 504 answer.
      - Retries wait with capped exponential backoff and jitter (0.5 to 16 seconds), or as long as the server's
        C(Retry-After) header asks, up to 60 seconds. Other answers are not retried.
    type: int
    default: 3
  validate_certs:
    description: Whether to verify the server's TLS certificate. Only turn this off against a test server.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify the server with, for example behind a TLS-inspecting proxy.
      - Proxies are taken from the standard E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables.
    type: path
  expiring_within_days:
    description: Window for C(credits_expiring_soon) - batches that expire in fewer than this many whole days.
    type: int
    default: 30
  min_credits:
    description: The verdict is V(low) when the counted credits are below this.
    type: int
    default: 1
  warn_credits:
    description: The status is V(warn) when the counted credits are below this but the verdict passes. V(0) is off.
    type: int
    default: 0
  include_overdraft:
    description: Count the account's overdraft limit as headroom.
    type: bool
    default: false
  valid_for_days:
    description:
      - Count only credits in batches still valid this many days from now (batches without expiry count).
      - V(0) counts the whole balance.
    type: int
    default: 0
  expected_spend:
    description: Credits the coming work will spend; the verdict requires this plus O(margin_percent).
    type: float
    default: 0
  margin_percent:
    description: Safety margin added to O(expected_spend), in percent.
    type: float
    default: 0
  min_runway_days:
    description:
      - V(low) when the counted credits would run out sooner than this many days at the pace O(burn_rate_from)
        names. V(0) is off.
    type: int
    default: 0
  max_expiring_unused:
    description:
      - V(low) when more credits than this would expire before they can be spent at the pace O(burn_rate_from)
        names. Unset is off.
    type: int
  warn_runway_days:
    description:
      - V(warn) when the credits would run out sooner than this many days at the pace O(burn_rate_from) names, but
        the verdict passes. V(0) is off.
    type: int
    default: 0
    version_added: 2.0.0
  burn_rate_from:
    description:
      - The pace of the runway rules. V(observed) - the falls of the balance this source read over O(burn_window)
        (the usage resource is not read). V(usage) - the average daily spend of the last three full months of the
        usage resource. V(both) - the faster of the two, the cautious choice.
    type: str
    choices: [usage, observed, both]
    default: observed
    version_added: 2.0.0
  burn_window:
    description: Seconds of readings the observed pace looks back over. Must be greater than 0.
    type: float
    default: 86400
    version_added: 2.0.0
  account:
    description:
      - A free label copied into every event as C(account), so one rulebook can watch several accounts. Default is
        the host name of O(api_url).
    type: str
    version_added: 1.1.0
  state_path:
    description:
      - A file that keeps the readings of O(burn_window), so that a restarted activation keeps its pace. Written
        atomically, under a lock, with mode 0600; it holds times and balances, never a credential. A missing file
        starts a history; a corrupt or foreign one is a warning and a fresh start. Its folder must exist.
    type: path
    version_added: 2.0.0
  interval:
    description: Seconds between reads. Must be greater than 0.
    type: float
    default: 3600
  emit:
    description:
      - V(status) puts an event for the first read and for each read whose status differs from the previous one.
      - V(changes) also puts one when any figure changed.
      - V(every) puts one for every read.
    type: str
    choices: [status, changes, every]
    default: status
'''

EXAMPLES = r'''
- name: Watch the Cicero credits
  hosts: localhost
  sources:
    - melissa.cicero.credits:
        interval: 900
        min_credits: 1000
        warn_credits: 5000
        account: production
  rules:
    - name: Tell someone before the credits run out
      condition: event.cicero_credits.status in ["warn", "low", "error"]
      action:
        debug:
          msg: "{{ event.cicero_credits.account }}: {{ event.cicero_credits.message }}"
'''


def _importable_collection():
    """ansible-rulebook runs a source by its file path, where ansible_collections may not be importable:
    put the collections folder this file was installed into first on sys.path."""
    parts = os.path.abspath(__file__).split(os.sep)
    if len(parts) > 8 and parts[-8] == 'ansible_collections':
        root = os.sep.join(parts[:-8]) or os.sep
        if root not in sys.path:
            sys.path.insert(0, root)


_importable_collection()

# pylint: disable=wrong-import-position
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError  # noqa: E402
from ansible_collections.melissa.cicero.plugins.plugin_utils._watch import SOURCE, watch  # noqa: E402


class ArgumentError(ValueError):
    """A source argument that cannot be right; ansible-rulebook prints its message and stops the source."""


async def main(queue, args):
    """Put a cicero_credits event on `queue` as the emit argument says, every interval seconds."""
    try:
        await watch(queue, args)
    except CiceroOptionError as exc:
        # from None: the message says all; a chained traceback would only repeat it.
        raise ArgumentError('{0}: {1}'.format(SOURCE, exc.message)) from None


if __name__ == '__main__':
    # A run by hand, without ansible-rulebook: each event as a line of JSON, the settings from the environment
    # (MELISSA_LICENSE_KEY, MELISSA_CICERO_API_URL), one read at once and then every interval's default.
    import asyncio
    import json

    class PrintingQueue:
        async def put(self, event):
            print(json.dumps(event, sort_keys=True), flush=True)

    asyncio.run(main(PrintingQueue(), dict(emit='every')))
