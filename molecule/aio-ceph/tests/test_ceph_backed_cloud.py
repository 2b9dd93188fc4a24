"""Glance images, Cinder volumes and Nova disks live in Ceph, and servers boot from them.

Everything is checked with the real clients: openstacksdk on the deploy side,
`ceph` and `rbd` in the container.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

from aio_cloud import compute_services_up, ephemeral_path, eventually, in_container, smoke

GUEST_DISK = Path(os.environ.get("OPENDEPLOY_CACHE", "/var/cache/opendeploy")) / "guest-image" / "disk.raw"


def rbd_images(pool: str) -> list[str]:
    """The RBD images of ``pool``."""
    return json.loads(in_container("rbd", "--pool", pool, "ls", "--format", "json"))


def test_ceph_health_is_exactly_ok() -> None:
    assert in_container("ceph", "--connect-timeout", "30", "health").strip() == "HEALTH_OK", \
        in_container("ceph", "health", "detail")


def test_the_services_use_rbd() -> None:
    glance = in_container("grep", "-E", "^(default_store|rbd_store_pool)", "/etc/glance/glance-api.conf")
    assert "default_store = rbd" in glance and "rbd_store_pool = images" in glance
    nova = in_container("grep", "-E", "^(images_type|rbd_secret_uuid)", "/etc/nova/nova-compute.conf")
    assert "images_type = rbd" in nova and "rbd_secret_uuid" in nova
    secrets = in_container("virsh", "-q", "secret-list")
    assert "client.cinder secret" in secrets


def test_an_image_and_a_volume_made_from_it_are_rbd_images(cloud: Any) -> None:
    name = f"aio-ceph-test-{uuid.uuid4().hex[:8]}"
    image = cloud.image.create_image(name=name, filename=str(GUEST_DISK), disk_format="raw",
                                     container_format="bare", wait=True)
    volume = None
    try:
        assert cloud.image.get_image(image.id).status == "active"
        assert image.id in rbd_images("images")
        volume = cloud.block_storage.create_volume(name=name, size=1, image_id=image.id)
        volume = cloud.block_storage.wait_for_status(volume, status="available", failures=["error"], wait=600)
        assert f"volume-{volume.id}" in rbd_images("volumes")
        # Cinder clones Glance's RBD image (copy on write) instead of copying it.
        info = json.loads(in_container("rbd", "info", "--format", "json", f"volumes/volume-{volume.id}"))
        assert info.get("parent", {}).get("image") == image.id, info
    finally:
        if volume is not None:
            cloud.block_storage.delete_volume(volume, ignore_missing=True)
            cloud.block_storage.wait_for_delete(volume, wait=300)
        cloud.image.delete_image(image, ignore_missing=True)
    assert f"volume-{volume.id}" not in rbd_images("volumes")


def test_a_server_boots_from_a_volume_in_ceph(cloud: Any) -> None:
    eventually(lambda: compute_services_up(cloud), timeout=120)
    report = ephemeral_path("smoke-boot-from-volume.json")
    run = smoke(report, "-e", "smoke_boot_from_volume=true")
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    timings = json.loads(report.read_text())
    assert timings["boot_from_volume"] in (True, "True", "true")
    assert float(timings["create_to_marker_s"]) >= float(timings["create_to_active_s"]) > 0


def test_an_ephemeral_disk_is_an_rbd_image_in_the_vms_pool(cloud: Any) -> None:
    report = ephemeral_path("smoke-ephemeral.json")
    run = smoke(report, "-e", "smoke_keep=true")
    try:
        assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
        server_id = json.loads(report.read_text())["server"]
        assert f"{server_id}_disk" in rbd_images("vms")
    finally:
        delete_smoke_leftovers(cloud)
    assert not [name for name in rbd_images("vms") if name.endswith("_disk")]


def delete_smoke_leftovers(cloud: Any) -> None:
    """Delete what `smoke_keep=true` left: server, images, flavor, network."""
    for server in cloud.compute.servers(name="^opendeploy-smoke-"):
        cloud.compute.delete_server(server)
        cloud.compute.wait_for_delete(server, wait=300)
    for image in cloud.image.images():
        if image.name.startswith("opendeploy-smoke-"):
            cloud.image.delete_image(image)
    for flavor in cloud.compute.flavors():
        if flavor.name.startswith("opendeploy-smoke-"):
            cloud.compute.delete_flavor(flavor)
    for network in cloud.network.networks(name="opendeploy-smoke-net"):
        for port in cloud.network.ports(network_id=network.id):
            if port.device_owner.startswith("compute:"):
                cloud.network.delete_port(port)
        for subnet in cloud.network.subnets(network_id=network.id):
            eventually(lambda subnet=subnet: cloud.network.delete_subnet(subnet), timeout=60)
        eventually(lambda network=network: cloud.network.delete_network(network), timeout=60)
