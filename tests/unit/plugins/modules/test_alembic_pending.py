"""Unit tests for plugins/modules/alembic_pending.py, on real alembic scripts written to a temporary directory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ansible_collections.opendeploy.openstack.plugins.modules import alembic_pending as ap

MODULE = Path(ap.__file__)


def write_revision(directory: Path, revision: str, down: str | None, branch: str | None = None) -> None:
    """One alembic migration script, as a service ships it."""
    directory.mkdir(parents=True, exist_ok=True)
    labels = f"({branch!r},)" if branch else "None"
    (directory / f"{revision}_step.py").write_text(
        f"revision = {revision!r}\ndown_revision = {down!r}\nbranch_labels = {labels}\ndepends_on = None\n\n"
        "def upgrade():\n    pass\n",
        encoding="utf-8",
    )


@pytest.fixture(name="linear")
def fixture_linear(tmp_path: Path) -> Path:
    """nova-like: one versions/ directory, base -> aaa -> bbb."""
    scripts = tmp_path / "site" / "service" / "db" / "migrations"
    write_revision(scripts / "versions", "aaa", None)
    write_revision(scripts / "versions", "bbb", "aaa")
    (scripts / "versions" / "__init__.py").write_text("", encoding="utf-8")
    (scripts / "env.py").write_text("", encoding="utf-8")
    return scripts


@pytest.fixture(name="branched")
def fixture_branched(tmp_path: Path) -> Path:
    """neutron-like: an initial script, then expand and contract branches in a directory per release."""
    scripts = tmp_path / "alembic_migrations"
    write_revision(scripts / "versions", "initial", None)
    write_revision(scripts / "versions" / "zed" / "expand", "exp1", "initial", branch="expand")
    write_revision(scripts / "versions" / "zed" / "expand", "exp2", "exp1")
    write_revision(scripts / "versions" / "zed" / "contract", "con1", "initial", branch="contract")
    return scripts


def run_module(args: dict) -> dict:
    """Run the module as Ansible does (a subprocess reading its arguments as JSON) and return its result."""
    payload = json.dumps({"ANSIBLE_MODULE_ARGS": args})
    done = subprocess.run([sys.executable, str(MODULE)], input=payload, capture_output=True, text=True, check=False)
    return json.loads(done.stdout)


def test_a_relative_path_is_found_under_the_search_path(linear: Path) -> None:
    site = linear.parents[2]
    assert ap.find_scripts("service/db/migrations", ["", "/nonexistent", str(site)]) == str(linear)


def test_a_path_without_versions_is_not_found(linear: Path) -> None:
    assert ap.find_scripts("service/db", [str(linear.parents[2])]) is None
    assert ap.find_scripts(str(linear / "versions"), []) is None


def test_every_directory_holding_scripts_is_a_version_location(branched: Path) -> None:
    versions = branched / "versions"
    assert ap.version_locations(str(branched)) == sorted(
        [str(versions), str(versions / "zed" / "contract"), str(versions / "zed" / "expand")])


def test_a_database_is_pending_unless_it_holds_exactly_the_heads() -> None:
    heads = ["con1", "exp2"]
    databases = {"current": ["exp2", "con1"], "behind": ["exp1", "con1"], "empty": [], "half": ["exp2"]}
    assert ap.pending(heads, databases) == ["behind", "empty", "half"]


def test_revisions_the_scripts_do_not_know_are_reported() -> None:
    assert ap.unknown({"aaa", "bbb"}, {"ok": ["bbb"], "newer": ["ccc", "bbb"]}) == {"newer": ["ccc"]}


def test_module_reports_the_heads_and_the_databases_behind(linear: Path) -> None:
    result = run_module({"scripts": str(linear), "databases": ["nova", "nova_cell0", "new"],
                         "recorded": {"nova": ["bbb"], "nova_cell0": ["aaa"], "other": ["zzz"]}})
    assert not result.get("failed"), result
    assert result["heads"] == ["bbb"]
    assert result["pending"] == ["new", "nova_cell0"]
    assert result["changed"] is False


def test_module_reads_both_heads_of_a_branched_history(branched: Path) -> None:
    result = run_module({"scripts": str(branched), "databases": ["neutron"], "recorded": {"neutron": ["exp2", "con1"]}})
    assert not result.get("failed"), result
    assert result["heads"] == ["con1", "exp2"]
    assert result["pending"] == []


def test_module_refuses_a_schema_newer_than_the_code(linear: Path) -> None:
    result = run_module({"scripts": str(linear), "databases": ["nova"], "recorded": {"nova": ["fff"]}})
    assert result["failed"]
    assert "'nova': ['fff']" in result["msg"] and "downgrade" in result["msg"]


def test_module_fails_clearly_without_scripts(tmp_path: Path) -> None:
    result = run_module({"scripts": str(tmp_path / "missing"), "databases": ["nova"]})
    assert result["failed"] and "no migration scripts" in result["msg"]
