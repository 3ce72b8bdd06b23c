"""What a hostile or broken API answers stays data, on every entry point, run as users run them.

The simulator serves each answer (tests/simulator/scenarios.py: template_error, control_error, tiny_pace ...).
"""

import os
import re
import sys

import pytest
import yaml

from ansible_collections.melissa.cicero.tests.support import LICENSE_KEY

from ansible_collections.melissa.cicero.plugins.module_utils._redact import secret_forms

from test_event_source import rulebook  # noqa: F401  pylint: disable=unused-import  # the fixture
from test_gate_reports import gate_with_reports, metrics  # noqa: F401  pylint: disable=unused-import

GATE = 'melissa.cicero.check_credits'
INJECTED = 'INJECTED-42'  # what the simulator's template error would print if Ansible rendered it
# A line that GitHub Actions would read as a workflow command, or a terminal escape sequence.
# The gate's own annotations (::error title=Cicero credits::) are the only workflow commands allowed.
WORKFLOW_COMMAND = re.compile(r'^\s*::(?!(error|warning) title=Cicero credits::)', re.M)
CONTROL = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]')


def assert_inert(text):
    """No API text became a workflow command, a terminal control, or a rendered template."""
    assert not WORKFLOW_COMMAND.search(text), WORKFLOW_COMMAND.search(text)
    assert not CONTROL.search(text), repr(CONTROL.search(text))
    assert INJECTED not in text


def test_the_gate_under_github_actions_prints_no_command_or_escape_of_the_api(gate_with_reports):
    run, files = gate_with_reports('control_error')
    assert run.rc == 2, run.output
    # The gate's own annotation is one escaped command; the API's forged ones are inert text inside lines.
    commands = [line for line in run.stdout.splitlines() if line.startswith('::')]
    assert commands == ['::error title=Cicero credits::Cicero credits could not be read: Cicero API error (HTTP 400): '
                        'Invalid key. ::error title=Forged::forged annotation  ::add-mask::masked ]0;owned title  '
                        '[2Jcleared esrever']
    assert_inert(run.output)
    for name, text in files.items():
        assert not CONTROL.search(text), name
    assert [line for line in files['outputs'].splitlines() if line.startswith('passed=')] == ['passed=false']
    assert '```text\nCicero credits could not be read: Cicero API error (HTTP 400): Invalid key. ::error' in \
        files['summary']


def test_an_api_error_written_as_a_template_is_never_rendered_by_the_gate(gate_with_reports):
    # XML's errors meet the same cleaning where they are decoded (tests/unit/plugins/plugin_utils/test_watch.py).
    run, files = gate_with_reports('template_error')
    assert run.rc == 2
    assert "Cicero API error (HTTP 400): { { lookup('pipe', 'echo INJECTED-$((6*7))') }}" in run.output
    assert_inert(run.output + ''.join(files.values()))


def test_a_healthy_account_at_a_pace_too_slow_for_a_date_passes_the_gate(ansible, simulator):
    run = ansible(['ansible-playbook', GATE, '-e', 'assert_credits_min_runway_days=30',
                   '-e', 'assert_credits_burn_rate_from=usage'],
                  env=dict(MELISSA_CICERO_API_URL=simulator.url('tiny_pace')))
    assert run.rc == 0, run.output
    assert 'Cicero credits OK: 10,000,000 usable (10,000,000 balance), 1 required, runway ' in run.flat_output
    assert 'out of range' not in run.output


def test_a_bad_read_after_a_good_one_rewrites_every_report(ansible, simulator, tmp_path):
    out = tmp_path / 'reports'
    out.mkdir()
    reports = {fmt: str(out / ('cicero.' + fmt)) for fmt in ('openmetrics', 'dotenv', 'json', 'junit', 'markdown')}
    vars_file = tmp_path / 'vars.yml'
    vars_file.write_text(yaml.safe_dump(dict(assert_credits_reports=reports)))
    first = ansible(['ansible-playbook', GATE, '-e', '@' + str(vars_file)],
                    env=dict(MELISSA_CICERO_API_URL=simulator.url('healthy')))
    assert first.rc == 0 and metrics(open(reports['openmetrics']).read())['melissa_cicero_up'] == 1
    # Two of the hostile answers (the unit tests meet every one): a parser's refusal and a 100 KB error.
    for scenario in ('deep_nesting', 'long_error'):
        run = ansible(['ansible-playbook', GATE, '-e', '@' + str(vars_file)],
                      env=dict(MELISSA_CICERO_API_URL=simulator.url(scenario)))
        assert run.rc == 2, (scenario, run.output)
        assert 'Traceback' not in run.output and 'out of range' not in run.output
        shown = metrics(open(reports['openmetrics']).read())
        assert (shown['melissa_cicero_up'], shown['melissa_cicero_gate_passed']) == (0, 0), scenario
        assert 'CICERO_PASSED=false' in open(reports['dotenv']).read()
        assert sorted(os.listdir(out)) == sorted(os.path.basename(path) for path in reports.values())  # no .partial
        assert len(run.output) < 20000, scenario  # the 100 KB error is cut to its bound


@pytest.mark.parametrize('entry', ['module', 'lookup'])
def test_the_module_and_the_lookup_print_no_command_or_escape_of_the_api(ansible, simulator, entry):
    url = simulator.url('control_error')
    if entry == 'module':
        argv = ['ansible', 'localhost', '-m', 'melissa.cicero.melissa_credits_info', '-a', 'api_url=' + url]
    else:
        argv = ['ansible', 'localhost', '-m', 'ansible.builtin.debug', '-a',
                "msg={{{{ lookup('melissa.cicero.credits', api_url='{0}') }}}}".format(url)]
    run = ansible(argv)
    assert run.rc != 0
    assert 'Invalid key. ::error title=Forged::forged annotation' in run.output
    assert_inert(run.output)


def test_a_redirect_is_refused_by_the_module_naming_where_it_pointed(credits_adhoc, simulator):
    run, result = credits_adhoc(simulator.url('redirect'))
    assert result['msg'].startswith('Cicero API answered GET {0}/account/credits_remaining with HTTP 302 Found, a '
                                    'redirect to host 127.0.0.1 (http), which is not followed'.format(
                                        simulator.url('redirect')))
    assert result['status'] == 302


def test_a_userinfo_password_is_masked_in_the_plain_http_warning(ansible):
    # A documentation address (TEST-NET-1) that nothing answers: the warning comes before the read fails. From
    # the environment, as the docs advise: ansible-core echoes a task's literal -a arguments itself.
    run = ansible(['ansible', 'localhost', '-m', 'melissa.cicero.melissa_credits_info', '-a', 'timeout=0.5 retries=0'],
                  env=dict(MELISSA_CICERO_API_URL='http://gw:UserInfoPw@192.0.2.1/v3.1'))
    # Named as the variable it came from, as every message names an option the task left to its environment.
    assert 'MELISSA_CICERO_API_URL http://gw:********@192.0.2.1/v3.1 is plain http' in run.flat_output
    assert 'UserInfoPw' not in run.output


RULEBOOK = '''
- name: Hand a Cicero event to a playbook, as the EDA guide's job template does
  hosts: all
  sources:
    - melissa.cicero.credits:
        interval: 30
        retries: 0
  rules:
    - name: Alert with the event's message
      condition: event.cicero_credits.status == "error"
      action:
        run_playbook:
          name: {playbook}
'''
PLAYBOOK = '''
- name: Alert
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Show the message
      ansible.builtin.debug:
        msg: "ALERT[{{ ansible_eda.event.cicero_credits.message }}]"
'''


@pytest.mark.rulebook
def test_an_api_error_in_an_event_is_never_rendered_by_the_playbook_a_rulebook_runs(rulebook, fresh_simulator,
                                                                                    tmp_path):
    (tmp_path / 'alert.yml').write_text(PLAYBOOK)
    rulebook_file = tmp_path / 'alert-rulebook.yml'
    rulebook_file.write_text(RULEBOOK.format(playbook=tmp_path / 'alert.yml'))
    inventory = tmp_path / 'inventory.ini'  # run_playbook hands the playbook an inventory file, not a list
    inventory.write_text('localhost ansible_connection=local ansible_python_interpreter={0}\n'.format(sys.executable))
    rc, output = rulebook(str(rulebook_file), {}, done=lambda output: 'ALERT[' in output and 'PLAY RECAP' in output,
                          env=dict(MELISSA_CICERO_API_URL=fresh_simulator.url('template_error')),
                          inventory=str(inventory))
    assert "ALERT[Cicero credits could not be read: Cicero API error (HTTP 400): { { lookup('pipe', 'echo " \
           "INJECTED-$((6*7))') }}]" in output, output
    assert INJECTED not in output
    assert [form for form in secret_forms(LICENSE_KEY) if form in output] == []
