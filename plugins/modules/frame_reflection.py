# Copyright: opendeploy engineers
# Apache License 2.0 (see galaxy.yml)
"""Module: does an interface get its own frames back (hairpin, reflective relay, L2 loop)?"""

from __future__ import annotations

DOCUMENTATION = r"""
module: frame_reflection
short_description: Check whether frames sent out of an interface come back in on it
version_added: 0.1.0
author: opendeploy engineers (@opendeploy)
description:
  - Sends a few broadcast Ethernet frames out of O(interface), each carrying a
    random token and a random locally administered source MAC address, and
    listens on the same interface for frames that come back with that token.
  - A frame comes back when the port upstream reflects frames to their
    sender (hairpin mode on a Linux bridge port, for example the host side
    of a container's veth; reflective relay or VEPA on a switch port) or when
    the segment has a loop.
  - For a Neutron provider network on linuxbridge this silently breaks
    instance networking. The host's provider bridge sees every broadcast of
    a guest (its DHCP DISCOVER) come back in on the uplink, learns the
    guest's MAC address there, and then drops the unicast DHCP OFFER that
    arrives on the same uplink, so the guest never gets an address while its
    port has one.
  - Sends only frames of the local experimental EtherType 0x88B5 with the
    broadcast destination; changes nothing on the host. Needs root
    (AF_PACKET sockets, Linux only).
options:
  interface:
    description:
      - The network interface to probe; it must exist.
      - An interface that is down cannot be probed; the module then returns
        RV(probed=false) with a warning.
    required: true
    type: str
  count:
    description: How many frames to send.
    type: int
    default: 3
  timeout:
    description: Seconds to listen for returning frames after the first one is sent.
    type: float
    default: 1.0
notes:
  - Supports check mode; the probe runs in it, as it changes nothing.
"""

EXAMPLES = r"""
- name: Check that the provider interface does not reflect this host's frames
  opendeploy.openstack.frame_reflection:
    interface: eth1
  register: provider_reflection

- name: Stop when the upstream port reflects frames
  ansible.builtin.assert:
    that: not provider_reflection.reflected
"""

RETURN = r"""
probed:
  description: Whether the probe ran (false when O(interface) is down).
  returned: success
  type: bool
  sample: true
reflected:
  description: Whether at least one probe frame came back in on O(interface).
  returned: success
  type: bool
  sample: false
sent:
  description: How many probe frames were sent.
  returned: success
  type: int
  sample: 3
returned_frames:
  description: How many probe frames came back in (a loop can return more than were sent).
  returned: success
  type: int
  sample: 0
"""

import os
import select
import socket
import struct
import time

from ansible.module_utils.basic import AnsibleModule

ETHERTYPE = 0x88B5  # IEEE 802 local experimental EtherType 1
BROADCAST = b"\xff" * 6
MAGIC = b"OPENDEPLOY-REFLECTION"
PACKET_OUTGOING = 4  # sll_pkttype of frames this host sent (linux/if_packet.h)
# Every protocol: on a bridge port only these sockets see incoming frames
# (the bridge takes them before protocol-specific sockets would).
ETH_P_ALL = 0x0003


def probe_frame(source_mac: bytes, token: bytes) -> bytes:
    """A broadcast frame of the experimental EtherType that carries ``token``, padded to 60 bytes."""
    frame = BROADCAST + source_mac + struct.pack("!H", ETHERTYPE) + MAGIC + token
    return frame + b"\0" * max(0, 60 - len(frame))


def is_reflection(frame: bytes, packet_type: int, source_mac: bytes, token: bytes) -> bool:
    """Whether a frame read from the socket is one of our probes coming back in (not our own send)."""
    if packet_type == PACKET_OUTGOING or len(frame) < 14:
        return False
    if frame[6:12] != source_mac or struct.unpack("!H", frame[12:14])[0] != ETHERTYPE:
        return False
    return frame[14:14 + len(MAGIC) + len(token)] == MAGIC + token


def random_source_mac() -> bytes:
    """A random unicast, locally administered MAC address (no real NIC has one like it)."""
    first = (os.urandom(1)[0] & 0xFC) | 0x02
    return bytes([first]) + os.urandom(5)


def probe(interface: str, count: int, timeout: float) -> dict:
    """Send ``count`` probes out of ``interface`` and count those that come back in."""
    source_mac, token = random_source_mac(), os.urandom(8)
    frame = probe_frame(source_mac, token)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:
        sock.bind((interface, ETH_P_ALL))
        sent, returned = 0, 0
        deadline = time.monotonic() + timeout
        while sent < count:
            sock.send(frame)
            sent += 1
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if not select.select([sock], [], [], left)[0]:
                break
            data, address = sock.recvfrom(2048)
            if is_reflection(data, address[2], source_mac, token):
                returned += 1
    finally:
        sock.close()
    return {"probed": True, "reflected": returned > 0, "sent": sent, "returned_frames": returned}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "interface": {"type": "str", "required": True},
            "count": {"type": "int", "default": 3},
            "timeout": {"type": "float", "default": 1.0},
        },
        supports_check_mode=True,
    )
    interface = module.params["interface"]
    if module.params["count"] < 1 or module.params["timeout"] <= 0:
        module.fail_json(msg="count must be at least 1 and timeout above 0")
    operstate = f"/sys/class/net/{interface}/operstate"
    if not os.path.exists(operstate):
        module.fail_json(msg=f"interface {interface} does not exist")
    with open(operstate, encoding="ascii") as state:
        if state.read().strip() == "down":
            module.warn(f"interface {interface} is down: it was not probed for reflected frames")
            module.exit_json(changed=False, probed=False, reflected=False, sent=0, returned_frames=0)
    try:
        result = probe(interface, module.params["count"], module.params["timeout"])
    except OSError as error:
        module.fail_json(msg=f"cannot probe {interface}: {error}")
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
