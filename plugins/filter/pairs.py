"""Filters that turn a mapping into the ``key<sep>value`` strings tools expect.

Docs for each filter live in the sidecar ``<filter_name>.yml`` files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from ansible.errors import AnsibleFilterError


def key_value_pairs(mapping: Any, separator: str = "=", prefix: str = "") -> list[str]:
    """Return ``[prefix + key + separator + value, ...]`` in the mapping's order.

    Values are written with ``str``; a list value is an error, since no
    command line or configuration option this serves would read it right.
    """
    if not isinstance(mapping, Mapping):
        raise AnsibleFilterError(f"key_value_pairs expects a mapping, got {type(mapping).__name__}")
    pairs = []
    for key, value in mapping.items():
        if isinstance(value, (list, tuple, set, Mapping)):
            raise AnsibleFilterError(f"key_value_pairs: the value of {key!r} must be a scalar, got {value!r}")
        pairs.append(f"{prefix}{key}{separator}{value}")
    return pairs


class FilterModule:
    """Mapping-to-pairs filters."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        """Map filter names to functions."""
        return {"key_value_pairs": key_value_pairs}
