"""hsfs' warning classes (``hsfs.util.VersionWarning``, ``FeatureGroupWarning``,
``StorageWarning``, ``StatisticsWarning``)."""

from ..featurestore.errors import FeatureGroupWarning, VersionWarning
from ..featurestore.featuregroups.statistics import StatisticsWarning, StorageWarning

__all__ = ["FeatureGroupWarning", "StatisticsWarning", "StorageWarning", "VersionWarning"]
