"""hsfs, the Hopsworks feature store client, on the local project.

Offered now: ``connection()``, ``FeatureStore``, ``FeatureGroup`` (create, insert and
upsert, read, time travel with ``as_of``, commit details, ``select*``/``filter``),
``Feature`` with filter operators, ``constructor.query.Query`` (joins, point-in-time
joins, filters, ``as_of``, ``to_string``), ``FeatureStore.sql`` and
``client.exceptions.FeatureStoreException``; ``feature_view.FeatureView`` (training
data in memory and materialised, splits, batch data) and ``training_dataset`` (hsfs
3.x ``TrainingDataset``).
"""

from .connection import Connection, connection

__all__ = ["Connection", "connection"]
