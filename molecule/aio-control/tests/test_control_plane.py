"""The control plane answers with the generated admin credentials."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

from aio_cloud import assert_units_running, eventually, listeners, scheduler_is_up, secrets_path

SERVICE_UNITS = ("mariadb", "rabbitmq-server", "memcached", "keystone", "glance-api", "cinder-api", "cinder-scheduler")


def test_every_service_is_running_and_enabled(host: Any) -> None:
    assert_units_running(host, SERVICE_UNITS)


def test_admin_gets_a_token(cloud: Any) -> None:
    assert cloud.authorize()


def test_catalog_lists_identity_image_and_volumev3_on_three_interfaces(cloud: Any) -> None:
    services = {service.id: service.type for service in cloud.identity.services()}
    endpoints = list(cloud.identity.endpoints())
    for service_type in ("identity", "image", "volumev3"):
        interfaces = {e.interface for e in endpoints if services.get(e.service_id) == service_type}
        assert interfaces == {"public", "internal", "admin"}, service_type


def test_an_uploaded_image_becomes_active_and_downloads_unchanged(cloud: Any, tmp_path: Path) -> None:
    source = tmp_path / "image.raw"
    source.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    image = cloud.image.create_image(
        name=f"test-{uuid.uuid4().hex[:8]}", filename=str(source),
        disk_format="raw", container_format="bare", wait=True, timeout=120,
    )
    try:
        image = cloud.image.get_image(image.id)
        assert image.status == "active"
        assert image.checksum == hashlib.md5(source.read_bytes()).hexdigest()  # noqa: S324 - Glance's checksum
        copy = tmp_path / "copy.raw"
        cloud.image.download_image(image, output=str(copy))
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == hashlib.sha256(source.read_bytes()).hexdigest()
    finally:
        cloud.image.delete_image(image.id, ignore_missing=True)


def test_volume_service_list_shows_the_scheduler_up(cloud: Any) -> None:
    eventually(lambda: scheduler_is_up(cloud), timeout=90)


def test_operator_openrc_and_clouds_yaml_work_in_the_container(host: Any) -> None:
    token = host.run("bash -c '. /root/openrc && openstack token issue -f value -c id'")
    assert token.rc == 0, token.stderr
    assert token.stdout.strip()
    services = host.run("openstack --os-cloud admin volume service list -f json")
    assert services.rc == 0, services.stderr
    assert any(s["Binary"] == "cinder-scheduler" for s in json.loads(services.stdout))


def test_rabbitmq_has_no_guest_and_a_user_per_service(host: Any) -> None:
    users = host.check_output("rabbitmqctl list_users --quiet --no-table-headers")
    names = {line.split()[0] for line in users.splitlines() if line.strip()}
    assert "guest" not in names
    assert "cinder" in names
    vhosts = host.check_output("rabbitmqctl list_vhosts --quiet --no-table-headers").split()
    assert "cinder" in vhosts


def test_rabbitmq_node_name_resolves(host: Any) -> None:
    status = host.run("rabbitmqctl status --formatter json")
    assert status.rc == 0, status.stderr
    node = host.check_output("rabbitmqctl eval 'node().' --quiet").strip().strip("'")
    assert node == "rabbit@aio1"
    assert host.run("getent hosts aio1").rc == 0


def test_mariadb_listens_only_on_the_management_address_and_localhost(address: str) -> None:
    assert listeners(3306) == {address, "127.0.0.1"}


def test_mariadb_root_is_local_only_and_each_service_has_its_database(host: Any) -> None:
    accounts = host.check_output("mysql -NBe \"SELECT user, host FROM mysql.user\"")
    pairs = {tuple(line.split("\t")) for line in accounts.splitlines()}
    assert {host_ for user, host_ in pairs if user == "root"} == {"localhost"}
    assert not any(user == "" for user, _host in pairs)
    databases = set(host.check_output("mysql -NBe 'SHOW DATABASES'").split())
    assert {"keystone", "glance", "cinder"} <= databases
    assert "test" not in databases
    for service in ("keystone", "glance", "cinder"):
        assert (service, "%") in pairs


def test_memcached_and_the_apis_listen_on_the_management_address_only(address: str) -> None:
    for port in (11211, 5000, 9292, 8776, 5672):
        assert listeners(port) == {address}, port


def test_config_files_holding_secrets_are_not_world_readable(host: Any) -> None:
    for path in (
        "/etc/keystone/keystone.conf",
        "/etc/glance/glance-api.conf",
        "/etc/cinder/cinder.conf",
        "/root/openrc",
        "/root/.config/openstack/clouds.yaml",
    ):
        config = host.file(path)
        assert config.exists, path
        assert config.mode & 0o007 == 0, f"{path} is mode {config.mode:o}"
    assert secrets_path().stat().st_mode & 0o077 == 0


def test_fernet_and_credential_keys_are_private_to_keystone(host: Any) -> None:
    for repository in ("/etc/keystone/fernet-keys", "/etc/keystone/credential-keys"):
        directory = host.file(repository)
        assert directory.user == "keystone" and directory.mode == 0o700, repository
        assert {"0", "1"} <= set(directory.listdir()), repository
        for key in directory.listdir():
            assert host.file(f"{repository}/{key}").mode == 0o600


def test_no_generated_secret_is_in_the_repository(secrets: dict[str, str]) -> None:
    root = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
    for directory in ("roles", "playbooks", "molecule", "scenarios", "inventories", "plugins"):
        for path in (root / directory).rglob("*"):
            if path.is_file() and path.suffix not in {".pyc"}:
                text = path.read_text(errors="ignore")
                for name, value in secrets.items():
                    assert value not in text, f"{name} found in {path}"
