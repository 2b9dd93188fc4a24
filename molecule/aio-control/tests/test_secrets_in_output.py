"""No secret reaches Ansible's output.

Reads what Ansible printed during the scenario's converge and idempotence
runs (the shared Molecule base logs it to ANSIBLE_LOG_PATH) and looks for
every generated secret in it. Then the same in verbose and diff mode: where
the scenario ran its converge and idempotence that way
(OPENDEPLOY_TEST_VERBOSE_DIFF_RUNS=1, the aio scenario, whose converge takes
20 min under TCG), their log is that output, the first run's diffs of every
written file included; elsewhere the converge playbook (the real site.yml)
runs once more, verbosely and in diff mode, and must change nothing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from aio_cloud import converge_playbook, ephemeral_path, load_secrets, run_playbook


def leaked_secrets(output: str) -> list[str]:
    """Names of the generated secrets that appear in ``output``."""
    return [name for name, value in load_secrets().items() if value in output]


def scenario_log() -> str:
    """What Ansible printed during the scenario's converge and idempotence runs."""
    log = Path(os.environ.get("ANSIBLE_LOG_PATH") or ephemeral_path("ansible.log"))
    output = log.read_text(errors="replace")
    assert "PLAY RECAP" in output, f"{log} holds no Ansible run"
    return output


def test_the_converge_and_idempotence_runs_printed_no_secret() -> None:
    output = scenario_log()
    assert not leaked_secrets(output), f"secrets printed by Ansible: {leaked_secrets(output)}"


def test_a_verbose_converge_in_diff_mode_prints_no_secret() -> None:
    if os.environ.get("OPENDEPLOY_TEST_VERBOSE_DIFF_RUNS") == "1":
        output = scenario_log()
        # -v names the configuration file; diff mode shows every file the
        # first run wrote.
        assert re.search(r"Using .* as config file", output), "the scenario's runs were not verbose"
        assert "--- before" in output, "the scenario's runs printed no diff"
        assert not leaked_secrets(output), f"secrets printed by Ansible: {leaked_secrets(output)}"
        return
    run = run_playbook(converge_playbook(), "-v", "--diff", timeout=2400)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert not leaked_secrets(output), f"secrets printed by Ansible: {leaked_secrets(output)}"
    recap = output[output.rindex("PLAY RECAP"):]
    assert not re.search(r"(changed|failed|unreachable)=[1-9]", recap), recap
