"""The CI and monitoring examples of the gate guide (docs/examples/ci/) parse, and they name only reports,
outputs and metrics the gate writes."""

import json
import os
import re
import subprocess

import yaml

from ansible_collections.melissa.cicero.plugins.plugin_utils._policy import POLICY_DEFAULTS, evaluate
from ansible_collections.melissa.cicero.plugins.plugin_utils import _github, _reports

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                        'docs', 'examples', 'ci')
EXTRA_JSON = re.compile(r"-e '(\{.*?\})'", re.S)


def text(name):
    with open(os.path.join(EXAMPLES, name)) as handle:
        return handle.read()


def reports_in(command):
    """The assert_credits_reports dict of the command's -e '{...}' (folded YAML joins lines with spaces)."""
    found = [json.loads(match) for match in EXTRA_JSON.findall(command)]
    return [extra['assert_credits_reports'] for extra in found if 'assert_credits_reports' in extra][0]


def test_github_actions_job_uses_an_output_the_gate_writes():
    workflow = yaml.safe_load(text('github-actions.yml'))
    steps = workflow['jobs']['deploy']['steps']
    gate = [step for step in steps if step.get('id') == 'cicero'][0]
    assert 'melissa.cicero.check_credits' in gate['run'] and 'MELISSA_LICENSE_KEY' in gate['env']
    assert set(reports_in(gate['run'])) <= set(_reports.FORMATS)
    used = re.findall(r'steps\.cicero\.outputs\.(\w+)', json.dumps(steps[steps.index(gate) + 1:]))
    written = [line.split('=')[0] for line in _github.output_lines(evaluate(FIGURES, POLICY_DEFAULTS)).splitlines()]
    assert used and set(used) <= set(written), used


FIGURES = dict(credit_balance=1, overdraft_limit=0, available_credits=1, credits_expiring_soon=0,
               expiring_within_days=30, next_expiration=None, usable_batches=[])


def test_gitlab_job_declares_the_reports_the_gate_writes():
    pipeline = yaml.safe_load(text('gitlab-ci.yml'))
    job = pipeline['cicero-credits']
    written = reports_in(' '.join(job['script']))
    declared = job['artifacts']['reports']
    assert declared == {'junit': written['junit'], 'metrics': written['openmetrics'], 'dotenv': written['dotenv']}
    assert job['artifacts']['when'] == 'always'
    later = ' '.join(pipeline['deploy']['script'])
    names = [name for name, value in _reports.dotenv_values(evaluate(FIGURES, POLICY_DEFAULTS))]
    assert set(re.findall(r'\$(CICERO_\w+)', later)) <= set(names)


def test_jenkins_stage_publishes_the_junit_report_it_writes():
    jenkinsfile = text('Jenkinsfile')
    depth = 0
    for char in jenkinsfile:
        depth += {'{': 1, '}': -1}.get(char, 0)
        assert depth >= 0, 'a } closes nothing'
    assert depth == 0, 'a { is never closed'
    written = reports_in(jenkinsfile)
    # The report is published whatever the gate decided (post/always of the gate's own stage), and the
    # deployment is a later stage, which a failed gate stops.
    gate = re.search(r"stage\('Cicero credits'\) \{.*?post \{\s*always \{\s*junit '([^']+)'", jenkinsfile, re.S)
    assert gate and gate.group(1) == written['junit']
    assert jenkinsfile.index("stage('Deploy')") > gate.end()
    assert "MELISSA_LICENSE_KEY = credentials('melissa-license-key')" in jenkinsfile


# minute, hour, day of month, month, day of week: *, a number or a range, a step, lists of them
CRON_FIELD = re.compile(r'^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$')
CRON_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


def test_cron_line_writes_the_textfile_the_rules_read():
    line, = [line for line in text('cicero-credits.cron').splitlines() if line and not line.startswith('#')]
    fields = line.split(None, 6)
    for field, (low, high) in zip(fields[:5], CRON_BOUNDS):
        assert CRON_FIELD.match(field), field
        numbers = [int(number) for number in re.findall(r'(?<!/)\b\d+', field)]
        assert all(low <= number <= high for number in numbers), field
    assert fields[5] == 'cicero'  # /etc/cron.d lines name the user
    assert reports_in(fields[6])['openmetrics'].endswith('.prom')


def test_prometheus_rules_use_only_metrics_the_gate_writes():
    rules = [rule for group in yaml.safe_load(text('prometheus-rules.yml'))['groups'] for rule in group['rules']]
    used = {name for rule in rules for name in re.findall(r'\bmelissa_cicero_\w+', rule['expr'])}
    assert {'melissa_cicero_available_credits', 'melissa_cicero_runway_seconds'} <= used
    assert used <= {name for name, help_text, value_of in _reports.GAUGES}


def promtool(*args, cwd=None):
    """The real promtool (Debian's prometheus package, installed by `make tools`): a missing one fails."""
    return subprocess.run(['promtool'] + list(args), capture_output=True, text=True, check=False, cwd=cwd)


def test_promtool_accepts_the_alerting_rules():
    checked = promtool('check', 'rules', os.path.join(EXAMPLES, 'prometheus-rules.yml'))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert 'SUCCESS: 6 rules found' in checked.stdout, checked.stdout


def test_the_predict_linear_rule_fires_for_a_draining_account_and_not_for_a_quiet_one(tmp_path):
    # 2,000 credits spent every 15 minutes: 192,000 a day, so 100,000 credits are gone within a week.
    (tmp_path / 'rules-test.yml').write_text(yaml.safe_dump({
        'rule_files': [os.path.join(EXAMPLES, 'prometheus-rules.yml')],
        'evaluation_interval': '1m',
        'tests': [{
            'interval': '15m',
            'input_series': [
                {'series': 'melissa_cicero_available_credits{account="prod"}', 'values': '100000-2000x40'},
                {'series': 'melissa_cicero_available_credits{account="quiet"}', 'values': '100000x40'}],
            'alert_rule_test': [{
                'eval_time': '8h', 'alertname': 'CiceroCreditsRunOutThisWeek',
                'exp_alerts': [{'exp_labels': {'severity': 'warning', 'account': 'prod'}, 'exp_annotations': {
                    'summary': "Cicero credits of prod run out within a week at the last 6 hours' pace"}}]}],
        }]}))
    tested = promtool('test', 'rules', 'rules-test.yml', cwd=str(tmp_path))
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_eda_guide_names_every_variable_the_rulebooks_read():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    guide = open(os.path.join(repo, 'docs', 'watch-credits-with-eda.md')).read()
    rulebooks = os.path.join(repo, 'extensions', 'eda', 'rulebooks')
    read = set()
    for name in os.listdir(rulebooks):
        read.update(re.findall(r'\b(cicero_\w+)\b', open(os.path.join(rulebooks, name)).read()))
    assert len(read) >= 10, read
    assert sorted(variable for variable in read if '`{0}`'.format(variable) not in guide) == []


def test_every_ci_example_says_no_inventory_is_needed():
    """A bare ansible-playbook melissa.cicero.check_credits warns twice about the inventory it does not need."""
    for name in ('github-actions.yml', 'gitlab-ci.yml', 'Jenkinsfile'):
        example = text(name)
        for variable in ('ANSIBLE_INVENTORY_UNPARSED_WARNING', 'ANSIBLE_LOCALHOST_WARNING'):
            assert re.search(variable + r"""['"]?\s*[:=]\s*['"]false['"]""", example), (name, variable)


def test_the_two_accounts_vars_file_gives_every_variable_the_rulebook_needs():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    rulebook = open(os.path.join(repo, 'extensions', 'eda', 'rulebooks', 'watch_two_accounts.yml')).read()
    given = yaml.safe_load(open(os.path.join(repo, 'docs', 'examples', 'eda', 'watch-two-accounts.vars.yml')))
    read = set(re.findall(r'\{\{ (cicero_\w+)', rulebook))
    assert set(given) == read, (sorted(given), sorted(read))
    guide = open(os.path.join(repo, 'docs', 'watch-credits-with-eda.md')).read()
    assert '--vars docs/examples/eda/watch-two-accounts.vars.yml' in guide
