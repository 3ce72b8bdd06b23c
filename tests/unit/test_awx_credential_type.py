"""The AWX credential type injects exactly the environment variables the collection reads."""

import os
import re

import yaml

from ansible_collections.melissa.cicero.plugins.module_utils import _options

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CREDENTIAL_TYPE = os.path.join(REPO, 'docs', 'awx', 'melissa_cicero_credential_type.yml')


def credential_type():
    with open(CREDENTIAL_TYPE) as handle:
        return yaml.safe_load(handle)


def variables_the_plugins_read():
    """The env variables named by the fallbacks of the shared connection spec (modules, lookup, gate, source)."""
    names = set()
    for option in _options.connection_argument_spec().argument_spec.values():
        fallback = option.get('fallback')
        if fallback:
            assert fallback[0] is _options.env_fallback_unless_empty
            names.update(fallback[1])
    return names


def test_injector_names_are_exactly_the_variables_the_plugins_read():
    injected = set(credential_type()['injectors']['env'])
    assert injected == variables_the_plugins_read() == {
        'MELISSA_LICENSE_KEY', 'MELISSA_CICERO_USERNAME', 'MELISSA_CICERO_PASSWORD', 'MELISSA_CICERO_API_URL'}


def test_each_injector_fills_its_variable_from_the_matching_field():
    kind = credential_type()
    fields = {field['id']: field for field in kind['inputs']['fields']}
    for variable, template in kind['injectors']['env'].items():
        field_id = template.strip('{} ')
        assert field_id in fields, variable
        option = _options.connection_argument_spec().argument_spec[field_id]
        assert option['fallback'][1] == [variable]
        # What the module hides, the credential stores encrypted.
        assert bool(fields[field_id].get('secret')) == bool(option.get('no_log')), field_id


def test_the_file_is_what_the_awx_api_accepts():
    kind = credential_type()
    assert kind['name'] == 'Melissa Cicero' and kind['kind'] == 'cloud'
    assert set(kind) == {'name', 'description', 'kind', 'inputs', 'injectors'}
    assert all(set(field) <= {'id', 'label', 'type', 'secret', 'help_text', 'multiline', 'default'}
               and field['type'] == 'string' for field in kind['inputs']['fields'])


def test_an_empty_injected_variable_counts_as_unset(monkeypatch):
    """AWX injects "" for a field left blank: the API URL then falls back to its default."""
    monkeypatch.setenv('MELISSA_CICERO_API_URL', '')
    monkeypatch.setenv('MELISSA_LICENSE_KEY', 'awx-key')
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    params = ArgumentSpecValidator(_options.connection_argument_spec().argument_spec).validate({}).validated_parameters
    assert (params['api_url'], params['license_key']) == (_options.DEFAULT_API_URL, 'awx-key')


def _version_key(text):
    return tuple(int(part) for part in text.split('.'))


def shipping_version():
    """The version these files ship with: galaxy.yml's, or the newest version_added of an unreleased option."""
    with open(os.path.join(REPO, 'galaxy.yml')) as handle:
        versions = [yaml.safe_load(handle)['version']]
    for folder, dummy, files in os.walk(REPO):
        if not folder.startswith((os.path.join(REPO, 'plugins'), os.path.join(REPO, 'roles'),
                                  os.path.join(REPO, 'extensions'))):
            continue
        for name in files:
            if name.endswith(('.py', '.yml')):
                with open(os.path.join(folder, name)) as handle:
                    versions += re.findall(r"version_added:\s*['\"]?([0-9]+\.[0-9]+\.[0-9]+)", handle.read())
    return max(versions, key=_version_key)


def test_the_environment_images_pin_the_tested_versions_and_this_release():
    """The EE and DE files, and the EE guide's copy, pin their base image by a fixed tag or a digest, and what
    they install by exact versions: the ansible-core, ansible-runner and ansible-rulebook the suite runs, and
    this collection's version; the image is tagged with it."""
    docs = os.path.join(REPO, 'docs')
    version = shipping_version()
    guide = open(os.path.join(docs, 'execution-environments.md')).read()
    block = re.search(r'```yaml\n(.*?)```', guide, re.S).group(1)
    for text in (open(os.path.join(docs, 'execution-environment', 'execution-environment.yml')).read(), block,
                 open(os.path.join(docs, 'decision-environment', 'decision-environment.yml')).read()):
        image = yaml.safe_load(text)
        base = image['images']['base_image']['name']
        assert '@sha256:' in base or re.search(r':[0-9][0-9.]*-[0-9]+$', base), base  # no :latest, no moving tag
        dependencies = image['dependencies']
        # The ansible-core of the default test environment (requirements-dev.txt: 2.19), exactly.
        assert re.match(r'ansible-core==2\.19\.[0-9]+$', dependencies['ansible_core']['package_pip'])
        assert re.match(r'ansible-runner==[0-9.]+$', dependencies['ansible_runner']['package_pip'])
        assert all(re.match(r'[a-z-]+==[0-9.]+$', pin) for pin in dependencies.get('python', []))
        assert dependencies['galaxy']['collections'][0]['version'] == '==' + version
    assert 'registry.example.com/cicero-ee:{0}'.format(version) in guide
