"""hsfs' warning classes (``hsfs.util.VersionWarning``, ``FeatureGroupWarning``)."""

from ..featurestore.errors import FeatureGroupWarning, VersionWarning

__all__ = ["FeatureGroupWarning", "VersionWarning"]
