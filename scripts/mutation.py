"""Mutation testing of the collection's logic with cosmic-ray: do the unit tests catch small logic changes?

    python3 scripts/mutation.py                 # every target file in full (make mutation)
    python3 scripts/mutation.py --sample 40     # a fixed sample of each sampled file's mutants (make test)
    python3 scripts/mutation.py plugins/plugin_utils/_forecast.py ...
    python3 scripts/mutation.py --report       # the verdict of the runs kept, against the equivalents as they are

cosmic-ray changes a file in place, one mutant at a time, and runs the unit tests that cover that file (TARGETS
below): a test that fails kills the mutant, a mutant under which every test passes survives. The run happens in a
copy of the checkout under .build/mutation, never in the checkout itself, several target files at a time (--jobs).

Printed: the kill ratio of each file, every survivor (its diff), and the verdict:
- at least MIN_KILLED of the mutants that are not listed as equivalent must be killed;
- every survivor must be listed in tests/mutation/equivalent.yml with the reason it cannot change behaviour;
- a listed mutant that the tests now kill fails the run too, so that the list cannot rot.
"""

import argparse
import concurrent.futures
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import yaml

from leftovers import running  # scripts/leftovers.py: the processes whose command line or directory is in a folder

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(REPO, '.build', 'mutation')
EQUIVALENT = os.path.join(REPO, 'tests', 'mutation', 'equivalent.yml')
MIN_KILLED = 0.90
UNIT = 'tests/unit/plugins/'
MU, PU = UNIT + 'module_utils/', UNIT + 'plugin_utils/'
MODULES, ACTION, LOOKUP = UNIT + 'modules/', UNIT + 'action/', UNIT + 'lookup/test_credits_lookup.py'
EDA = 'tests/unit/extensions/eda/test_credits_source.py'
# Each file of logic and the unit tests that cover it, the most direct first (pytest -x stops at the first failure,
# so a mutant killed early costs little); the watch's tests, which run a simulator, last.
TARGETS = {
    'plugins/module_utils/_api_text.py': [MU + 'test_api_text.py'],
    'plugins/module_utils/_as_given.py': [MU + 'test_as_given.py', MU + 'test_connection.py', PU + 'test_policy.py',
                                          PU + 'test_watch.py'],
    'plugins/module_utils/_client.py': [MU + 'test_client.py', MU + 'test_parse.py', MU + 'test_usage.py',
                                        PU + 'test_edges.py', MU + 'test_client_hostile.py'],
    'plugins/module_utils/_connection.py': [MU + 'test_connection.py', MODULES, LOOKUP, ACTION,
                                            'tests/unit/test_awx_credential_type.py'],
    'plugins/module_utils/_credits.py': [MU + 'test_credits.py', PU + 'test_edges.py', PU + 'test_policy.py',
                                         MU + 'test_usage.py', PU + 'test_forecast_runway.py', MODULES, LOOKUP, ACTION],
    'plugins/module_utils/_deadline.py': [MU + 'test_deadline.py', MU + 'test_client_hostile.py', MU + 'test_client.py'],
    'plugins/module_utils/_options.py': ['tests/unit/test_option_docs.py', MU + 'test_connection.py', LOOKUP,
                                         'tests/unit/test_awx_credential_type.py', MU + 'test_usage.py', MODULES],
    'plugins/module_utils/_parse.py': [MU + 'test_parse.py', MU + 'test_usage.py', PU + 'test_edges.py',
                                       MU + 'test_credits.py', MODULES],
    'plugins/module_utils/_account_reads.py': [MU + 'test_usage.py', MU + 'test_api_text.py', MODULES],
    'plugins/module_utils/_shapes.py': [PU + 'test_arguments.py', MODULES, LOOKUP, ACTION, EDA],
    'plugins/module_utils/_module_entry.py': [MODULES],
    'plugins/module_utils/_redact.py': [MU + 'test_redact.py', MU + 'test_connection.py', MU + 'test_client.py'],
    'plugins/module_utils/_usage.py': [MU + 'test_usage.py', PU + 'test_edges.py', PU + 'test_policy.py',
                                       MODULES + 'test_melissa_usage_info.py'],
    'plugins/plugin_utils/_arguments.py': [PU + 'test_arguments.py', ACTION, EDA, PU + 'test_watch.py'],
    'plugins/plugin_utils/_gate.py': [PU + 'test_readings.py', ACTION, PU + 'test_watch.py'],
    'plugins/plugin_utils/_forecast.py': [PU + 'test_forecast_pace.py', PU + 'test_forecast_runway.py',
                                          PU + 'test_edges.py'],
    'plugins/plugin_utils/_gate_options.py': ['tests/unit/test_option_docs.py', PU + 'test_arguments.py', ACTION, EDA],
    'plugins/plugin_utils/_github.py': [PU + 'test_reports.py', 'tests/unit/test_ci_examples.py'],
    'plugins/plugin_utils/_policy.py': [PU + 'test_policy.py', PU + 'test_edges.py', ACTION, PU + 'test_reports.py'],
    'plugins/plugin_utils/_publish.py': [ACTION, PU + 'test_reports.py'],
    'plugins/plugin_utils/_readings.py': [PU + 'test_readings.py'],
    'plugins/plugin_utils/_report_files.py': [PU + 'test_reports.py', PU + 'test_readings.py'],
    'plugins/plugin_utils/_reports.py': [PU + 'test_reports.py', 'tests/unit/test_ci_examples.py'],
    'plugins/plugin_utils/_verdict.py': [PU + 'test_verdict.py', PU + 'test_reports.py', PU + 'test_policy.py',
                                         PU + 'test_watch.py'],
    'plugins/plugin_utils/_watch.py': [EDA, PU + 'test_watch.py'],
    'plugins/action/credits_verdict.py': [ACTION],
    'plugins/lookup/credits.py': [LOOKUP],
    'extensions/eda/plugins/event_source/credits.py': [EDA],
}
# The files `make test` samples (--sample): the gate's rules and the forecast's arithmetic, small and pure.
SAMPLED = ('plugins/plugin_utils/_policy.py', 'plugins/plugin_utils/_forecast.py')
# Files run side by side: the unit tests of the watch and the client wait on loopback servers much of the time, so
# twice the cores keeps a 2-core machine busy.
JOBS = 2 * (os.cpu_count() or 1)
COPIED = ('plugins', 'tests', 'extensions', 'docs', 'meta', 'roles', 'scripts', 'pytest.ini', 'galaxy.yml')
TIMED_OUT = 'KILLED (timeout)'
COSMIC_RAY = os.path.join(os.path.dirname(sys.executable), 'cosmic-ray')


def mutant_key(module_path, operator, diff):
    """What names a mutant across edits of the file: its file, its operator and the line it changes, before and
    after (not its line number or occurrence, which move with every edit above it)."""
    removed = [line[1:].strip() for line in diff.splitlines() if line.startswith('-') and not line.startswith('---')]
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith('+') and not line.startswith('+++')]
    return '{0} {1}: {2} => {3}'.format(module_path, operator, ' / '.join(removed), ' / '.join(added))


def prepare_copy(folder):
    """A copy of what the unit tests need, of its own for each target: a mutant of one file must never be seen by
    the tests of another running beside it."""
    os.makedirs(folder)
    for name in COPIED:
        source = os.path.join(REPO, name)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(folder, name), ignore=shutil.ignore_patterns('__pycache__', 'output'))
        else:
            shutil.copy2(source, os.path.join(folder, name))


def run_target(module_path, sample):
    """[(key, outcome, diff)] of every mutant of `module_path` run (a fixed sample of them with `sample`)."""
    name = module_path.replace('/', '_')
    work = os.path.join(WORK, name)
    shutil.rmtree(work, ignore_errors=True)
    prepare_copy(work)
    config = os.path.join(work, 'cosmic-ray.toml')
    session = os.path.join(work, 'session.sqlite')
    tests = ' '.join(TARGETS[module_path])
    with open(config, 'w') as handle:
        handle.write('[cosmic-ray]\nmodule-path = "{0}"\ntimeout = 60.0\nexcluded-modules = []\n'
                     'test-command = "{1} -m pytest -x -q -p no:cacheprovider {2}"\n\n'
                     '[cosmic-ray.distributor]\nname = "local"\n'.format(module_path, sys.executable, tests))
    # No bytecode written: a mutant changes its file within the same second and at the same size (`<` for `>`), and a
    # cached file checked by timestamp and size would run the code of the mutant before it.
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1')
    # Without a mutant the tests must pass, or every mutant would count as killed.
    baseline = subprocess.run([COSMIC_RAY, 'baseline', config], cwd=work, env=env, capture_output=True, text=True,
                              check=False)
    if baseline.returncode:
        raise SystemExit('the tests of {0} fail without any mutant ({1}):\n{2}'.format(
            module_path, tests, (baseline.stdout + baseline.stderr)[-3000:]))
    subprocess.run([COSMIC_RAY, 'init', config, session], cwd=work, env=env, check=True, capture_output=True)
    if sample:
        keep_sample(session, sample)
    try:
        subprocess.run([COSMIC_RAY, 'exec', config, session], cwd=work, env=env, check=True, capture_output=True)
    finally:
        stop_leftovers(work)
    return session_results(module_path)


def stop_leftovers(work):
    """Stop what the mutants' test runs left running in their copy `work`. A mutant that hangs a test past the
    timeout is killed with its pytest, not with the simulators and event sources that test started in sessions of
    their own, whose teardown never ran."""
    for stop in (signal.SIGTERM, signal.SIGKILL):
        found = running(os.path.realpath(work))
        for pid in found:
            try:
                os.kill(pid, stop)
            except ProcessLookupError:
                pass
        if not found:
            return
        time.sleep(2)


def session_results(module_path):
    """[(key, outcome, diff)] of the mutants of the last run of `module_path`, as its session under WORK keeps them
    (an empty list when none is kept)."""
    session = os.path.join(WORK, module_path.replace('/', '_'), 'session.sqlite')
    if not os.path.exists(session):
        return []
    with sqlite3.connect(session) as db:
        rows = db.execute('SELECT s.module_path, s.operator_name, r.test_outcome, r.diff, r.output FROM mutation_specs s '
                          'JOIN work_results r ON r.job_id = s.job_id').fetchall()
    # cosmic-ray counts a mutant whose tests outrun the timeout as killed (most are endless loops); they are counted
    # apart, so that a loaded machine's slow survivors cannot pass for killed unnoticed.
    return [(mutant_key(path, operator, diff or ''), TIMED_OUT if outcome == 'KILLED' and output == 'timeout' else outcome,
             diff or '') for path, operator, outcome, diff, output in rows]


def keep_sample(session, count):
    """Keep `count` mutants of the session, spread evenly over the file, the same ones on every run."""
    with sqlite3.connect(session) as db:
        jobs = [row[0] for row in db.execute(
            'SELECT job_id FROM mutation_specs ORDER BY start_pos_row, start_pos_col, operator_name, occurrence')]
        step = max(1, len(jobs) // count)
        dropped = [job for index, job in enumerate(jobs) if index % step or index // step >= count]
        db.executemany('DELETE FROM mutation_specs WHERE job_id = ?', [(job,) for job in dropped])
        db.executemany('DELETE FROM work_items WHERE job_id = ?', [(job,) for job in dropped])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('files', nargs='*', help='target files (default: all, or the sampled ones with --sample)')
    parser.add_argument('--sample', type=int, default=0, help='mutants per file, a fixed sample (0: all)')
    parser.add_argument('--jobs', type=int, default=JOBS, help='files run side by side (default {0})'.format(JOBS))
    parser.add_argument('--verbose', action='store_true', help='list the mutants killed by the timeout too')
    parser.add_argument('--report', action='store_true',
                        help='run nothing: judge the last run of each file kept under .build/mutation against the '
                             'list of equivalents as it is now (after listing the survivors of a long run)')
    args = parser.parse_args(argv)
    files = args.files or (list(SAMPLED) if args.sample else sorted(TARGETS))
    unknown = [name for name in files if name not in TARGETS]
    if unknown:
        parser.error('no tests are listed for {0}; the targets are {1}'.format(', '.join(unknown), ', '.join(TARGETS)))
    with open(EQUIVALENT) as handle:
        equivalent = {entry['mutant']: entry['why'] for entry in yaml.safe_load(handle) or []}
    if args.report:
        results = {name: session_results(name) for name in files}
        missing = [name for name in files if not results[name]]
        if missing:
            parser.error('no run of {0} is kept under {1}'.format(', '.join(missing), os.path.relpath(WORK, REPO)))
    else:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = dict(zip(files, pool.map(lambda name: run_target(name, args.sample), files)))
    problems, total, killed_total, listed_total = [], 0, 0, 0
    row = '{0:<48} {1:>7} {2:>7} {3:>9} {4:>10} {5:>7}'
    print(row.format('file', 'mutants', 'killed', 'timed out', 'equivalent', 'ratio'))
    for name in files:
        mutants = results[name]
        killed = [key for key, outcome, diff in mutants if outcome in ('KILLED', TIMED_OUT)]
        timed_out = [key for key, outcome, diff in mutants if outcome == TIMED_OUT]
        survivors = [(key, diff) for key, outcome, diff in mutants if outcome not in ('KILLED', TIMED_OUT)]
        listed = [key for key, diff in survivors if key in equivalent]
        judged = len(mutants) - len(listed)
        ratio = len(killed) / judged if judged else 1.0
        print(row.format(name, len(mutants), len(killed), len(timed_out), len(listed), '{0:.1%}'.format(ratio)))
        total, killed_total, listed_total = total + judged, killed_total + len(killed), listed_total + len(listed)
        for key, diff in survivors:
            if key not in equivalent:
                problems.append('survived, and not listed as equivalent: {0}\n{1}'.format(key, diff.strip()))
        for key in killed:
            if key in equivalent:
                problems.append('listed as equivalent, but the tests kill it: {0} (remove it from {1})'.format(
                    key, os.path.relpath(EQUIVALENT, REPO)))
    if not args.sample and set(files) == set(TARGETS):
        # Judged in full: a listed mutant that no file has any more (its line changed) is listed for nothing.
        made = set(key for name in files for key, outcome, diff in results[name])
        problems.extend('listed as equivalent, but no such mutant is made any more: {0} (remove it from {1})'.format(
            key, os.path.relpath(EQUIVALENT, REPO)) for key in sorted(equivalent) if key not in made)
    ratio = killed_total / total if total else 1.0
    print('all: {0} mutants, {1} killed ({2:.1%} of those not equivalent), {3} listed as equivalent'.format(
        total + listed_total, killed_total, ratio, listed_total))
    if ratio < MIN_KILLED:
        problems.append('{0:.1%} of the mutants killed, fewer than {1:.0%}'.format(ratio, MIN_KILLED))
    for name in files:
        for key, outcome, diff in results[name]:
            if outcome == TIMED_OUT and args.verbose:
                print('\ntimed out (counted as killed): {0}'.format(key))
    for problem in problems:
        print('\n' + problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
