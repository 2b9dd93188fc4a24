"""Every role reads where the other services answer from one place: opendeploy.openstack.endpoints.

tests/playbooks/show_endpoints.yml loads every role that talks to another
service (their tasks skipped) and prints what each would write: config
dicts, endpoint URLs, listen ports. Moving a shared service's port in the
endpoints role must move it everywhere: no role may keep the old port.
"""

from __future__ import annotations

import json

import pytest
from test_scenario_selection import run_playbook

MOVED = {
    "endpoints_keystone_port": ("5000", "5999"),
    "endpoints_glance_port": ("9292", "9299"),
    "endpoints_memcached_port": ("11211", "11299"),
    "endpoints_rabbitmq_port": ("5672", "5699"),
    "endpoints_nova_metadata_port": ("8775", "8799"),
    "endpoints_ovn_nb_port": ("6641", "6691"),
    "endpoints_ovn_sb_port": ("6642", "6692"),
}


def shown(*extra: str) -> dict:
    """What show_endpoints.yml printed, by role; fails unless the run changed nothing."""
    result, _seconds = run_playbook("tests/playbooks/show_endpoints.yml", None, *extra, callback="ansible.builtin.json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    report = json.loads(result.stdout)
    assert report["stats"]["aio1"]["changed"] == 0
    return report["plays"][-1]["tasks"][-1]["hosts"]["aio1"]["msg"]


@pytest.fixture(name="moved", scope="module")
def fixture_moved() -> dict:
    """What the roles write with every shared port moved in the endpoints role."""
    # As numbers, the way an inventory's group_vars sets them.
    return shown("-e", json.dumps({name: int(new) for name, (_old, new) in MOVED.items()}))


def test_the_default_ports_are_the_services_own() -> None:
    text = json.dumps(shown())
    for old, _new in MOVED.values():
        assert f":{old}" in text or f": {old}" in text or f'"{old}"' in text, old


@pytest.mark.parametrize("name", sorted(MOVED))
def test_moving_a_port_in_the_endpoints_role_leaves_no_role_on_the_old_one(moved: dict, name: str) -> None:
    old, new = MOVED[name]
    for role, written in moved.items():
        text = json.dumps(written)
        assert old not in text, f"{role} still writes {old} ({name}={new}): {text[:2000]}"
    assert new in json.dumps(moved), name


def test_every_service_follows_keystone(moved: dict) -> None:
    keystone = "http://192.0.2.10:5999"
    assert moved["keystone"]["listen"] == 5999
    assert moved["keystone"]["endpoints"] == [keystone] * 3
    for role in ("glance", "placement", "nova", "neutron", "cinder"):
        authtoken = moved[role]["conf"]["keystone_authtoken"]
        assert authtoken["www_authenticate_uri"] == keystone and authtoken["auth_url"] == keystone, role
        assert authtoken["memcached_servers"] == ["192.0.2.10:11299"], role
    assert moved["nova"]["conf"]["placement"]["auth_url"] == keystone
    assert moved["neutron"]["conf"]["nova"]["auth_url"] == keystone
    assert moved["cloud_resources"] == moved["service_setup"] == f"{keystone}/v3"


def test_glance_rabbitmq_memcached_and_metadata_follow_too(moved: dict) -> None:
    assert moved["glance"]["listen"] == 9299
    assert moved["nova"]["conf"]["glance"]["endpoint_override"] == "http://192.0.2.10:9299"
    assert moved["cinder"]["conf"]["DEFAULT"]["glance_api_servers"] == ["http://192.0.2.10:9299"]
    for role in ("nova", "neutron", "cinder"):
        assert moved[role]["conf"]["DEFAULT"]["transport_url"].endswith(f"@192.0.2.10:5699/{role}"), role
    assert moved["controller"] == {"memcached": 11299, "rabbitmq": 5699}
    assert moved["nova"]["listen_metadata"] == 8799
    metadata = moved["neutron"]["metadata_agent"]["DEFAULT"]
    assert metadata["nova_metadata_host"] == "192.0.2.10" and metadata["nova_metadata_port"] == 8799


def test_neutron_and_every_chassis_follow_the_ovn_databases(moved: dict) -> None:
    ovn = moved["neutron"]["ovn_ml2"]["ovn"]
    assert ovn["ovn_nb_connection"] == "tcp:192.0.2.10:6691" and ovn["ovn_sb_connection"] == "tcp:192.0.2.10:6692"
    assert moved["neutron"]["ovn_metadata_agent"]["ovn"]["ovn_sb_connection"] == "tcp:192.0.2.10:6692"
    assert {"--db-nb-port=6691", "--db-sb-port=6692", "--db-nb-addr=192.0.2.10"} <= set(moved["neutron"]["ovn_central"])
