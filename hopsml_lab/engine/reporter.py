"""Metrics a running trial reports, streamed to the driver in small batches.

Points are buffered and sent when 1,000 are waiting, and by a background thread every
50 ms, so a trial reporting every step costs microseconds a point, and a point reported
before a long quiet stretch is still seen at once. The driver may answer with "stop":
the next report then raises :class:`EarlyStopException` inside the trial (maggy's
early stopping). At the reports the search names as decision steps (ASHA's rungs) the
trial flushes and waits for the driver's verdict, "stop" or "go on", so a trial told to
stop trains no further.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from .messages import GoOn, Metrics, StopTrial

FLUSH_POINTS = 1000
FLUSH_SECONDS = 0.05
VERDICT_SECONDS = 30.0  # a driver that does not answer at a decision step: go on


@dataclass(frozen=True)
class Verdict:
    """A search's answer to a trial's ``step``-th report: stop it, or let it go on."""

    step: int
    stop: bool


class EarlyStopException(Exception):
    """Raised in a trial the driver stopped early; the trial ends as 'stopped'."""

    def __init__(self, metric: float | None = None) -> None:
        super().__init__("the trial was stopped early by the search")
        self.metric = metric


class Reporter:
    """What a trial reports through (maggy's ``reporter``)."""

    def __init__(
        self,
        connection: Connection | None,
        batch_id: int,
        trial_key: str,
        metric_name: str = "metric",
        decide_at: tuple[int, ...] = (),
    ) -> None:
        self._connection = connection
        self._decide_at = frozenset(decide_at) if connection is not None else frozenset()
        self._reports = 0
        self._verdict = threading.Event()
        self._batch_id = batch_id
        self._trial_key = trial_key
        self._trial = (batch_id, trial_key)  # what a verdict must name to be this trial's
        self._metric_name = metric_name
        self._buffer: list[tuple[str, int, float, float]] = []
        self._steps: dict[str, int] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._flusher: threading.Thread | None = None
        self.stopped = False
        self.last_metric: float | None = None

    @property
    def metric_name(self) -> str:
        return self._metric_name

    def broadcast(self, metric: float, step: int | None = None) -> None:
        """Report the optimisation metric (maggy's name); may end the trial early."""
        self.log_metric(self._metric_name, metric, step)

    def log_metric(self, name: str, value: float, step: int | None = None) -> None:
        """Report a metric point; one of the optimisation metric may end the trial early,
        and at a decision step waits for the search's verdict."""
        value = float(value)
        decide = False
        if name == self._metric_name:
            self.last_metric = value
        if math.isfinite(value):
            with self._lock:
                if step is None:
                    step = self._steps.get(name, -1) + 1
                self._steps[name] = int(step)
                self._buffer.append((name, int(step), value, time.time()))
                full = len(self._buffer) >= FLUSH_POINTS
                if name == self._metric_name:  # counted as the driver counts them
                    self._reports += 1
                    decide = self._reports in self._decide_at
                    if decide:
                        self._verdict.clear()
            if self._flusher is None and self._connection is not None:
                self._flusher = threading.Thread(target=self._flush_often, daemon=True)
                self._flusher.start()
            if full or decide:
                self.flush()
            if decide:
                self._await_verdict()
        if self.stopped:
            raise EarlyStopException(self.last_metric)

    def _await_verdict(self) -> None:
        """At a decision step: wait for the driver's "stop" or "go on" to this report."""
        deadline = time.monotonic() + VERDICT_SECONDS
        while not self._verdict.is_set() and time.monotonic() < deadline:
            with self._lock:
                if self._connection is not None and self._connection.poll(0.005):
                    self._take(self._connection.recv())

    def _take(self, message: Any) -> None:
        """A message from the driver for this trial (the caller holds the lock)."""
        match message:
            case StopTrial(batch_id=batch, key=key) if (batch, key) == self._trial:
                self.stopped = True
                self._verdict.set()
            case GoOn(batch_id=batch, key=key, step=step) if (
                batch,
                key,
            ) == self._trial and step == self._reports:
                self._verdict.set()

    def log(self, message: str, verbose: bool = False) -> None:
        print(message)

    def _flush_often(self) -> None:
        while not self._closed.wait(FLUSH_SECONDS):
            self.flush()

    def flush(self) -> None:
        """Send what is buffered, and take in a "stop" the driver may have sent."""
        with self._lock:
            points, self._buffer = self._buffer, []
            if self._connection is None:
                return
            if points:
                self._connection.send(Metrics(self._batch_id, self._trial_key, points))
            while self._connection.poll():
                self._take(self._connection.recv())

    def close(self) -> None:
        """Stop the background sends and send the rest (the trial has ended)."""
        self._closed.set()
        if self._flusher is not None:
            self._flusher.join()
        self.flush()
