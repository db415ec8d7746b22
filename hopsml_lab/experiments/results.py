"""What an experiment hands back: its trials' results and the best of them (a leaf:
the run, the progress views and the facades all read these)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TrialResult:
    key: str
    params: dict[str, Any]
    status: str
    results: dict[str, Any]
    metric: float | None
    duration_s: float
    error: str | None
    logdir: str


@dataclass
class ExperimentResult:
    """What a finished experiment hands back; shows itself as a table in a notebook."""

    id: str
    name: str
    status: str
    logdir: str
    metric_key: str | None
    duration_s: float
    trials: list[TrialResult] = field(default_factory=list)
    best: TrialResult | None = None

    def _repr_html_(self) -> str:
        rows = "".join(
            "<tr>"
            f"<td>{html.escape(t.key)}</td><td>{html.escape(t.status)}</td>"
            f"<td>{html.escape(_short(t.params))}</td>"
            f"<td>{html.escape(_short(t.results))}</td><td>{t.duration_s:.2f} s</td>"
            "</tr>"
            for t in self.trials
        )
        failed = "".join(
            f"<details><summary>{html.escape(t.key)} failed</summary>"
            f"<pre>{html.escape(t.error or '')}</pre></details>"
            for t in self.trials
            if t.error
        )
        return (
            f"<div class='hopsml-experiment-result' data-experiment-id='{html.escape(self.id)}'>"
            f"<b>Experiment {html.escape(self.name)}</b> ({html.escape(self.id)}): "
            f"{html.escape(self.status)} in {self.duration_s:.2f} s<br>"
            f"<code>{html.escape(self.logdir)}</code>"
            "<table><tr><th>trial</th><th>status</th><th>params</th><th>results</th>"
            f"<th>duration</th></tr>{rows}</table>{failed}</div>"
        )

    def __repr__(self) -> str:
        return f"ExperimentResult(id={self.id!r}, name={self.name!r}, status={self.status!r})"


def _short(values: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def pick_metric(results: dict[str, Any], metric_key: str | None) -> float | None:
    """The number that ranks a trial: ``metric_key``'s value, or a lone number."""
    if metric_key is not None:
        value = results.get(metric_key)
        return float(value) if isinstance(value, (int, float)) else None
    numbers = [v for v in results.values() if isinstance(v, (int, float))]
    return float(numbers[0]) if len(numbers) == 1 else None


def best_of(trials: Sequence[TrialResult], direction: str) -> TrialResult | None:
    """The finished trial with the best metric; the first of equals (as hops does)."""
    ranked = [t for t in trials if t.metric is not None and t.status == "finished"]
    if not ranked:
        return None
    sign = 1.0 if direction == "MAX" else -1.0
    return max(ranked, key=lambda t: sign * (t.metric or 0.0))
