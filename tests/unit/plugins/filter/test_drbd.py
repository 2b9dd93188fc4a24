"""Unit tests for plugins/filter/drbd.py; expected values are hand-computed.

Units in the comments: 1 Mbit/s = 125,000 B/s, 1 MB/s = 1,000,000 B/s,
1 KiB = 1024 B, 1 MiB = 1024 KiB; results of >= 10 MiB/s are whole MiB
rounded down, smaller ones KiB.
"""

from __future__ import annotations

from typing import Any

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.opendeploy.openstack.plugins.filter.drbd import (
    FilterModule,
    drbd_resync_rate,
    drbd_resync_settings,
)


def test_filter_module_exposes_both_filters() -> None:
    assert set(FilterModule().filters()) == {"drbd_resync_rate", "drbd_resync_settings"}


def test_gbe_fast_disk_is_link_bound() -> None:
    # link 1000 Mbit/s = 125,000,000 B/s = 122070.3 KiB/s; disk 500 MB/s = 488281.25 KiB/s.
    # min = 122070.3 KiB/s; x 0.3 = 36621.1 -> 36621 KiB/s = 35.76 MiB/s -> "35M".
    assert drbd_resync_rate(1000, 500) == "35M"
    assert drbd_resync_settings(1000, 500) == {
        "resync-rate": "35M",
        "c-plan-ahead": 20,
        "c-fill-target": "1M",
        # 36621 // 4 = 9155 KiB/s (< 10 MiB/s, so KiB)
        "c-min-rate": "9155K",
        # 122070 KiB/s = 119.2 MiB/s -> "119M"
        "c-max-rate": "119M",
    }


def test_10gbe_slow_disk_is_disk_bound() -> None:
    # link 10000 Mbit/s = 1,250,000,000 B/s; disk 150 MB/s = 150,000,000 B/s = 146484.4 KiB/s.
    # min = 146484.4 KiB/s; x 0.3 = 43945.3 -> 43945 KiB/s = 42.9 MiB/s -> "42M".
    assert drbd_resync_rate(10000, 150) == "42M"
    assert drbd_resync_settings(10000, 150) == {
        "resync-rate": "42M",
        "c-plan-ahead": 20,
        "c-fill-target": "1M",
        # 43945 // 4 = 10986 KiB/s = 10.7 MiB/s -> "10M"
        "c-min-rate": "10M",
        # 146484 KiB/s = 143.05 MiB/s -> "143M"
        "c-max-rate": "143M",
    }


def test_fraction_override() -> None:
    # GbE + 500 MB/s: 122070.3 KiB/s x 0.5 = 61035.2 -> 61035 KiB/s = 59.6 MiB/s -> "59M".
    assert drbd_resync_rate(1000, 500, fraction=0.5) == "59M"
    # x 1.0 = 122070 KiB/s -> "119M"; c-min-rate 122070 // 4 = 30517 KiB/s = 29.8 MiB/s -> "29M".
    settings = drbd_resync_settings(1000, 500, fraction=1)
    assert settings["resync-rate"] == "119M"
    assert settings["c-min-rate"] == "29M"
    assert settings["c-max-rate"] == "119M"
    # Numeric strings (e.g. from extra vars) work: 10GbE, 150 MB/s, x 0.1 = 14648.4 -> 14 MiB/s.
    assert drbd_resync_rate("10000", "150", "0.1") == "14M"


def test_slow_link_uses_kib_and_floors() -> None:
    # link 10 Mbit/s = 1,250,000 B/s = 1220.7 KiB/s; x 0.3 = 366.2 -> "366K".
    # c-min-rate: 366 // 4 = 91 < 250 -> 250, not above resync-rate 366 -> "250K".
    assert drbd_resync_settings(10, 100) == {
        "resync-rate": "366K",
        "c-plan-ahead": 20,
        "c-fill-target": "1M",
        "c-min-rate": "250K",
        "c-max-rate": "1220K",
    }
    # link 1 Mbit/s = 122.07 KiB/s: resync 36.6 -> 36K; c-min-rate capped at the rate (36K);
    # c-max-rate 122 KiB/s raised to DRBD's minimum 250K.
    assert drbd_resync_settings(1, 100) == {
        "resync-rate": "36K",
        "c-plan-ahead": 20,
        "c-fill-target": "1M",
        "c-min-rate": "36K",
        "c-max-rate": "250K",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((0, 500), "link_mbit must be a positive number"),
        ((-1000, 500), "link_mbit must be a positive number"),
        (("fast", 500), "link_mbit must be a positive number"),
        ((None, 500), "link_mbit must be a positive number"),
        ((True, 500), "link_mbit must be a positive number"),
        ((1000, 0), "disk_mbyte_s must be a positive number"),
        ((1000, float("nan")), "disk_mbyte_s must be a positive number"),
        ((1000, float("inf")), "disk_mbyte_s must be a positive number"),
        ((1000, 500, 0), "fraction must be a positive number"),
        ((1000, 500, 1.5), r"fraction must be within \(0, 1\]"),
    ],
)
def test_invalid_input(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        drbd_resync_rate(*args)
    with pytest.raises(AnsibleFilterError, match=message):
        drbd_resync_settings(*args)
