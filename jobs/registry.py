"""What each kind of job runs, filled by the apps that own the work (their
AppConfig.ready), so that jobs/ knows no domain app: a new kind needs no jobs migration.

A runner takes the job and a progress callback and returns (filename, file). A start
action is a button on the job list (e.g. 导出届次汇编 of each session the person may
compile), given by the owning app for the person asking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Runner:
    kind: str
    run: Callable
    label: str


@dataclass(frozen=True)
class StartAction:
    heading: str  # the group on the job list, e.g. "导出届次汇编"
    label: str  # the item, e.g. the session's name
    url: str  # where the button POSTs
    button: str


_RUNNERS: dict[str, Runner] = {}
_START_ACTIONS: list[Callable] = []


def register_runner(kind: str, fn: Callable, *, label: str) -> None:
    """Let jobs of `kind` run `fn(job, progress)`. Registering the same function twice
    (ready() runs again in tests) is harmless; another function for a taken kind is not."""
    existing = _RUNNERS.get(kind)
    if existing is not None and existing.run is not fn:
        raise ValueError(f"job kind {kind!r} is already registered to {existing.run!r}")
    _RUNNERS[kind] = Runner(kind, fn, label)


def runner_for(kind: str) -> Runner | None:
    return _RUNNERS.get(kind)


def kinds() -> set[str]:
    return set(_RUNNERS)


def label_of(kind: str) -> str:
    runner = _RUNNERS.get(kind)
    return str(runner.label) if runner else kind


def register_start_actions(fn: Callable) -> None:
    """`fn(user) -> list[StartAction]`: the buttons the job list shows that person."""
    if fn not in _START_ACTIONS:
        _START_ACTIONS.append(fn)


def start_actions_for(user) -> list[StartAction]:
    return [action for fn in _START_ACTIONS for action in fn(user)]
