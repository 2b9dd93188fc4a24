"""Nova sizing filters.

Docs for each filter live in the sidecar ``<filter_name>.yml`` files.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from ansible.errors import AnsibleFilterError

WORKERS_CAP = 16  # openstack-ansible caps nova API processes at 16 (nova_wsgi_processes_max)
PER_WORKER_MB = 150  # RSS of one nova-api / nova-conductor / nova-scheduler worker
MEMORY_SHARE = 0.25  # share of a controller's RAM for Nova's worker pools
POOLS = 4  # pools sized by this count: osapi_compute, metadata, conductor, scheduler


def _number(value: Any, what: str, integer: bool = False) -> float:
    """Return ``value`` as a finite number > 0 (a whole one if ``integer``)."""
    if isinstance(value, bool):
        raise AnsibleFilterError(f"{what} must be a positive number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AnsibleFilterError(f"{what} must be a positive number, got {value!r}") from None
    if not math.isfinite(number) or number <= 0 or (integer and not number.is_integer()):
        kind = "whole number" if integer else "number"
        raise AnsibleFilterError(f"{what} must be a positive {kind}, got {value!r}")
    return number


def nova_workers(
    memory_mb: Any,
    vcpus: Any,
    per_worker_mb: Any = PER_WORKER_MB,
    cap: Any = WORKERS_CAP,
    floor: Any = 1,
    memory_share: Any = MEMORY_SHARE,
    pools: Any = POOLS,
) -> int:
    """Workers per Nova pool: half the vCPUs, capped, within a memory budget.

    ``min(cap, max(1, vcpus // 2), memory_mb * memory_share // (per_worker_mb * pools))``,
    then raised to ``floor`` (a service needs at least one worker).
    """
    memory = _number(memory_mb, "memory_mb")
    cpus = int(_number(vcpus, "vcpus", integer=True))
    per_worker = _number(per_worker_mb, "per_worker_mb")
    share = _number(memory_share, "memory_share")
    if share > 1:
        raise AnsibleFilterError(f"memory_share must be within (0, 1], got {memory_share!r}")
    pool_count = int(_number(pools, "pools", integer=True))
    lowest = int(_number(floor, "floor", integer=True))
    highest = int(_number(cap, "cap", integer=True))
    if highest < lowest:
        raise AnsibleFilterError(f"cap ({cap!r}) must not be below floor ({floor!r})")
    by_cpu = max(1, cpus // 2)
    by_memory = int(memory * share // (per_worker * pool_count))
    return max(lowest, min(highest, by_cpu, by_memory))


class FilterModule:
    """Nova sizing filters."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        """Map filter names to functions."""
        return {"nova_workers": nova_workers}
