"""The proof command a user runs after make aio: make aio-check (tools/aio-check)."""

from __future__ import annotations

import os
import subprocess

from aio_cloud import project_path


def test_make_aio_check_boots_the_guest_and_serves_a_volume() -> None:
    scenario = os.environ["SCENARIO"]
    run = subprocess.run(
        [str(project_path("tools", "aio-check")), scenario],
        cwd=project_path(), capture_output=True, text=True, timeout=2400, check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert "aio-check: PASSED" in output
    for step in ("boot", "config-drive"):
        assert f"  {step} " in output, output[-3000:]
    assert "volume available after" in output and "volume deleted after" in output
