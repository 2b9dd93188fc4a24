"""Verify the ceph role in its container with the real `ceph` and `rbd` clients."""

from __future__ import annotations

import json

import pytest

# What the AIO plan computes (opendeploy.openstack.ceph_pool_pg_nums with
# 3 OSDs, size 3, 100 PGs per OSD): see roles/ceph/README.md.
OSDS = 3
SIZE, MIN_SIZE = 3, 2
PG_NUMS = {"images": 8, "volumes": 64, "vms": 32, "backups": 8}


def ceph_json(node, *args: str):
    """Run `ceph ARGS --format json` in the container and parse its output."""
    result = node.run("ceph --connect-timeout 30 " + " ".join(args) + " --format json")
    assert result.rc == 0, result.stderr
    return json.loads(result.stdout)


def test_health_is_exactly_ok(node) -> None:
    result = node.run("ceph --connect-timeout 30 health")
    assert result.rc == 0, result.stderr
    assert result.stdout.strip() == "HEALTH_OK", node.run("ceph health detail").stdout


def test_pools_have_the_computed_pg_num_size_and_rbd(node) -> None:
    pools = {p["pool_name"]: p for p in ceph_json(node, "osd pool ls detail")}
    assert set(PG_NUMS) <= set(pools)
    for name, pg_num in PG_NUMS.items():
        pool = pools[name]
        assert (pool["pg_num"], pool["pg_placement_num"]) == (pg_num, pg_num), name
        assert (pool["size"], pool["min_size"]) == (SIZE, MIN_SIZE), name
        assert pool["pg_autoscale_mode"] == "off", name
        assert "rbd" in pool["application_metadata"], name


def test_all_placement_groups_are_active_and_clean(node, mgr_pool) -> None:
    pools = {p["pool_name"]: p["pg_num"] for p in ceph_json(node, "osd pool ls detail")}
    assert pools == {**PG_NUMS, mgr_pool: 1}
    summary = ceph_json(node, "pg stat")["pg_summary"]
    clean = sum(s["num"] for s in summary["num_pg_by_state"] if s["name"] == "active+clean")
    assert clean == summary["num_pgs"] == sum(pools.values())


def test_every_manager_module_loads_and_restful_stays_off(node) -> None:
    """On trixie every module failed to load (PyO3 bcrypt) until the role deferred mgr_util's import."""
    checks = ceph_json(node, "health detail")["checks"]
    assert "MGR_MODULE_DEPENDENCY" not in checks, checks
    modules = ceph_json(node, "mgr module ls")
    assert "restful" not in modules["enabled_modules"]
    # Two always-on modules answer their commands.
    assert {p["pool_name"] for p in ceph_json(node, "osd pool autoscale-status")} >= set(PG_NUMS)
    schedules = node.run("rbd trash purge schedule ls --recursive --format json")
    assert schedules.rc == 0 and json.loads(schedules.stdout) == [], schedules.stderr


def test_osds_are_up_and_in(node) -> None:
    stat = ceph_json(node, "osd stat")
    assert (stat["num_osds"], stat["num_up_osds"], stat["num_in_osds"]) == (OSDS, OSDS, OSDS)


def test_single_host_crush_rule_spreads_replicas_over_osds(node) -> None:
    # osd_crush_chooseleaf_type 0 at cluster creation: choose OSDs, not hosts.
    rule = ceph_json(node, "osd crush rule dump replicated_rule")
    assert {"op": "choose_firstn", "num": 0, "type": "osd"} in rule["steps"]


@pytest.mark.parametrize("osd", range(OSDS))
def test_osd_runs_bluestore_on_a_plain_file(node, osd: int) -> None:
    directory = f"/var/lib/ceph/osd/ceph-{osd}"
    assert node.file(f"{directory}/type").content_string.strip() == "bluestore"
    block = node.file(f"{directory}/block")
    assert block.is_symlink
    assert block.linked_to.startswith("/var/lib/ceph/osd-files/osd-")
    assert node.file(block.linked_to).is_file
    assert node.service(f"ceph-osd@{osd}").is_running
    assert node.service(f"ceph-osd@{osd}").is_enabled


@pytest.mark.parametrize("unit", ["ceph-mon@aio1", "ceph-mgr@aio1", "ceph.target"])
def test_daemons_run_and_start_at_boot(node, unit: str) -> None:
    assert node.service(unit).is_enabled
    if "@" in unit:
        assert node.service(unit).is_running


def test_monitor_refuses_insecure_global_id_reclaim(node) -> None:
    result = node.run("ceph daemon mon.aio1 config get auth_allow_insecure_global_id_reclaim")
    assert result.rc == 0, result.stderr
    assert json.loads(result.stdout)["auth_allow_insecure_global_id_reclaim"] == "false"


@pytest.mark.parametrize("client", ["glance", "cinder", "cinder-backup"])
def test_client_keyrings_are_root_owned_and_0640(node, client: str) -> None:
    keyring = node.file(f"/etc/ceph/ceph.client.{client}.keyring")
    assert keyring.exists
    assert keyring.user == "root"
    # No glance/cinder group in this container, so the group falls back to root.
    assert keyring.group == "root"
    assert keyring.mode == 0o640
    assert f"[client.{client}]" in keyring.content_string


def test_admin_keyring_is_private(node) -> None:
    keyring = node.file("/etc/ceph/ceph.client.admin.keyring")
    assert (keyring.user, keyring.mode) == ("root", 0o600)


def test_client_caps_follow_the_openstack_guide(node) -> None:
    caps = {e["entity"]: e["caps"] for e in ceph_json(node, "auth ls")["auth_dump"]}
    assert caps["client.glance"]["osd"] == "profile rbd pool=images"
    assert "profile rbd-read-only pool=images" in caps["client.cinder"]["osd"]
    assert caps["client.cinder-backup"]["osd"] == "profile rbd pool=backups"


def test_glance_key_creates_and_lists_images_only_in_its_pool(node) -> None:
    rbd = "rbd --id glance"
    node.run(f"{rbd} -p images rm testinfra-image")
    created = node.run(f"{rbd} -p images create --size 16 testinfra-image")
    assert created.rc == 0, created.stderr
    listed = node.run(f"{rbd} -p images ls")
    assert listed.rc == 0, listed.stderr
    assert "testinfra-image" in listed.stdout.split()
    removed = node.run(f"{rbd} -p images rm testinfra-image")
    assert removed.rc == 0, removed.stderr
    # Glance's key has no business in the volumes pool.
    denied = node.run(f"{rbd} -p volumes create --size 16 testinfra-image")
    assert denied.rc != 0
