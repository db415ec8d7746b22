"""hsfs' ``TransformationStatistics``: the training-split statistics a transformation
function reads through its ``statistics`` argument.

``TransformationStatistics("feature")`` names the arguments that need statistics; once
the feature view is fitted, ``statistics.feature`` is a ``FeatureTransformationStatistics``
holding the statistics of whichever feature was passed for that argument
(``min_max_scaler("amount")`` reads ``statistics.feature.min`` = amount's minimum).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from typing import Any

__all__ = ["FeatureTransformationStatistics", "TransformationStatistics"]


def _snake(name: str) -> str:
    """``stdDev`` -> ``std_dev`` (hsfs decamelizes backend payloads with ``humps``)."""
    out = []
    for char in name:
        if char.isupper():
            out.append("_" + char.lower())
        else:
            out.append(char)
    return "".join(out).lstrip("_")


class FeatureTransformationStatistics:
    """The statistics of one feature that a transformation function can use. Every value
    is ``None`` until the training split is fitted. Numbers: ``min``, ``max``, ``sum``,
    ``mean``, ``std_dev`` (pandas' sample standard deviation, as hsfs' python engine
    computes it), ``percentiles`` (100 values; index ``i`` is the ``(i+1)``-th percentile,
    so 24/49/74 are the quartiles). Categories: ``unique_values`` and ``histogram``
    (``[{"value", "count", "ratio"}]``, most frequent first)."""

    extended_statistics: dict | str | None = None

    def __init__(
        self,
        feature_name: str,
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
        extended_statistics: dict | str | None = None,
        **kwargs: Any,
    ) -> None:
        self._feature_name = feature_name
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
        extended = (
            json.loads(extended_statistics)
            if isinstance(extended_statistics, str)
            else extended_statistics
        )
        extended = extended or {}
        self._correlations = extended.get("correlations")
        self._histogram = extended.get("histogram")
        self._kll = extended.get("kll")
        self._unique_values = extended.get("unique_values")

    @property
    def feature_name(self) -> str:
        """Name of the feature."""
        return self._feature_name

    @property
    def count(self) -> int | None:
        """Number of values (rows of the training split)."""
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
        """Standard deviation of the feature values."""
        return self._std_dev

    @property
    def stddev(self) -> float | None:
        """Deprecated alias of ``std_dev`` (as in hsfs 5.x)."""
        warnings.warn("stddev is deprecated: use std_dev", DeprecationWarning, stacklevel=2)
        return self._std_dev

    @property
    def percentiles(self) -> Mapping[str, float] | list[float] | None:
        return self._percentiles

    @property
    def distinctness(self) -> float | None:
        return self._distinctness

    @property
    def entropy(self) -> float | None:
        return self._entropy

    @property
    def uniqueness(self) -> float | None:
        return self._uniqueness

    @property
    def exact_num_distinct_values(self) -> int | None:
        return self._exact_num_distinct_values

    @property
    def correlations(self) -> dict | None:
        return self._correlations

    @property
    def histogram(self) -> list[dict[str, Any]] | None:
        return self._histogram

    @property
    def kll(self) -> dict | None:
        return self._kll

    @property
    def unique_values(self) -> list[Any] | None:
        """The distinct non-null values of the training split (for the encoders)."""
        return self._unique_values

    @classmethod
    def from_response_json(cls, json_dict: dict[str, Any]) -> FeatureTransformationStatistics:
        return cls(**{_snake(key): value for key, value in json_dict.items()})

    def __repr__(self) -> str:
        return f"FeatureTransformationStatistics({self._feature_name!r})"


class TransformationStatistics:
    """The statistics of every argument named in it, e.g.
    ``TransformationStatistics("feature1", "feature2")``; ``statistics.feature1`` is the
    ``FeatureTransformationStatistics`` of the feature passed for ``feature1``."""

    def __init__(self, *features: str) -> None:
        self._features = features
        self.__dict__.update({feature: self._init_statistics(feature) for feature in features})

    def _init_statistics(self, feature_name: str) -> FeatureTransformationStatistics:
        return FeatureTransformationStatistics(feature_name=feature_name)

    def set_statistics(
        self,
        feature_name: str,
        statistics: dict[str, Any] | FeatureTransformationStatistics,
    ) -> None:
        if isinstance(statistics, FeatureTransformationStatistics):
            self.__dict__[feature_name] = statistics
        else:
            self.__dict__[feature_name] = FeatureTransformationStatistics.from_response_json(
                statistics
            )

    def __repr__(self) -> str:
        return ",\n ".join(repr(self.__dict__[feature]) for feature in self._features)
