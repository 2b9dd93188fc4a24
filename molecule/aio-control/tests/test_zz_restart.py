"""After a restart of the container every service comes back by itself.

Runs last (pytest collects test files in name order): restarts the container
with podman, waits for systemd, then checks the APIs again without Ansible.
"""

from __future__ import annotations

import subprocess
from typing import Any

from conftest import connect, eventually, instance_name, scheduler_is_up


def systemd_is_up() -> None:
    state = subprocess.run(
        ["podman", "exec", instance_name(), "systemctl", "is-system-running"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()
    assert state in {"running", "degraded"}, state


def test_services_come_back_after_a_container_restart() -> None:
    subprocess.run(["podman", "restart", "--time", "60", instance_name()], check=True, capture_output=True)
    eventually(systemd_is_up, timeout=180)

    def token_images_and_scheduler() -> Any:
        conn = connect()
        try:
            assert conn.authorize()
            list(conn.image.images())
            scheduler_is_up(conn)
        finally:
            conn.close()

    eventually(token_images_and_scheduler, timeout=240, interval=5)
