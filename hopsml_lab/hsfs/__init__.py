"""hsfs, the Hopsworks feature store client, on the local project.

Offered now: ``connection()``, ``FeatureStore``, ``FeatureGroup`` (create, insert and
upsert, read, time travel with ``as_of``, commit details), ``Feature`` and
``client.exceptions.FeatureStoreException``. Queries, feature views and training data
come later and are absent rather than faked.
"""

from .connection import Connection, connection

__all__ = ["Connection", "connection"]
