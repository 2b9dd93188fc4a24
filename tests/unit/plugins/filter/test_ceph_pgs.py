"""Unit tests for plugins/filter/ceph_pgs.py; expected values are hand-computed.

pgcalc rule used in the comments: raw = 100 * OSDs * percent / 100 / size
(at least OSDs / size); L = largest power of two <= raw; pg_num = L if
L >= 0.75 * raw (nearest power and not more than 25% below), else 2 * L;
then at least the floor (8).
"""

from __future__ import annotations

from typing import Any

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.opendeploy.openstack.plugins.filter.ceph_pgs import (
    OPENSTACK_POOLS,
    FilterModule,
    ceph_openstack_pools,
    ceph_pg_budget,
    ceph_pgs_per_osd,
    ceph_pool_pg_nums,
)


def with_pg_num(pools: list[dict[str, Any]], pg_nums: dict[str, int]) -> list[dict[str, Any]]:
    return [{"name": p["name"], "size": p["size"], "pg_num": pg_nums[p["name"]]} for p in pools]


def one_pool(percent: float, size: int = 1) -> list[dict[str, Any]]:
    return [{"name": "p", "size": size, "percent_data": percent}]


def test_filter_module_exposes_all_filters() -> None:
    assert set(FilterModule().filters()) == {
        "ceph_pool_pg_nums",
        "ceph_pgs_per_osd",
        "ceph_pg_budget",
        "ceph_openstack_pools",
    }


def test_openstack_pools() -> None:
    assert ceph_openstack_pools(3) == [
        {"name": "images", "size": 3, "percent_data": 10},
        {"name": "volumes", "size": 3, "percent_data": 50},
        {"name": "vms", "size": 3, "percent_data": 30},
        {"name": "backups", "size": 3, "percent_data": 10},
    ]
    assert [p["name"] for p in ceph_openstack_pools(2, include_backups=False)] == ["images", "volumes", "vms"]
    assert len(ceph_openstack_pools(1, include_backups="no")) == 3
    with pytest.raises(AnsibleFilterError, match="include_backups must be a boolean"):
        ceph_openstack_pools(1, include_backups="maybe")
    assert sum(p["percent_data"] for p in OPENSTACK_POOLS) == 100
    # The constant is not modified by the filter.
    assert all("size" not in p for p in OPENSTACK_POOLS)


@pytest.mark.parametrize("size", [0, -1, "x", True, 1.5])
def test_openstack_pools_rejects_bad_size(size: Any) -> None:
    with pytest.raises(AnsibleFilterError, match="size"):
        ceph_openstack_pools(size)


@pytest.mark.parametrize(
    ("osds", "size", "expected", "per_osd"),
    [
        # 1 OSD, size 1 (AIO): raw = percent -> images 10 (L 8, 8 >= 7.5 -> 8),
        # volumes 50 (L 32 < 37.5 -> 64), vms 30 (L 16 < 22.5 -> 32), backups 8.
        # (8 + 64 + 32 + 8) * 1 / 1 = 112 per OSD.
        (1, 1, {"images": 8, "volumes": 64, "vms": 32, "backups": 8}, 112.0),
        # 3 OSDs, size 3: raw = 300 * p / 100 / 3 = p -> same as above.
        # 112 * 3 / 3 = 112.
        (3, 3, {"images": 8, "volumes": 64, "vms": 32, "backups": 8}, 112.0),
        # 3 OSDs, size 1: raw = 3p -> images 30 (L 16 < 22.5 -> 32),
        # volumes 150 (L 128 >= 112.5 -> 128), vms 90 (L 64 < 67.5 -> 128), backups 32.
        # (32 + 128 + 128 + 32) / 3 = 320 / 3 = 106.67.
        (3, 1, {"images": 32, "volumes": 128, "vms": 128, "backups": 32}, 320 / 3),
        # 10 OSDs, size 2: raw = 5p -> images 50 (L 32 < 37.5 -> 64),
        # volumes 250 (L 128 < 187.5 -> 256), vms 150 (L 128 >= 112.5 -> 128), backups 64.
        # (64 + 256 + 128 + 64) * 2 / 10 = 1024 / 10 = 102.4.
        (10, 2, {"images": 64, "volumes": 256, "vms": 128, "backups": 64}, 102.4),
        # 10 OSDs, size 3: raw = 10p/3 -> images 33.3 (L 32 >= 25 -> 32),
        # volumes 166.7 (L 128 >= 125 -> 128), vms 100 (L 64 < 75 -> 128), backups 32.
        # (32 + 128 + 128 + 32) * 3 / 10 = 960 / 10 = 96.
        (10, 3, {"images": 32, "volumes": 128, "vms": 128, "backups": 32}, 96.0),
        # 100 OSDs, size 3: raw = 100p/3 -> images 333.3 (L 256 >= 250 -> 256),
        # volumes 1666.7 (L 1024 < 1250 -> 2048), vms 1000 (L 512 < 750 -> 1024), backups 256.
        # (256 + 2048 + 1024 + 256) * 3 / 100 = 10752 / 100 = 107.52.
        (100, 3, {"images": 256, "volumes": 2048, "vms": 1024, "backups": 256}, 107.52),
    ],
)
def test_openstack_pools_pg_nums(osds: int, size: int, expected: dict[str, int], per_osd: float) -> None:
    pools = ceph_openstack_pools(size)
    result = ceph_pool_pg_nums(pools, osds)
    assert result == expected
    assert list(result) == ["images", "volumes", "vms", "backups"]
    assert ceph_pgs_per_osd(with_pg_num(pools, result), osds) == pytest.approx(per_osd)


def test_single_osd_aio_size_1_fits_with_defaults() -> None:
    # 112 PG replicas (see above) <= 250 * 1; each pool could grow to
    # 250 - (112 - own): images 146 -> 128, volumes 202 -> 128, vms 170 -> 128, backups 128.
    pools = ceph_openstack_pools(1)
    budget = ceph_pg_budget(with_pg_num(pools, ceph_pool_pg_nums(pools, 1)), 1)
    assert budget["ok"] is True
    assert budget["total_pg_replicas"] == 112
    assert budget["max_pg_replicas"] == 250
    assert budget["limit"] == 250
    assert budget["pgs_per_osd"] == 112.0
    assert budget["largest_fitting_pg_num"] == {"images": 128, "volumes": 128, "vms": 128, "backups": 128}
    assert budget["arithmetic"] == (
        "pools images(8x1) + volumes(64x1) + vms(32x1) + backups(8x1) = 112 PG replicas"
        " over 1 OSD = 112 per OSD <= mon_max_pg_per_osd 250 (max 250 PG replicas)"
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (80, 64),  # L 64 is 20% below 80 -> 64
        (85, 64),  # L 64 >= 63.75 (24.7% below) -> 64
        (86, 128),  # nearest is 64 but 64 < 64.5 (25.6% below) -> 128
        (90, 128),  # nearest is 64 (26 < 38) but 28.9% below -> 128
        (96, 128),  # L 64 < 72 -> 128 (64 and 128 are equally near)
        (100, 128),  # nearest 128
        (128, 128),  # exact power of two
        (170, 128),  # L 128 >= 127.5 -> 128
        (171, 256),  # L 128 < 128.25 -> 256
    ],
)
def test_rounding_rule(target: int, expected: int) -> None:
    # 1 OSD, size 1, 100% of the data: raw = target.
    assert ceph_pool_pg_nums(one_pool(100), 1, target_pgs_per_osd=target) == {"p": expected}


def test_rounding_exactly_25_percent_below_keeps_lower_power() -> None:
    # 1 OSD, size 3, 64%: raw = 100 * 0.64 / 3 = 21.33; L 16 = 0.75 * 21.33 exactly,
    # not "more than 25% below" -> 16.
    assert ceph_pool_pg_nums(one_pool(64, size=3), 1) == {"p": 16}
    # 64.5%: raw = 21.5; 16 < 16.125 -> 32.
    assert ceph_pool_pg_nums(one_pool(64.5, size=3), 1) == {"p": 32}


def test_floor() -> None:
    # 3 OSDs, size 3, 1%: raw = 3 * 1 / 3 = 1 -> 1 -> floor 8.
    assert ceph_pool_pg_nums(one_pool(1, size=3), 3) == {"p": 8}
    assert ceph_pool_pg_nums(one_pool(1, size=3), 3, floor=1) == {"p": 1}
    assert ceph_pool_pg_nums(one_pool(1, size=3), 3, floor=32) == {"p": 32}
    # images on 1 OSD, size 1: raw 10 -> 8; a floor of 16 lifts it.
    assert ceph_pool_pg_nums(ceph_openstack_pools(1), 1, floor=16)["images"] == 16


def test_at_least_osds_over_size() -> None:
    # 100 OSDs, size 3, 0%: raw = 0 -> OSDs / size = 33.3; L 32 >= 25 -> 32.
    assert ceph_pool_pg_nums(one_pool(0, size=3), 100) == {"p": 32}
    # 100 OSDs, size 1, 0.5%: raw = 50 < 100 / 1 -> 100; L 64 < 75 -> 128.
    assert ceph_pool_pg_nums(one_pool(0.5), 100) == {"p": 128}


def test_numeric_strings_are_accepted() -> None:
    pools = [{"name": "images", "size": "1", "percent_data": "10"}]
    assert ceph_pool_pg_nums(pools, "1") == {"images": 8}


def test_overrides() -> None:
    pools = ceph_openstack_pools(1)
    assert ceph_pool_pg_nums(pools, 1, overrides={"volumes": 100, "images": 16}) == {
        "images": 16,
        "volumes": 100,
        "vms": 32,
        "backups": 8,
    }
    # An override may go below the floor.
    assert ceph_pool_pg_nums(pools, 1, overrides={"backups": 1})["backups"] == 1
    assert ceph_pool_pg_nums(pools, 1, overrides={}) == ceph_pool_pg_nums(pools, 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nope": 8}, "unknown pool 'nope'"),
        ({"volumes": 0}, "pool 'volumes' pg_num must be >= 1"),
        ({"volumes": -8}, "pool 'volumes' pg_num must be >= 1"),
        ({"volumes": "many"}, "pool 'volumes' pg_num must be an integer"),
        ({"volumes": 8.5}, "pool 'volumes' pg_num must be an integer"),
        ({"volumes": True}, "pool 'volumes' pg_num must be an integer"),
        (["volumes"], "overrides must be a dict"),
    ],
)
def test_invalid_overrides(overrides: Any, message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        ceph_pool_pg_nums(ceph_openstack_pools(1), 1, overrides=overrides)


@pytest.mark.parametrize(
    ("pools", "kwargs", "message"),
    [
        ([{"name": "images", "size": 0, "percent_data": 10}], {}, "pool 'images': size must be >= 1"),
        (
            [{"name": "images", "size": 1, "percent_data": 101}],
            {},
            "pool 'images': percent_data must be within 0..100",
        ),
        (
            [{"name": "images", "size": 1, "percent_data": -1}],
            {},
            "pool 'images': percent_data must be within 0..100",
        ),
        (
            [{"name": "images", "size": 1, "percent_data": "x"}],
            {},
            "pool 'images': percent_data must be a number",
        ),
        ([{"name": "images", "size": 1}], {}, "pool 'images' has no 'percent_data'"),
        ([{"size": 1, "percent_data": 1}], {}, "non-empty 'name'"),
        ([], {}, "non-empty list"),
        ("images", {}, "non-empty list"),
        (
            [{"name": "a", "size": 1, "percent_data": 1}, {"name": "a", "size": 1, "percent_data": 1}],
            {},
            "pool 'a' is listed more than once",
        ),
        (
            [{"name": "a", "size": 1, "percent_data": 60}, {"name": "b", "size": 1, "percent_data": 50}],
            {},
            "adds up to 110, more than 100",
        ),
        ([{"name": "a", "size": 1, "percent_data": 1}], {"osd_count": 0}, "osd_count must be >= 1"),
        ([{"name": "a", "size": 1, "percent_data": 1}], {"floor": 12}, "floor must be a power of two"),
        ([{"name": "a", "size": 1, "percent_data": 1}], {"floor": 0}, "floor must be >= 1"),
        (
            [{"name": "a", "size": 1, "percent_data": 1}],
            {"target_pgs_per_osd": 0},
            "target_pgs_per_osd must be > 0",
        ),
    ],
)
def test_invalid_pools(pools: Any, kwargs: dict[str, Any], message: str) -> None:
    args = {"osd_count": 1, **kwargs}
    with pytest.raises(AnsibleFilterError, match=message):
        ceph_pool_pg_nums(pools, **args)


def test_pgs_per_osd() -> None:
    pools = [
        {"name": "images", "size": 3, "pg_num": 64},
        {"name": "volumes", "size": 3, "pg_num": 128},
    ]
    # (64 * 3 + 128 * 3) / 3 = 576 / 3 = 192
    assert ceph_pgs_per_osd(pools, 3) == 192.0
    # 576 / 10 = 57.6
    assert ceph_pgs_per_osd(pools, 10) == pytest.approx(57.6)
    assert isinstance(ceph_pgs_per_osd(pools, 3), float)


@pytest.mark.parametrize(
    ("pools", "osds", "message"),
    [
        ([{"name": "a", "size": 3, "pg_num": 0}], 1, "pool 'a': pg_num must be >= 1"),
        ([{"name": "a", "size": 3}], 1, "pool 'a' has no 'pg_num'"),
        ([{"name": "a", "size": 0, "pg_num": 8}], 1, "pool 'a': size must be >= 1"),
        ([{"name": "a", "size": 3, "pg_num": 8}], 0, "osd_count must be >= 1"),
    ],
)
def test_pgs_per_osd_invalid(pools: Any, osds: int, message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        ceph_pgs_per_osd(pools, osds)
    with pytest.raises(AnsibleFilterError, match=message):
        ceph_pg_budget(pools, osds)


def test_budget_exceeded() -> None:
    pools = [
        {"name": "images", "size": 3, "pg_num": 64},
        {"name": "volumes", "size": 3, "pg_num": 128},
        {"name": "vms", "size": 3, "pg_num": 64},
        {"name": "backups", "size": 3, "pg_num": 64},
    ]
    budget = ceph_pg_budget(pools, 3)
    # 64*3 + 128*3 + 64*3 + 64*3 = 192 + 384 + 192 + 192 = 960; 960 / 3 = 320 > 250;
    # max = 250 * 3 = 750.
    assert budget["ok"] is False
    assert budget["total_pg_replicas"] == 960
    assert budget["max_pg_replicas"] == 750
    assert budget["pgs_per_osd"] == 320.0
    assert budget["limit"] == 250
    assert budget["arithmetic"] == (
        "pools images(64x3) + volumes(128x3) + vms(64x3) + backups(64x3) = 960 PG replicas"
        " over 3 OSDs = 320 per OSD > mon_max_pg_per_osd 250 (max 750 PG replicas)"
    )
    # images: others 960 - 192 = 768 > 750 -> nothing fits -> 0 (same for vms, backups).
    # volumes: others 960 - 384 = 576; (750 - 576) / 3 = 58 -> 32.
    assert budget["largest_fitting_pg_num"] == {"images": 0, "volumes": 32, "vms": 0, "backups": 0}


def test_budget_override_and_custom_limit() -> None:
    # AIO with volumes pinned to 256: 8 + 256 + 32 + 8 = 304 > 250 * 1.
    pools = ceph_openstack_pools(1)
    pg_nums = ceph_pool_pg_nums(pools, 1, overrides={"volumes": 256})
    budget = ceph_pg_budget(with_pg_num(pools, pg_nums), 1)
    assert budget["ok"] is False
    assert budget["total_pg_replicas"] == 304
    # volumes: 250 - (304 - 256) = 202 -> 128; others: 250 - (304 - own) < 0 -> 0.
    assert budget["largest_fitting_pg_num"] == {"images": 0, "volumes": 128, "vms": 0, "backups": 0}
    # Same pools with mon_max_pg_per_osd 400: 304 <= 400; images 400 - 296 = 104 -> 64,
    # volumes 400 - 48 = 352 -> 256, vms 400 - 272 = 128 -> 128, backups 64.
    budget = ceph_pg_budget(with_pg_num(pools, pg_nums), 1, mon_max_pg_per_osd=400)
    assert budget["ok"] is True
    assert budget["largest_fitting_pg_num"] == {"images": 64, "volumes": 256, "vms": 128, "backups": 64}
    assert budget["arithmetic"].endswith("= 304 per OSD <= mon_max_pg_per_osd 400 (max 400 PG replicas)")


def test_budget_exactly_at_limit_and_fractional_per_osd() -> None:
    # 250 * 1 replicas on 1 OSD: exactly the limit is allowed (Ceph fails only above it).
    assert ceph_pg_budget([{"name": "a", "size": 1, "pg_num": 250}], 1)["ok"] is True
    assert ceph_pg_budget([{"name": "a", "size": 1, "pg_num": 251}], 1)["ok"] is False
    # 32 * 3 + 128 * 1 = 224 over 3 OSDs = 74.67 per OSD.
    budget = ceph_pg_budget(
        [{"name": "a", "size": 3, "pg_num": 32}, {"name": "b", "size": 1, "pg_num": 128}], 3
    )
    assert budget["pgs_per_osd"] == pytest.approx(224 / 3)
    assert "= 224 PG replicas over 3 OSDs = 74.67 per OSD <=" in budget["arithmetic"]
    with pytest.raises(AnsibleFilterError, match="mon_max_pg_per_osd must be >= 1"):
        ceph_pg_budget([{"name": "a", "size": 1, "pg_num": 8}], 1, mon_max_pg_per_osd=0)
