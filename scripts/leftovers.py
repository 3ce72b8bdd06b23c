"""Fail, naming them, if processes of this checkout are still running: `make test` ends with this check.

    python3 scripts/leftovers.py <repository path> [--wait SECONDS]

A process is the suite's when its command line or working directory lies inside the repository (the
virtual environments, the simulator, ansible-test's tree are all there) or in a pytest temporary folder.
This script and the processes it runs under (make, the CI shell) are not counted.
"""

import argparse
import getpass
import os
import sys
import tempfile
import time


def ancestors():
    pids, pid = set(), os.getpid()
    while pid > 1:
        pids.add(pid)
        try:
            with open('/proc/{0}/stat'.format(pid)) as handle:
                pid = int(handle.read().rsplit(')', 1)[1].split()[1])
        except OSError:
            break
    return pids


def belongs(pid, roots):
    try:
        with open('/proc/{0}/cmdline'.format(pid), 'rb') as handle:
            command = handle.read().replace(b'\0', b' ').decode(errors='replace').strip()
        cwd = os.readlink('/proc/{0}/cwd'.format(pid))
    except OSError:
        return None  # gone, or not ours to read
    if not command:
        return None  # a kernel thread or a zombie
    if any(root in command or cwd == root or cwd.startswith(root + os.sep) for root in roots):
        return command
    return None


def leftovers(roots):
    mine = ancestors()
    found = {}
    for name in os.listdir('/proc'):
        if name.isdigit() and int(name) not in mine:
            command = belongs(int(name), roots)
            if command:
                found[int(name)] = command
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('repository')
    parser.add_argument('--wait', type=float, default=5.0, help='seconds a process may take to finish exiting')
    args = parser.parse_args()
    roots = [os.path.realpath(args.repository), os.path.join(tempfile.gettempdir(), 'pytest-of-' + getpass.getuser())]
    deadline = time.monotonic() + args.wait
    found = leftovers(roots)
    while found and time.monotonic() < deadline:
        time.sleep(0.5)
        found = leftovers(roots)
    if found:
        print('leftovers: {0} process(es) of this checkout still running after the suite:'.format(len(found)),
              file=sys.stderr)
        for pid, command in sorted(found.items()):
            print('  {0} {1}'.format(pid, command[:200]), file=sys.stderr)
        return 1
    print('leftovers: no process of this checkout is still running')
    return 0


if __name__ == '__main__':
    sys.exit(main())
