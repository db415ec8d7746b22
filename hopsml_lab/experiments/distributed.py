"""One training spread over several Spark tasks that form one TensorFlow cluster,
recorded as an experiment with one trial (the chief's)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..engine.distributed import Cluster, DistributedFailure, run_distributed
from ..engine.trial import TrialOutcome
from ..lab import Lab, get_lab
from .run import ExperimentError, ExperimentRun, record_trial


def train_distributed(
    kind: str,
    train_fn: Callable[[], Any],
    name: str,
    description: str | None,
    evaluator: bool,
    metric_key: str | None,
    workers: int | None,
    ps: int = 0,
) -> tuple[str, dict[str, Any]]:
    lab = get_lab()
    if lab.spark.is_connect:
        raise ExperimentError(
            "distributed training runs a barrier stage from the kernel's own SparkContext, "
            "which Spark Connect (sc://) does not give the client: use a spark://, yarn or "
            "k8s:// master for it"
        )
    count = workers if workers is not None else _default_workers(lab)
    least = ps + 2 if ps else 3 if evaluator else 2
    if isinstance(count, bool) or not isinstance(count, int) or count < least:
        raise ExperimentError(
            f"workers={count!r}: distributed training needs at least {least} workers"
            + (" (two training, one evaluating)" if evaluator else "")
            + (f" (a chief, a worker and {ps} parameter server(s))" if ps else "")
            + "; give workers=, or start Spark with more executors"
        )
    run = ExperimentRun(lab, train_fn, name, kind, description, metric_key)
    cluster = Cluster(count, evaluator, ps)
    spec = Cluster.spec(0, f"{run.logdir}/trial_0")
    trial_id = lab.recorder.start_trials(run.id, [(spec.key, {}, lab.store.url(spec.logdir))])
    lab.recorder.mark_started([(trial_id[spec.key], time.time())])  # no queue: it runs now
    failure: list[str] = []

    def train() -> None:
        context = lab.spark.session().sparkContext
        try:
            chief = run_distributed(context, train_fn, cluster, lab.store, run.id, spec.logdir)[0]
        except DistributedFailure as error:
            failure.append(str(error))
            chief = TrialOutcome(key=spec.key, ok=False, error=str(error))
        run.trials.append(record_trial(lab, trial_id[spec.key], spec, chief, metric_key))

    result = run.complete(train)
    if failure:
        raise ExperimentError(f"distributed training {result.id} failed: {failure[0]}")
    return result.logdir, dict(result.trials[0].results)


def _default_workers(lab: Lab) -> int:
    context = lab.spark.session().sparkContext
    if lab.settings.spark_master.startswith("local"):
        return int(context.defaultParallelism)
    executors = context._jsc.sc().getExecutorIds().size()  # the driver is not one
    return max(int(executors), 2)
