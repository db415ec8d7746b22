"""The built-in transformation functions on one value, for feature vectors.

Each gives what the built-in's own (pandas) source gives on a one-row frame, with a missing
result as ``None`` and Python scalars instead of numpy ones; the tests check this value by
value. A function here takes the value, the feature's fitted statistics, the context and a
memo dict (kept with the fitted statistics, for what only depends on them) and returns the
list of outputs.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...hsfs.transformation_statistics import FeatureTransformationStatistics as Stats

Native = Callable[[Any, Stats, dict[str, Any], dict[str, Any]], list[Any]]


def missing(value: Any) -> bool:
    """pandas' ``isna`` for one value, without pandas' per-call cost."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        result = value != value
    except Exception:
        return False
    return result is True or (isinstance(result, np.bool_) and bool(result))


def _py(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def _float(value: Any) -> float:
    return float(value)


def min_max_scaler(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if missing(x):
        return [None]
    low, high = s.min, s.max
    if missing(low) or missing(high) or high == low:
        return [_py(x - (0 if missing(low) else low))]
    return [_py((x - low) / (high - low))]


def standard_scaler(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    mean, spread = s.mean, s.std_dev
    if missing(x):
        return [None]
    if missing(mean):
        return [_py(x)]
    if missing(spread) or spread == 0:
        return [_py(x - mean)]
    return [_py((x - mean) / spread)]


def _quartiles(s: Stats) -> list[Any] | None:
    p = s.percentiles
    return [p[24], p[49], p[74]] if p and len(p) >= 75 else None


def robust_scaler(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if missing(x):
        return [None]
    v = _float(x)
    q = _quartiles(s)
    if q is None:
        return [v]
    spread = q[2] - q[0]
    if missing(spread) or spread == 0:
        return [v - q[1]]
    return [(v - q[1]) / spread]


def label_encoder(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    index = memo.get("index")
    if index is None:
        index = memo["index"] = {v: i for i, v in enumerate(sorted(s.unique_values))}
    if missing(x):
        return [None]
    return [index.get(x, -1)]


def one_hot_encoder(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    position = memo.get("position")
    if position is None:
        position = memo["position"] = {v: i for i, v in enumerate(sorted(s.unique_values))}
    out = [False] * len(position)
    if not missing(x):
        i = position.get(x)
        if i is not None:
            out[i] = True
    return out


def log_transform(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if missing(x):
        return [None]
    v = _float(x)
    if not v > 0:
        return [None]
    return [float(np.log(np.array([v]))[0])]


def _bin(edges: list[float], v: float) -> int:
    """``pd.cut(..., right=True, include_lowest=True, labels=False)`` for one value."""
    return max(0, bisect.bisect_left(edges, v) - 1)


def equal_width_binner(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if missing(x):
        return [None]
    v = _float(x)
    low, high = s.min, s.max
    if missing(low) or missing(high) or low == high:
        return [0]
    n_bins = 10
    with contextlib.suppress(ValueError, TypeError):
        n_bins = max(2, int((ctx or {}).get("n_bins", n_bins)))
    key = ("edges", n_bins)
    edges = memo.get(key)
    if edges is None:
        array = np.linspace(low, high, num=n_bins + 1)
        array[0] = -np.inf
        array[-1] = np.inf
        edges = memo[key] = np.unique(array).tolist()
    return [_bin(edges, v)]


def _quartile_binner(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if missing(x):
        return [None]
    v = _float(x)
    q = _quartiles(s)
    if q is None or any(missing(e) for e in q):
        return [0]
    edges = memo.get("edges")
    if edges is None:
        edges = memo["edges"] = np.unique(np.array([-np.inf, *q, np.inf])).tolist()
    return [_bin(edges, v)]


equal_frequency_binner = _quartile_binner
quantile_binner = _quartile_binner


def quantile_transformer(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if missing(x):
        return [None]
    v = _float(x)
    p = s.percentiles
    if not p or len(p) < 2:
        return [v]
    grid = memo.get("grid")
    if grid is None:
        points = np.asarray(p, dtype="float64")
        positions = np.linspace(0, 1, len(points))
        rising = np.concatenate(([True], np.diff(points) > 0))
        grid = memo["grid"] = (points[rising], positions[rising])
    points, positions = grid
    if len(points) < 2:
        return [0.5]
    return [float(np.interp(np.array([v]), points, positions)[0])]


def rank_normalizer(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if missing(x):
        return [None]
    v = _float(x)
    p = s.percentiles
    if not p or len(p) < 2:
        return [v]
    ordered = memo.get("ordered")
    if ordered is None:
        ordered = memo["ordered"] = all(a <= b for a, b in itertools.pairwise(p))
    rank = bisect.bisect_right(p, v) if ordered else int(np.searchsorted(p, v, side="right"))
    return [min(1.0, max(0.0, rank / len(p)))]


def winsorize(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if missing(x):
        return [None]
    v = _float(x)
    p = s.percentiles
    if not p or len(p) < 2:
        return [v]
    settings = ctx or {}
    lo, hi = 1, 99
    with contextlib.suppress(ValueError, TypeError):
        lo = round(float(settings.get("p_low", lo)))
    with contextlib.suppress(ValueError, TypeError):
        hi = round(float(settings.get("p_high", hi)))
    last = len(p) - 1
    lo, hi = max(0, min(last, lo)), max(0, min(last, hi))
    if lo >= hi:
        lo, hi = 1, min(99, last)
    lower, upper = p[lo], p[hi]
    if missing(lower) or missing(upper) or lower >= upper:
        return [v]
    return [float(min(max(v, lower), upper))]


def top_k_categorical_binner(
    x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]
) -> list[Any]:
    settings = ctx or {}
    top_n = settings.get("top_n", 10)
    other = settings.get("other_label", "Other")
    key = ("keep", top_n)
    keep = memo.get(key)
    if keep is None:
        histogram = s.histogram
        if histogram is not None and isinstance(histogram, list):
            ranked = sorted(histogram, key=lambda item: item.get("count", 0), reverse=True)
            keep = {item["value"] for item in ranked[:top_n]}
        elif s.unique_values is not None:
            keep = set(list(s.unique_values)[:top_n])
        else:
            keep = False  # no statistics: values pass unchanged
        memo[key] = keep
    if keep is False:
        return [None if missing(x) else _py(x)]
    if missing(x):
        return [None]
    return [_py(x) if x in keep else other]


def impute_mean(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if missing(x):
        return [None if missing(s.mean) else float(s.mean)]
    return [_float(x)]


def impute_median(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if missing(x):
        p = s.percentiles
        median = p[49] if p and len(p) > 49 else None
        return [None if median is None or missing(median) else float(median)]
    return [_float(x)]


def impute_constant(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if not missing(x):
        return [_float(x)]
    fill = 0.0
    with contextlib.suppress(ValueError, TypeError):
        fill = float((ctx or {}).get("value", fill))
    return [fill]


def impute_mode(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    histogram = s.histogram
    if not histogram:
        return [None if missing(x) else str(x)]
    if not missing(x):
        return [_py(x)]
    mode = memo.get("mode")
    if mode is None:
        ranked = sorted(histogram, key=lambda item: item["count"], reverse=True)
        mode = memo["mode"] = str(ranked[0]["value"])
    return [mode]


def impute_category(x: Any, s: Stats, ctx: dict[str, Any], memo: dict[str, Any]) -> list[Any]:
    if not missing(x):
        return [_py(x)]
    return [str((ctx or {}).get("value", "__MISSING__"))]


NATIVE: dict[str, Native] = {
    "min_max_scaler": min_max_scaler,
    "standard_scaler": standard_scaler,
    "robust_scaler": robust_scaler,
    "label_encoder": label_encoder,
    "one_hot_encoder": one_hot_encoder,
    "log_transform": log_transform,
    "equal_width_binner": equal_width_binner,
    "equal_frequency_binner": equal_frequency_binner,
    "quantile_binner": quantile_binner,
    "quantile_transformer": quantile_transformer,
    "rank_normalizer": rank_normalizer,
    "winsorize": winsorize,
    "top_k_categorical_binner": top_k_categorical_binner,
    "impute_mean": impute_mean,
    "impute_median": impute_median,
    "impute_constant": impute_constant,
    "impute_mode": impute_mode,
    "impute_category": impute_category,
}
