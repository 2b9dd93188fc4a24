"""Preflight refuses what would hurt, before any change.

Each case runs the real site.yml (the scenario's converge playbook) again
against the converged container with one bad setting, and requires a failed
run, the operator's message, and changed=0 in the recap.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from aio_cloud import NETWORK_AGENT_TYPES, converge_playbook, in_container, ml2_driver, run_playbook


def recap(output: str) -> str:
    return output[output.rindex("PLAY RECAP"):]


def assert_refused(output: str, returncode: int, message: str) -> None:
    assert returncode != 0, output[-4000:]
    assert message in re.sub(r"\s+", " ", output), output[-4000:]
    summary = recap(output)
    assert re.search(r"changed=0\b", summary) and not re.search(r"changed=[1-9]", summary), summary


def test_an_inventory_host_that_does_not_resolve_is_refused(tmp_path: Path) -> None:
    extra = tmp_path / "ghost.yml"
    extra.write_text("all:\n  hosts:\n    ghost-compute-9:\n      ansible_host: 192.0.2.9\n")
    # Every host but the ghost (localhost too: make aio's first play runs
    # there). Limiting to the container alone would leave
    # out the storage VM that make aio's playbook adds at run time, and the
    # container's /etc/hosts would lose it (a change).
    run = run_playbook(converge_playbook(), "-i", str(extra), "--limit", "all:localhost:!ghost-compute-9")
    assert_refused(run.stdout + run.stderr, run.returncode,
                   "these inventory host names do not resolve (getent hosts): ghost-compute-9")


def test_remove_unused_base_images_on_shared_storage_is_refused() -> None:
    overrides = {"nova_instances_path_shared": True,
                 "nova_nova_conf_overrides": {"image_cache": {"remove_unused_base_images": True}}}
    run = run_playbook(converge_playbook(), "-e", json.dumps(overrides))
    assert_refused(run.stdout + run.stderr, run.returncode,
                   "but nova_nova_conf_overrides sets [image_cache] remove_unused_base_images to true")


def test_an_ml2_driver_the_release_cannot_run_is_refused() -> None:
    """Each release runs one ML2 driver (2025.1 removed linuxbridge; OVN needs trixie's OVS): the other stops."""
    deployed = ml2_driver()
    other = next(driver for driver in NETWORK_AGENT_TYPES if driver != deployed)
    codename = re.search(r"^VERSION_CODENAME=(\S+)", in_container("cat", "/etc/os-release"), re.MULTILINE)
    assert codename, "/etc/os-release names no codename"
    run = run_playbook(converge_playbook(), "-e", f"neutron_ml2_driver={other}")
    assert_refused(run.stdout + run.stderr, run.returncode,
                   f"neutron_ml2_driver is '{other}', but Debian {codename.group(1)} runs only {deployed}")


def test_the_preflight_tag_runs_every_check_and_changes_nothing() -> None:
    """`--tags preflight` on the deployed AIO: every role's checks, no change (the README's promise)."""
    started = time.monotonic()
    run = run_playbook(converge_playbook(), "--tags", "preflight")
    seconds = time.monotonic() - started
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    summary = recap(output)
    assert re.search(r"changed=0\b", summary) and not re.search(r"changed=[1-9]", summary), summary
    for check in ("Check that this host runs a Debian release the project deploys", "Check the Keystone addresses",
                  "Check the Glance settings", "Check the Nova settings", "Check the Neutron settings",
                  "Check the Cinder settings"):
        assert check in output, check
    # Installs and configuration stay out of a preflight run.
    assert "Install the Nova control packages" not in output
    print(f"--tags preflight: {seconds:.0f} s")
