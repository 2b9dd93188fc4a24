"""The proof command a user runs after make aio: make aio-check (tools/aio-check)."""

from __future__ import annotations

import os
import re
import subprocess

from aio_cloud import project_path


def test_make_aio_check_boots_the_guest_and_serves_a_volume() -> None:
    scenario = os.environ["SCENARIO"]
    run = subprocess.run(
        [str(project_path("tools", "aio-check")), scenario],
        # Up to 20 min of it: the server that boots from a volume on the
        # storage VM (nested TCG).
        cwd=project_path(), capture_output=True, text=True, timeout=3600, check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    assert "aio-check: PASSED" in output
    for step in ("boot", "config-drive"):
        assert f"  {step} " in output, output[-3000:]
    assert "volume available after" in output and "volume deleted after" in output
    if "ceph" in scenario.split("_"):
        # smoke.yml with smoke_attach_volume: an RBD volume attached to the
        # server booted from a volume, seen by libvirt, detached.
        assert re.search(r"boot-from-volume .* volume attached [0-9.]+, detached [0-9.]+", output), output[-3000:]
    if "lvm" in scenario.split("_"):
        # tools/aio-check-attach: LVM volumes attach on the storage VM.
        for line in ("volume from the image available after", "server ACTIVE after", "guest marker after",
                     "the server boots from the iSCSI LUN of volume-", "volume in-use after",
                     "libvirt's domain has the disk", "volume available after", "(server remove volume)",
                     "disk and iSCSI session of volume-"):
            assert f"aio-check: {line}" in output or line in output, (line, output[-3000:])
