"""Metric points and trial starts from the slots, written to the catalog in batches by
one thread.

The slots hand points (and the news that a trial began) over as they arrive; this thread
writes whatever has queued up in one transaction, so a busy trial costs one write per
batch, and a quiet one is visible as soon as it reports.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Mapping

from ..catalog import ExperimentRecorder

Point = tuple[str, int, float, float]
_DONE = object()
_MAX_BATCH = 50_000


class MetricSink:
    def __init__(self, recorder: ExperimentRecorder, trial_ids: Mapping[str, int]) -> None:
        self._recorder = recorder
        self._trial_ids = trial_ids  # may grow while trials run (adaptive searches)
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self.written = 0
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="hopsml-metrics", daemon=True)
        self._thread.start()

    def put(self, trial_key: str, points: list[Point]) -> None:
        self._queue.put((self._trial_ids[trial_key], points))

    def started(self, trial_key: str) -> None:
        """Trial ``trial_key`` left the queue for a slot: record it as running."""
        self._queue.put((self._trial_ids[trial_key], time.time()))

    def close(self) -> None:
        """Write what is still queued and stop the thread."""
        self._queue.put(_DONE)
        self._thread.join()

    def _run(self) -> None:
        done = False
        while not done:
            batch: list[tuple[int, str, int, float, float]] = []
            starts: list[tuple[int, float]] = []
            item = self._queue.get()
            while True:
                if item is _DONE:
                    done = True
                    break
                trial_id, what = item  # type: ignore[misc]
                if isinstance(what, float):
                    starts.append((trial_id, what))
                else:
                    batch.extend((trial_id, *p) for p in what)
                if len(batch) >= _MAX_BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            try:
                self._recorder.mark_started(starts)
                self.written += self._recorder.add_points(batch)
            except Exception as error:  # keep the experiment going; report at the end
                self.error = error
