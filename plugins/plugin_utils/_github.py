# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The verdict where a GitHub Actions run shows it: the job summary, step outputs and annotations.

https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from datetime import datetime
from typing import Any, Callable, List, Mapping

from ansible_collections.melissa.cicero.plugins.plugin_utils._report_files import ReportError, append_file
from ansible_collections.melissa.cicero.plugins.plugin_utils._reports import dotenv_values, render_markdown
from ansible_collections.melissa.cicero.plugins.plugin_utils._verdict import Verdict

TITLE = 'Cicero credits'


def workflow_commands(verdict: Verdict) -> List[str]:
    """::error:: when the gate fails, ::warning:: when it warns: each becomes an annotation of the run."""
    if not verdict.passed:
        return ['::error title={0}::{1}'.format(TITLE, escape_data(verdict.message))]
    if verdict.warning:
        return ['::warning title={0}::{1}'.format(TITLE, escape_data(verdict.warning))]
    return []


def output_lines(verdict: Verdict) -> str:
    """name=value lines for $GITHUB_OUTPUT: passed, credit_balance, ... runway_days (empty when unknown)."""
    return ''.join('{0}={1}\n'.format(name[len('CICERO_'):].lower(), value) for name, value in dotenv_values(verdict))


def publish(verdict: Verdict, account: str, read_at: datetime, environ: Mapping[str, str],
            show: Callable[[str], Any]) -> None:
    """Append the summary and the outputs to the files GitHub names, and show(line) each workflow command.

    Each file is tried; one that cannot be written is named by its variable (ReportError after the others)."""
    problems = []
    for variable, render in (('GITHUB_STEP_SUMMARY', lambda: render_markdown(verdict, account, read_at)),
                             ('GITHUB_OUTPUT', lambda: output_lines(verdict))):
        if environ.get(variable):
            try:
                append_file(environ[variable], render())
            except ReportError as exc:
                problems.append('{0}: {1}'.format(variable, exc))
    for line in workflow_commands(verdict):
        show(line)
    if problems:
        raise ReportError('; '.join(problems))


def escape_data(text: str) -> str:
    """A workflow command's message on one line: %, CR and LF escaped as GitHub documents."""
    return str(text).replace('%', '%25').replace('\r', '%0D').replace('\n', '%0A')
