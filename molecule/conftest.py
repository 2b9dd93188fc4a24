"""Makes molecule/shared/tests importable for every scenario's tests.

pytest loads this file for any test under molecule/ (the repository's
pytest.ini makes the checkout the rootdir), before the scenarios' own
conftest.py files, which then import what they share from there.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "shared" / "tests"))
