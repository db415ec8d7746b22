"""What a trial is (its key, parameters, logdir) and what it gave back: plain data
sent between the driver and the slots, kept apart from ``trial.py``, which runs one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TrialSpec:
    key: str
    params: Mapping[str, Any]
    logdir: str  # relative to the project root
    decide_at: tuple[int, ...] = ()  # reports at which it waits for the search's verdict


@dataclass
class TrialOutcome:
    key: str
    ok: bool
    results: dict[str, Any] = field(default_factory=dict)
    stopped_early: bool = False
    models: list[Any] = field(default_factory=list)  # exported inside the trial
    error: str | None = None
    started_at: float = 0.0
    duration_s: float = 0.0
    stdout: str = ""
