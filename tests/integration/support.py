"""Shared by the integration conftest and tests (a plain module: conftest is not importable by name)."""

import json
import os
import subprocess
import sys
import urllib.request

SIMULATOR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'simulator',
                         'cicero_simulator.py')

# Characters that URL-encoding changes, on purpose: the leak tests look for every spelling.
LICENSE_KEY = 'int-key/with space+plus&eq='


class Simulator:
    def __init__(self, process, base_url):
        self.process = process
        self.base_url = base_url                 # http://127.0.0.1:PORT/v3.1
        self.root = base_url[:-len('/v3.1')]

    def url(self, scenario='healthy', shape=None):
        return '/'.join([self.root, scenario] + ([shape] if shape else []) + ['v3.1'])

    def reset(self):
        urllib.request.urlopen(urllib.request.Request(self.root + '/_reset', method='POST'), timeout=5).read()

    def stats(self):
        with urllib.request.urlopen(self.root + '/_stats', timeout=5) as answer:
            return json.load(answer)

    def requests(self):
        return self.stats()['requests']

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def start_simulator(*args):
    process = subprocess.Popen([sys.executable, SIMULATOR, '--port', '0', '--lifetime', '3600',
                                '--slow-seconds', '4'] + list(args), stdout=subprocess.PIPE, text=True)
    return Simulator(process, process.stdout.readline().strip())


def read_dotenv(text, folder):
    """The CICERO_* variables of a dotenv report as a shell reads it (`set -a; . file`)."""
    path = os.path.join(str(folder), 'read.env')
    with open(path, 'w') as handle:
        handle.write(text)
    shown = subprocess.run(['bash', '-c', 'set -a; . "$1"; env -0', 'bash', path], capture_output=True,
                           check=True, env={'PATH': os.environ['PATH']}).stdout.decode()
    return dict(item.split('=', 1) for item in shown.split('\0') if item.startswith('CICERO_'))
