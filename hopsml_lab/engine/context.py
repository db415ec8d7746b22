"""What a running trial knows about itself (its store, its folder), inside the task."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ..store import Store
from .reporter import Reporter


@dataclass(frozen=True)
class TrialContext:
    experiment_id: str
    key: str
    logdir: str  # relative to the project root
    store: Store
    reporter: Reporter
    exported_models: list[Any] = field(default_factory=list)  # reported to the driver

    @property
    def logdir_url(self) -> str:
        return self.store.url(self.logdir)


_current: ContextVar[TrialContext | None] = ContextVar("hopsml_trial", default=None)


def current_trial() -> TrialContext | None:
    """The trial running in this task, or None outside a trial."""
    return _current.get()


def enter_trial(context: TrialContext) -> object:
    return _current.set(context)


def leave_trial(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
