"""A search as one experiment: check the function against the strategy, pick the
early-stopping rule, record the experiment and let the strategy run its trials."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine.resources import TrialResources
from ..lab import Lab
from .early_stopping import StoppingRule, make_rule
from .progress import Progress
from .results import ExperimentResult
from .run import ExperimentError, ExperimentRun
from .search_space import SearchSpaceError
from .strategies import SearchStrategy


@dataclass(frozen=True)
class SearchOptions:
    """How a search is judged and recorded, whatever its strategy."""

    direction: str = "MAX"
    metric_key: str | None = "metric"  # None: a lone number returned ranks the trial
    name: str = "no-name"
    description: str | None = None
    early_stop: str | None = None
    grace_period: int = 3
    reduction_factor: int = 3
    resources: TrialResources = field(default_factory=TrialResources)


def run_search(
    lab: Lab,
    train_fn: Callable[..., Any],
    strategy: SearchStrategy,
    options: SearchOptions,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Run ``strategy``'s trials of ``train_fn`` as one experiment."""
    if not isinstance(strategy, SearchStrategy):
        raise ExperimentError(
            f"strategy={strategy!r}: give a search strategy, e.g. experiment.Grid({{'lr': "
            "[0.01, 0.1]}), experiment.Random(space, samples=10), experiment.Evolution(space)"
            " or experiment.Asha(space, trials=20)"
        )
    if options.early_stop is not None and not strategy.allows_early_stopping:
        raise ExperimentError(
            f"early_stop={options.early_stop!r} with {type(strategy).__name__}: it already "
            "stops trials by their budget; give one or the other"
        )
    for extra in strategy.extra_parameters:
        _require_parameter(train_fn, extra, strategy)
    check_arguments(train_fn, [*strategy.parameter_names(), *strategy.extra_parameters])
    rule = stopping_rule(
        train_fn,
        options.early_stop,
        options.direction,
        options.grace_period,
        options.reduction_factor,
    )
    run = ExperimentRun(
        lab,
        train_fn,
        options.name,
        strategy.kind,
        options.description,
        options.metric_key,
        options.direction,
        options.resources,
        progress,
        rule,
    )
    try:
        return run.complete(lambda: strategy.explore(run, early_stopping=rule is not None))
    except SearchSpaceError as error:
        raise ExperimentError(str(error)) from error


def _require_parameter(train_fn: Callable[..., Any], name: str, strategy: Any) -> None:
    try:
        takes_it = name in inspect.signature(train_fn).parameters
    except (TypeError, ValueError):
        return  # a callable whose signature cannot be read: let it try
    if not takes_it:
        raise ExperimentError(
            f"{type(strategy).__name__} hands {getattr(train_fn, '__name__', 'the function')}"
            f"() a {name}: add a `{name}` parameter"
            + (" and train for that many epochs" if name == "budget" else "")
        )


def check_arguments(fn: Callable[..., Any], names: Sequence[str]) -> None:
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


def stopping_rule(
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
