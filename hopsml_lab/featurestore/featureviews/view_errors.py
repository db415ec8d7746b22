"""Errors of feature views and training datasets (each a ``FeatureStoreException``, so
notebooks catching hsfs' exception keep working; bad split input is also a
``ValueError``, as hsfs raises it)."""

from __future__ import annotations

from ...errors import Conflict, NotFound
from ..errors import BadFeatureInput, FeatureStoreException


class UnknownFeatureView(FeatureStoreException, NotFound):
    """No feature view with that name and version."""


class FeatureViewExists(FeatureStoreException, Conflict):
    """A feature view with that name and version exists already."""


class UnknownTrainingDataset(FeatureStoreException, NotFound):
    """No training dataset version with that number."""


class BadSplit(BadFeatureInput):
    """Split sizes or bounds that cannot split the data (hsfs: ``ValueError``)."""


class TrainingDataUnreadable(FeatureStoreException, NotFound):
    """A materialised training dataset's files are gone (purged or deleted)."""
