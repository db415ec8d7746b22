"""Distributed training: hops' experiment.mirrored as one Spark barrier stage whose tasks
form one TensorFlow MultiWorkerMirroredStrategy (real TensorFlow, local[2])."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from hopsml_lab import experiment
from hopsml_lab.catalog import ExperimentQuery
from hopsml_lab.engine.distributed import Cluster
from hopsml_lab.experiments.run import ExperimentError
from hopsml_lab.lab import Lab


def _train_together() -> dict:
    """Each worker trains on its own data; all-reduce keeps their weights equal."""
    import json
    import os

    import numpy as np
    import tensorflow as tf

    config = json.loads(os.environ["TF_CONFIG"])
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    with strategy.scope():
        model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])
        model.compile(optimizer=tf.keras.optimizers.SGD(0.05), loss="mse")
    rng = np.random.default_rng(config["task"]["index"])
    x = rng.normal(size=(64, 4)).astype("float32")
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    data = tf.data.Dataset.from_tensor_slices((x, x.sum(axis=1, keepdims=True)))
    history = model.fit(data.batch(16).with_options(options), epochs=3, verbose=0)
    return {
        "loss": float(history.history["loss"][-1]),
        "weights": json.dumps([w.tolist() for w in model.get_weights()]),
        "workers": len(config["cluster"]["worker"]),
        "pid": os.getpid(),
    }


def test_two_workers_train_one_model_and_agree(lab: Lab, monkeypatch) -> None:
    # Keras 2, as Hopsworks' multi-worker notebooks were written (the kernel's setting
    # travels to every worker).
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    logdir, chief = experiment.mirrored(_train_together, name="together", metric_key="loss")
    assert chief["workers"] == 2
    other = json.loads((Path(logdir) / "trial_0" / "worker_1" / "trial.json").read_text())
    assert other["results"]["pid"] != chief["pid"]
    assert json.loads(other["results"]["weights"]) == json.loads(chief["weights"])
    detail = lab.queries.get_experiment(Path(logdir).name)
    assert detail.kind == "mirrored" and detail.status == "finished"
    assert detail.trials[0].metric_value == pytest.approx(chief["loss"])


def _one_worker_dies() -> dict:
    import json
    import os
    import time

    if json.loads(os.environ["TF_CONFIG"])["task"]["index"] == 1:
        time.sleep(1)
        os._exit(3)
    time.sleep(600)  # as if waiting for the dead worker in an all-reduce
    return {}


def test_a_worker_that_dies_fails_the_run_with_a_clear_message(lab: Lab) -> None:
    started = time.monotonic()
    with pytest.raises(ExperimentError, match=r"worker 1 failed: .*died \(exit code 3\)"):
        experiment.mirrored(_one_worker_dies, name="dies")
    assert time.monotonic() - started < 120  # not the 600 s of the waiting worker
    page = lab.queries.list_experiments("demo", ExperimentQuery(name="dies"))
    assert page.experiments[0].status == "failed"


def test_too_few_workers_is_refused_before_anything_runs(lab: Lab) -> None:
    with pytest.raises(ExperimentError, match="at least 3 workers"):
        experiment.mirrored(_train_together, evaluator=True, workers=2)
    assert lab.queries.list_experiments("demo", ExperimentQuery()).total == 0


def test_tf_config_names_every_worker_and_the_evaluator() -> None:
    peers = ["h:1", "h:2", "h:3"]
    assert Cluster(3).tf_config(peers, 1) == {
        "cluster": {"worker": peers},
        "task": {"type": "worker", "index": 1},
    }
    assert Cluster(3, evaluator=True).tf_config(peers, 2) == {
        "cluster": {"worker": ["h:1", "h:2"]},
        "task": {"type": "evaluator", "index": 0},
    }


def test_tf_config_of_a_parameter_server_cluster() -> None:
    peers = ["h:1", "h:2", "h:3", "h:4"]
    layout = {"chief": ["h:1"], "worker": ["h:2", "h:3"], "ps": ["h:4"]}
    tasks = [Cluster(4, ps=1).tf_config(peers, rank)["task"] for rank in range(4)]
    assert Cluster(4, ps=1).tf_config(peers, 0)["cluster"] == layout
    assert tasks == [
        {"type": "chief", "index": 0},
        {"type": "worker", "index": 0},
        {"type": "worker", "index": 1},
        {"type": "ps", "index": 0},
    ]
    assert [Cluster(4, ps=1).runs_function(rank) for rank in range(4)] == [
        True,
        False,
        False,
        False,
    ]
