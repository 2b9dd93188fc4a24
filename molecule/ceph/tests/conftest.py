"""Fixtures for the ceph scenario's tests."""

from __future__ import annotations

import pytest
import testinfra


@pytest.fixture
def node(host):
    """The container through testinfra's podman backend.

    Molecule hands testinfra an Ansible inventory whose podman connection
    testinfra cannot map, so every ``host.run`` becomes a whole Ansible run
    (seconds each on a loaded machine); ``podman exec`` takes a fraction.
    Molecule names the container after its inventory host.
    """
    return testinfra.get_host(f"podman://{host.backend.get_hostname()}")
