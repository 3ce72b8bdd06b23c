"""Named account states and faults of the Cicero simulator, and how each is answered.

Stdlib only. Answers are written as Melissa's published examples are (docs/api-notes.md): `created` as
`2023-11-10 16:51:17.116718 Z`, `expiration_time` as a date alone (`2028-02-08`, read as its midnight UTC),
XML without a declaration and with lists wrapped as `<usable_batches><usable_batch>`. Dates are relative to
the moment of the request, so expiry figures stay meaningful on any day: a batch "expiring in 20.5 days"
expires at the midnight 21 days ahead and always reports expires_in_days 20.
"""

import json
import math
import os
import time
from datetime import datetime, timedelta, timezone

OVERDRAFT_MESSAGE = 'This account has reached its overdraft limit. Please purchase more credits.'
BAD_REQUEST_MESSAGE = 'A detailed message about the error.'
HTML_502 = (b'<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1>'
            b'</center><hr><center>nginx</center></body></html>\n')
XML_SHAPES = ('container', 'list_item', 'repeated', 'wrapped')
# Item elements of wrapped lists, as Melissa's examples name them (the usage resource is not in its
# description: its names are ours).
_SINGULAR = {'usable_batches': 'usable_batch', 'errors': 'error', 'messages': 'message', 'results': 'month',
             'activity_types': 'activity_type'}
CREATED_FORMAT = '%Y-%m-%d %H:%M:%S.%f Z'       # Melissa's published example: 2023-11-10 16:51:17.116718 Z
EXPIRATION_FORMAT = '%Y-%m-%d'                  # and 2028-02-08


def batch(purchased, remaining, created_days_ago, expires_in_days, cost, discount):
    created = None if created_days_ago is None else -created_days_ago
    return {'credits_purchased': purchased, 'credits_remaining': remaining, 'created': created,
            'expiration_time': expires_in_days, 'cost': cost, 'discount': discount}


# Accounts: (credit_balance, overdraft_limit, batches). Batch dates are day offsets from now.
ACCOUNTS = {
    'healthy': (12500, 500, [
        batch(10000, 10000, 65, 300.5, '298.00', '0.00'),
        batch(5000, 2000, 345, 20.5, '149.00', '10.00'),
        batch(1000, 500, 80, 10.5, '', ''),
    ]),
    'low_balance': (150, 0, [batch(1000, 150, 30, 200.5, '29.00', '0.00')]),
    'expiring_soon': (8000, 0, [
        batch(10000, 6000, 360, 5.5, '298.00', '0.00'),
        batch(2000, 2000, 20, 345.5, '59.00', '0.00'),
    ]),
    'overdrawn': (-200, 1000, [batch(1000, 0, 100, 265.5, '29.00', '0.00')]),
    'empty': (0, 0, []),
    # A batch with JSON nulls where strings and dates stand; Melissa's XML writes them as the text None.
    'nulls': (3000, 0, [
        batch(2000, 2000, 10, 100.5, '59.00', '0.00'),
        batch(1000, 1000, None, None, None, None),
    ]),
}
for _same in ('numeric_strings', 'slow', 'idle', 'heavy_usage', 'usage_unavailable'):
    ACCOUNTS[_same] = ACCOUNTS['healthy']
# A healthy account at a pace so slow that its run-out date lies past the year 9999: 10,000,000 credits, one
# credit a month of usage.
ACCOUNTS['tiny_pace'] = (10000000, 0, [batch(10000000, 10000000, 30, 3000.5, '9000.00', '0.00')])

# Monthly usage: (calls, {activity type: credits}) for every full month; 'idle' has none.
USAGE = {'heavy_usage': (31500, {'legislative_district': 21000, 'official': 10000}), 'tiny_pace': (1, {'official': 1})}
DEFAULT_USAGE = (3200, {'legislative_district': 2100, 'official': 1000})


def results_for(name, now, account=None):
    balance, overdraft, batches = account or ACCOUNTS[name]
    rendered = []
    for item in batches:
        item = dict(item)
        if item['created'] is not None:
            item['created'] = (now + timedelta(days=item['created'])).strftime(CREATED_FORMAT)
        if item['expiration_time'] is not None:
            # A date alone: the midnight ceil(offset) days ahead, which is floor(offset) whole days away.
            item['expiration_time'] = (now.date() + timedelta(days=math.ceil(item['expiration_time']))).strftime(
                EXPIRATION_FORMAT)
        rendered.append(item)
    results = {'credit_balance': balance, 'overdraft_limit': overdraft, 'usable_batches': rendered}
    if name == 'numeric_strings':
        results = _numbers_as_strings(results)
    return results


def _numbers_as_strings(value):
    if isinstance(value, dict):
        return {key: _numbers_as_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers_as_strings(item) for item in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def envelope(results=None, errors=(), messages=()):
    return {'response': {'errors': list(errors), 'messages': list(messages),
                         'results': {} if results is None else results}}


# -- rendering ---------------------------------------------------------------------------------------

def render(document, fmt, shape='container'):
    """(content type, bytes) of an envelope in the requested format and XML shape."""
    if fmt == 'json':
        return 'application/json', json.dumps(document).encode()
    response = _xml('response', document['response'], shape)
    if shape == 'wrapped':
        # Another server's way: a declaration and an outer root around <response>.
        response = '<?xml version="1.0" encoding="UTF-8"?>\n<cicero>' + response + '</cicero>'
    return 'application/xml', response.encode()


def _xml(tag, value, shape):
    if isinstance(value, dict):
        if not value:
            return '<{0} />'.format(tag)
        return '<{0}>{1}</{0}>'.format(tag, ''.join(_xml(key, item, shape) for key, item in value.items()))
    if isinstance(value, list):
        if not value:
            return '<{0} />'.format(tag)
        if shape == 'repeated':
            return ''.join(_xml(tag, item, shape) for item in value)
        if shape == 'list_item':
            return '<{0} type="list">{1}</{0}>'.format(tag, ''.join(_xml('list-item', item, shape) for item in value))
        item_tag = _SINGULAR.get(tag, 'item')
        return '<{0}>{1}</{0}>'.format(tag, ''.join(_xml(item_tag, item, shape) for item in value))
    # Melissa's conventions (its published examples): null is the text None, an empty string a
    # self-closing element, booleans True / False.
    if value is None:
        return '<{0}>None</{0}>'.format(tag)
    if value == '':
        return '<{0} />'.format(tag)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and shape == 'list_item':
        return '<{0} type="integer">{1}</{0}>'.format(tag, value)
    text = str(value).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    return '<{0}>{1}</{0}>'.format(tag, text)


# -- answers -----------------------------------------------------------------------------------------

class Answer:
    def __init__(self, status, content_type, body, headers=None, delay=0.0, trickle=0.0, header_trickle=0.0):
        self.status = status
        self.content_type = content_type
        self.body = body
        self.headers = headers or {}
        self.delay = delay          # seconds before answering
        self.trickle = trickle      # seconds between body bytes
        self.header_trickle = header_trickle  # seconds between header bytes, for ever: no answer ever ends


def error_answer(status, fmt, shape, *errors):
    content_type, body = render(envelope(errors=errors), fmt, shape)
    return Answer(status, content_type, body)


def _ok(document, fmt, shape):
    return Answer(200, *render(document, fmt, shape))


def first_time(state, key):
    """True for the first request of a scenario since the simulator started."""
    state[key] = state.get(key, 0) + 1
    return state[key] == 1


def _http_date(seconds_from_now):
    moment = datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now)
    return moment.strftime('%a, %d %b %Y %H:%M:%S GMT')


def _bomb():
    entities = '<!ENTITY a0 "lol">' + ''.join(
        '<!ENTITY a{0} "{1}">'.format(level, '&a{0};'.format(level - 1) * 10) for level in range(1, 10))
    return ('<?xml version="1.0"?><!DOCTYPE response [' + entities + ']><response><results>'
            '<credit_balance>&a9;</credit_balance></results></response>').encode()


# What a hostile or broken API (or anything in its path) may answer: each must stay data, and none may crash the
# gate or end a watch (docs/security-and-failures.md).
TEMPLATE_ERROR = "{{ lookup('pipe', 'echo INJECTED-$((6*7))') }}"
CONTROL_ERROR = ('Invalid key.\n::error title=Forged::forged annotation\r\n::add-mask::masked\x1b]0;owned title\x07'
                 '\x1b[2Jcleared \u202eesrever')
LONG_ERROR = 'a-' * 50000  # 100 KB, word boundaries all along it: quadratic for a careless pattern
REDIRECT_TARGET = 'http://127.0.0.1:9/elsewhere/v3.1/account/credits_remaining'


def _deep(fmt):
    if fmt == 'json':
        return Answer(200, 'application/json', b'{"response": {"errors": [], "messages": [], "results": '
                      + b'[' * 500 + b']' * 500 + b'}}')
    return Answer(200, 'application/xml', b'<response><results>' + b'<a>' * 500 + b'</a>' * 500 + b'</results></response>')


FAULTS = {
    'bad_request': lambda fmt, shape, state: error_answer(400, fmt, shape, BAD_REQUEST_MESSAGE),
    'error_in_200': lambda fmt, shape, state: error_answer(200, fmt, shape, OVERDRAFT_MESSAGE),
    'unauthorized': lambda fmt, shape, state: error_answer(401, fmt, shape, 'Invalid license key.'),
    'html_502': lambda fmt, shape, state: Answer(502, 'text/html', HTML_502),
    'unavailable': lambda fmt, shape, state: Answer(503, 'text/html', b'<h1>503 Service Unavailable</h1>'),
    'huge': lambda fmt, shape, state: Answer(200, 'application/json', b' ' * (11 * 1024 * 1024)),
    'malformed': lambda fmt, shape, state: Answer(
        200, 'application/' + fmt, b'{"response": {"results": {' if fmt == 'json' else b'<response><results>'),
    'xml_bomb': lambda fmt, shape, state: Answer(200, 'application/xml', _bomb()),
    'missing_results': lambda fmt, shape, state: _ok({'response': {'errors': [], 'messages': []}}, fmt, shape),
    'bad_batch': lambda fmt, shape, state: _ok(
        envelope({'credit_balance': 1, 'overdraft_limit': 0, 'usable_batches': ['oops']}), fmt, shape),
    'bad_number': lambda fmt, shape, state: _ok(
        envelope({'credit_balance': 'twelve', 'overdraft_limit': 0, 'usable_batches': []}), fmt, shape),
    'template_error': lambda fmt, shape, state: error_answer(400, fmt, shape, TEMPLATE_ERROR),
    'control_error': lambda fmt, shape, state: error_answer(400, 'json', shape, CONTROL_ERROR),
    'long_error': lambda fmt, shape, state: error_answer(400, fmt, shape, LONG_ERROR),
    'lone_surrogate': lambda fmt, shape, state: Answer(
        400, 'application/json', b'{"response": {"errors": ["bad \\ud800 key"], "messages": [], "results": {}}}'),
    'deep_nesting': lambda fmt, shape, state: _deep(fmt),
    'long_number': lambda fmt, shape, state: _ok(
        envelope({'credit_balance': '9' * 5000, 'overdraft_limit': 0, 'usable_batches': []}), fmt, shape),
    'redirect': lambda fmt, shape, state: Answer(302, 'text/html', b'<a>moved</a>', {'Location': REDIRECT_TARGET}),
    'slow_headers': lambda fmt, shape, state: Answer(200, 'application/json', b'{}', header_trickle=0.05),
}
# Faults that pass once or go slow, then answer like the healthy account.
TRANSIENT = {
    'flaky': lambda state: Answer(503, 'text/html', b'<h1>503 Service Unavailable</h1>')
    if first_time(state, 'flaky') else None,
    'rate_limited': lambda state: Answer(429, 'application/json', b'{}', {'Retry-After': '1'})
    if first_time(state, 'rate_limited') else None,
    'rate_limited_date': lambda state: Answer(429, 'application/json', b'{}', {'Retry-After': _http_date(1)})
    if first_time(state, 'rate_limited_date') else None,
}
# Accounts that change between reads, for watches (the event source): each credits_remaining request is
# the next step, the last step repeats. `falling` spends its balance (ok, warn, low for min 1,000 and
# warn 5,000); `outage` answers its 2nd and 3rd requests with a proxy's HTML 502, then recovers.
FALLING_BALANCES = (12500, 4000, 800)
OUTAGE_REQUESTS = (2, 3)


def _step(state, name):
    state[name] = state.get(name, 0) + 1
    return state[name]


def _falling(step):
    balance = FALLING_BALANCES[min(step, len(FALLING_BALANCES)) - 1]
    return (balance, 0, [batch(15000, balance, 30, 200.5, '298.00', '0.00')])


# Accounts whose balance follows the clock (seconds since the simulator started or was reset), for the
# observed pace: `draining` spends DRAIN_PER_SECOND credits a second (17,280,000 a day: 10,000,000 credits last
# 0.58 days, far above any min_credits); `topped_up` spends the same and is bought TOP_UP credits TOP_UP_AFTER
# seconds in; `idle` (above) never changes.
DRAIN_START = 10000000
DRAIN_PER_SECOND = 200
TOP_UP = 5000000
TOP_UP_AFTER = 3.0


def _draining(state, topped_up=False):
    started = state.setdefault('clock_started', time.time())
    elapsed = time.time() - started
    balance = int(DRAIN_START - DRAIN_PER_SECOND * elapsed) + (TOP_UP if topped_up and elapsed >= TOP_UP_AFTER else 0)
    return (balance, 0, [batch(30000000, balance, 10, 300.5, '2980.00', '0.00')])


# Melissa's own examples from its published API description, served byte for byte (published/README.md).
PUBLISHED = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'published')
PUBLISHED_ANSWERS = {'published': (200, 'credits_remaining'), 'published_error': (400, 'error_400')}


def published_answer(name, fmt):
    status, stem = PUBLISHED_ANSWERS[name]
    with open(os.path.join(PUBLISHED, '{0}.{1}'.format(stem, fmt)), 'rb') as handle:
        return Answer(status, 'application/' + fmt, handle.read())


def key_echo_answer(fmt, shape, credential, raw_query):
    """A 401 that repeats the credential it was given, plainly in the error text and URL-encoded in a header,
    as a real API error (or a proxy in front of it) can: the leak tests prove that none of it is shown."""
    answer = error_answer(401, fmt, shape, 'Invalid license key or token: {0}'.format(credential))
    answer.headers['X-Cicero-Request'] = '/v3.1/account/credits_remaining?' + raw_query
    return answer


SCENARIOS = sorted(set(ACCOUNTS) | set(FAULTS) | set(TRANSIENT) | set(PUBLISHED_ANSWERS)
                   | {'trickle', 'token_expired', 'falling', 'outage', 'key_echo', 'draining', 'topped_up'})


def usage_results(name, first, last, today):
    """Usage months from `first` to `last` ((year, month) pairs), none after the month before `today`."""
    if name == 'idle':
        return []
    calls, credits = USAGE.get(name, DEFAULT_USAGE)
    months = []
    year, month = first
    while (year, month) <= last and (year, month) < (today.year, today.month):
        months.append({'year': year, 'month': month, 'count': calls, 'credits_used': sum(credits.values()),
                       'activity_types': [{'type': kind, 'count': used, 'credits_used': used}
                                          for kind, used in credits.items()]})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return _numbers_as_strings(months) if name == 'numeric_strings' else months


def usage_answer(name, fmt, shape, state, periods):
    """The answer of scenario `name` to GET /account/usage/<periods>, or None for a malformed period."""
    if name in FAULTS:
        return FAULTS[name](fmt, shape, state)
    if name == 'usage_unavailable':
        return error_answer(400, fmt, shape, 'Usage is not available for this account.')
    spans = []
    for text in periods:
        parts = text.split('-')
        if len(parts) > 2 or not all(part.isdigit() for part in parts):
            return None
        year = int(parts[0])
        spans.append(((year, int(parts[1])), (year, int(parts[1]))) if len(parts) == 2 else ((year, 1), (year, 12)))
    first, last = spans[0][0], spans[-1][1]
    if first > last:
        return error_answer(400, fmt, shape, 'The start of the range must come before its end.')
    today = datetime.now(timezone.utc)
    return _ok(envelope(usage_results(name, first, last, today)), fmt, shape)


def credits_answer(name, fmt, shape, state, slow_seconds=5.0):
    """The answer of scenario `name` to GET /account/credits_remaining."""
    if name in PUBLISHED_ANSWERS:
        return published_answer(name, fmt)
    if name in FAULTS:
        return FAULTS[name](fmt, shape, state)
    if name in TRANSIENT:
        answer = TRANSIENT[name](state)
        if answer is not None:
            return answer
        name = 'healthy'
    changing = None
    if name == 'falling':
        changing = _falling(_step(state, 'falling'))
    elif name in ('draining', 'topped_up'):
        changing = _draining(state, topped_up=name == 'topped_up')
    elif name == 'outage' and _step(state, 'outage') in OUTAGE_REQUESTS:
        return Answer(502, 'text/html', HTML_502)
    account = name if name in ACCOUNTS else 'healthy'
    content_type, body = render(envelope(results_for(account, _this_hour(), changing)), fmt, shape)
    if name == 'slow':
        return Answer(200, content_type, body, delay=slow_seconds)
    if name == 'trickle':
        return Answer(200, content_type, body, trickle=0.05)
    return Answer(200, content_type, body)


def _this_hour():
    # Whole hours keep the dates identical across the requests of one test (JSON against XML), and the
    # half-day offsets keep expires_in_days stable whatever the minute.
    return datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
