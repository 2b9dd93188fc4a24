"""Run the real playbooks to prove scenario selection, good and bad.

These call ansible-playbook against inventories/aio (this machine, local
connection) and check that a bad scenario word stops the run in its first
play, on the deploy host (playbooks/preflight.yml), before any task reaches
the host.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_playbook(
    playbook: str, scenario: str | None, *extra: str, callback: str = "ansible.builtin.default"
) -> tuple[subprocess.CompletedProcess, float]:
    """Run ansible-playbook from the repository root; return result and seconds."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_STDOUT_CALLBACK=callback)
    env.pop("SCENARIO", None)
    if scenario is not None:
        env["SCENARIO"] = scenario
    start = time.monotonic()
    result = subprocess.run(
        ["ansible-playbook", "-i", "inventories/aio", playbook, *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    return result, time.monotonic() - start


def recap(output: str, host: str = "aio1") -> dict[str, int]:
    """Parse the PLAY RECAP line of ``host``."""
    line = re.search(rf"^{re.escape(host)}\s+:\s+(.*)$", output, re.MULTILINE)
    assert line, output
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line.group(1))}


def test_unknown_scenario_word_stops_site_yml_fast_and_changes_nothing() -> None:
    result, seconds = run_playbook("site.yml", "bogus")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert seconds < 30, f"took {seconds:.1f}s"  # seconds, not minutes; loose for loaded machines
    assert "Unknown scenario word 'bogus'" in output
    assert "Valid words: aio, ceph, drbd, lvm." in output
    # Only the deploy-side resolution ran (the preflight play, on localhost):
    # no task reached the host, which is not even in the recap.
    assert recap(output, "localhost") == {"ok": 0, "changed": 0, "unreachable": 0, "failed": 1,
                                          "skipped": 0, "rescued": 0, "ignored": 0}
    assert not re.search(r"^aio1\s+:", output, re.MULTILINE)
    assert "Prepare every host" not in output
    assert "Gathering Facts" not in output


def test_unknown_word_in_extra_vars_is_refused_too() -> None:
    result, _seconds = run_playbook("site.yml", None, "-e", "scenario=aio_nfs")
    assert result.returncode != 0
    assert "Unknown scenario word 'nfs'" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("scenario", "files", "ceph"),
    [
        (None, ["lvm.yml"], False),
        ("ceph", ["ceph.yml"], True),
        ("aio_ceph", ["aio.yml", "ceph.yml"], True),
    ],
)
def test_scenario_words_load_their_vars_files(scenario: str | None, files: list[str], ceph: bool) -> None:
    result, _seconds = run_playbook("tests/playbooks/show_scenario.yml", scenario, callback="ansible.builtin.json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    shown = report["plays"][-1]["tasks"][-1]["hosts"]["aio1"]["msg"]
    assert shown["files"] == files
    assert shown["ceph_enabled"] is ceph
    assert report["stats"]["aio1"]["changed"] == 0
