# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Keep credentials out of every text a person may see.

The license key rides in the query string, so requests quotes it (URL-encoded) in exception messages;
Ansible's no_log masks only the literal value. Redactor removes every form we know a secret takes.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Iterable, List, Match, Optional, Tuple

import re

from urllib.parse import quote, quote_plus, unquote

MASK = '********'

# Query parameters that carry credentials, whatever their value: a second line of defence for values
# we were never told about (a token the server just issued, a key typed differently).
_SECRET_PARAMS = re.compile(r'(?i)\b(key|customer_id|token|password)=[^&#\s\'"<>]+')


# The userinfo of a URL (https://user:password@host/): everything of the authority before its last @, as
# urlsplit() reads it, so that a password with an unencoded @ is masked whole. Linear on any text: the scheme is
# at most 32 characters (a longer one still matches its last 32), and the authority ends at the first / ? # or
# space, so no two attempts read the same characters more than a bounded number of times.
_URL_USERINFO = re.compile(r'(?i)([a-z][a-z0-9+.-]{0,31}://)([^\s/?#]*)@')


def _userinfo_parts(userinfo: str) -> Tuple[str, Optional[str]]:
    """(user, password or None) of a userinfo: the password follows the first colon."""
    user, colon, password = userinfo.partition(':')
    return user, (password if colon else None)


def userinfo_secrets(url: Optional[str]) -> List[str]:
    """The password of a URL's userinfo, plain and decoded (a lone user name that may be a token, too)."""
    match = _URL_USERINFO.search(str(url or ''))
    if not match:
        return []
    user, password = _userinfo_parts(match.group(2))
    secret = user if password is None else password
    return [secret, unquote(secret)] if secret else []


def secret_forms(secret: Optional[str]) -> List[str]:
    """Every spelling of `secret` that may end up in a URL or message, longest first."""
    if not secret:
        return []
    forms = set([secret, quote(secret, safe=''), quote_plus(secret), quote(secret)])
    return sorted(forms, key=len, reverse=True)


def _masked_userinfo(match: Match[str]) -> str:
    scheme, userinfo = match.groups()
    user, password = _userinfo_parts(userinfo)
    if password:
        return '{0}{1}:{2}@'.format(scheme, user, MASK)
    return '{0}{1}@'.format(scheme, MASK if user else '')


class Redactor:
    """Callable that masks a fixed set of secrets in any text."""

    def __init__(self, secrets: Iterable[Optional[str]] = ()) -> None:
        self._forms: List[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: Optional[str]) -> None:
        for form in secret_forms(secret):
            if form not in self._forms:
                self._forms.append(form)
        self._forms.sort(key=len, reverse=True)

    @property
    def forms(self) -> List[str]:
        return list(self._forms)

    def __call__(self, text: Any) -> Any:
        if text is None:
            return text
        text = str(text)
        for form in self._forms:
            text = text.replace(form, MASK)
        text = _URL_USERINFO.sub(_masked_userinfo, text)
        return _SECRET_PARAMS.sub(lambda match: match.group(1) + '=' + MASK, text)

    def data(self, value: Any) -> Any:
        """The same masking applied to every string inside lists and dicts."""
        if isinstance(value, dict):
            return dict((key, self.data(item)) for key, item in value.items())
        if isinstance(value, (list, tuple)):
            return [self.data(item) for item in value]
        return self(value) if isinstance(value, str) else value
