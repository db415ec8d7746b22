"""hsfs' ``FeatureDescriptiveStatistics``: one feature's statistics in a ``Statistics``."""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from typing import Any

_SINGLE_VALUE_STATISTICS = [
    "count",
    "completeness",
    "num_non_null_values",
    "num_null_values",
    "approx_num_distinct_values",
    "min",
    "max",
    "sum",
    "mean",
    "std_dev",
    "stddev",
    "distinctness",
    "entropy",
    "uniqueness",
    "exact_num_distinct_values",
]


class FeatureDescriptiveStatistics:
    """Statistics of one feature, with hsfs 5.x's attribute names. ``feature_type`` is
    Deequ's: Integral, Fractional, Boolean or String (timestamps, dates and nested types
    too). ``std_dev`` is the population standard deviation, as Deequ computes it;
    ``percentiles`` 100 approximate percentiles (index 24: the 25th). ``extended_statistics``
    holds ``histogram`` (``[{"value", "count", "ratio"}]``: the 10 most frequent values of
    string/boolean features; equal-width bins labelled ``"lo to hi"`` for numbers when
    histograms are on) and ``correlations`` (``[{"column", "correlation"}]``, Pearson)."""

    _SINGLE_VALUE_STATISTICS = _SINGLE_VALUE_STATISTICS

    def __init__(
        self,
        feature_name: str,
        feature_type: str | None = None,
        count: int | None = None,
        completeness: float | None = None,
        num_non_null_values: int | None = None,
        num_null_values: int | None = None,
        approx_num_distinct_values: int | None = None,
        min: float | None = None,
        max: float | None = None,
        sum: float | None = None,
        mean: float | None = None,
        std_dev: float | None = None,
        percentiles: Mapping[str, float] | list[float] | None = None,
        distinctness: float | None = None,
        entropy: float | None = None,
        uniqueness: float | None = None,
        exact_num_distinct_values: int | None = None,
        extended_statistics: dict[str, Any] | str | None = None,
        id: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._id = id
        self._feature_type = feature_type
        self._feature_name = str(feature_name).lower().replace(" ", "_")
        self._count = count
        self._completeness = completeness
        self._num_non_null_values = num_non_null_values
        self._num_null_values = num_null_values
        self._approx_num_distinct_values = approx_num_distinct_values
        self._min = min
        self._max = max
        self._sum = sum
        self._mean = mean
        self._std_dev = std_dev if std_dev is not None else kwargs.get("stddev")
        self._percentiles = percentiles
        self._distinctness = distinctness
        self._entropy = entropy
        self._uniqueness = uniqueness
        self._exact_num_distinct_values = exact_num_distinct_values
        self._extended_statistics = (
            json.loads(extended_statistics)
            if isinstance(extended_statistics, str)
            else extended_statistics
        )

    def get_value(self, name: str) -> Any:
        stat_name = name.lower()
        if stat_name not in self._SINGLE_VALUE_STATISTICS:
            return None
        return getattr(self, "std_dev" if stat_name == "stddev" else stat_name)

    def to_dict(self) -> dict[str, Any]:
        result = {
            "id": self._id,
            "featureName": self._feature_name,
            "count": self._count,
            "featureType": self._feature_type,
            "min": self._min,
            "max": self._max,
            "sum": self._sum,
            "mean": self._mean,
            "stdDev": self._std_dev,
            "completeness": self._completeness,
            "numNonNullValues": self._num_non_null_values,
            "numNullValues": self._num_null_values,
            "distinctness": self._distinctness,
            "entropy": self._entropy,
            "uniqueness": self._uniqueness,
            "approxNumDistinctValues": self._approx_num_distinct_values,
            "exactNumDistinctValues": self._exact_num_distinct_values,
            "percentiles": self._percentiles,
        }
        if self._extended_statistics is not None:
            result["extendedStatistics"] = json.dumps(self._extended_statistics)
        return result

    def json(self) -> str:
        return json.dumps(self.to_dict())

    def __str__(self) -> str:
        return self.json()

    def __repr__(self) -> str:
        return f"FeatureDescriptiveStatistics({self._feature_name!r})"

    @property
    def id(self) -> int | None:
        return self._id

    @property
    def feature_type(self) -> str | None:
        """Integral, Fractional, Boolean or String."""
        return self._feature_type

    @property
    def feature_name(self) -> str:
        return self._feature_name

    @property
    def count(self) -> int | None:
        """Number of rows (null values included)."""
        return self._count

    @property
    def completeness(self) -> float | None:
        """Fraction of non-null values."""
        return self._completeness

    @property
    def num_non_null_values(self) -> int | None:
        return self._num_non_null_values

    @property
    def num_null_values(self) -> int | None:
        return self._num_null_values

    @property
    def approx_num_distinct_values(self) -> int | None:
        """Approximate number of distinct non-null values (HyperLogLog)."""
        return self._approx_num_distinct_values

    @property
    def min(self) -> float | None:
        return self._min

    @property
    def max(self) -> float | None:
        return self._max

    @property
    def sum(self) -> float | None:
        return self._sum

    @property
    def mean(self) -> float | None:
        return self._mean

    @property
    def std_dev(self) -> float | None:
        """Population standard deviation (Deequ's)."""
        return self._std_dev

    @property
    def stddev(self) -> float | None:
        """Deprecated alias of ``std_dev``."""
        warnings.warn("stddev is deprecated: use std_dev", DeprecationWarning, stacklevel=2)
        return self._std_dev

    @property
    def percentiles(self) -> Mapping[str, float] | list[float] | None:
        return self._percentiles

    @property
    def distinctness(self) -> float | None:
        """Distinct values over non-null values (with exact_uniqueness)."""
        return self._distinctness

    @property
    def entropy(self) -> float | None:
        """``-sum(p * ln p)`` over the values' frequencies (with exact_uniqueness)."""
        return self._entropy

    @property
    def uniqueness(self) -> float | None:
        """Values occurring exactly once over non-null values (with exact_uniqueness)."""
        return self._uniqueness

    @property
    def exact_num_distinct_values(self) -> int | None:
        return self._exact_num_distinct_values

    @property
    def extended_statistics(self) -> dict[str, Any] | None:
        """``histogram`` and ``correlations``, as hsfs keeps them."""
        return self._extended_statistics
