"""The feature store: feature groups as Delta tables on the project's store, their
schema and commits in the catalog. The ``hsfs``/``hopsworks`` facades call this."""

from .errors import FeatureStoreException, SchemaMismatch, UnknownFeatureGroup
from .featuregroups.groups import FeatureGroups
from .featuregroups.spec import GroupSpec

__all__ = [
    "FeatureGroups",
    "FeatureStoreException",
    "GroupSpec",
    "SchemaMismatch",
    "UnknownFeatureGroup",
]
