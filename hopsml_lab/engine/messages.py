"""The messages between the driver's slot pool and a slot task on a Spark executor.

Each is a small frozen dataclass sent pickled through the slot's multiprocessing
``Connection``; the receiver tells them apart by type (``match``). Driver -> slot:
:class:`RunTrial`, :class:`StopTrial`, :class:`GoOn`, :class:`Stop`. Slot -> driver:
:class:`Ready` once, then per trial any number of :class:`Metrics` and one
:class:`Result` (or :class:`Respawn`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Store
    from .trial_records import TrialOutcome, TrialSpec

Point = tuple[str, int, float, float]  # a metric report: (name, step, value, time)


class _Message:
    """Pickles as its class and its fields' values, which for a small message takes about
    half the time of a frozen dataclass's own pickled state."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return type(self), tuple([getattr(self, name) for name in self.__slots__])


# -- driver -> slot -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunTrial(_Message):
    """Run ``spec``; ``fn`` (the pickled function) comes with a batch's first trial only."""

    batch_id: int
    fn: bytes | None
    spec: TrialSpec
    store: Store
    experiment_id: str
    metric_name: str
    env: dict[str, str]  # the kernel's TF_*/KERAS_* variables, applied before the trial


@dataclass(frozen=True, slots=True)
class StopTrial(_Message):
    """Stop trial ``key`` of batch ``batch_id`` at its next report (it may arrive before
    the trial or after). The batch matters: trial keys repeat from one experiment to the
    next, and a slot runs the trials of many."""

    batch_id: int
    key: str


@dataclass(frozen=True, slots=True)
class GoOn(_Message):
    """Trial ``key`` of batch ``batch_id``, waiting for a verdict at its ``step``-th
    report, goes on."""

    batch_id: int
    key: str
    step: int


@dataclass(frozen=True, slots=True)
class Stop(_Message):
    """End the slot: its Spark task returns."""


# -- slot -> driver -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ready(_Message):
    """Sent once, after connecting: slot ``slot_id`` runs in Python worker ``pid``."""

    slot_id: int
    pid: int


@dataclass(frozen=True, slots=True)
class Metrics(_Message):
    """Metric points a running trial reported since its last ``Metrics``."""

    batch_id: int
    key: str
    points: list[Point]


@dataclass(frozen=True, slots=True)
class Result(_Message):
    """A trial's outcome; the slot then waits for its next ``RunTrial``."""

    batch_id: int
    outcome: TrialOutcome


@dataclass(frozen=True, slots=True)
class Respawn(_Message):
    """The worker imported TensorFlow under other settings: run trial ``key`` elsewhere
    (this worker then exits)."""

    batch_id: int
    key: str


ToSlot = RunTrial | StopTrial | GoOn | Stop  # what the driver sends a slot
