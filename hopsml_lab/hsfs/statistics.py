"""hsfs' ``Statistics``: the descriptive statistics of one feature group commit."""

from __future__ import annotations

import json
from typing import Any

from .core.feature_descriptive_statistics import FeatureDescriptiveStatistics


class Statistics:
    """Statistics computed on a commit: ``computation_time`` (epoch ms),
    ``window_end_commit_time`` (the commit's id), ``feature_group_id`` and
    ``feature_descriptive_statistics`` (one ``FeatureDescriptiveStatistics`` per feature)."""

    DEFAULT_ROW_PERCENTAGE = 1.0

    def __init__(
        self,
        computation_time: int,
        row_percentage: float = 1.0,
        feature_descriptive_statistics: FeatureDescriptiveStatistics
        | list[FeatureDescriptiveStatistics]
        | list[dict[str, Any]]
        | None = None,
        feature_group_id: int | None = None,
        window_start_commit_time: int | None = None,
        window_end_commit_time: int | None = None,
        window_start_event_time: int | None = None,
        window_end_event_time: int | None = None,
        event_time: str | None = None,
        feature_view_name: str | None = None,
        feature_view_version: int | None = None,
        training_dataset_version: int | None = None,
        split_statistics: list[Any] | None = None,
        before_transformation: bool = False,
        **kwargs: Any,
    ) -> None:
        self._computation_time = computation_time
        self._row_percentage = row_percentage
        if isinstance(feature_descriptive_statistics, FeatureDescriptiveStatistics):
            feature_descriptive_statistics = [feature_descriptive_statistics]
        self._feature_descriptive_statistics = (
            None
            if feature_descriptive_statistics is None
            else [
                f
                if isinstance(f, FeatureDescriptiveStatistics)
                else FeatureDescriptiveStatistics(**f)
                for f in feature_descriptive_statistics
            ]
        )
        self._feature_group_id = feature_group_id
        self._window_start_commit_time = window_start_commit_time
        self._window_end_commit_time = window_end_commit_time
        self._window_start_event_time = window_start_event_time
        self._window_end_event_time = window_end_event_time
        self._event_time = event_time
        self._feature_view_name = feature_view_name
        self._feature_view_version = feature_view_version
        self._training_dataset_version = training_dataset_version
        self._split_statistics = split_statistics
        self._before_transformation = before_transformation

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "computationTime": self._computation_time,
            "rowPercentage": self._row_percentage,
            "beforeTransformation": self._before_transformation,
        }
        if self._window_start_commit_time is not None:
            result["windowStartCommitTime"] = self._window_start_commit_time
        if self._window_end_commit_time is not None:
            result["windowEndCommitTime"] = self._window_end_commit_time
        if self._feature_descriptive_statistics is not None:
            result["featureDescriptiveStatistics"] = [
                f.to_dict() for f in self._feature_descriptive_statistics
            ]
        return result

    def json(self) -> str:
        return json.dumps(self.to_dict())

    def __str__(self) -> str:
        return self.json()

    def __repr__(self) -> str:
        return f"Statistics({self._computation_time!r})"

    def _feature(self, name: str) -> FeatureDescriptiveStatistics | None:
        """The statistics of feature ``name`` (a local convenience, not in hsfs)."""
        name = str(name).lower()
        return next(
            (f for f in self._feature_descriptive_statistics or [] if f.feature_name == name),
            None,
        )

    @property
    def computation_time(self) -> int:
        return self._computation_time

    @property
    def row_percentage(self) -> float:
        return self._row_percentage

    @property
    def feature_descriptive_statistics(self) -> list[FeatureDescriptiveStatistics] | None:
        return self._feature_descriptive_statistics

    @property
    def feature_group_id(self) -> int | None:
        return self._feature_group_id

    @property
    def feature_view_name(self) -> str | None:
        return self._feature_view_name

    @property
    def feature_view_version(self) -> int | None:
        return self._feature_view_version

    @property
    def window_start_commit_time(self) -> int | None:
        return self._window_start_commit_time

    @property
    def window_end_commit_time(self) -> int | None:
        """The id (epoch ms) of the commit described."""
        return self._window_end_commit_time

    @property
    def window_start_event_time(self) -> int | None:
        return self._window_start_event_time

    @property
    def window_end_event_time(self) -> int | None:
        return self._window_end_event_time

    @property
    def event_time(self) -> str | None:
        return self._event_time

    @property
    def training_dataset_version(self) -> int | None:
        return self._training_dataset_version

    @property
    def split_statistics(self) -> list[Any] | None:
        return self._split_statistics

    @property
    def before_transformation(self) -> bool:
        return self._before_transformation
