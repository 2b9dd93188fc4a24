"""An unknown OPENDEPLOY_SUITE stops the image builders before they change anything.

``tools/container-image`` and ``tools/vm/build-image`` build the container
and VM images of bookworm or trixie. Any other suite must fail at once with
a message naming the suites, with no podman image and no cache directory
made.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("tool", "name"), [("tools/container-image", "container-image"),
                                            ("tools/vm/build-image", "build-image")])
def test_an_unknown_suite_is_refused_with_the_suites_named(tool: str, name: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = dict(os.environ, OPENDEPLOY_SUITE="sid", OPENDEPLOY_CACHE=str(cache))
    run = subprocess.run([str(ROOT / tool)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"{name}: OPENDEPLOY_SUITE=sid: the suites are bookworm and trixie" in run.stderr
    assert not cache.exists()
    images = subprocess.run(["podman", "image", "exists", "localhost/opendeploy-systemd:sid"], check=False)
    assert images.returncode == 1
