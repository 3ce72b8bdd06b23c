"""The readings file: a history that starts, survives, is shared by overlapping runs, and never holds a secret."""

import json
import multiprocessing
import os
import stat

import pytest

from ansible_collections.melissa.cicero.plugins.plugin_utils._readings import FILE_FORMAT, Readings, ReadingsError

DAY = 86400.0
NOW = 1_800_000_000.0


def test_in_memory_readings_are_pruned_to_the_window():
    readings = Readings(3600)
    readings.add(NOW - 7200, 100)
    assert readings.add(NOW, 90) == [(NOW, 90)]


def test_a_missing_file_starts_a_history_that_a_new_process_reads_back(tmp_path):
    path = str(tmp_path / 'history.json')
    Readings(DAY, path, 'production').add(NOW - 60, 1000)
    again = Readings(DAY, path, 'production')
    assert again.add(NOW, 990) == [(NOW - 60, 1000), (NOW, 990)]
    stored = json.loads(open(path).read())
    assert stored == dict(format=FILE_FORMAT, account='production', readings=[[NOW - 60, 1000], [NOW, 990]])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(os.listdir(str(tmp_path))) == ['history.json', 'history.json.lock']  # no partial file left


@pytest.mark.parametrize('content, warning', [
    ('{not json', 'is not a readings file of this collection ('),
    ('{"format": "something else", "readings": []}', 'is not a readings file of this collection;'),
    (json.dumps(dict(format=FILE_FORMAT, account='staging', readings=[[NOW - 60, 5]])),
     "holds the readings of account 'staging', not 'production'"),
    (json.dumps(dict(format=FILE_FORMAT, account='production', readings=[['soon', 'many']])),
     'holds readings that are not [time, balance] pairs'),
])
def test_a_corrupt_or_foreign_file_is_a_named_warning_and_a_fresh_start(tmp_path, content, warning):
    path = tmp_path / 'history.json'
    path.write_text(content)
    warned = []
    readings = Readings(DAY, str(path), 'production', warn=warned.append)
    assert readings.add(NOW, 700) == [(NOW, 700)]
    assert len(warned) == 1 and str(path) in warned[0] and warning in warned[0], warned
    assert json.loads(path.read_text())['readings'] == [[NOW, 700]]


def test_a_folder_that_does_not_exist_is_named(tmp_path):
    with pytest.raises(ReadingsError, match='the folder .*missing of .*history.json does not exist'):
        Readings(DAY, str(tmp_path / 'missing' / 'history.json'), 'production')


def test_an_unwritable_file_fails_the_gate_and_warns_the_watch(tmp_path, monkeypatch):
    path = str(tmp_path / 'history.json')
    strict, lenient = Readings(DAY, path, 'a'), Readings(DAY, path, 'a', warn=lambda message: None, strict=False)

    def refuse(*args, **kwargs):
        raise PermissionError(13, 'Permission denied')
    monkeypatch.setattr(os, 'replace', refuse)
    with pytest.raises(ReadingsError, match='history.json could not be written: Permission denied'):
        strict.add(NOW, 5)
    assert lenient.add(NOW, 5) == [(NOW, 5)]


def _add_many(path, offset):
    readings = Readings(DAY, path, 'shared')
    for step in range(25):
        readings.add(NOW - 1000 + offset + step * 2, 100000 - offset - step)


def test_two_runs_that_overlap_lose_none_of_each_others_readings(tmp_path):
    path = str(tmp_path / 'history.json')
    runs = [multiprocessing.Process(target=_add_many, args=(path, offset)) for offset in (0, 1)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(30)
    assert [run.exitcode for run in runs] == [0, 0]
    assert len(json.loads(open(path).read())['readings']) == 50


def test_the_file_never_holds_a_credential(tmp_path):
    path = tmp_path / 'history.json'
    Readings(DAY, str(path), 'prod').add(NOW, 12500)
    assert set(json.loads(path.read_text())) == {'format', 'account', 'readings'}


def test_a_link_at_the_locks_name_is_refused_not_followed(tmp_path):
    victim = tmp_path / 'victim'
    victim.write_text('keep me\n')
    path = str(tmp_path / 'history.json')
    os.symlink(str(victim), path + '.lock')
    with pytest.raises(ReadingsError) as raised:
        Readings(DAY, path, 'production')
    assert str(raised.value) == '{0} cannot be locked: it is a symbolic link ({0}.lock)'.format(path)
    assert victim.read_text() == 'keep me\n' and not os.path.exists(path)


def test_a_lock_held_too_long_ends_the_wait_naming_it(tmp_path):
    import fcntl  # pylint: disable=import-outside-toplevel
    path = str(tmp_path / 'history.json')
    readings = Readings(DAY, path, 'production')
    readings.lock_wait = 0.3
    with open(path + '.lock', 'w') as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # another run that never lets go
        with pytest.raises(ReadingsError) as raised:
            readings.add(NOW, 100)
    assert str(raised.value) == '{0} is locked by another run, which has held it for over 0.3s; the readings were ' \
                                'not recorded'.format(path)
    assert readings.add(NOW, 100) == [(NOW, 100)]  # free again: the next run takes it at once


def test_the_partial_file_beside_is_created_exclusively_never_through_a_link(tmp_path, monkeypatch):
    from ansible_collections.melissa.cicero.plugins.plugin_utils import _report_files  # pylint: disable=import-outside-toplevel
    names = iter(['guessed', 'fresh'])
    monkeypatch.setattr(_report_files.secrets, 'token_hex', lambda size: next(names))
    victim = tmp_path / 'victim'
    victim.write_text('keep me\n')
    report = tmp_path / 'cicero.env'
    os.symlink(str(victim), str(report) + '.guessed.partial')  # planted at a name the writer might use
    _report_files.write_atomically(str(report), 'CICERO_PASSED=true\n')
    assert victim.read_text() == 'keep me\n'
    assert report.read_text() == 'CICERO_PASSED=true\n'
    assert sorted(os.listdir(str(tmp_path))) == ['cicero.env', 'cicero.env.guessed.partial', 'victim']
