"""The compute service boots a guest: smoke test, service and agent lists, hypervisor."""

from __future__ import annotations

import json
from typing import Any

from aio_cloud import assert_units_running, compute_services_up, ephemeral_path, eventually, listeners, network_agents_alive, smoke

SERVICE_UNITS = (
    "placement-api", "nova-api", "nova-api-metadata", "nova-conductor", "nova-scheduler",
    "nova-novncproxy", "nova-compute", "libvirtd", "neutron-api", "neutron-rpc-server",
    "neutron-linuxbridge-agent", "neutron-dhcp-agent", "neutron-metadata-agent",
)


def test_every_service_is_running_and_enabled(host: Any) -> None:
    assert_units_running(host, SERVICE_UNITS)


def test_compute_service_list_shows_every_service_up(cloud: Any) -> None:
    eventually(lambda: compute_services_up(cloud), timeout=120)


def test_network_agent_list_shows_every_agent_alive(cloud: Any) -> None:
    eventually(lambda: network_agents_alive(cloud), timeout=120)


def test_hypervisor_list_shows_the_compute_host(cloud: Any, host: Any) -> None:
    hostname = host.check_output("hostname").strip()
    names = [h.name for h in cloud.compute.hypervisors()]
    assert any(name.split(".")[0] == hostname for name in names), names


def test_catalog_lists_placement_compute_and_network(cloud: Any) -> None:
    services = {service.id: service.type for service in cloud.identity.services()}
    endpoints = list(cloud.identity.endpoints())
    for service_type in ("placement", "compute", "network"):
        interfaces = {e.interface for e in endpoints if services.get(e.service_id) == service_type}
        assert interfaces == {"public", "internal", "admin"}, service_type


def test_smoke_boots_the_guest_and_sees_its_marker() -> None:
    report = ephemeral_path("smoke-timings.json")
    run = smoke(report)
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    timings = json.loads(report.read_text())
    assert float(timings["create_to_active_s"]) > 0
    assert float(timings["create_to_marker_s"]) >= float(timings["create_to_active_s"])


def test_the_apis_listen_on_the_management_address_only(address: str) -> None:
    for port in (8778, 8774, 8775, 9696):
        assert listeners(port) == {address}, port
