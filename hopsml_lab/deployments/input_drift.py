"""Drift of a deployment's inputs against the statistics of the training dataset its
model was trained on (the registry keeps the model's feature view and training dataset
version; the feature store keeps that version's descriptive statistics).

- numeric features: the population stability index (``psi``, as ``%validate`` computes
  it) over ten bins cut at the training data's deciles, the training shares taken from
  its 100 stored percentiles; drifted above 0.2;
- string and boolean features: the total variation distance (half the summed absolute
  differences of value shares) against the training data's top values, the rest pooled
  as one "other" value; drifted above 0.2.

Requests are read as hsml and the model server take them: TF Serving's ``instances`` /
``inputs`` (rows as lists or objects, or named columns) and V2's ``inputs`` tensors.
A row given as a list is read in the training dataset's column order (labels left out).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from ..catalog import ModelRecord
from ..lab import Lab
from ..validation.drift import Profile, distance
from ..validation.rule import DEFAULT_DRIFT

PSI_THRESHOLD = DEFAULT_DRIFT["psi"]
TV_THRESHOLD = 0.2
MIN_ROWS = 30  # fewer logged input rows in the window: no drift scores (too noisy)
DECILES = 10
OTHER = "\x00other"


class DriftRow(BaseModel):
    """One input feature's drift: ``reference`` and ``current`` are the means (numeric)
    or the share of the training data's most common value (categorical)."""

    feature: str
    statistic: str  # "psi" or "total_variation"
    reference: float | None
    current: float | None
    score: float
    threshold: float
    drifted: bool
    count: int  # input values in the window


@dataclass
class FeatureReference:
    """A training feature's distribution as its descriptive statistics keep it."""

    feature: str
    kind: str  # "numeric" or "categorical"
    mean: float | None = None
    percentiles: list[float] | None = None
    shares: dict[str, float] | None = None

    @classmethod
    def of(cls, stats: dict[str, Any]) -> FeatureReference | None:
        name = stats["feature_name"]
        pct = [p for p in stats.get("percentiles") or [] if p is not None]
        if len(pct) >= DECILES:
            return cls(name, "numeric", mean=stats.get("mean"), percentiles=pct)
        histogram = (stats.get("extended_statistics") or {}).get("histogram")
        if stats.get("feature_type") in ("String", "Boolean") and histogram:
            shares = {str(e["value"]): float(e["ratio"] or 0.0) for e in histogram}
            return cls(name, "categorical", shares=shares)
        return None


def training_reference(lab: Lab, model: ModelRecord) -> tuple[list[FeatureReference], str | None]:
    """The reference of ``model``'s input features, or ``([], why there is none)``."""
    where = f"model {model.name} version {model.version}"
    if not model.feature_view_name or model.training_dataset_version is None:
        return [], (
            f"{where} has no training dataset lineage: save it with "
            "mr.python.create_model(..., feature_view=fv, training_dataset_version=v) to "
            "compare its inputs with its training data"
        )
    views = lab.feature_views
    view = views.get_view(lab.project_id, model.feature_view_name, model.feature_view_version or 1)
    dataset = view and views.get_training_dataset(
        lab.project_id, view.id, view.name, model.training_dataset_version
    )
    stats = dataset and views.training_dataset_statistics(dataset.id)
    if not stats:
        return [], (
            f"training dataset version {model.training_dataset_version} of feature view "
            f"{model.feature_view_name} ({where}'s) is gone or has no statistics"
        )
    described = stats.get("feature_descriptive_statistics") or []
    for split in stats.get("split_statistics") or []:
        if split["name"] == "train" or not described:
            described = split["feature_descriptive_statistics"]
    assert view is not None
    by_name = {s["feature_name"]: s for s in described}
    left_out = {*view.labels, *view.training_helper_columns, *view.inference_helper_columns}
    # The model's inputs in the view's order (rows sent as lists are read so); a feature
    # without usable statistics (a timestamp, say) keeps its place but is not scored.
    names = [f.name for f in sorted(view.features, key=lambda f: f.index)]
    return [
        FeatureReference.of(by_name.get(name, {"feature_name": name}))
        or FeatureReference(name, "unknown")
        for name in names
        if name not in left_out
    ], None


# -- the logged requests' inputs -------------------------------------------------------


def _columns(value: dict[str, Any]) -> list[dict[str, Any]]:
    """Named columns ``{name: [v, ...]}`` as rows."""
    frame = pd.DataFrame({k: np.asarray(v).reshape(-1).tolist() for k, v in value.items()})
    return frame.to_dict("records")


def request_rows(protocol: str, text: str | None) -> list[Any]:
    """The input rows of one logged request (lists or ``{feature: value}``); [] when it
    holds none that can be read."""
    try:
        body = json.loads(text) if text else None
    except ValueError:
        return []
    if not isinstance(body, dict):
        return []
    try:
        if protocol == "v2":
            tensors = body.get("inputs") or []
            if len(tensors) == 1:
                data = np.asarray(tensors[0]["data"]).reshape(tensors[0]["shape"])
                return data.reshape(len(data), -1).tolist() if data.ndim else []
            return _columns({t["name"]: t["data"] for t in tensors})
        rows = body.get("instances", body.get("inputs"))
        if isinstance(rows, dict):
            return _columns(rows)
        if isinstance(rows, list):
            return rows if rows and isinstance(rows[0], (list, dict)) else [rows]
    except (KeyError, TypeError, ValueError):
        pass
    return []


def input_frame(
    logged: Iterable[tuple[str, str | None]], features: list[str]
) -> tuple[pd.DataFrame, str | None]:
    """The input rows of the logged ``(protocol, request)`` pairs as one frame with the
    reference's feature names, or an empty frame and why."""
    rows = [row for protocol, text in logged for row in request_rows(protocol, text)]
    if not rows:
        return pd.DataFrame(columns=features), "no readable inputs were logged in the window"
    listed = [r for r in rows if isinstance(r, list)]
    named = [r for r in rows if isinstance(r, dict)]
    widths = {len(r) for r in listed}
    if listed and widths != {len(features)}:
        return pd.DataFrame(columns=features), (
            f"requests send rows of {sorted(widths)} values but the training data has "
            f"{len(features)} features ({', '.join(features)}); send rows in that order, or "
            "objects naming the features"
        )
    frames = []
    if listed:
        frames.append(pd.DataFrame(listed, columns=features))
    if named:
        frames.append(pd.DataFrame(named).rename(columns=str.lower))
    return pd.concat(frames, ignore_index=True), None


# -- the scores ---------------------------------------------------------------------------


def _numeric(ref: FeatureReference, values: pd.Series) -> DriftRow | None:
    x = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    if not len(x):
        return None
    pct = np.asarray(ref.percentiles, dtype=float)
    edges = np.unique(pct[DECILES - 1 :: DECILES][: DECILES - 1])
    reference = np.bincount(np.searchsorted(edges, pct), minlength=len(edges) + 1)
    current = np.bincount(np.searchsorted(edges, x), minlength=len(edges) + 1)
    profile = Profile(ref.feature, "numeric", len(pct), edges.tolist(), reference.tolist())
    score, _ = distance(profile, current.tolist(), "psi")
    return DriftRow(
        feature=ref.feature,
        statistic="psi",
        reference=ref.mean,
        current=float(x.mean()),
        score=float(score or 0.0),
        threshold=PSI_THRESHOLD,
        drifted=bool(score is not None and score > PSI_THRESHOLD),
        count=len(x),
    )


def _categorical(ref: FeatureReference, values: pd.Series) -> DriftRow | None:
    values = values.dropna()
    if not len(values):
        return None
    shares = pd.Series(ref.shares, dtype=float)
    shares[OTHER] = max(0.0, 1.0 - shares.sum())
    text = values.map(lambda v: str(v).lower() if isinstance(v, bool) else str(v))
    current = text.where(text.isin(shares.index), OTHER).value_counts(normalize=True)
    current = current.reindex(shares.index, fill_value=0.0)
    score = 0.5 * float((shares - current).abs().sum())
    top = shares.drop(OTHER).idxmax()
    return DriftRow(
        feature=ref.feature,
        statistic="total_variation",
        reference=float(shares[top]),
        current=float(current[top]),
        score=score,
        threshold=TV_THRESHOLD,
        drifted=score > TV_THRESHOLD,
        count=len(values),
    )


def drift_rows(
    references: list[FeatureReference], logged: Iterable[tuple[str, str | None]]
) -> tuple[list[DriftRow], str | None]:
    """Each reference feature's drift over the logged requests, or ([], why not)."""
    frame, reason = input_frame(logged, [r.feature for r in references])
    if reason:
        return [], reason
    if len(frame) < MIN_ROWS:
        return [], f"{len(frame)} input rows in the window; drift needs {MIN_ROWS} or more"
    rows = []
    for ref in references:
        if ref.feature not in frame.columns or ref.kind == "unknown":
            continue
        score = (_numeric if ref.kind == "numeric" else _categorical)(ref, frame[ref.feature])
        if score is not None:
            rows.append(score)
    return rows, None if rows else "no logged input matches a training feature"
