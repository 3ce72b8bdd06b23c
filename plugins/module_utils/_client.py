# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HTTP access to the Cicero API: authentication, bounded retries, body cap and redaction.

The client returns raw replies (status, content type, bytes) and raises typed errors from _errors.py;
turning a body into figures is _parse.py's job. It never calls fail_json, so a lookup can use it too.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Callable, Dict, List, Optional

import json
import os
import random
import re
import time
import traceback
import warnings

from email.utils import parsedate_tz, mktime_tz

from urllib.parse import urlsplit

from ansible_collections.melissa.cicero.plugins.module_utils import _clock
from ansible_collections.melissa.cicero.plugins.module_utils._api_text import api_text, api_texts
from ansible_collections.melissa.cicero.plugins.module_utils._deadline import DeadlineAdapter
from ansible_collections.melissa.cicero.plugins.module_utils._errors import (
    CiceroApiError,
    CiceroResponseError,
    CiceroTransportError,
)
from ansible_collections.melissa.cicero.plugins.module_utils._redact import Redactor
from ansible_collections.melissa.cicero.plugins.module_utils._typing import InCallersWords
from ansible_collections.melissa.cicero.plugins.module_utils._version import USER_AGENT

try:
    import requests
    from urllib3.exceptions import InsecureRequestWarning
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR: Optional[str] = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

# Statuses worth another try: the request may succeed later. Other 4xx will not change by retrying.
RETRY_STATUSES = frozenset((429, 502, 503, 504))
RETRY_AFTER_CAP = 60.0      # seconds; a server asking for longer gets this much
BACKOFF_FIRST = 1.0         # seconds before the first retry, doubling after that ...
BACKOFF_CAP = 16.0          # ... up to this ceiling
MAX_BODY_BYTES = 10 * 1024 * 1024
_CHUNK_BYTES = 64 * 1024

# Exactly the values Melissa's API description enumerates: Accept is application/json or */* (nothing
# else, so XML is asked for with */* and format=xml), Content-Type application/json or application/xml.
MEDIA_TYPES = {
    'json': {'Accept': 'application/json', 'Content-Type': 'application/json'},
    'xml': {'Accept': '*/*', 'Content-Type': 'application/xml'},
}


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP-date), or None if absent or unreadable."""
    if value is None:
        return None
    value = str(value).strip()
    if value.isdigit():
        return float(value)
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    now = _clock.utc_now().timestamp() if now is None else now
    return max(0.0, mktime_tz(parsed) - now)


def backoff_delay(attempt: int, retry_after: Optional[str] = None, rand: Callable[[], float] = random.random,
                  now: Optional[float] = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based).

    A Retry-After the server sent wins, capped at RETRY_AFTER_CAP. Otherwise capped exponential backoff
    with "equal jitter": half the step is fixed, half random, so clients that failed together spread out.
    """
    asked = parse_retry_after(retry_after, now)
    if asked is not None:
        return min(asked, RETRY_AFTER_CAP)
    step = min(BACKOFF_CAP, BACKOFF_FIRST * (2 ** (attempt - 1)))
    return step / 2 + rand() * step / 2


def attempt_deadline(timeout: float) -> float:
    """Seconds one attempt may take in all, whatever the server does: the connection and the whole answer."""
    return 2 * timeout


def worst_case_seconds(timeout: float, retries: int) -> float:
    """Upper bound of one call with every attempt failing as slowly as it can (stated in the docs)."""
    return (retries + 1) * attempt_deadline(timeout) + retries * RETRY_AFTER_CAP


class Reply:
    """One HTTP answer, read in full (within MAX_BODY_BYTES)."""

    def __init__(self, status: int, reason: Optional[str], content_type: Optional[str], body: bytes,
                 retry_after: Optional[str] = None, attempts: int = 1, url: Optional[str] = None) -> None:
        self.url = url              # without its query string, which carries the credentials
        self.status = status
        # Both are the server's words: bounded and made safe like any text of the API.
        self.reason = api_text(reason or '', 100)
        self.content_type = api_text(content_type, 100) if content_type else 'no content type'
        self.body = body
        self.retry_after = retry_after
        self.attempts = attempts

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class CiceroClient:
    """Talks to one Cicero API base URL with one set of credentials."""

    def __init__(self, api_url: str, fmt: str = 'json', license_key: Optional[str] = None,
                 username: Optional[str] = None, password: Optional[str] = None, timeout: float = 30.0,
                 retries: int = 3, validate_certs: bool = True, ca_path: Optional[str] = None,
                 redactor: Optional[Redactor] = None, session: Optional['requests.Session'] = None,
                 sleep: Optional[Callable[[float], Any]] = None, in_callers_words: InCallersWords = str) -> None:
        self.api_url = api_url.rstrip('/')
        self.fmt = fmt
        self.timeout = timeout
        self.retries = retries
        self._license_key = license_key
        self._username = username
        self._password = password
        self._token: Optional[str] = None
        self._user: Optional[str] = None
        self.redact = redactor or Redactor()
        for secret in (license_key, password):
            self.redact.add(secret)
        self._verify = (ca_path or _environment_ca_bundle() or True) if validate_certs else False
        self._session = session or requests.Session()
        # Nothing from the environment but what is asked for below: trust_env would also send ~/.netrc's
        # credentials to the API host. Proxies are taken from the environment explicitly, per request.
        self._session.trust_env = False
        self._session.headers['User-Agent'] = USER_AGENT
        # Every request goes through this adapter (see _attempt), never through the session's own.
        self._adapter = DeadlineAdapter()
        self._sleep = sleep or _sleep
        self._in_callers_words = in_callers_words  # names an option in a hint, in the words of the entry point called

    # -- public ---------------------------------------------------------------------------------------

    def get(self, path: str) -> Reply:
        """GET `path` in the client's format, retried as documented; returns the last Reply."""
        params = {'format': self.fmt}
        headers = dict(MEDIA_TYPES[self.fmt])
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                reply = self._send('GET', path, params=dict(params, **self._auth_params()), headers=headers)
            except CiceroTransportError as exc:
                if not exc.retryable:
                    raise CiceroTransportError(exc.message, attempts=attempt)
                if attempt > self.retries:
                    raise CiceroTransportError(
                        '{0} (gave up after {1} attempt{2})'.format(exc.message, attempt, _plural(attempt)),
                        attempts=attempt)
                delay = backoff_delay(attempt)
            else:
                if reply.status == 403 and self._username and not refreshed:
                    # Cicero tokens expire at the end of the next UTC day: a 403 means "log in again, once".
                    refreshed = True
                    self._token = None
                    attempt -= 1
                    continue
                if reply.status not in RETRY_STATUSES or attempt > self.retries:
                    reply.attempts = attempt
                    return reply
                delay = backoff_delay(attempt, reply.retry_after)
            self._sleep(delay)

    # -- internals ------------------------------------------------------------------------------------

    def _auth_params(self) -> Dict[str, Optional[str]]:
        if self._license_key:
            # The portal marks customer_id required and documents key as its synonym: send both.
            return {'key': self._license_key, 'customer_id': self._license_key}
        if self._token is None:
            self._log_in()
        return {'user': self._user, 'token': self._token}

    def _log_in(self) -> None:
        reply = self._send('POST', '/token/new.json', headers={'Accept': 'application/json'},
                           data={'username': self._username, 'password': self._password})
        try:
            answer = json.loads(reply.body.decode('utf-8'))
        except ValueError:
            answer = None
        if not reply.ok or not isinstance(answer, dict) or not answer.get('success') or not answer.get('token'):
            raise CiceroApiError(self.redact(
                'Cicero token request (POST /token/new.json) failed with HTTP {0} {1}: {2}'.format(
                    reply.status, reply.reason, _token_failure_text(answer, reply))),
                status=reply.status)
        self._token = str(answer['token'])
        self._user = answer.get('user')
        self.redact.add(self._token)

    def _send(self, method: str, path: str, params: Optional[Dict[str, Any]] = None,
              data: Optional[Dict[str, Any]] = None, headers: Optional[Dict[str, str]] = None) -> Reply:
        url = self.api_url + path
        with self._adapter.attempt(attempt_deadline(self.timeout)) as deadline:
            try:
                reply = self._attempt(method, url, params, data, headers)
            except CiceroTransportError:
                if not deadline.passed:
                    raise
            else:
                # A reply cut short by the deadline may look whole (headers ended by the closed connection).
                if not deadline.passed:
                    return reply
            raise CiceroTransportError(
                'Cicero API did not answer within {0:g}s (the deadline of one attempt, twice the timeout of {1:g}s): '
                '{2}'.format(attempt_deadline(self.timeout), self.timeout, _without_query(url)))

    def _attempt(self, method: str, url: str, params: Optional[Dict[str, Any]], data: Optional[Dict[str, Any]],
                 headers: Optional[Dict[str, str]]) -> Reply:
        prepared = self._session.prepare_request(
            requests.Request(method, url, params=params, data=data, headers=headers))
        try:
            # Sent by the adapter, not the session: redirects are not followed (a redirect may lead to another
            # host or to plain http, carrying the credentials: the key in the query, the token login's password
            # in the body), and the session would read a redirect's whole body, past the size cap, even with
            # allow_redirects=False. A 3xx is an error naming where it pointed. No cookies are kept either.
            with warnings.catch_warnings():
                # validate_certs=false is warned about once, by the option check, in the caller's words; urllib3's
                # own InsecureRequestWarning would repeat it on every request, on stderr.
                warnings.simplefilter('ignore', InsecureRequestWarning)
                # The body is left unread (an adapter never reads it): _read_body reads it within the size cap.
                response = self._adapter.send(prepared, timeout=(self.timeout, self.timeout), verify=self._verify,
                                              proxies=requests.utils.get_environ_proxies(url))
        # `from None` throughout: the requests exception quotes the URL with the key, and a chained
        # exception would carry it into any traceback that prints the cause.
        except requests.exceptions.SSLError as exc:
            # Not retried: a certificate that fails now fails in two seconds too.
            if _WRONG_VERSION.search(str(exc)):
                raise CiceroTransportError(self.redact(
                    'Cicero API at {0} answered in plain HTTP, not TLS: the URL says https:// but the server '
                    'speaks http:// on that port; fix the scheme or the port of {1}'.format(
                        _without_query(url), self._in_callers_words('api_url'))), retryable=False) from None
            raise CiceroTransportError(self.redact(
                'Cicero API TLS verification failed for {0}: {1}. If a proxy or a private CA signs the '
                "API's certificate, give that CA's PEM bundle as {2}".format(
                    _without_query(url), _describe(exc), self._in_callers_words('ca_path'))), retryable=False) from None
        except requests.exceptions.Timeout as exc:
            raise self._transport_error('timed out after {0:g}s talking to'.format(self.timeout), url, exc) from None
        except requests.exceptions.RequestException as exc:
            raise self._transport_error('could not reach', url, exc) from None
        try:
            if 300 <= response.status_code < 400:
                raise self._redirect_error(method, url, response)
            body = self._read_body(response)
        finally:
            response.close()
        return Reply(response.status_code, response.reason, response.headers.get('Content-Type'), body,
                     retry_after=response.headers.get('Retry-After'), url=_without_query(url))

    def _read_body(self, response: 'requests.Response') -> bytes:
        declared = response.headers.get('Content-Length', '')
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise _too_large(response.status_code, declared + ' bytes declared')
        chunks: List[bytes] = []
        size = 0
        try:
            # A server that trickles is stopped by the attempt's deadline (_deadline.py), however it sends.
            for chunk in response.iter_content(_CHUNK_BYTES):
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise _too_large(response.status_code, 'more than {0} bytes sent'.format(MAX_BODY_BYTES))
                chunks.append(chunk)
        except requests.exceptions.RequestException as exc:
            raise self._transport_error('the answer broke off from', response.url, exc) from None
        return b''.join(chunks)

    def _redirect_error(self, method: str, url: str, response: 'requests.Response') -> CiceroApiError:
        target = urlsplit(response.headers.get('Location') or '')
        where = 'to host {0}'.format(api_text(target.hostname, 100)) if target.hostname else 'on the same host'
        return CiceroApiError(self.redact(
            'Cicero API answered {0} {1} with HTTP {2} {3}, a redirect {4} ({5}), which is not followed: the '
            'credentials would go with it. Set {6} to the address the API answers at'.format(
                method, _without_query(url), response.status_code, api_text(response.reason or '', 100), where,
                api_text(target.scheme or 'no scheme', 20), self._in_callers_words('api_url'))),
            status=response.status_code)

    def _transport_error(self, what: str, url: Any, exc: BaseException) -> CiceroTransportError:
        described = _describe(exc)
        hint = ''
        if str(url).startswith('http://') and _BROKEN_BY_TLS.search(described):
            # A TLS server met with plain HTTP resets the connection or answers with a TLS alert.
            hint = '. If the server speaks TLS on that port, {0} needs https://'.format(self._in_callers_words('api_url'))
        return CiceroTransportError(self.redact('Cicero API {0} {1}: {2}{3}'.format(
            what, _without_query(url), described, hint)))


# What a plain-HTTP request meets at a TLS port: a reset, a closed connection, or a TLS alert as the status line.
_BROKEN_BY_TLS = re.compile(r'ConnectionResetError|Connection reset|RemoteDisconnected|BadStatusLine|\\x15\\x03')

# What OpenSSL says when a TLS handshake meets a plain-HTTP answer.
_WRONG_VERSION = re.compile(r'WRONG_VERSION_NUMBER|wrong version number|record layer failure|http request',
                            re.IGNORECASE)


def _environment_ca_bundle() -> Optional[str]:
    """The CA bundle requests would take from the environment (with trust_env, which the client turns off)."""
    return os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or None


def _sleep(seconds: float) -> None:
    # time.sleep looked up when called, not bound at import, so that a test's patched time.sleep takes effect.
    time.sleep(seconds)


def _without_query(url: Any) -> str:
    return str(url).split('?', 1)[0]


def _describe(exc: Any) -> str:
    """The innermost reason of a requests exception, which is the part a person can act on."""
    reason = exc
    while getattr(reason, 'reason', None) is not None and reason.reason is not reason:
        reason = reason.reason
    for arg in getattr(exc, 'args', ()):
        if getattr(arg, 'reason', None) is not None:
            reason = arg.reason
    # The reason may quote what the server sent (a malformed header, a status line): it is the server's text.
    return api_text('{0}: {1}'.format(type(reason).__name__, reason))


def _too_large(status: int, how: str) -> CiceroResponseError:
    return CiceroResponseError(
        'Cicero API answer too large (HTTP {0}, {1}; the limit is {2} bytes)'.format(status, how, MAX_BODY_BYTES),
        status=status)


def _token_failure_text(answer: Any, reply: Reply) -> str:
    if isinstance(answer, dict):
        errors = answer.get('errors') or (answer.get('response') or {}).get('errors')
        if errors:
            return '; '.join(api_texts(errors if isinstance(errors, list) else [errors]))
        return 'the answer had no token'
    return 'the answer was not JSON ({0})'.format(reply.content_type)


def _plural(count: int) -> str:
    return '' if count == 1 else 's'
