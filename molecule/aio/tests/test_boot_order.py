"""The units the deployment installs boot in an order systemd can follow.

An ordering cycle does not fail anything while the cloud runs: systemd only
drops a job of the cycle at the next boot. On trixie the provider veth's unit
(After=network.target, Before=ovs-vswitchd) met Open vSwitch's own
Before=network.target, and after a restart no floating IP answered.
"""

from __future__ import annotations

from aio_cloud import in_container


def test_no_unit_is_in_an_ordering_cycle() -> None:
    report = in_container("sh", "-c", "systemd-analyze verify multi-user.target 2>&1", check=False)
    cycles = [line for line in report.splitlines() if "ordering cycle" in line]
    assert not cycles, "\n".join(cycles)
