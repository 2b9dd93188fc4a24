# Copyright: opendeploy engineers
# Apache License 2.0 (see galaxy.yml)
"""Inventory plugin: build the cloud's inventory from a short cloud plan."""

from __future__ import annotations

DOCUMENTATION = r"""
name: cloud_plan
short_description: Build the OpenStack inventory and host addresses from a cloud plan
version_added: 0.1.0
author: opendeploy engineers (@opendeploy)
description:
  - Reads a cloud plan, a YAML file whose name ends in V(cloud_plan.yml) or
    V(cloud_plan.yaml), that names the networks and the hosts of each group,
    and produces the groups C(controllers), C(computes), C(storage) and
    C(ceph_osds) (always created, possibly empty) with one address per host
    on every network of the plan.
  - "Host variables: C(<network>_address) for each network of the plan
    (C(management_address), C(storage_address), C(replication_address),
    C(tunnel_address)), and
    C(ansible_host), which is the management address unless the host entry
    sets O(hosts.controllers[].ansible_host). Group variables of C(all):
    C(<network>_cidr) and C(<network>_prefix) for each network, plus O(vars)."
  - A host may be listed in several groups (an all-in-one style plan); it is
    still one host with one address per network. Groups list hosts in plan
    order.
  - "B(Allocation.) A host's address on a network is a pure function of its
    own name and of that network's C(cidr) and C(reserved) ranges: the usable
    addresses of the network (all but the network and broadcast addresses)
    are numbered from 0 to N-1, and the host takes number H(0) mod N, where
    H(k) is the SHA-256 digest of the string C(<name>/<k>) read as a
    big-endian integer. If that address is reserved it tries H(1) mod N, then
    H(2) mod N, and so on. A fixed address in the host entry replaces all
    this. Networks of the same size and reserved layout therefore give a
    host the same offset in each (say management 172.29.236.77 and storage
    172.29.244.77)."
  - "B(Stability.) Because no host's address depends on any other host, the
    same plan always gives the same addresses, and adding, removing or
    reordering hosts or groups never moves another host. Changing a host's
    name moves that host only. Changing O(networks.management.reserved) moves
    only hosts whose address becomes reserved (or whose earlier try is no
    longer reserved); changing a network's CIDR renumbers that network."
  - "B(Collisions.) Two hosts can hash to the same address, or a host can
    hash to another host's fixed address. The plugin never resolves that by
    moving a host, since whichever host it moved could be one already
    deployed; it refuses the plan, names the hosts and suggests a free
    address to pin, normally on the host just added. This is rare for small
    plans in large networks (birthday bound: about 1% for 5 hosts and 10% for
    15 hosts in a V(/22), higher in small networks); pinning one fixed address
    resolves it for good."
  - "The plan is refused, with a message naming the culprit, when networks
    overlap, a CIDR or reserved range is malformed, a reserved range lies
    outside its network, a network has fewer free addresses than the plan
    has hosts, a group lists a host twice or is unknown, a host entry names
    an unknown network, or a fixed address is malformed, outside its
    network's usable range, reserved, or given to two hosts."
options:
  plugin:
    description: Marks the file as a cloud plan for this plugin.
    required: true
    type: str
    choices: [opendeploy.openstack.cloud_plan]
  networks:
    description:
      - The cloud's networks by name. Only V(management), V(storage),
        V(replication) and V(tunnel) are known; V(management) is required.
      - Every host gets one address on every network listed here.
    required: true
    type: dict
    suboptions:
      management:
        description: The management network; C(ansible_host) defaults to the address on it.
        required: true
        type: dict
        suboptions: &network
          cidr:
            description:
              - The network in CIDR notation, for example V(172.29.236.0/22),
                without host bits set. IPv6 works too.
              - Networks must not overlap.
            required: true
            type: str
          reserved:
            description:
              - Addresses never allocated to a host (gateways, VIPs, DHCP pools).
              - Each item is a range V(first-last), a single address or a CIDR,
                and must lie inside the network's C(cidr).
            type: list
            elements: str
            default: []
      storage:
        description: The storage network (Ceph public, iSCSI, NFS); same keys as O(networks.management).
        type: dict
        suboptions: *network
      replication:
        description: The storage replication network (Ceph cluster network, DRBD); same keys as O(networks.management).
        type: dict
        suboptions: *network
      tunnel:
        description:
          - The network that carries the tenant networks' geneve tunnels between OVN chassis; same keys as O(networks.management).
          - Without it the tunnels run over the management network.
        type: dict
        suboptions: *network
  hosts:
    description:
      - Host entries by group. Only the four groups below are known; each is
        created even when empty.
      - A host listed in several groups is one host; entries of the same host
        may repeat a key only with the same value.
    type: dict
    default: {}
    suboptions:
      controllers:
        description: The controller hosts (API services, databases, message queue).
        type: list
        elements: dict
        default: []
        suboptions: &host
          name:
            description: The inventory host name. It determines the host's addresses.
            required: true
            type: str
          ansible_host:
            description: How Ansible reaches the host; defaults to its management address.
            type: str
          vars:
            description:
              - Extra host variables. They cannot set C(ansible_host) or
                C(<network>_address); use the keys of the entry for those.
            type: dict
            default: {}
          management:
            description: A fixed management address; it must be in the network's usable range and not reserved.
            type: str
          storage:
            description: A fixed storage address, as O(hosts.controllers[].management).
            type: str
          replication:
            description: A fixed replication address, as O(hosts.controllers[].management).
            type: str
          tunnel:
            description: A fixed tunnel address, as O(hosts.controllers[].management).
            type: str
      computes:
        description: The compute (hypervisor) hosts; entries as O(hosts.controllers).
        type: list
        elements: dict
        default: []
        suboptions: *host
      storage:
        description: The block/object storage hosts; entries as O(hosts.controllers).
        type: list
        elements: dict
        default: []
        suboptions: *host
      ceph_osds:
        description: The Ceph OSD hosts; entries as O(hosts.controllers).
        type: list
        elements: dict
        default: []
        suboptions: *host
  vars:
    description:
      - Variables for the C(all) group. They cannot set the generated
        C(<network>_cidr) and C(<network>_prefix).
    type: dict
    default: {}
notes:
  - Enabled by the default C(auto) inventory plugin; no C(enable_plugins) entry is needed.
  - Collisions depend on names only, so the plugin tells at once whether a new
    host collides; check with C(ansible-inventory -i <plan> --graph) before
    deploying.
extends_documentation_fragment: []
"""

EXAMPLES = r"""
# inventories/multinode/cloud_plan.yml
plugin: opendeploy.openstack.cloud_plan
networks:
  management:
    cidr: 172.29.236.0/22
    reserved:
      - 172.29.236.1-172.29.236.50
  storage:
    cidr: 172.29.244.0/22
    reserved: [172.29.244.1-172.29.244.50]
hosts:
  controllers:
    - name: controller1
  computes:
    - name: compute1
    - name: compute2
      management: 172.29.236.200   # pinned
      vars:
        nova_cpu_allocation_ratio: 4.0
  storage:
    - name: storage1
      ansible_host: 192.0.2.10       # reached over an out-of-band network
  ceph_osds: []
vars:
  openstack_release: "2025.1"

# All-in-one: one host in every group.
# plugin: opendeploy.openstack.cloud_plan
# networks:
#   management: {cidr: 172.29.236.0/24, reserved: [172.29.236.1]}
# hosts:
#   controllers: [{name: aio1, ansible_host: 127.0.0.1}]
#   computes: [{name: aio1}]
#   storage: [{name: aio1}]
#   ceph_osds: [{name: aio1}]

# ansible-inventory -i inventories/multinode/cloud_plan.yml --graph
"""

import hashlib
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin

try:
    from netaddr import AddrFormatError, IPAddress, IPNetwork, IPRange, IPSet
except ImportError as exc:  # pragma: no cover - netaddr is part of the toolchain
    NETADDR_IMPORT_ERROR: ImportError | None = exc
else:
    NETADDR_IMPORT_ERROR = None

GROUPS = ("controllers", "computes", "storage", "ceph_osds")
NETWORKS = ("management", "storage", "replication", "tunnel")
ENTRY_KEYS = ("name", "ansible_host", "vars")
MAX_TRIES = 1000


class CloudPlanError(AnsibleParserError):
    """A cloud plan the plugin refuses; the message names the culprit."""


@dataclass(frozen=True)
class Network:
    """One network of the plan: its CIDR and reserved addresses."""

    name: str
    cidr: IPNetwork
    reserved: IPSet

    @property
    def usable(self) -> tuple[int, int]:
        """The first usable address (as an integer) and how many there are.

        All addresses but the network and broadcast ones are usable.
        """
        return self.cidr.first + 1, max(self.cidr.size - 2, 0)

    @property
    def free(self) -> int:
        """How many usable addresses are not reserved."""
        first, count = self.usable
        return (IPSet(IPRange(first, first + count - 1)) - self.reserved).size if count else 0

    def is_free(self, address: IPAddress) -> bool:
        """Whether ``address`` is usable and not reserved."""
        first, count = self.usable
        return address in self.cidr and first <= int(address) < first + count and address not in self.reserved

    def address(self, offset: int) -> IPAddress:
        """The usable address number ``offset`` (modulo the number of usable addresses)."""
        first, count = self.usable
        return IPAddress(first + offset % count, self.cidr.version)

    def hashed(self, host: str) -> IPAddress:
        """The address derived from ``host``'s name alone (see DOCUMENTATION)."""
        for attempt in range(MAX_TRIES if self.usable[1] else 0):
            address = self.address(int.from_bytes(hashlib.sha256(f"{host}/{attempt}".encode()).digest(), "big"))
            if address not in self.reserved:
                return address
        raise _refuse(
            f"network '{self.name}': found no free address for host '{host}' in {MAX_TRIES} tries;"
            f" the network is (almost) fully reserved, pin the host's '{self.name}' address"
        )


@dataclass
class Host:
    """A host of the plan, merged over all the groups that list it."""

    name: str
    groups: list[str] = field(default_factory=list)
    entry: dict[str, Any] = field(default_factory=dict)


@dataclass
class CloudInventory:
    """The plugin's output: group members, host variables and `all` variables."""

    groups: dict[str, list[str]]
    hostvars: dict[str, dict[str, Any]]
    all_vars: dict[str, Any]


def _refuse(message: str) -> CloudPlanError:
    """The error refusing the plan for ``message``."""
    return CloudPlanError(f"cloud plan: {message}")


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    """``value`` if it is a mapping, {} if it is None; else refuse ``what``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _refuse(f"{what} must be a mapping, got {type(value).__name__}")
    return value


def _unknown(keys: Iterable[Any], valid: Iterable[str], what: str) -> None:
    """Refuse any of ``keys`` not in ``valid``, listing the valid ones."""
    bad = [str(key) for key in keys if key not in valid]
    if bad:
        raise _refuse(f"unknown {what} {', '.join(map(repr, bad))}; valid: {', '.join(valid)}")


def parse_network(name: str, raw: Any) -> Network:
    """Validate one network: a CIDR without host bits and reserved ranges inside it."""
    raw = _mapping(raw, f"network '{name}'")
    _unknown(raw, ("cidr", "reserved"), f"key in network '{name}':")
    text = raw.get("cidr")
    try:
        if not isinstance(text, str) or "/" not in text:
            raise ValueError
        cidr = IPNetwork(text)
    except (AddrFormatError, ValueError, TypeError):
        raise _refuse(f"network '{name}': malformed cidr {text!r}, expected e.g. 172.29.236.0/22") from None
    if cidr.ip != cidr.network:
        raise _refuse(f"network '{name}': cidr {text} has host bits set; did you mean {cidr.cidr}?")
    reserved = IPSet()
    items = raw.get("reserved") or []
    if not isinstance(items, list):
        raise _refuse(f"network '{name}': reserved must be a list of ranges")
    for item in items:
        try:
            if not isinstance(item, str):
                raise ValueError
            if "-" in item:
                first, last = (part.strip() for part in item.split("-", 1))
                block = IPSet(IPRange(IPAddress(first), IPAddress(last)))
            else:
                block = IPSet([IPNetwork(item) if "/" in item else IPAddress(item)])
        except (AddrFormatError, ValueError, TypeError):
            raise _refuse(
                f"network '{name}': malformed reserved range {item!r}, expected first-last, an address or a CIDR"
            ) from None
        if not block.issubset(IPSet([cidr])):
            raise _refuse(f"network '{name}': reserved range {item} lies outside its cidr {cidr}")
        reserved |= block
    return Network(str(name), cidr, reserved)


def parse_networks(raw: Any) -> dict[str, Network]:
    """Validate the networks (in plan order) and refuse overlaps."""
    raw = _mapping(raw, "networks")
    _unknown(raw, NETWORKS, "network")
    if "management" not in raw:
        raise _refuse("networks: the 'management' network is required")
    networks = {name: parse_network(name, raw[name]) for name in raw}
    for one, two in itertools.combinations(networks.values(), 2):
        if IPSet([one.cidr]) & IPSet([two.cidr]):
            raise _refuse(f"networks '{one.name}' ({one.cidr}) and '{two.name}' ({two.cidr}) overlap")
    return networks


def parse_hosts(raw: Any, networks: Mapping[str, Network]) -> dict[str, Host]:
    """Merge the host entries of all groups into hosts, in order of first appearance."""
    raw = _mapping(raw, "hosts")
    _unknown(raw, GROUPS, "group")
    hosts: dict[str, Host] = {}
    for group in GROUPS:
        entries = raw.get(group) or []
        if not isinstance(entries, list):
            raise _refuse(f"group '{group}' must be a list of host entries")
        for entry in entries:
            entry = _mapping(entry, f"a host entry of group '{group}'")
            name = entry.get("name")
            if not isinstance(name, str) or not name:
                raise _refuse(f"group '{group}': host entry {dict(entry)!r} needs a 'name'")
            for key in entry:
                if key not in ENTRY_KEYS and key not in networks:
                    raise _refuse(
                        f"host '{name}' references unknown network {key!r}"
                        f" (plan networks: {', '.join(networks)}; other keys: {', '.join(ENTRY_KEYS)})"
                    )
            host = hosts.setdefault(name, Host(name))
            if group in host.groups:
                raise _refuse(f"group '{group}' lists host '{name}' twice")
            host.groups.append(group)
            for key, value in entry.items():
                if key in host.entry and host.entry[key] != value:
                    raise _refuse(f"host '{name}' sets {key!r} differently in groups {', '.join(host.groups)}")
                host.entry[key] = value
    return hosts


def _fixed(host: Host, network: Network) -> IPAddress | None:
    """The host's validated fixed address on ``network``, if it has one."""
    text = host.entry.get(network.name)
    if text is None:
        return None
    where = f"host '{host.name}': fixed {network.name} address {text!r}"
    try:
        if not isinstance(text, str):
            raise ValueError
        address = IPAddress(text)
    except (AddrFormatError, ValueError, TypeError):
        raise _refuse(f"{where} is malformed") from None
    if address not in network.cidr:
        raise _refuse(f"{where} is outside network '{network.name}' ({network.cidr})")
    if address in network.reserved:
        raise _refuse(f"{where} is inside a reserved range of network '{network.name}'")
    if not network.is_free(address):
        raise _refuse(f"{where} is the network or broadcast address of {network.cidr}")
    return address


def _suggest(network: Network, start: IPAddress, taken: set[IPAddress]) -> IPAddress:
    """The first free address after ``start`` (wrapping) that no host takes."""
    first, count = network.usable
    for step in range(1, count + 1):
        address = network.address(int(start) - first + step)
        if address not in taken and address not in network.reserved:
            return address
    raise _refuse(f"network '{network.name}' has no free address left")  # unreachable: capacity is checked


def allocate(networks: Mapping[str, Network], hosts: Mapping[str, Host]) -> dict[str, dict[str, IPAddress]]:
    """Each host's address per network: its fixed address, else its hashed one.

    Refuses a network with fewer free addresses than hosts, a fixed address
    given to two hosts, and collisions (with a suggested address to pin).
    """
    result: dict[str, dict[str, IPAddress]] = {name: {} for name in hosts}
    for network in networks.values():
        if len(hosts) > network.free:
            raise _refuse(
                f"network '{network.name}' ({network.cidr}) is too small: the plan has {len(hosts)} hosts"
                f" but the network has only {network.free} free addresses"
            )
        owners: dict[IPAddress, list[str]] = {}
        pinned: dict[IPAddress, str] = {}
        for host in hosts.values():
            fixed = _fixed(host, network)
            if fixed is not None and fixed in pinned:
                raise _refuse(
                    f"fixed {network.name} address {fixed} is given to both '{pinned[fixed]}' and '{host.name}'"
                )
            if fixed is not None:
                pinned[fixed] = host.name
            owners.setdefault(network.hashed(host.name) if fixed is None else fixed, []).append(host.name)
        taken = set(owners)
        clashes = []
        for address, names in owners.items():
            if len(names) > 1:
                movable = [name for name in names if pinned.get(address) != name][-1]
                suggestion = _suggest(network, address, taken)
                taken.add(suggestion)
                clashes.append(
                    f"{address} is claimed by {', '.join(names)} (e.g. pin '{movable}' with"
                    f" `{network.name}: {suggestion}`)"
                )
            for name in names:
                result[name][network.name] = address
        if clashes:
            raise _refuse(
                f"address collision on network '{network.name}': {'; '.join(clashes)}. Addresses are derived"
                " from host names and never moved, so pin one host of each collision to a free address,"
                " normally the host just added"
            )
    return result


def build_inventory(networks: Any, hosts: Any, variables: Any = None) -> CloudInventory:
    """Validate a cloud plan and compute its groups, host variables and `all` variables."""
    nets = parse_networks(networks)
    members = parse_hosts(hosts, nets)
    addresses = allocate(nets, members)
    generated_all = {}
    for net in nets.values():
        generated_all[f"{net.name}_cidr"] = str(net.cidr)
        generated_all[f"{net.name}_prefix"] = net.cidr.prefixlen
    user_all = dict(_mapping(variables, "vars"))
    _refuse_overrides(user_all, generated_all, "vars")
    hostvars = {}
    for host in members.values():
        generated = {f"{net}_address": str(address) for net, address in addresses[host.name].items()}
        generated["ansible_host"] = host.entry.get("ansible_host") or generated["management_address"]
        user = dict(_mapping(host.entry.get("vars"), f"vars of host '{host.name}'"))
        _refuse_overrides(user, generated, f"vars of host '{host.name}'")
        hostvars[host.name] = {**generated, **user}
    groups = {group: [h.name for h in members.values() if group in h.groups] for group in GROUPS}
    return CloudInventory(groups, hostvars, {**generated_all, **user_all})


def _refuse_overrides(user: Mapping[str, Any], generated: Mapping[str, Any], what: str) -> None:
    """Refuse user variables that would replace generated ones."""
    clash = sorted(set(user) & set(generated))
    if clash:
        raise _refuse(f"{what} may not set the generated variable(s) {', '.join(clash)}")


class InventoryModule(BaseInventoryPlugin):
    """Populate the inventory from a cloud plan file."""

    NAME = "opendeploy.openstack.cloud_plan"

    def verify_file(self, path: str) -> bool:
        """Accept readable files named ``*cloud_plan.yml`` or ``*cloud_plan.yaml``."""
        return path.endswith(("cloud_plan.yml", "cloud_plan.yaml")) and super().verify_file(path)

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        """Read and validate the plan, then add its groups, hosts and variables."""
        super().parse(inventory, loader, path, cache)
        if NETADDR_IMPORT_ERROR is not None:
            raise AnsibleParserError("the cloud_plan inventory plugin requires netaddr") from NETADDR_IMPORT_ERROR
        self._read_config_data(path)
        plan = build_inventory(self.get_option("networks"), self.get_option("hosts"), self.get_option("vars"))
        for group, names in plan.groups.items():
            self.inventory.add_group(group)
            for name in names:
                self.inventory.add_host(name, group=group)
        for name, variables in plan.hostvars.items():
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
        for key, value in plan.all_vars.items():
            self.inventory.set_variable("all", key, value)
