# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Typed errors raised by the client and the parsers.

Nothing under module_utils calls fail_json: these errors travel up to the one place that turns them
into a module failure (_module_entry.py) or an AnsibleError. Every message is built already redacted.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any


class CiceroError(Exception):
    """Base class: the message is safe to show to a person."""

    def __init__(self, message: str, **details: Any) -> None:
        super(CiceroError, self).__init__(message)
        self.message = message
        # Extra keys for the module result (status, attempts, api_errors ...); never secrets.
        self.details = details


class CiceroOptionError(CiceroError):
    """An option value that the argument spec cannot reject by itself."""


class CiceroTransportError(CiceroError):
    """The request did not produce an answer: connection, TLS, timeout, oversized body.

    `retryable` is False for a fault that another attempt cannot heal (a certificate that does not verify).
    """

    def __init__(self, message: str, retryable: bool = True, **details: Any) -> None:
        super(CiceroTransportError, self).__init__(message, **details)
        self.retryable = retryable


class CiceroApiError(CiceroError):
    """The API answered with an error: an `errors` list, or a non-2xx status."""


class CiceroResponseError(CiceroError):
    """The answer could not be understood: malformed body or an unexpected shape."""
