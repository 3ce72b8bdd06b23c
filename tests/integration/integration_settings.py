"""Values shared by the integration conftest and tests (a plain module: conftest is not importable by name)."""

# Characters that URL-encoding changes, on purpose: the leak tests look for every spelling.
LICENSE_KEY = 'int-key/with space+plus&eq='
