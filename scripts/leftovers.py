"""Fail, naming them, if processes the suite started are still running: `make test` ends with this check.

    python3 scripts/leftovers.py <repository path> --snapshot FILE   # at the start: what already runs
    python3 scripts/leftovers.py <repository path> --since FILE      # at the end: what the suite left

A process is the suite's when it did not run at the start and its command line or working directory lies
inside the repository (the virtual environments, the simulator, ansible-test's tree are all there) or it
carries the CICERO_CHECKS variable that scripts/run-checks.sh exports. This script and the processes it runs
under (make, the CI shell) are not counted.
"""

import argparse
import os
import sys
import time

MARKER = b'CICERO_CHECKS='


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


def belongs(pid, root):
    try:
        with open('/proc/{0}/cmdline'.format(pid), 'rb') as handle:
            command = handle.read().replace(b'\0', b' ').decode(errors='replace').strip()
        cwd = os.readlink('/proc/{0}/cwd'.format(pid))
        with open('/proc/{0}/environ'.format(pid), 'rb') as handle:
            marked = (MARKER + root.encode()) in handle.read().split(b'\0')
    except OSError:
        return None  # gone, or not ours to read
    if not command:
        return None  # a kernel thread or a zombie
    if marked or root in command or cwd == root or cwd.startswith(root + os.sep):
        return command
    return None


def running(root, ignore=()):
    mine = ancestors()
    found = {}
    for name in os.listdir('/proc'):
        if name.isdigit() and int(name) not in mine and int(name) not in ignore:
            command = belongs(int(name), root)
            if command:
                found[int(name)] = command
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('repository')
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument('--snapshot', help='write the PIDs running now to this file')
    when.add_argument('--since', help='report what runs now and did not at --snapshot time')
    parser.add_argument('--wait', type=float, default=5.0, help='seconds a process may take to finish exiting')
    args = parser.parse_args()
    root = os.path.realpath(args.repository)
    if args.snapshot:
        with open(args.snapshot, 'w') as handle:
            handle.write(' '.join(str(pid) for pid in running(root)))
        return 0
    with open(args.since) as handle:
        before = {int(pid) for pid in handle.read().split()}
    deadline = time.monotonic() + args.wait
    found = running(root, before)
    while found and time.monotonic() < deadline:
        time.sleep(0.5)
        found = running(root, before)
    if found:
        print('leftovers: {0} process(es) the suite started are still running:'.format(len(found)), file=sys.stderr)
        for pid, command in sorted(found.items()):
            print('  {0} {1}'.format(pid, command[:200]), file=sys.stderr)
        return 1
    print('leftovers: no process the suite started is still running')
    return 0


if __name__ == '__main__':
    sys.exit(main())
