"""Build the collection into the folder given, as the tests do: `make collection` runs this."""

import os
import sys

from ansible_collections.melissa.cicero.tests.support import build_collection

print(build_collection(os.path.join(os.path.dirname(sys.executable), 'ansible-galaxy'), sys.argv[1]))
