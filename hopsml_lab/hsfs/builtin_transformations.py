"""hsfs' built-in transformation functions (``hsfs.builtin_transformations``), with the
same names, output types, modes, dropped inputs and results as hsfs 5.2.1.

Each reads the training split's statistics of the feature it is applied to
(``min_max_scaler("amount")``). Apart from the two scalers every built-in runs in pandas
mode. What each does with values it has no statistics for:

- scalers: no range / no spread -> the feature is only centred; no statistics -> as is;
- ``label_encoder``: a category unseen in training -> -1; null -> null (``Int64``);
- ``one_hot_encoder``: one boolean column per training category, sorted; unseen or null
  -> all False;
- binners: null -> null; no usable statistics -> bin 0.

These functions are stored and run from their source like any udf, so they import what
they use themselves and reference no module-level helper.
"""

import contextlib

import numpy as np
import pandas as pd

from hopsml_lab.hsfs.hopsworks_udf import udf
from hopsml_lab.hsfs.transformation_statistics import TransformationStatistics

__all__ = [
    "equal_frequency_binner",
    "equal_width_binner",
    "impute_category",
    "impute_constant",
    "impute_mean",
    "impute_median",
    "impute_mode",
    "label_encoder",
    "log_transform",
    "min_max_scaler",
    "one_hot_encoder",
    "quantile_binner",
    "quantile_transformer",
    "rank_normalizer",
    "robust_scaler",
    "standard_scaler",
    "top_k_categorical_binner",
    "winsorize",
]

feature_statistics = TransformationStatistics("feature")


@udf(float, drop=["feature"])
def min_max_scaler(feature, statistics=feature_statistics):
    """Scale to [0, 1] with the training minimum and maximum. A constant feature (or one
    without statistics) is only shifted by its minimum."""
    low = statistics.feature.min
    high = statistics.feature.max
    if pd.isna(low) or pd.isna(high) or high == low:
        return feature - (0 if pd.isna(low) else low)
    return (feature - low) / (high - low)


@udf(float, drop=["feature"])
def standard_scaler(feature, statistics=feature_statistics):
    """Centre on the training mean and divide by the training standard deviation. No
    mean: unchanged; no or zero standard deviation: only centred."""
    mean = statistics.feature.mean
    spread = statistics.feature.std_dev
    if pd.isna(mean):
        return feature
    if pd.isna(spread) or spread == 0:
        return feature - mean
    return (feature - mean) / spread


@udf(float, drop=["feature"], mode="pandas")
def robust_scaler(feature, statistics=feature_statistics):
    """Centre on the training median and divide by the interquartile range; a zero range
    only centres."""
    percentiles = statistics.feature.percentiles
    values = feature.astype("float64")
    if not percentiles or len(percentiles) < 75:
        return values
    q1, median, q3 = percentiles[24], percentiles[49], percentiles[74]
    spread = q3 - q1
    if pd.isna(spread) or spread == 0:
        return values - median
    return (values - median) / spread


@udf(int, drop=["feature"], mode="pandas")
def label_encoder(feature, statistics=feature_statistics):
    """The index of the value among the sorted training categories; -1 for a category
    not seen in training; null stays null."""
    index = {value: i for i, value in enumerate(sorted(statistics.feature.unique_values))}
    codes = [pd.NA if pd.isna(value) else index.get(value, -1) for value in feature]
    return pd.Series(codes, dtype="Int64", index=feature.index)


@udf(bool, drop=["feature"], mode="pandas")
def one_hot_encoder(feature, statistics=feature_statistics):
    """One boolean column per training category, in sorted order; a category not seen in
    training (or null) is False everywhere."""
    categories = list(statistics.feature.unique_values)
    dummies = pd.get_dummies(feature, dtype="bool").reindex(categories, axis=1, fill_value=False)
    return dummies.reindex(sorted(dummies.columns), axis=1)


@udf(float, drop=["feature"], mode="pandas")
def log_transform(feature):
    """Natural logarithm of positive values; zero, negative and null give NaN."""
    values = feature.astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(values > 0, np.log(values), np.nan)
    return pd.Series(logs, index=feature.index)


@udf(int, drop=["feature"], mode="pandas")
def equal_width_binner(feature, statistics=feature_statistics, context=None):
    """Bins of equal width between the training minimum and maximum (``context["n_bins"]``,
    default 10, at least 2); values outside fall in the first or last bin."""
    values = feature.astype("float64")
    low = statistics.feature.min
    high = statistics.feature.max
    if pd.isna(low) or pd.isna(high) or low == high:
        bins = pd.Series(0, index=feature.index, dtype="Int64")
        bins[values.isna()] = pd.NA
        return bins
    n_bins = 10
    with contextlib.suppress(ValueError, TypeError):
        n_bins = max(2, int((context or {}).get("n_bins", n_bins)))
    edges = np.linspace(low, high, num=n_bins + 1)
    edges[0] = -np.inf
    edges[-1] = np.inf
    binned = pd.cut(
        values, bins=edges, labels=False, include_lowest=True, right=True, duplicates="drop"
    )
    return binned.astype("Int64")


@udf(int, drop=["feature"], mode="pandas")
def equal_frequency_binner(feature, statistics=feature_statistics):
    """Up to four bins split at the training quartiles (fewer when quartiles coincide)."""
    values = feature.astype("float64")
    percentiles = statistics.feature.percentiles
    quartiles = (
        [percentiles[24], percentiles[49], percentiles[74]]
        if percentiles and len(percentiles) >= 75
        else None
    )
    if quartiles is None or any(pd.isna(quartiles)):
        bins = pd.Series(0, index=feature.index, dtype="Int64")
        bins[values.isna()] = pd.NA
        return bins
    edges = np.unique(np.array([-np.inf, *quartiles, np.inf]))
    binned = pd.cut(
        values, bins=edges, labels=False, include_lowest=True, right=True, duplicates="drop"
    )
    return binned.astype("Int64")


@udf(int, drop=["feature"], mode="pandas")
def quantile_binner(feature, statistics=feature_statistics):
    """Up to four bins split at the training quartiles (fewer when quartiles coincide)."""
    values = feature.astype("float64")
    percentiles = statistics.feature.percentiles
    quartiles = (
        [percentiles[24], percentiles[49], percentiles[74]]
        if percentiles and len(percentiles) >= 75
        else None
    )
    if quartiles is None or any(pd.isna(quartiles)):
        bins = pd.Series(0, index=feature.index, dtype="Int64")
        bins[values.isna()] = pd.NA
        return bins
    edges = np.unique(np.array([-np.inf, *quartiles, np.inf]))
    binned = pd.cut(
        values, bins=edges, labels=False, include_lowest=True, right=True, duplicates="drop"
    )
    return binned.astype("Int64")


@udf(float, drop=["feature"], mode="pandas")
def quantile_transformer(feature, statistics=feature_statistics):
    """The value's position in the training distribution, in [0, 1], interpolated between
    the training percentiles; a constant feature maps to 0.5."""
    values = feature.astype("float64")
    percentiles = statistics.feature.percentiles
    if not percentiles or len(percentiles) < 2:
        return values
    points = np.asarray(percentiles, dtype="float64")
    positions = np.linspace(0, 1, len(points))
    rising = np.concatenate(([True], np.diff(points) > 0))
    points, positions = points[rising], positions[rising]
    if len(points) < 2:
        return pd.Series(np.where(values.isna(), np.nan, 0.5), index=feature.index)
    result = np.full(len(values), np.nan)
    present = ~values.isna()
    if present.any():
        result[present] = np.interp(values[present].values, points, positions)
    return pd.Series(result, index=feature.index)


@udf(float, drop=["feature"], mode="pandas")
def rank_normalizer(feature, statistics=feature_statistics):
    """The fraction of training percentiles at or below the value, in [0, 1]."""
    values = feature.astype("float64")
    percentiles = statistics.feature.percentiles
    if not percentiles or len(percentiles) < 2:
        return values
    result = np.full(len(values), np.nan)
    present = ~values.isna()
    if present.any():
        ranks = np.searchsorted(percentiles, values[present].values, side="right")
        result[present] = np.clip(ranks / len(percentiles), 0.0, 1.0)
    return pd.Series(result, index=feature.index)


@udf(float, drop=["feature"], mode="pandas")
def winsorize(feature, statistics=feature_statistics, context=None):
    """Clip to training percentiles ``context["p_low"]`` and ``context["p_high"]``
    (percentile indices, default 1 and 99)."""
    values = feature.astype("float64")
    percentiles = statistics.feature.percentiles
    if not percentiles or len(percentiles) < 2:
        return values
    settings = context or {}
    low_index, high_index = 1, 99
    with contextlib.suppress(ValueError, TypeError):
        low_index = round(float(settings.get("p_low", low_index)))
    with contextlib.suppress(ValueError, TypeError):
        high_index = round(float(settings.get("p_high", high_index)))
    last = len(percentiles) - 1
    low_index = max(0, min(last, low_index))
    high_index = max(0, min(last, high_index))
    if low_index >= high_index:
        low_index, high_index = 1, min(99, last)
    lower, upper = percentiles[low_index], percentiles[high_index]
    if pd.isna(lower) or pd.isna(upper) or lower >= upper:
        return values
    return pd.Series(values.clip(lower=lower, upper=upper), index=feature.index)


@udf(str, drop=["feature"], mode="pandas")
def top_k_categorical_binner(feature, statistics=feature_statistics, context=None):
    """Keep the ``context["top_n"]`` (default 10) most frequent training categories; every
    other value becomes ``context["other_label"]`` (default ``"Other"``)."""
    settings = context or {}
    top_n = settings.get("top_n", 10)
    other_label = settings.get("other_label", "Other")
    histogram = statistics.feature.histogram
    if histogram is not None and isinstance(histogram, list):
        ranked = sorted(histogram, key=lambda item: item.get("count", 0), reverse=True)
        keep = {item["value"] for item in ranked[:top_n]}
    elif statistics.feature.unique_values is not None:
        keep = set(list(statistics.feature.unique_values)[:top_n])
    else:
        return feature

    def bucket(value):
        if pd.isna(value):
            return pd.NA
        return value if value in keep else other_label

    return feature.map(bucket)


@udf(float, drop=["feature"], mode="pandas")
def impute_mean(feature, statistics=feature_statistics):
    """Nulls become the training mean."""
    mean = statistics.feature.mean
    values = feature.astype("float64")
    return values if pd.isna(mean) else values.fillna(mean)


@udf(float, drop=["feature"], mode="pandas")
def impute_median(feature, statistics=feature_statistics):
    """Nulls become the training median."""
    percentiles = statistics.feature.percentiles
    median = percentiles[49] if percentiles and len(percentiles) > 49 else None
    values = feature.astype("float64")
    return values if median is None or pd.isna(median) else values.fillna(median)


@udf(float, drop=["feature"], mode="pandas")
def impute_constant(feature, context=None):
    """Nulls become ``context["value"]`` (default 0.0)."""
    fill = 0.0
    with contextlib.suppress(ValueError, TypeError):
        fill = float((context or {}).get("value", fill))
    return feature.astype("float64").fillna(fill)


@udf(str, drop=["feature"], mode="pandas")
def impute_mode(feature, statistics=feature_statistics):
    """Nulls become the most frequent training category (as a string)."""
    histogram = statistics.feature.histogram
    if not histogram:
        return feature.astype(str).where(feature.notna(), other=pd.NA)
    ranked = sorted(histogram, key=lambda item: item["count"], reverse=True)
    return feature.where(feature.notna(), other=str(ranked[0]["value"]))


@udf(str, drop=["feature"], mode="pandas")
def impute_category(feature, context=None):
    """Nulls become ``context["value"]`` (default ``"__MISSING__"``)."""
    sentinel = str((context or {}).get("value", "__MISSING__"))
    return feature.where(feature.notna(), other=sentinel)
