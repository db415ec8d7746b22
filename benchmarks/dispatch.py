"""Dispatch: many trials of a function that returns at once, 2 slots on ``local[2]``.

Ours: ``grid_search`` of N instant trials, every trial recorded in the catalog.
Peers, each in its own venv, with fewer trials since they are slower per trial:
Hyperopt ``SparkTrials(parallelism=2)`` on the same machine, and Ray Tune with 2
concurrent trials (``max_concurrent_trials=2``, actors reused: its fastest setting).
"""

from __future__ import annotations

import time

from .peers import run_peer
from .stats import bench_lab

TRIALS = 500
PEER_TRIALS = 40
RAY_TRIALS = 100


def run(
    trials: int = TRIALS, peer_trials: int = PEER_TRIALS, ray_trials: int = RAY_TRIALS
) -> list[str]:
    from hopsml_lab import experiment
    from hopsml_lab.catalog import ExperimentQuery

    per_trial = []
    with bench_lab() as lab:
        experiment.grid_search(lambda x: x, {"x": list(range(10))})  # warm the slots
        for _ in range(3):
            started = time.perf_counter()
            experiment.grid_search(lambda x: x, {"x": list(range(trials))})
            per_trial.append((time.perf_counter() - started) * 1000 / trials)
        newest = lab.queries.list_experiments("demo", ExperimentQuery(limit=1))
        assert newest.experiments[0].trial_count == trials  # every trial is recorded
    ours = min(per_trial)
    peer_ms = run_peer("hyperopt", "spark_trials", trials=peer_trials)[0] / peer_trials
    ray_ms = run_peer("ray", "tune_trials", trials=ray_trials)[0] / ray_trials
    return [
        "dispatch of instant trials on local[2], 2 at a time (aim: <= 2 ms/trial recorded)",
        f"  {'ours: grid_search, ' + str(trials) + ' trials, each recorded':<58} "
        f"{ours:9.2f} ms/trial (best of 3: {', '.join(f'{t:.2f}' for t in per_trial)})",
        f"  {'Hyperopt SparkTrials(parallelism=2), ' + str(peer_trials) + ' trials':<58} "
        f"{peer_ms:9.2f} ms/trial",
        f"  ratio: {peer_ms / ours:,.0f}x faster",
        f"  {'Ray Tune, 2 concurrent trials, ' + str(ray_trials) + ' trials':<58} "
        f"{ray_ms:9.2f} ms/trial",
        f"  ratio: {ray_ms / ours:,.0f}x faster",
    ]
