"""One experiment from start to end: catalog rows, folders, trials on Spark, results."""

from __future__ import annotations

import contextlib
import getpass
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..catalog import ExperimentStatus, TrialStatus, new_experiment_id
from ..engine.resources import TrialResources
from ..engine.runner import TrialsCancelled
from ..engine.trial import TrialOutcome, TrialSpec
from ..errors import BadInput
from ..lab import Lab
from .early_stopping import StoppingRule, Verdict
from .metric_sink import MetricSink
from .progress import Progress
from .result_files import cap_results
from .results import ExperimentResult, TrialResult, best_of, pick_metric
from .search_space import NAME_LIMIT, clip
from .snapshot import write_snapshot


class ExperimentError(BadInput):
    """An experiment was asked for in a way that cannot run; the message says why."""


class ExperimentRun:
    """One experiment in the catalog, run in one or more rounds of trials on the slots."""

    def __init__(
        self,
        lab: Lab,
        fn: Callable[..., Any],
        name: str,
        kind: str,
        description: str | None = None,
        metric_key: str | None = None,
        direction: str = "MAX",
        resources: TrialResources | None = None,
        progress: Progress | None = None,
        early_stop: StoppingRule | None = None,
    ) -> None:
        if not callable(fn):
            raise ExperimentError(f"the train function must be callable, not {type(fn).__name__}")
        self.resources = resources or TrialResources()
        if self.resources.gpus and lab.settings.spark_master.startswith("local"):
            raise ExperimentError(
                f"gpus={self.resources.gpus}: Spark in local mode cannot give tasks GPUs; "
                "run on a cluster with GPU scheduling (HOPSML_SPARK_MASTER=spark://..., "
                "yarn or k8s://..., and spark.executor.resource.gpu.amount in "
                "HOPSML_SPARK_CONF), or use gpus=0: local trials see this machine's GPUs"
            )
        self.lab, self.fn, self.name = lab, fn, _text("name", name, required=True)
        self.metric_key, self.direction = _text("metric_key", metric_key), direction
        self.id = new_experiment_id()
        self.logdir = f"Experiments/{self.id}"
        self.trials: list[TrialResult] = []
        self.killed = False
        self.progress = progress
        self.early_stop = early_stop
        self._started = time.time()
        # The catalog row first: a start that fails there leaves no folder behind.
        lab.recorder.create_experiment(
            lab.project_id,
            name=self.name,
            kind=kind,
            user=getpass.getuser(),
            logdir=lab.store.url(self.logdir),
            experiment_id=self.id,
            description=_text("description", description, limit=None),
            metric_key=self.metric_key,
            direction=direction,
            owner=str(lab.liveness.owner),
        )
        lab.liveness.hold(self.id)
        try:
            lab.store.makedirs(self.logdir)
            snapshot = write_snapshot(lab.store, self.logdir)
        except BaseException as error:
            self._abandon(f"its folder could not be written: {error}")
            raise
        lab.recorder.set_notebook(self.id, snapshot["notebook"])

    def _abandon(self, reason: str) -> None:
        """Undo a start: the folder goes, the row says why it failed."""
        with contextlib.suppress(Exception):
            self.lab.store.delete(self.logdir, recursive=True)
        self.lab.recorder.finish_experiment(self.id, ExperimentStatus.FAILED, reason)
        self.lab.liveness.release(self.id)

    def run_round(self, param_sets: Sequence[dict[str, Any]]) -> list[TrialResult]:
        """Run one trial per parameter set, all queued at once; record each as it ends."""
        return self.run_adaptive(param_sets)

    def run_adaptive(
        self,
        initial: Sequence[dict[str, Any]],
        propose: Callable[[TrialResult], Sequence[dict[str, Any]]] | None = None,
    ) -> list[TrialResult]:
        """Run ``initial`` trials; as each ends, ``propose`` may add more (asynchronous
        searches). The early-stopping rule, if any, judges every metric report."""
        lab, rule = self.lab, self.early_stop
        metric_name = self.metric_key or "metric"
        by_key: dict[str, TrialSpec] = {}
        trial_ids: dict[str, int] = {}
        recorded: dict[str, TrialResult] = {}

        def add(param_sets: Sequence[dict[str, Any]]) -> list[TrialSpec]:
            first = len(self.trials) + len(by_key)
            decide_at = rule.decision_steps if rule is not None else ()
            specs = [
                TrialSpec(
                    key=f"trial_{n}",
                    params=params,
                    logdir=f"{self.logdir}/trial_{n}",
                    decide_at=decide_at,
                )
                for n, params in enumerate(param_sets, start=first)
            ]
            trial_ids.update(
                lab.recorder.start_trials(
                    self.id, [(s.key, s.params, lab.store.url(s.logdir)) for s in specs]
                )
            )
            by_key.update((s.key, s) for s in specs)
            if hasattr(rule, "trials_added"):  # a maggy notebook's own rule sees params
                rule.trials_added(specs)
            if self.progress is not None:
                self.progress.trials_added(specs)
            return specs

        def record(outcome: TrialOutcome) -> list[TrialSpec]:  # as each trial ends
            spec = by_key[outcome.key]
            result = record_trial(lab, trial_ids[spec.key], spec, outcome, self.metric_key)
            recorded[spec.key] = result
            if rule is not None:
                if hasattr(rule, "trial_recorded"):  # and each finished trial's metric
                    rule.trial_recorded(result)
                rule.finish(spec.key)
            if self.progress is not None:
                self.progress.trial_finished(result)
            return add(propose(result)) if propose is not None and not self.killed else []

        def on_metrics(key: str, points: list[tuple[str, int, float, float]]) -> Verdict | None:
            sink.put(key, points)
            if self.progress is not None:
                self.progress.metrics(key, points)
            if rule is None:
                return None
            values = [value for name, _step, value, _t in points if name == metric_name]
            return rule.observe(key, values) if values else None

        specs = add(initial)
        sink = MetricSink(lab.recorder, trial_ids)
        try:
            lab.runner.run(
                self.fn,
                specs,
                lab.store,
                self.id,
                on_outcome=record,
                on_metrics=on_metrics,
                metric_name=self.metric_key or "metric",
                resources=self.resources,
                on_tick=self.progress.tick if self.progress is not None else None,
                on_start=sink.started,
            )
        except TrialsCancelled:
            self.killed = True
        finally:
            sink.close()
        results = [
            recorded.get(key) or record_trial(lab, trial_ids[key], spec, None, self.metric_key)
            for key, spec in by_key.items()
        ]
        self.trials.extend(results)
        return results

    @property
    def slot_count(self) -> int:
        """How many trials can run at once: what an adaptive search starts with."""
        cores = self.lab.spark.parallelism()
        slots = self.resources.slots
        return min(cores, slots) if slots else cores

    def complete(self, body: Callable[[], object]) -> ExperimentResult:
        """Run ``body`` (the rounds); the experiment is marked failed if it raises."""
        try:
            body()
        except BaseException:
            self.fail()
            raise
        return self.finish()

    def fail(self) -> None:
        self.lab.recorder.finish_experiment(self.id, ExperimentStatus.FAILED)
        self.lab.liveness.release(self.id)

    def finish(self) -> ExperimentResult:
        trials = self.trials
        status = ExperimentStatus.KILLED if self.killed else ExperimentStatus.FINISHED
        if status is ExperimentStatus.FINISHED and trials and all(t.error for t in trials):
            status = ExperimentStatus.FAILED
        self.lab.recorder.finish_experiment(self.id, status)
        self.lab.liveness.release(self.id)
        best = best_of(trials, self.direction)
        result = ExperimentResult(
            id=self.id,
            name=self.name,
            status=status.value,
            logdir=self.lab.store.url(self.logdir),
            metric_key=self.metric_key,
            duration_s=time.time() - self._started,
            trials=trials,
            best=best if best else (trials[0] if len(trials) == 1 else None),
        )
        if self.progress is not None:
            self.progress.finished(result)
        return result


def record_trial(
    lab: Lab, trial_id: int, spec: TrialSpec, outcome: TrialOutcome | None, metric_key: str | None
) -> TrialResult:
    if outcome is None:
        status, results, error, duration = TrialStatus.STOPPED, {}, "cancelled", 0.0
    elif outcome.ok:
        status = TrialStatus.STOPPED if outcome.stopped_early else TrialStatus.FINISHED
        results, error, duration = outcome.results, None, outcome.duration_s
    else:
        status, results, error = TrialStatus.FAILED, {}, outcome.error
        duration = outcome.duration_s
    metric = pick_metric(results, metric_key)
    if status is TrialStatus.FINISHED and metric is None:
        # No key: a lone number ranks the trial, and a lone NaN is a failure too.
        key = metric_key or (next(iter(results)) if len(results) == 1 else None)
        if key is not None and (metric_key is not None or results[key] in _NOT_FINITE):
            status, error = TrialStatus.FAILED, _missing_metric(results, key)
    started = (outcome.started_at or None) if outcome is not None else None
    # The catalog keeps what fits (every number); the whole results go to a file beside.
    stored = cap_results(lab.store, spec.logdir, results)
    lab.recorder.finish_trial(trial_id, status, stored, metric, error, duration, started)
    for model in outcome.models if outcome is not None else []:
        lab.models.register_model(lab.project_id, model)
    return TrialResult(
        key=spec.key,
        params=dict(spec.params),
        status=status.value,
        results=results,
        metric=metric,
        duration_s=duration,
        error=error,
        logdir=lab.store.url(spec.logdir),
    )


def _text(what: str, value: Any, required: bool = False, limit: int | None = NAME_LIMIT) -> Any:
    """A name-like argument checked before anything is recorded."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ExperimentError(
            f"{what}={clip(repr(value))}: give {'a non-empty' if required else 'a'} text"
        )
    if limit is not None and len(value) > limit:
        raise ExperimentError(
            f"{what} {value[:40]!r}... is {len(value)} characters long: at most {limit} fit"
        )
    if "\x00" in value:
        raise ExperimentError(f"{what}={clip(repr(value))}: a NUL character cannot be stored")
    return value


_NOT_FINITE = ("nan", "inf", "-inf")  # what a non-finite float returned is stored as


def _missing_metric(results: dict[str, Any], metric_key: str) -> str:
    """Why a finished trial has no metric to rank it by."""
    if metric_key not in results:
        returned = ", ".join(map(repr, sorted(results))) or "nothing"
        return (
            f"the train function returned {returned} but the metric key is {metric_key!r}: "
            "return it, or change metric_key"
        )
    value = results[metric_key]
    if value in _NOT_FINITE:
        return (
            f"the train function returned {metric_key}={value}: the metric must be a "
            "finite number to rank trials (a NaN usually means the training diverged: "
            "lower the learning rate, or check the data for NaNs)"
        )
    return (
        f"the train function returned {metric_key}={clip(repr(value))} "
        f"({type(value).__name__}): the metric must be a number"
    )
