"""Run a module's main() in-process, exactly as Ansible would, and read the JSON it prints.

exit_json and fail_json are not mocked: the printed result is the real one, with the real no_log
masking and `invocation`, so the tests see what a user would.
"""

import json
import sys

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes


@pytest.fixture
def run_module(monkeypatch, capsys):
    def run(main, args):
        payload = {'ANSIBLE_MODULE_ARGS': dict(args, _ansible_remote_tmp='/tmp', _ansible_keep_remote_files=False)}
        monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps(payload)))
        if hasattr(basic, '_ANSIBLE_PROFILE'):  # ansible-core 2.19+ also reads the serialization profile
            monkeypatch.setattr(basic, '_ANSIBLE_PROFILE', 'legacy')
        # A module process is never the controller; importing controller code in the same test session
        # (the action tests) marks it as one in 2.19+, which would send module warnings to the display.
        internal = sys.modules.get('ansible.module_utils._internal')  # 2.19+ only
        if hasattr(internal, 'is_controller'):
            monkeypatch.setattr(internal, 'is_controller', False)
        with pytest.raises(SystemExit) as caught:
            main()
        printed = capsys.readouterr().out
        result = json.loads(printed)
        result['_exit_code'] = caught.value.code
        result['_printed'] = printed
        return result

    return run
