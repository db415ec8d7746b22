"""Experiments with the names, arguments and returns of Hopsworks' ``hops.experiment``.

>>> from hopsml_lab import experiment
>>> def train(lr, dropout):
...     return {"accuracy": 0.9, "loss": 0.1}
>>> logdir, best_param, best = experiment.grid_search(          # doctest: +SKIP
...     train, {"lr": [0.001, 0.01], "dropout": [0.1, 0.5]},
...     direction=experiment.Direction.MAX, optimization_key="accuracy")
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .distributed import collective_all_reduce, mirrored, parameter_server
from .engine.resources import ResourceError, TrialResources
from .experiments.progress import Progress
from .experiments.results import ExperimentResult
from .experiments.run import ExperimentError
from .experiments.search import SearchOptions, run_search
from .experiments.search_space import (
    Choice,
    IntUniform,
    LogUniform,
    SearchSpaceError,
    Uniform,
    from_boundaries,
)
from .experiments.strategies import Asha, Evolution, Grid, Launch, Random, SearchStrategy
from .lab import get_lab

__all__ = [
    "Asha",
    "Choice",
    "Direction",
    "Evolution",
    "ExperimentError",
    "ExperimentResult",
    "Grid",
    "IntUniform",
    "LogUniform",
    "Random",
    "SearchStrategy",
    "Uniform",
    "collective_all_reduce",
    "differential_evolution",
    "grid_search",
    "launch",
    "mirrored",
    "parameter_server",
    "random_search",
    "run",
    "search",
]


log = logging.getLogger(__name__)
# hops' module state, kept so notebooks that read it import; HopsML Lab's runs are in the
# catalog (and each call returns its own result).
run_id = 1
app_id = None
experiment_json = None
running = False


class Direction:
    """Whether the optimisation metric is to be maximised or minimised."""

    MAX = "MAX"
    MIN = "MIN"


def _direction(direction: str) -> str:
    value = str(direction).upper()
    if value not in (Direction.MAX, Direction.MIN):
        raise ExperimentError(f"direction={direction!r}: use Direction.MAX or Direction.MIN")
    return value


def _param_sets(args_dict: Mapping[str, Sequence[Any]] | None) -> list[dict[str, Any]]:
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


def _search_return(result: ExperimentResult) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """hops' ``(logdir of the best trial, its parameters, what it returned + 'log')``."""
    best = result.best
    if best is None or best.metric is None:
        errors = next((t.error for t in result.trials if t.error), "no trial finished")
        raise ExperimentError(f"experiment {result.id} has no successful trial:\n{errors}")
    relative = best.logdir[best.logdir.find("Experiments/") :]
    return best.logdir, dict(best.params), {**best.results, "log": f"{relative}/stdout.log"}


def run(
    train_fn: Callable[..., Any],
    args_dict: Mapping[str, Sequence[Any]] | None = None,
    name: str = "no-name",
    description: str | None = None,
    metric_key: str | None = None,
    progress: Progress | None = None,
    slots: int | None = None,
    gpus: int = 0,
) -> ExperimentResult:
    """Like :func:`launch`, returning the full :class:`ExperimentResult`; ``slots`` caps
    how many of its trials run at once (default: as many as Spark has cores), and each
    trial gets ``gpus`` GPUs of its own (Spark's task GPU amount; it sees only those)."""
    options = SearchOptions(
        metric_key=metric_key,
        name=name,
        description=description,
        resources=_resources(slots, gpus),
    )
    return run_search(get_lab(), train_fn, Launch(_param_sets(args_dict)), options, progress)


def _resources(slots: int | None, gpus: int) -> TrialResources:
    try:
        return TrialResources(slots=slots, gpus=gpus)
    except ResourceError as error:
        raise ExperimentError(str(error)) from error


def launch(
    train_fn: Callable[..., Any],
    args_dict: Mapping[str, Sequence[Any]] | None = None,
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


def search(
    train_fn: Callable[..., Any],
    strategy: SearchStrategy,
    *,
    direction: str = Direction.MAX,
    metric_key: str = "metric",
    name: str = "no-name",
    description: str | None = None,
    early_stop: str | None = None,
    grace_period: int = 3,
    reduction_factor: int = 3,
    progress: Progress | None = None,
    slots: int | None = None,
    gpus: int = 0,
) -> ExperimentResult:
    """Run the trials ``strategy`` chooses (:class:`Grid`, :class:`Random`,
    :class:`Evolution`, :class:`Asha`) and return the :class:`ExperimentResult`.

    ``early_stop="asha"`` or ``"median"`` stops hopeless trials while they train: the
    function takes ``reporter`` and calls ``reporter.broadcast(metric)`` each epoch. With
    "asha" a trial is judged at its ``grace_period``-th report and every
    ``reduction_factor`` times as many after, going on only in the top
    1/``reduction_factor`` of the trials judged there before it.
    ``slots`` caps how many trials run at once; each gets ``gpus`` GPUs of its own.

    >>> experiment.search(train, experiment.Grid({"lr": [0.01, 0.1]}),   # doctest: +SKIP
    ...                   direction="MIN", metric_key="loss")
    """
    return run_search(
        get_lab(),
        train_fn,
        strategy,
        SearchOptions(
            direction=_direction(direction),
            metric_key=metric_key,
            name=name,
            description=description,
            early_stop=early_stop,
            grace_period=grace_period,
            reduction_factor=reduction_factor,
            resources=_resources(slots, gpus),
        ),
        progress,
    )


def _strategy(make: Callable[[], SearchStrategy]) -> SearchStrategy:
    """A strategy from hops' arguments; their problems read as experiment errors."""
    try:
        return make()
    except SearchSpaceError as error:
        raise ExperimentError(str(error)) from error


def grid_search(
    train_fn: Callable[..., Any],
    grid_dict: Mapping[str, Sequence[Any]],
    direction: str = Direction.MAX,
    name: str = "no-name",
    local_logdir: bool = False,
    description: str | None = None,
    optimization_key: str = "metric",
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """One trial per combination of ``grid_dict``'s lists, in parallel on the slots.

    Returns ``(logdir, best_param, return_dict)`` of the best trial.
    """
    del local_logdir  # every trial writes to the store; kept for hops compatibility
    result = search(
        train_fn,
        _strategy(lambda: Grid(grid_dict)),
        direction=direction,
        metric_key=optimization_key,
        name=name,
        description=description,
    )
    return _search_return(result)


def random_search(
    train_fn: Callable[..., Any],
    boundary_dict: Mapping[str, Sequence[Any]],
    direction: str = Direction.MAX,
    samples: int = 10,
    name: str = "no-name",
    local_logdir: bool = False,
    description: str | None = None,
    optimization_key: str = "metric",
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """``samples`` random points of ``boundary_dict`` ({name: [low, high]}; ints stay ints)."""
    del local_logdir
    result = search(
        train_fn,
        _strategy(lambda: Random(from_boundaries(boundary_dict), samples)),
        direction=direction,
        metric_key=optimization_key,
        name=name,
        description=description,
    )
    return _search_return(result)


def differential_evolution(
    train_fn: Callable[..., Any],
    boundary_dict: Mapping[str, Sequence[Any]],
    direction: str = Direction.MAX,
    generations: int = 4,
    population: int = 6,
    mutation: float = 0.5,
    crossover: float = 0.7,
    name: str = "no-name",
    local_logdir: bool = False,
    description: str | None = None,
    optimization_key: str = "metric",
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Evolve ``population`` points over ``generations`` (each generation runs in parallel)."""
    del local_logdir
    result = search(
        train_fn,
        _strategy(
            lambda: Evolution(
                from_boundaries(boundary_dict), generations, population, mutation, crossover
            )
        ),
        direction=direction,
        metric_key=optimization_key,
        name=name,
        description=description,
    )
    return _search_return(result)
