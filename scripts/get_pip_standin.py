"""Offline stand-in for get-pip.py, which ansible-test downloads from a host these machines cannot reach.

ansible-test runs the cached get_pip_<version>.py as __main__ inside each new virtual environment with
pip-install arguments plus get-pip's own --no-setuptools/--no-wheel. We bootstrap pip from the
interpreter's ensurepip and install the same packages from the configured registry instead.
scripts/ansible-test.sh puts this file in the cache folder, under a HOME inside .build/.
"""

import os
import subprocess
import sys


def main():
    # ensurepip clears every PIP_* variable and nulls PIP_CONFIG_FILE in this process, which would hide
    # the machine's index and certificate settings from the install that follows: restore them.
    saved = dict(os.environ)
    import ensurepip
    ensurepip.bootstrap(upgrade=True)
    os.environ.clear()
    os.environ.update(saved)
    arguments = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
    # --no-compile: byte-compiling every installed file costs more than compiling, on import, the few a
    # test uses; these environments live for a test run.
    sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install', '--no-compile', '--disable-pip-version-check']
                             + arguments))


if __name__ == '__main__':
    main()
