"""Resolve a SCENARIO string such as ``aio_ceph`` to its vars files.

A scenario is one or more words joined by ``_`` (as openstack-ansible names
its scenarios). Each word names a vars file ``scenarios/<word>.yml`` at the
root of the collection; later words override earlier ones.
"""

from __future__ import annotations

from pathlib import Path

from ansible.errors import AnsibleFilterError

DEFAULT_SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "scenarios"


def valid_scenario_words(scenarios_dir: str | Path | None = None) -> list[str]:
    """Return the sorted words that have a vars file in ``scenarios_dir``."""
    directory = Path(scenarios_dir) if scenarios_dir else DEFAULT_SCENARIOS_DIR
    return sorted(path.stem for path in directory.glob("*.yml"))


def scenario_words(scenario: str, scenarios_dir: str | Path | None = None) -> list[str]:
    """Split ``scenario`` into its words and check each one has a vars file.

    Raises AnsibleFilterError naming the unknown word and the valid ones.
    """
    if not isinstance(scenario, str) or not scenario.strip():
        raise AnsibleFilterError("The scenario is empty: set SCENARIO or -e scenario=WORD[_WORD...]")
    words = scenario.strip().lower().split("_")
    valid = valid_scenario_words(scenarios_dir)
    for word in words:
        if word not in valid:
            shown = f"'{word}'" if word else "an empty word (doubled or trailing '_')"
            raise AnsibleFilterError(
                f"Unknown scenario word {shown} in scenario '{scenario}'. "
                f"Valid words: {', '.join(valid)}. Join several with '_', e.g. aio_ceph."
            )
    duplicates = sorted({word for word in words if words.count(word) > 1})
    if duplicates:
        raise AnsibleFilterError(f"Scenario '{scenario}' repeats {', '.join(duplicates)}.")
    return words


def scenario_files(scenario: str, scenarios_dir: str | Path | None = None) -> list[str]:
    """Return the vars files of ``scenario``'s words, in the order given."""
    directory = Path(scenarios_dir) if scenarios_dir else DEFAULT_SCENARIOS_DIR
    return [str(directory / f"{word}.yml") for word in scenario_words(scenario, directory)]


class FilterModule:
    """Scenario filters."""

    def filters(self) -> dict:
        """Map filter names to functions."""
        return {
            "scenario_words": scenario_words,
            "scenario_files": scenario_files,
        }
