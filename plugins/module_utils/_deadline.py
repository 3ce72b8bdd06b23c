# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A deadline for one whole HTTP attempt: connection, status line, headers and body.

requests' timeouts bound each wait for data, not an attempt: a server that sends one byte of its headers every
few seconds holds a request for ever. DeadlineAdapter keeps the sockets of the connections an attempt takes from
its pools, as each connects or is reused; when the attempt's deadline passes, a watchdog shuts them down, which
wakes the blocked read at once (requests then raises a ConnectionError, which the client names as the deadline it
is). The sockets, not the connections: an answer without a length is read until the server closes, and
http.client then hands the socket to the answer and forgets it on the connection.

Used by _client.py, where requests is installed.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Dict, List, Optional

import socket
import threading
import time

try:
    from requests.adapters import HTTPAdapter
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
except ImportError:
    # The client names the missing library (HAS_REQUESTS in _client.py); nothing here is used then.
    HTTPAdapter = HTTPConnectionPool = HTTPSConnectionPool = object  # type: ignore[misc,assignment]


# How often the watchdog looks at the clock: the deadline is kept to within this.
_TICK_SECONDS = 0.05


class Deadline:
    """The connections of one attempt, shut down `seconds` after it starts unless it ends first."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.passed = False
        self._sockets: List[socket.socket] = []
        self._lock = threading.Lock()
        self._ended = False
        self._watchdog = threading.Thread(target=self._watch, name='melissa-cicero-deadline', daemon=True)

    def start(self) -> None:
        self._watchdog.start()

    def end(self) -> None:
        self._ended = True

    def _watch(self) -> None:
        # Short sleeps against the monotonic clock rather than a timed wait on a condition (threading.Timer): a timed
        # wait is what a clock-shifting tool (libfaketime, which the test suite runs under) gets wrong.
        at = time.monotonic() + self.seconds
        while not self._ended:
            left = at - time.monotonic()
            if left <= 0:
                self._pass()
                return
            time.sleep(min(_TICK_SECONDS, left))

    def watch(self, sock: Optional[socket.socket]) -> None:
        """Shut `sock` down when the deadline passes (at once if it has)."""
        if sock is None:
            return  # a connection taken from the pool before it connects: its connect() brings the socket
        with self._lock:
            if self.passed:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def _pass(self) -> None:
        with self._lock:
            self.passed = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing is waiting on it


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections are watched by the deadline of the attempt running in this thread."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._current = threading.local()
        super(DeadlineAdapter, self).__init__(*args, **kwargs)

    def attempt(self, seconds: float) -> '_Attempt':
        """A context manager: the requests made inside it end, one way or another, within `seconds`."""
        return _Attempt(self, Deadline(seconds))

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super(DeadlineAdapter, self).init_poolmanager(*args, **kwargs)
        self._watch_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super(DeadlineAdapter, self).proxy_manager_for(proxy, **proxy_kwargs)
        self._watch_pools(manager)
        return manager

    def _watch_pools(self, manager: Any) -> None:
        current = self._current
        manager.pool_classes_by_scheme = dict(
            http=_watched(HTTPConnectionPool, current), https=_watched(HTTPSConnectionPool, current))

    def __setstate__(self, state: Dict[str, Any]) -> None:  # HTTPAdapter pickles its __attrs__ only: the thread-local is made anew
        self._current = threading.local()
        super(DeadlineAdapter, self).__setstate__(state)  # type: ignore[misc]


def _watched(pool_class: Any, current: threading.local) -> Any:
    def watch(connection: Any) -> None:
        deadline = getattr(current, 'deadline', None)
        if deadline is not None:
            deadline.watch(connection.sock)

    class WatchedConnection(pool_class.ConnectionCls):
        def connect(self) -> None:
            super(WatchedConnection, self).connect()
            watch(self)  # the socket as it will be read, TLS and all

    class WatchedPool(pool_class):
        ConnectionCls = WatchedConnection

        def _get_conn(self, timeout: Optional[float] = None) -> Any:
            connection = super(WatchedPool, self)._get_conn(timeout)
            watch(connection)  # a connection kept alive from an earlier attempt
            return connection

    WatchedConnection.__name__ = pool_class.ConnectionCls.__name__
    WatchedPool.__name__ = pool_class.__name__
    return WatchedPool


class _Attempt:
    def __init__(self, adapter: DeadlineAdapter, deadline: Deadline) -> None:
        self._adapter = adapter
        self.deadline = deadline

    def __enter__(self) -> Deadline:
        self._adapter._current.deadline = self.deadline
        self.deadline.start()
        return self.deadline

    def __exit__(self, *dummy: Any) -> None:
        self.deadline.end()
        self._adapter._current.deadline = None
