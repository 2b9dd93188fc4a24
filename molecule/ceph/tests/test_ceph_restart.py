"""After a container restart the monitor, manager and OSDs come back by themselves.

Runs last (file order): restarts the container from the host with podman,
then waits until every OSD has booted again (up since an osdmap epoch newer
than the one before the restart: right after the restart the monitor still
shows the OSDs' old "up" state, and `ceph health` can say HEALTH_OK before
they are back), all PGs are active+clean and `ceph health` is HEALTH_OK; and
checks that an image written before the restart is still there.
"""

from __future__ import annotations

import json
import subprocess
import time

DEADLINE = 300  # seconds
OSDS = 3


def cluster_state(node) -> dict:
    """Health, osdmap and PG summary, or what failed while the monitor starts."""
    state: dict = {}
    for key, command in {
        "health": "ceph health",
        "osd_dump": "ceph osd dump --format json",
        "pg_stat": "ceph pg stat --format json",
    }.items():
        result = node.run(f"timeout 20 {command} --connect-timeout 15")
        if result.rc != 0:
            return {"error": f"{command}: {result.stderr.strip()}"}
        state[key] = result.stdout.strip() if key == "health" else json.loads(result.stdout)
    return state


def back_and_healthy(state: dict, epoch_before: int) -> bool:
    if "error" in state:
        return False
    osds = state["osd_dump"]["osds"]
    pgs = state["pg_stat"]["pg_summary"]
    clean = sum(s["num"] for s in pgs["num_pg_by_state"] if s["name"] == "active+clean")
    return (
        len(osds) == OSDS
        and all(o["up"] == 1 and o["in"] == 1 and o["up_from"] > epoch_before for o in osds)
        and clean == pgs["num_pgs"]
        and state["health"] == "HEALTH_OK"
    )


def test_cluster_is_healthy_again_after_a_container_restart(node) -> None:
    rbd = "rbd --id glance -p images"
    node.run(f"{rbd} rm restart-probe")
    assert node.run(f"{rbd} create --size 16 restart-probe").rc == 0
    address = node.run("hostname -I").stdout.split()[0]
    epoch_before = json.loads(node.run("ceph osd dump --format json").stdout)["epoch"]

    subprocess.run(["podman", "restart", node.backend.name], check=True, timeout=300)

    end, state = time.monotonic() + DEADLINE, {}
    while time.monotonic() < end:
        state = cluster_state(node)
        if back_and_healthy(state, epoch_before):
            break
        time.sleep(5)
    assert back_and_healthy(state, epoch_before), (state, node.run("ceph health detail").stdout)
    assert node.run("hostname -I").stdout.split()[0] == address
    assert "restart-probe" in node.run(f"{rbd} ls").stdout.split()
    assert node.run(f"{rbd} rm restart-probe").rc == 0
