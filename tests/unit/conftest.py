"""Make the checkout importable as ``ansible_collections.opendeploy.openstack``.

The unit tests import plugins by their collection path, as Ansible does.
`make venv` links the checkout into ``.ansible/collections``; this file
creates that link when it is missing so that a bare ``pytest`` works too.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / ".ansible" / "collections"
LINK = COLLECTIONS / "ansible_collections" / "opendeploy" / "openstack"

if not LINK.exists():
    LINK.parent.mkdir(parents=True, exist_ok=True)
    LINK.symlink_to("../../../..", target_is_directory=True)

if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))
