"""A cloud user's journey on make aio's cloud: keypair, security group, tenant network, router, floating IP, SSH, east-west ping."""

from __future__ import annotations

from typing import Any

import pytest

from aio_cloud import SELF_SERVICE_EXTENSIONS, assert_journey, ephemeral_path, ml2_driver


def require_self_service() -> None:
    """Skip unless the deployment offers self-service networking (ML2/OVN)."""
    if ml2_driver() != "ovn":
        pytest.skip("linuxbridge (bookworm) deploys flat provider networks only: no routers, no floating IPs")


def test_a_user_logs_in_to_a_guest_through_its_floating_ip_and_reaches_a_second_guest() -> None:
    require_self_service()
    assert_journey(ephemeral_path("smoke-journey.json"))


def test_neutron_lists_the_router_and_floating_ip_extensions(cloud: Any) -> None:
    require_self_service()
    aliases = {extension.alias for extension in cloud.network.extensions()}
    assert SELF_SERVICE_EXTENSIONS <= aliases, sorted(SELF_SERVICE_EXTENSIONS - aliases)
