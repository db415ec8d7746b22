"""Early stopping: ASHA against the full grid on the same space, a small Keras model.

The task: a two-layer network learns the labels of a teacher network (a random tanh
layer over 20 generated features; 36,000 training and 4,000 validation points) for 27
epochs. Building and tracing the model costs about 0.7 s (measured in one process); an
epoch here costs about 0.5 s (the grid's compute over its 729 epochs), so set-up is under
1.5 epochs' worth, where a 12,000-point version's 0.2 s epochs made it 3.5: in real
training a model's set-up is small beside its epochs. The space: 9
learning rates (0.0003 to 0.064) x 3 widths (8, 16, 32), 27 configurations. Training
is seeded per configuration, so a configuration trains the same in every search, epoch
for epoch.

- Grid: every configuration for all 27 epochs; it knows its best when all have run.
- ASHA (``early_stop="asha"``, grace 3 epochs, reduction factor 3): the same 27
  configurations reporting their validation loss after each epoch (``KerasEpochEnd``); at
  3 and at 9 epochs a trial goes on only in the top third of those judged there before
  it, and a trial told to stop trains no further. The verdicts depend on the order the
  trials run in (shuffled by a seed), so ASHA runs in several orders, each reported.
- For comparison, budget ASHA the way maggy does it (``experiment.Asha``: each promotion
  trains the configuration again from scratch for 3x the epochs, 1 up to 27).

Measured: compute-seconds (trials' running time, summed) until some trial reported the
grid's best validation loss (within TOLERANCE), from the catalog's metric points and
their times; for the grid, all of its compute (a grid knows its best when it ends; the
time its best trial ended, in hops' order, is printed too). Aim: 3x fewer. Both run on
the slots of ``local[2]``.
"""

from __future__ import annotations

import statistics
from typing import Any

from .stats import bench_lab

LEARNING_RATES = [0.0003, 0.0006, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064]
UNITS = [8, 16, 32]
EPOCHS = 27
GRACE, REDUCTION = 3, 3
ORDERS = (0, 1, 2, 3, 4)  # seeds of the order the configurations run in
TOLERANCE = 0.002  # validation loss within this of the grid's best counts as reaching it
TRAIN, VALIDATION = 36_000, 4_000


def train(lr: float, units: int, reporter: Any, budget: int = EPOCHS) -> dict[str, float]:
    """A student network on the teacher's labels; reports validation loss every epoch."""
    import numpy as np
    import tensorflow as tf

    from hopsml_lab.maggy.callbacks import KerasEpochEnd

    rng = np.random.default_rng(7)
    x = rng.normal(size=(TRAIN + VALIDATION, 20)).astype("float32")
    teacher = rng.normal(size=(20, 32)) / np.sqrt(20)
    y = (np.tanh(2 * x @ teacher) @ rng.normal(size=32) > 0).astype("float32")
    tf.keras.utils.set_random_seed(units * 7919 + LEARNING_RATES.index(lr))
    tf.config.experimental.enable_op_determinism()
    model = tf.keras.Sequential(
        [
            tf.keras.Input((20,)),
            tf.keras.layers.Dense(units, activation="relu"),
            tf.keras.layers.Dense(units, activation="relu"),
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=tf.keras.optimizers.Adam(lr), loss="binary_crossentropy")
    history = model.fit(
        x[:TRAIN],
        y[:TRAIN],
        validation_data=(x[TRAIN:], y[TRAIN:]),
        epochs=budget,
        batch_size=128,
        verbose=0,
        callbacks=[KerasEpochEnd(reporter, metric="val_loss")],
    )
    # The best epoch's loss, as a checkpoint of the best weights keeps it.
    return {"val_loss": float(min(history.history["val_loss"]))}


def budget_train(lr: float, units: int, budget: int, reporter: Any) -> dict[str, float]:
    return train(lr, units, reporter, budget)


def _compute_until(trials: list[Any], until: float) -> float:
    """Seconds of trial time spent before ``until``, summed over the trials."""
    return sum(
        max(0.0, min(t.finished_at, until) - t.started_at)
        for t in trials
        if t.started_at is not None and t.finished_at is not None
    )


def _to_reach(lab: Any, experiment_id: str, target: float) -> tuple[float | None, float, float]:
    """(compute until a trial reported ``target`` or better, or None; all of the
    experiment's compute; the best validation loss reported)."""
    from sqlalchemy import text

    trials = lab.queries.get_experiment(experiment_id).trials
    with lab.db.engine.connect() as connection:
        first, best = connection.execute(
            text(
                "SELECT MIN(CASE WHEN p.value <= :target THEN p.timestamp END), MIN(p.value) "
                "FROM metric_points p JOIN trials t ON t.id = p.trial_id "
                "WHERE t.experiment_id = :experiment AND p.name = 'val_loss'"
            ),
            {"target": target, "experiment": experiment_id},
        ).one()
    total = _compute_until(trials, float("inf"))
    return (None if first is None else _compute_until(trials, first)), total, best


def _line(label: str, grid_compute: float, reach: tuple[float | None, float, float]) -> str:
    compute, total, best = reach
    if compute is None:
        return f"  {label:<34} not reached: best {best:.4f} in {total:7.1f} s of compute"
    return (
        f"  {label:<34} {compute:7.1f} s to reach it ({grid_compute / compute:4.1f}x fewer;"
        f" all of it {total:.1f} s, best {best:.4f})"
    )


def run() -> list[str]:
    from hopsml_lab import experiment
    from hopsml_lab.experiments.search_space import parse_random

    grid = {"lr": LEARNING_RATES, "units": UNITS}
    with bench_lab() as lab:
        experiment.search(
            train, experiment.Grid({"lr": [0.1], "units": [8]}), metric_key="val_loss"
        )
        done = experiment.search(
            train, experiment.Grid(grid), direction="MIN", metric_key="val_loss", name="grid"
        )
        grid_trials = lab.queries.get_experiment(done.id).trials
        best_trial = min(
            (t for t in grid_trials if t.metric_value is not None), key=lambda t: t.metric_value
        )
        target = best_trial.metric_value + TOLERANCE
        grid_compute = _compute_until(grid_trials, float("inf"))
        in_order = _compute_until(grid_trials, best_trial.finished_at)
        lines = [
            f"early stopping: {len(grid_trials)} configurations x {EPOCHS} epochs, the grid "
            f"against ASHA (grace {GRACE}, reduction factor {REDUCTION}); aim: 3x fewer",
            f"  {'grid: compute to know its best':<34} {grid_compute:7.1f} s "
            f"(best val_loss {best_trial.metric_value:.4f}: {best_trial.params}; "
            f"reaching it: within {TOLERANCE}; its best trial ended after {in_order:.1f} s)",
        ]
        ratios = []
        for seed in ORDERS:
            done = experiment.search(
                train,
                experiment.Grid(grid, seed=seed),
                early_stop="asha",
                grace_period=GRACE,
                reduction_factor=REDUCTION,
                direction="MIN",
                metric_key="val_loss",
                name=f"asha-{seed}",
            )
            trials = lab.queries.get_experiment(done.id).trials
            reach = _to_reach(lab, done.id, target)
            stopped = sorted(
                len(t.metrics[0].steps) for t in trials if t.status == "stopped" and t.metrics
            )
            counts = {e: stopped.count(e) for e in sorted(set(stopped))}
            lines.append(
                _line(f"ASHA, order {seed}:", grid_compute, reach) + f"; stopped at epoch {counts}"
            )
            ratios.append(grid_compute / reach[0] if reach[0] else 0.0)
        space = parse_random(
            [
                f"lr=choice({','.join(map(str, LEARNING_RATES))})",
                f"units=choice({','.join(map(str, UNITS))})",
            ]
        )
        done = experiment.search(
            budget_train,
            experiment.Asha(
                space, trials=len(grid_trials), max_budget=EPOCHS, reduction_factor=REDUCTION
            ),
            direction="MIN",
            metric_key="val_loss",
            name="asha-budget",
        )
        reach = _to_reach(lab, done.id, target)
        lines.append(_line("budget ASHA (maggy's way):", grid_compute, reach))
    reached = [r for r in ratios if r]
    lines.append(
        f"  ASHA reached the grid's best in {len(reached)} of {len(ratios)} orders; "
        f"median ratio {statistics.median(ratios):.1f}x fewer compute-seconds"
    )
    return lines
