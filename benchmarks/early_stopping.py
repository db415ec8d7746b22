"""Early stopping: ASHA against the full grid on the same space, a small Keras model.

Both run on the slots of ``local[2]``. The grid trains every configuration for the full
budget and knows its best only when it ends; ASHA (successive halving, reduction factor
3, so budgets 1, 3, 9, 27 epochs) starts every configuration on 1 epoch and promotes the
best. Measured: compute-seconds
(the sum of the trials' running time) until a trial reaches the grid's best validation
loss. Training is seeded per configuration, so a configuration trained for the same
number of epochs scores the same in both searches. Aim: 3x fewer compute-seconds.
"""

from __future__ import annotations

from typing import Any

from .stats import bench_lab

LEARNING_RATES = [0.0003, 0.0006, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064]
UNITS = [8, 16, 32]
MAX_EPOCHS = 27
ASHA_TRIALS = 27
TOLERANCE = 0.005  # validation loss within this of the grid's best counts as reaching it


def train(lr: float, units: int, budget: int) -> dict[str, float]:
    """A two-layer network on a generated, slightly non-linear classification task."""
    import numpy as np
    import tensorflow as tf

    tf.keras.utils.set_random_seed(units * 7919 + LEARNING_RATES.index(lr))
    tf.config.experimental.enable_op_determinism()
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4000, 16)).astype("float32")
    w = rng.normal(size=16)
    y = ((x @ w + 1.5 * np.sin(3 * x[:, 0]) * x[:, 1]) > 0).astype("float32")
    model = tf.keras.Sequential(
        [
            tf.keras.Input((16,)),
            tf.keras.layers.Dense(units, activation="relu"),
            tf.keras.layers.Dense(units, activation="relu"),
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=tf.keras.optimizers.Adam(lr), loss="binary_crossentropy")
    history = model.fit(
        x[:3000],
        y[:3000],
        validation_data=(x[3000:], y[3000:]),
        epochs=budget,
        batch_size=64,
        verbose=0,
    )
    # The best epoch's loss, as a checkpoint of the best weights keeps it.
    return {"val_loss": float(min(history.history["val_loss"]))}


def _compute_until(trials: list[Any], until: float) -> float:
    """Seconds of trial time spent before ``until``, summed over the trials."""
    return sum(
        max(0.0, min(t.finished_at, until) - t.started_at)
        for t in trials
        if t.started_at is not None and t.finished_at is not None
    )


def run() -> list[str]:
    from hopsml_lab import experiment
    from hopsml_lab.search_space import parse_random

    def grid_train(lr: float, units: int) -> dict[str, float]:
        return train(lr, units, MAX_EPOCHS)

    with bench_lab() as lab:
        experiment.search(grid_train, grid={"lr": [0.1], "units": [8]}, metric_key="val_loss")
        grid = experiment.search(
            grid_train,
            grid={"lr": LEARNING_RATES, "units": UNITS},
            direction="MIN",
            metric_key="val_loss",
            name="grid",
        )
        grid_trials = lab.queries.get_experiment(grid.id).trials
        best_trial = min(
            (t for t in grid_trials if t.metric_value is not None), key=lambda t: t.metric_value
        )
        best = best_trial.metric_value
        grid_compute = _compute_until(grid_trials, float("inf"))

        space = parse_random(
            [
                f"lr=choice({','.join(map(str, LEARNING_RATES))})",
                f"units=choice({','.join(map(str, UNITS))})",
            ]
        )
        asha = experiment.search(
            train,
            space=space,
            asha_trials=ASHA_TRIALS,
            max_budget=MAX_EPOCHS,
            reduction_factor=3,
            direction="MIN",
            metric_key="val_loss",
            name="asha",
        )
        asha_trials = lab.queries.get_experiment(asha.id).trials
        reached = sorted(
            t.finished_at
            for t in asha_trials
            if t.metric_value is not None
            and t.finished_at is not None
            and t.metric_value <= best + TOLERANCE
        )
        asha_best = min(t.metric_value for t in asha_trials if t.metric_value is not None)
        top = max(t.params["budget"] for t in asha_trials)
        finalists = sorted(
            (t.metric_value, t.params["lr"], t.params["units"])
            for t in asha_trials
            if t.params["budget"] == top and t.metric_value is not None
        )
        asha_total = _compute_until(asha_trials, float("inf"))
    lines = [
        f"early stopping: {len(grid_trials)} configurations x {MAX_EPOCHS} epochs (grid) "
        f"against ASHA, {ASHA_TRIALS} trials, budgets 1..{MAX_EPOCHS} (aim: 3x fewer)",
        f"  {'grid: compute-seconds to know its best':<58} {grid_compute:9.1f} s "
        f"(best val_loss {best:.4f}: {best_trial.params})",
        f"  ASHA's configurations trained for {top} epochs: "
        + ", ".join(f"lr={lr} units={u} -> {m:.4f}" for m, lr, u in finalists),
    ]
    if reached:
        asha_compute = _compute_until(asha_trials, reached[0])
        lines += [
            f"  {'ASHA: compute-seconds to reach it (within ' + str(TOLERANCE) + ')':<58} "
            f"{asha_compute:9.1f} s (all of ASHA: {asha_total:.1f} s, best {asha_best:.4f})",
            f"  ratio: {grid_compute / asha_compute:.1f}x fewer compute-seconds",
        ]
    else:
        lines += [
            f"  ASHA did not reach it: best val_loss {asha_best:.4f} "
            f"({(asha_best - best) / best:+.1%}) in {asha_total:.1f} s of compute",
            f"  ratio on total compute: {grid_compute / asha_total:.1f}x fewer compute-seconds",
        ]
    return lines
