"""The table `make test` ends with: each target, its wall and CPU time, what passed in it (read from its log),
and the totals.

    python3 scripts/check-table.py <log folder> <total seconds>
"""

import os
import re
import sys

# What counts as one passed check in each target's log; a target is all-or-nothing, so these are read only
# to say how much it proved.
COUNTERS = {
    'pytest': (re.compile(r'^=*\s*(\d+) passed', re.M), 'tests'),
    'sanity': (re.compile(r'^(Running sanity test .*)$', re.M), 'sanity tests (a test on each Python counts once)'),
    'lint': (re.compile(r'in (\d+) files processed'), 'files'),
    'docs': (re.compile(r'^ansible-doc renders (\d+) ', re.M), 'plugins and roles rendered'),
    'ee': (re.compile(r'^Complete! The build context can be found at: (\S+)', re.M), 'contexts'),
    'changelog': (re.compile(r'^antsibull-changelog lint: (\d+) ', re.M), 'fragments'),
    'bench-quick': (re.compile(r'^\| (B\d) \|', re.M), 'benchmarks'),
    'typecheck': (re.compile(r'^Success: no issues found in (\d+) source files', re.M), 'files type-checked'),
}
KIND = {'unit': 'pytest', 'integration': 'pytest', 'units': 'pytest', 'matrix': 'pytest', 'matrix-oldest': 'pytest',
        'matrix-newest': 'pytest'}


def passed(target, log):
    pattern, unit = COUNTERS.get(KIND.get(target, target), (None, ''))
    if pattern is None:
        return ''
    found = pattern.findall(log)
    numbers = [int(item) for item in found if isinstance(item, str) and item.isdigit()]
    count = sum(numbers) if numbers else len(set(found))
    return '{0} {1}'.format(count, unit)


def clock(seconds):
    return '{0}:{1:02d}'.format(seconds // 60, seconds % 60)


def main(folder, total):
    rows, cpu_total = [], 0
    with open(os.path.join(folder, 'times')) as handle:
        for line in handle:
            target, seconds, rc, cpu = line.split()
            with open(os.path.join(folder, target + '.log'), errors='replace') as log:
                text = log.read()
            rows.append((target, clock(int(seconds)), clock(int(cpu)), 'ok' if rc == '0' else 'FAILED',
                         passed(target, text)))
            cpu_total += int(cpu)
    rows.append(('total', clock(int(total)), clock(cpu_total), '', ''))
    header = ('target', 'time', 'cpu', 'result', 'passed')
    widths = [max(len(row[column]) for row in rows + [header]) for column in range(len(header))]

    def line(row):
        return '  '.join(cell.rjust(width) if column in (1, 2) else cell.ljust(width)
                         for column, (cell, width) in enumerate(zip(row, widths))).rstrip()
    print('\n' + line(header))
    for row in rows:
        print(line(row))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
