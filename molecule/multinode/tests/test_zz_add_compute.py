"""Growing the cloud: a third compute joins with `site.yml --limit` on the grown plan.

Runs last (pytest collects test files in name order). grown.cloud_plan.yml
is the scenario's plan plus mn-compute3 (create.yml started its container).
The run is limited to the new host: the controller plays have no host, and
the controller's only change is the cell host discovery the compute role
delegates to it. Then a server boots on the new compute, and
playbooks/hosts_file.yml tells the existing computes the new host's name
(their /etc/hosts only).
"""

from __future__ import annotations

import json
import re
from typing import Any

from mn_plan import GROWN_PLAN, PLAN, group, host_vars
import pytest
from aio_cloud import (assert_journey, compute_services_up, converge_playbook, ephemeral_path, eventually, in_container,
                       ml2_driver, project_path, run_playbook, smoke)

NEW = sorted(set(group(GROWN_PLAN, "computes")) - set(group(PLAN, "computes")))
CONTROLLER = group(PLAN, "controllers")[0]
DISCOVERY = "Map this host into its cell"
CONTROL_UNITS = ("mariadb", "rabbitmq-server", "memcached", "keystone", "glance-api", "placement-api", "nova-api",
                 "nova-conductor", "nova-scheduler", "neutron-api", "neutron-rpc-server")
# The controller's network units, by ML2 driver (with OVN it is also a gateway chassis).
DRIVER_UNITS = {
    "linuxbridge": ("neutron-dhcp-agent", "neutron-linuxbridge-agent"),
    "ovn": ("ovn-ovsdb-server-nb", "ovn-ovsdb-server-sb", "ovn-northd", "ovn-controller", "ovs-vswitchd",
            "neutron-ovn-metadata-agent"),
}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
RESULT = re.compile(r"^(ok|changed|skipping|failed|fatal): \[([^\]]+)\]")


def controller_changes(output: str) -> list[tuple[str, str]]:
    """(task, result label) of every changed result on or delegated to the controller."""
    task, found = "", []
    for line in ANSI.sub("", output).splitlines():
        if line.startswith("TASK ["):
            task = line[len("TASK ["):].rsplit("]", 1)[0]
        match = RESULT.match(line.strip())
        if match and match.group(1) == "changed" and CONTROLLER in match.group(2):
            found.append((task, match.group(2)))
    return found


def main_pids() -> dict[str, str]:
    """The main PID of each control-plane unit on the controller (a restart changes it)."""
    units = CONTROL_UNITS + DRIVER_UNITS[ml2_driver()]
    return {unit: in_container("systemctl", "show", "-p", "MainPID", "--value", unit).strip() for unit in units}


def test_the_grown_plan_adds_one_compute_and_moves_no_host() -> None:
    assert NEW == ["mn-compute3"], NEW
    for name in group(PLAN, "controllers") + group(PLAN, "computes"):
        assert host_vars(GROWN_PLAN, name)["management_address"] == host_vars(PLAN, name)["management_address"]


def test_a_run_limited_to_the_new_compute_changes_only_cell_discovery_on_the_controller() -> None:
    in_container("touch", "/run/opendeploy-before-add-compute")
    pids = main_pids()
    run = run_playbook(converge_playbook(), "--limit", ",".join(NEW), inventory=str(GROWN_PLAN), timeout=3600)
    output = run.stdout + run.stderr
    ephemeral_path("add-compute.log").write_text(output)
    assert run.returncode == 0, output[-6000:]
    recap = ANSI.sub("", output[output.rindex("PLAY RECAP"):])
    assert re.search(rf"^{NEW[0]}\s+:.*failed=0", recap, re.M), recap
    assert CONTROLLER not in recap, recap
    changes = controller_changes(output)
    assert {change[0].split(" : ")[-1] for change in changes} == {DISCOVERY}, changes
    assert in_container("find", "/etc", "-newer", "/run/opendeploy-before-add-compute").strip() == ""
    assert main_pids() == pids


def test_the_new_compute_reports_its_service_up(cloud: Any) -> None:
    services = eventually(lambda: compute_services_up(cloud), timeout=180)
    assert set(NEW) <= {s.host for s in services if s.binary == "nova-compute"}


def test_smoke_boots_a_server_on_the_new_compute() -> None:
    report = ephemeral_path(f"smoke-{NEW[0]}.json")
    run = smoke(report, "-e", "smoke_network=public", "-e", f"smoke_availability_zone=nova:{NEW[0]}")
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    timings = json.loads(report.read_text())
    assert timings["compute_host"] == NEW[0], timings
    assert float(timings["create_to_marker_s"]) >= float(timings["create_to_active_s"]) > 0


def test_the_new_compute_joins_the_tunnel_mesh() -> None:
    """OVN: SSH through a floating IP to a server on the new compute, and its ping to a server on a first compute."""
    if ml2_driver() != "ovn":
        pytest.skip("linuxbridge deploys flat provider networks only: no tunnels")
    figures = assert_journey(ephemeral_path(f"journey-{NEW[0]}.json"), "-e", f"smoke_availability_zone=nova:{NEW[0]}",
                             "-e", f"smoke_availability_zone2=nova:{group(PLAN, 'computes')[0]}")
    assert figures["compute_host"] == NEW[0], figures


def resolves(container: str, name: str) -> str:
    """The address ``name`` resolves to in ``container`` ("" when it does not resolve)."""
    found = in_container("getent", "hosts", name, check=False, instance=container).split()
    return found[0] if found else ""


def test_hosts_file_playbook_lets_the_existing_computes_resolve_the_new_one() -> None:
    old_computes = group(PLAN, "computes")
    new_address = host_vars(GROWN_PLAN, NEW[0])["management_address"]
    assert {resolves(c, NEW[0]) for c in old_computes} == {""}, "the --limit run already told the other computes"
    in_container("touch", "/run/opendeploy-before-hosts-file")
    run = run_playbook(project_path("playbooks", "hosts_file.yml"), inventory=str(GROWN_PLAN), timeout=600)
    output = ANSI.sub("", run.stdout + run.stderr)
    assert run.returncode == 0, output[-6000:]
    recap = output[output.rindex("PLAY RECAP"):]
    for name in old_computes:
        assert re.search(rf"^{name}\s+:.*changed=1\s.*failed=0", recap, re.M), recap
    assert re.search(rf"^{NEW[0]}\s+:.*changed=0\s.*failed=0", recap, re.M), recap
    assert CONTROLLER not in recap, recap
    assert {resolves(c, NEW[0]) for c in old_computes} == {new_address}
    assert in_container("find", "/etc", "-newer", "/run/opendeploy-before-hosts-file").strip() == ""
    again = run_playbook(project_path("playbooks", "hosts_file.yml"), inventory=str(GROWN_PLAN), timeout=600)
    assert again.returncode == 0 and not re.search(r"changed=[1-9]", ANSI.sub("", again.stdout)), again.stdout[-3000:]
