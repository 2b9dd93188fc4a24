"""Render a dict of sections as an INI file the way oslo.config reads it.

One renderer for every config file the roles write (keystone.conf,
glance-api.conf, cinder.conf, uwsgi .ini files, MariaDB .cnf files): each
role builds its file as ``{section: {option: value}}``, merges the operator's
``<role>_<file>_overrides`` over it with ``combine(recursive=True)`` and
renders the result with ``to_oslo_ini``. Docs: ``to_oslo_ini.yml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Callable

from ansible.errors import AnsibleFilterError

DEFAULT_SECTION = "DEFAULT"


def _scalar(value: Any, where: str) -> str:
    """Format one value: booleans as true/false, numbers and strings as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        text = str(value)
        if "\n" in text or "\r" in text:
            raise AnsibleFilterError(f"{where}: values cannot span lines, got {value!r}")
        return text
    raise AnsibleFilterError(f"{where}: expected a string, number, boolean or list, got {type(value).__name__}")


def _lines(section: str, option: Any, value: Any, multi: set[str]) -> list[str]:
    """The ``option = value`` lines of one option (none for a null value)."""
    where = f"[{section}] {option}"
    if not isinstance(option, str) or not option or any(c in option for c in "=\n[]"):
        raise AnsibleFilterError(f"[{section}]: invalid option name {option!r}")
    if value is None:
        return []
    if isinstance(value, Mapping):
        raise AnsibleFilterError(f"{where}: a dict cannot be an option value")
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        items = [_scalar(item, where) for item in value if item is not None]
        if option in multi or f"{section}.{option}" in multi:
            return [f"{option} = {item}" for item in items]
        return [f"{option} = {','.join(items)}"]
    return [f"{option} = {_scalar(value, where)}"]


def to_oslo_ini(
    sections: Mapping[str, Any],
    multi_value_options: Iterable[str] = (),
    header: str = "",
) -> str:
    """Return ``sections`` as INI text.

    ``[DEFAULT]`` comes first, the other sections follow in the order given.
    A null option is left out (an override can remove a default that way);
    a null or empty section is left out too, except ``[DEFAULT]``. Lists are
    comma-joined, or written one line per item for the options named in
    ``multi_value_options`` (``option`` or ``section.option``). ``header`` is
    written first as ``#`` comment lines.
    """
    if not isinstance(sections, Mapping):
        raise AnsibleFilterError(f"to_oslo_ini expects a dict of sections, got {type(sections).__name__}")
    if isinstance(multi_value_options, str):
        multi_value_options = [multi_value_options]
    multi = set(multi_value_options)
    names = sorted(sections, key=lambda name: name != DEFAULT_SECTION)
    out = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    for name in names:
        options = sections[name]
        if options is None:
            continue
        if not isinstance(options, Mapping):
            raise AnsibleFilterError(f"[{name}]: a section must be a dict of options, got {type(options).__name__}")
        if not isinstance(name, str) or not name or any(c in name for c in "[]\n"):
            raise AnsibleFilterError(f"invalid section name {name!r}")
        body = [line for option, value in options.items() for line in _lines(name, option, value, multi)]
        if not body and name != DEFAULT_SECTION:
            continue
        if out:
            out.append("")
        out.append(f"[{name}]")
        out.extend(body)
    return "\n".join(out) + "\n"


class FilterModule:
    """INI rendering filters."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        """Map filter names to functions."""
        return {"to_oslo_ini": to_oslo_ini}
