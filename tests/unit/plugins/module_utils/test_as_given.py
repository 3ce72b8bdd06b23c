"""A number option's value named back the way its user wrote it, at the edges of what a float holds."""

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils._as_given import as_given


@pytest.mark.parametrize('value, shown', [
    # A number option holds the -5 its user wrote as -5.0: it is named -5, and a fraction unrounded.
    (-5.0, '-5'), (-5, '-5'), (0.0, '0'), (-2.5, '-2.5'), (-1e-05, '-1e-05'),
    # '{:g}' would show -1.23457e+06.
    (-1234567.0, '-1234567'), (-1234567.5, '-1234567.5'),
    # Below 2**53 a float holds every whole number; from there on it is named as Python writes the float.
    (-(2.0 ** 53 - 1), '-9007199254740991'), (-2.0 ** 53, '-9007199254740992.0'), (2.0 ** 53, '9007199254740992.0'),
    (-1e16, '-1e+16'), (-1e17, '-1e+17'), (-2 ** 60, '-1152921504606846976'),
])
def test_a_number_is_named_as_given(value, shown):
    assert as_given(value) == shown
