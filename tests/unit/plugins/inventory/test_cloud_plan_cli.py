"""The cloud_plan plugin through Ansible's own command-line tools, as an operator runs them.

`ansible-inventory --graph` on the example plan and on the static example
must draw the same groups and hosts, and `ansible-doc -t inventory` must
render the plugin's documentation. Both run from the checkout, whose
ansible.cfg links it in as opendeploy.openstack.
"""

from __future__ import annotations

import ipaddress
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
BIN = Path(sys.executable).parent
EXAMPLE_INVENTORIES = ROOT / "inventories" / "multinode"
EXPECTED_GRAPH = {
    "controllers": {"controller1"},
    "computes": {"compute1", "compute2"},
    "storage": {"storage1"},
    "ceph_osds": set(),
}


def ansible(tool: str, *args: str) -> str:
    """Run an Ansible command-line tool from the checkout; return its standard output."""
    run = subprocess.run([str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout


def graph_groups(graph: str) -> dict[str, set[str]]:
    """The groups of an `ansible-inventory --graph` drawing, each with its hosts."""
    groups: dict[str, set[str]] = {}
    current = ""
    for line in graph.splitlines():
        name = line.strip(" |-")
        if name.startswith("@"):
            current = name[1:].rstrip(":")
            groups.setdefault(current, set())
        elif name and current:
            groups[current].add(name)
    return groups


def test_graph_of_the_example_plan_shows_every_group_and_host() -> None:
    groups = graph_groups(ansible("ansible-inventory", "-i", str(EXAMPLE_INVENTORIES / "cloud_plan.yml"), "--graph"))
    assert {name: groups.get(name) for name in EXPECTED_GRAPH} == EXPECTED_GRAPH


def test_graph_of_the_static_example_matches_the_plan() -> None:
    groups = graph_groups(ansible("ansible-inventory", "-i", str(EXAMPLE_INVENTORIES / "static.yml"), "--graph"))
    assert {name: groups.get(name) for name in EXPECTED_GRAPH} == EXPECTED_GRAPH


def test_host_shows_each_host_its_management_address_as_ansible_host() -> None:
    plan = str(EXAMPLE_INVENTORIES / "cloud_plan.yml")
    for name in set().union(*EXPECTED_GRAPH.values()):
        hvars = json.loads(ansible("ansible-inventory", "-i", plan, "--host", name))
        assert hvars["ansible_host"] == hvars["management_address"], name
        for network in ("management", "storage", "replication"):
            address = ipaddress.ip_address(hvars[f"{network}_address"])
            assert address in ipaddress.ip_network(hvars[f"{network}_cidr"]), (name, network)


def test_ansible_doc_renders_the_plugin_documentation() -> None:
    doc = json.loads(ansible("ansible-doc", "-t", "inventory", "--json", "opendeploy.openstack.cloud_plan"))
    plugin = doc["opendeploy.openstack.cloud_plan"]["doc"]
    assert plugin["collection"] == "opendeploy.openstack"
    assert plugin["short_description"]
    assert {"plugin", "networks", "hosts"} <= set(plugin["options"])
    assert doc["opendeploy.openstack.cloud_plan"]["examples"]
