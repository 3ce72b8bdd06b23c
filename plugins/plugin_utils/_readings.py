# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The balances an account was read at, kept for the observed pace: in memory (the event source) and, with a
path, in a file that outlives the process (the event source's state_path, the gate's history_path).

The file keeps each account's readings apart, under a one-way fingerprint of the account's credential and API
URL (readings_owner() in _gate.py) and its label: one file may serve several accounts, and no account is judged
on another's readings. It holds times and balances, never a key, password or token. It is replaced atomically
(write beside, rename; a symbolic link is written through), under an exclusive lock of its own (the file
`<path>.lock` beside it) so that two runs that overlap take turns instead of losing each other's readings, and
created with mode 0600.

No file is destroyed: a missing file starts a history; a file that cannot be read, or that is not a history of
this collection (someone's notes, another program's JSON), is left as it is and named; a history of ours that is
damaged, or of an older format, is moved aside (renamed beside it, the warning says where) before a fresh start.
Controller-side only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import contextlib
import fcntl
import json
import os
import time

from ansible_collections.melissa.cicero.plugins.module_utils._typing import Reading
from ansible_collections.melissa.cicero.plugins.plugin_utils._forecast import in_window
from ansible_collections.melissa.cicero.plugins.plugin_utils._report_files import write_atomically

FILE_FORMAT = 'melissa.cicero readings 2'
# Every history this collection ever wrote begins so; a file that does is ours, even damaged.
FORMAT_STEM = 'melissa.cicero readings'
_OURS = '{"format": "' + FORMAT_STEM
# A run holds the lock for one read and write of a small file: far less than a second. One that holds it longer
# is stuck (a stopped process, a hung file system): the wait for it ends, as every wait of the gate does.
LOCK_WAIT_SECONDS = 30.0
LOCK_POLL_SECONDS = 0.05


class Readings:
    """Readings of one account within `window` seconds. add() returns those to judge the pace with."""

    lock_wait = LOCK_WAIT_SECONDS

    def __init__(self, window: float, path: Optional[str] = None, account: Optional[str] = None,
                 warn: Optional[Callable[[str], Any]] = None, strict: bool = True, owner: Optional[str] = None) -> None:
        """`account` labels the readings for people; `owner` (a fingerprint, by default the label) decides whose
        they are. strict: a file that cannot be used raises ReadingsError (the gate fails naming it); otherwise
        it is a warning and the readings live on in memory (the event source keeps watching)."""
        self.window = window
        self.path = path or ''  # empty: the readings are kept in memory only
        self.account = account
        self.owner = owner or 'label:{0}'.format(account)
        self.strict = strict
        self._warn = warn or (lambda message: None)
        self._kept: List[Reading] = []
        if path:
            if os.path.isdir(path):
                raise ReadingsError('{0} is a folder; give the path of a file in it'.format(path))
            with self._locked():  # a folder that does not exist is named now, before any read
                pass

    def add(self, at: float, balance: float) -> List[Reading]:
        """Record `balance` read at `at` (epoch seconds); returns the readings within the window of `at`."""
        if not self.path:
            self._kept = self._pruned(self._kept + [(at, balance)])
            return in_window(self._kept, at, self.window)
        try:
            with self._locked():
                # Another run may have added readings since: the file, not memory, is the history.
                accounts = self._load()
                kept = self._pruned(_pairs(accounts.get(self.owner, {}).get('readings', [])) + [(at, balance)])
                accounts[self.owner] = dict(account=self.account, readings=[list(reading) for reading in kept])
                self._store(accounts)
            self._kept = kept
        except ReadingsError as exc:
            if self.strict:
                raise
            self._warn('{0}; the readings are kept in memory only'.format(exc))
            self._kept = self._pruned(self._kept + [(at, balance)])
        return in_window(self._kept, at, self.window)

    def _pruned(self, readings: Iterable[Tuple[Any, Any]]) -> List[Reading]:
        """Sorted, without repeats, within the window of the newest. The newest, not this run's own time: a run
        that read a moment before another but took the lock after it keeps the other's reading."""
        kept = sorted(set((float(at), balance) for at, balance in readings))
        return in_window(kept, kept[-1][0], self.window) if kept else []

    # -- the file ------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
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

    def _load(self) -> Dict[str, Any]:
        """{owner: {account, readings}} of the file; ReadingsError for a file that must be left as it is."""
        try:
            with open(self.path, 'rb') as handle:
                raw = handle.read()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ReadingsError('{0} cannot be read ({1}); it is left as it is'.format(
                self.path, exc.strerror or exc))
        try:
            document = json.loads(raw.decode('utf-8'))
        except ValueError:
            document = None
        if isinstance(document, dict) and document.get('format') == FILE_FORMAT:
            accounts = document.get('accounts')
            if isinstance(accounts, dict) and all(_valid_entry(entry) for entry in accounts.values()):
                return accounts
        elif not raw.lstrip().startswith(_OURS.encode()):
            raise ReadingsError('{0} is not a readings file of this collection; it is left as it is: give the '
                                'history a file of its own'.format(self.path))
        # Ours, but damaged or of an older format: kept beside, renamed, and a fresh history started.
        aside = _set_aside(self.path)
        self._warn('{0} is a readings file of this collection that cannot be used (damaged, or of an older format); '
                   'it was moved to {1} and a new history starts'.format(self.path, aside))
        return {}

    def _store(self, accounts: Dict[str, Any]) -> None:
        text = json.dumps(dict(format=FILE_FORMAT, accounts=accounts), sort_keys=True)
        try:
            write_atomically(self.path, text, mode=0o600)
        except OSError as exc:
            raise ReadingsError('{0} could not be written: {1}'.format(self.path, exc.strerror or exc))


def _valid_entry(entry: Any) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get('readings'), list):
        return False
    try:
        _pairs(entry['readings'])
    except (TypeError, ValueError):
        return False
    return True


def _pairs(readings: Any) -> List[Reading]:
    """[(time, balance)] of stored [time, balance] lists; TypeError or ValueError when they are not that."""
    pairs: List[Reading] = []
    for at, balance in readings:
        if isinstance(at, bool) or isinstance(balance, bool):
            raise ValueError(balance)
        pairs.append((float(at), int(balance)))
    return pairs


def _set_aside(path: str) -> str:
    """Rename `path` to an unused name beside it; returns that name. ReadingsError when it cannot be."""
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    for attempt in range(100):
        aside = '{0}.set-aside-{1}{2}'.format(path, stamp, '-{0}'.format(attempt) if attempt else '')
        if not os.path.lexists(aside):
            try:
                os.rename(path, aside)
            except OSError as exc:
                raise ReadingsError('{0} could not be moved aside ({1}); it is left as it is'.format(
                    path, exc.strerror or exc))
            return aside
    raise ReadingsError('{0} could not be moved aside: too many set-aside copies beside it'.format(path))


def _wait_for_lock(handle: int, path: str, seconds: float) -> None:
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
    """A readings file that cannot be used: not locked, not read, not ours, or not written."""
