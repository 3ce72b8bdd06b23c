"""Each option is declared once (plugins/module_utils/_options.py, plugins/plugin_utils/_gate_options.py): the
documented copies are what scripts/update-option-docs.py writes from the declarations, and every entry point
documents exactly the options, types, defaults, choices and aliases its code validates with."""

import ast
import os
import runpy

import pytest
import yaml

from ansible_collections.melissa.cicero.plugins.module_utils import _options
from ansible_collections.melissa.cicero.plugins.plugin_utils import _gate_options

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_script(*args):
    return runpy.run_path(os.path.join(REPO, 'scripts', 'update-option-docs.py'))['main'](list(args))


def test_every_documented_copy_is_what_the_declarations_write(capsys):
    assert run_script('--check') == 0, capsys.readouterr().out


def documentation(path, name='DOCUMENTATION'):
    """The YAML of a DOCUMENTATION-like string of a Python file, read without importing it."""
    with open(os.path.join(REPO, path), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) == name for target in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError('{0} has no {1}'.format(path, name))


def fragment_options(*names):
    options = {}
    for name in names:
        options.update(documentation('plugins/doc_fragments/{0}.py'.format(name))['options'])
    return options


def summary(options):
    """name -> (type, default, choices, aliases) of documented options."""
    return dict((name, (option.get('type', 'str'), option.get('default'), option.get('choices'),
                        option.get('aliases'))) for name, option in options.items())


def spec_summary(argument_spec):
    return dict((name, (option.get('type', 'str'), option.get('default'), option.get('choices'),
                        option.get('aliases'))) for name, option in argument_spec.argument_spec.items())


@pytest.mark.parametrize('module, fragments, spec', [
    ('melissa_credits_info', ('_connection', '_credits'), _options.credits_argument_spec(_options.MODULE)),
])
def test_the_modules_document_their_argument_spec(module, fragments, spec):
    extends = documentation('plugins/modules/{0}.py'.format(module))['extends_documentation_fragment']
    assert set('melissa.cicero.' + name for name in fragments) <= set(extends)
    assert summary(fragment_options(*fragments)) == spec_summary(spec)


def test_the_lookup_documents_its_argument_spec_and_where_each_option_comes_from():
    documented = documentation('plugins/lookup/credits.py')['options']
    assert summary(documented) == spec_summary(_options.credits_argument_spec(_options.LOOKUP))
    assert documented['license_key']['env'] == [{'name': 'MELISSA_LICENSE_KEY'}]
    for name, option in documented.items():
        assert option['vars'] == [{'name': 'melissa_cicero_' + name}], name
        # A secret is never read from ansible.cfg: it belongs in a vault or the environment.
        assert option.get('ini') == (None if name in ('license_key', 'password') else
                                     [{'section': 'melissa_cicero', 'key': name}]), name


def test_the_action_documents_its_argument_spec():
    own = documentation('plugins/modules/credits_verdict.py')['options']
    documented = dict(fragment_options('_connection', '_credits'), **own)
    assert summary(documented) == spec_summary(_gate_options.gate_argument_spec())


def test_the_event_source_documents_its_argument_spec():
    documented = documentation('extensions/eda/plugins/event_source/credits.py')['options']
    assert summary(documented) == spec_summary(_gate_options.watch_argument_spec())
    assert documented['burn_rate_from']['default'] == 'observed'  # its own readings give the pace


def test_the_role_documents_each_option_it_passes_as_a_variable_with_its_default():
    with open(os.path.join(REPO, 'roles', 'assert_credits', 'meta', 'argument_specs.yml')) as handle:
        documented = yaml.safe_load(handle)['argument_specs']['main']['options']
    with open(os.path.join(REPO, 'roles', 'assert_credits', 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    spec = _gate_options.gate_argument_spec().argument_spec
    expected = {}
    for name in _gate_options.ROLE_OPTIONS:
        option = spec[name]
        text = option['type'] in ('str', 'path') and not option.get('choices')
        # An empty text variable is unset: the environment variable, then the action's default.
        expected['assert_credits_' + name] = ('str' if option['type'] == 'path' else option['type'],
                                              '' if text else option.get('default'), option.get('choices'), None)
    assert summary(documented) == expected
    assert defaults == dict((name, default) for name, (kind, default, choices, aliases) in expected.items())
    assert all(documented[name].get('no_log') for name in ('assert_credits_license_key', 'assert_credits_password'))


def test_a_declaration_is_the_one_place_an_option_is_written():
    """Each name is declared once per entry point, and every entry point takes the connection options."""
    for entry_point in _options.ENTRY_POINTS:
        names = [option.name for option in _gate_options.ALL_OPTIONS if entry_point in option.entry_points]
        assert len(names) == len(set(names)), entry_point
        assert {option.name for option in _options.CONNECTION_OPTIONS} <= set(names), entry_point
