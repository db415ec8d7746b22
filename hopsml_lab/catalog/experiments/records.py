"""Typed shapes the catalog hands out; the REST API and its OpenAPI document use them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class ExperimentStatus(str, Enum):
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    KILLED = "killed"
    LOST = "lost"  # its owner (the process running it) died or stopped answering


class TrialStatus(str, Enum):
    QUEUED = "queued"  # waiting for a slot
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    STOPPED = "stopped"
    LOST = "lost"


@dataclass(frozen=True)
class TrialLogdir:
    """Where one trial keeps its files (and TensorBoard events), with what names it."""

    experiment_id: str
    experiment_name: str
    key: str
    params: Mapping[str, Any]
    logdir: str


class Record(BaseModel):
    # Outputs always carry every field, so the OpenAPI document marks them required.
    model_config = ConfigDict(
        use_enum_values=True, json_schema_serialization_defaults_required=True
    )


class ExperimentSummary(Record):
    id: str
    name: str
    kind: str = Field(description="launch, grid_search, random_search, ...")
    status: ExperimentStatus
    user: str
    description: str | None = None
    metric_key: str | None = Field(None, description="The metric that ranks trials.")
    direction: str = Field(description="MAX or MIN")
    metric_value: float | None = Field(None, description="The best trial's metric.")
    best_trial: str | None = None
    trial_count: int
    created_at: float = Field(description="Seconds since the epoch (UTC).")
    updated_at: float
    finished_at: float | None = None
    duration_s: float | None = None
    error: str | None = Field(
        None, description="Why it did not finish (a lost experiment: its owner is gone)."
    )


class MetricSeries(Record):
    name: str
    steps: list[int]
    values: list[float]


class TrialRecord(Record):
    key: str
    status: TrialStatus
    params: dict[str, Any]
    results: dict[str, Any] = Field(description="What the train function returned.")
    metric_value: float | None = None
    logdir: str
    error: str | None = None
    started_at: float | None = None
    finished_at: float | None = None
    duration_s: float | None = None
    metrics: list[MetricSeries] = Field(default_factory=list)


def _paging_fields_optional(schema: dict[str, Any]) -> None:
    """The paging fields are always sent, but a client written before paging (and its
    test fixtures) may leave them out: the document does not require them (nor gives
    them a default, which openapi-typescript would read as required)."""
    paging = {"trials_total", "next_token", "sort", "top_trials"}
    schema["required"] = [name for name in schema.get("required", []) if name not in paging]
    for name in paging:
        schema.get("properties", {}).get(name, {}).pop("default", None)


class ExperimentDetail(ExperimentSummary):
    model_config = ConfigDict(json_schema_extra=_paging_fields_optional)

    logdir: str
    notebook: str | None = None
    metrics: dict[str, float] = Field(
        default_factory=dict, description="Best value of each metric across the trials."
    )
    trials: list[TrialRecord] = Field(
        description="A page of trials in `sort` order (every trial when asked for all)."
    )
    trials_total: int = Field(0, description="How many trials the experiment has.")
    next_token: str | None = Field(
        None, description="Pass as next_token (with the same sort) for the next page of trials."
    )
    sort: str = Field("key", description="The order of `trials` (see the trials route).")
    top_trials: list[TrialRecord] = Field(
        default_factory=list,
        description="The best trials by the experiment's metric that are not in `trials`, "
        "with their series: the charts draw `trials` and these.",
    )


class ExperimentPage(Record):
    experiments: list[ExperimentSummary]
    total: int = Field(description="How many experiments match the filters.")
    next_token: str | None = Field(None, description="Pass as next_token for the next page.")


def _utc(seconds: float) -> str:
    try:
        return f"{datetime.fromtimestamp(seconds, tz=timezone.utc):%Y-%m-%d %H:%M:%S} UTC"
    except (OverflowError, OSError, ValueError):
        return "out of range"


_SORT = re.compile(r"^-?(created_at|name|metric:.+)$")


class ExperimentQuery(BaseModel):
    """Which experiments to list: filters, order and page."""

    model_config = ConfigDict(extra="forbid")

    sort: str = Field(
        "-created_at",
        description="created_at, name or metric:<name>; a leading '-' sorts descending. "
        "Sorting by a metric lists the experiments that recorded it.",
    )
    name: str | None = Field(None, description="Only experiments whose name contains this.")
    status: ExperimentStatus | None = None
    user: str | None = Field(None, description="Only experiments this user ran.")
    created_after: float | None = Field(
        None,
        allow_inf_nan=False,
        description="Only experiments created at or after this time (seconds since the epoch).",
    )
    created_before: float | None = Field(
        None,
        allow_inf_nan=False,
        description="Only experiments created before this time (seconds since the epoch).",
    )
    limit: int = Field(50, ge=1, le=500)
    next_token: str | None = None

    @field_validator("sort")
    @classmethod
    def _check_sort(cls, value: str) -> str:
        if not _SORT.match(value):
            raise ValueError(
                f"sort={value!r}: use created_at, name or metric:<name>, "
                "with a leading '-' for descending"
            )
        return value

    @model_validator(mode="after")
    def _check_dates(self) -> ExperimentQuery:
        after, before = self.created_after, self.created_before
        if after is not None and before is not None and after > before:
            raise ValueError(
                f"created_after={after} ({_utc(after)}) is later than "
                f"created_before={before} ({_utc(before)}): swap them, or leave one out"
            )
        return self


# -- Trials, a page at a time ----------------------------------------------------------

TRIAL_SORTS = "key, status, duration, started_at, metric, param:<name> or result:<name>"
_TRIAL_SORT = re.compile(r'^-?(key|status|duration|started_at|metric|(param|result):[^"\\]+)$')


class TrialPage(Record):
    trials: list[TrialRecord]
    total: int = Field(description="How many trials the experiment has.")
    next_token: str | None = Field(None, description="Pass as next_token for the next page.")
    sort: str = Field(description="The order of `trials`.")


class TrialQuery(BaseModel):
    """Which trials of an experiment: order, page, and how much of their series."""

    model_config = ConfigDict(extra="forbid")

    sort: str | None = Field(
        None,
        description=f"{TRIAL_SORTS}; a leading '-' sorts descending. key is the order the "
        "trials were recorded; metric the experiment's metric. Numbers sort before text, "
        "and trials without the value come last either way. Default: best first by the "
        "experiment's metric, else key.",
    )
    limit: int = Field(50, ge=1, le=500)
    next_token: str | None = None
    series: bool = Field(True, description="With each trial's metric series.")
    max_points: int = Field(
        200,
        ge=2,
        le=10_000,
        description="At most this many points of each series, evenly spread (the first "
        "and the last kept).",
    )

    @field_validator("sort")
    @classmethod
    def _check_sort(cls, value: str | None) -> str | None:
        if value is not None and not _TRIAL_SORT.fullmatch(value):
            raise ValueError(
                f"sort={value!r}: use {TRIAL_SORTS} (names without quotes or backslashes), "
                "with a leading '-' for descending"
            )
        return value


class DetailQuery(TrialQuery):
    """One experiment: its summary, a page of its trials, and its best trials."""

    top: int = Field(
        10,
        ge=0,
        le=100,
        description="Also this many of the best trials by the experiment's metric (with "
        "their series) that are not on the page, for the charts.",
    )
