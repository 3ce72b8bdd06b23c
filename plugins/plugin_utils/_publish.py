# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The verdict where people and CI read it: the reports a task asks for and, in GitHub Actions, the job summary,
step outputs and annotations. Controller-side; the credits_verdict action calls it.

The reports, GitHub and file code is imported where it is used, only when a task asks for one: Ansible compiles a
collection's Python from source on every run, and a gate that asks for none does not pay for it (docs/performance.md,
B1).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Callable, Dict, List, Mapping, Tuple

import os

from datetime import datetime

from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._typing import InCallersWords
from ansible_collections.melissa.cicero.plugins.plugin_utils._verdict import Verdict

# pylint: disable=import-outside-toplevel


def in_github_actions(environ: Mapping[str, str]) -> bool:
    return environ.get('GITHUB_ACTIONS') == 'true'


def requested_reports(reports: Mapping[str, Any], report_path: str,
                      in_callers_words: InCallersWords = str) -> List[Tuple[str, str]]:
    """[(format, path)] of the reports option plus report_path (a JSON report); unknown formats refused."""
    if not reports and not report_path:
        return []
    from ansible_collections.melissa.cicero.plugins.plugin_utils._reports import FORMATS, unknown_formats
    unknown = unknown_formats(reports)
    if unknown:
        raise CiceroOptionError('{0}: unknown format {1}; the formats are {2}'.format(
            in_callers_words('reports'), ', '.join(unknown), ', '.join(FORMATS)))
    requested = [('json', report_path)] if report_path else []
    for fmt in FORMATS:
        if reports.get(fmt):
            # A dict's values are not type=path options: expand ~ as report_path's type does.
            requested.append((fmt, os.path.expanduser(str(reports[fmt]))))
    return requested


def publish(verdict: Verdict, reports: List[Tuple[str, str]], github: bool, account: str, read_at: datetime,
            show: Callable[[str], Any]) -> Dict[str, Any]:
    """Write the reports and, with `github`, the GitHub Actions summary, outputs and annotations (printed with
    show(line)). Returns what the task's result gains: the reports written, or the failure that names each one
    that was not."""
    from ansible_collections.melissa.cicero.plugins.plugin_utils import _github
    from ansible_collections.melissa.cicero.plugins.plugin_utils._report_files import ReportError, write_reports
    result: Dict[str, Any] = {}
    try:
        if write_reports(reports, verdict, account, read_at):
            result['reports'] = dict(reports)
        if github:
            _github.publish(verdict, account, read_at, os.environ, show)
    except ReportError as exc:
        # The verdict first: whether the credits are enough is said even when a report is not written.
        result.update(failed=True, msg='{0}; {1}'.format(verdict.message, exc))
    return result
