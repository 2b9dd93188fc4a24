"""Unit tests for the opendeploy.openstack.cloud_plan inventory plugin."""

from __future__ import annotations

import copy
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible.errors import AnsibleParserError
from netaddr import IPAddress, IPNetwork

from ansible_collections.opendeploy.openstack.plugins.inventory.cloud_plan import (
    GROUPS,
    CloudInventory,
    CloudPlanError,
    build_inventory,
    parse_network,
)

ROOT = Path(__file__).resolve().parents[4]
FQCN = "opendeploy.openstack.cloud_plan"

NETWORKS: dict[str, Any] = {
    "management": {"cidr": "172.29.236.0/22", "reserved": ["172.29.236.1-172.29.236.50"]},
    "storage": {"cidr": "172.29.244.0/22", "reserved": ["172.29.244.1-172.29.244.50"]},
    "replication": {"cidr": "172.29.248.0/24"},
}
HOSTS: dict[str, Any] = {
    "controllers": [{"name": "controller1"}, {"name": "controller2"}, {"name": "controller3"}],
    "computes": [{"name": "compute1"}, {"name": "compute2"}, {"name": "compute3"}],
    "storage": [{"name": "storage1"}, {"name": "storage2"}],
    "ceph_osds": [{"name": "osd1"}, {"name": "osd2"}],
}
ADDRESS_VARS = ("management_address", "storage_address", "replication_address", "ansible_host")


def build(networks: Any = None, hosts: Any = None, variables: Any = None) -> CloudInventory:
    """Build the inventory of the base plan, or of the given parts."""
    return build_inventory(
        copy.deepcopy(NETWORKS if networks is None else networks),
        copy.deepcopy(HOSTS if hosts is None else hosts),
        variables,
    )


def with_changes(section: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of a plan section with top-level keys replaced."""
    result = copy.deepcopy(section)
    result.update(changes)
    return result


def addresses(inventory: CloudInventory) -> dict[str, dict[str, str]]:
    """Every host's address variables."""
    return {h: {k: v[k] for k in ADDRESS_VARS if k in v} for h, v in inventory.hostvars.items()}


# --- allocation ---------------------------------------------------------------------------


def test_base_plan_groups_and_vars() -> None:
    inv = build(variables={"openstack_release": "2025.1"})
    assert inv.groups == {group: [h["name"] for h in HOSTS[group]] for group in GROUPS}
    assert inv.all_vars == {
        "management_cidr": "172.29.236.0/22",
        "management_prefix": 22,
        "storage_cidr": "172.29.244.0/22",
        "storage_prefix": 22,
        "replication_cidr": "172.29.248.0/24",
        "replication_prefix": 24,
        "openstack_release": "2025.1",
    }
    for hostvars in inv.hostvars.values():
        assert hostvars["ansible_host"] == hostvars["management_address"]
    assert len({v["management_address"] for v in inv.hostvars.values()}) == len(inv.hostvars)


def test_deterministic_and_pinned_to_the_documented_hash() -> None:
    assert build() == build()
    # The hash is part of the contract: changing it would renumber every cloud.
    assert build(hosts={"controllers": [{"name": "controller1"}]}).hostvars["controller1"] == {
        "management_address": "172.29.238.14",
        "storage_address": "172.29.246.14",
        "replication_address": "172.29.248.80",
        "ansible_host": "172.29.238.14",
    }


def test_address_depends_only_on_the_hosts_own_name() -> None:
    full = addresses(build())
    for group, entries in HOSTS.items():
        for entry in entries:
            alone = addresses(build(hosts={group: [entry]}))
            assert alone[entry["name"]] == full[entry["name"]]


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("position", ["first", "middle", "last"])
@pytest.mark.parametrize("new", [{"name": "newhost"}, {"name": "pinned", "management": "172.29.237.77"}])
def test_adding_a_host_never_moves_another(group: str, position: str, new: dict[str, str]) -> None:
    before = addresses(build())
    hosts = copy.deepcopy(HOSTS)
    index = {"first": 0, "middle": len(hosts[group]) // 2, "last": len(hosts[group])}[position]
    hosts[group].insert(index, new)
    after = addresses(build(hosts=hosts))
    assert set(after) == set(before) | {new["name"]}
    assert {name: after[name] for name in before} == before


def test_adding_an_existing_host_to_another_group_keeps_its_addresses() -> None:
    before = addresses(build())
    hosts = with_changes(HOSTS, ceph_osds=[{"name": "storage1"}, *HOSTS["ceph_osds"]])
    inv = build(hosts=hosts)
    assert addresses(inv) == before
    assert "storage1" in inv.groups["ceph_osds"] and "storage1" in inv.groups["storage"]


def test_same_offset_on_networks_of_the_same_shape() -> None:
    for hostvars in build().hostvars.values():
        management = hostvars["management_address"].split(".")
        storage = hostvars["storage_address"].split(".")
        assert (int(management[2]) - 236, management[3]) == (int(storage[2]) - 244, storage[3])


def test_fixed_addresses_and_explicit_ansible_host() -> None:
    before = addresses(build())
    hosts = copy.deepcopy(HOSTS)
    hosts["computes"][1].update(management="172.29.236.200", storage="172.29.244.200")
    hosts["storage"][0].update(ansible_host="192.0.2.10", vars={"disk": "/dev/sdb"})
    inv = build(hosts=hosts)
    assert inv.hostvars["compute2"]["management_address"] == "172.29.236.200"
    assert inv.hostvars["compute2"]["ansible_host"] == "172.29.236.200"
    assert inv.hostvars["compute2"]["storage_address"] == "172.29.244.200"
    assert inv.hostvars["compute2"]["replication_address"] == before["compute2"]["replication_address"]
    assert inv.hostvars["storage1"]["ansible_host"] == "192.0.2.10"
    assert inv.hostvars["storage1"]["disk"] == "/dev/sdb"
    assert inv.hostvars["storage1"]["management_address"] == before["storage1"]["management_address"]
    unchanged = set(before) - {"compute2", "storage1"}
    assert {h: addresses(inv)[h] for h in unchanged} == {h: before[h] for h in unchanged}


def test_reserved_ranges_are_skipped() -> None:
    network = parse_network("management", {"cidr": "10.0.0.0/24", "reserved": ["10.0.0.1-10.0.0.250"]})
    assert network.free == 4
    for index in range(300):
        assert str(network.hashed(f"host{index}")) in {"10.0.0.251", "10.0.0.252", "10.0.0.253", "10.0.0.254"}
    mixed = parse_network("storage", {"cidr": "10.0.1.0/24", "reserved": ["10.0.1.0/25", "10.0.1.200"]})
    assert mixed.free == 126
    for index in range(300):
        assert mixed.is_free(mixed.hashed(f"host{index}"))


def test_host_in_all_groups_gets_one_address_per_network() -> None:
    hosts = {group: [{"name": "aio1"}] for group in GROUPS}
    hosts["controllers"][0]["ansible_host"] = "127.0.0.1"
    inv = build(hosts=hosts)
    assert inv.groups == {group: ["aio1"] for group in GROUPS}
    assert set(inv.hostvars) == {"aio1"}
    assert inv.hostvars["aio1"]["ansible_host"] == "127.0.0.1"
    assert {"management_address", "storage_address", "replication_address"} <= set(inv.hostvars["aio1"])


def test_networks_and_groups_are_optional() -> None:
    inv = build(networks={"management": {"cidr": "fd00:29::/64"}}, hosts={"computes": [{"name": "c1"}]})
    assert inv.groups == {"controllers": [], "computes": ["c1"], "storage": [], "ceph_osds": []}
    assert set(inv.hostvars["c1"]) == {"management_address", "ansible_host"}
    assert inv.hostvars["c1"]["management_address"].startswith("fd00:29::")
    assert build(hosts={}).groups == {group: [] for group in GROUPS}


def colliding_names(network: dict[str, Any]) -> tuple[str, str]:
    """Two host names that hash to the same address on ``network``."""
    parsed = parse_network("management", network)
    for one, two in itertools.combinations((f"host{i}" for i in range(parsed.free + 1)), 2):
        if parsed.hashed(one) == parsed.hashed(two):
            return one, two
    raise AssertionError("pigeonhole")


def test_collision_is_refused_with_a_pin_that_resolves_it() -> None:
    networks = {"management": {"cidr": "10.0.0.0/29"}}
    first, second = colliding_names(networks["management"])
    hosts = {"computes": [{"name": first}, {"name": second}]}
    with pytest.raises(CloudPlanError, match=rf"collision on network 'management': .* claimed by {first}, {second}"):
        build(networks, hosts)
    with pytest.raises(CloudPlanError) as refused:
        build(networks, hosts)
    pin = str(refused.value).split("`management: ")[1].split("`")[0]
    alone = addresses(build(networks, {"computes": [{"name": first}]}))
    hosts["computes"][1]["management"] = pin
    resolved = addresses(build(networks, hosts))
    assert resolved[first] == alone[first]
    assert resolved[second]["management_address"] == pin


def test_collision_with_a_fixed_address_is_refused() -> None:
    networks = {"management": {"cidr": "10.0.0.0/29"}}
    taken = str(parse_network("management", networks["management"]).hashed("compute1"))
    hosts = {"computes": [{"name": "compute1"}, {"name": "compute2", "management": taken}]}
    with pytest.raises(CloudPlanError, match=rf"{taken} is claimed by compute1, compute2 \(e.g. pin 'compute1'"):
        build(networks, hosts)


# --- refusals -----------------------------------------------------------------------------


def host_with(**keys: str) -> dict[str, Any]:
    """The base hosts with ``keys`` added to compute1's entry."""
    hosts = copy.deepcopy(HOSTS)
    hosts["computes"][0].update(keys)
    return hosts


REFUSALS = {
    "overlap": (
        with_changes(NETWORKS, storage={"cidr": "172.29.238.0/24"}),
        HOSTS,
        r"networks 'management' \(172\.29\.236\.0/22\) and 'storage' \(172\.29\.238\.0/24\) overlap",
    ),
    "reserved outside": (
        with_changes(NETWORKS, storage={"cidr": "172.29.244.0/22", "reserved": ["172.29.236.1-172.29.236.9"]}),
        HOSTS,
        r"network 'storage': reserved range 172\.29\.236\.1-172\.29\.236\.9 lies outside its cidr 172\.29\.244\.0/22",
    ),
    "reserved partly outside": (
        with_changes(NETWORKS, replication={"cidr": "172.29.248.0/24", "reserved": ["172.29.248.0/23"]}),
        HOSTS,
        r"network 'replication': reserved range 172\.29\.248\.0/23 lies outside",
    ),
    "reversed range": (
        with_changes(NETWORKS, replication={"cidr": "172.29.248.0/24", "reserved": ["172.29.248.9-172.29.248.1"]}),
        HOSTS,
        r"network 'replication': malformed reserved range '172\.29\.248\.9-172\.29\.248\.1'",
    ),
    "garbage range": (
        with_changes(NETWORKS, replication={"cidr": "172.29.248.0/24", "reserved": ["gateway"]}),
        HOSTS,
        r"network 'replication': malformed reserved range 'gateway'",
    ),
    "cidr prefix too long": (
        with_changes(NETWORKS, replication={"cidr": "172.29.248.0/33"}),
        HOSTS,
        r"network 'replication': malformed cidr '172\.29\.248\.0/33'",
    ),
    "cidr without prefix": (
        with_changes(NETWORKS, replication={"cidr": "172.29.248.0"}),
        HOSTS,
        r"network 'replication': malformed cidr '172\.29\.248\.0'",
    ),
    "cidr host bits": (
        with_changes(NETWORKS, replication={"cidr": "172.29.248.7/24"}),
        HOSTS,
        r"network 'replication': cidr 172\.29\.248\.7/24 has host bits set; did you mean 172\.29\.248\.0/24\?",
    ),
    "too small": (
        with_changes(NETWORKS, replication={"cidr": "172.29.248.0/28", "reserved": ["172.29.248.1-172.29.248.5"]}),
        HOSTS,
        r"network 'replication' \(172\.29\.248\.0/28\) is too small: the plan has 10 hosts"
        r" but the network has only 9 free addresses",
    ),
    "unknown network": (
        with_changes(NETWORKS, tenant={"cidr": "10.0.0.0/24"}),
        HOSTS,
        r"unknown network 'tenant'; valid: management, storage, replication, tunnel",
    ),
    "no management": (
        {"storage": NETWORKS["storage"]},
        HOSTS,
        r"the 'management' network is required",
    ),
    "unknown group": (
        NETWORKS,
        with_changes(HOSTS, compute=[{"name": "compute9"}]),
        r"unknown group 'compute'; valid: controllers, computes, storage, ceph_osds",
    ),
    "duplicate in group": (
        NETWORKS,
        with_changes(HOSTS, computes=[{"name": "compute1"}, {"name": "compute2"}, {"name": "compute1"}]),
        r"group 'computes' lists host 'compute1' twice",
    ),
    "host without name": (
        NETWORKS,
        with_changes(HOSTS, computes=[{"management": "172.29.236.99"}]),
        r"group 'computes': host entry .* needs a 'name'",
    ),
    "same fixed address twice": (
        NETWORKS,
        with_changes(
            HOSTS,
            computes=[
                {"name": "compute1", "storage": "172.29.244.99"},
                {"name": "compute2", "storage": "172.29.244.99"},
            ],
        ),
        r"fixed storage address 172\.29\.244\.99 is given to both 'compute1' and 'compute2'",
    ),
    "fixed outside network": (
        NETWORKS,
        host_with(management="172.29.244.99"),
        r"host 'compute1': fixed management address '172\.29\.244\.99' is outside network 'management'"
        r" \(172\.29\.236\.0/22\)",
    ),
    "fixed reserved": (
        NETWORKS,
        host_with(management="172.29.236.10"),
        r"host 'compute1': fixed management address '172\.29\.236\.10' is inside a reserved range",
    ),
    "fixed broadcast": (
        NETWORKS,
        host_with(replication="172.29.248.255"),
        r"host 'compute1': fixed replication address '172\.29\.248\.255' is the network or broadcast address",
    ),
    "fixed malformed": (
        NETWORKS,
        host_with(management="172.29.236.300"),
        r"host 'compute1': fixed management address '172\.29\.236\.300' is malformed",
    ),
    "fixed on a network not in the plan": (
        {"management": NETWORKS["management"]},
        host_with(storage="172.29.244.99"),
        r"host 'compute1' references unknown network 'storage' \(plan networks: management;",
    ),
    "fixed on an unknown network": (
        NETWORKS,
        host_with(tenant="10.0.0.5"),
        r"host 'compute1' references unknown network 'tenant' \(plan networks: management, storage, replication;",
    ),
    "conflicting entries of one host": (
        NETWORKS,
        with_changes(
            HOSTS,
            computes=[{"name": "compute1", "ansible_host": "192.0.2.2"}],
            ceph_osds=[{"name": "compute1", "ansible_host": "192.0.2.1"}],
        ),
        r"host 'compute1' sets 'ansible_host' differently in groups computes, ceph_osds",
    ),
    "host vars override an address": (
        NETWORKS,
        host_with(vars={"management_address": "172.29.236.99"}),
        r"vars of host 'compute1' may not set the generated variable\(s\) management_address",
    ),
}


@pytest.mark.parametrize(("networks", "hosts", "message"), REFUSALS.values(), ids=REFUSALS.keys())
def test_refusals(networks: dict[str, Any], hosts: dict[str, Any], message: str) -> None:
    with pytest.raises(AnsibleParserError, match=message):
        build(networks, hosts)


def test_all_vars_may_not_override_generated_ones() -> None:
    with pytest.raises(CloudPlanError, match=r"vars may not set the generated variable\(s\) storage_cidr"):
        build(variables={"storage_cidr": "10.0.0.0/8"})


# --- shipped example and the real plugin ---------------------------------------------------


def test_static_inventory_matches_the_example_plan() -> None:
    plan = yaml.safe_load((ROOT / "inventories/multinode/cloud_plan.yml").read_text())
    static = yaml.safe_load((ROOT / "inventories/multinode/static.yml").read_text())["all"]
    inv = build_inventory(plan["networks"], plan["hosts"], plan.get("vars"))
    assert static["vars"] == inv.all_vars
    for group in GROUPS:
        members = static["children"][group]["hosts"] or {}
        assert list(members) == inv.groups[group]
        for name, hostvars in members.items():
            assert hostvars == inv.hostvars[name]


@pytest.fixture(scope="module")
def plugin_loader() -> Iterator[Any]:
    """Ansible's inventory plugin loader with this collection on its path.

    Ansible's collection finder must import the collection itself, so the
    modules imported through conftest's sys.path entry are set aside while it
    is installed and put back afterwards, leaving other tests undisturbed.
    """
    from ansible.plugins.loader import init_plugin_loader, inventory_loader
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    if AnsibleCollectionConfig.collection_finder is not None:  # someone already set Ansible up
        yield inventory_loader
        return
    ours = [name for name in sys.modules if name.split(".")[0] == "ansible_collections"]
    saved = {name: sys.modules.pop(name) for name in ours}
    init_plugin_loader([str(ROOT / ".ansible" / "collections")])
    try:
        yield inventory_loader
    finally:
        _AnsibleCollectionFinder._remove()
        for name in [name for name in sys.modules if name.split(".")[0] == "ansible_collections"]:
            del sys.modules[name]
        sys.modules.update(saved)


PLAN = """\
plugin: opendeploy.openstack.cloud_plan
networks:
  management: {cidr: 172.29.236.0/22, reserved: [172.29.236.1-172.29.236.50]}
  storage: {cidr: 172.29.244.0/22}
hosts:
  controllers: [{name: controller1}]
  computes:
    - {name: compute1}
    - {name: compute2, management: 172.29.236.200, vars: {role: "{{ 'hyper' + 'visor' }}"}}
  storage: [{name: controller1}]
vars: {region: RegionOne}
"""


def test_real_plugin_through_inventory_manager(plugin_loader: Any, tmp_path: Path) -> None:
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar

    source = tmp_path / "cloud_plan.yml"
    source.write_text(PLAN)
    loader = DataLoader()
    manager = InventoryManager(loader=loader, sources=[str(source)])
    groups = manager.get_groups_dict()
    assert {group: groups[group] for group in GROUPS} == {
        "controllers": ["controller1"],
        "computes": ["compute1", "compute2"],
        "storage": ["controller1"],
        "ceph_osds": [],
    }
    expected = build_inventory(yaml.safe_load(PLAN)["networks"], yaml.safe_load(PLAN)["hosts"])
    for name in ("controller1", "compute1", "compute2"):
        hostvars = manager.get_host(name).get_vars()
        for key, value in expected.hostvars[name].items():
            if key != "role":
                assert hostvars[key] == value
    assert manager.get_host("compute2").get_vars()["management_address"] == "172.29.236.200"
    all_vars = manager.groups["all"].get_vars()
    assert all_vars["region"] == "RegionOne"
    assert all_vars["management_cidr"] == "172.29.236.0/22" and all_vars["storage_prefix"] == 22
    role = manager.get_host("compute2").get_vars()["role"]
    assert Templar(loader=loader).template(role) == "hypervisor"


def test_real_plugin_verify_file_and_refusal(plugin_loader: Any, tmp_path: Path) -> None:
    from ansible.inventory.data import InventoryData
    from ansible.parsing.dataloader import DataLoader

    plugin = plugin_loader.get(FQCN)
    plan = tmp_path / "site-cloud_plan.yaml"
    plan.write_text(PLAN.replace("storage: {cidr: 172.29.244.0/22}", "storage: {cidr: 172.29.237.0/24}"))
    other = tmp_path / "hosts.yml"
    other.write_text(PLAN)
    assert plugin.verify_file(str(plan))
    assert not plugin.verify_file(str(other))
    assert not plugin.verify_file(str(tmp_path / "missing-cloud_plan.yml"))
    with pytest.raises(AnsibleParserError, match="networks 'management' .* and 'storage' .* overlap"):
        plugin.parse(InventoryData(), DataLoader(), str(plan))
    plan.write_text(PLAN.replace("plugin: opendeploy.openstack.cloud_plan", "plugin: ansible.builtin.yaml"))
    with pytest.raises(AnsibleParserError, match="Incorrect plugin name"):
        plugin.parse(InventoryData(), DataLoader(), str(plan))


def test_a_tunnel_network_gives_every_host_a_tunnel_address_and_the_network_its_prefix() -> None:
    networks = with_changes(NETWORKS, tunnel={"cidr": "172.29.240.0/22", "reserved": ["172.29.240.1"]})
    hosts = {"controllers": [{"name": "controller1"}], "computes": [{"name": "compute1", "tunnel": "172.29.241.9"}]}
    inv = build(networks=networks, hosts=hosts)
    assert inv.all_vars["tunnel_cidr"] == "172.29.240.0/22" and inv.all_vars["tunnel_prefix"] == 22
    assert inv.hostvars["compute1"]["tunnel_address"] == "172.29.241.9"
    controller = IPAddress(inv.hostvars["controller1"]["tunnel_address"])
    assert controller in IPNetwork("172.29.240.0/22") and controller != IPAddress("172.29.240.1")
