"""No secret reaches Ansible's output.

Reads what Ansible printed during the scenario's converge and idempotence
runs (the shared Molecule base logs it to ANSIBLE_LOG_PATH), then runs the
converge playbook (the real site.yml) once more, verbosely and in diff mode,
and looks for every generated secret in all of it. That third run must also
change nothing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from aio_cloud import converge_playbook, ephemeral_path, load_secrets, run_playbook


def leaked_secrets(output: str) -> list[str]:
    """Names of the generated secrets that appear in ``output``."""
    return [name for name, value in load_secrets().items() if value in output]


def test_the_converge_and_idempotence_runs_printed_no_secret() -> None:
    log = Path(os.environ.get("ANSIBLE_LOG_PATH") or ephemeral_path("ansible.log"))
    output = log.read_text(errors="replace")
    assert "PLAY RECAP" in output, f"{log} holds no Ansible run"
    assert not leaked_secrets(output), f"secrets printed by Ansible: {leaked_secrets(output)}"


def test_a_verbose_converge_in_diff_mode_prints_no_secret() -> None:
    # The whole converge, verbose: with the storage VM as a compute host it
    # took over 20 min at load 12 (aio scenario).
    run = run_playbook(converge_playbook(), "-v", "--diff", timeout=2400)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert not leaked_secrets(output), f"secrets printed by Ansible: {leaked_secrets(output)}"
    recap = output[output.rindex("PLAY RECAP"):]
    assert not re.search(r"(changed|failed|unreachable)=[1-9]", recap), recap
