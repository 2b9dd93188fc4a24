"""DRBD 8.4 resync-rate filters (LINBIT's 30% rule and the dynamic controller).

Docs for each filter live in the sidecar ``<filter_name>.yml`` files.
Units: ``link_mbit`` is 10^6 bit/s, ``disk_mbyte_s`` is 10^6 bytes/s; the
results use drbd.conf units, where K = 1024 bytes and M = 1024 K.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from ansible.errors import AnsibleFilterError

C_PLAN_AHEAD = 20  # tenths of a second
C_FILL_TARGET = "1M"
C_MIN_RATE_FLOOR_KIB = 250  # DRBD's built-in c-min-rate default (and c-max-rate minimum)


def _positive(value: Any, what: str) -> float:
    """Return ``value`` as a float > 0 or raise AnsibleFilterError."""
    if isinstance(value, bool):
        raise AnsibleFilterError(f"{what} must be a positive number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AnsibleFilterError(f"{what} must be a positive number, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise AnsibleFilterError(f"{what} must be a positive number, got {value!r}")
    return number


def _bandwidth_kib(link_mbit: Any, disk_mbyte_s: Any) -> float:
    """The slower of link and disk, in KiB/s."""
    link = _positive(link_mbit, "link_mbit") * 1e6 / 8
    disk = _positive(disk_mbyte_s, "disk_mbyte_s") * 1e6
    return min(link, disk) / 1024


def _fraction(fraction: Any) -> float:
    value = _positive(fraction, "fraction")
    if value > 1:
        raise AnsibleFilterError(f"fraction must be within (0, 1], got {fraction!r}")
    return value


def _unit(kib: int) -> str:
    """drbd.conf value: whole MiB ("35M") from 10 MiB/s up, else KiB ("9155K")."""
    return f"{kib // 1024}M" if kib >= 10 * 1024 else f"{kib}K"


def drbd_resync_rate(link_mbit: Any, disk_mbyte_s: Any, fraction: Any = 0.3) -> str:
    """Return ``fraction`` of min(link, disk) as a drbd.conf rate, e.g. "35M"."""
    share = _fraction(fraction)
    return _unit(max(1, int(_bandwidth_kib(link_mbit, disk_mbyte_s) * share)))


def drbd_resync_settings(link_mbit: Any, disk_mbyte_s: Any, fraction: Any = 0.3) -> dict[str, Any]:
    """Return DRBD 8.4 ``disk {}`` resync-controller settings keyed by option name."""
    share = _fraction(fraction)
    bandwidth = _bandwidth_kib(link_mbit, disk_mbyte_s)
    rate = max(1, int(bandwidth * share))
    return {
        "resync-rate": _unit(rate),
        "c-plan-ahead": C_PLAN_AHEAD,
        "c-fill-target": C_FILL_TARGET,
        "c-min-rate": _unit(min(rate, max(rate // 4, C_MIN_RATE_FLOOR_KIB))),
        "c-max-rate": _unit(max(int(bandwidth), C_MIN_RATE_FLOOR_KIB)),
    }


class FilterModule:
    """DRBD resync tuning filters."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "drbd_resync_rate": drbd_resync_rate,
            "drbd_resync_settings": drbd_resync_settings,
        }
