"""Every spelling of a secret is masked."""

from ansible_collections.melissa.cicero.plugins.module_utils._redact import MASK, Redactor, secret_forms, userinfo_secrets


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


def test_a_password_in_a_urls_userinfo_is_masked_known_or_not():
    redact = Redactor()
    assert redact('reaching http://u:SECRET@127.0.0.1:1/v3.1 and https://gw-user:p%40ss@gw.example/v3.1 failed') == (
        'reaching http://u:{0}@127.0.0.1:1/v3.1 and https://gw-user:{0}@gw.example/v3.1 failed'.format(MASK))
    # A lone userinfo may be a token: all of it goes.
    assert redact('proxy https://ghp_token123@proxy.example:3128') == 'proxy https://{0}@proxy.example:3128'.format(MASK)
    assert redact('mail me at someone@example.com') == 'mail me at someone@example.com'


def test_userinfo_secrets_are_the_password_plain_and_decoded():
    assert userinfo_secrets('https://u:p%40ss@gw.example/v3.1') == ['p%40ss', 'p@ss']
    assert userinfo_secrets('https://token@gw.example') == ['token', 'token']
    assert userinfo_secrets('https://gw.example/v3.1') == [] and userinfo_secrets(None) == []
