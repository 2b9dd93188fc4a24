"""make aio's cloud: resources, config drive, services, agents, hypervisor (plain boot: test_aio_check.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from typing import Any

from aio_cloud import (assert_units_running, ceph_scenario, compute_services_up, connect, ephemeral_path, eventually, in_container,
                       listeners, load_secrets, ml2_driver, network_agents_alive, project_path, smoke)

SERVICE_UNITS = (
    "placement-api", "nova-api", "nova-api-metadata", "nova-conductor", "nova-scheduler",
    "nova-novncproxy", "nova-compute", "libvirtd", "neutron-api", "neutron-rpc-server",
)
# Each mechanism driver's units that run and start at boot.
DRIVER_UNITS = {
    "linuxbridge": ("neutron-linuxbridge-agent", "neutron-dhcp-agent", "neutron-metadata-agent"),
    "ovn": ("openvswitch-switch", "neutron-ovn-metadata-agent", "neutron-ovn-maintenance-worker"),
}
# ... those that run without an [Install] section of their own ...
DRIVER_RUNNING = {
    "linuxbridge": (),
    "ovn": ("ovs-vswitchd", "ovsdb-server", "ovn-controller", "ovn-northd", "ovn-ovsdb-server-nb", "ovn-ovsdb-server-sb"),
}
# ... and the oneshots that start them at boot (they require network.target,
# which a container's boot may never reach: enabled, not necessarily active).
DRIVER_ENABLED = {
    "linuxbridge": (),
    "ovn": ("ovn-central", "ovn-host"),
}


def test_every_service_is_running_and_enabled(host: Any) -> None:
    driver = ml2_driver()
    assert_units_running(host, SERVICE_UNITS + DRIVER_UNITS[driver])
    for unit in DRIVER_RUNNING[driver]:
        assert host.service(unit).is_running, unit
    for unit in DRIVER_ENABLED[driver]:
        assert host.service(unit).is_enabled, unit


def test_compute_service_list_shows_every_service_up(cloud: Any) -> None:
    eventually(lambda: compute_services_up(cloud), timeout=120)


def test_network_agent_list_shows_every_agent_alive(cloud: Any) -> None:
    eventually(lambda: network_agents_alive(cloud), timeout=120)


def test_hypervisor_list_shows_the_compute_host(cloud: Any, host: Any) -> None:
    hostname = host.check_output("hostname").strip()
    names = [h.name for h in cloud.compute.hypervisors()]
    assert any(name.split(".")[0] == hostname for name in names), names


def test_the_storage_vm_is_the_compute_host_of_zone_storage(cloud: Any, host: Any) -> None:
    """LVM: the storage VM attaches the volumes (iSCSI), in its own zone; servers naming no zone stay in the container."""
    zones = {service.host: service.availability_zone for service in cloud.compute.services() if service.binary == "nova-compute"}
    hostname = host.check_output("hostname").strip()
    storage_vm = "opendeploy-aio-" + os.environ["SCENARIO"].replace("_", "-") + "-storage"
    assert zones == {hostname: "nova", storage_vm: "storage"}, zones
    nova_conf = host.file("/etc/nova/nova.conf").content_string
    assert re.search(r"^default_schedule_zone = nova$", nova_conf, re.M), "no default_schedule_zone = nova"


def test_the_storage_vm_as_a_compute_host_holds_no_nova_or_neutron_database_credentials() -> None:
    """nova-compute reaches the database through nova-conductor: a compromised hypervisor must not own it (#19).

    The VM also runs cinder-volume, which uses Cinder's database itself, so
    only Nova's and Neutron's files are read.
    """
    vm = "opendeploy-aio-" + os.environ["SCENARIO"].replace("_", "-") + "-storage"
    state_root = os.environ.get("OPENDEPLOY_CACHE") or "/var/cache/opendeploy"
    # One argument: ssh hands the remote shell one command line.
    run = subprocess.run(
        [str(project_path("tools", "vm", "vmctl")), "ssh", vm, "--state-root", f"{state_root}/aio/vms",
         "cat /etc/nova/*.conf; cat /etc/neutron/*.conf /etc/neutron/plugins/ml2/*.ini 2>/dev/null; true"],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "[keystone_authtoken]" in run.stdout, "no nova.conf read on the VM"
    assert "[database]" not in run.stdout and "[api_database]" not in run.stdout
    assert "mysql+pymysql" not in run.stdout
    secrets = load_secrets()
    assert secrets["nova_db_password"] not in run.stdout and secrets["neutron_db_password"] not in run.stdout


def test_catalog_lists_placement_compute_and_network(cloud: Any) -> None:
    services = {service.id: service.type for service in cloud.identity.services()}
    endpoints = list(cloud.identity.endpoints())
    for service_type in ("placement", "compute", "network"):
        interfaces = {e.interface for e in endpoints if services.get(e.service_id) == service_type}
        assert interfaces == {"public", "internal", "admin"}, service_type


def test_the_apis_listen_on_the_management_address_only(address: str) -> None:
    for port in (8778, 8774, 8775, 9696):
        assert listeners(port) == {address}, port


def test_make_aio_created_the_network_flavors_and_image_a_user_needs(cloud: Any) -> None:
    public = cloud.network.find_network("public")
    assert public is not None and public.is_router_external and public.is_shared, public
    assert public.provider_network_type == "flat" and public.provider_physical_network == "physnet1", public
    subnets = [cloud.network.get_subnet(subnet_id) for subnet_id in public.subnet_ids]
    assert [(s.cidr, s.gateway_ip, s.is_dhcp_enabled) for s in subnets] == [("172.24.4.0/24", "172.24.4.1", True)]
    assert {"m1.tiny", "m1.small"} <= {flavor.name for flavor in cloud.compute.flavors()}
    image = cloud.image.find_image("opendeploy-guest")
    assert image is not None and image.status == "active" and image.visibility == "public", image


def test_the_container_reaches_the_provider_network_through_its_veth() -> None:
    assert "172.24.4.1/24" in in_container("ip", "-o", "-4", "address", "show", "dev", "provider0p")


def config_drive_probe(server: str) -> str:
    """What blkid says of the server's config drive.

    With images_type = rbd (SCENARIO ceph) Nova imports the drive into the
    vms pool as <uuid>_disk.config and removes the local file; otherwise the
    file stays beside the server's disk.
    """
    if not ceph_scenario():
        return in_container("blkid", "-o", "export", f"/var/lib/nova/instances/{server}/disk.config")
    copy = f"/tmp/{server}_disk.config"
    in_container("rbd", "export", f"vms/{server}_disk.config", copy)
    try:
        return in_container("blkid", "-o", "export", copy)
    finally:
        in_container("rm", "-f", copy)


def test_a_server_with_a_config_drive_boots_and_gets_the_drive() -> None:
    report = ephemeral_path("smoke-config-drive.json")
    run = smoke(report, "-e", "smoke_config_drive=true", "-e", "smoke_keep=true", "-e", "smoke_prefix=opendeploy-cd")
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    server = json.loads(report.read_text())["server"]
    try:
        # nova-compute builds the drive with genisoimage: ISO 9660, label config-2.
        probe = config_drive_probe(server)
        assert "TYPE=iso9660" in probe and "LABEL=config-2" in probe, probe
    finally:
        conn = connect()
        conn.compute.delete_server(server)
        conn.compute.wait_for_delete(conn.compute.get_server(server), wait=300)
        conn.close()
