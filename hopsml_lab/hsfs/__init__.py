"""hsfs, the Hopsworks feature store client, on the local project.

Offered now: ``connection()``, ``FeatureStore``, ``FeatureGroup`` (create, insert and
upsert, read, time travel with ``as_of``, commit details, ``select*``/``filter``),
``Feature`` with filter operators, ``constructor.query.Query`` (joins, point-in-time
joins, filters, ``as_of``, ``to_string``), ``FeatureStore.sql`` and
``client.exceptions.FeatureStoreException``. Feature views and training data come later
and are absent rather than faked.
"""

from .connection import Connection, connection

__all__ = ["Connection", "connection"]
