"""Reporting metric series from inside a trial.

>>> from hopsml_lab import tracking
>>> def train(lr=0.01):
...     for epoch in range(10):
...         tracking.log_metrics({"loss": 1 / (epoch + 1), "accuracy": epoch / 10}, step=epoch)
...     return {"accuracy": 0.9}
"""

from __future__ import annotations

from collections.abc import Mapping

from .engine.context import current_trial
from .errors import Conflict


class NotInTrialError(Conflict):
    """Metrics are reported from inside a trial (a function run by an experiment)."""


def _reporter():
    trial = current_trial()
    if trial is None:
        raise NotInTrialError(
            "log_metric works inside a trial: call it from the function you pass to "
            "experiment.launch / grid_search or define in a %%experiment cell"
        )
    return trial.reporter


def log_metric(name: str, value: float, step: int | None = None) -> None:
    """Add a point to the trial's series ``name`` (step counts up by itself when omitted)."""
    _reporter().log_metric(name, value, step)


def log_metrics(values: Mapping[str, float], step: int | None = None) -> None:
    reporter = _reporter()
    for name, value in values.items():
        reporter.log_metric(name, value, step)
