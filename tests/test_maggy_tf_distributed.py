"""maggy's ``lagom`` with a ``TfDistributedConfig``: one Keras model trained on two Spark
tasks of a barrier stage forming one MultiWorkerMirroredStrategy (real TensorFlow,
local[2]), train_fn getting maggy's ``model``, ``dataset``, ``hparams`` and ``reporter``."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.experiments.run import ExperimentError
from hopsml_lab.lab import Lab
from hopsml_lab.maggy import experiment
from hopsml_lab.maggy.config import TfDistributedConfig


def _linear_model() -> type:
    """A Keras 2 model class: the workers' ``tf.keras`` with TF_USE_LEGACY_KERAS=1 (Keras
    3's fit fails under MultiWorkerMirroredStrategy, as for experiment.mirrored); taken
    from tf_keras so that this process's own ``tf.keras`` stays as it was."""
    import tf_keras

    class Linear(tf_keras.Model):
        def __init__(self, units: int = 1) -> None:
            super().__init__()
            self.dense = tf_keras.layers.Dense(units)

        def call(self, inputs: Any) -> Any:
            return self.dense(inputs)

    return Linear


def _arrays(seed: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.random.default_rng(seed).normal(size=(rows, 4)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def _to_datasets(dataset: list) -> list:
    """process_data: the config's arrays as batched tf.data sets, on the worker."""
    import tensorflow as tf

    return [tf.data.Dataset.from_tensor_slices(part).batch(16) for part in dataset]


def _train(model: type, dataset: list, hparams: dict, reporter: Any) -> dict:
    """Checks what maggy hands it, trains, and returns its test loss plus its worker
    index (so the two workers' metrics differ by one)."""
    import json
    import os

    import tensorflow as tf

    assert model.__name__ == "TensorflowModelWrapper" and model.__mro__[1].__name__ == "Linear"
    train_set, test_set = dataset
    assert isinstance(train_set, tf.data.Dataset) and isinstance(test_set, tf.data.Dataset)
    assert hparams == {"lr": 0.05, "epochs": 4}
    net = model(units=1)
    assert isinstance(net.distribute_strategy, tf.distribute.MultiWorkerMirroredStrategy)
    net.compile(optimizer=tf.keras.optimizers.SGD(hparams["lr"]), loss="mse")
    before = net.evaluate(test_set, verbose=0)
    net.fit(train_set, epochs=hparams["epochs"], verbose=0)
    after = net.evaluate(test_set, verbose=0)
    reporter.log(f"test loss {before} -> {after}")
    assert after < before, (before, after)
    index = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    return {"loss": after + index, "before": before}


def test_two_workers_train_the_config_model_and_lagom_averages_their_metrics(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")  # as a notebook's %env, for every worker
    config = TfDistributedConfig(
        model=_linear_model(),
        dataset=[_arrays(0, 64), _arrays(1, 32)],
        process_data=_to_datasets,
        hparams={"lr": 0.05, "epochs": 4},
        name="tf_dist",
        description="two workers",
    )
    result = experiment.lagom(_train, config)

    page = lab.queries.list_experiments("demo", ExperimentQuery(name="tf_dist"))
    (summary,) = page.experiments
    detail = lab.queries.get_experiment(summary.id)
    assert detail.kind == "maggy_tf_distributed" and detail.status == "finished"
    assert detail.description == "two workers"
    trial = Path(detail.trials[0].logdir)
    chief = json.loads((trial / "trial.json").read_text())["results"]["Metric"]
    other = json.loads((trial / "worker_1" / "trial.json").read_text())["results"]["Metric"]
    assert other - chief == pytest.approx(1.0, abs=1e-4)  # same model, same test loss
    assert detail.trials[0].metric_value == pytest.approx(chief)
    assert result == {"test result": pytest.approx((chief + other) / 2)}
    assert "test loss" in (trial / "stdout.log").read_text()  # reporter.log


def test_defaults_are_maggys() -> None:
    config = TfDistributedConfig()
    assert (config.model, config.dataset, config.process_data) == (None, None, None)
    assert (config.mixed_precision, config.name, config.hb_interval) == (False, "tfDist", 1)
    assert (config.description, config.hparams) == ("", {})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model": object()}, "the class itself"),
        ({"dataset": (1, 2), "process_data": list}, "must be a list"),
        ({"dataset": ["a.csv", 3], "process_data": list}, "mixes paths and other data"),
        ({"dataset": ["Resources/missing.csv"], "process_data": list}, "does not exist"),
        ({"process_data": "load"}, "takes a function"),
        ({"hparams": [1]}, "takes a dict"),
        ({"dataset": [threading.Lock()], "process_data": list}, "cannot be sent"),
    ],
)
def test_bad_config_is_refused_before_anything_runs(lab: Lab, kwargs: dict, message: str) -> None:
    with pytest.raises(ExperimentError, match=message):
        experiment.lagom(_train, TfDistributedConfig(**kwargs))
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def _no_metric(model: Any, dataset: list, hparams: dict) -> None:
    assert model is None and dataset == ["raw", 2] and hparams == {}  # no process_data
    return None


def test_a_worker_without_a_metric_fails_the_run_naming_why(lab: Lab) -> None:
    config = TfDistributedConfig(dataset=["raw", 2], name="no_metric")
    with pytest.raises(ExperimentError, match="the metric must be a number, not None"):
        experiment.lagom(_no_metric, config)
    page = lab.queries.list_experiments("demo", ExperimentQuery(name="no_metric"))
    assert page.experiments[0].status == "failed"
