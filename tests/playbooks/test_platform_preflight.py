"""A target that is not a Debian release the project deploys stops the run in preflight.

A podman container of the project's own image (the default suite's, as
`make image` builds it; Debian 13) stands in for a
target, made to say it is Debian 11 (/etc/os-release and /etc/debian_version,
which is what Ansible's distribution facts read). The run uses ``--tags
preflight``, yet must stop at the first check of the target. Every Molecule
scenario runs the same check on Debian 13 (or 12) and passes it.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from test_inventory_preflight import run

IMAGE = "localhost/opendeploy-systemd:default"
BULLSEYE_OS_RELEASE = """PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"
NAME="Debian GNU/Linux"
VERSION_ID="11"
VERSION="11 (bullseye)"
VERSION_CODENAME=bullseye
ID=debian
"""


def podman(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=True)


def image_present(image: str = IMAGE) -> bool:
    return shutil.which("podman") is not None and subprocess.run(
        ["podman", "image", "exists", image], check=False).returncode == 0


@contextmanager
def container(image: str, prefix: str, *command: str, options: tuple[str, ...] = ()) -> Iterator[str]:
    """A detached container of ``image`` running ``command`` (podman run ``options``); removed afterwards."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    podman("run", "--detach", "--name", name, *options, image, *command)
    try:
        yield name
    finally:
        subprocess.run(["podman", "rm", "--force", "--time", "0", name], capture_output=True, check=False)


pytestmark = pytest.mark.skipif(not image_present(), reason=f"needs podman and {IMAGE} (make image)")


@pytest.fixture(name="target")
def fixture_target() -> Iterator[str]:
    """A running container of the project's image; removed afterwards."""
    with container(IMAGE, "opendeploy-test-platform", "sleep", "infinity") as name:
        yield name


def inventory(tmp_path: Path, container: str) -> Path:
    """The AIO inventory's groups, with aio1 reached in ``container`` through podman."""
    host = {
        "ansible_connection": "containers.podman.podman",
        "ansible_host": container,
        "ansible_python_interpreter": "/usr/bin/python3",
        "management_address": "192.0.2.10",
    }
    groups = {group: {"hosts": {"aio1": None}} for group in ("controllers", "computes", "storage", "ceph_osds")}
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump({"all": {"hosts": {"aio1": host}, "children": groups}}))
    return path


def preflight(tmp_path: Path, container: str) -> tuple[subprocess.CompletedProcess, str]:
    result, output, _seconds = run("ansible-playbook", "-i", str(inventory(tmp_path, container)), "site.yml",
                                   "--tags", "preflight", scenario="lvm")
    return result, output


def test_debian_11_is_refused_with_what_is_supported_and_nothing_changed(tmp_path: Path, target: str) -> None:
    podman("exec", target, "sh", "-c",
           f"printf '%s' '{BULLSEYE_OS_RELEASE}' > /etc/os-release && echo 11.11 > /etc/debian_version")
    result, output = preflight(tmp_path, target)
    assert result.returncode != 0, output[-2000:]
    assert ("aio1 runs Debian 11.11 (bullseye). opendeploy.openstack deploys"
            " Debian 12 (bookworm, OpenStack Zed), Debian 13 (trixie, OpenStack 2025.1) only;"
            " nothing was changed.") in output, output[-3000:]
    assert "changed=0" in output
    assert "failed=1" in output
