"""Metrics a running trial reports, streamed to the driver in small batches.

Points are buffered and sent when 1,000 are waiting, and by a background thread every
50 ms, so a trial reporting every step costs microseconds a point, and a point reported
before a long quiet stretch is still seen at once. The driver may answer with "stop":
the next report then raises :class:`EarlyStopException` inside the trial (maggy's
early stopping).
"""

from __future__ import annotations

import math
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

FLUSH_POINTS = 1000
FLUSH_SECONDS = 0.05
METRICS, STOP_TRIAL = "metrics", "stop_trial"


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
    ) -> None:
        self._connection = connection
        self._batch_id = batch_id
        self._trial_key = trial_key
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
        self.last_metric = float(metric)
        self.log_metric(self._metric_name, metric, step)

    def log_metric(self, name: str, value: float, step: int | None = None) -> None:
        value = float(value)
        if math.isfinite(value):
            with self._lock:
                if step is None:
                    step = self._steps.get(name, -1) + 1
                self._steps[name] = int(step)
                self._buffer.append((name, int(step), value, time.time()))
                full = len(self._buffer) >= FLUSH_POINTS
            if self._flusher is None and self._connection is not None:
                self._flusher = threading.Thread(target=self._flush_often, daemon=True)
                self._flusher.start()
            if full:
                self.flush()
        if self.stopped:
            raise EarlyStopException(self.last_metric)

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
                self._connection.send((METRICS, self._batch_id, self._trial_key, points))
            while self._connection.poll():
                message: Any = self._connection.recv()
                if message[0] == STOP_TRIAL and message[1] == self._trial_key:
                    self.stopped = True

    def close(self) -> None:
        """Stop the background sends and send the rest (the trial has ended)."""
        self._closed.set()
        if self._flusher is not None:
            self._flusher.join()
        self.flush()
