"""A notebook's own maggy early-stopping rule (an ``AbstractEarlyStop`` subclass), run
the way maggy 1.1.2's optimization driver runs it.

Once more than ``es_min`` trials have finished, each ``es_interval``-th metric report of
a running trial calls ``earlystop_check(to_check, finalized_trials, direction)`` with, as
maggy's driver passes them, the reporting trial (a maggy ``Trial`` with its
``metric_history``), the list of finished ``Trial`` objects (``FINALIZED``, with
``final_metric``) and ``'max'`` or ``'min'``. It returns None, a ``trial_id``, or a list of
them; those trials stop at their next report and are recorded as stopped early, as the
median rule's are. A rule that raises, or names a trial that is not running, fails the
experiment after its trials end, with an :class:`EarlyStopRuleError` naming the rule.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

from ...engine.reporter import Verdict
from ...engine.trial import TrialSpec
from ...errors import BadInput
from ...experiments.results import TrialResult
from ..trial import Trial


class EarlyStopRuleError(BadInput):
    """A notebook's early-stopping rule failed; the message names the rule and why."""


class CustomStoppingRule:
    """HopsML Lab's stopping-rule protocol around a maggy ``AbstractEarlyStop``."""

    decision_steps: tuple[int, ...] = ()  # trials never wait for it, as with maggy

    def __init__(self, policy: Any, direction: str, es_min: int = 10, es_interval: int = 1):
        self.name = (policy if isinstance(policy, type) else type(policy)).__name__
        self._check = policy.earlystop_check
        self.direction = direction.lower()
        self.es_min, self.es_interval = es_min, max(1, es_interval)
        self.running: dict[str, Trial] = {}
        self.finalized: list[Trial] = []
        self._stop: set[str] = set()  # the running trials' keys the rule stopped
        self.error: EarlyStopRuleError | None = None
        self._lock = threading.Lock()

    def trials_added(self, specs: Sequence[TrialSpec]) -> None:
        """maggy ``Trial`` objects for trials about to run."""
        with self._lock:
            for spec in specs:
                trial = Trial(dict(spec.params))
                trial.status = Trial.RUNNING
                self.running[spec.key] = trial

    def observe(self, key: str, values: Sequence[float]) -> Verdict | None:
        with self._lock:
            trial = self.running.get(key)
            if trial is None:
                return None
            before = len(trial.metric_history)
            for value in values:
                trial.append_metric({"step": len(trial.metric_history), "value": float(value)})
            step = len(trial.metric_history)
            due = step // self.es_interval > before // self.es_interval
            ready = len(self.finalized) > self.es_min  # maggy's es_min: more than it finished
            if due and ready and self.error is None and key not in self._stop:
                self._ask(trial)
            return Verdict(step, True) if key in self._stop else None

    def _ask(self, trial: Trial) -> None:
        try:
            returned = self._check(trial, list(self.finalized), self.direction)
        except Exception as error:  # the notebook's code: any failure is reported
            self._fail(f"raised {type(error).__name__}: {error}", error)
            return
        ids = [] if returned is None else [returned]
        if isinstance(returned, Iterable) and not isinstance(returned, str):
            ids = list(returned)
        by_id = {t.trial_id: key for key, t in self.running.items()}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            self._fail(
                f"returned {unknown!r}, not the trial_id of a running trial: return None, "
                "a running trial's trial_id (e.g. to_check.trial_id), or a list of them"
            )
            return
        for trial_id in ids:
            self.running[by_id[trial_id]].set_early_stop()
            self._stop.add(by_id[trial_id])

    def _fail(self, why: str, cause: BaseException | None = None) -> None:
        self.error = EarlyStopRuleError(
            f"the early-stopping rule {self.name}.earlystop_check(to_check, finalized_trials, "
            f"direction) {why}; fix the rule, or use es_policy='median' or 'none'"
        )
        self.error.__cause__ = cause

    def trial_recorded(self, result: TrialResult) -> None:
        """A trial that produced its metric joins the finished ones maggy's rule sees."""
        with self._lock:
            trial = self.running.get(result.key)
            if trial is not None and result.metric is not None:
                trial.status = Trial.FINALIZED
                trial.final_metric = result.metric
                self.finalized.append(trial)

    def finish(self, key: str) -> None:
        with self._lock:
            self.running.pop(key, None)
            self._stop.discard(key)

    def raise_if_failed(self) -> None:
        """After the trials: the rule's failure, if it failed."""
        if self.error is not None:
            raise self.error


__all__ = ["CustomStoppingRule", "EarlyStopRuleError"]
