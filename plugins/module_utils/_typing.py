# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Names of the types the shared code passes around, for its annotations (mypy.ini; Python 3.8 syntax)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Callable, Dict, Tuple

# The validated options of an entry point (a module's params, the gate's, the watch's).
Params = Dict[str, Any]
# Names an option in the words of the entry point the user called: the option itself for a module, the lookup
# and the event source, the role's variable for the gate, the environment variable a value came from.
InCallersWords = Callable[[str], str]
# Data decoded from an answer of the API: JSON's or XML's values, whatever their shape.
Decoded = Any
# The controller's: a policy's values (plugin_utils/_gate_options.py POLICY_OPTIONS), the figures of a credits read
# (melissa_credits_info's result), one reading of the balance (seconds since the epoch, credits).
Policy = Dict[str, Any]
Figures = Dict[str, Any]
Reading = Tuple[float, float]
