"""What the feature store's REST routes answer and take (pydantic): the OpenAPI document
and the sidebar's TypeScript types are made from these.

Commits keep the keys of hsfs' ``fg.commit_details()`` (``committedOn``,
``rowsInserted``, ...) and statistics the stored JSON that ``fg.statistics`` reads
(``feature_descriptive_statistics``, ...), so what the notebook shows and what the
sidebar shows are the same data.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...catalog.experiments.records import Record
from .preview import MAX_PREVIEW_ROWS

MAX_PAGE = 500
MAX_SEARCH = 200


class FeatureInfo(Record):
    """One feature of a group's schema."""

    name: str
    type: str = Field(description="hsfs' offline type: bigint, double, string, timestamp, ...")
    description: str
    primary: bool = Field(description="Part of the primary key.")
    partition: bool = Field(description="Part of the partition key.")
    event_time: bool = Field(description="The group's event time.")


class CommitInfo(Record):
    """One commit, with the keys of hsfs' ``fg.commit_details()``."""

    commitId: int = Field(description="The commit's id: epoch milliseconds.")
    committedOn: str = Field(description="UTC time, YYYYMMDDHHMMSSmmm.")
    rowsInserted: int
    rowsUpdated: int
    rowsDeleted: int


class FeatureGroupSummary(Record):
    """A feature group version as the list shows it."""

    id: int
    name: str
    version: int
    description: str
    primary_key: list[str]
    event_time: str | None
    online_enabled: bool
    feature_count: int
    rows: int | None = Field(description="Rows at the latest commit; null before the first.")
    commit_count: int
    last_commit: CommitInfo | None
    created_at: float = Field(description="Seconds since the epoch.")
    matched_features: list[FeatureInfo] = Field(
        description="The features whose name or description the search matched."
    )


class FeatureGroupPage(Record):
    groups: list[FeatureGroupSummary]
    total: int = Field(description="How many group versions match the search.")
    next_token: str | None = Field(None, description="Pass as next_token for the next page.")


class GroupRef(Record):
    """A feature group version another object names (a view's query, a lineage entry)."""

    id: int | None
    name: str
    version: int
    commitId: int | None = Field(
        None, description="The commit read (training datasets' lineage); null: not recorded."
    )


class ViewRef(Record):
    id: int
    name: str
    version: int


class FeatureGroupDetail(FeatureGroupSummary):
    """One feature group version: its schema, where it lives, its other versions."""

    features: list[FeatureInfo]
    partition_key: list[str]
    location: str
    time_travel_format: str
    statistics_config: dict[str, Any] | None
    versions: list[int] = Field(description="Every version of the group's name.")
    feature_views: list[ViewRef] = Field(description="Feature views whose query reads it.")


class FeatureGroupVersions(Record):
    name: str
    versions: list[FeatureGroupSummary]


class CommitPage(Record):
    commits: list[CommitInfo] = Field(description="Newest first.")
    next_token: str | None = Field(None, description="Pass as next_token for older commits.")


class HistogramEntry(Record):
    value: str = Field(description="A value, or an equal-width bin 'lo to hi'.")
    count: int
    ratio: float | None


class Correlation(Record):
    column: str
    correlation: float | None


class ExtendedStatistics(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)

    histogram: list[HistogramEntry] | None = None
    correlations: list[Correlation] | None = None


class FeatureStatistics(BaseModel):
    """One feature's statistics as stored (hsfs' ``FeatureDescriptiveStatistics``);
    a statistic not computed is null."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)

    feature_name: str
    feature_type: str | None = Field(None, description="Integral, Fractional, Boolean or String.")
    count: int | None = None
    num_non_null_values: int | None = None
    num_null_values: int | None = None
    completeness: float | None = None
    approx_num_distinct_values: int | None = None
    exact_num_distinct_values: int | None = None
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std_dev: float | None = None
    sum: float | None = None
    percentiles: list[float | None] | None = None
    distinctness: float | None = None
    uniqueness: float | None = None
    entropy: float | None = None
    extended_statistics: ExtendedStatistics | None = None


class StoredStatistics(BaseModel):
    """The statistics of a commit as the catalog keeps them."""

    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)

    computation_time: int = Field(description="Epoch milliseconds.")
    row_percentage: float = 1.0
    config: dict[str, Any] | None = None
    feature_descriptive_statistics: list[FeatureStatistics]


class FeatureFigure(Record):
    feature: str
    kind: Literal["histogram", "estimated_histogram", "top_values"]
    figure: dict[str, Any] = Field(description="A Plotly figure: {data, layout}.")


class CommitStatistics(Record):
    commit: CommitInfo = Field(description="The commit the statistics describe.")
    statistics: StoredStatistics
    figures: list[FeatureFigure] = Field(
        description="The figures featurestore.browse.figures makes (the notebook draws the same)."
    )


class PreviewColumn(Record):
    name: str
    type: str


class DataPreview(Record):
    commit: CommitInfo = Field(description="The commit read.")
    columns: list[PreviewColumn]
    rows: list[list[Any]] = Field(
        description="Values as JSON: times ISO 8601, NaN null, bytes described, long text "
        "and lists clipped, integers beyond 2^53 as text."
    )
    limit: int
    total_rows: int | None = Field(description="Rows at that commit, when known.")


class FeatureViewSummary(Record):
    id: int
    name: str
    version: int
    description: str
    labels: list[str]
    features: list[str]
    groups: list[GroupRef] = Field(description="The feature groups its query reads.")
    training_dataset_count: int
    created_at: float


class FeatureViewList(Record):
    views: list[FeatureViewSummary]


class SplitInfo(Record):
    name: str
    split_type: str
    percentage: float | None
    start_time: int | None
    end_time: int | None


class TrainingDatasetInfo(Record):
    id: int
    name: str
    version: int
    description: str
    feature_view: ViewRef | None
    data_format: str
    location: str | None = Field(description="Project-relative folder; null: in memory.")
    materialized: bool
    splits: list[SplitInfo]
    label: list[str]
    lineage: list[GroupRef] = Field(description="The group commits it was made from.")
    created_at: float


class TrainingDatasetList(Record):
    training_datasets: list[TrainingDatasetInfo]


class FeatureViewDetail(FeatureViewSummary):
    training_datasets: list[TrainingDatasetInfo]


# -- queries --------------------------------------------------------------------------


class _Query(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GroupSearch(_Query):
    q: str | None = Field(
        None,
        max_length=MAX_SEARCH,
        description="Text in a group's name or description, or in a feature's name or "
        "description (case-insensitive).",
    )
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    next_token: str | None = None


class CommitQuery(_Query):
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    next_token: str | None = None


class StatisticsQuery(_Query):
    commit: int | None = Field(
        None, ge=1, description="A commit id: the newest commit with statistics at or before it."
    )


class PreviewQuery(_Query):
    limit: int = Field(20, ge=1, le=MAX_PREVIEW_ROWS, description="Rows to show.")
    commit: int | None = Field(
        None, ge=1, description="A commit id: the group as of that commit (default: latest)."
    )


class ViewSearch(_Query):
    q: str | None = Field(
        None, max_length=MAX_SEARCH, description="Text in a view's name, description or labels."
    )


class TrainingDatasetQuery(_Query):
    feature_view: str | None = Field(None, description="Only those of this feature view name.")
    feature_group: str | None = Field(
        None, description="Only those made from this feature group name."
    )
