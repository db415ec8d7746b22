"""hsfs' exception module (``from hsfs.client.exceptions import FeatureStoreException``)."""

from ...featurestore.errors import FeatureStoreException

__all__ = ["FeatureStoreException"]
