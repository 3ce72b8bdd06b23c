"""API text made into data: bounded, one line, printable, never a template."""

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils._api_text import (
    API_TEXT_CHARS, API_TEXT_ITEMS, API_TEXT_TOTAL, api_text, api_texts)


@pytest.mark.parametrize('given, shown', [
    ('Invalid license key.', 'Invalid license key.'),
    # A line break would start a GitHub workflow command of its own; ESC sequences drive the terminal.
    ('bad\n::error title=forged::pwned', 'bad ::error title=forged::pwned'),
    ('bad\r\n::add-mask::x', 'bad  ::add-mask::x'),
    ('\x1b]0;owned\x07\x1b[2Jcleared', ' ]0;owned  [2Jcleared'),
    ('C1 \x85 next line \x9b CSI', 'C1   next line   CSI'),
    ('tab\there\u2028line\u2029para', 'tab here line para'),
    # Bidirectional overrides reorder what a reader sees; they are dropped, as are other format characters.
    ('credits \u202eevil\u202c \u2066isolate\u2069 \u200fmark', 'credits evil isolate mark'),
    # A lone surrogate cannot be encoded: printing it crashes. Non-characters are not XML.
    ('lone \ud800 surrogate \udfff', 'lone  surrogate '),
    ('non \ufffe\uffff char', 'non  char'),
    # Jinja's openers get a space inside: Ansible never renders API text as a template.
    ("{{ lookup('pipe', 'id') }}", "{ { lookup('pipe', 'id') }}"),
    ('{% for x in y %}{# c #}', '{ % for x in y %}{ # c #}'),
    ('{{{{', '{ { { {'),
    ('{ plain braces } {x}', '{ plain braces } {x}'),
    ('Ünïcödé, 日本語 and emoji \U0001F600 stay', 'Ünïcödé, 日本語 and emoji \U0001F600 stay'),
])
def test_api_text_is_one_printable_line_that_no_template_engine_reads(given, shown):
    assert api_text(given) == shown


def test_api_text_is_cut_to_its_bound_before_anything_else():
    assert api_text('x' * API_TEXT_CHARS) == 'x' * API_TEXT_CHARS
    assert api_text('x' * (API_TEXT_CHARS + 1)) == 'x' * API_TEXT_CHARS + '...'
    assert api_text('abcdef', 3) == 'abc...'
    # A template opener that the cut would complete is still broken.
    assert api_text('ab{{c', 4) == 'ab{ {...'
    assert api_text(12345) == '12345' and api_text(None) == 'None'


def test_api_texts_bounds_each_text_the_count_and_the_total():
    assert api_texts(['a\nb', 'c']) == ['a b', 'c']
    many = api_texts(['e'] * (API_TEXT_ITEMS + 5))
    assert many == ['e'] * API_TEXT_ITEMS + ['(5 more not shown)']
    long = api_texts(['x' * API_TEXT_CHARS] * 10)
    assert sum(len(text) for text in long[:-1]) <= API_TEXT_TOTAL + len('...') * len(long)
    assert long[-1] == '({0} more not shown)'.format(10 - len(long) + 1)
    assert len(long) - 1 == API_TEXT_TOTAL // API_TEXT_CHARS
    assert api_texts([]) == []


# -- what mutation testing found unproven (scripts/mutation.py) ----------------------------------------

def test_the_last_text_is_cut_to_what_is_left_of_the_total_and_nothing_follows_it():
    texts = api_texts(['x' * 300] * 8)
    # Six whole texts make 1,800 characters; the seventh gets the 200 left; the cut mark passes the total by
    # three, and the eighth is not shown at all.
    assert texts[:6] == ['x' * 300] * 6
    assert texts[6] == 'x' * 200 + '...'
    assert texts[7:] == ['(1 more not shown)']


def test_one_text_more_than_the_items_kept_is_said():
    assert api_texts(['e'] * 21)[-1] == '(1 more not shown)' and len(api_texts(['e'] * 21)) == 21


def test_the_documented_bounds():
    # docs/security-and-failures.md: 500 characters a text, 20 texts, 2,000 characters of errors together.
    assert (API_TEXT_CHARS, API_TEXT_ITEMS, API_TEXT_TOTAL) == (500, 20, 2000)


def test_a_small_total_is_spent_from_its_first_character():
    assert api_texts(['abc', 'def'], total=3) == ['abc', '(1 more not shown)']
