"""Tests for the key_value_pairs filter."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.opendeploy.openstack.plugins.filter import pairs


def test_pairs_keep_the_mapping_order() -> None:
    assert pairs.key_value_pairs({"b": "2", "a": 1}) == ["b=2", "a=1"]


def test_separator_and_prefix() -> None:
    result = pairs.key_value_pairs({"system-id": "aio1", "ovn-bridge": "br-int"}, prefix="external_ids:")
    assert result == ["external_ids:system-id=aio1", "external_ids:ovn-bridge=br-int"]
    assert pairs.key_value_pairs({"physnet1": "eth1"}, ":") == ["physnet1:eth1"]


def test_an_empty_mapping_gives_no_pairs() -> None:
    assert pairs.key_value_pairs({}) == []


def test_booleans_and_numbers_are_written_as_python_writes_them() -> None:
    assert pairs.key_value_pairs({"userspace-tso-enable": "true", "port": 6640}) == [
        "userspace-tso-enable=true",
        "port=6640",
    ]


@pytest.mark.parametrize("value", [["a"], {"k": "v"}])
def test_a_value_that_is_not_a_scalar_is_refused(value: object) -> None:
    with pytest.raises(AnsibleFilterError, match="must be a scalar"):
        pairs.key_value_pairs({"key": value})


def test_a_list_instead_of_a_mapping_is_refused() -> None:
    with pytest.raises(AnsibleFilterError, match="expects a mapping, got list"):
        pairs.key_value_pairs(["a=b"])


def test_the_filter_is_registered() -> None:
    assert pairs.FilterModule().filters()["key_value_pairs"] is pairs.key_value_pairs
