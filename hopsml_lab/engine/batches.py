"""What the slot pool keeps per experiment (a batch of trials) and per slot."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from ..store import Store
from . import trial_env
from .messages import Point, RunTrial, ToSlot
from .reporter import Verdict
from .trial import TrialOutcome, TrialSpec

log = logging.getLogger(__name__)

# A trial's metric reports (name, step, value, time); may answer with a verdict.
MetricsCallback = Callable[[str, list[Point]], Verdict | None]


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
    on_start: Callable[[str], None] | None = None  # hears a trial's key as a slot takes it
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

    def started(self, key: str) -> None:
        """A slot took trial ``key``: it runs from now, it no longer waits."""
        if self.on_start is not None:
            try:
                self.on_start(key)
            except Exception:  # the trial runs on even if recording its start fails
                log.exception("HopsML: the start of trial %s could not be recorded", key)

    def deliver(self, outcome: TrialOutcome) -> list[TrialSpec]:
        """Hand a trial's outcome to the experiment; returns the trials that may go next."""
        with self._lock:
            self._admitted -= 1
        self.outcomes.put(outcome)
        return self.admit()


@dataclass
class Slot:
    """The driver's side of one slot. ``lock`` guards everything about the slot that
    changes: its connection and every send on it, its trial (``current``), the batch whose
    function it holds, since when it idles and whether it is retiring. The pool's lock
    may be held when taking it, never the other way round; the connection is read
    (``recv``) only by the slot's own serving thread, without the lock."""

    id: int
    group: str
    gpus: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    connection: Connection | None = None
    current: tuple[Batch, TrialSpec] | None = None
    batch_sent: int | None = None  # the batch whose function the slot holds
    idle_since: float = field(default_factory=time.monotonic)
    retiring: bool = False  # its Spark job ends or is being cancelled: give it no more work

    def connect(self, connection: Connection) -> None:
        with self.lock:
            self.connection = connection

    def retire(self) -> None:
        with self.lock:
            self.retiring = True

    @property
    def alive(self) -> bool:
        """Whether the slot takes work (it is not retiring)."""
        with self.lock:
            return not self.retiring

    def idle_for(self) -> float:
        with self.lock:
            return time.monotonic() - self.idle_since

    def run(self, batch: Batch, spec: TrialSpec) -> None:
        """Send the slot its trial, with the batch's function if the slot lacks it."""
        with self.lock:
            first = self.batch_sent != batch.id
            self.batch_sent = batch.id
            message = RunTrial(
                batch.id,
                batch.fn_bytes if first else None,
                spec,
                batch.store,
                batch.experiment_id,
                batch.metric_name,
                batch.env,
            )
            assert self.connection is not None
            self.connection.send(message)

    def send(self, message: ToSlot) -> None:
        """Send ``message`` to the slot task; raises OSError or EOFError if it is gone."""
        with self.lock:
            assert self.connection is not None
            self.connection.send(message)

    def tell(self, message: ToSlot) -> bool:
        """Send ``message`` if the slot task is connected, ignoring a task that is gone;
        returns whether it was connected."""
        with self.lock:
            if self.connection is None:
                return False
            with contextlib.suppress(OSError, EOFError):
                self.connection.send(message)
            return True

    def take(self, work: tuple[Batch, TrialSpec]) -> bool:
        """Make ``work`` the slot's trial, unless the slot is retiring."""
        with self.lock:
            if self.retiring:
                return False
            self.current = work
            return True

    def drop(self, retire: bool = False) -> tuple[Batch, TrialSpec] | None:
        """Forget the slot's trial, idle from now (and take no more work if ``retire``);
        returns the trial, or None if it had none."""
        with self.lock:
            current, self.current = self.current, None
            self.idle_since = time.monotonic()
            self.retiring = self.retiring or retire
            return current

    def running(self, batch: Batch, key: str | None = None) -> bool:
        """Whether the slot runs a trial of ``batch`` (the one named ``key``, if given)."""
        with self.lock:
            current = self.current
        return current is not None and current[0] is batch and key in (None, current[1].key)


def lost_trial(spec: TrialSpec, reason: str) -> TrialOutcome:
    return TrialOutcome(
        key=spec.key,
        ok=False,
        error=f"the Spark task running trial {spec.key} ended before the trial did: {reason}",
        started_at=time.time(),
    )
