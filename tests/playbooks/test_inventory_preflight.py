"""Run the real playbooks against bad inventories: each must stop at once, non-zero.

A cloud plan the cloud_plan plugin refuses must stop `site.yml` and
`ansible-inventory` with the plugin's message (ansible.cfg: any_unparsed_is_failed),
not run every play against an empty inventory and exit 0. An inventory
without a host in a group the run needs must stop at the first play
(playbooks/preflight.yml), on the deploy host, naming the groups it has.

No host is touched: the refused runs end before any play or in the preflight
play on localhost; the accepted runs use hosts whose connection plugin does
not exist, so the first task that would reach them fails instead.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"

# The refused plans of tests/playbooks/data and the words of each refusal.
BAD_PLANS = {
    "overlapping_networks": "cloud plan: networks 'management' (172.29.236.0/22) and 'storage' (172.29.237.0/24) overlap",
    "misspelt_key": "cloud plan: unknown key in network 'management': 'reserverd'; valid: cidr, reserved",
    "network_too_small": (
        "cloud plan: network 'management' (172.29.236.0/30) is too small: the plan has 3 hosts"
        " but the network has only 1 free addresses"
    ),
    "fixed_address_twice": (
        "cloud plan: fixed management address 172.29.236.200 is given to both 'compute1' and 'compute2'"
    ),
}
# A connection plugin that does not exist: a task that would reach such a
# host fails at once, so an accepted run proves it got past the preflight
# without touching anything.
NO_CONNECTION = "opendeploy_test_no_such_connection"
# Seconds, not minutes: the refusals need no host. Loose, for loaded machines.
FAST = 30


def run(
    *command: str, scenario: str | None = None, env_extra: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, str, float]:
    """Run an Ansible tool from the repository root with the project's ansible.cfg."""
    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default", **(env_extra or {}))
    env.pop("SCENARIO", None)
    if scenario is not None:
        env["SCENARIO"] = scenario
    start = time.monotonic()
    result = subprocess.run(list(command), cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    # Undo the callback's line folding for the message checks.
    return result, " ".join((result.stdout + result.stderr).split()), time.monotonic() - start


def recap(output: str) -> dict[str, dict[str, int]]:
    """Host -> counters of the PLAY RECAP (output with its lines unfolded)."""
    tail = output[output.index("PLAY RECAP"):]
    return {host: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counters)}
            for host, counters in re.findall(r"(\S+) : ((?:\w+=\d+\s*)+)", tail)}


def inventory(tmp_path: Path, groups: dict[str, list[str]], connection: str = "local") -> Path:
    """A static YAML inventory of ``groups`` (group -> hosts)."""
    lines = ["all:", "  vars:", f"    ansible_connection: {connection}", "  children:"]
    for group, hosts in groups.items():
        lines += [f"    {group}:", "      hosts:" + ("" if hosts else " {}")]
        lines += [f"        {host}:" for host in hosts]
    path = tmp_path / "hosts.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def assert_refused_in_preflight(output: str, returncode: int, seconds: float) -> None:
    """Stopped by the preflight play on the deploy host: nothing reached a host."""
    assert returncode != 0, output[-3000:]
    assert seconds < FAST, f"took {seconds:.1f}s"
    assert "Gathering Facts" not in output
    assert "Prepare every host" not in output
    assert "PLAY [Load the scenario]" not in output
    counts = recap(output)
    assert list(counts) == ["localhost"], counts
    assert counts["localhost"]["failed"] == 1 and counts["localhost"]["changed"] == 0, counts


@pytest.mark.parametrize("plan", BAD_PLANS, ids=BAD_PLANS)
def test_refused_cloud_plan_stops_site_yml_with_the_plugins_message(plan: str) -> None:
    result, output, seconds = run("ansible-playbook", "-i", str(DATA / f"{plan}.cloud_plan.yml"), "site.yml")
    assert result.returncode != 0, output[-3000:]
    assert seconds < FAST, f"took {seconds:.1f}s"
    assert BAD_PLANS[plan] in output
    assert "Completely failed to parse inventory source" in output
    # Stopped while reading the inventory: not one play started.
    assert "PLAY [" not in output and "PLAY RECAP" not in output


@pytest.mark.parametrize("plan", BAD_PLANS, ids=BAD_PLANS)
def test_refused_cloud_plan_fails_ansible_inventory(plan: str) -> None:
    result, output, _seconds = run("ansible-inventory", "-i", str(DATA / f"{plan}.cloud_plan.yml"), "--graph")
    assert result.returncode != 0, output[-3000:]
    assert BAD_PLANS[plan] in output
    assert "@all" not in result.stdout


def test_refused_cloud_plan_stops_site_yml_even_with_ansibles_default_settings() -> None:
    # An operator's own configuration, without any_unparsed_is_failed: Ansible
    # only warns and goes on with an empty inventory, where the preflight
    # play finds no controller and stops the run.
    defaults = {"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "false", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "false"}
    plan = str(DATA / "misspelt_key.cloud_plan.yml")
    result, output, seconds = run("ansible-playbook", "-i", plan, "site.yml", env_extra=defaults)
    assert_refused_in_preflight(output, result.returncode, seconds)
    assert BAD_PLANS["misspelt_key"] in output
    assert "Groups with hosts in this inventory: none (the inventory has no host at all)." in output


def test_missing_inventory_source_is_an_error_too(tmp_path: Path) -> None:
    result, output, _seconds = run("ansible-playbook", "-i", str(tmp_path / "no-such.cloud_plan.yml"), "site.yml")
    assert result.returncode != 0
    assert "Completely failed to parse inventory source" in output


def test_example_plan_still_parses() -> None:
    result, output, _seconds = run("ansible-inventory", "-i", "inventories/multinode/cloud_plan.yml", "--graph")
    assert result.returncode == 0, output
    assert "WARNING" not in output


def test_inventory_without_controllers_stops_site_yml_before_any_host(tmp_path: Path) -> None:
    hosts = inventory(tmp_path, {"computes": ["compute1", "compute2"], "storage": ["storage1"], "ceph_osds": []})
    result, output, seconds = run("ansible-playbook", "-i", str(hosts), "site.yml")
    assert_refused_in_preflight(output, result.returncode, seconds)
    assert (
        "The inventory has no host in controllers: this run needs at least one host in each of"
        " controllers, computes (scenario lvm). Groups with hosts in this inventory:"
        " computes (2 hosts), storage (1 host). Nothing was contacted or changed." in output
    )


def test_inventory_without_controllers_stops_a_limited_run_too(tmp_path: Path) -> None:
    # --limit leaves no room for a play on localhost: the check runs for the
    # first limited host, delegated to the deploy host.
    hosts = inventory(tmp_path, {"computes": ["compute1", "compute2"]})
    result, output, seconds = run("ansible-playbook", "-i", str(hosts), "site.yml", "--limit", "compute2")
    assert result.returncode != 0, output[-3000:]
    assert seconds < FAST, f"took {seconds:.1f}s"
    assert "The inventory has no host in controllers" in output
    assert "Gathering Facts" not in output and "Prepare every host" not in output
    assert recap(output)["compute2"]["failed"] == 1
    assert recap(output)["compute2"]["changed"] == 0


def test_empty_inventory_stops_site_yml_instead_of_skipping_every_play(tmp_path: Path) -> None:
    empty = tmp_path / "hosts.yml"
    empty.write_text("all:\n  hosts: {}\n")
    result, output, seconds = run("ansible-playbook", "-i", str(empty), "site.yml")
    assert_refused_in_preflight(output, result.returncode, seconds)
    assert "The inventory has no host in controllers, computes:" in output
    assert "Groups with hosts in this inventory: none (the inventory has no host at all)." in output


def test_ceph_scenario_needs_ceph_osds(tmp_path: Path) -> None:
    hosts = inventory(tmp_path, {"controllers": ["aio1"], "computes": ["aio1"], "storage": ["aio1"], "ceph_osds": []})
    result, output, seconds = run("ansible-playbook", "-i", str(hosts), "site.yml", scenario="aio_ceph")
    assert_refused_in_preflight(output, result.returncode, seconds)
    assert (
        "The inventory has no host in ceph_osds: this run needs at least one host in each of"
        " controllers, computes, ceph_osds (scenario aio_ceph)." in output
    )


@pytest.mark.parametrize(
    ("playbook", "groups", "missing"),
    [
        ("playbooks/smoke.yml", {"computes": ["compute1"]}, "controllers"),
        ("playbooks/hosts_file.yml", {"controllers": ["controller1"]}, "computes"),
        ("playbooks/audit_base_images.yml", {"controllers": ["controller1"]}, "computes"),
        ("playbooks/control_plane.yml", {"computes": ["compute1"]}, "controllers"),
        ("playbooks/drbd.yml", {"controllers": ["controller1"]}, "storage"),
    ],
)
def test_operator_playbooks_refuse_an_inventory_without_their_group(
    tmp_path: Path, playbook: str, groups: dict[str, list[str]], missing: str
) -> None:
    hosts = inventory(tmp_path, groups)
    result, output, seconds = run("ansible-playbook", "-i", str(hosts), playbook)
    assert_refused_in_preflight(output, result.returncode, seconds)
    assert f"The inventory has no host in {missing}:" in output


@pytest.mark.parametrize(
    ("scenario", "groups"),
    [
        # inventories/container and molecule/aio-control: no storage host
        # (make aio adds one at run time, or none); storage is never required.
        ("lvm", {"controllers": ["aio1"], "computes": ["aio1"], "ceph_osds": ["aio1"]}),
        ("aio_lvm", {"controllers": ["aio1"], "computes": ["aio1"]}),
        ("aio_ceph", {"controllers": ["aio1"], "computes": ["aio1"], "ceph_osds": ["aio1"]}),
    ],
)
def test_inventory_with_the_needed_groups_gets_past_the_preflight(
    tmp_path: Path, scenario: str, groups: dict[str, list[str]]
) -> None:
    hosts = inventory(tmp_path, groups, connection=NO_CONNECTION)
    result, output, _seconds = run("ansible-playbook", "-i", str(hosts), "site.yml", scenario=scenario)
    # The preflight passed; the next play failed on the missing connection plugin.
    assert "PLAY [Load the scenario]" in output, output[-3000:]
    assert f"the connection plugin '{NO_CONNECTION}' was not found" in output
    counts = recap(output)
    assert counts["localhost"]["ok"] == 2 and counts["localhost"]["failed"] == 0
    assert all(host["changed"] == 0 for host in counts.values())


def test_group_check_sees_hosts_added_at_run_time(tmp_path: Path) -> None:
    # As make aio does (playbooks/aio_container.yml adds its storage host with
    # add_host before importing site.yml): here the controller is added.
    hosts = inventory(tmp_path, {"computes": ["compute1"]}, connection=NO_CONNECTION)
    result, output, _seconds = run("ansible-playbook", "-i", str(hosts), "tests/playbooks/add_controller_then_site.yml")
    assert "PLAY [Load the scenario]" in output, output[-3000:]
    assert "The inventory has no host in" not in output
    assert recap(output)["localhost"]["failed"] == 0
