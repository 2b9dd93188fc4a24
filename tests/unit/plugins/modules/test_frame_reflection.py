"""Unit tests for plugins/modules/frame_reflection.py (no sockets: a fake one stands in)."""

from __future__ import annotations

import struct
from typing import Any

import pytest

from ansible_collections.opendeploy.openstack.plugins.modules import frame_reflection as fr

MAC = bytes.fromhex("02aabbccddee")
TOKEN = bytes(range(8))
PACKET_BROADCAST = 1


def test_probe_frame_is_a_padded_broadcast_of_the_experimental_ethertype() -> None:
    frame = fr.probe_frame(MAC, TOKEN)
    assert len(frame) == 60
    assert frame[:6] == b"\xff" * 6 and frame[6:12] == MAC
    assert struct.unpack("!H", frame[12:14])[0] == 0x88B5
    assert frame[14:14 + len(fr.MAGIC) + len(TOKEN)] == fr.MAGIC + TOKEN


def test_our_frame_coming_back_in_is_a_reflection() -> None:
    assert fr.is_reflection(fr.probe_frame(MAC, TOKEN), PACKET_BROADCAST, MAC, TOKEN)


def test_our_own_outgoing_copy_is_not_a_reflection() -> None:
    assert not fr.is_reflection(fr.probe_frame(MAC, TOKEN), fr.PACKET_OUTGOING, MAC, TOKEN)


@pytest.mark.parametrize("frame", [
    fr.probe_frame(bytes.fromhex("02aabbccddef"), TOKEN),  # another sender
    fr.probe_frame(MAC, bytes(8)),  # another probe (other token)
    fr.probe_frame(MAC, TOKEN)[:12] + b"\x08\x00" + fr.probe_frame(MAC, TOKEN)[14:],  # IPv4
    b"\xff" * 10,  # runt
])
def test_other_frames_are_not_reflections(frame: bytes) -> None:
    assert not fr.is_reflection(frame, PACKET_BROADCAST, MAC, TOKEN)


def test_random_source_mac_is_unicast_and_locally_administered() -> None:
    for mac in (fr.random_source_mac() for count in range(64)):
        assert len(mac) == 6 and mac[0] & 0x01 == 0 and mac[0] & 0x02 == 0x02


class FakeSocket:
    """An AF_PACKET socket on a port that reflects (``reflect``) or not: our sends come back as the kernel shows them."""

    def __init__(self, reflect: bool) -> None:
        self.reflect, self.queue, self.bound = reflect, [], None

    def bind(self, address: tuple) -> None:
        self.bound = address

    def send(self, frame: bytes) -> int:
        self.queue.append((frame, fr.PACKET_OUTGOING))
        self.queue.append((b"\x01\x00\x5e\x00\x00\x01" + b"\x02" * 6 + b"\x08\x00" + b"\0" * 46, PACKET_BROADCAST))
        if self.reflect:
            self.queue.append((frame, PACKET_BROADCAST))
        return len(frame)

    def recvfrom(self, _size: int) -> tuple[bytes, tuple]:
        frame, kind = self.queue.pop(0)
        return frame, ("eth1", 0x88B5, kind, 1, frame[6:12])

    def close(self) -> None:
        pass


@pytest.mark.parametrize("reflect, returned", [(False, 0), (True, 3)])
def test_probe_counts_the_frames_that_come_back(monkeypatch: pytest.MonkeyPatch, reflect: bool, returned: int) -> None:
    sock = FakeSocket(reflect)
    monkeypatch.setattr(fr.socket, "socket", lambda *args: sock)
    monkeypatch.setattr(fr.select, "select", lambda r, w, x, t: (r if sock.queue else [], [], []))
    result: dict[str, Any] = fr.probe("eth1", 3, 1.0)
    assert sock.bound == ("eth1", fr.ETH_P_ALL)
    assert result == {"probed": True, "reflected": reflect, "sent": 3, "returned_frames": returned}
