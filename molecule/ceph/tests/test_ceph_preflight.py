"""The preflight refuses a plan that breaks the PG budget before changing anything.

Runs the real playbook (playbooks/ceph.yml) against the converged container
with -e overrides that break mon_max_pg_per_osd, and checks that the run
fails with the arithmetic and that the pools and ceph.conf are unchanged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PLAYBOOK = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY", Path(__file__).parents[3])) / "playbooks" / "ceph.yml"

CASES = {
    # 8x3 + 256x3 + 32x3 + 8x3 + the manager's pool 1x3 = 915 > 250 x 3.
    "pg_num override": (
        {"ceph_pools_pg_num_overrides": {"volumes": 256}},
        "pools images(8x3) + volumes(256x3) + vms(32x3) + backups(8x3) + {mgr_pool}(1x3)"
        " = 915 PG replicas over 3 OSDs = 305 per OSD > mon_max_pg_per_osd 250 (max 750 PG replicas)",
        "'volumes': 128",
    ),
    # The computed plan (339 PG replicas) against a limit of 100 per OSD.
    "mon_max_pg_per_osd override": (
        {"ceph_conf_overrides": {"global": {"mon_max_pg_per_osd": 100}}},
        "= 339 PG replicas over 3 OSDs = 113 per OSD > mon_max_pg_per_osd 100 (max 300 PG replicas)",
        "'volumes': 32",
    ),
}


def pools(node) -> list[dict]:
    result = node.run("ceph --connect-timeout 30 osd pool ls detail --format json")
    assert result.rc == 0, result.stderr
    return [{k: p[k] for k in ("pool_name", "pg_num", "size")} for p in json.loads(result.stdout)]


@pytest.mark.parametrize("extra_vars, arithmetic, fitting", CASES.values(), ids=CASES.keys())
def test_preflight_refuses_a_plan_over_budget(node, mgr_pool, extra_vars, arithmetic, fitting) -> None:
    before_pools = pools(node)
    before_conf = node.file("/etc/ceph/ceph.conf").sha256sum
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("ansible-playbook")),
            "--inventory", os.environ["MOLECULE_INVENTORY_FILE"],
            "--extra-vars", "scenario=aio_ceph",
            "--extra-vars", json.dumps(extra_vars),
            str(PLAYBOOK),
        ],
        capture_output=True, text=True, timeout=600, check=False,
    )
    output = " ".join((run.stdout + run.stderr).split())  # undo the callback's wrapping
    assert run.returncode != 0, output[-2000:]
    assert "The planned pools break the PG budget, so nothing was installed or created" in output
    assert arithmetic.format(mgr_pool=mgr_pool) in output
    assert fitting in output
    # It stopped in preflight: nothing after it ran, nothing changed.
    assert "Install the Ceph packages" not in output
    assert pools(node) == before_pools
    assert node.file("/etc/ceph/ceph.conf").sha256sum == before_conf
