"""After a restart of the container Ceph is HEALTH_OK again and a server boots from a volume.

Runs last (pytest collects test files in name order).
"""

from __future__ import annotations

import json

from aio_cloud import compute_and_network_up, ephemeral_path, eventually, in_container, restart_container, smoke


def ceph_is_healthy() -> None:
    health = in_container("timeout", "20", "ceph", "health", "--connect-timeout", "15", check=False).strip()
    pgs = in_container("timeout", "20", "ceph", "pg", "stat", "--format", "json", check=False)
    summary = json.loads(pgs)["pg_summary"]
    clean = sum(s["num"] for s in summary["num_pg_by_state"] if s["name"] == "active+clean")
    assert health == "HEALTH_OK" and clean == summary["num_pgs"], (health, summary)


def test_ceph_and_the_cloud_come_back_after_a_container_restart() -> None:
    restart_container()
    eventually(ceph_is_healthy, timeout=300, interval=5)

    eventually(compute_and_network_up, timeout=300, interval=5)
    report = ephemeral_path("smoke-after-restart.json")
    run = smoke(report, "-e", "smoke_boot_from_volume=true")
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    assert json.loads(report.read_text())["create_to_marker_s"]
