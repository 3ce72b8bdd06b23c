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

import socket
import threading
import time

try:
    from requests.adapters import HTTPAdapter
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
except ImportError:
    # The client names the missing library (HAS_REQUESTS in _client.py); nothing here is used then.
    HTTPAdapter = HTTPConnectionPool = HTTPSConnectionPool = object


# How often the watchdog looks at the clock: the deadline is kept to within this.
_TICK_SECONDS = 0.05


class Deadline:
    """The connections of one attempt, shut down `seconds` after it starts unless it ends first."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.passed = False
        self._sockets = []
        self._lock = threading.Lock()
        self._ended = False
        self._watchdog = threading.Thread(target=self._watch, name='melissa-cicero-deadline', daemon=True)

    def start(self):
        self._watchdog.start()

    def end(self):
        self._ended = True

    def _watch(self):
        # Short sleeps against the monotonic clock rather than a timed wait on a condition (threading.Timer): a timed
        # wait is what a clock-shifting tool (libfaketime, which the test suite runs under) gets wrong.
        at = time.monotonic() + self.seconds
        while not self._ended:
            left = at - time.monotonic()
            if left <= 0:
                self._pass()
                return
            time.sleep(min(_TICK_SECONDS, left))

    def watch(self, sock):
        """Shut `sock` down when the deadline passes (at once if it has)."""
        if sock is None:
            return  # a connection taken from the pool before it connects: its connect() brings the socket
        with self._lock:
            if self.passed:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def _pass(self):
        with self._lock:
            self.passed = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing is waiting on it


class DeadlineAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections are watched by the deadline of the attempt running in this thread."""

    def __init__(self, *args, **kwargs):
        self._current = threading.local()
        super(DeadlineAdapter, self).__init__(*args, **kwargs)

    def attempt(self, seconds):
        """A context manager: the requests made inside it end, one way or another, within `seconds`."""
        return _Attempt(self, Deadline(seconds))

    def init_poolmanager(self, *args, **kwargs):
        super(DeadlineAdapter, self).init_poolmanager(*args, **kwargs)
        self._watch_pools(self.poolmanager)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super(DeadlineAdapter, self).proxy_manager_for(proxy, **proxy_kwargs)
        self._watch_pools(manager)
        return manager

    def _watch_pools(self, manager):
        current = self._current
        manager.pool_classes_by_scheme = dict(
            http=_watched(HTTPConnectionPool, current), https=_watched(HTTPSConnectionPool, current))

    def __setstate__(self, state):  # HTTPAdapter pickles its __attrs__ only: the thread-local is made anew
        self._current = threading.local()
        super(DeadlineAdapter, self).__setstate__(state)


def _watched(pool_class, current):
    def watch(connection):
        deadline = getattr(current, 'deadline', None)
        if deadline is not None:
            deadline.watch(connection.sock)

    class WatchedConnection(pool_class.ConnectionCls):
        def connect(self):
            super(WatchedConnection, self).connect()
            watch(self)  # the socket as it will be read, TLS and all

    class WatchedPool(pool_class):
        ConnectionCls = WatchedConnection

        def _get_conn(self, timeout=None):
            connection = super(WatchedPool, self)._get_conn(timeout)
            watch(connection)  # a connection kept alive from an earlier attempt
            return connection

    WatchedConnection.__name__ = pool_class.ConnectionCls.__name__
    WatchedPool.__name__ = pool_class.__name__
    return WatchedPool


class _Attempt:
    def __init__(self, adapter, deadline):
        self._adapter = adapter
        self.deadline = deadline

    def __enter__(self):
        self._adapter._current.deadline = self.deadline
        self.deadline.start()
        return self.deadline

    def __exit__(self, *dummy):
        self.deadline.end()
        self._adapter._current.deadline = None
        return False
