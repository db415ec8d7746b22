"""hsfs' ``SplitStatistics``: the descriptive statistics of one training dataset split."""

from __future__ import annotations

import json
from typing import Any

from .core.feature_descriptive_statistics import FeatureDescriptiveStatistics


class SplitStatistics:
    """``name`` of the split and its ``feature_descriptive_statistics``."""

    def __init__(
        self,
        name: str,
        feature_descriptive_statistics: list[FeatureDescriptiveStatistics | dict[str, Any]],
        **kwargs: Any,
    ) -> None:
        self._name = name
        self._feature_descriptive_statistics = [
            f if isinstance(f, FeatureDescriptiveStatistics) else FeatureDescriptiveStatistics(**f)
            for f in feature_descriptive_statistics
        ]

    @property
    def name(self) -> str:
        return self._name

    @property
    def feature_descriptive_statistics(self) -> list[FeatureDescriptiveStatistics]:
        return self._feature_descriptive_statistics

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self._name,
            "featureDescriptiveStatistics": [
                f.to_dict() for f in self._feature_descriptive_statistics
            ],
        }

    def json(self) -> str:
        return json.dumps(self.to_dict())

    def __repr__(self) -> str:
        return f"SplitStatistics({self._name!r})"
