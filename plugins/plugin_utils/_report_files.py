# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write the gate's reports on the controller, each replaced atomically, so a CI reader never sees half a file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import List, Optional, Sequence, Tuple

import errno
import os
import secrets
import stat

from datetime import datetime

from ansible_collections.melissa.cicero.plugins.plugin_utils._verdict import Verdict


class ReportError(Exception):
    """A report that could not be rendered or written; the message names the path or the library."""


def write_reports(reports: Sequence[Tuple[str, str]], verdict: Verdict, account: str,
                  read_at: datetime) -> List[str]:
    """Render and write each (format, path) of `reports`, in order; returns the paths written.

    One report that cannot be written does not stop the others: every one is tried, then ReportError names
    each that failed, with its cause.
    """
    # Imported here: every gate run writes its history through write_atomically(), few write reports.
    from ansible_collections.melissa.cicero.plugins.plugin_utils._reports import RENDERERS  # pylint: disable=import-outside-toplevel
    written, problems = [], []
    for fmt, path in reports:
        try:
            try:
                text = RENDERERS[fmt](verdict, account, read_at)
            except ImportError as exc:
                raise ReportError('the {0} report needs the Python library prometheus_client on the controller '
                                  '(pip install prometheus-client): {1}'.format(fmt, exc))
            replace_file(path, text)
            written.append(path)
        except ReportError as exc:
            problems.append(str(exc))
    if problems:
        raise ReportError('; '.join(problems))
    return written


def replace_file(path: str, text: str) -> None:
    """Write the report `text` to `path` atomically; ReportError names the path and the cause."""
    problem = _unwritable(path)
    if problem:
        raise ReportError('report {0} could not be written: {1}'.format(path, problem))
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise ReportError('report {0} could not be written: {1}'.format(path, exc.strerror or exc))


def write_atomically(path: str, text: str, mode: int = 0o666) -> None:
    """Write `text` to `path`, never destroying what is there in another way than intended:

    - a regular file (or a new one) is written beside it, then renamed over it: readers see the old file or the
      new one, never half of one; it keeps its mode, and a new file gets `mode` (less the umask);
    - a symbolic link is written through: its target gets the text that way, and the link stays;
    - a pipe or a character device (/dev/stdout, a FIFO a collector reads) is written in place, as pytest's
      --junitxml does; it is never replaced by a regular file. A pipe without a reader is an error, not a hang;
    - anything else (a socket, a block device) is refused.

    OSError when it cannot be written; no partial file is left.
    """
    target = os.path.realpath(path) if os.path.islink(path) else path
    try:
        status = os.stat(target)
    except FileNotFoundError:
        status = None
    if status is not None and not stat.S_ISREG(status.st_mode):
        return _write_in_place(target, text, status)
    handle, partial = _new_partial(target, mode)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as stream:
            stream.write(text)
        if status is not None:
            os.chmod(partial, stat.S_IMODE(status.st_mode))
        os.replace(partial, target)
    except OSError:
        _remove_quietly(partial)
        raise
    return None


def _write_in_place(path: str, text: str, status: os.stat_result) -> None:
    if not (stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode)):
        raise OSError(errno.EINVAL, 'it is neither a regular file, a pipe nor a character device')
    try:
        # O_NONBLOCK: opening a pipe that nobody reads fails at once (ENXIO) instead of waiting for ever.
        handle = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, 'O_NOFOLLOW', 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, 'it is a pipe that nothing reads') from None
        raise
    try:
        os.set_blocking(handle, True)
        data = text.encode('utf-8')
        while data:
            data = data[os.write(handle, data):]
    finally:
        os.close(handle)


def _new_partial(path: str, mode: int) -> Tuple[int, str]:
    """(descriptor, name) of a new file beside `path`, created exclusively under an unpredictable name: in a
    shared folder such as /tmp, a link someone placed at a name we would use is never followed (O_EXCL)."""
    while True:
        partial = '{0}.{1}.partial'.format(path, secrets.token_hex(6))
        try:
            return os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), partial
        except FileExistsError:
            continue  # 2**48 names: taken only by someone who guessed it


def _unwritable(path: str) -> Optional[str]:
    """Why `path` cannot take a report, in words a person can act on, or None."""
    target = os.path.realpath(path) if os.path.islink(path) else path
    if os.path.isdir(target):
        return 'it is a directory; give the path of a file in it'
    if os.path.exists(target) and not os.path.isfile(target):
        return None  # a pipe or a device: written in place, whatever its folder
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        return 'the folder {0} does not exist'.format(folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        return 'permission denied: the folder {0} is not writable'.format(folder)
    return None


def append_file(path: str, text: str) -> None:
    """Append `text` to `path` (GitHub's step summary and output files are shared by every step)."""
    try:
        with open(path, 'a', encoding='utf-8') as handle:
            handle.write(text)
    except (IOError, OSError) as exc:
        raise ReportError('{0} could not be appended to: {1}'.format(path, exc.strerror or exc))


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
