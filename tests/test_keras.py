"""TensorFlow in trials: Hopsworks notebooks written for Keras 2 run unchanged when the
kernel sets TF_USE_LEGACY_KERAS=1; Keras 3 otherwise. Real TensorFlow, real Spark workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from hopsml_lab import experiment
from hopsml_lab.lab import Lab


def _which_keras(n: int) -> dict:
    import time

    import tensorflow as tf

    time.sleep(0.3)  # long enough that both slots take a trial
    return {"metric": float(n), "keras": type(tf.keras.layers.Dense(1)).__module__}


def _kerases(result) -> set[str]:
    assert all(t.status == "finished" for t in result.trials), [t.error for t in result.trials]
    return {t.results["keras"].split(".")[0] for t in result.trials}


def test_the_kernels_keras_choice_reaches_every_trial(lab: Lab, monkeypatch) -> None:
    # Set after Spark started, as `%env TF_USE_LEGACY_KERAS=1` in a notebook would be.
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    legacy = experiment.run(_which_keras, {"n": [1, 2]}, name="keras2")
    assert _kerases(legacy) == {"tf_keras"}

    # The same warm workers imported TensorFlow with Keras 2: they are replaced.
    monkeypatch.delenv("TF_USE_LEGACY_KERAS")
    default = experiment.run(_which_keras, {"n": [1, 2]}, name="keras3")
    assert _kerases(default) == {"keras"}


def test_a_hopsworks_keras2_notebook_runs_unchanged(
    lab: Lab, project_root: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")

    def train(learning_rate, units):  # as written for hops + Keras 2
        import numpy as np
        import tensorflow as tf

        from hopsml_lab import model, tensorboard

        rng = np.random.default_rng(0)
        x = rng.normal(size=(256, 4)).astype("float32")
        y = (x.sum(axis=1) > 0).astype("float32")
        net = tf.keras.Sequential(
            [
                tf.keras.layers.Dense(units, activation="relu", input_shape=(4,)),
                tf.keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        net.compile(
            optimizer=tf.keras.optimizers.Adam(learning_rate),
            loss="binary_crossentropy",
            metrics=["accuracy"],
        )
        history = net.fit(
            x,
            y,
            epochs=3,
            batch_size=32,
            verbose=0,
            callbacks=[tf.keras.callbacks.TensorBoard(log_dir=tensorboard.logdir())],
        )
        accuracy = float(history.history["accuracy"][-1])
        net.save("churn_model")  # Keras 2: a SavedModel folder
        model.export("churn_model", "churn", metrics={"accuracy": accuracy})
        return {"accuracy": accuracy}

    logdir, best_param, best = experiment.grid_search(
        train,
        {"learning_rate": [0.01, 0.05], "units": [4]},
        direction=experiment.Direction.MAX,
        optimization_key="accuracy",
    )
    assert set(best_param) == {"learning_rate", "units"} and 0.0 <= best["accuracy"] <= 1.0
    trial_dir = Path(logdir)
    assert list(trial_dir.rglob("events.out.tfevents.*")), "TensorBoard events on the store"
    versions = sorted(p.name for p in (project_root / "Models" / "churn").iterdir())
    assert versions == ["1", "2"]
    assert (project_root / "Models" / "churn" / "1" / "saved_model.pb").is_file()


@pytest.fixture(autouse=True)
def _no_tf_leftovers(monkeypatch) -> None:
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
