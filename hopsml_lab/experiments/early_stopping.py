"""Early-stopping rules a search applies while its trials' metric reports stream in.

A rule sees each running trial's optimisation metric in the order reported and answers,
for a report, "stop", "go on", or nothing. Two rules:

- :class:`MedianStoppingRule`, maggy's: a trial whose best so far is worse than the median
  finished trials had after as many reports stops.
- :class:`AshaStoppingRule`: asynchronous successive halving as a stopping rule (Li et al.,
  "A System for Massively Parallel Hyperparameter Tuning", 2020; Ray Tune's ASHA
  scheduler works this way). Its rungs are reports ``grace``, ``grace*rf``,
  ``grace*rf**2``, ...: at a rung a trial goes on only when its best value so far is in
  the top ``1/rf`` of what the trials before it had at that rung. It names those rungs as
  its ``decision_steps``: a trial waits there for the verdict, so one told to stop trains
  no further.
"""

from __future__ import annotations

import statistics
import threading
from collections.abc import Sequence
from typing import Protocol

from ..engine.reporter import Verdict

__all__ = ["AshaStoppingRule", "MedianStoppingRule", "StoppingRule", "Verdict", "make_rule"]

RULES = ("asha", "median")
MEDIAN_MIN_FINISHED = 3  # maggy waits for 10; notebook searches are often smaller


class StoppingRule(Protocol):
    decision_steps: tuple[int, ...]

    def observe(self, key: str, values: Sequence[float]) -> Verdict | None: ...

    def finish(self, key: str) -> None: ...


def _better(maximise: bool, a: float, b: float) -> float:
    return max(a, b) if maximise else min(a, b)


class MedianStoppingRule:
    """Stop a trial whose best value so far is worse than the median of what finished
    trials had reached after as many reports (once more than ``es_min`` finished, and
    not before its ``grace_period``-th report). A trial never waits for it."""

    decision_steps: tuple[int, ...] = ()

    def __init__(
        self, direction: str, es_min: int = 10, es_interval: int = 1, grace_period: int = 1
    ) -> None:
        self.maximise = direction.lower() == "max"
        self.es_min, self.es_interval = es_min, max(1, es_interval)
        self.grace_period = grace_period
        self.running: dict[str, list[float]] = {}
        self.finished: list[list[float]] = []
        self._lock = threading.Lock()

    def observe(self, key: str, values: Sequence[float]) -> Verdict | None:
        """Add a trial's new reports; a stop verdict when it should stop."""
        with self._lock:
            history = self.running.setdefault(key, [])
            history.extend(values)
            n = len(history)
            if len(self.finished) <= self.es_min or n < self.grace_period or n % self.es_interval:
                return None
            means = [sum(h[:n]) / n for h in self.finished if len(h) >= n]
            if not means:
                return None
            median = statistics.median(means)
            worse = max(history) < median if self.maximise else min(history) > median
            return Verdict(n, True) if worse else None

    def finish(self, key: str) -> None:
        with self._lock:
            history = self.running.pop(key, None)
            if history:
                self.finished.append(history)


def _top_cutoff(values: list[float], keep: float) -> float:
    """The value above which the best ``keep`` fraction of ``values`` lie (linear
    interpolation between ranks, as numpy's percentile)."""
    ordered = sorted(values)
    position = (1.0 - keep) * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class AshaStoppingRule:
    """Asynchronous successive halving: at each rung a trial goes on only in the top
    ``1/reduction_factor`` of the values trials had there before it (the first to reach
    a rung always goes on); the rung's value is the trial's best so far."""

    def __init__(
        self,
        direction: str,
        grace_period: int = 3,
        reduction_factor: int = 3,
        max_steps: int = 1_000_000,
    ) -> None:
        if grace_period < 1:
            raise ValueError(f"grace_period={grace_period}: give the reports a trial gets, 1+")
        if reduction_factor < 2:
            raise ValueError(f"reduction_factor={reduction_factor}: keep 1 in 2 or more")
        self.maximise = direction.lower() == "max"
        self.reduction_factor = reduction_factor
        rungs, step = [], grace_period
        while step < max_steps:
            rungs.append(step)
            step *= reduction_factor
        self.decision_steps = tuple(rungs)
        self.rungs: dict[int, list[float]] = {step: [] for step in rungs}
        self._seen: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def observe(self, key: str, values: Sequence[float]) -> Verdict | None:
        with self._lock:
            count, best = self._seen.get(key, (0, float("nan")))
            verdict = None
            for value in values:
                count += 1
                best = value if count == 1 else _better(self.maximise, best, value)
                recorded = self.rungs.get(count)
                if recorded is None:
                    continue
                stop = bool(recorded) and self._below_cut(best, recorded)
                recorded.append(best)
                verdict = Verdict(count, stop)
                if stop:
                    break
            self._seen[key] = (count, best)
            return verdict

    def _below_cut(self, value: float, recorded: list[float]) -> bool:
        keep = 1.0 / self.reduction_factor
        if self.maximise:
            return value < _top_cutoff(recorded, keep)
        return -value < _top_cutoff([-v for v in recorded], keep)

    def finish(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)


def make_rule(
    name: str,
    direction: str,
    grace_period: int = 3,
    reduction_factor: int = 3,
) -> StoppingRule:
    """The rule ``name`` ("asha" or "median") for a search in ``direction``."""
    kind = name.lower()
    if kind == "asha":
        return AshaStoppingRule(direction, grace_period, reduction_factor)
    if kind == "median":
        # Judged against the trials that finished: a few must have, before it applies.
        return MedianStoppingRule(direction, es_min=MEDIAN_MIN_FINISHED, grace_period=grace_period)
    raise ValueError(f"early_stop={name!r}: choose one of {', '.join(RULES)}")
