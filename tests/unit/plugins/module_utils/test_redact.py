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


def test_a_password_with_an_unencoded_at_sign_is_split_at_the_last_at_as_urlsplit_does():
    url = 'http://gw:Pass@word@gw.example:8080/v3.1'
    assert userinfo_secrets(url) == ['Pass@word', 'Pass@word']
    assert Redactor()('at ' + url + ' x') == 'at http://gw:{0}@gw.example:8080/v3.1 x'.format(MASK)
    assert Redactor()('https://tok@en@h/ and http://u:p@h/') == 'https://{0}@h/ and http://u:{0}@h/'.format(MASK)
    # The authority ends at / ? # or a space: an @ after it is no userinfo.
    assert Redactor()('https://h/path?mail=a@b.example #x@y') == 'https://h/path?mail=a@b.example #x@y'


def test_a_scheme_longer_than_the_pattern_reads_is_still_masked():
    assert Redactor()('x' * 100 + '://user:pw@host') == 'x' * 100 + '://user:{0}@host'.format(MASK)


# Python expressions of adversarial texts, built in the child below.
ADVERSARIAL = [
    "'a' * 200000",                             # a scheme that never ends
    "'a-' * 100000",                            # word boundaries all along it (about 30 s a call before)
    "'a://' + 'b' * 200000",                    # an authority that never ends
    "('a' * 31 + ':') * 6000",                  # schemes without //
    "'a://b:' * 30000",                         # userinfo starts without an @
    "'<' * 200000",
    "'key=' * 50000",
]


def test_redaction_is_linear_on_adversarial_text():
    # Run in a child with a deadline far beyond what linear work takes (well under a second for all of these):
    # the patterns this replaced took minutes on such text, and the child's deadline fails the test.
    import os  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    import sys  # pylint: disable=import-outside-toplevel
    script = ('from ansible_collections.melissa.cicero.plugins.module_utils._redact import Redactor\n'
              'redact = Redactor(["s3cret"])\n'
              'for text in [{0}]: redact(text)\n'
              'print("done")').format(', '.join(ADVERSARIAL))
    done = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, timeout=60, check=False,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.stdout == 'done\n', done.stderr


def test_a_secret_inside_a_longer_one_leaves_nothing_of_the_longer():
    from ansible_collections.melissa.cicero.plugins.module_utils._redact import MASK, Redactor  # pylint: disable=import-outside-toplevel
    for secrets in (['abc', 'abcdef'], ['abcdef', 'abc']):
        assert Redactor(secrets)('x abcdef y abc') == 'x {0} y {0}'.format(MASK)


def test_the_spellings_come_longest_first_and_a_redactor_lists_them():
    forms = secret_forms('a b/c+d')
    assert [len(form) for form in forms] == sorted((len(form) for form in forms), reverse=True)
    redactor = Redactor(['a b/c+d', 'k'])
    assert redactor.forms == forms + ['k']  # what a module adds to its no_log values (_module_entry.py)
