"""An OVN tunnel interface without the tunnel network's prefix stops the run in preflight.

A podman container of the project's trixie image (ML2/OVN, the release's
driver) stands in for an undeployed host. ``neutron_ovn_tunnel_interface`` is
set without a cloud plan's tunnel network, so ``neutron_ovn_tunnel_prefix``
is empty: the early preflight play must refuse it, naming both variables,
before any host is changed. Skipped where the trixie image is not built
(``OPENDEPLOY_SUITE=trixie make image``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_inventory_preflight import run
from test_platform_preflight import container, image_present, inventory

IMAGE = "localhost/opendeploy-systemd:trixie"


pytestmark = pytest.mark.skipif(not image_present(IMAGE), reason=f"needs {IMAGE} (OPENDEPLOY_SUITE=trixie make image)")


@pytest.fixture(name="target")
def fixture_target() -> Iterator[str]:
    """A running trixie container; removed afterwards."""
    with container(IMAGE, "opendeploy-test-tunnel", "sleep", "infinity") as name:
        yield name


def test_a_tunnel_interface_without_the_tunnel_prefix_is_refused_and_nothing_changed(tmp_path: Path, target: str) -> None:
    result, output, _seconds = run("ansible-playbook", "-i", str(inventory(tmp_path, target)), "site.yml",
                                   "--tags", "preflight", "-e", "neutron_ovn_tunnel_interface=eth2", scenario="lvm")
    assert result.returncode != 0, output[-3000:]
    assert ("neutron_ovn_tunnel_interface is 'eth2': the chassis then needs its tunnel address"
            " (neutron_ovn_encap_address, found '192.0.2.10') and the tunnel network's prefix length"
            " (neutron_ovn_tunnel_prefix, found '')") in output, output[-3000:]
    assert "changed=0" in output and "failed=1" in output, output[-1500:]
