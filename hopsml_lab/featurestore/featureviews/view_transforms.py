"""The model-dependent transformation functions of a feature view, as the view uses
them: bound to its features and kept as JSON, fitted on the train split, applied to
every split and batch, and which of their outputs are labels (those of a
transformation that reads a label)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..transformations import engine as transformations
from ..transformations.engine import BoundTransform


def bind_to_json(items: Any, features: list[str]) -> list[dict[str, Any]]:
    """What the catalog keeps of ``items`` (a list, or hsfs 3.x's ``{feature: udf}``)
    bound to the view's ``features``."""
    if not items:
        return []
    return transformations.to_json(transformations.bind(items, features))


def load(stored: list[dict[str, Any]]) -> list[BoundTransform]:
    """The bound transformations a view keeps (empty: none)."""
    return transformations.from_json(stored) if stored else []


def fit(bound: list[BoundTransform], train: pd.DataFrame) -> dict[str, Any]:
    return transformations.fit(bound, train)


def apply(
    bound: list[BoundTransform],
    frame: pd.DataFrame,
    fitted: dict[str, Any] | None,
    context: dict[str, Any] | None = None,
) -> pd.DataFrame:
    if not bound:
        return frame
    return transformations.apply(bound, frame, fitted or {}, context)


def functions(bound: list[BoundTransform]) -> list[Any]:
    """hsfs' ``TransformationFunction`` objects of bound transformations."""
    return [item.function for item in bound]


def without_labels(bound: list[BoundTransform], labels: list[str]) -> list[BoundTransform]:
    """The transformations that take no label (what serving and batch data apply)."""
    return [item for item in bound if not any(n in labels for n in item.inputs)]


def label_columns(
    labels: list[str],
    after: list[str],
    bound: list[BoundTransform],
    fitted: dict[str, Any] | None = None,
) -> list[str]:
    """The label columns of a transformed frame: the labels still there, and the
    outputs of transformations that read a label."""
    if not labels:
        return []
    result = [c for c in after if c in labels]
    for item in bound:
        if any(n in labels for n in item.inputs):
            result += [c for c in item.outputs(fitted) if c in after and c not in result]
    return result
