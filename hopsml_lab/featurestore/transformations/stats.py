"""The statistics transformation functions are fitted on, from the training split.

As hsfs' python engine computes them (pandas ``describe``): ``mean``, ``std_dev`` (sample
standard deviation, ddof=1), ``min``, ``max`` and the quartiles by linear interpolation.
Where hsfs' python engine fills the other 97 percentiles with zeros, all 100 are computed
here (index ``i``: the ``(i+1)``-th percentile, as Deequ lists them), so
``quantile_transformer``, ``rank_normalizer`` and ``winsorize`` work as they do on Spark.
Categories (``unique_values``, and a ``histogram`` of value counts, most frequent first)
are computed for the features of ``label_encoder``/``one_hot_encoder`` (hsfs' rule), of
``top_k_categorical_binner``/``impute_mode``, and for every non-numeric feature.

Everything is JSON-able: numpy scalars become Python values, NaN and infinities ``None``,
timestamps ISO strings.
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


def feature_statistics(
    name: str, series: pd.Series, categories: bool, ordered: bool = False
) -> dict[str, Any]:
    """One feature's statistics, shaped as ``FeatureTransformationStatistics`` takes them.
    ``categories``: also unique values and histogram; ``ordered``: the unique values must
    sort (the encoders sort them)."""
    total = len(series)
    present = series.dropna()
    n = len(present)
    stats: dict[str, Any] = {
        "feature_name": name,
        "count": total,
        "num_non_null_values": n,
        "num_null_values": total - n,
        "completeness": (n / total) if total else None,
    }
    if _is_number(series) and n:
        values = present.astype("float64")
        finite = values[np.isfinite(values)]
        stats.update(
            min=plain(values.min()),
            max=plain(values.max()),
            sum=plain(values.sum()),
            mean=plain(values.mean()),
            std_dev=plain(values.std(ddof=1)) if n > 1 else None,
            percentiles=[plain(v) for v in finite.quantile(PERCENTILES).tolist()]
            if len(finite)
            else None,
        )
    if categories:
        counts = present.value_counts(sort=False, dropna=True)
        order = sorted(range(len(counts)), key=lambda i: -int(counts.iloc[i]))
        histogram = [
            {
                "value": plain(counts.index[i]),
                "count": int(counts.iloc[i]),
                "ratio": int(counts.iloc[i]) / n,
            }
            for i in order
        ]
        unique = [item["value"] for item in histogram]
        try:
            unique = sorted(unique)
        except TypeError as e:
            if ordered:
                kinds = sorted({type(v).__name__ for v in unique})
                raise TransformationFunctionException(
                    f"Feature '{name}' mixes values of types {', '.join(kinds)}, which an "
                    "encoder cannot order: cast the feature to one type first."
                ) from e
        stats["exact_num_distinct_values"] = len(unique)
        stats["approx_num_distinct_values"] = len(unique)
        stats["extended_statistics"] = {"unique_values": unique, "histogram": histogram}
    return stats


def compute(
    frame: pd.DataFrame,
    features: list[str],
    encoder_features: set[str],
    histogram_features: set[str],
) -> dict[str, dict[str, Any]]:
    """The statistics of ``features`` in ``frame``."""
    if len(frame) == 0:
        raise TransformationFunctionException(
            "There is no data to compute the transformation functions' statistics from: the "
            "training split is empty."
        )
    missing = [f for f in features if f not in frame.columns]
    if missing:
        raise TransformationFunctionException(
            f"Feature(s) {', '.join(missing)} needed for transformation statistics are not "
            "in the training data.",
            missing_features=set(missing),
        )
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
