"""The catalog: everything queried (experiments, trials, params, metrics)."""

from .db import CatalogError, Database
from .queries import BadQueryError, ExperimentQueries
from .recorder import ExperimentRecorder, UnknownExperimentError, new_experiment_id
from .records import (
    ExperimentDetail,
    ExperimentPage,
    ExperimentQuery,
    ExperimentStatus,
    ExperimentSummary,
    MetricSeries,
    ModelRecord,
    TrialLogdir,
    TrialRecord,
    TrialStatus,
)

__all__ = [
    "BadQueryError",
    "CatalogError",
    "Database",
    "ExperimentDetail",
    "ExperimentPage",
    "ExperimentQueries",
    "ExperimentQuery",
    "ExperimentRecorder",
    "ExperimentStatus",
    "ExperimentSummary",
    "MetricSeries",
    "ModelRecord",
    "TrialLogdir",
    "TrialRecord",
    "TrialStatus",
    "UnknownExperimentError",
    "new_experiment_id",
]
