"""An ablation study as one experiment: a base trial with every component, and one
trial per component left out (a feature, a layer, a layer group, or a custom model).
Each trial is recorded as any experiment trial, its ablated component as its
parameters (``ablated_feature``, ``ablated_layer``; ``"None"`` for what it keeps), and
the study ends with each trial's metric set against the base trial's.

>>> base = AblationTrial("None", "None", print, print)
>>> base.params, base.component
({'ablated_feature': 'None', 'ablated_layer': 'None'}, 'base (nothing removed)')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..lab import Lab
from .results import ExperimentResult, TrialResult
from .run import ExperimentError, ExperimentRun

NONE = "None"  # maggy's value for a component a trial keeps
KIND = "maggy_ablation"


@dataclass(frozen=True)
class AblationTrial:
    """One trial: what it leaves out, and the functions that give it data and a model."""

    ablated_feature: str
    ablated_layer: str
    dataset_function: Callable[..., Any]
    model_function: Callable[[], Any] | None

    @property
    def params(self) -> dict[str, str]:
        return {"ablated_feature": self.ablated_feature, "ablated_layer": self.ablated_layer}

    @property
    def component(self) -> str:
        return component_of(self.params)


def component_of(params: dict[str, Any]) -> str:
    """What a trial left out, in words."""
    removed = [
        f"{what} {params.get(key)}"
        for key, what in (("ablated_feature", "feature"), ("ablated_layer", "layer"))
        if params.get(key, NONE) != NONE
    ]
    return ", ".join(removed) or "base (nothing removed)"


def run_ablation(
    lab: Lab,
    trial_fn: Callable[..., Any],
    trials: Sequence[AblationTrial],
    name: str,
    description: str | None,
    metric_key: str,
    direction: str,
) -> ExperimentResult:
    """Run every trial on the slots as one experiment (``trial_fn`` takes the trial's
    params and ``reporter``)."""
    labels = [(t.ablated_feature, t.ablated_layer) for t in trials]
    if not trials:
        raise ExperimentError("the ablation study has no trials: include features or layers")
    if len(set(labels)) != len(labels):
        twice = sorted({f"{f}/{layer}" for f, layer in labels if labels.count((f, layer)) > 1})
        raise ExperimentError(
            f"the ablator made the same trial twice ({', '.join(twice)}): each ablated "
            "component may be left out once"
        )
    run = ExperimentRun(lab, trial_fn, name, KIND, description, metric_key, direction)
    return run.complete(lambda: run.run_round([t.params for t in trials]))


@dataclass(frozen=True)
class ComponentResult:
    """One trial's metric next to the base trial's."""

    component: str
    metric: float | None
    change: float | None  # metric minus the base trial's metric
    error: str | None


def compare(trials: Sequence[TrialResult]) -> list[ComponentResult]:
    """Each trial against the base (the one leaving nothing out), base first."""
    base = next((t for t in trials if component_of(t.params) == component_of({})), None)
    reference = base.metric if base is not None else None
    ordered = sorted(trials, key=lambda t: t is not base)
    return [
        ComponentResult(
            component_of(t.params),
            t.metric,
            None if t.metric is None or reference is None else t.metric - reference,
            (t.error or "").strip().splitlines()[-1] if t.error else None,
        )
        for t in ordered
    ]


def comparison_table(rows: Sequence[ComponentResult], metric_key: str) -> str:
    """The comparison as text: one line per trial."""
    width = max([len("removed"), *(len(r.component) for r in rows)])
    lines = [f"{'removed':<{width}}  {metric_key:>12}  {'vs base':>12}"]
    for row in rows:
        metric = "failed" if row.metric is None else f"{row.metric:.6g}"
        change = "" if row.change is None else f"{row.change:+.6g}"
        note = f"  ({row.error})" if row.error else ""
        lines.append(f"{row.component:<{width}}  {metric:>12}  {change:>12}{note}")
    return "\n".join(lines)
