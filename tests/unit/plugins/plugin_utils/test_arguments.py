"""The gate's and the watch's argument checks as pure functions: value shapes, how a value is shown, near names."""

import pytest

from ansible_collections.melissa.cicero.plugins.module_utils._errors import CiceroOptionError
from ansible_collections.melissa.cicero.plugins.module_utils._options import ArgumentSpec
from ansible_collections.melissa.cicero.plugins.module_utils._shapes import shown
from ansible_collections.melissa.cicero.plugins.plugin_utils._arguments import RoleVariables, validated

OPTIONS = dict(license_key=dict(type='str', no_log=True), api_url=dict(type='str'), burn_window=dict(type='float'),
               retries=dict(type='int'), github=dict(type='bool'), reports=dict(type='dict'),
               expiring_within_days=dict(type='int', default=30))
SPEC = ArgumentSpec(OPTIONS)


@pytest.mark.parametrize('value, text', [
    (None, 'null'), (True, 'true'), (False, 'false'), (5, '5'), (2.5, '2.5'), ('20%', "'20%'"),
    ('x' * 60, "'" + 'x' * 60 + "'"), ('x' * 61, "'" + 'x' * 60 + "...'"), ({'a': 1}, 'a dictionary'),
    ([1], 'a list'), ((1,), 'a list'), ({1}, 'a list'), (object(), 'a value of another kind'),
])
def test_a_value_is_shown_as_the_user_wrote_it_cut_at_60_characters(value, text):
    assert shown(value) == text


@pytest.mark.parametrize('length, fine', [(39, True), (40, True), (41, False)])
def test_a_number_written_in_up_to_40_characters_is_read_as_the_apis_figures_are(length, fine):
    text = '1'.rjust(length, '0')
    if fine:
        assert validated(dict(burn_window=text), SPEC, connection=False)[0]['burn_window'] == 1.0
    else:
        with pytest.raises(CiceroOptionError, match='^burn_window must be '):
            validated(dict(burn_window=text), SPEC, connection=False)


def test_a_switch_compared_by_value():
    assert validated(dict(github=''.join('no')), SPEC, connection=False)[0]['github'] is False


def test_a_prefix_exactly_80_percent_like_the_roles_is_near_and_its_separator_is_not_counted():
    role = RoleVariables('assert_credits', ('min_credits',))
    # 'asset_ceics' is 80% like 'assert_credits' (SequenceMatcher's ratio); with the '_' before the option, 77%.
    assert role.near_names({'asset_ceics_min_credits': 1, 'asset_ceic_min_credits': 1}) == [
        ('asset_ceics_min_credits', 'assert_credits_min_credits')]


def test_an_alias_is_read_as_its_option():
    spec = ArgumentSpec(dict(OPTIONS, license_key=dict(type='str', no_log=True, aliases=['customer_id', 'key'])))
    assert validated(dict(key='k'), spec, connection=False)[0]['license_key'] == 'k'


def test_an_options_own_name_outside_the_family_is_near_compared_by_value():
    role = RoleVariables('assert_credits', ('min_credits', 'account'))
    assert role.near_names({''.join('min_credits'): 1, 'account': 'x'}) == [
        ('min_credits', 'assert_credits_min_credits')]


def test_the_family_is_the_prefix_with_or_without_its_plural_s():
    role = RoleVariables('assert_credits', ('min_credits',))
    with pytest.raises(CiceroOptionError, match='assert_credit_min_credits'):
        role.arguments({'assert_credit_min_credits': 5}, str)  # the singular is the family's too: refused by name
    assert role.arguments({'assert_credix_min_credits': 5, 'assert_credits_min_credits': 1}, lambda value: value) == {
        'min_credits': 1}  # one letter more off is no longer the family's


def test_ansibles_own_messages_are_said_in_the_callers_words():
    spec = ArgumentSpec(dict(OPTIONS, username=dict(type='str'), password=dict(type='str', no_log=True)),
                        required_together=[('username', 'password')])
    role = RoleVariables('assert_credits', tuple(spec.argument_spec))
    with pytest.raises(CiceroOptionError) as raised:
        validated(dict(username='deploy'), spec, role.in_callers_words, connection=False)
    assert 'assert_credits_username' in raised.value.message and 'assert_credits_password' in raised.value.message
    with pytest.raises(CiceroOptionError) as raised:
        validated(dict(username='deploy'), spec, connection=False)
    assert 'username' in raised.value.message and 'assert_credits' not in raised.value.message


def test_a_dictionary_may_be_given_as_json_text_and_a_number_where_text_is_taken():
    params = validated(dict(reports='{"junit": "/tmp/j.xml"}', api_url=5), SPEC, connection=False)[0]
    assert (params['reports'], params['api_url']) == ({'junit': '/tmp/j.xml'}, '5')


def test_an_unset_value_leaves_the_other_arguments_read():
    """An empty text sorted before the others (api_url) is skipped, never the end of the check: the retries after it
    are read, not left to their default."""
    params = validated(dict(api_url='', retries='5', reports='{}'), SPEC, connection=False)[0]
    assert (params['retries'], params['reports'], params['api_url']) == (5, {}, None)


@pytest.mark.parametrize('option', ['min_credits', 'github', 'history_path'])
def test_a_near_prefix_is_found_whatever_the_length_of_the_option(option):
    """The prefix is what is left of the name less the option and its separator, for options of odd and even
    length alike (80% like the role's prefix: the edge)."""
    role = RoleVariables('assert_credits', (option,))
    assert role.near_names({'asset_ceics_' + option: 1}) == [('asset_ceics_' + option, 'assert_credits_' + option)]
