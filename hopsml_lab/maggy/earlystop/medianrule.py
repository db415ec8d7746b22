"""maggy's median stopping rule, kept at maggy's module path.

It is HopsML Lab's rule (a trial whose best so far is worse than the median finished trials
had after as many reports stops), with maggy's static ``earlystop_check`` on maggy
``Trial`` objects as well.
"""

from __future__ import annotations

import statistics
from typing import Any

from ...experiments.early_stopping import MedianStoppingRule as _MedianRule
from .abstractearlystop import AbstractEarlyStop


class MedianStoppingRule(_MedianRule, AbstractEarlyStop):
    def __init__(
        self, direction: str = "max", es_min: int = 10, es_interval: int = 1, grace_period: int = 1
    ) -> None:
        super().__init__(direction, es_min, es_interval, grace_period)

    @staticmethod
    def earlystop_check(to_check: Any, finalized_trials: list[Any], direction: str) -> Any:
        """maggy's check: ``to_check.trial_id`` when its best metric so far is worse than
        the median of the finished trials' mean over as many steps, else None."""
        step = len(to_check.metric_history)
        means = [
            sum(t.metric_history[:step]) / step
            for t in finalized_trials
            if step and len(t.metric_history) >= step
        ]
        if not means:
            return None
        median = statistics.median(means)
        if direction == "max" and max(to_check.metric_history) < median:
            return to_check.trial_id
        if direction == "min" and min(to_check.metric_history) > median:
            return to_check.trial_id
        return None


__all__ = ["MedianStoppingRule"]
