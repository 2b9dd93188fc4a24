"""Tests for the Nova sizing filters (cases computed by hand in the comments)."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.opendeploy.openstack.plugins.filter import nova

# Defaults: 150 MB per worker, memory share 0.25, 4 pools => 600 MB of the
# share per worker-in-every-pool; cap 16, floor 1.


@pytest.mark.parametrize(
    ("memory_mb", "vcpus", "expected"),
    [
        # 2 vCPUs / 2 GiB: cpu 2//2 = 1; memory 2048*0.25 = 512 // 600 = 0 -> floor 1
        (2048, 2, 1),
        # 2 vCPUs / 24 GiB: cpu 1; memory 6144 // 600 = 10 -> 1
        (24576, 2, 1),
        # 64 vCPUs / 256 GiB: cpu 32; memory 65536 // 600 = 109; cap 16 -> 16
        (262144, 64, 16),
        # 1 vCPU / 512 MiB: cpu max(1, 0) = 1; memory 128 // 600 = 0 -> floor 1
        (512, 1, 1),
        # 8 vCPUs / 16 GiB: cpu 4; memory 4096 // 600 = 6 -> 4
        (16384, 8, 4),
        # 32 vCPUs / 8 GiB: cpu 16; memory 2048 // 600 = 3 -> 3 (memory bound)
        (8192, 32, 3),
        # 3 vCPUs: 3 // 2 = 1 (rounds down)
        (24576, 3, 1),
    ],
)
def test_defaults(memory_mb: int, vcpus: int, expected: int) -> None:
    result = nova.nova_workers(memory_mb, vcpus)
    assert result == expected
    assert isinstance(result, int)


def test_facts_as_strings_and_floats_are_accepted() -> None:
    # Ansible facts or extra vars may arrive as strings.
    assert nova.nova_workers("262144", "64") == 16
    assert nova.nova_workers(16384.0, 8.0) == 4


def test_cap_and_floor() -> None:
    # 64 vCPUs / 256 GiB with cap 8 -> 8; with cap 24 -> min(24, 32, 109) = 24
    assert nova.nova_workers(262144, 64, cap=8) == 8
    assert nova.nova_workers(262144, 64, cap=24) == 24
    # floor 2 wins over the memory bound of a 2 GiB host
    assert nova.nova_workers(2048, 2, floor=2) == 2
    # floor above the CPU bound: 2 vCPUs / 24 GiB -> cpu 1, floor 3 -> 3
    assert nova.nova_workers(24576, 2, floor=3) == 3


def test_memory_parameters() -> None:
    # 32 vCPUs / 8 GiB, share 0.6 of a dedicated API node: 4915.2 // 600 = 8
    assert nova.nova_workers(8192, 32, memory_share=0.6, cap=24) == 8
    # 100 MB workers, 2 pools: 2048 // 200 = 10
    assert nova.nova_workers(8192, 32, per_worker_mb=100, pools=2) == 10
    # share 1: 8192 // 600 = 13
    assert nova.nova_workers(8192, 32, memory_share=1) == 13


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((0, 2), {}, "memory_mb must be a positive number"),
        ((-1024, 2), {}, "memory_mb must be a positive number"),
        ((None, 2), {}, "memory_mb must be a positive number"),
        (("lots", 2), {}, "memory_mb must be a positive number"),
        ((float("nan"), 2), {}, "memory_mb must be a positive number"),
        ((True, 2), {}, "memory_mb must be a positive number"),
        ((2048, 0), {}, "vcpus must be a positive whole number"),
        ((2048, 2.5), {}, "vcpus must be a positive whole number"),
        ((2048, None), {}, "vcpus must be a positive number"),
        ((2048, 2), {"per_worker_mb": 0}, "per_worker_mb must be a positive number"),
        ((2048, 2), {"memory_share": 1.5}, r"memory_share must be within \(0, 1\]"),
        ((2048, 2), {"memory_share": 0}, "memory_share must be a positive number"),
        ((2048, 2), {"pools": 0}, "pools must be a positive whole number"),
        ((2048, 2), {"floor": 0}, "floor must be a positive whole number"),
        ((2048, 2), {"cap": 2, "floor": 4}, r"cap \(2\) must not be below floor \(4\)"),
    ],
)
def test_invalid_input_is_refused(args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        nova.nova_workers(*args, **kwargs)


def test_filter_module_exposes_nova_workers() -> None:
    assert nova.FilterModule().filters() == {"nova_workers": nova.nova_workers}
