"""The scenario's cloud plans, read through the cloud_plan inventory plugin (ansible-inventory).

The plans do not change during a test run, so each is read once per question
(lru_cache): the tests ask for the same hosts' variables many times.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from pathlib import Path

PLAN = Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"]) / "cloud_plan.yml"
GROWN_PLAN = Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"]) / "grown.cloud_plan.yml"


@functools.lru_cache(maxsize=None)
def plan_inventory(plan: Path) -> dict:
    """``ansible-inventory --list`` of a plan: groups and the variables of every host."""
    out = subprocess.run(["ansible-inventory", "-i", str(plan), "--list", "--export"],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


@functools.lru_cache(maxsize=None)
def host_vars(plan: Path, host: str) -> dict:
    """The variables the plugin gives ``host`` in ``plan``."""
    out = subprocess.run(["ansible-inventory", "-i", str(plan), "--host", host],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def group(plan: Path, name: str) -> list[str]:
    """The hosts of group ``name`` in ``plan``, in plan order."""
    return plan_inventory(plan).get(name, {}).get("hosts", [])
