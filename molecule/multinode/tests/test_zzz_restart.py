"""A total outage: every host of the cloud stops cleanly, all start again at once, and the cloud comes back.

Runs last (pytest collects test files in name order), after the add-compute
test has grown the cloud to every host of grown.cloud_plan.yml. Each
container stops as a host shutdown would (systemd stops every service within
the stop timeout create.yml gives it), then all start together, as after a
power cut: the computes come up beside a controller whose MariaDB and
RabbitMQ are still starting, and must reconnect by themselves. rewire.yml
then does what create.yml did once the containers ran (podman makes their
bridge ports anew). The cloud must answer, every Nova service and network
agent must be up, and with OVN the user's journey must cross the tunnel
again. The time from the start to every service up is printed (boot to API).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from mn_plan import GROWN_PLAN, PLAN, group, host_vars
from aio_cloud import (assert_journey, compute_and_network_up, ephemeral_path, eventually, in_container, ml2_driver,
                       run_playbook, smoke)

HOSTS = group(GROWN_PLAN, "controllers") + group(GROWN_PLAN, "computes")
CONTAINERS = [host_vars(GROWN_PLAN, name)["ansible_host"] for name in HOSTS]
CONTROLLER = host_vars(PLAN, group(PLAN, "controllers")[0])["ansible_host"]
COMPUTES = group(PLAN, "computes")
# The units the product deploys, by the prefixes of their names.
PRODUCT_UNITS = ("mariadb", "rabbitmq", "memcached", "keystone", "glance", "placement", "nova", "neutron", "ovn", "ovs",
                 "openvswitch", "libvirt", "cinder", "opendeploy")


def stop(container: str) -> float:
    """Stop ``container`` with its own stop timeout, fail if podman had to kill it, and return the seconds it took."""
    start = time.monotonic()
    subprocess.run(["podman", "stop", container], check=True, capture_output=True, text=True)
    seconds = time.monotonic() - start
    exit_code = subprocess.run(["podman", "inspect", "--format", "{{.State.ExitCode}}", container],
                               check=True, capture_output=True, text=True).stdout.strip()
    assert exit_code != "137", f"podman killed {container} (exit code 137) after {seconds:.0f} s"
    return seconds


def failed_product_units(container: str) -> list[str]:
    """The product's units that systemd in ``container`` lists as failed."""
    listed = in_container("systemctl", "--failed", "--plain", "--no-legend", instance=container, check=False)
    units = [line.split()[0] for line in listed.splitlines() if line.strip()]
    return [unit for unit in units if unit.startswith(PRODUCT_UNITS)]


def eth0_address(container: str) -> str:
    """The MAC address of ``container``'s management interface."""
    return in_container("cat", "/sys/class/net/eth0/address", instance=container).strip()


def test_every_host_stops_cleanly_starts_with_the_others_and_the_cloud_comes_back() -> None:
    stop_times = {container: round(stop(container)) for container in reversed(CONTAINERS)}
    print(f"clean stop, computes first: {stop_times} s")
    started = time.monotonic()
    subprocess.run(["podman", "start", *CONTAINERS], check=True, capture_output=True, text=True)
    rewire = run_playbook(Path(GROWN_PLAN).parent / "rewire.yml", timeout=1200)
    assert rewire.returncode == 0, (rewire.stdout + rewire.stderr)[-4000:]

    # Every container had one machine-id, and so one eth0 MAC, before the
    # image left /etc/machine-id empty: after a restart the controller
    # reached none of its peers.
    macs = {container: eth0_address(container) for container in CONTAINERS}
    assert len(set(macs.values())) == len(CONTAINERS), macs
    mariadb_log = in_container("journalctl", "--no-pager", "-b", "-u", "mariadb", instance=CONTROLLER)
    assert "crash recovery" not in mariadb_log, mariadb_log[-3000:]

    eventually(compute_and_network_up, timeout=900, interval=5)
    print(f"boot to API (start of every host to every Nova service and network agent up): {time.monotonic() - started:.0f} s")
    failed = {container: failed_product_units(container) for container in CONTAINERS}
    assert not any(failed.values()), failed


@pytest.mark.parametrize(("first", "second"), [COMPUTES[:2]])
def test_after_the_outage_the_journey_crosses_the_tunnel_again(first: str, second: str) -> None:
    """OVN: SSH through a new server's floating IP, and a ping to a server on the other compute; linuxbridge: a server boots."""
    if ml2_driver() != "ovn":
        report = ephemeral_path(f"smoke-{first}-after-restart.json")
        run = smoke(report, "-e", "smoke_network=public", "-e", f"smoke_availability_zone=nova:{first}")
        assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
        return
    figures = assert_journey(ephemeral_path(f"journey-{first}-after-restart.json"), "-e", f"smoke_availability_zone=nova:{first}",
                             "-e", f"smoke_availability_zone2=nova:{second}")
    assert (figures["compute_host"], figures["journey"]["server2_compute_host"]) == (first, second), figures
