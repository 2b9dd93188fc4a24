"""What the AIO scenarios' tests share: credentials, clients, waits, restarts.

The tests run on the deploy side (the machine running Molecule) and reach the
container's APIs on its management address, as an operator would, with the
secrets the run generated in the scenario's ephemeral directory. Each
scenario's conftest.py puts this directory on sys.path and imports from here.

A multi-node scenario points these helpers at its controller before it
imports them: OPENDEPLOY_TEST_INSTANCE names the controller's container and
OPENDEPLOY_TEST_ADDRESS gives its management address (from the cloud plan);
without them the AIO container aio1-<scenario> and its podman address are
used.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import openstack
import pytest
import yaml

T = TypeVar("T")


def instance_name() -> str:
    """The container Molecule created for this scenario (a multi-node scenario's controller)."""
    return os.environ.get("OPENDEPLOY_TEST_INSTANCE") or f"aio1-{os.environ['MOLECULE_SCENARIO_NAME']}"


def management_address() -> str:
    """The container's address on podman's bridge (its management address)."""
    if os.environ.get("OPENDEPLOY_TEST_ADDRESS"):
        return os.environ["OPENDEPLOY_TEST_ADDRESS"]
    out = subprocess.run(
        ["podman", "inspect", "--format", "{{.NetworkSettings.IPAddress}}", instance_name()],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def in_container(*argv: str, check: bool = True, instance: str = "") -> str:
    """Run a command in the container (or ``instance``) and return its stdout (fail on an error exit when ``check``)."""
    run = subprocess.run(["podman", "exec", instance or instance_name(), *argv], capture_output=True, text=True, check=False)
    assert not check or run.returncode == 0, f"{argv}: {run.stderr}"
    return run.stdout


def ephemeral_path(*parts: str) -> Path:
    """A path in the scenario's ephemeral directory (secrets, reports, the Ansible log)."""
    return Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]).joinpath(*parts)


def secrets_path() -> Path:
    """Where the secrets role wrote this scenario's secrets (see the Molecule base)."""
    return ephemeral_path("secrets", "secrets.yml")


def load_secrets() -> dict[str, str]:
    """Every secret the run generated, by name."""
    return yaml.safe_load(secrets_path().read_text())


def connect() -> openstack.connection.Connection:
    """An openstacksdk connection as the cloud's admin, on the internal endpoints."""
    return openstack.connect(
        auth_url=f"http://{management_address()}:5000/v3",
        username="admin",
        password=load_secrets()["keystone_admin_password"],
        project_name="admin",
        user_domain_name="Default",
        project_domain_name="Default",
        region_name="RegionOne",
        interface="internal",
        identity_api_version="3",
        load_yaml_config=False,
        load_envvars=False,
    )


def ceph_scenario() -> bool:
    """Whether the deployment scenario (SCENARIO) has the word ceph."""
    return "ceph" in os.environ.get("SCENARIO", "").split("_")


def ceph_is_healthy() -> None:
    """Fail unless Ceph says HEALTH_OK and every placement group is active+clean."""
    health = in_container("timeout", "20", "ceph", "health", "--connect-timeout", "15", check=False).strip()
    pgs = in_container("timeout", "20", "ceph", "pg", "stat", "--format", "json", check=False)
    summary = json.loads(pgs)["pg_summary"]
    clean = sum(s["num"] for s in summary["num_pg_by_state"] if s["name"] == "active+clean")
    assert health == "HEALTH_OK" and clean == summary["num_pgs"], (health, summary)


def eventually(check: Callable[[], T], timeout: float = 120, interval: float = 3) -> T:
    """Return check()'s result once it stops raising, or re-raise after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except Exception:  # noqa: BLE001 - any failure means "not yet"
            if time.monotonic() > deadline:
                raise
            time.sleep(interval)


def inventory_directory() -> str:
    """The scenario's inventory directory, which Molecule's own runs use (its file, plus linked sources)."""
    return str(Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent)


def run_playbook(playbook: Path, *args: str, timeout: int = 1800, inventory: str = "") -> subprocess.CompletedProcess:
    """Run ``playbook`` against the scenario's inventory (or ``inventory``) as Molecule's converge does."""
    return subprocess.run(
        ["ansible-playbook", "-i", inventory or inventory_directory(), str(playbook), *args],
        capture_output=True, text=True, check=False, timeout=timeout,
    )


def project_path(*parts: str) -> Path:
    """A path in the collection checkout."""
    return Path(os.environ["MOLECULE_PROJECT_DIRECTORY"]).joinpath(*parts)


def converge_playbook() -> Path:
    """The scenario's converge playbook (the real site.yml)."""
    return Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"]) / "converge.yml"


def systemd_is_up() -> None:
    """Fail unless systemd in the container has finished starting."""
    state = in_container("systemctl", "is-system-running", check=False).strip()
    assert state in {"running", "degraded"}, state


def restart_container() -> None:
    """Restart the container as a host reboot would, and wait for systemd."""
    subprocess.run(["podman", "restart", "--time", "60", instance_name()], check=True, capture_output=True)
    wait_for_systemd()


def wait_for_systemd() -> None:
    """Wait until systemd in the container has finished starting."""
    # Measured: 5 min 7 s from restart to multi-user.target for the Ceph AIO
    # at load 25 (nova-conductor alone 89 s); about 1 min on a quiet machine.
    eventually(systemd_is_up, timeout=600)


def stop_container() -> tuple[float, str]:
    """Stop the container as a host shutdown would, with its own stop timeout; return seconds and podman's stderr."""
    start = time.monotonic()
    run = subprocess.run(["podman", "stop", instance_name()], capture_output=True, text=True, check=True)
    return time.monotonic() - start, run.stderr


def assert_units_running(host: Any, units: tuple[str, ...]) -> None:
    """Fail unless every systemd unit in ``units`` runs and is enabled at boot."""
    for unit in units:
        service = host.service(unit)
        assert service.is_running, unit
        assert service.is_enabled, unit


def scheduler_is_up(conn: Any) -> None:
    """Fail unless cinder-scheduler reports itself up and enabled."""
    schedulers = [s for s in conn.block_storage.services() if s.binary == "cinder-scheduler"]
    assert schedulers, "no cinder-scheduler in the volume service list"
    assert all(s.state == "up" and s.status == "enabled" for s in schedulers), schedulers


@pytest.fixture(scope="module")
def secrets() -> dict[str, str]:
    """The generated secrets."""
    return load_secrets()


@pytest.fixture(scope="module")
def address() -> str:
    """The container's management address."""
    return management_address()


@pytest.fixture(scope="module")
def cloud() -> Iterator[openstack.connection.Connection]:
    """An admin openstacksdk connection, closed after the module."""
    conn = connect()
    yield conn
    conn.close()


# What make aio creates (inventories/container/group_vars/all.yml), used by
# the smoke test where OPENDEPLOY_TEST_CLOUD_RESOURCES is set; elsewhere the
# smoke test makes its own flat network on physnet1.
AIO_SMOKE_ARGS = (
    "-e", "smoke_network=public", "-e", "smoke_flavor=m1.tiny",
    "-e", "smoke_image_machine=opendeploy-guest", "-e", "smoke_image_disk=opendeploy-guest",
)
FLAT_SMOKE_ARGS = ("-e", "smoke_network_type=flat", "-e", "smoke_physical_network=physnet1")


def smoke(report: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run the operator's smoke test on the provider network, timings into ``report``."""
    network = AIO_SMOKE_ARGS if os.environ.get("OPENDEPLOY_TEST_CLOUD_RESOURCES") else FLAT_SMOKE_ARGS
    return run_playbook(project_path("playbooks", "smoke.yml"), *network, "-e", f"smoke_report={report}", *extra)


def journey(report: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run the smoke test as a user's journey (own tenant network, router, floating IP, SSH, ping), figures into ``report``."""
    return run_playbook(project_path("playbooks", "smoke.yml"), "-e", "smoke_journey=true", "-e", "smoke_prefix=opendeploy-journey",
                        "-e", f"smoke_report={report}", *extra)


def assert_journey(report: Path, *extra: str) -> dict:
    """Run the journey, fail unless it passes, and return its figures (printed for the note)."""
    run = journey(report, *extra)
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    figures = json.loads(report.read_text())
    steps = figures["journey"]
    assert steps["create_to_ssh_s"] > 0 and steps["east_west_rtt_avg_ms"] > 0, figures
    print(f"journey: ACTIVE {figures['create_to_active_s']} s, SSH login through {steps['floating_ip']} "
          f"{steps['create_to_ssh_s']} s after create, east-west ping avg {steps['east_west_rtt_avg_ms']} ms")
    return figures


def compute_services_up(conn: Any) -> list[Any]:
    """Fail unless every Nova service reports itself up and enabled."""
    services = list(conn.compute.services())
    binaries = {s.binary for s in services}
    assert {"nova-conductor", "nova-scheduler", "nova-compute"} <= binaries, binaries
    assert all(s.state == "up" and s.status == "enabled" for s in services), services
    return services


# The agents Neutron lists for each ML2 mechanism driver the product deploys
# (the controller is the network node, with OVN a gateway chassis).
NETWORK_AGENT_TYPES = {
    "linuxbridge": {"Linux bridge agent", "DHCP agent", "Metadata agent"},
    "ovn": {"OVN Controller Gateway agent", "OVN Metadata agent"},
}


# What Neutron's API offers a self-service cloud with OVN: routers (the L3
# extension, alias "router") with their external gateway and extra routes,
# and floating IPs with their pools and port details.
SELF_SERVICE_EXTENSIONS = {"router", "ext-gw-mode", "extraroute", "fip-port-details", "floatingip-pools"}


def ml2_driver() -> str:
    """The ML2 mechanism driver the deployment chose, as ml2_conf.ini in the container names it."""
    ini = in_container("cat", "/etc/neutron/plugins/ml2/ml2_conf.ini")
    match = re.search(r"^mechanism_drivers\s*=\s*(\S+)", ini, re.MULTILINE)
    assert match, "ml2_conf.ini names no mechanism driver"
    return match.group(1)


def network_agents_alive(conn: Any) -> list[Any]:
    """Fail unless the agents of the deployed mechanism driver are listed and every agent is alive."""
    agents = list(conn.network.agents())
    types = {a.agent_type for a in agents}
    assert NETWORK_AGENT_TYPES[ml2_driver()] <= types, types
    assert all(a.is_alive and a.is_admin_state_up for a in agents), agents
    return agents


def compute_and_network_up() -> None:
    """With a fresh connection: every Nova service up and every network agent alive."""
    conn = connect()
    try:
        compute_services_up(conn)
        network_agents_alive(conn)
    finally:
        conn.close()


def listeners(port: int) -> set[str]:
    """Local addresses listening on TCP ``port`` inside the container."""
    out = in_container("ss", "-Hltn", f"sport = :{port}")
    return {line.split()[3].rsplit(":", 1)[0] for line in out.splitlines() if line.strip()}
