"""Experiments with the names, arguments and returns of Hopsworks' ``hops.experiment``.

>>> from hopsml_lab import experiment
>>> def train(lr, dropout):
...     return {"accuracy": 0.9, "loss": 0.1}
>>> logdir, best_param, best = experiment.grid_search(          # doctest: +SKIP
...     train, {"lr": [0.001, 0.01], "dropout": [0.1, 0.5]},
...     direction=experiment.Direction.MAX, optimization_key="accuracy")
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .distributed import collective_all_reduce, mirrored, parameter_server
from .early_stopping import StoppingRule, make_rule
from .engine.resources import ResourceError, TrialResources
from .evolution import evolve
from .lab import get_lab
from .maggy.optimizers import Asha
from .progress import Progress
from .runs import ExperimentError, ExperimentResult, ExperimentRun, run_experiment
from .search_space import (
    Distribution,
    SearchSpaceError,
    SpaceSampler,
    from_boundaries,
    grid_points,
    random_points,
)

__all__ = [
    "Direction",
    "ExperimentError",
    "ExperimentResult",
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


class Direction:
    """Whether the optimisation metric is to be maximised or minimised."""

    MAX = "MAX"
    MIN = "MIN"


def _direction(direction: str) -> str:
    value = str(direction).upper()
    if value not in (Direction.MAX, Direction.MIN):
        raise ExperimentError(f"direction={direction!r}: use Direction.MAX or Direction.MIN")
    return value


def _check_arguments(fn: Callable[..., Any], names: Sequence[str]) -> None:
    """Every hyperparameter must be a parameter of ``fn``, and every parameter given."""
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return
    open_ended = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    unknown = [n for n in names if n not in parameters and not open_ended]
    missing = [
        n
        for n, p in parameters.items()
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and n not in names
        and n != "reporter"
    ]
    if unknown or missing:
        detail = []
        if unknown:
            detail.append(f"{', '.join(unknown)} not parameters of {fn.__name__}()")
        if missing:
            detail.append(f"no values for {', '.join(missing)}")
        raise ExperimentError(f"{'; '.join(detail)}: the search space names the parameters")


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
    resources = _resources(slots, gpus)
    param_sets = _param_sets(args_dict)
    _check_arguments(train_fn, list(param_sets[0]))
    return run_experiment(
        get_lab(),
        train_fn,
        param_sets,
        name=name,
        kind="launch",
        description=description,
        metric_key=metric_key,
        resources=resources,
        progress=progress,
    )


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
    *,
    grid: Mapping[str, Sequence[Any]] | None = None,
    space: Mapping[str, Distribution] | None = None,
    samples: int = 10,
    evolve_generations: int | None = None,
    asha_trials: int | None = None,
    max_budget: int = 4,
    reduction_factor: int | None = None,
    early_stop: str | None = None,
    grace_period: int = 3,
    seed: int | None = None,
    population: int = 6,
    mutation: float = 0.5,
    crossover: float = 0.7,
    direction: str = Direction.MAX,
    metric_key: str = "metric",
    name: str = "no-name",
    description: str | None = None,
    progress: Progress | None = None,
    slots: int | None = None,
    gpus: int = 0,
) -> ExperimentResult:
    """A grid (``grid``), random (``space``, ``samples``), evolutionary (``space``,
    ``evolve_generations``) or ASHA search (``space``, ``asha_trials``: the function also
    takes ``budget``, 1 up to ``max_budget``, growing ``reduction_factor`` (2) times per
    promotion), returning the :class:`ExperimentResult`.

    ``early_stop="asha"`` or ``"median"`` stops hopeless trials of a grid, random or
    evolutionary search while they train: the function takes ``reporter`` and calls
    ``reporter.broadcast(metric)`` each epoch. With "asha" a trial is judged at its
    ``grace_period``-th report and every ``reduction_factor`` (3) times as many after,
    going on only in the top 1/``reduction_factor`` of the trials judged there before it;
    a grid then runs in an order shuffled by ``seed``, so that no corner of it sets the bar.
    ``seed`` also fixes a random search's draws.
    ``slots`` caps how many trials run at once; each gets ``gpus`` GPUs of its own."""
    resources = _resources(slots, gpus)
    direction = _direction(direction)
    if asha_trials is not None and space is not None:
        if early_stop is not None:
            raise ExperimentError(
                f"early_stop={early_stop!r} with asha_trials: ASHA already stops trials "
                "by their budget; give one or the other"
            )
        return _asha(
            train_fn,
            space,
            asha_trials,
            max_budget,
            2 if reduction_factor is None else reduction_factor,
            direction,
            metric_key,
            name,
            description,
            progress,
            resources,
        )
    rule = _stopping_rule(train_fn, early_stop, direction, grace_period, reduction_factor)
    try:
        if grid is not None:
            kind, points = "grid_search", grid_points(grid)
            names: list[str] = list(grid)
            if rule is not None:
                random.Random(seed).shuffle(points)
        elif space is not None:
            names = list(space)
            kind = "random_search" if evolve_generations is None else "differential_evolution"
            points = random_points(space, samples, seed) if evolve_generations is None else []
        else:
            raise ExperimentError("give a grid or a space to search")
    except SearchSpaceError as error:
        raise ExperimentError(str(error)) from error
    _check_arguments(train_fn, names)
    lab = get_lab()
    if points:
        return run_experiment(
            lab,
            train_fn,
            points,
            name=name,
            kind=kind,
            description=description,
            metric_key=metric_key,
            direction=direction,
            resources=resources,
            progress=progress,
            early_stop=rule,
        )
    experiment_run = ExperimentRun(
        lab, train_fn, name, kind, description, metric_key, direction, resources, progress, rule
    )

    def evolve_all() -> None:
        evolve(
            space or {},
            lambda batch: [t.metric for t in experiment_run.run_round(batch)],
            direction,
            evolve_generations or 4,
            population,
            mutation,
            crossover,
            should_stop=lambda: experiment_run.killed,
        )

    try:
        return experiment_run.complete(evolve_all)
    except SearchSpaceError as error:
        raise ExperimentError(str(error)) from error


def _stopping_rule(
    train_fn: Callable[..., Any],
    early_stop: str | None,
    direction: str,
    grace_period: int,
    reduction_factor: int | None,
) -> StoppingRule | None:
    """The early-stopping rule asked for, once the function can report to it."""
    if early_stop is None:
        return None
    try:
        factor = 3 if reduction_factor is None else reduction_factor
        rule = make_rule(early_stop, direction, grace_period, factor)
    except ValueError as error:
        raise ExperimentError(str(error)) from error
    try:
        parameters = inspect.signature(train_fn).parameters
    except (TypeError, ValueError):
        return rule  # a callable whose signature cannot be read: let it try
    if "reporter" not in parameters:
        raise ExperimentError(
            f"early_stop={early_stop!r} judges the metric a trial reports while it trains: "
            f"give {getattr(train_fn, '__name__', 'the function')}() a `reporter` parameter "
            "and call reporter.broadcast(metric) each epoch (with Keras: pass "
            "hopsml_lab.maggy.callbacks.KerasEpochEnd(reporter, metric='val_loss') to fit)"
        )
    return rule


def _asha(
    train_fn: Callable[..., Any],
    space: Mapping[str, Distribution],
    trials: int,
    max_budget: int,
    reduction_factor: int,
    direction: str,
    metric_key: str,
    name: str,
    description: str | None,
    progress: Progress | None,
    resources: TrialResources,
) -> ExperimentResult:
    """Asynchronous successive halving: a freed slot takes a promotion or a new trial."""
    try:
        takes_budget = "budget" in inspect.signature(train_fn).parameters
    except (TypeError, ValueError):
        takes_budget = True  # a callable whose signature cannot be read: let it try
    if not takes_budget:
        raise ExperimentError(
            f"ASHA hands {train_fn.__name__}() a budget (1 up to {max_budget}): "
            "add a `budget` parameter and train for that many epochs"
        )
    _check_arguments(train_fn, [*space, "budget"])
    try:
        optimizer = Asha(
            SpaceSampler(space),
            trials,
            direction,
            reduction_factor=reduction_factor,
            resource_max=max_budget,
        )
    except ValueError as error:
        raise ExperimentError(
            f"{error} (max budget {max_budget}, reduction factor {reduction_factor})"
        ) from error
    lab = get_lab()
    experiment_run = ExperimentRun(
        lab, train_fn, name, "asha", description, metric_key, direction, resources, progress
    )
    return experiment_run.complete(
        lambda: experiment_run.run_adaptive(
            optimizer.initial(experiment_run.slot_count),
            lambda r: optimizer.on_result(r.params, r.metric),
        )
    )


def _boundaries(boundary_dict: Mapping[str, Sequence[Any]]) -> dict[str, Distribution]:
    try:
        return from_boundaries(boundary_dict)
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
        grid=grid_dict,
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
        space=_boundaries(boundary_dict),
        samples=samples,
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
        space=_boundaries(boundary_dict),
        evolve_generations=generations,
        population=population,
        mutation=mutation,
        crossover=crossover,
        direction=direction,
        metric_key=optimization_key,
        name=name,
        description=description,
    )
    return _search_return(result)
