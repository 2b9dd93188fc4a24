"""A host shutdown stops the all-in-one cleanly, and a host boot brings it back.

Runs last (pytest collects test files in name order). This machine has no
systemd as PID 1, so the test does what systemd does with the boot units make
aio writes (and installs where systemd runs the host): at shutdown each unit's
ExecStop, container first, then the storage VM (reverse start order); at
boot each ExecStart, the storage VM first, then the container. Then the
cloud must answer and boot a server: the time from the container's start to
every Nova service and network agent up is printed (boot-to-API), as is the
clean-stop time. With Ceph (SCENARIO=..._ceph), the cluster must be
HEALTH_OK again and the server boots from a volume.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from pathlib import Path

from aio_cloud import (assert_journey, ceph_is_healthy, ceph_scenario, compute_and_network_up, ephemeral_path, eventually, in_container,
                       instance_name, listeners, management_address, ml2_driver, smoke, wait_for_systemd)


def units() -> list[Path]:
    """The boot units make aio wrote, in start order (storage VM, then container)."""
    directory = Path(os.environ.get("OPENDEPLOY_CACHE") or "/var/cache/opendeploy") / "aio" / "units"
    container = directory / f"{instance_name()}.service"
    vms = [path for path in directory.glob("*-storage.service") if instance_name().replace("_", "-") in path.name]
    assert container.is_file(), f"no boot unit {container}"
    return [*vms, container]


def run_unit_commands(unit: Path, key: str) -> tuple[float, str]:
    """Run every ``key`` line (ExecStart, ExecStop) of ``unit`` as systemd would; seconds and stderr."""
    environment = dict(os.environ)
    commands = []
    for line in unit.read_text().splitlines():
        name, value = line.split("=", 1) if "=" in line else (line, "")
        if name == "Environment":
            variable, setting = value.split("=", 1)
            environment[variable] = setting
        elif name == key:
            commands.append(shlex.split(value))
    assert commands, f"{unit} has no {key}"
    start, errors = time.monotonic(), ""
    for argv in commands:
        run = subprocess.run(argv, env=environment, capture_output=True, text=True, check=False, timeout=900)
        assert run.returncode == 0, f"{unit.name} {key} {argv}: {run.stderr}"
        errors += run.stderr
    return time.monotonic() - start, errors


def dhcp_syncs_completed() -> int:
    """How often the DHCP agent has finished its full sync (at its start, and after a resync)."""
    log = in_container("cat", "/var/log/neutron/neutron-dhcp-agent.log", check=False)
    return log.count("Synchronizing state complete")


def assert_dhcp_synced_since(before: int) -> None:
    """Fail until the DHCP agent has completed a full sync since ``before`` syncs were counted."""
    assert dhcp_syncs_completed() > before, "the DHCP agent has not finished its start-up sync"


def test_the_boot_units_stop_the_aio_cleanly_and_start_it_again() -> None:
    boot_order = units()
    # OVN answers DHCP itself: only linuxbridge has a DHCP agent to wait for.
    driver = ml2_driver()
    dhcp_agent = driver == "linuxbridge"
    syncs_before = dhcp_syncs_completed() if dhcp_agent else 0
    stop_times = {}
    for unit in reversed(boot_order):
        stop_times[unit.name], stderr = run_unit_commands(unit, "ExecStop")
        assert "SIGKILL" not in stderr, f"{unit.name}: {stderr}"
    exit_code = subprocess.run(["podman", "inspect", "--format", "{{.State.ExitCode}}", instance_name()],
                               capture_output=True, text=True, check=True).stdout.strip()
    print(f"clean stop: {stop_times} (container exit code {exit_code})")
    assert exit_code != "137", f"podman killed the container (exit code {exit_code})"

    for unit in boot_order:
        run_unit_commands(unit, "ExecStart")
    started = time.monotonic()
    wait_for_systemd()
    # The provider veth's unit was in an ordering cycle with Open vSwitch on
    # trixie: systemd dropped it at boot, and no floating IP answered.
    veth = in_container("systemctl", "is-active", "opendeploy-provider-veth", check=False).strip()
    assert veth == "active", f"opendeploy-provider-veth is {veth} after the boot"
    # MariaDB was shut down, not killed: InnoDB starts without crash recovery.
    mariadb_log = in_container("journalctl", "--no-pager", "-b", "-u", "mariadb")
    assert "crash recovery" not in mariadb_log, mariadb_log[-3000:]
    eventually(compute_and_network_up, timeout=600, interval=5)
    # An agent reports alive before it serves: a server booted before the
    # DHCP agent has synced the existing network `public` again gets no
    # address (seen here: the guest's DHCP ran a minute before the agent's
    # start-up sync).
    if dhcp_agent:
        eventually(lambda: assert_dhcp_synced_since(syncs_before), timeout=600, interval=5)
    print(f"boot to API (container start to every Nova service and network agent up): {time.monotonic() - started:.0f} s")
    assert listeners(3306) == {management_address(), "127.0.0.1"}
    # podman rewrote a container's /etc/hosts at each start, which dropped
    # the common role's block: the next make aio reported changed=1.
    hosts = in_container("cat", "/etc/hosts")
    assert "# BEGIN opendeploy.openstack hosts" in hosts and f"{management_address()} " in hosts, hosts
    assert in_container("getent", "hosts", "localhost").strip(), hosts
    if ceph_scenario():
        eventually(ceph_is_healthy, timeout=300, interval=5)

    report = ephemeral_path("smoke-timings-after-restart.json")
    run = smoke(report, *(("-e", "smoke_boot_from_volume=true") if ceph_scenario() else ()))
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    assert json.loads(report.read_text())["create_to_marker_s"]
    if driver == "ovn":
        assert_journey(ephemeral_path("smoke-journey-after-restart.json"))
