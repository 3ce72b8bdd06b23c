# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The gate's verdict as a typed value: built by plugin_utils/_policy.py alone (evaluate(), unreadable(),
misconfigured()), read by field by the reports, the GitHub outputs, the watch and the action, and published
(the action's result, assert_credits_result, the JSON report, the watch's events) as to_dict()."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import dataclasses

from typing import Any, Dict, Optional, Union


@dataclasses.dataclass(frozen=True)
class Verdict:
    """Whether the account can pay for the coming work, why, and the figures the decision used."""

    passed: bool
    message: str
    warning: Optional[str]
    counted_credits: Optional[Union[int, float]]
    required_credits: int
    shortfall: Optional[Union[int, float]]
    counted_from: Optional[str]
    daily_burn: Optional[float]
    runway_days: Optional[float]
    expiring_unused: Optional[int]
    usage_period: Optional[str]
    burn_rate_from: str
    observed_daily_burn: Optional[float]
    runs_out_at: Optional[str]
    not_judged: Optional[str]
    policy: Dict[str, Any]
    figures: Optional[Dict[str, Any]]

    @property
    def read(self) -> bool:
        """Whether the figures could be read (a failed read, or a setting that kept it from reading, has none)."""
        return self.figures is not None

    @property
    def warned(self) -> bool:
        """Whether the gate passed with a warning."""
        return bool(self.passed and self.warning)

    def replaced(self, **changes: Any) -> 'Verdict':
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> Dict[str, Any]:
        """The verdict as published: every field, the policy and the figures copied."""
        # Not dataclasses.asdict(): its deep copy of every leaf costs the watch a third of a millisecond a read, and
        # every value here is JSON data, whose dictionaries and lists are all a copy needs to take.
        return dict((field.name, _copied(getattr(self, field.name))) for field in dataclasses.fields(self))


def _copied(value: Any) -> Any:
    """JSON data (dictionaries, lists and immutable leaves) copied to its last dictionary and list."""
    if isinstance(value, dict):
        return dict((key, _copied(item)) for key, item in value.items())
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value
