"""maggy's ``lagom``: an asynchronous hyperparameter search with early stopping.

>>> from hopsml_lab.maggy import experiment, Searchspace
>>> from hopsml_lab.maggy.config import HyperparameterOptConfig
>>> def train(hparams, reporter):
...     for step in range(10):
...         reporter.broadcast(metric=step * hparams["lr"], step=step)
...     return {"accuracy": 10 * hparams["lr"]}
>>> config = HyperparameterOptConfig(num_trials=8, optimizer="randomsearch",   # doctest: +SKIP
...     searchspace=Searchspace(lr=("DOUBLE", [0.01, 0.1])), direction="max")
>>> result = experiment.lagom(train, config)                                   # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import statistics
from collections.abc import Callable
from typing import Any

from ...experiments.early_stopping import MedianStoppingRule
from ...experiments.results import TrialResult
from ...experiments.run import ExperimentRun
from ...lab import get_lab
from .._unavailable import not_yet
from ..config import (
    AblationConfig,
    BaseConfig,
    HyperparameterOptConfig,
    LagomConfig,
    TfDistributedConfig,
    TorchDistributedConfig,
)
from ..config.hyperparameter_optimization import es_policy_name
from ..earlystop.custom import CustomStoppingRule
from ..optimizer import Asha, GridSearch, RandomSearch, SingleRun
from ..optimizer.abstractoptimizer import AbstractOptimizer, DrivenByLagom, MaggyProtocol
from ..optimizer.bayes import GP, TPE

_BY_NAME: dict[str, type[DrivenByLagom]] = {
    "randomsearch": RandomSearch,
    "gridsearch": GridSearch,
    "asha": Asha,
    "gp": GP,
    "tpe": TPE,
    "none": SingleRun,
}


def _metric_of(returned: Any, key: str) -> float:
    """maggy's rule: a number; a list's first item; a dict's ``key`` or first value."""
    if isinstance(returned, dict):
        if not returned:
            raise ValueError("the train function returned an empty dict: return the metric")
        returned = returned.get(key, next(iter(returned.values())))
    elif isinstance(returned, (list, tuple)):
        returned = returned[0]
    if hasattr(returned, "item"):
        returned = returned.item()
    if isinstance(returned, bool) or not isinstance(returned, (int, float)):
        raise TypeError(f"the metric must be a number, not {returned!r}")
    return float(returned)


def _as_trial(train_fn: Callable[..., Any], config: HyperparameterOptConfig) -> Callable[..., Any]:
    """maggy calls ``train_fn(hparams=..., reporter=..., model=..., dataset=...)``, passing
    only what the function names; the returned metric is kept under the config's key."""
    accepted = set(inspect.signature(train_fn).parameters)
    key, model, dataset = config.optimization_key, config.model, config.dataset

    def trial(reporter: Any, **hparams: Any) -> dict[str, float]:
        offered = {"hparams": hparams, "reporter": reporter, "model": model, "dataset": dataset}
        returned = train_fn(**{k: v for k, v in offered.items() if k in accepted})
        return {key: _metric_of(returned, key)}

    trial.__name__ = getattr(train_fn, "__name__", "train")
    return trial


def _optimizer(config: HyperparameterOptConfig) -> tuple[str, Any]:
    """The search's kind (for the catalog) and HopsML Lab's optimizer for it."""
    chosen = config.optimizer
    if isinstance(chosen, str):
        chosen = _BY_NAME[chosen.lower()]()
    if isinstance(chosen, DrivenByLagom):
        kind = next(name for name, cls in _BY_NAME.items() if isinstance(chosen, cls))
        return kind, chosen.proposals(config)
    if isinstance(chosen, AbstractOptimizer):  # a notebook's own, driven as maggy's driver
        return "custom", MaggyProtocol(chosen, config)
    return "custom", chosen  # an object with initial(slots) and on_result(params, metric)


def lagom(train_fn: Callable[..., Any], config: LagomConfig | None = None) -> dict[str, Any]:
    """Run the search on the slots; returns maggy's result dict."""
    if type(config) is BaseConfig:
        return _single_run(train_fn, config)
    if isinstance(config, AblationConfig):
        from ..ablation.driver import lagom_ablation  # it builds on this module

        return lagom_ablation(train_fn, config)
    if isinstance(config, TfDistributedConfig):
        from .tf_distributed import lagom_tf_distributed  # it builds on this module

        return lagom_tf_distributed(train_fn, config)
    if isinstance(config, TorchDistributedConfig):
        from .torch_distributed import lagom_torch_distributed  # it builds on this module

        return lagom_torch_distributed(train_fn, config)
    if not isinstance(config, HyperparameterOptConfig):
        raise not_yet(
            f"lagom with {type(config).__name__}",
            "pass a BaseConfig to run train_fn once, a HyperparameterOptConfig to search, or "
            "a TfDistributedConfig or TorchDistributedConfig to train on several workers",
        )
    lab = get_lab()
    direction = config.direction.upper()
    kind, optimizer = _optimizer(config)
    rule = _stopping_rule(config)
    run = ExperimentRun(
        lab,
        _as_trial(train_fn, config),
        config.name,
        f"maggy_{kind}",
        config.description or None,
        config.optimization_key,
        direction,
        early_stop=rule,
    )
    custom = rule if isinstance(rule, CustomStoppingRule) else None

    def search() -> None:
        run.run_adaptive(
            optimizer.initial(run.slot_count),
            # once a notebook's stopping rule failed, no more trials start
            lambda r: [] if custom and custom.error else optimizer.on_result(r.params, r.metric),
        )
        if custom is not None:
            custom.raise_if_failed()  # the experiment is then recorded as failed

    result = run.complete(search)
    if isinstance(optimizer, MaggyProtocol):
        optimizer.finalize()
    return summary(result.trials, direction)


def _stopping_rule(config: HyperparameterOptConfig) -> Any:
    """HopsML Lab's rule for maggy's ``es_policy`` (None for 'none')."""
    kind = es_policy_name(config.es_policy)
    if kind == "median":
        return MedianStoppingRule(config.direction, config.es_min, config.es_interval)
    if kind == "custom":
        return CustomStoppingRule(
            config.es_policy, config.direction, config.es_min, config.es_interval
        )
    return None


def _single_run(train_fn: Callable[..., Any], config: BaseConfig) -> dict[str, Any]:
    """maggy's ``BaseConfig``: ``train_fn()`` runs once, recorded as a one-trial
    experiment; maggy's ``{"test result": {key: [value]}}`` of the dict it returns."""

    def trial(reporter: Any) -> dict[str, float]:
        value = train_fn()
        if not isinstance(value, dict) or not value:
            raise TypeError(
                f"with a BaseConfig, train_fn() returns a dict of metrics, not {value!r}"
            )
        return {key: _metric_of(v, key) for key, v in value.items()}

    trial.__name__ = getattr(train_fn, "__name__", "train")
    run = ExperimentRun(get_lab(), trial, config.name, "maggy_base", config.description or None)
    result = run.complete(lambda: run.run_adaptive([{}], lambda r: []))
    (only,) = result.trials
    if only.error:
        raise RuntimeError(f"the training function failed: {only.error}")
    return {"test result": {key: [value] for key, value in only.results.items()}}


def summary(trials: list[TrialResult], direction: str) -> dict[str, Any]:
    """maggy's result dict over the trials that produced a metric."""
    scored = [t for t in trials if t.metric is not None]
    if not scored:
        return {"best_val": "n.a.", "num_trials": 0, "early_stopped": 0}
    sign = 1.0 if direction == "MAX" else -1.0
    best = max(scored, key=lambda t: sign * (t.metric or 0.0))
    worst = min(scored, key=lambda t: sign * (t.metric or 0.0))
    metrics = [t.metric for t in scored if t.metric is not None]
    return {
        "best_id": best.key,
        "best_val": best.metric,
        "best_config": dict(best.params),
        "worst_id": worst.key,
        "worst_val": worst.metric,
        "worst_config": dict(worst.params),
        "avg": statistics.fmean(metrics),
        "metric_list": metrics,
        "num_trials": len(trials),
        "early_stopped": sum(1 for t in trials if t.status == "stopped"),
    }
