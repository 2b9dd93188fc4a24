"""No secret reaches Ansible's output.

Runs the scenario's converge playbook (the real site.yml) once more against
the instance, verbosely and in diff mode, and looks for every generated
secret in what Ansible printed. The run must also change nothing.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import load_secrets


def test_a_verbose_converge_prints_no_secret() -> None:
    playbook = Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"]) / "converge.yml"
    run = subprocess.run(
        ["ansible-playbook", "-i", os.environ["MOLECULE_INVENTORY_FILE"], "-v", "--diff", str(playbook)],
        capture_output=True, text=True, check=False, timeout=1200,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    leaked = [name for name, value in load_secrets().items() if value in output]
    assert not leaked, f"secrets printed by Ansible: {leaked}"
    recap = output[output.rindex("PLAY RECAP"):]
    assert "changed=0" in recap and "failed=0" in recap, recap
