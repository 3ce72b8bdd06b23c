"""Every spelling of a secret is masked."""

from ansible_collections.melissa.cicero.plugins.module_utils._redact import MASK, Redactor, secret_forms


def test_forms_cover_plain_and_url_encoded_spellings():
    assert set(secret_forms('a b/c+d')) == {'a b/c+d', 'a%20b%2Fc%2Bd', 'a+b%2Fc%2Bd', 'a%20b/c%2Bd'}
    assert secret_forms('') == [] and secret_forms(None) == []


def test_redactor_masks_every_form_and_query_parameters():
    redact = Redactor(['a b/c+d'])
    text = redact('x a b/c+d y a%20b%2Fc%2Bd z a+b%2Fc%2Bd ?key=other&format=json')
    assert text == 'x {0} y {0} z {0} ?key={0}&format=json'.format(MASK)


def test_redactor_walks_data():
    redact = Redactor(['s3cret'])
    assert redact.data({'a': ['s3cret', 1], 'b': None}) == {'a': [MASK, 1], 'b': None}
