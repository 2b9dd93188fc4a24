"""After a restart of the container the cloud comes back by itself.

Runs last (pytest collects test files in name order): restarts the container
with podman (its address is pinned in molecule.yml), waits for systemd, for
every Nova service and network agent, then runs the smoke test again.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from conftest import compute_services_up, connect, eventually, instance_name, network_agents_alive, smoke


def systemd_is_up() -> None:
    state = subprocess.run(
        ["podman", "exec", instance_name(), "systemctl", "is-system-running"],
        capture_output=True, text=True, check=False,
    ).stdout.strip()
    assert state in {"running", "degraded"}, state


def test_smoke_passes_after_a_container_restart() -> None:
    subprocess.run(["podman", "restart", "--time", "60", instance_name()], check=True, capture_output=True)
    eventually(systemd_is_up, timeout=180)

    def services_and_agents() -> Any:
        conn = connect()
        try:
            compute_services_up(conn)
            network_agents_alive(conn)
        finally:
            conn.close()

    eventually(services_and_agents, timeout=300, interval=5)
    report = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "smoke-timings-after-restart.json"
    run = smoke(report)
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    assert json.loads(report.read_text())["create_to_marker_s"]
