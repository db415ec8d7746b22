"""maggy's median early-stopping rule, applied as metrics stream in."""

from __future__ import annotations

import statistics
import threading


class MedianStoppingRule:
    """Stop a trial whose best value so far is worse than the median of what finished
    trials had reached after as many reports (once more than ``es_min`` finished)."""

    def __init__(self, direction: str, es_min: int = 10, es_interval: int = 1) -> None:
        self.maximise = direction.lower() == "max"
        self.es_min, self.es_interval = es_min, max(1, es_interval)
        self.running: dict[str, list[float]] = {}
        self.finished: list[list[float]] = []
        self._lock = threading.Lock()

    def observe(self, key: str, values: list[float]) -> bool:
        """Add a trial's new reports; True when it should stop."""
        with self._lock:
            history = self.running.setdefault(key, [])
            history.extend(values)
            n = len(history)
            if len(self.finished) <= self.es_min or n == 0 or n % self.es_interval:
                return False
            means = [sum(h[:n]) / n for h in self.finished if len(h) >= n]
            if not means:
                return False
            median = statistics.median(means)
            return max(history) < median if self.maximise else min(history) > median

    def finish(self, key: str) -> None:
        with self._lock:
            history = self.running.pop(key, None)
            if history:
                self.finished.append(history)
