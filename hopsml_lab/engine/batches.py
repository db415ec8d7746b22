"""What the slot pool keeps per experiment (a batch of trials) and per slot."""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from ..store import Store
from . import trial_env
from .reporter import Verdict
from .trial import TrialOutcome, TrialSpec

# A trial's metric reports (name, step, value, time); may answer with a verdict.
MetricsCallback = Callable[[str, list[tuple[str, int, float, float]]], Verdict | None]


@dataclass
class Batch:
    """The trials of one experiment, and where their outcomes arrive."""

    id: int
    fn_bytes: bytes
    store: Store
    experiment_id: str
    size: int
    metric_name: str = "metric"
    on_metrics: MetricsCallback | None = None
    outcomes: queue.Queue[TrialOutcome] = field(default_factory=queue.Queue)
    cancelled: bool = False
    env: dict[str, str] = field(default_factory=trial_env.capture)  # the kernel's, at submit
    limit: int | None = None  # at most this many of its trials queued or running at once
    gpus: int = 0  # each trial's GPUs: only slots holding that many take its trials
    _waiting: deque[TrialSpec] = field(default_factory=deque)
    _admitted: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, specs: Sequence[TrialSpec] = ()) -> list[TrialSpec]:
        """Take ``specs`` in; returns those that may go to the slots now."""
        with self._lock:
            self._waiting.extend(specs)
            free = len(self._waiting) if self.limit is None else self.limit - self._admitted
            ready = [self._waiting.popleft() for _ in range(min(free, len(self._waiting)))]
            self._admitted += len(ready)
            return ready

    def deliver(self, outcome: TrialOutcome) -> list[TrialSpec]:
        """Hand a trial's outcome to the experiment; returns the trials that may go next."""
        with self._lock:
            self._admitted -= 1
        self.outcomes.put(outcome)
        return self.admit()


@dataclass
class Slot:
    id: int
    group: str
    gpus: int = 0
    connection: Connection | None = None
    current: tuple[Batch, TrialSpec] | None = None
    batch_sent: int | None = None
    idle_since: float = field(default_factory=time.monotonic)
    send_lock: threading.Lock = field(default_factory=threading.Lock)
    retiring: bool = False  # its Spark job is being cancelled: give it no more work

    def send(self, message: tuple[Any, ...]) -> None:
        assert self.connection is not None
        with self.send_lock:
            self.connection.send(message)


def lost_trial(spec: TrialSpec, reason: str) -> TrialOutcome:
    return TrialOutcome(
        key=spec.key,
        ok=False,
        error=f"the Spark task running trial {spec.key} ended before the trial did: {reason}",
        started_at=time.time(),
    )
