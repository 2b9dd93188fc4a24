"""Ansible reaches the all-in-one container as it reaches any host: over SSH, with make aio's own key.

inventories/container logs in to the container as root over SSH with
pipelining (a module run through podman's connection cost about three times
as much here); playbooks/aio_container.yml generates the key once under
OPENDEPLOY_CACHE and installs the SSH server and the key over podman. The
container's host keys are its own, made by its openssh-server package, not
the image's.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from aio_cloud import in_container, inventory_directory


def key_path() -> Path:
    """The private key make aio generated."""
    return Path(os.environ.get("OPENDEPLOY_CACHE") or "/var/cache/opendeploy") / "aio" / "ssh" / "id_ed25519"


def test_make_aio_generated_a_private_key_only_root_reads() -> None:
    key = key_path()
    assert key.is_file() and key.with_suffix(".pub").is_file(), key
    assert key.stat().st_mode & 0o777 == 0o600, oct(key.stat().st_mode)


def test_ansible_runs_modules_in_the_container_over_ssh_with_pipelining() -> None:
    run = subprocess.run(["ansible", "-i", inventory_directory(), "aio1", "-m", "ansible.builtin.command", "-a", "hostname", "-vvv"],
                         capture_output=True, text=True, check=False, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "ESTABLISH SSH CONNECTION FOR USER: root" in output, output[-3000:]
    # With pipelining the module goes to Python's stdin: nothing is put
    # into a remote temporary directory first.
    assert "PUT " not in output, output[-3000:]
    assert "aio1" in run.stdout


def test_the_container_has_host_keys_of_its_own_not_the_images() -> None:
    image = f"localhost/opendeploy-systemd:{os.environ.get('OPENDEPLOY_SUITE') or 'default'}"
    in_image = subprocess.run(["podman", "run", "--rm", image, "ls", "/etc/ssh"], capture_output=True, text=True, check=False)
    assert "ssh_host_" not in in_image.stdout, f"{image} carries SSH host keys: {in_image.stdout}"
    fingerprint = in_container("ssh-keygen", "-lf", "/etc/ssh/ssh_host_ed25519_key.pub").split()[1]
    assert fingerprint.startswith("SHA256:"), fingerprint
