"""hsfs' exception module (``from hsfs.client.exceptions import FeatureStoreException``)."""

from ...featurestore.errors import FeatureStoreException
from ...featurestore.featuregroups.expectations import DataValidationException
from ...featurestore.transformations.errors import TransformationFunctionException

__all__ = ["DataValidationException", "FeatureStoreException", "TransformationFunctionException"]
