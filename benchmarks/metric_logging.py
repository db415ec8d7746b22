"""Metric logging: 100,000 points reported from one running trial until in the catalog.

Ours: a trial on a slot calls ``tracking.log_metric`` 100,000 times; the clock runs from
the trial's first point until the experiment returns, when every point is committed.
Peer: MLflow on SQLite, ``log_batch`` (1,000 a call, its limit) and ``log_metric``.
"""

from __future__ import annotations

import time

from .peers import run_peer
from .stats import bench_lab

POINTS = 100_000


def _train(points: int):
    def train() -> dict[str, float]:
        import time

        from hopsml_lab import tracking

        start = time.time()
        for step in range(points):
            tracking.log_metric("loss", 1.0 / (step + 1), step)
        return {"start": start}

    return train


def run(points: int = POINTS) -> list[str]:
    from hopsml_lab import experiment

    rates = []
    with bench_lab() as lab:
        experiment.run(_train(1000), name="warm-up")
        for _ in range(3):
            result = experiment.run(_train(points), name="metrics")
            elapsed = time.time() - result.trials[0].results["start"]
            stored = lab.queries.get_experiment(result.id).trials[0].metrics[0]
            assert len(stored.steps) == points
            rates.append(points / elapsed)
    ours = max(rates)
    batch_ms = run_peer("mlflow", "log_batch", points=points)
    single_ms = run_peer("mlflow", "log_metric", points=2000)
    batch_rate, single_rate = points / (batch_ms[0] / 1000), 2000 / (single_ms[0] / 1000)
    return [
        f"metric logging, {points:,} points from one trial until committed (aim: >= 100,000/s)",
        f"  {'ours: tracking.log_metric in a trial on a slot (SQLite)':<58} "
        f"{ours:12,.0f} points/s (best of 3: {', '.join(f'{r:,.0f}' for r in rates)})",
        f"  {'MLflow log_batch, 1,000 a call (SQLite)':<58} {batch_rate:12,.0f} points/s",
        f"  {'MLflow log_metric (SQLite), 2,000 points':<58} {single_rate:12,.0f} points/s",
        f"  ratio: {ours / batch_rate:,.1f}x log_batch, {ours / single_rate:,.0f}x log_metric",
    ]
