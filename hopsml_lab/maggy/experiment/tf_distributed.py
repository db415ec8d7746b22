"""``experiment.lagom`` with a ``TfDistributedConfig`` (maggy's
``TfDistributedTrainingDriver``): one training on every Spark task of a barrier stage, the
tasks forming one ``tf.distribute.MultiWorkerMirroredStrategy`` cluster.

The configuration is checked on the driver before anything is recorded. Each worker then,
with ``TF_CONFIG`` set, wraps the config's model class so that constructing it builds the
model inside the strategy's scope, passes the dataset list through ``process_data``, and
calls ``train_fn`` with what it names of ``model``, ``dataset``, ``hparams`` and
``reporter``. Its return value gives the worker's metric (a number, a list's first item,
a dict's first value). The run is recorded as one experiment whose trial is the chief's;
``lagom`` returns maggy's ``{"test result": <mean of the workers' metrics>}``.
"""

from __future__ import annotations

import inspect
import json
import os
import statistics
from collections.abc import Callable
from typing import Any

from ...engine.distributed import Cluster
from ...experiments.distributed import train_distributed
from ...experiments.run import ExperimentError
from ...hdfs import exists as project_path_exists
from ...lab import get_lab
from ..config.tf_distributed import TfDistributedConfig
from .experiment import _metric_of

METRIC = "Metric"
KIND = "maggy_tf_distributed"


def lagom_tf_distributed(
    train_fn: Callable[..., Any], config: TfDistributedConfig
) -> dict[str, float]:
    """Train on every worker at once; maggy's ``{"test result": mean metric}``."""
    _check(train_fn, config)
    worker = _worker(train_fn, config)
    _check_picklable(worker)
    description = config.description or None
    logdir, _ = train_distributed(KIND, worker, config.name, description, False, METRIC, None)
    return {"test result": statistics.fmean(_worker_metrics(logdir))}


def _check(train_fn: Callable[..., Any], config: TfDistributedConfig) -> None:
    if not callable(train_fn):
        raise ExperimentError(f"lagom takes a training function, not {train_fn!r}")
    model = config.model
    if model is not None and not isinstance(model, type):
        raise ExperimentError(
            f"TfDistributedConfig(model=...) takes a tf.keras.Model subclass, the class "
            f"itself, not {type(model).__name__} {model!r:.80}: each worker builds it "
            f"inside its strategy's scope"
        )
    if config.process_data is not None and not callable(config.process_data):
        raise ExperimentError(
            "TfDistributedConfig(process_data=...) takes a function of the dataset list, "
            f"not {config.process_data!r:.80}"
        )
    if not isinstance(config.hparams, dict):
        raise ExperimentError(
            f"TfDistributedConfig(hparams=...) takes a dict, not {config.hparams!r:.80}"
        )
    if config.dataset is not None and config.process_data is not None:
        _check_dataset(config.dataset)


def _check_dataset(dataset: Any) -> None:
    """maggy's rules: a list; paths only with paths, and each one there."""
    if not isinstance(dataset, list):
        raise ExperimentError(
            f"TfDistributedConfig(dataset=...) must be a list, got {type(dataset).__name__}: "
            "with one set, give it in a list"
        )
    paths = [item for item in dataset if isinstance(item, str)]
    if paths and len(paths) != len(dataset):
        raise ExperimentError(
            "TfDistributedConfig(dataset=...) mixes paths and other data: give all paths "
            "(process_data reads them) or no path"
        )
    for path in paths:
        if not (project_path_exists(path) or os.path.exists(path)):
            raise ExperimentError(f"TfDistributedConfig(dataset=...): path {path!r} does not exist")


def _worker(train_fn: Callable[..., Any], config: TfDistributedConfig) -> Callable[..., Any]:
    accepted = set(inspect.signature(train_fn).parameters)
    model_class, dataset, process = config.model, config.dataset, config.process_data
    hparams = config.hparams

    def worker(reporter: Any) -> dict[str, float]:
        model = _built_in_scope(model_class) if model_class is not None else None
        data = process(dataset) if dataset is not None and process is not None else dataset
        offered = {"model": model, "dataset": data, "hparams": hparams, "reporter": reporter}
        returned = train_fn(**{k: v for k, v in offered.items() if k in accepted})
        if isinstance(returned, dict) and returned:
            returned = next(iter(returned.values()))  # maggy takes a dict's first value
        return {METRIC: _metric_of(returned, METRIC)}

    worker.__name__ = getattr(train_fn, "__name__", "train")
    return worker


def _built_in_scope(model_class: type) -> type:
    """maggy's wrapper: the model class, built inside the worker's strategy scope."""
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()

    class TensorflowModelWrapper(model_class):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            with strategy.scope():
                super().__init__(*args, **kwargs)

    return TensorflowModelWrapper


def _check_picklable(worker: Callable[..., Any]) -> None:
    from pyspark import cloudpickle

    try:
        cloudpickle.dumps(worker)
    except Exception as error:
        raise ExperimentError(
            "the training function, model or dataset cannot be sent to the workers "
            f"({type(error).__name__}: {str(error)[:200]}): pass the model class, not an "
            "instance, and paths or small data with a process_data that loads them"
        ) from error


def _worker_metrics(logdir: str) -> list[float]:
    """Every worker's metric, from the ``trial.json`` each one wrote."""
    store = get_lab().store
    root = store.url("").rstrip("/")
    trial = f"{logdir.removeprefix(root).strip('/')}/trial_0"
    metrics, rank = [], 0
    while store.exists(path := f"{Cluster.spec(rank, trial).logdir}/trial.json"):
        metrics.append(float(json.loads(store.read_text(path))["results"][METRIC]))
        rank += 1
    return metrics
