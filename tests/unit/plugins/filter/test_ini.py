"""Unit tests for plugins/filter/ini.py (to_oslo_ini)."""

from __future__ import annotations

import configparser

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.opendeploy.openstack.plugins.filter.ini import FilterModule, to_oslo_ini


def test_filter_module_exposes_to_oslo_ini() -> None:
    assert set(FilterModule().filters()) == {"to_oslo_ini"}


def test_default_section_comes_first_and_order_is_kept() -> None:
    text = to_oslo_ini({"database": {"connection": "sqlite://"}, "DEFAULT": {"debug": False}, "cache": {"enabled": True}})
    assert text == "[DEFAULT]\ndebug = false\n\n[database]\nconnection = sqlite://\n\n[cache]\nenabled = true\n"


def test_scalars_are_formatted_as_oslo_reads_them() -> None:
    text = to_oslo_ini({"s": {"yes": True, "no": False, "int": 3, "float": 1.5, "str": "a b"}})
    assert text.splitlines()[1:] == ["yes = true", "no = false", "int = 3", "float = 1.5", "str = a b"]


def test_lists_are_comma_joined_by_default() -> None:
    assert to_oslo_ini({"cache": {"memcache_servers": ["a:1", "b:2"]}}) == "[cache]\nmemcache_servers = a:1,b:2\n"


def test_multi_value_options_repeat_the_key() -> None:
    sections = {"uwsgi": {"plugins": ["python3", "apparmor"]}, "other": {"plugins": ["x", "y"]}}
    text = to_oslo_ini(sections, multi_value_options=["uwsgi.plugins"])
    assert "[uwsgi]\nplugins = python3\nplugins = apparmor\n" in text
    assert "[other]\nplugins = x,y\n" in text
    assert to_oslo_ini({"s": {"k": ["1", "2"]}}, multi_value_options="k") == "[s]\nk = 1\nk = 2\n"


def test_null_removes_an_option_and_empty_sections_disappear() -> None:
    defaults = {"DEFAULT": {}, "a": {"keep": 1, "drop": 2}, "b": {"only": 1}, "c": None}
    overrides = {"a": {"drop": None}, "b": {"only": None}}
    merged = {name: ({**(defaults[name] or {}), **overrides.get(name, {})} if defaults[name] is not None else None) for name in defaults}
    assert to_oslo_ini(merged) == "[DEFAULT]\n\n[a]\nkeep = 1\n"


def test_header_is_written_as_comments() -> None:
    text = to_oslo_ini({"s": {"k": "v"}}, header="Managed by Ansible\n\nDo not edit")
    assert text.startswith("# Managed by Ansible\n#\n# Do not edit\n\n[s]\n")


def test_output_round_trips_through_configparser() -> None:
    sections = {"DEFAULT": {"transport_url": "rabbit://u:p%40ss@h:5672/v"}, "lvm-1": {"volume_group": "cinder-volumes", "x": ["a", "b"]}}
    parser = configparser.RawConfigParser()
    parser.read_string(to_oslo_ini(sections))
    assert parser.get("DEFAULT", "transport_url") == "rabbit://u:p%40ss@h:5672/v"
    assert parser.get("lvm-1", "x") == "a,b"


@pytest.mark.parametrize(
    ("sections", "message"),
    [
        (["not", "a", "dict"], "dict of sections"),
        ({"s": "value"}, "must be a dict of options"),
        ({"s": {"k": {"nested": 1}}}, "a dict cannot be an option value"),
        ({"s": {"k": "two\nlines"}}, "cannot span lines"),
        ({"s": {"k=v": 1}}, "invalid option name"),
        ({"bad]": {"k": 1}}, "invalid section name"),
        ({"s": {"k": object()}}, "expected a string"),
    ],
)
def test_refusals(sections: object, message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        to_oslo_ini(sections)  # type: ignore[arg-type]
