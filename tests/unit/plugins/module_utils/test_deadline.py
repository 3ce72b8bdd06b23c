"""The attempt's deadline on its own: its watchdog never outlives the attempt nor holds the interpreter, and a
socket already closed is shut quietly. (The deadline against hostile servers: test_client_hostile.py.)"""

import socket

from ansible_collections.melissa.cicero.plugins.module_utils._deadline import Deadline, _shut


def test_the_watchdog_ends_with_the_attempt_and_never_holds_the_interpreter():
    deadline = Deadline(60)
    deadline.start()
    assert deadline._watchdog.daemon  # pylint: disable=protected-access
    deadline.end()
    deadline._watchdog.join(5)  # pylint: disable=protected-access
    # Ended within a tick of the attempt, not at its deadline a minute on; the sockets it watched are left open.
    assert not deadline._watchdog.is_alive() and not deadline.passed  # pylint: disable=protected-access


def test_a_passed_deadline_shuts_a_socket_given_after_it_and_a_closed_one_quietly():
    deadline = Deadline(0)
    deadline.start()
    deadline._watchdog.join(5)  # pylint: disable=protected-access
    assert deadline.passed
    left, right = socket.socketpair()
    with left, right:
        deadline.watch(left)  # at once: the deadline has passed
        assert left.recv(1) == b''  # shut down: reads end
    closed, other = socket.socketpair()
    other.close()
    closed.close()
    _shut(closed)  # the server hung up first: nothing to shut, and nothing raised
