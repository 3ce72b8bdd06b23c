"""The readings file: a history that starts, survives, is shared by overlapping runs, and never holds a secret."""

import json
import multiprocessing
import os
import re
import stat
import time

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
    assert stored == dict(format=FILE_FORMAT, accounts={'label:production': dict(
        account='production', readings=[[NOW - 60, 1000], [NOW, 990]])})
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and stat.S_IMODE(os.stat(path + '.lock').st_mode) == 0o600
    assert sorted(os.listdir(str(tmp_path))) == ['history.json', 'history.json.lock']  # no partial file left


@pytest.mark.parametrize('content', [
    'my notes: buy more credits\n',
    '{"format": "something else", "readings": []}',
    '{"format": "another tool", "readings": []}',
    '[1, 2, 3]',
    '',
])
def test_a_file_that_is_not_a_history_of_ours_is_never_overwritten(tmp_path, content):
    path = tmp_path / 'history.json'
    path.write_text(content)
    with pytest.raises(ReadingsError) as raised:
        Readings(DAY, str(path), 'production').add(NOW, 700)
    assert str(raised.value) == '{0} is not a readings file of this collection; it is left as it is: give the ' \
                                'history a file of its own'.format(path)
    warned = []
    assert Readings(DAY, str(path), 'production', warn=warned.append, strict=False).add(NOW, 700) == [(NOW, 700)]
    assert warned == [str(raised.value) + '; the readings are kept in memory only']
    assert path.read_text() == content


@pytest.mark.parametrize('content', [
    '{"format": "melissa.cicero readings 2", "accounts": {"label:production": {"account": "production", "readi',
    json.dumps(dict(format=FILE_FORMAT, accounts={'label:production': dict(readings=[['soon', 'many']])})),
    json.dumps(dict(format=FILE_FORMAT, accounts={'label:production': dict(readings=[[NOW, True]])})),
    json.dumps(dict(format='melissa.cicero readings 1', account='production', readings=[[NOW - 60, 5]])),
    json.dumps(dict(format=FILE_FORMAT, accounts={'label:production': ['not', 'an', 'object']})),
    json.dumps(dict(format=FILE_FORMAT, accounts={'label:production': dict(readings='none')})),
])
def test_a_damaged_or_older_history_of_ours_is_moved_aside_and_kept(tmp_path, content):
    path = tmp_path / 'history.json'
    path.write_text(content)
    warned = []
    assert Readings(DAY, str(path), 'production', warn=warned.append).add(NOW, 700) == [(NOW, 700)]
    aside, = [name for name in os.listdir(str(tmp_path)) if '.set-aside-' in name]
    assert re.match(r'^history\.json\.set-aside-\d{8}T\d{6}Z$', aside), aside  # the first: no counter
    assert (tmp_path / aside).read_text() == content
    assert warned == ['{0} is a readings file of this collection that cannot be used (damaged, or of an older '
                      'format); it was moved to {1} and a new history starts'.format(path, tmp_path / aside)]
    assert json.loads(path.read_text())['accounts']['label:production']['readings'] == [[NOW, 700]]


def test_a_file_that_cannot_be_read_is_left_as_it_is(tmp_path, monkeypatch):
    from ansible_collections.melissa.cicero.plugins.plugin_utils import _readings  # pylint: disable=import-outside-toplevel
    path = tmp_path / 'history.json'
    path.write_text('whatever is there')

    def refuse(*args, **kwargs):
        raise PermissionError(13, 'Permission denied')
    # Tests run as root here, which reads any file: the refusal is the one the operating system would give.
    monkeypatch.setattr(_readings, 'open', refuse, raising=False)
    with pytest.raises(ReadingsError, match=r'^{0} cannot be read \(Permission denied\); it is left as it is$'.format(
            path)):
        Readings(DAY, str(path), 'production').add(NOW, 700)
    assert path.read_text() == 'whatever is there'


def test_each_accounts_readings_are_kept_apart_in_one_file(tmp_path):
    path = str(tmp_path / 'history.json')
    first = Readings(DAY, path, 'cicero', owner='sha256:first')
    second = Readings(DAY, path, 'cicero', owner='sha256:second')
    first.add(NOW - 600, 100000)
    second.add(NOW - 300, 5000)
    assert first.add(NOW, 99000) == [(NOW - 600, 100000), (NOW, 99000)]
    assert second.add(NOW, 4900) == [(NOW - 300, 5000), (NOW, 4900)]
    stored = json.loads(open(path).read())['accounts']
    assert sorted(stored) == ['sha256:first', 'sha256:second']


def test_a_history_path_that_is_a_folder_gets_one_message(tmp_path):
    with pytest.raises(ReadingsError) as raised:
        Readings(DAY, str(tmp_path), 'production')
    assert str(raised.value) == '{0} is a folder; give the path of a file in it'.format(tmp_path)


def test_a_history_behind_a_link_is_written_through_it(tmp_path):
    target = tmp_path / 'real.json'
    link = tmp_path / 'history.json'
    os.symlink(str(target), str(link))
    Readings(DAY, str(link), 'production').add(NOW, 700)
    assert os.path.islink(str(link))
    assert json.loads(target.read_text())['accounts']['label:production']['readings'] == [[NOW, 700]]


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
    assert len(json.loads(open(path).read())['accounts']['label:shared']['readings']) == 50


def test_the_file_never_holds_a_credential(tmp_path):
    from ansible_collections.melissa.cicero.plugins.plugin_utils._gate import readings_owner  # pylint: disable=import-outside-toplevel
    path = tmp_path / 'history.json'
    key = 'the key/+&='
    params = dict(api_url='https://gw:pw@app.cicerodata.com/v3.1/', license_key=key, username=None)
    Readings(DAY, str(path), 'prod', owner=readings_owner(params)).add(NOW, 12500)
    text = path.read_text()
    assert 'the key' not in text and 'pw' not in text and 'gw' not in text
    assert set(json.loads(text)) == {'format', 'accounts'}
    # One account per credential and URL: another key, or the same key at another URL, is another account.
    owners = {readings_owner(params), readings_owner(dict(params, license_key='another')),
              readings_owner(dict(params, api_url='https://app.cicerodata.com/v4')),
              readings_owner(dict(params, license_key=None, username='someone'))}
    assert len(owners) == 4
    assert readings_owner(dict(params, api_url='https://app.cicerodata.com/v3.1')) == readings_owner(params)


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
        started = time.monotonic()
        with pytest.raises(ReadingsError) as raised:
            readings.add(NOW, 100)
        assert time.monotonic() - started >= 0.3  # it waited its time for the other run before giving up
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


def test_the_file_itself_is_pruned_to_the_window_at_its_edge(tmp_path):
    path = str(tmp_path / 'history.json')
    readings = Readings(3600, path, 'production')
    readings.add(NOW - 3601, 100)     # just older than the window of the newest reading
    readings.add(NOW - 3600, 99)      # exactly the window old: kept
    readings.add(NOW, 98)
    stored = json.loads(open(path).read())['accounts']['label:production']['readings']
    assert stored == [[NOW - 3600, 99], [NOW, 98]]


@pytest.mark.parametrize('error, said', [(OSError(13, 'Permission denied'), 'Permission denied'),
                                         (OSError('no reason of its own'), 'no reason of its own')])
def test_a_history_that_cannot_be_moved_aside_is_left_as_it_is_naming_why(tmp_path, monkeypatch, error, said):
    from ansible_collections.melissa.cicero.plugins.plugin_utils import _readings  # pylint: disable=import-outside-toplevel
    path = tmp_path / 'history.json'
    content = json.dumps(dict(format='melissa.cicero readings 1', account='production', readings=[[NOW - 60, 5]]))
    path.write_text(content)

    def refuse(*args):
        raise error
    monkeypatch.setattr(_readings.os, 'rename', refuse)
    with pytest.raises(ReadingsError) as raised:
        Readings(DAY, str(path), 'production', strict=True).add(NOW, 700)
    assert str(raised.value) == '{0} could not be moved aside ({1}); it is left as it is'.format(path, said)
    assert path.read_text() == content


def test_a_hundred_set_aside_copies_are_enough(tmp_path, monkeypatch):
    import time  # pylint: disable=import-outside-toplevel
    path = tmp_path / 'history.json'
    path.write_text(json.dumps(dict(format='melissa.cicero readings 1', account='production', readings=[])))
    stamp = time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())
    monkeypatch.setattr(time, 'strftime', lambda *args: stamp)
    for attempt in range(100):
        (tmp_path / 'history.json.set-aside-{0}{1}'.format(stamp, '-{0}'.format(attempt) if attempt else '')).write_text('')
    with pytest.raises(ReadingsError, match='could not be moved aside: too many set-aside copies beside it'):
        Readings(DAY, str(path), 'production', strict=True).add(NOW, 700)
    (tmp_path / 'history.json.set-aside-{0}-99'.format(stamp)).unlink()
    Readings(DAY, str(path), 'production', strict=True).add(NOW, 700)
    assert (tmp_path / 'history.json.set-aside-{0}-99'.format(stamp)).exists()


def test_the_file_is_written_with_its_keys_sorted(tmp_path):
    """The same readings give the same bytes: a file kept under version control or compared by hash does not churn."""
    path = tmp_path / 'history.json'
    Readings(DAY, str(path), 'production').add(NOW, 700)
    text = path.read_text()
    assert text == json.dumps(json.loads(text), sort_keys=True)


def test_a_lock_that_cannot_be_opened_names_why(tmp_path, monkeypatch):
    from ansible_collections.melissa.cicero.plugins.plugin_utils import _readings  # pylint: disable=import-outside-toplevel
    path = str(tmp_path / 'history.json')
    real_open = _readings.os.open

    def refuse(name, *args):
        if name.endswith('.lock'):
            raise OSError('no reason of its own')
        return real_open(name, *args)
    monkeypatch.setattr(_readings.os, 'open', refuse)
    with pytest.raises(ReadingsError) as raised:
        Readings(DAY, path, 'production').add(NOW, 700)
    assert str(raised.value) == '{0} cannot be locked: no reason of its own ({0}.lock)'.format(path)


def test_a_run_waits_for_the_lock_30_seconds_as_documented():
    assert Readings(DAY, None, 'production').lock_wait == 30.0  # as docs/security-and-failures.md states


def test_the_same_key_at_another_host_or_port_is_another_account():
    from ansible_collections.melissa.cicero.plugins.plugin_utils._gate import readings_owner  # pylint: disable=import-outside-toplevel
    params = dict(api_url='https://app.cicerodata.com/v3.1', license_key='k', username=None)
    owners = {readings_owner(dict(params, api_url=url)) for url in (
        'https://app.cicerodata.com/v3.1', 'https://cicero.azavea.com/v3.1', 'https://app.cicerodata.com:8443/v3.1',
        'http://app.cicerodata.com/v3.1')}
    assert len(owners) == 4


@pytest.mark.parametrize('account, api_url, label', [
    ('production', 'https://app.cicerodata.com/v3.1', 'production'),
    (None, 'https://app.cicerodata.com/v3.1', 'app.cicerodata.com'),
    ('', 'https://user:pw@gw.example:8443/v3.1?x=1', 'gw.example'),
    (None, 'not a url', 'cicero'),
])
def test_an_accounts_label_is_its_option_or_the_host_of_its_url(account, api_url, label):
    from ansible_collections.melissa.cicero.plugins.plugin_utils._gate import account_label  # pylint: disable=import-outside-toplevel
    assert account_label(dict(account=account, api_url=api_url)) == label


@pytest.mark.parametrize('api_url, where', [
    ('https://h.example:8443/v3.1/', 'https://h.example:8443/v3.1'),
    ('https://h.example/v3.1', 'https://h.example/v3.1'),
    ('https://h.example:99999/v3.1', 'https://h.example/v3.1'),  # a port out of range: the address without it
])
def test_the_owner_is_a_fingerprint_of_the_address_and_the_credential(api_url, where):
    import hashlib  # pylint: disable=import-outside-toplevel
    from ansible_collections.melissa.cicero.plugins.plugin_utils._gate import readings_owner  # pylint: disable=import-outside-toplevel
    expected = hashlib.sha256('\0'.join(('melissa.cicero readings', where, 'key:k')).encode()).hexdigest()
    assert readings_owner(dict(api_url=api_url, license_key='k')) == 'sha256:' + expected
