"""Bayesian optimization: trials until one is within 1% of a known optimum.

The task: maximize ``100 - |x - c|^2`` over [-5, 5]^4 (c = (1, -2, 0.5, 3)); within 1%
means within distance 1 of c, about 1 in 2,000 of the box, so random search rarely gets
there in the budget. Each search runs its loop in this process with 2 trials in flight
(HopsML Lab's GP and TPE as ``lagom`` drives them for maggy's ``GP()``/``TPE()`` with
their defaults, and random search), and Optuna's TPESampler (ask-and-tell, one at a
time) in its own venv. A search that never gets there counts as budget + 1. Printed:
median trials over the seeds and each median's ratio to random search's.
"""

from __future__ import annotations

import statistics
import time

from hopsml_lab.experiments.bayes import RandomSampling, drive
from hopsml_lab.experiments.bayes_space import UnitSpace
from hopsml_lab.maggy import Searchspace
from hopsml_lab.maggy.optimizer.bayes import GP, TPE

from .peers import run_peer

CENTER, OPTIMUM = (1.0, -2.0, 0.5, 3.0), 100.0
SPACE = Searchspace(**{f"x{i}": ("DOUBLE", [-5.0, 5.0]) for i in range(4)})
SEEDS, BUDGET, GP_BUDGET = 5, 150, 60  # the GP's fits grow with its trials: it gets fewer


def bowl(params: dict[str, float]) -> float:
    return OPTIMUM - sum((params[f"x{i}"] - c) ** 2 for i, c in enumerate(CENTER))


def trials_to_optimum(optimizer: object, budget: int) -> int:
    for n, (_params, metric) in enumerate(drive(optimizer, bowl, slots=2), start=1):
        if metric is not None and metric >= 0.99 * OPTIMUM:
            return n
    return budget + 1


def run() -> list[str]:
    space = UnitSpace.of(SPACE)
    searches = {
        "HopsML Lab GP (maggy GP() defaults)": (
            lambda seed: GP().search(space, GP_BUDGET, "max", seed=seed),
            GP_BUDGET,
        ),
        "HopsML Lab TPE (maggy TPE() defaults)": (
            lambda seed: TPE().search(space, BUDGET, "max", seed=seed),
            BUDGET,
        ),
        "random search": (
            lambda seed: RandomSampling(space, BUDGET, "max", 0, 1.0, seed=seed),
            BUDGET,
        ),
    }
    hits: dict[str, list[int]] = {}
    seconds: dict[str, float] = {}
    for label, (make, budget) in searches.items():
        started = time.perf_counter()
        hits[label] = [trials_to_optimum(make(seed), budget) for seed in range(SEEDS)]
        seconds[label] = time.perf_counter() - started
    started = time.perf_counter()
    hits["Optuna 4.5 TPESampler (peer)"] = [
        int(h) for h in run_peer("optuna", "bowl", seeds=SEEDS, budget=BUDGET)
    ]
    seconds["Optuna 4.5 TPESampler (peer)"] = time.perf_counter() - started
    random_median = statistics.median(hits["random search"])
    lines = [f"Bayesian optimization: trials to within 1% of the optimum, 4-d bowl, {SEEDS} seeds"]
    for label, found in hits.items():
        median = statistics.median(found)
        lines.append(
            f"  {label:<40} median {median:6.1f}  {random_median / median:5.2f}x fewer than "
            f"random   per seed {found}   ({seconds[label] / SEEDS:.1f} s a search)"
        )
    lines.append(f"  (budget {BUDGET} trials, GP {GP_BUDGET}; never reached = budget + 1)")
    return lines
