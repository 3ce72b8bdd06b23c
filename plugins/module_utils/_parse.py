# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Turn a Cicero reply (JSON or XML) into its `results` and `messages`, or a typed error.

Melissa's published API description shows one XML spelling (wrapped lists, `None` for null, empty elements
for empty strings and lists); older servers and proxies may differ, so the XML side accepts every list
spelling listed in docs/api-notes.md and yields the same plain structures as the JSON side.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import TYPE_CHECKING, Any, Container, Dict, List, NoReturn, Optional, Tuple

import json
import re

from importlib.util import find_spec
from xml.parsers import expat

from ansible_collections.melissa.cicero.plugins.module_utils._api_text import API_TEXT_CHARS, api_text, api_texts
from ansible_collections.melissa.cicero.plugins.module_utils._api_address import DEFAULT_API_URL
from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroApiError, CiceroResponseError
from ansible_collections.melissa.cicero.plugins.module_utils._typing import Decoded

if TYPE_CHECKING:  # an answer is handed in: parsing never loads the HTTP client (nor requests)
    from ansible_collections.melissa.cicero.plugins.module_utils._client import Reply

# Looked up, not imported: a JSON call should not pay for importing an XML library (docs/performance.md).
HAS_XMLTODICT = find_spec('xmltodict') is not None
XMLTODICT_IMPORT_ERROR = None if HAS_XMLTODICT else 'No module named xmltodict'

# A tag of an HTML error page: [^<>], not [^>], so that a run of '<' is read in linear time.
_TAGS = re.compile(r'<[^<>]*>')
_SPACES = re.compile(r'\s+')
EXCERPT_CHARS = 200
EXCERPT_SOURCE_CHARS = 4 * API_TEXT_CHARS  # of a body, read for its excerpt
# Cicero's answers are three or four levels deep; anything far deeper is not an answer of the API, and would
# only cost the recursive walks below their stack.
MAX_DEPTH = 32


def parse_document(body: bytes, fmt: str) -> Decoded:
    """Bytes to plain data; raises ValueError with a short reason when the body is not `fmt`."""
    try:
        if fmt == 'json':
            document = json.loads(body.decode('utf-8'))
        else:
            # Imported here, not at the top: see HAS_XMLTODICT.
            import xmltodict  # pylint: disable=import-outside-toplevel
            # xml_attribs=False drops type="list" and friends; dict_constructor=dict keeps results plain.
            document = xmltodict.parse(body, xml_attribs=False, dict_constructor=dict, disable_entities=True,
                                       expat=_ExpatWithoutDtd)
    except RecursionError:
        raise ValueError('the document is nested more than {0} levels deep'.format(MAX_DEPTH)) from None
    if not _within_depth(document, MAX_DEPTH):
        raise ValueError('the document is nested more than {0} levels deep'.format(MAX_DEPTH))
    return document if fmt == 'json' else _as_json_values(document)


def _refuse_dtd(*dummy: Any) -> NoReturn:
    raise ValueError('the XML document declares a DTD or entities, which are refused')


class _ExpatWithoutDtd:
    """xmltodict's `expat` argument: expat parsers that refuse a DTD as the parser meets it, whatever the
    document's encoding (a byte search for <!DOCTYPE misses UTF-16), before any entity can be expanded
    ("billion laughs") or silently dropped."""

    @staticmethod
    def ParserCreate(*args: Any, **kwargs: Any) -> Any:  # noqa: N802  (the name xmltodict calls)
        parser = expat.ParserCreate(*args, **kwargs)
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
        return parser


def _within_depth(document: Decoded, limit: int) -> bool:
    """Whether no list or dict in `document` lies more than `limit` levels deep (walked without recursion)."""
    pending = [(document, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, (dict, list)):
            if depth >= limit:
                return False
            pending.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return True


# Melissa's XML writes a JSON null as the text None (its published examples, docs/api-notes.md).
_XML_NULL = 'None'


def _as_json_values(node: Decoded) -> Decoded:
    """Make XML values what the same answer in JSON holds: an empty element (<cost />, which xmltodict reads
    as None) is JSON's "" or [], and the text None is JSON's null."""
    if isinstance(node, dict):
        return dict((key, _as_json_values(value)) for key, value in node.items())
    if isinstance(node, list):
        return [_as_json_values(item) for item in node]
    if node is None:
        return ''
    return None if node == _XML_NULL else node


def find_response(document: Decoded, depth: int = 3) -> Optional[Dict[str, Any]]:
    """The envelope's `response` object, also when XML wraps it in another root element."""
    if not isinstance(document, dict) or depth < 0:
        return None
    response = document.get('response')
    if isinstance(response, dict):
        return response
    for value in document.values():
        found = find_response(value, depth - 1)
        if found is not None:
            return found
    return None


def text_list(value: Decoded) -> List[str]:
    """A list of strings from JSON's list, XML's container (<errors><error>..) or a repeated tag."""
    if value is None or value == '':
        return []
    if isinstance(value, list):
        return [text for item in value for text in text_list(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in text_list(item)]
    return [str(value)]


def object_list(value: Decoded, item_fields: Container[str]) -> List[Any]:
    """A list of objects from any of the list spellings; non-objects stay in place for the caller to name.

    XML gives {'batch': {...}} or {'batch': [...]} for a container (whatever the item tag, even one that
    is also a field name, like usage's <month>), and {'credits_remaining': ..., ...} for an item spelled
    as the repeated list tag. A lone key that is no field of `item_fields` is a container of scalars.
    """
    if value is None or value == '':
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if isinstance(inner, (dict, list)) or key not in item_fields:
            return object_list(inner, item_fields)
    return [value]


def decode_envelope(reply: 'Reply', fmt: str, expect: str = 'object') -> Tuple[Decoded, List[str]]:
    """Return (results, messages) of a reply, or raise CiceroApiError / CiceroResponseError.

    `expect` is 'object' (credits_remaining) or 'list' (usage, the one resource whose results are an
    array; XML may spell it any list way, so the caller reads it with object_list).
    """
    try:
        document = parse_document(reply.body, fmt)
    except Exception as exc:  # ValueError, UnicodeDecodeError, and expat's own ExpatError
        if not reply.ok:
            raise _http_failure(reply)
        raise CiceroResponseError(
            'Cicero API answer is not valid {0} (HTTP {1}, {2}): {3}'.format(
                fmt.upper(), reply.status, reply.content_type, api_text(exc, EXCERPT_CHARS)),
            status=reply.status)
    response = find_response(document)
    errors = api_texts(text_list(response.get('errors'))) if response else []
    if errors:
        # An errors list means failure whatever the status: clients have seen errors inside a 200.
        raise CiceroApiError(_wrong_base_url(reply, 'Cicero API error (HTTP {0}{1}): {2}'.format(
            reply.status, _attempts(reply), '; '.join(errors))), status=reply.status, api_errors=errors)
    if not reply.ok:
        raise _http_failure(reply)
    if response is None:
        raise CiceroResponseError('Cicero API answer has no "response" envelope (HTTP {0}, {1})'.format(
            reply.status, reply.content_type), status=reply.status)
    results = response.get('results')
    if results is None or (expect == 'object' and not isinstance(results, dict)):
        raise CiceroResponseError('Cicero API answer has no "results" {0} (HTTP {1}, {2})'.format(
            expect, reply.status, reply.content_type), status=reply.status)
    return results, api_texts(text_list(response.get('messages')))


def _http_failure(reply: 'Reply') -> CiceroApiError:
    message = 'Cicero API answered HTTP {0} {1}{2} ({3}): {4}'.format(
        reply.status, reply.reason, _attempts(reply), reply.content_type, excerpt(reply.body))
    return CiceroApiError(_wrong_base_url(reply, message), status=reply.status)


def _wrong_base_url(reply: 'Reply', message: str) -> str:
    """`message`, with the hint a 404 deserves: the resources read exist on every account, so the base URL, not the
    account, is wrong; also when the 404 carries an envelope of errors (an API gateway's JSON 404)."""
    if reply.status != 404:
        return message
    return '{0}{1} The base URL looks wrong: {2} does not exist; the API\'s base URL ends in /v3.1, like {3}'.format(
        message, '' if message.endswith('.') else '.', reply.url or 'the resource', DEFAULT_API_URL)


def _attempts(reply: 'Reply') -> str:
    return ' after {0} attempts'.format(reply.attempts) if reply.attempts > 1 else ''


def excerpt(body: bytes) -> str:
    """A short, single-line, tag-free excerpt of a body (HTML error pages from proxies)."""
    # Cut before any pattern runs: an error page's first lines say what it is, and a bound keeps this linear.
    head = body[:EXCERPT_SOURCE_CHARS]
    text = head.decode('utf-8', 'replace') if isinstance(head, bytes) else str(head)
    text = _SPACES.sub(' ', api_text(_TAGS.sub(' ', text), EXCERPT_SOURCE_CHARS)).strip()
    return api_text(text, EXCERPT_CHARS) or '(empty body)'
