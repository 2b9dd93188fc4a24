"""Fixtures of the multinode tests, from molecule/shared/tests/aio_cloud.py.

The shared helpers reach the cloud through one container: here the first
controller of the cloud plan, at the address the cloud_plan plugin gives it
(read with ansible-inventory, as an operator would), set before the helpers
are used.
"""

from __future__ import annotations

import os

from mn_plan import PLAN, group, host_vars

CONTROLLER = group(PLAN, "controllers")[0]
os.environ["OPENDEPLOY_TEST_INSTANCE"] = host_vars(PLAN, CONTROLLER)["ansible_host"]
os.environ["OPENDEPLOY_TEST_ADDRESS"] = host_vars(PLAN, CONTROLLER)["management_address"]

from aio_cloud import address, cloud, secrets  # noqa: E402,F401  # pylint: disable=unused-import,wrong-import-position
