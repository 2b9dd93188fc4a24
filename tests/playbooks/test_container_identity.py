"""Every container of the project's image is a host of its own: its own machine-id.

The image once carried the machine-id of the rootfs it was built from, so
every container shared it. systemd-udevd (which the roles install with lvm2,
Open vSwitch and libvirt) derives a virtual interface's MAC address from the
machine-id and the interface name (99-default.link, MACAddressPolicy=
persistent) when a container boots with its interfaces already there, as
after a restart: every restarted container's eth0 then had the same MAC
(26:db:9c:d1:dc:d6 on trixie), and the hosts of the multinode scenario, and
the AIO beside them, no longer reached each other on podman's bridge
(ARP INCOMPLETE, EHOSTUNREACH). The image now has an empty
/etc/machine-id, which systemd fills at the first boot from podman's
container_uuid: distinct per container, the same across its restarts.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator

import pytest
from test_platform_preflight import IMAGE, container, image_present, podman

pytestmark = pytest.mark.skipif(not image_present(), reason=f"needs podman and {IMAGE} (make image)")


def machine_id(name: str, timeout: float = 60) -> str:
    """The machine-id systemd in container ``name`` settled on, once it has one."""
    deadline = time.monotonic() + timeout
    while True:
        found = subprocess.run(["podman", "exec", name, "cat", "/etc/machine-id"],
                               capture_output=True, text=True, check=False).stdout.strip()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(1)


@pytest.fixture(name="hosts")
def fixture_hosts() -> Iterator[list[str]]:
    """Two containers booted with systemd as Molecule and make aio boot them; removed afterwards."""
    systemd = ("--privileged", "--systemd=always")
    with container(IMAGE, "opendeploy-test-identity-1", "/lib/systemd/systemd", options=systemd) as first, \
            container(IMAGE, "opendeploy-test-identity-2", "/lib/systemd/systemd", options=systemd) as second:
        yield [first, second]


def test_the_image_carries_no_machine_id() -> None:
    assert podman("run", "--rm", IMAGE, "cat", "/etc/machine-id").stdout.strip() == ""


def test_each_container_has_its_own_machine_id_and_keeps_it_across_a_restart(hosts: list[str]) -> None:
    first = [machine_id(name) for name in hosts]
    assert all(first) and len(set(first)) == len(hosts), first
    for name in hosts:
        podman("stop", "--time", "30", name)
        podman("start", name)
    assert [machine_id(name) for name in hosts] == first
