"""Hyperband's brackets, run asynchronously as maggy 1.1.2 runs them (BOHB's scheme).

Each bracket is one successive-halving iteration: ``n_configs[0]`` new configurations on
the smallest budget of the bracket, the best ``1/eta`` of them promoted to ``eta`` times the
budget, up to ``max_budget``. Brackets start in turn; a freed slot goes to the oldest
bracket with a run to start, else the next bracket starts, else it idles until a rung
finishes. Losses are minimized (a trial that failed counts as the worst).

>>> [(b.n_configs, b.budgets) for b in brackets(1, 9, 3, 3)]
[([9, 3, 1], [1, 3, 9]), ([5, 1], [3, 9]), ([3], [9])]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

IDLE = "IDLE"

# ``trial_metric_getter(ids)``: {trial id: loss} of those trials that have finished.
MetricGetter = Callable[[Any], dict[Any, float]]


def rung_budgets(min_budget: int, max_budget: int, eta: int) -> list[int]:
    """The budgets of the longest bracket, smallest first (maggy's formula, to the bit)."""
    rungs = -int(np.log(min_budget / max_budget) / np.log(eta)) + 1
    return np.array(
        max_budget * np.power(eta, -np.linspace(rungs - 1, 0, rungs)), dtype=int
    ).tolist()


class SHIteration:
    """One successive-halving bracket: configurations per rung and the budget of each."""

    INIT, RUNNING, FINISHED = "INIT", "RUNNING", "FINISHED"

    def __init__(
        self,
        n_configs: list[int],
        budgets: list[int],
        iteration_id: int,
        trial_metric_getter: MetricGetter | None = None,
        logger: Callable[[str], None] | None = None,
    ) -> None:
        self.iteration_id, self.state = iteration_id, SHIteration.INIT
        self.n_configs, self.budgets = n_configs, budgets
        self.n_rungs, self.current_rung = len(n_configs), 0
        self.actual_n_configs = [0] * self.n_rungs
        # per rung: {"original_trial_id": first rung's id, "actual_trial_id": this rung's}
        self.configs: dict[int, list[dict[str, Any]]] = {r: [] for r in range(self.n_rungs)}
        self.trial_metric_getter = trial_metric_getter
        self._log = logger or (lambda _message: None)

    def get_next_run(self) -> dict[str, Any] | None:
        """``{"trial_id": None | promoted id, "budget": b}``, or None while busy or done."""
        rung = self.current_rung
        if self.actual_n_configs[rung] < self.n_configs[rung]:
            if rung == 0:
                self.actual_n_configs[0] += 1
                return {"trial_id": None, "budget": self.budgets[0]}
            for entry in self.configs[rung]:
                if entry["actual_trial_id"] is None:
                    entry["actual_trial_id"] = _RESERVED
                    self.actual_n_configs[rung] += 1
                    return {"trial_id": entry["original_trial_id"], "budget": self.budgets[rung]}
            return None
        if self.promotable():
            self.promote()
            return self.get_next_run()
        if self.finished():
            self.state = SHIteration.FINISHED
            self._log(f"{self.iteration_id}. Iteration finished")
        return None

    def report_trial(self, original_trial_id: Any, new_trial_id: Any) -> None:
        """The trial started for the run :meth:`get_next_run` handed out last."""
        entries = self.configs[self.current_rung]
        if self.current_rung == 0:
            entries.append({"original_trial_id": new_trial_id, "actual_trial_id": new_trial_id})
            return
        for entry in entries:
            if entry["original_trial_id"] == original_trial_id:
                entry["actual_trial_id"] = new_trial_id
                return
        raise ValueError(
            f"trial {original_trial_id} was not promoted in iteration {self.iteration_id}"
        )

    def _losses(self, ids: list[Any]) -> dict[Any, float]:
        if self.trial_metric_getter is None:
            raise ValueError("Hyperband needs trial_metric_getter to rank the trials of a rung")
        return self.trial_metric_getter(ids)

    def _rung_done(self) -> bool:
        entries = self.configs[self.current_rung]
        if len(entries) < self.n_configs[self.current_rung]:
            return False
        ids = [e["actual_trial_id"] for e in entries]
        return _RESERVED not in ids and len(self._losses(ids)) == len(ids)

    def promotable(self) -> bool:
        """Every trial of the current rung has finished, and a rung follows."""
        return self.current_rung < self.n_rungs - 1 and self._rung_done()

    def promote(self) -> list[Any]:
        """Promote the best of the current rung to the next; their first-rung ids."""
        entries = self.configs[self.current_rung]
        losses = self._losses([e["actual_trial_id"] for e in entries])
        ranked = sorted(entries, key=lambda e: losses[e["actual_trial_id"]])
        chosen = [e["original_trial_id"] for e in ranked[: self.n_configs[self.current_rung + 1]]]
        self.current_rung += 1
        self.configs[self.current_rung] = [
            {"original_trial_id": trial_id, "actual_trial_id": None} for trial_id in chosen
        ]
        self._log(f"{self.iteration_id}. Iteration promoted {chosen} to rung {self.current_rung}")
        return chosen

    def finished(self) -> bool:
        return self.current_rung == self.n_rungs - 1 and self._rung_done()


_RESERVED = object()  # a promotion handed out whose trial is not reported yet


def brackets(
    min_budget: int,
    max_budget: int,
    eta: int,
    n_iterations: int,
    trial_metric_getter: MetricGetter | None = None,
    logger: Callable[[str], None] | None = None,
) -> list[SHIteration]:
    """Hyperband's ``n_iterations`` brackets, most aggressive first, cycling."""
    budgets = rung_budgets(min_budget, max_budget, eta)
    most = len(budgets)
    made = []
    for iteration in range(n_iterations):
        n_rungs = most - 1 - (iteration % most)
        n0 = int(np.floor(most / (n_rungs + 1)) * eta**n_rungs)
        ns = [max(int(n0 * eta ** (-i)), 1) for i in range(n_rungs + 1)]
        made.append(
            SHIteration(ns, budgets[-n_rungs - 1 :], iteration, trial_metric_getter, logger)
        )
    return made


class HyperbandSchedule:
    """Which run comes next across the brackets: ``pruning_routine()`` answers a new
    configuration's budget, a promotion, ``IDLE`` or None (all brackets finished)."""

    def __init__(
        self,
        min_budget: int,
        max_budget: int,
        eta: int,
        n_iterations: int,
        trial_metric_getter: MetricGetter | None = None,
    ) -> None:
        if not min_budget > 0:
            raise ValueError(f"Expected `min_budget` > 0, got {min_budget}")
        if min_budget >= max_budget:
            raise ValueError(
                f"max_budget needs to be larger than min_budget, got {max_budget}, {min_budget}"
            )
        if eta < 2:
            raise ValueError(f"Expected eta greater or equal to 2, got {eta}")
        if not isinstance(n_iterations, int) or n_iterations < 1:
            raise ValueError(
                f"n_iterations={n_iterations!r}: give a number of brackets of 1 or more"
            )
        self.min_budget, self.max_budget, self.eta = min_budget, max_budget, eta
        self.n_iterations = n_iterations  # brackets not started yet (maggy's counter)
        self.trial_metric_getter = trial_metric_getter
        self.budgets = rung_budgets(min_budget, max_budget, eta)
        self.max_sh_rungs = len(self.budgets)
        self.iterations = brackets(
            min_budget, max_budget, eta, n_iterations, self._metrics, self._log
        )
        self.updating_iteration: int | None = None
        self.start_next_iteration()

    def _metrics(self, ids: Any) -> dict[Any, float]:
        if self.trial_metric_getter is None:
            raise ValueError("Hyperband needs trial_metric_getter to rank the trials of a rung")
        return self.trial_metric_getter(ids)

    def _log(self, message: str) -> None:  # maggy writes pruner.log; nothing here
        return None

    def pruning_routine(self) -> dict[str, Any] | str | None:
        for iteration in self.active_iterations():
            run = iteration.get_next_run()
            if run is not None:
                self.updating_iteration = iteration.iteration_id
                return run
        if self.n_iterations > 0:
            self.start_next_iteration()
            return self.pruning_routine()
        return None if self.finished() else IDLE

    def active_iterations(self) -> list[SHIteration]:
        return [i for i in self.iterations if i.state == SHIteration.RUNNING]

    def start_next_iteration(self) -> None:
        for iteration in self.iterations:
            if iteration.state == SHIteration.INIT:
                iteration.state = SHIteration.RUNNING
                self.n_iterations -= 1
                return

    def finished(self) -> bool:
        return all(i.state == SHIteration.FINISHED or i.finished() for i in self.iterations)

    def num_trials(self) -> int:
        return sum(sum(i.n_configs) for i in self.iterations)

    def report_trial(self, original_trial_id: Any, new_trial_id: Any) -> None:
        if self.updating_iteration is None:
            raise ValueError("report_trial follows a run handed out by pruning_routine()")
        self.iterations[self.updating_iteration].report_trial(original_trial_id, new_trial_id)
        self.updating_iteration = None
