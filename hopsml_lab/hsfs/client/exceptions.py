"""hsfs' exception module (``from hsfs.client.exceptions import FeatureStoreException``)."""

from ...featurestore.errors import FeatureStoreException
from ...featurestore.transformations.errors import TransformationFunctionException

__all__ = ["FeatureStoreException", "TransformationFunctionException"]
