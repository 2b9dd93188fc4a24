"""One controller and two computes from the cloud plan: every compute boots a server.

The tests reach the cloud as an operator does: openstacksdk on the deploy
side against the controller's API (its address from the plan), the
operator's playbooks/smoke.yml pinned to each compute with
smoke_availability_zone=nova:HOST, and podman for what only the hosts know.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest
from mn_plan import PLAN, group, host_vars
from aio_cloud import (assert_journey, compute_services_up, ephemeral_path, eventually, in_container, listeners,
                       load_secrets, ml2_driver, network_agents_alive, smoke)

HOSTS = group(PLAN, "controllers") + group(PLAN, "computes")
COMPUTES = group(PLAN, "computes")
CONTROLLER = group(PLAN, "controllers")[0]
# The plan's external network (cloud_resources_networks): the flat smoke
# boots there, the journey's router and floating IPs use it.
SMOKE_NETWORK = ("-e", "smoke_network=public")
# Computes that run nothing else: they reach the databases only through
# nova-conductor and Neutron's RPC servers.
COMPUTE_ONLY = [name for name in COMPUTES if name not in group(PLAN, "controllers") + group(PLAN, "storage")]


def podman_address(container: str) -> str:
    """The container's address on podman's default network."""
    out = subprocess.run(
        ["podman", "inspect", "--format", '{{(index .NetworkSettings.Networks "podman").IPAddress}}', container],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


@pytest.mark.parametrize("name", HOSTS)
def test_each_container_runs_at_the_address_the_plan_gives_its_host(name: str) -> None:
    planned = host_vars(PLAN, name)
    assert podman_address(planned["ansible_host"]) == planned["management_address"]


@pytest.mark.parametrize("name", HOSTS)
def test_each_host_resolves_every_host_of_the_plan_to_its_planned_address(name: str) -> None:
    container = host_vars(PLAN, name)["ansible_host"]
    for other in HOSTS:
        resolved = in_container("getent", "hosts", other, instance=container).split()
        assert resolved[0] == host_vars(PLAN, other)["management_address"], (name, other, resolved)


@pytest.mark.parametrize("name", COMPUTE_ONLY)
def test_a_compute_only_host_holds_no_database_credentials_under_etc(name: str) -> None:
    """A compromised hypervisor must not own the databases: no connection string, no database password (#19)."""
    container = host_vars(PLAN, name)["ansible_host"]
    passwords = {key: value for key, value in load_secrets().items() if key.endswith("_db_password")}
    assert {"nova_db_password", "neutron_db_password"} <= passwords.keys(), sorted(passwords)
    assert "[keystone_authtoken]" in in_container("cat", "/etc/nova/nova.conf", instance=container)
    patterns = [arg for value in [*passwords.values(), "mysql+pymysql://"] for arg in ("-e", value)]
    # grep exits 1 when nothing matches, 0 with the files that do.
    found = subprocess.run(["podman", "exec", container, "grep", "-rlF", *patterns, "/etc"],
                           capture_output=True, text=True, check=False)
    assert found.returncode == 1, f"{name}: {found.stdout or found.stderr}"


def test_compute_service_list_shows_each_compute_up(cloud: Any) -> None:
    services = eventually(lambda: compute_services_up(cloud), timeout=180)
    computes = {s.host for s in services if s.binary == "nova-compute"}
    assert computes == set(COMPUTES), computes


def test_network_agent_list_shows_the_drivers_agents_on_every_host(cloud: Any) -> None:
    """linuxbridge: its agent everywhere, DHCP on the controller; OVN: a chassis everywhere, the controller the gateway."""
    agents = eventually(lambda: network_agents_alive(cloud), timeout=180)
    hosts = {agent_type: {a.host for a in agents if a.agent_type == agent_type} for agent_type in {a.agent_type for a in agents}}
    if ml2_driver() == "ovn":
        assert hosts["OVN Controller Gateway agent"] == {CONTROLLER}, hosts
        assert hosts["OVN Controller agent"] == set(COMPUTES), hosts
        assert hosts["OVN Metadata agent"] == set(HOSTS), hosts
    else:
        assert hosts["Linux bridge agent"] == set(HOSTS), hosts
        assert hosts["DHCP agent"] == {CONTROLLER}, hosts


def test_each_chassis_terminates_its_tunnels_on_its_tunnel_address() -> None:
    """OVN: every chassis registers its plan tunnel_address as its geneve endpoint (the southbound database's view)."""
    if ml2_driver() != "ovn":
        pytest.skip("linuxbridge deploys flat provider networks only: no tunnels")
    encaps = in_container("ovn-sbctl", "--format=csv", "--data=bare", "--no-headings", "--columns=chassis_name,type,ip",
                          "list", "Encap")
    found = {line.split(",")[0]: tuple(line.split(",")[1:]) for line in encaps.splitlines() if line}
    assert found == {name: ("geneve", host_vars(PLAN, name)["tunnel_address"]) for name in HOSTS}, found


def test_hypervisor_list_shows_each_compute(cloud: Any) -> None:
    names = {h.name.split(".")[0] for h in cloud.compute.hypervisors()}
    assert names == set(COMPUTES), names


def test_the_apis_listen_on_the_controller_management_address_only(address: str) -> None:
    for port in (8778, 8774, 8775, 9696):
        assert listeners(port) == {address}, port


@pytest.mark.parametrize("compute", COMPUTES)
def test_smoke_boots_a_server_on_each_compute_and_sees_its_marker(compute: str) -> None:
    report = ephemeral_path(f"smoke-{compute}.json")
    run = smoke(report, *SMOKE_NETWORK, "-e", f"smoke_availability_zone=nova:{compute}")
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    timings = json.loads(report.read_text())
    assert timings["compute_host"] == compute, timings
    assert float(timings["create_to_active_s"]) > 0
    assert float(timings["create_to_marker_s"]) >= float(timings["create_to_active_s"])


@pytest.mark.parametrize(("first", "second"), [COMPUTES[:2], COMPUTES[1::-1]])
def test_the_journey_crosses_the_tunnel_between_two_computes(first: str, second: str) -> None:
    """OVN: SSH through the first server's floating IP, and a ping to the second server on the other compute."""
    if ml2_driver() != "ovn":
        pytest.skip("linuxbridge deploys flat provider networks only: no routers, no floating IPs")
    figures = assert_journey(ephemeral_path(f"journey-{first}.json"), "-e", f"smoke_availability_zone=nova:{first}",
                             "-e", f"smoke_availability_zone2=nova:{second}")
    assert (figures["compute_host"], figures["journey"]["server2_compute_host"]) == (first, second), figures
