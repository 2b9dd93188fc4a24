"""Fixtures for the ceph scenario's tests."""

from __future__ import annotations

import pytest
import testinfra

# The pool (1 PG) the manager creates for itself, by Debian release (Pacific,
# Reef): roles/ceph/vars/main.yml's ceph_releases.
MGR_POOLS = {"bookworm": "device_health_metrics", "trixie": ".mgr"}


@pytest.fixture
def node(host):
    """The container through testinfra's podman backend.

    Molecule hands testinfra an Ansible inventory whose podman connection
    testinfra cannot map, so every ``host.run`` becomes a whole Ansible run
    (seconds each on a loaded machine); ``podman exec`` takes a fraction.
    Molecule names the container after its inventory host.
    """
    return testinfra.get_host(f"podman://{host.backend.get_hostname()}")


@pytest.fixture
def mgr_pool(node) -> str:
    """The name of the manager's own pool on the container's release."""
    return MGR_POOLS[node.system_info.codename]
