"""The statistics transformation functions are fitted on, from the training split.

As hsfs' python engine computes them (pandas ``describe``): ``mean``, ``std_dev`` (sample
standard deviation, ddof=1), ``min``, ``max`` and the quartiles by linear interpolation.
Where hsfs' python engine fills the other 97 percentiles with zeros, all 100 are computed
here (index ``i``: the ``(i+1)``-th percentile, as Deequ lists them), so
``quantile_transformer``, ``rank_normalizer`` and ``winsorize`` work as they do on Spark.
Categories (``unique_values``, and a ``histogram`` of value counts, most frequent first,
ties by value) are computed for the features of ``label_encoder``/``one_hot_encoder``
(hsfs' rule), of ``top_k_categorical_binner``/``impute_mode``, and for every non-numeric
feature.

Everything is JSON-able: numpy scalars become Python values, NaN and infinities ``None``,
timestamps ISO strings. ``spark_stats`` computes the same on a Spark DataFrame and builds
the result with the same helpers (``base_statistics``, ``numeric_statistics``,
``category_statistics``).
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import numpy as np
import pandas as pd

from .errors import TransformationFunctionException

PERCENTILES = [(i + 1) / 100 for i in range(100)]
ENCODERS = frozenset({"label_encoder", "one_hot_encoder"})
HISTOGRAM_USERS = frozenset({"top_k_categorical_binner", "impute_mode"})


def plain(value: Any) -> Any:
    """``value`` as JSON holds it: Python scalars, ``None`` for NaN/NaT/inf."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (_dt.timedelta, pd.Timedelta)):
        return str(value)
    if isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def base_statistics(name: str, total: int, present: int) -> dict[str, Any]:
    """The counts every feature's statistics start with."""
    return {
        "feature_name": name,
        "count": total,
        "num_non_null_values": present,
        "num_null_values": total - present,
        "completeness": (present / total) if total else None,
    }


def numeric_statistics(
    low: Any, high: Any, total: Any, mean: Any, std: Any, percentiles: list[Any] | None
) -> dict[str, Any]:
    """A numeric feature's ``min`` … ``percentiles``, JSON-able (``None``: no finite
    values to take percentiles of)."""
    return {
        "min": plain(low),
        "max": plain(high),
        "sum": plain(total),
        "mean": plain(mean),
        "std_dev": plain(std),
        "percentiles": None if percentiles is None else [plain(v) for v in percentiles],
    }


def _sort_key(values: list[Any]) -> Any:
    """A key ordering ``values`` (sorted where they sort, else by type and text)."""
    try:
        sorted(values)
    except TypeError:
        return lambda v: (type(v).__name__, str(v))
    return lambda v: v


def category_statistics(
    name: str, values: list[Any], counts: list[int], present: int, ordered: bool
) -> dict[str, Any]:
    """Unique values and a histogram from each value's count: most frequent first, ties
    by value, so the order does not depend on the order rows were read in (both engines
    give the same). ``ordered``: the values must sort (the encoders sort them)."""
    unique = [plain(v) for v in values]
    try:
        unique_sorted = sorted(unique)
    except TypeError as e:
        if ordered:
            kinds = sorted({type(v).__name__ for v in unique})
            raise TransformationFunctionException(
                f"Feature '{name}' mixes values of types {', '.join(kinds)}, which an "
                "encoder cannot order: cast the feature to one type first."
            ) from e
        unique_sorted = sorted(unique, key=_sort_key(unique))
    key = _sort_key(unique)
    pairs = sorted(zip(unique, counts, strict=True), key=lambda p: (-int(p[1]), key(p[0])))
    histogram = [{"value": v, "count": int(c), "ratio": int(c) / present} for v, c in pairs]
    return {
        "exact_num_distinct_values": len(unique),
        "approx_num_distinct_values": len(unique),
        "extended_statistics": {"unique_values": unique_sorted, "histogram": histogram},
    }


def feature_statistics(
    name: str, series: pd.Series, categories: bool, ordered: bool = False
) -> dict[str, Any]:
    """One feature's statistics, shaped as ``FeatureTransformationStatistics`` takes them.
    ``categories``: also unique values and histogram; ``ordered``: the unique values must
    sort (the encoders sort them)."""
    present = series.dropna()
    n = len(present)
    stats = base_statistics(name, len(series), n)
    if _is_number(series) and n:
        values = present.astype("float64")
        finite = values[np.isfinite(values)]
        stats.update(
            numeric_statistics(
                values.min(),
                values.max(),
                values.sum(),
                values.mean(),
                values.std(ddof=1) if n > 1 else None,
                finite.quantile(PERCENTILES).tolist() if len(finite) else None,
            )
        )
    if categories:
        counts = present.value_counts(sort=False, dropna=True)
        stats.update(
            category_statistics(
                name, counts.index.tolist(), [int(c) for c in counts.tolist()], n, ordered
            )
        )
    return stats


def check_rows(rows: int) -> None:
    """Refuse an empty training split."""
    if rows == 0:
        raise TransformationFunctionException(
            "There is no data to compute the transformation functions' statistics from: the "
            "training split is empty."
        )


def check_columns(features: list[str], columns: list[str]) -> None:
    """Refuse a training split without the features to describe."""
    missing = [f for f in features if f not in columns]
    if missing:
        raise TransformationFunctionException(
            f"Feature(s) {', '.join(missing)} needed for transformation statistics are not "
            "in the training data.",
            missing_features=set(missing),
        )


def compute(
    frame: pd.DataFrame,
    features: list[str],
    encoder_features: set[str],
    histogram_features: set[str],
) -> dict[str, dict[str, Any]]:
    """The statistics of ``features`` in ``frame``."""
    check_rows(len(frame))
    check_columns(features, list(frame.columns))
    result = {}
    for name in features:
        series = frame[name]
        categories = (
            name in encoder_features or name in histogram_features or not _is_number(series)
        )
        result[name] = feature_statistics(
            name, series, categories, ordered=name in encoder_features
        )
    return result
