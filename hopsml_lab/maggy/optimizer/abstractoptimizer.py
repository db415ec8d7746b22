"""maggy's ``AbstractOptimizer``: the base of maggy's optimizers, with maggy's protocol.

A driver sets ``searchspace``, ``num_trials``, ``direction``, ``trial_store`` (running
trials by id) and ``final_store`` (finished trials), calls ``initialize()``, then
``get_suggestion(trial)`` each time a slot frees up (``trial`` is the one that just
finished; ``None`` ends the search, ``"IDLE"`` waits) and ``finalize_experiment(trials)``
at the end. ``experiment.lagom`` drives a notebook's own subclass that way
(:class:`MaggyProtocol`); maggy's own optimizers here (:class:`DrivenByLagom`) hand
``lagom`` HopsML Lab's asynchronous search instead, and answer the same protocol when a
notebook calls it by hand.
``pruner="hyperband"`` with ``pruner_kwargs`` makes maggy's ``Hyperband`` (``self.pruner``).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from typing import Any

from ..pruner import Hyperband
from ..trial import Trial

SAMPLE_TYPES = ("random", "random_forced", "model", "promoted", "grid")


class AbstractOptimizer(ABC):
    def __init__(self, pruner: Any = None, pruner_kwargs: dict[str, Any] | None = None) -> None:
        self.searchspace: Any = None
        self.num_trials: int | None = None
        self.trial_store: dict[str, Trial] | None = None
        self.final_store: list[Trial] | None = None
        self.direction: str | None = None
        self.pruner: Hyperband | None = None
        self.pruner_kwargs = pruner_kwargs
        self.sampling_time_start = 0.0
        if pruner:
            self.init_pruner(pruner, pruner_kwargs)

    def init_pruner(self, pruner: str, pruner_kwargs: dict[str, Any] | None) -> None:
        """maggy's: only ``"hyperband"``, made from ``pruner_kwargs``."""
        if pruner not in ["hyperband"]:
            raise ValueError(f"expected pruner to be in ['hyperband'], got {pruner}")
        if not isinstance(pruner_kwargs, dict):
            raise ValueError(
                "pruner='hyperband' needs pruner_kwargs={'min_budget': 1, 'max_budget': 9, "
                f"'eta': 3, 'n_iterations': 3}} (got {pruner_kwargs!r})"
            )
        self.pruner = Hyperband(**pruner_kwargs)

    @abstractmethod
    def initialize(self) -> None: ...

    @abstractmethod
    def get_suggestion(self, trial: Any = None) -> Any: ...

    @abstractmethod
    def finalize_experiment(self, trials: Any) -> None: ...

    def name(self) -> str:
        return type(self).__name__

    def create_trial(
        self,
        hparams: dict[str, Any],
        sample_type: str,
        run_budget: int = 0,
        model_budget: int | None = None,
    ) -> Trial:
        """maggy's helper: a ``Trial`` with its info dict; a budget above 0 becomes
        ``hparams["budget"]``."""
        if sample_type not in SAMPLE_TYPES:
            raise ValueError(
                f"expected sample_type to be in {list(SAMPLE_TYPES)}, got {sample_type}"
            )
        if sample_type == "model" and model_budget is None:
            raise ValueError("expected `model_budget` because sample_type==`model`, got None")
        sampling_time = time.time() - self.sampling_time_start if self.sampling_time_start else 0.0
        self.sampling_time_start = 0.0
        info: dict[str, Any] = {
            "run_budget": run_budget,
            "sample_type": sample_type,
            "sampling_time": sampling_time,
        }
        if model_budget is not None:
            info["model_budget"] = model_budget
        if run_budget > 0:
            hparams["budget"] = run_budget
        return Trial(hparams, trial_type="optimization", info_dict=info)

    def get_hparams_dict(self, trial_ids: str | list[str] = "all") -> dict[str, dict[str, Any]]:
        """``{trial_id: params}`` of the finished trials (all, one id, or a list of ids)."""
        return {
            t.trial_id: t.params
            for t in self.final_store or []
            if trial_ids == "all" or t.trial_id == trial_ids or t.trial_id in trial_ids
        }

    def get_metrics_dict(self, trial_ids: str | list[str] = "all") -> dict[str, float]:
        """``{trial_id: final_metric}`` of the finished trials, negated when maximizing
        (maggy minimizes)."""
        sign = -1 if self.direction == "max" else 1
        return {
            t.trial_id: sign * t.final_metric
            for t in self.final_store or []
            if t.final_metric is not None
            and (trial_ids == "all" or t.trial_id == trial_ids or t.trial_id in trial_ids)
        }


class DrivenByLagom(AbstractOptimizer):
    """maggy's optimizers here: ``lagom`` asks :meth:`proposals` for HopsML Lab's
    optimizer, which proposes trials as slots free up. Called by hand, they follow
    maggy's protocol over the same proposals."""

    def proposals(self, config: Any) -> Any:
        """HopsML Lab's optimizer (``initial``/``on_result``) for the configuration."""
        raise NotImplementedError

    def initialize(self) -> None:
        """The proposals for this optimizer's own ``searchspace``, ``num_trials`` and
        ``direction`` (set by the driver, as maggy's)."""
        if self.searchspace is None or not self.num_trials:
            raise ValueError(
                f"{self.name()}.initialize(): set searchspace and num_trials first (as "
                "maggy's driver does), or pass the optimizer to HyperparameterOptConfig"
            )
        self.direction = self.direction or "max"
        self._driver = self.proposals(self)
        self.trial_buffer: list[Trial] = [
            self.create_trial(dict(p), "random") for p in self._driver.initial(self.num_trials)
        ]

    def get_suggestion(self, trial: Any = None) -> Trial | None:
        """The next trial; ``trial`` (finished, with its ``final_metric``) informs the
        search first. ``None`` when the search is over."""
        if not hasattr(self, "_driver"):
            raise NotImplementedError(
                f"{self.name()} is run by experiment.lagom: pass it as "
                "HyperparameterOptConfig(optimizer=...), or set its searchspace and "
                "num_trials and call initialize() before get_suggestion()"
            )
        if trial is not None and trial.final_metric is not None:
            next_params = self._driver.on_result(dict(trial.params), trial.final_metric)
            self.trial_buffer += [self.create_trial(dict(p), "random") for p in next_params]
        return self.trial_buffer.pop(0) if self.trial_buffer else None

    def finalize_experiment(self, trials: Any) -> None:
        return None


class MaggyProtocol:
    """Drives a notebook's ``AbstractOptimizer`` subclass as maggy's driver does, for
    HopsML Lab's search (``initial(slots)``, ``on_result(params, metric)``)."""

    def __init__(self, optimizer: AbstractOptimizer, config: Any) -> None:
        self.optimizer = optimizer
        optimizer.searchspace = config.searchspace
        optimizer.num_trials = config.num_trials
        optimizer.direction = str(config.direction).lower()
        optimizer.trial_store, optimizer.final_store = {}, []
        optimizer.initialize()

    def _next(self, finished: Trial | None) -> list[dict[str, Any]]:
        suggestion = self.optimizer.get_suggestion(finished)
        if suggestion is None or suggestion == "IDLE":
            return []
        if not isinstance(suggestion, Trial):
            raise TypeError(
                f"{self.optimizer.name()}.get_suggestion() returned {suggestion!r}: return "
                "a maggy Trial (self.create_trial(hparams, 'random')), 'IDLE' or None"
            )
        assert self.optimizer.trial_store is not None
        suggestion.status = Trial.RUNNING
        self.optimizer.trial_store[suggestion.trial_id] = suggestion
        return [suggestion.params]

    def initial(self, slots: int) -> list[dict[str, Any]]:
        first: list[dict[str, Any]] = []
        for _ in range(slots):
            more = self._next(None)
            if not more:
                break
            first += more
        return first

    def on_result(self, params: dict[str, Any], metric: float | None) -> list[dict[str, Any]]:
        store = self.optimizer.trial_store
        assert store is not None and self.optimizer.final_store is not None
        trial = store.pop(Trial(dict(params)).trial_id, None) or Trial(dict(params))
        trial.final_metric = metric
        trial.status = Trial.FINALIZED if metric is not None else Trial.ERROR
        if metric is not None:
            self.optimizer.final_store.append(trial)
        return self._next(trial)

    def finalize(self) -> None:
        self.optimizer.finalize_experiment(self.optimizer.final_store)
