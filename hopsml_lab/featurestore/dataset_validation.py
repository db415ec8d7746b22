"""Validating a training dataset version: its rows read back (its files when
materialised, else its query at the commits its lineage names, split with its seed, as
``featureviews.training`` reads them), checked against rules or a suite in one pass,
the report stored attached to the dataset (``validation.history``).

Here, beside ``featureviews/``, because it reads training data: the feature groups'
validation (``featuregroups/expectations``) must not reach up into feature views.

>>> stored = validate_training_dataset(training, record, "y: balanced(0.2)")  # doctest: +SKIP
>>> stored.ingestion_result, stored.training_dataset_id                        # doctest: +SKIP
('UNKNOWN', 3)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..catalog import TrainingDatasetRecord
from ..validation import Report, validate
from ..validation.history import StoredReport, ValidationHistory
from ..validation.validate import DEFAULT_SAMPLE
from .errors import BadFeatureInput
from .featureviews.datasets import Datasets
from .featureviews.training import TrainingData
from .featureviews.training_parts import Columns


def subject(record: TrainingDatasetRecord, split: str | None = None) -> str:
    """How reports name a training dataset: ``churn v1 (train)``."""
    return f"{record.name} v{record.version}" + (f" ({split})" if split else "")


def read_training_dataset(
    training: TrainingData, record: TrainingDatasetRecord, split: str | None = None
) -> pd.DataFrame:
    """The rows of one split of the version, or of every split together when ``split``
    is ``None``, with their key, time, helper and label columns."""
    names = [s.name for s in record.splits]
    if split is not None and split not in names:
        raise BadFeatureInput(
            f"training dataset {record.name!r} version {record.version} has no split "
            f"{split!r}: its splits are {names or 'none'}"
        )
    if record.feature_view_id is None:  # an hsfs 3.x dataset, read from its files
        datasets = Datasets(training)
        if split is not None or not names:
            return datasets.read(record, split)
        return pd.concat([datasets.read(record, n) for n in names], ignore_index=True)
    view = training.catalog.get_view_by_id(record.feature_view_id)
    if view is None:
        raise BadFeatureInput(
            f"training dataset {record.name!r} version {record.version} lost its feature view"
        )
    made = training.read(view, record.version, len(record.splits), Columns(True, True, True))
    if split is not None:
        return made.frames[split]
    return pd.concat(list(made.frames.values()), ignore_index=True)


def validate_training_dataset(
    training: TrainingData,
    record: TrainingDatasetRecord,
    rules: Any,
    *,
    split: str | None = None,
    reference: Any = None,
    sample: int = DEFAULT_SAMPLE,
    save_report: bool = True,
) -> StoredReport | Report:
    """Validate a training dataset version (one split, or all of it) against ``rules``
    (``validation.Rules``, their text form, or a GE suite). Answers the stored report
    (attached to the dataset), or with ``save_report=False`` the ``Report`` alone."""
    frame = read_training_dataset(training, record, split)
    report = validate(frame, rules, reference=reference, sample=sample)
    if not save_report:
        return report
    history = ValidationHistory(training.lab.db, training.project_id)
    return history.save(report, subject=subject(record, split), training_dataset_id=record.id)
