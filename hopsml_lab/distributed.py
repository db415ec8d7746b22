"""Distributed training with the names of Hopsworks' ``hops.experiment``: one training
spread over several Spark tasks that form one TensorFlow cluster."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .experiments.distributed import train_distributed as _distributed
from .experiments.run import ExperimentError


def mirrored(
    train_fn: Callable[[], Any],
    name: str = "no-name",
    local_logdir: bool = False,
    description: str | None = None,
    evaluator: bool = False,
    metric_key: str | None = None,
    workers: int | None = None,
) -> tuple[str, dict[str, Any]]:
    """Run ``train_fn`` on ``workers`` Spark tasks at once (default: one per executor,
    or per core in local mode) with ``TF_CONFIG`` set, for
    ``tf.distribute.MultiWorkerMirroredStrategy``. Returns ``(logdir, return_dict)`` of
    the chief (worker 0); with ``evaluator`` the last task is TensorFlow's evaluator.

    >>> def train():                                                    # doctest: +SKIP
    ...     strategy = tf.distribute.MultiWorkerMirroredStrategy()
    ...     with strategy.scope():
    ...         model = build_model()
    ...     model.fit(dataset, epochs=2)
    ...     return {"accuracy": ...}
    >>> logdir, result = experiment.mirrored(train, name="mnist")      # doctest: +SKIP
    """
    del local_logdir  # every worker writes to the store; kept for hops compatibility
    return _distributed("mirrored", train_fn, name, description, evaluator, metric_key, workers)


def collective_all_reduce(
    train_fn: Callable[[], Any],
    name: str = "no-name",
    local_logdir: bool = False,
    description: str | None = None,
    evaluator: bool = False,
    metric_key: str | None = None,
    workers: int | None = None,
) -> tuple[str, dict[str, Any]]:
    """hops' older name for the same multi-worker all-reduce training as :func:`mirrored`."""
    del local_logdir
    return _distributed(
        "collective_all_reduce", train_fn, name, description, evaluator, metric_key, workers
    )


def parameter_server(
    train_fn: Callable[[], Any],
    name: str = "no-name",
    local_logdir: bool = False,
    description: str | None = None,
    evaluator: bool = False,
    metric_key: str | None = None,
    workers: int | None = None,
    ps: int = 1,
) -> tuple[str, dict[str, Any]]:
    """Run ``train_fn`` as the chief of a ``tf.distribute.ParameterServerStrategy``
    cluster of ``workers`` Spark tasks (default: one per executor): task 0 is the chief
    (it runs the function), the last ``ps`` tasks are parameter servers and the rest
    workers, all from one barrier stage with ``TF_CONFIG`` set. Returns the chief's
    ``(logdir, return_dict)``."""
    del local_logdir
    if evaluator:
        raise ExperimentError(
            "parameter_server with evaluator=True is not supported: evaluate in the "
            "chief's function (side-car evaluation needs a separate job)"
        )
    if isinstance(ps, bool) or not isinstance(ps, int) or ps < 1:
        raise ExperimentError(f"ps={ps!r}: give how many parameter servers, 1 or more")
    return _distributed(
        "parameter_server", train_fn, name, description, False, metric_key, workers, ps
    )
