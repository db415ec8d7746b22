"""What the pandas and Spark paths of training data share, below both: the settings'
names, what a caller asks for (``Columns``), what making gives (``Made``) and what the
Spark path needs of ``training.TrainingData`` (``TrainingHost``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

if TYPE_CHECKING:
    from ...catalog import (
        FeatureViewCatalog,
        FeatureViewRecord,
        LineageEntry,
        TrainingDatasetRecord,
    )
    from ...lab import Lab
    from .views import FeatureViews

IN_MEMORY = "IN_MEMORY_TRAINING_DATASET"
HOPSFS = "HOPSFS_TRAINING_DATASET"
FOLDER = "FeatureStore/training_datasets"
SPLIT_METHODS = {0: "get_training_data", 2: "get_train_test_split"}
SPLIT_METHODS[3] = "get_train_validation_test_split"
SPARK = "spark"  # settings["split_engine"]: split on Spark (spark_splits), read back there


@dataclass
class Columns:
    """Which of the optional columns a caller wants in X."""

    primary_keys: bool = False
    event_time: bool = False
    training_helpers: bool = False


@dataclass
class Made:
    """A training dataset version and its frames (split name -> frame; ``""`` when
    unsplit): pandas, or Spark DataFrames on the Spark path (nothing collected; ``pandas``
    collects one), with the label columns after transformation."""

    record: TrainingDatasetRecord
    frames: dict[str, Any]
    labels: list[str]

    def pandas(self, frame: Any) -> pd.DataFrame:
        """One of the frames as pandas, with the dtypes the pandas path gives."""
        if isinstance(frame, pd.DataFrame):
            return frame
        from .spark_reads import collect

        return collect(frame, self.record.settings.get("dtypes", {}))


class TrainingHost(Protocol):
    """What ``spark_training`` needs of ``training.TrainingData``."""

    views: FeatureViews
    lab: Lab
    catalog: FeatureViewCatalog

    @property
    def project_id(self) -> int: ...

    def folder(self, name: str, version: int, td_version: int) -> str: ...

    def next_location(self, view: FeatureViewRecord) -> tuple[int, str]: ...

    def described(
        self,
        view: FeatureViewRecord,
        record: TrainingDatasetRecord,
        bound: list[Any],
        fitted: dict[str, Any] | None,
        columns: list[str],
        dtypes: dict[str, str],
        lineage: list[LineageEntry],
    ) -> TrainingDatasetRecord: ...
