"""Asynchronous Bayesian optimization as maggy 1.1.2 runs it: a trial is proposed whenever
a slot frees up, never waiting for a batch.

The first ``num_warmup_trials`` are random, then a ``random_fraction`` of proposals stay
random; the rest come from a surrogate model fitted on the finished trials (the Gaussian
process also on the running ones, their metric imputed by a constant liar, so that it does
not propose the same point again). With a Hyperband schedule, the schedule decides each
trial's budget (``hparams['budget']``) and its promotions; new configurations come from
the model of the largest budget with enough observations. Metrics are turned into losses
(negated when maximizing), as maggy does.

Subclasses say how to fit a model (:meth:`fit`) and draw from it (:meth:`propose`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .bayes_space import UnitSpace
from .hyperband import IDLE, HyperbandSchedule

_RETRIES = 4  # maggy: a proposal already started is redrawn at random, then the search ends


@dataclass
class Trial:
    id: int
    params: dict[str, Any]  # as the train function gets them (with the budget, if any)
    budget: int  # 0 without Hyperband
    sample_type: str  # random, random_forced, model or promoted
    model_budget: int | None = None
    loss: float | None = None  # set when finished; None for a failed trial
    done: bool = False
    info: dict[str, Any] = field(default_factory=dict)


class AsyncBayes(ABC):
    """HopsML Lab's asynchronous optimizer (``initial(slots)``, ``on_result(params,
    metric)``) for a maggy search space."""

    uses_running = False  # whether the model is fitted on running trials with a liar

    def __init__(
        self,
        space: UnitSpace,
        num_trials: int,
        direction: str = "max",
        num_warmup_trials: int = 15,
        random_fraction: float = 0.33,
        schedule: HyperbandSchedule | None = None,
        seed: int | None = None,
    ) -> None:
        self.space, self.schedule = space, schedule
        self.num_trials = schedule.num_trials() if schedule is not None else num_trials
        self.sign = -1.0 if direction.lower() == "max" else 1.0
        self.random_fraction = random_fraction
        self.rng = np.random.default_rng(seed)
        self.warmup = [space.sample(self.rng) for _ in range(num_warmup_trials)]
        self.trials: list[Trial] = []
        self.slots = 0
        self.exhausted = False
        self.models: dict[int, Any] = {}
        if schedule is not None:
            schedule.trial_metric_getter = self.losses_of

    # -- HopsML Lab's optimizer interface ------------------------------------------------

    def initial(self, slots: int) -> list[dict[str, Any]]:
        self.slots = max(1, slots)
        return self._fill()

    def on_result(self, params: dict[str, Any], metric: float | None) -> list[dict[str, Any]]:
        trial = next((t for t in self.trials if not t.done and t.params == params), None)
        if trial is not None:
            trial.done = True
            trial.loss = None if metric is None else self.sign * float(metric)
        return self._fill()

    # -- observations -------------------------------------------------------------------

    def losses_of(self, ids: Any) -> dict[int, float]:
        """maggy's ``get_metrics_dict``: losses of the finished trials among ``ids``
        (a failed trial ranks last)."""
        wanted = set(ids) if isinstance(ids, (list, tuple, set)) else {ids}
        return {
            t.id: (np.inf if t.loss is None else t.loss)
            for t in self.trials
            if t.done and t.id in wanted
        }

    def observations(self, budget: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Encoded configurations and losses of the finished trials run on ``budget``
        (every budget when 0)."""
        done = [
            t
            for t in self.trials
            if t.done and t.loss is not None and np.isfinite(t.loss) and budget in (0, t.budget)
        ]
        x = np.array([self.encode(t.params) for t in done]).reshape(len(done), len(self.space))
        return x, np.array([t.loss for t in done], dtype=float)

    def running(self, budget: int = 0) -> list[Trial]:
        """Running trials the model proposed for ``budget`` (maggy's busy locations)."""
        return [
            t
            for t in self.trials
            if not t.done and t.sample_type == "model" and t.model_budget == budget
        ]

    def encode(self, params: dict[str, Any]) -> np.ndarray:
        return self.space.encode(params)

    # -- proposing ------------------------------------------------------------------------

    def _fill(self) -> list[dict[str, Any]]:
        proposed = []
        while not self.exhausted and sum(not t.done for t in self.trials) < self.slots:
            trial = self._next()
            if trial is None:
                break
            proposed.append(trial.params)
        return proposed

    def _next(self) -> Trial | None:
        if self.schedule is None:
            if len(self.trials) >= self.num_trials:
                return None
            return self._sampled(run_budget=0, model_budget=0)
        run = self.schedule.pruning_routine()
        if run is None or run == IDLE:
            return None
        if run["trial_id"] is not None:
            parent = self.trials[run["trial_id"]]
            base = {k: v for k, v in parent.params.items() if k != "budget"}
            trial = self._start(base, "promoted", run["budget"])
            self.schedule.report_trial(parent.id, trial.id)
            return trial
        trial = self._sampled(run_budget=run["budget"], model_budget=run["budget"])
        if trial is not None:
            self.schedule.report_trial(None, trial.id)
        return trial

    def _sampled(self, run_budget: int, model_budget: int) -> Trial | None:
        if self.warmup:
            config, kind, used = self.warmup.pop(), "random", None
        elif self.rng.random() < self.random_fraction:
            config, kind, used = self.space.sample(self.rng), "random", None
        else:
            used = self._model_budget(model_budget)
            if used is None:
                config, kind = self.space.sample(self.rng), "random"
            else:
                config, kind = self.propose(self.models[used], used), "model"
        for _ in range(_RETRIES):
            if not self._started(config):
                return self._start(config, kind, run_budget, used)
            config, kind, used = self.space.sample(self.rng), "random_forced", None
        self.exhausted = True  # maggy: most configurations have been used; stop proposing
        return None

    def _model_budget(self, budget: int) -> int | None:
        """Refit the model(s) and say which to sample from: the model for ``budget``
        without Hyperband; with it, the largest budget with enough observations."""
        candidates = (
            [budget] if self.schedule is None else sorted(set(self.schedule.budgets), reverse=True)
        )
        for candidate in candidates:
            model = self.fit(candidate)
            if model is not None:
                self.models[candidate] = model
                return candidate
        return None

    def _started(self, config: dict[str, Any]) -> bool:
        names = self.space.names
        key = [config[n] for n in names]
        return any([t.params[n] for n in names] == key for t in self.trials)

    def _start(
        self, config: dict[str, Any], kind: str, budget: int, model_budget: int | None = None
    ) -> Trial:
        params = dict(config)
        if budget > 0:
            params["budget"] = budget
        trial = Trial(len(self.trials), params, budget, kind, model_budget)
        self.trials.append(trial)
        return trial

    def best(self) -> Trial | None:
        finished = [t for t in self.trials if t.done and t.loss is not None]
        return min(finished, key=lambda t: t.loss) if finished else None

    @abstractmethod
    def fit(self, budget: int) -> Any | None:
        """A model of the trials on ``budget``; None while there are too few."""

    @abstractmethod
    def propose(self, model: Any, budget: int) -> dict[str, Any]:
        """The configuration the model finds most promising."""


def drive(
    optimizer: Any, objective: Any, slots: int = 1
) -> list[tuple[dict[str, Any], float | None]]:
    """Run an optimizer's loop in this process with ``slots`` trials in flight (the oldest
    finishes first), ``objective(params) -> metric``; the (params, metric) pairs in the
    order they finished. For tests and benchmarks of the search itself."""
    from collections import deque

    running = deque(optimizer.initial(slots))
    finished: list[tuple[dict[str, Any], float | None]] = []
    while running:
        params = running.popleft()
        metric = objective(params)
        finished.append((params, metric))
        running.extend(optimizer.on_result(params, metric))
    return finished


class RandomSampling(AsyncBayes):
    """Random configurations in the same loop (maggy's ``RandomSearch`` with a pruner:
    Hyperband proper)."""

    def fit(self, budget: int) -> None:
        return None

    def propose(self, model: Any, budget: int) -> dict[str, Any]:
        raise AssertionError("random sampling has no model to propose from")
