"""hsfs' ``StatisticsConfig``: what statistics a feature group computes on each commit."""

from __future__ import annotations

import json
from typing import Any

from ..featurestore.featuregroups.statistics import StatisticsOptions


class StatisticsConfig:
    """``StatisticsConfig(enabled=True, correlations=False, histograms=False,
    exact_uniqueness=False, columns=None, kll=False, histogram_bins=None)`` as in hsfs
    5.x. ``columns`` limits the features described (empty: all); ``histogram_bins``
    sets the equal-width bins (default 20). ``kll`` is kept but no sketch is computed."""

    def __init__(
        self,
        enabled: bool = True,
        correlations: bool = False,
        histograms: bool = False,
        exact_uniqueness: bool = False,
        columns: list[str] | None = None,
        kll: bool = False,
        histogram_bins: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._enabled = enabled
        self.correlations = correlations
        self.histograms = histograms
        self.exact_uniqueness = exact_uniqueness
        self._columns = columns or []
        self.kll = kll
        self.histogram_bins = histogram_bins

    @classmethod
    def from_response_json(cls, json_dict: dict[str, Any]) -> StatisticsConfig:
        names = {"exactUniqueness": "exact_uniqueness", "histogramBins": "histogram_bins"}
        return cls(**{names.get(k, k): v for k, v in json_dict.items()})

    @classmethod
    def _coerce(cls, value: StatisticsConfig | dict[str, Any] | bool | None) -> StatisticsConfig:
        """What hsfs' ``statistics_config`` setter accepts: a config, a dict, a bool or None."""
        if isinstance(value, StatisticsConfig):
            return value
        if isinstance(value, dict):
            return cls(**value)
        if isinstance(value, bool):
            return cls(value)
        if value is None:
            return cls()
        raise TypeError(
            "The argument `statistics_config` has to be `None` of type `StatisticsConfig, "
            f"`bool` or `dict`, but is of type: `{type(value)}`"
        )

    def _options(self) -> StatisticsOptions:
        return StatisticsOptions(
            enabled=bool(self._enabled),
            correlations=bool(self._correlations),
            histograms=bool(self._histograms),
            exact_uniqueness=bool(self._exact_uniqueness),
            columns=[str(c).lower().replace(" ", "_") for c in self._columns or []],
            kll=bool(self._kll),
            histogram_bins=self._histogram_bins,
        )

    @classmethod
    def _from_options(cls, options: StatisticsOptions) -> StatisticsConfig:
        return cls(**options.to_dict())

    def to_dict(self) -> dict[str, Any]:
        the_dict: dict[str, Any] = {
            "enabled": self._enabled,
            "correlations": self._correlations,
            "histograms": self._histograms,
            "exactUniqueness": self._exact_uniqueness,
            "columns": self._columns,
        }
        if self._kll:
            the_dict["kll"] = self._kll
        if self._histogram_bins is not None:
            the_dict["histogramBins"] = self._histogram_bins
        return the_dict

    def json(self) -> str:
        return json.dumps(self.to_dict())

    @property
    def enabled(self) -> bool:
        """Enable statistics, by default this computes only descriptive statistics."""
        return self._enabled

    @enabled.setter
    def enabled(self, enabled: bool) -> None:
        self._enabled = enabled

    @property
    def correlations(self) -> bool:
        """Pearson correlations between each pair of numeric features."""
        return self._correlations

    @correlations.setter
    def correlations(self, correlations: bool) -> None:
        self._correlations = correlations

    @property
    def histograms(self) -> bool:
        """Equal-width histograms of numeric features."""
        return self._histograms

    @histograms.setter
    def histograms(self, histograms: bool) -> None:
        self._histograms = histograms

    @property
    def exact_uniqueness(self) -> bool:
        """Exact distinct values, distinctness, uniqueness and entropy per feature."""
        return self._exact_uniqueness

    @exact_uniqueness.setter
    def exact_uniqueness(self, exact_uniqueness: bool) -> None:
        self._exact_uniqueness = exact_uniqueness

    @property
    def columns(self) -> list[str]:
        """The features to describe (empty: all)."""
        return self._columns

    @columns.setter
    def columns(self, columns: list[str]) -> None:
        self._columns = columns

    @property
    def kll(self) -> bool:
        """Accepted as in hsfs; no KLL sketch is computed here."""
        return self._kll

    @kll.setter
    def kll(self, kll: bool) -> None:
        self._kll = kll

    @property
    def histogram_bins(self) -> int | None:
        """Number of histogram bins (None: 20)."""
        return self._histogram_bins

    @histogram_bins.setter
    def histogram_bins(self, histogram_bins: int | None) -> None:
        self._histogram_bins = histogram_bins

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StatisticsConfig) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return self.json()

    def __repr__(self) -> str:
        return (
            f"StatisticsConfig({self._enabled}, {self._correlations}, {self._histograms},"
            f" {self._exact_uniqueness}, {self._columns},"
            f" kll={self._kll}, histogram_bins={self._histogram_bins})"
        )
