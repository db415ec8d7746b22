"""What a view of a running experiment is told (the notebook's live display is one)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..engine.trial import TrialSpec
    from .results import ExperimentResult, TrialResult

Point = tuple[str, int, float, float]


class Progress(Protocol):
    def trials_added(self, specs: Sequence[TrialSpec]) -> None:
        """Trials were queued (called on the kernel's thread)."""

    def trial_finished(self, result: TrialResult) -> None:
        """A trial ended (kernel's thread)."""

    def metrics(self, key: str, points: list[Point]) -> None:
        """A trial reported points (any thread: keep it cheap)."""

    def tick(self) -> None:
        """Time to redraw, several times a second (kernel's thread)."""

    def finished(self, result: ExperimentResult) -> None:
        """The experiment ended (kernel's thread)."""
