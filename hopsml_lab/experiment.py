"""Experiments with the names of Hopsworks' ``hops.experiment``.

>>> from hopsml_lab import experiment
>>> def train(lr=0.01):
...     return {"accuracy": 0.9}
>>> logdir, results = experiment.launch(train, name="mnist")   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .lab import get_lab
from .runs import ExperimentError, ExperimentResult, run_experiment

__all__ = ["ExperimentError", "ExperimentResult", "launch", "run"]


def _param_sets(args_dict: dict[str, list[Any]] | None) -> list[dict[str, Any]]:
    """hops' args_dict: {'lr': [a, b], 'dropout': [c, d]} runs (a, c) and (b, d)."""
    if not args_dict:
        return [{}]
    if any(not isinstance(v, (list, tuple)) for v in args_dict.values()):
        raise ExperimentError("args_dict maps each argument name to a list of values")
    lengths = {name: len(values) for name, values in args_dict.items()}
    if len(set(lengths.values())) != 1:
        raise ExperimentError(
            f"args_dict lists must have the same length, got {lengths}: "
            "entry i of every list makes run i"
        )
    count = next(iter(lengths.values()))
    return [{name: values[i] for name, values in args_dict.items()} for i in range(count)]


def run(
    train_fn: Callable[..., Any],
    args_dict: dict[str, list[Any]] | None = None,
    name: str = "no-name",
    description: str | None = None,
    metric_key: str | None = None,
) -> ExperimentResult:
    """Like :func:`launch`, returning the full :class:`ExperimentResult`."""
    return run_experiment(
        get_lab(),
        train_fn,
        _param_sets(args_dict),
        name=name,
        kind="launch",
        description=description,
        metric_key=metric_key,
    )


def launch(
    train_fn: Callable[..., Any],
    args_dict: dict[str, list[Any]] | None = None,
    name: str = "no-name",
    local_logdir: bool = False,
    description: str | None = None,
    metric_key: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """Run ``train_fn`` as a Spark task (once per entry of ``args_dict``'s lists).

    Returns ``(logdir, return_dict)``: the experiment's folder on the store and what
    the function returned (of the best run when there are several).
    """
    del local_logdir  # every trial writes to the store; kept for hops compatibility
    result = run(train_fn, args_dict, name=name, description=description, metric_key=metric_key)
    chosen = result.best or (result.trials[0] if result.trials else None)
    if chosen is not None and chosen.error and len(result.trials) == 1:
        raise ExperimentError(f"experiment {result.id} failed:\n{chosen.error}")
    return result.logdir, dict(chosen.results) if chosen else {}
