# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A number option's value named back to its user in a message, the way they wrote it.

A file of its own because every entry point names a wrong number: the modules' and lookup's timeout, the gate's
thresholds, the event source's interval. '{:g}' is not this: it rounds to six digits (-1234567 -> -1.23457e+06).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Union


def as_given(value: Union[int, float]) -> str:
    """-5 for the -5 a number option holds as -5.0, -2.5 and 1e-05 unrounded; from 2**53 on, where a float no
    longer holds every whole number, as Python writes the float (-1e+16)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return str(int(value))
    return str(value)
