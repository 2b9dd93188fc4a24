"""Ceph placement-group sizing filters (pgcalc rules and the PG budget check).

Docs for each filter live in the sidecar ``<filter_name>.yml`` files.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

# Share of the cluster's data (percent) expected in each OpenStack pool.
OPENSTACK_POOLS: list[dict[str, Any]] = [
    {"name": "images", "percent_data": 10},
    {"name": "volumes", "percent_data": 50},
    {"name": "vms", "percent_data": 30},
    {"name": "backups", "percent_data": 10},
]


def _int(value: Any, what: str, minimum: int = 1) -> int:
    """Return ``value`` as an int >= ``minimum`` or raise AnsibleFilterError."""
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise AnsibleFilterError(f"{what} must be an integer, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise AnsibleFilterError(f"{what} must be an integer, got {value!r}") from None
    if number < minimum:
        raise AnsibleFilterError(f"{what} must be >= {minimum}, got {number}")
    return number


def _exact(value: Any, what: str) -> Fraction:
    """Return a number (or numeric string) as an exact Fraction."""
    if isinstance(value, bool):
        raise AnsibleFilterError(f"{what} must be a number, got {value!r}")
    try:
        return Fraction(value) if isinstance(value, (int, Fraction)) else Fraction(str(value))
    except (TypeError, ValueError, ZeroDivisionError):
        raise AnsibleFilterError(f"{what} must be a number, got {value!r}") from None


def _is_pow2(number: int) -> bool:
    return number > 0 and number & (number - 1) == 0


def _largest_pow2(limit: Fraction | int) -> int:
    """Largest power of two <= ``limit``; 0 if ``limit`` < 1."""
    if limit < 1:
        return 0
    power = 1
    while power * 2 <= limit:
        power *= 2
    return power


def _pools(pools: Any, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Validate a list of pool dicts: unique ``name``, ``size`` >= 1, other ``keys`` present."""
    if not isinstance(pools, list) or not pools:
        raise AnsibleFilterError(f"pools must be a non-empty list of dicts, got {pools!r}")
    seen: set[str] = set()
    for pool in pools:
        if not isinstance(pool, dict) or not isinstance(pool.get("name"), str) or not pool["name"]:
            raise AnsibleFilterError(f"each pool must be a dict with a non-empty 'name', got {pool!r}")
        name = pool["name"]
        if name in seen:
            raise AnsibleFilterError(f"pool '{name}' is listed more than once")
        seen.add(name)
        for key in ("size",) + keys:
            if key not in pool:
                raise AnsibleFilterError(f"pool '{name}' has no '{key}'")
        _int(pool["size"], f"pool '{name}': size")
    return pools


def ceph_pool_pg_nums(
    pools: list[dict[str, Any]],
    osd_count: int,
    target_pgs_per_osd: int = 100,
    floor: int = 8,
    overrides: dict[str, int] | None = None,
) -> dict[str, int]:
    """Return ``{pool name: pg_num}`` computed with Ceph's pgcalc rules."""
    osds = _int(osd_count, "osd_count")
    target = _exact(target_pgs_per_osd, "target_pgs_per_osd")
    if target <= 0:
        raise AnsibleFilterError(f"target_pgs_per_osd must be > 0, got {target_pgs_per_osd!r}")
    low = _int(floor, "floor")
    if not _is_pow2(low):
        raise AnsibleFilterError(f"floor must be a power of two, got {low}")
    overrides = {} if overrides is None else overrides
    if not isinstance(overrides, dict):
        raise AnsibleFilterError(f"overrides must be a dict of pool name -> pg_num, got {overrides!r}")

    result: dict[str, int] = {}
    total_percent = Fraction(0)
    for pool in _pools(pools, ("percent_data",)):
        name, size = pool["name"], _int(pool["size"], "size")
        percent = _exact(pool["percent_data"], f"pool '{name}': percent_data")
        if not 0 <= percent <= 100:
            raise AnsibleFilterError(
                f"pool '{name}': percent_data must be within 0..100, got {pool['percent_data']!r}"
            )
        total_percent += percent
        # pgcalc: target * OSDs * share / size, but at least OSDs / size.
        raw = max(target * osds * percent / 100 / size, Fraction(osds, size))
        pg_num = _largest_pow2(raw) or 1
        # Nearest power of two, or the next one up if the nearest is more than
        # 25% below raw; together: keep the lower power only if >= 3/4 of raw.
        if pg_num < raw * Fraction(3, 4):
            pg_num *= 2
        result[name] = max(pg_num, low)
    if total_percent > 100:
        raise AnsibleFilterError(
            f"percent_data of all pools adds up to {float(total_percent):g}, more than 100"
        )

    for name, value in overrides.items():
        if name not in result:
            raise AnsibleFilterError(f"overrides: unknown pool '{name}' (pools: {', '.join(result)})")
        result[name] = _int(value, f"overrides: pool '{name}' pg_num")
    return result


def _replicas(pools: list[dict[str, Any]]) -> list[tuple[str, int, int]]:
    """Validate pools with pg_num; return ``(name, pg_num, size)`` tuples."""
    return [
        (p["name"], _int(p["pg_num"], f"pool '{p['name']}': pg_num"), _int(p["size"], "size"))
        for p in _pools(pools, ("pg_num",))
    ]


def ceph_pgs_per_osd(pools_with_pg_num: list[dict[str, Any]], osd_count: int) -> float:
    """Return PG replicas per OSD: sum(pg_num * size) / osd_count."""
    osds = _int(osd_count, "osd_count")
    return sum(pg * size for _name, pg, size in _replicas(pools_with_pg_num)) / osds


def ceph_pg_budget(
    pools_with_pg_num: list[dict[str, Any]], osd_count: int, mon_max_pg_per_osd: int = 250
) -> dict[str, Any]:
    """Check the pools against ``mon_max_pg_per_osd`` and explain the arithmetic."""
    osds = _int(osd_count, "osd_count")
    limit = _int(mon_max_pg_per_osd, "mon_max_pg_per_osd")
    pools = _replicas(pools_with_pg_num)
    total = sum(pg * size for _name, pg, size in pools)
    max_total = limit * osds
    per_osd = total / osds
    ok = total <= max_total
    terms = " + ".join(f"{name}({pg}x{size})" for name, pg, size in pools)
    shown = f"{per_osd:.2f}".rstrip("0").rstrip(".")  # 320, 106.67
    arithmetic = (
        f"pools {terms} = {total} PG replicas over {osds} OSD{'s' if osds != 1 else ''}"
        f" = {shown} per OSD {'<=' if ok else '>'} mon_max_pg_per_osd {limit}"
        f" (max {max_total} PG replicas)"
    )
    fitting = {
        name: _largest_pow2(Fraction(max_total - (total - pg * size), size)) for name, pg, size in pools
    }
    return {
        "ok": ok,
        "pgs_per_osd": per_osd,
        "limit": limit,
        "total_pg_replicas": total,
        "max_pg_replicas": max_total,
        "arithmetic": arithmetic,
        "largest_fitting_pg_num": fitting,
    }


def ceph_openstack_pools(size: int, include_backups: bool = True) -> list[dict[str, Any]]:
    """Return the OpenStack pools (OPENSTACK_POOLS) with replica ``size``."""
    replicas = _int(size, "size")
    try:
        backups = boolean(include_backups, strict=True)
    except TypeError:
        raise AnsibleFilterError(f"include_backups must be a boolean, got {include_backups!r}") from None
    return [
        {"name": p["name"], "size": replicas, "percent_data": p["percent_data"]}
        for p in OPENSTACK_POOLS
        if backups or p["name"] != "backups"
    ]


class FilterModule:
    """Ceph PG sizing filters."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "ceph_pool_pg_nums": ceph_pool_pg_nums,
            "ceph_pgs_per_osd": ceph_pgs_per_osd,
            "ceph_pg_budget": ceph_pg_budget,
            "ceph_openstack_pools": ceph_openstack_pools,
        }
