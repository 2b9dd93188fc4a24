"""After a restart of the container the cloud comes back by itself.

Runs last (pytest collects test files in name order): restarts the container
with podman (its address is pinned in molecule.yml), waits for systemd, for
every Nova service and network agent, then runs the smoke test again.
"""

from __future__ import annotations

import json

from aio_cloud import compute_and_network_up, ephemeral_path, eventually, listeners, management_address, restart_container, smoke


def test_smoke_passes_after_a_container_restart() -> None:
    restart_container()

    eventually(compute_and_network_up, timeout=300, interval=5)
    assert listeners(3306) == {management_address(), "127.0.0.1"}
    report = ephemeral_path("smoke-timings-after-restart.json")
    run = smoke(report)
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    assert json.loads(report.read_text())["create_to_marker_s"]
