"""Record the wall time of every task of a run, with its module, as JSON.

Used by tools/benchmark (not part of the collection): enable it with
ANSIBLE_CALLBACK_PLUGINS=tools/callback_plugins,
ANSIBLE_CALLBACKS_ENABLED=task_timer and TASK_TIMER_OUTPUT=<file>.
A task's time runs from its start to the start of the next task (or the
end of the run), handlers included, so the times add up to the run.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: task_timer
type: aggregate
short_description: Write each task's wall time and module to a JSON file
description:
  - "Writes the total and, per task, its name, action (module), role and seconds
    as JSON to the file named by the TASK_TIMER_OUTPUT environment variable,
    and per host the seconds its results took (from each task's start to the
    host's result, skipped tasks aside): the host that bounds a run."
requirements:
  - enable in callbacks_enabled
"""


class CallbackModule(CallbackBase):
    """Aggregate callback: task name, resolved action and duration."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._tasks: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None
        self._started = time.monotonic()
        self._host_seconds: dict[str, float] = {}

    def _close_current(self) -> None:
        if self._current is not None:
            self._current["seconds"] = round(time.monotonic() - self._current.pop("_start"), 3)
            self._tasks.append(self._current)
            self._current = None

    def _start(self, task: Any) -> None:
        self._close_current()
        role = task._role.get_name() if getattr(task, "_role", None) else ""
        action = getattr(task, "resolved_action", None) or task.action
        self._current = {"name": task.get_name(), "action": action, "role": role, "_start": time.monotonic()}

    def _host_done(self, result: Any) -> None:
        """Add the time from the task's start to this host's result to the host's busy time."""
        if self._current is not None:
            host = result._host.get_name()
            self._host_seconds[host] = self._host_seconds.get(host, 0.0) + time.monotonic() - self._current["_start"]

    def v2_runner_on_ok(self, result: Any) -> None:
        self._host_done(result)

    def v2_runner_on_failed(self, result: Any, ignore_errors: bool = False) -> None:
        self._host_done(result)

    def v2_runner_on_unreachable(self, result: Any) -> None:
        self._host_done(result)

    def v2_playbook_on_task_start(self, task: Any, is_conditional: bool) -> None:
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task: Any) -> None:
        self._start(task)

    def v2_playbook_on_stats(self, stats: Any) -> None:
        self._close_current()
        path = os.environ.get("TASK_TIMER_OUTPUT")
        if not path:
            return
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"total": round(time.monotonic() - self._started, 3), "tasks": self._tasks,
                       "host_seconds": {host: round(seconds, 1) for host, seconds in self._host_seconds.items()}},
                      out, indent=1)
