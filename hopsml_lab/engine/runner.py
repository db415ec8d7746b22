"""Dispatching trials to Spark executors from the driver."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..store import Store
from .spark import SparkEngine
from .trial import TrialOutcome, TrialSpec, run_trial


class TrialsCancelled(Exception):
    """The kernel was interrupted; the Spark job of the trials was cancelled."""


class SparkTrialRunner:
    """Runs each trial as one task of a single Spark job, all in parallel."""

    def __init__(self, engine: SparkEngine) -> None:
        self.engine = engine

    def run(
        self,
        fn: Callable[..., Any],
        specs: Sequence[TrialSpec],
        store: Store,
        experiment_id: str,
    ) -> list[TrialOutcome]:
        context = self.engine.session().sparkContext
        group = f"hopsml-{experiment_id}"
        context.setJobGroup(group, f"HopsML experiment {experiment_id}", True)

        def run_partition(items: Any) -> Any:
            for spec in items:
                yield run_trial(fn, spec, store, experiment_id)

        try:
            rdd = context.parallelize(list(specs), max(1, len(specs)))
            return rdd.mapPartitions(run_partition).collect()
        except KeyboardInterrupt as interrupt:
            context.cancelJobGroup(group)
            raise TrialsCancelled(f"experiment {experiment_id} was interrupted") from interrupt
        finally:
            context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]
