"""What a feature group is told before it exists (``GroupSpec``, its suite's
``SuiteSpec``) and the names the store gives columns (``feature_name``,
``normalise_frame``): the bottom of the feature-group modules, which all read them."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...catalog import FeatureSpec
from ..errors import BadFeatureInput, FeatureGroupWarning


def feature_name(name: str) -> str:
    """A column name as hsfs stores it: lower case, spaces as ``_``."""
    return str(name).lower().replace(" ", "_")


@dataclass
class SuiteSpec:
    """A suite to attach: its canonical JSON and how it runs on inserts."""

    suite: dict[str, Any]
    run_validation: bool = True
    validation_ingestion_policy: str = "ALWAYS"

    @property
    def strict(self) -> bool:
        return self.validation_ingestion_policy == "STRICT"


@dataclass
class GroupSpec:
    """What ``create_feature_group`` was told, before the group exists."""

    name: str
    version: int
    description: str = ""
    primary_key: list[str] = field(default_factory=list)
    event_time: str | None = None
    partition_key: list[str] = field(default_factory=list)
    online_enabled: bool = False
    time_travel_format: str = "DELTA"
    features: list[FeatureSpec] = field(default_factory=list)
    statistics_config: dict | None = None  # StatisticsOptions as a dict; None: enabled
    expectation_suite: SuiteSpec | None = None  # attached when the group is saved


def normalise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with hsfs' column names and tz-aware times as naive UTC."""
    if not isinstance(frame, pd.DataFrame):
        raise BadFeatureInput(
            f"insert a pandas DataFrame, not a {type(frame).__name__} "
            "(a Spark DataFrame: call .toPandas() first)"
        )
    frame = frame.copy(deep=False)  # new columns and names only: the data is shared
    renamed = [feature_name(c) for c in frame.columns]
    if renamed != [str(c) for c in frame.columns]:
        warnings.warn(
            "column names were lower-cased and spaces replaced by '_' as the feature store "
            f"stores them: {renamed}",
            FeatureGroupWarning,
            stacklevel=4,
        )
    frame.columns = renamed
    if len(set(renamed)) != len(renamed):
        raise BadFeatureInput(
            f"columns {renamed} repeat a name once lower-cased: give each column its own name"
        )
    for name in renamed:
        if isinstance(frame[name].dtype, pd.DatetimeTZDtype):
            frame[name] = frame[name].dt.tz_convert("UTC").dt.tz_localize(None)
    return frame
