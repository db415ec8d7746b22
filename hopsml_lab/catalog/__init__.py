"""The catalog: everything queried, one module (or folder) per domain over one alembic
chain. ``base`` holds what all share; ``experiments/`` the experiments' tables, records,
writes and reads; ``models`` the model registry; ``featurestore`` feature groups and
their commits; ``featureviews`` feature views, training datasets and online rows;
``validations`` feature groups' expectation suites and validation reports."""

from .base import Base, Project
from .db import CatalogError, Database
from .experiments.owners import Liveness, Owner
from .experiments.queries import BadQueryError, ExperimentQueries
from .experiments.recorder import ExperimentRecorder, UnknownExperimentError, new_experiment_id
from .experiments.records import (
    ExperimentDetail,
    ExperimentPage,
    ExperimentQuery,
    ExperimentStatus,
    ExperimentSummary,
    MetricSeries,
    TrialLogdir,
    TrialRecord,
    TrialStatus,
)
from .featurestore import CommitRecord, FeatureGroupCatalog, FeatureGroupRecord, FeatureSpec
from .featureviews import (
    FeatureViewCatalog,
    FeatureViewRecord,
    FeatureViewRow,
    LineageEntry,
    OnlineRow,
    SplitSpec,
    TrainingDatasetRecord,
    TrainingDatasetRow,
    ViewFeature,
)
from .models import ModelCatalog, ModelRecord
from .validations import ExpectationSuiteRecord, ValidationCatalog, ValidationReportRecord

__all__ = [
    "BadQueryError",
    "Base",
    "CatalogError",
    "CommitRecord",
    "Database",
    "ExpectationSuiteRecord",
    "ExperimentDetail",
    "ExperimentPage",
    "ExperimentQueries",
    "ExperimentQuery",
    "ExperimentRecorder",
    "ExperimentStatus",
    "ExperimentSummary",
    "FeatureGroupCatalog",
    "FeatureGroupRecord",
    "FeatureSpec",
    "FeatureViewCatalog",
    "FeatureViewRecord",
    "FeatureViewRow",
    "LineageEntry",
    "Liveness",
    "MetricSeries",
    "ModelCatalog",
    "ModelRecord",
    "OnlineRow",
    "Owner",
    "Project",
    "SplitSpec",
    "TrainingDatasetRecord",
    "TrainingDatasetRow",
    "TrialLogdir",
    "TrialRecord",
    "TrialStatus",
    "UnknownExperimentError",
    "ValidationCatalog",
    "ValidationReportRecord",
    "ViewFeature",
    "new_experiment_id",
]
