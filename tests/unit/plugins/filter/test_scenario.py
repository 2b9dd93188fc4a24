"""Tests for the scenario filters."""

from __future__ import annotations

from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.opendeploy.openstack.plugins.filter import scenario

REPO_SCENARIOS = Path(__file__).resolve().parents[4] / "scenarios"


@pytest.fixture(name="scenarios_dir")
def fixture_scenarios_dir(tmp_path: Path) -> Path:
    for word in ("aio", "ceph", "lvm"):
        (tmp_path / f"{word}.yml").write_text("---\n")
    (tmp_path / "README.md").write_text("not a scenario\n")
    return tmp_path


def test_single_word(scenarios_dir: Path) -> None:
    assert scenario.scenario_files("ceph", scenarios_dir) == [str(scenarios_dir / "ceph.yml")]


def test_words_keep_their_order(scenarios_dir: Path) -> None:
    assert scenario.scenario_words("aio_ceph", scenarios_dir) == ["aio", "ceph"]
    assert scenario.scenario_files("ceph_aio", scenarios_dir) == [
        str(scenarios_dir / "ceph.yml"),
        str(scenarios_dir / "aio.yml"),
    ]


def test_case_and_whitespace_are_forgiven(scenarios_dir: Path) -> None:
    assert scenario.scenario_words(" AIO_Lvm ", scenarios_dir) == ["aio", "lvm"]


def test_unknown_word_lists_valid_words(scenarios_dir: Path) -> None:
    with pytest.raises(AnsibleFilterError) as error:
        scenario.scenario_files("aio_bogus", scenarios_dir)
    message = str(error.value)
    assert "'bogus'" in message
    assert "Valid words: aio, ceph, lvm." in message


@pytest.mark.parametrize("value", ["aio__ceph", "ceph_", "_ceph"])
def test_empty_word_is_refused(scenarios_dir: Path, value: str) -> None:
    with pytest.raises(AnsibleFilterError, match="empty word"):
        scenario.scenario_words(value, scenarios_dir)


@pytest.mark.parametrize("value", ["", "   ", None])
def test_empty_scenario_is_refused(scenarios_dir: Path, value: object) -> None:
    with pytest.raises(AnsibleFilterError, match="scenario is empty"):
        scenario.scenario_words(value, scenarios_dir)  # type: ignore[arg-type]


def test_repeated_word_is_refused(scenarios_dir: Path) -> None:
    with pytest.raises(AnsibleFilterError, match="repeats ceph"):
        scenario.scenario_words("ceph_aio_ceph", scenarios_dir)


def test_default_directory_is_the_collections_scenarios() -> None:
    assert scenario.DEFAULT_SCENARIOS_DIR == REPO_SCENARIOS
    words = scenario.valid_scenario_words()
    assert {"aio", "lvm", "ceph", "drbd"} <= set(words)
    assert scenario.scenario_files("lvm") == [str(REPO_SCENARIOS / "lvm.yml")]


def test_filter_module_exposes_both_filters() -> None:
    filters = scenario.FilterModule().filters()
    assert filters["scenario_files"] is scenario.scenario_files
    assert filters["scenario_words"] is scenario.scenario_words
