"""``experiment.lagom`` with an ``AblationConfig`` (maggy's ``AblationDriver``).

The ablator's trials are made on the driver and checked before anything is recorded
(the features against the training dataset, the layers against the base model); then
they run on the Spark slots as one experiment, each trial recorded with its ablated
component as its parameters. ``train_fn`` gets what it names of maggy's arguments:
``dataset_function(num_epochs, batch_size)``, ``model_function()``, ``reporter``,
``hparams`` (a dict of the two functions, as maggy 1.x hands them), ``model`` and
``dataset`` (the config's). It returns the metric (a number, a list's first item, or a
dict's ``"Metric"`` or first value; a dict's other entries are recorded beside it).

An ablator's trials are all asked for before the experiment starts (at most
``get_number_of_trials()``): ``get_trial`` is not shown the trials that finished.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

from ...errors import BadInput
from ...experiments.ablation import (
    NONE,
    AblationTrial,
    compare,
    comparison_table,
    component_of,
    run_ablation,
)
from ...experiments.ablation_model import LayerSelection, check_layers
from ...lab import get_lab
from ..config.ablation import AblationConfig
from ..experiment.experiment import _metric_of, summary
from .ablationstudy import AblationStudy
from .ablator import AbstractAblator
from .ablator.loco import LOCO

METRIC = "Metric"  # maggy's name for the metric an ablation trial returns
_OFFERED = ("dataset_function", "model_function", "hparams", "reporter", "model", "dataset")


def lagom_ablation(train_fn: Callable[..., Any], config: AblationConfig) -> dict[str, Any]:
    """Run the study; print maggy's summary and each trial against the base trial;
    return maggy's result dict (best and worst ``*_config`` name what was left out)."""
    ablator, direction = _checked(train_fn, config)
    trials = _trials(ablator)
    result = run_ablation(
        get_lab(),
        _as_trial(train_fn, trials, config),
        trials,
        config.name,
        config.description or None,
        METRIC,
        direction,
    )
    ablator.finalize_experiment(result.trials)
    outcome = summary(result.trials, direction)
    rows = compare(result.trials)
    print(_report(ablator.name(), outcome, result.duration_s))
    print(comparison_table(rows, METRIC))
    if not any(t.metric is not None for t in result.trials):
        failed = next((r.error for r in rows if r.error), "no trial returned a metric")
        raise RuntimeError(f"every ablation trial failed; the first: {failed}")
    return outcome


def _checked(train_fn: Callable[..., Any], config: AblationConfig) -> tuple[AbstractAblator, str]:
    """Everything that can be wrong, found before the experiment is recorded."""
    study = config.ablation_study
    if not isinstance(study, AblationStudy):
        raise TypeError(
            "The experiment's ablation study configuration should be an instance of "
            f"maggy.ablation.AblationStudy, but it is {study} (of type "
            f"'{type(study).__name__}')."
        )
    direction = config.direction
    if not isinstance(direction, str) or direction.lower() not in ("min", "max"):
        raise ValueError(
            "The experiment's direction should be a string (either 'min' or 'max') but it is "
            f"{direction} (of type '{type(direction).__name__}')."
        )
    if not callable(study.model.base_model_generator):
        raise BadInput(
            "the ablation study has no base model generator: call "
            "ablation_study.model.set_base_model_generator(fn) with a function returning "
            "the Keras model (its layers named as in model.layers.include(...))"
        )
    _check_signature(train_fn)
    ablator = config.ablator
    if isinstance(ablator, str) and ablator.lower() == "loco":
        ablator = LOCO(study, [])
        if not study.custom_dataset_generator:
            ablator.source.check_features(sorted(study.features.included_features))
    elif not isinstance(ablator, AbstractAblator):
        raise TypeError(
            "The experiment's ablation study policy should either be a string ('loco') or a "
            "custom policy that is an instance of maggy.ablation.ablator.AbstractAblator, but "
            f"it is {ablator} (of type '{type(ablator).__name__}')."
        )
    ablator.ablation_study = study
    layers = study.model.layers
    selections = [LayerSelection.of(n) for n in layers.included_layers]
    selections += [LayerSelection.of(set(g)) for g in layers.included_groups]
    if selections:
        check_layers(study.model.base_model_generator(), selections)
    return ablator, direction.upper()


def _check_signature(train_fn: Callable[..., Any]) -> None:
    if not callable(train_fn):
        raise TypeError(f"train_fn must be a function, not {type(train_fn).__name__}")
    try:
        parameters = inspect.signature(train_fn).parameters
    except (TypeError, ValueError):
        return
    unknown = [
        name
        for name, p in parameters.items()
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        and name not in _OFFERED
    ]
    if unknown:
        raise BadInput(
            f"{getattr(train_fn, '__name__', 'train_fn')}() needs {', '.join(unknown)}, which "
            f"an ablation trial does not give: take any of {', '.join(_OFFERED)}"
        )


def _trials(ablator: AbstractAblator) -> list[AblationTrial]:
    """The ablator's trials, the base trial first."""
    ablator.initialize()
    made = []
    limit = ablator.get_number_of_trials()
    while len(made) < limit:
        trial = ablator.get_trial(None)
        if trial is None:
            break
        params = trial.params
        made.append(
            AblationTrial(
                str(params.get("ablated_feature", NONE)),
                str(params.get("ablated_layer", NONE)),
                params["dataset_function"],
                params.get("model_function"),
            )
        )
    return sorted(made, key=lambda t: t.component != component_of({}))


def _as_trial(
    train_fn: Callable[..., Any], trials: list[AblationTrial], config: AblationConfig
) -> Callable[..., Any]:
    """What runs on a slot: the trial's functions handed to ``train_fn`` as maggy does."""
    by_params = {(t.ablated_feature, t.ablated_layer): t for t in trials}
    try:
        parameters = inspect.signature(train_fn).parameters
        takes_all = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
        accepted = set(_OFFERED) if takes_all else set(parameters)
    except (TypeError, ValueError):
        accepted = {"dataset_function", "model_function"}
    model, dataset = config.model, config.dataset

    def trial(reporter: Any, ablated_feature: str, ablated_layer: str) -> dict[str, Any]:
        chosen = by_params[(ablated_feature, ablated_layer)]
        hparams = {
            "dataset_function": chosen.dataset_function,
            "model_function": chosen.model_function,
        }
        offered = {**hparams, "hparams": hparams, "reporter": reporter}
        offered.update(model=model, dataset=dataset)
        returned = train_fn(**{k: v for k, v in offered.items() if k in accepted})
        extra = returned if isinstance(returned, dict) else {}
        return {METRIC: _metric_of(returned, METRIC), **extra}

    trial.__name__ = getattr(train_fn, "__name__", "train")
    return trial


def _report(ablator: str, result: dict[str, Any], duration_s: float) -> str:
    """maggy's closing summary of an ablation study."""
    if result.get("best_id") is None:
        return f"\n------ {ablator} Results ------ \nno trial returned a metric\n"
    best, worst = json.dumps(result["best_config"]), json.dumps(result["worst_config"])
    return (
        f"\n------ {ablator} Results ------ \n"
        f"BEST Config Excludes {best} -- metric {result['best_val']}\n"
        f"WORST Config Excludes {worst} -- metric {result['worst_val']}\n"
        f"AVERAGE metric -- {result['avg']}\n"
        f"Total Job Time {duration_s:.1f} seconds\n"
    )
