# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The balances an account was read at, kept for the observed pace: in memory (the event source) and, with a
path, in a file that outlives the process (the event source's state_path, the gate's history_path).

The file holds readings only (time and balance) and the account's label: never a key, password or token. It
is replaced atomically (write beside, rename), under an exclusive lock of its own so that two runs that overlap
take turns instead of losing each other's readings, pruned to the window, and created with mode 0600. A missing
file starts a history; a corrupt or foreign one is a named warning and a fresh start, never a crash.
Controller-side only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import fcntl
import json
import os
import time

from ansible_collections.melissa.cicero.plugins.module_utils._pace import in_window
from ansible_collections.melissa.cicero.plugins.plugin_utils._report_files import write_atomically

FILE_FORMAT = 'melissa.cicero readings 1'
# A run holds the lock for one read and write of a small file: far less than a second. One that holds it longer
# is stuck (a stopped process, a hung file system): the wait for it ends, as every wait of the gate does.
LOCK_WAIT_SECONDS = 30.0
LOCK_POLL_SECONDS = 0.05


class Readings:
    """Readings of one account within `window` seconds. add() returns those to judge the pace with."""

    lock_wait = LOCK_WAIT_SECONDS

    def __init__(self, window, path=None, account=None, warn=None, strict=True):
        """strict: a file that cannot be written raises ReadingsError (the gate fails naming it); otherwise it
        is a warning and the readings live on in memory (the event source keeps watching)."""
        self.window = window
        self.path = path
        self.account = account
        self.strict = strict
        self._warn = warn or (lambda message: None)
        self._kept = []
        if path:
            with self._locked():  # a folder that does not exist is named now, before any read
                pass

    def add(self, at, balance):
        """Record `balance` read at `at` (epoch seconds); returns the readings within the window of `at`."""
        if not self.path:
            self._kept = self._pruned(self._kept + [(at, balance)])
            return in_window(self._kept, at, self.window)
        try:
            with self._locked():
                # Another run may have added readings since: the file, not memory, is the history.
                kept = self._pruned(self._load() + [(at, balance)])
                self._store(kept)
            self._kept = kept
        except ReadingsError as exc:
            if self.strict:
                raise
            self._warn('{0}; the readings are kept in memory only'.format(exc))
            self._kept = self._pruned(self._kept + [(at, balance)])
        return in_window(self._kept, at, self.window)

    def _pruned(self, readings):
        """Sorted, without repeats, within the window of the newest. The newest, not this run's own time: a run
        that read a moment before another but took the lock after it keeps the other's reading."""
        kept = sorted(set((float(at), balance) for at, balance in readings))
        return in_window(kept, kept[-1][0], self.window) if kept else []

    # -- the file ------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self):
        folder = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(folder):
            raise ReadingsError('the folder {0} of {1} does not exist'.format(folder, self.path))
        lock_path = self.path + '.lock'
        try:
            # O_NOFOLLOW: a link placed at the lock's name is refused, never followed to create or open its target.
            handle = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0), 0o600)
        except OSError as exc:
            reason = 'it is a symbolic link' if os.path.islink(lock_path) else exc.strerror or exc
            raise ReadingsError('{0} cannot be locked: {1} ({2})'.format(self.path, reason, lock_path))
        try:
            _wait_for_lock(handle, self.path, self.lock_wait)
            yield
        finally:
            os.close(handle)  # closing releases the lock

    def _load(self):
        try:
            with open(self.path, encoding='utf-8') as handle:
                document = json.load(handle)
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            self._warn('{0} is not a readings file of this collection ({1}); starting a new history'.format(
                self.path, getattr(exc, 'strerror', None) or exc))
            return []
        if not isinstance(document, dict) or document.get('format') != FILE_FORMAT:
            self._warn('{0} is not a readings file of this collection; starting a new history'.format(self.path))
            return []
        if document.get('account') != self.account:
            self._warn('{0} holds the readings of account {1!r}, not {2!r}; starting a new history'.format(
                self.path, document.get('account'), self.account))
            return []
        try:
            return [(float(at), int(balance)) for at, balance in document.get('readings', [])]
        except (TypeError, ValueError):
            self._warn('{0} holds readings that are not [time, balance] pairs; starting a new history'.format(
                self.path))
            return []

    def _store(self, readings):
        text = json.dumps(dict(format=FILE_FORMAT, account=self.account, readings=[list(r) for r in readings]))
        try:
            write_atomically(self.path, text, mode=0o600)
        except OSError as exc:
            raise ReadingsError('{0} could not be written: {1}'.format(self.path, exc.strerror or exc))


def _wait_for_lock(handle, path, seconds):
    """Take the exclusive lock of `handle`, waiting at most `seconds` for a run that holds it."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise ReadingsError('{0} is locked by another run, which has held it for over {1:g}s; the readings '
                                    'were not recorded'.format(path, seconds)) from None
            time.sleep(LOCK_POLL_SECONDS)


class ReadingsError(Exception):
    """A readings file that cannot be locked or written (a corrupt one is only a warning)."""
