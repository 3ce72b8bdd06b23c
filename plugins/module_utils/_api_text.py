# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Text from the network made into data: bounded, one line, printable, never a template. Pure functions.

Every string the API (or anything in its path) sends passes through api_text() when it is decoded, before any
pattern runs on it and before it reaches a result, an event, a report or a terminal:
- cut to a bound first, so that nothing after it (redaction, regular expressions) sees more than a few KiB;
- control characters (C0 and C1: CR, LF, ESC ...) and other separators become a space, so no API text starts a
  line of its own (a GitHub workflow command such as ::add-mask::) or drives a terminal (escape sequences);
- format characters (bidirectional overrides that reorder what a reader sees), lone surrogates (which cannot
  be encoded, so printing them crashes) and non-characters (XML 1.0 forbids U+FFFE, U+FFFF) are dropped;
- a Jinja opening marker ({{, {%, {#) gets a space inside ({ {), so that Ansible never renders API text as a
  template: an event of the event source becomes the extra variables of the playbook a rulebook runs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, List, Sequence

import re
import unicodedata

API_TEXT_CHARS = 500        # one error, message, reason or field
API_TEXT_ITEMS = 20         # errors or messages kept of one answer
API_TEXT_TOTAL = 2000       # all the errors of one answer joined
CUT_MARK = '...'

_TEMPLATE_OPENER = re.compile(r'\{(?=[{%#])')


def api_text(value: Any, limit: int = API_TEXT_CHARS) -> str:
    """`value` as safe, single-line text of at most `limit` characters (plus CUT_MARK when cut)."""
    text = value if isinstance(value, str) else str(value)
    cut = len(text) > limit
    text = text[:limit]
    if not text.isprintable():
        text = ''.join(_shown_char(char) for char in text)
    if '{' in text:
        text = _TEMPLATE_OPENER.sub('{ ', text)
    return text + CUT_MARK if cut else text


def api_texts(values: Sequence[Any], limit: int = API_TEXT_CHARS, items: int = API_TEXT_ITEMS,
              total: int = API_TEXT_TOTAL) -> List[str]:
    """api_text() of each of at most `items` values, the whole list cut when it passes `total` characters."""
    kept, used = [], 0
    for value in values[:items]:
        if used >= total:
            break
        text = api_text(value, min(limit, total - used))
        kept.append(text)
        used += len(text)
    dropped = len(values) - len(kept)
    if dropped > 0:
        kept.append('({0} more not shown)'.format(dropped))
    return kept


def _shown_char(char: str) -> str:
    if char.isprintable():
        return char
    category = unicodedata.category(char)
    if category == 'Cc' or category[0] == 'Z':
        return ' '  # a line break or tab still separates words
    return ''  # Cf (bidirectional controls, zero width), Cs (lone surrogates), Co, Cn
