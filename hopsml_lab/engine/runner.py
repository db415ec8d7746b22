"""Running an experiment's trials on the slots of the Spark engine."""

from __future__ import annotations

import queue
from collections.abc import Callable, Sequence
from typing import Any

from ..store import Store
from .batches import MetricsCallback
from .resources import TrialResources
from .slots import DispatchError
from .spark import SparkEngine
from .trial import TrialOutcome, TrialSpec

__all__ = ["DispatchError", "SparkTrialRunner", "TrialsCancelled"]


class TrialsCancelled(Exception):
    """The kernel was interrupted; the trials still running were killed."""

    def __init__(self, message: str, outcomes: list[TrialOutcome]) -> None:
        super().__init__(message)
        self.outcomes = outcomes


class SparkTrialRunner:
    """Hands trials to the engine's slots and gathers their outcomes as they finish."""

    def __init__(self, engine: SparkEngine) -> None:
        self.engine = engine

    def run(
        self,
        fn: Callable[..., Any],
        specs: Sequence[TrialSpec],
        store: Store,
        experiment_id: str,
        on_outcome: Callable[[TrialOutcome], Sequence[TrialSpec] | None] | None = None,
        on_metrics: MetricsCallback | None = None,
        metric_name: str = "metric",
        resources: TrialResources | None = None,
        on_tick: Callable[[], None] | None = None,
        on_start: Callable[[str], None] | None = None,
    ) -> list[TrialOutcome]:
        """Run the trials; ``on_outcome`` may return more trials to queue (adaptive
        searches), ``on_metrics`` sees each report and may answer it with a verdict
        (early stopping), and ``on_tick`` runs on this (the kernel's main) thread several
        times a second; ``on_start`` hears each trial's key as a slot takes it (on a
        slot's thread)."""
        pool = self.engine.slots
        batch = pool.submit(
            fn,
            specs,
            store,
            experiment_id,
            resources,
            metric_name=metric_name,
            on_metrics=on_metrics,
            on_start=on_start,
        )
        outcomes: list[TrialOutcome] = []
        try:
            while len(outcomes) < batch.size:
                if on_tick is not None:
                    on_tick()
                try:
                    # A bounded wait keeps the kernel's interrupt (SIGINT) responsive.
                    outcome = batch.outcomes.get(timeout=0.25)
                except queue.Empty:
                    continue
                outcomes.append(outcome)
                more = on_outcome(outcome) if on_outcome is not None else None
                if more:
                    pool.extend(batch, more)
        except KeyboardInterrupt as interrupt:
            pool.cancel(batch)
            raise TrialsCancelled(
                f"experiment {experiment_id} was interrupted", outcomes
            ) from interrupt
        return outcomes
