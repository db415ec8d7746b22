"""hsfs, the Hopsworks feature store client, on the local project.

Offered now: ``connection()``, ``FeatureStore``, ``FeatureGroup`` (create, insert and
upsert, read, time travel with ``as_of``, commit details, ``select*``/``filter``),
``Feature`` with filter operators, ``constructor.query.Query`` (joins, point-in-time
joins, filters, ``as_of``, ``to_string``), ``FeatureStore.sql`` and
``client.exceptions.FeatureStoreException``; ``feature_view.FeatureView`` (training
data in memory and materialised, splits, batch data) and ``training_dataset`` (hsfs
3.x ``TrainingDataset``). Data validation: ``expectation_suite.ExpectationSuite``,
``ge_expectation.GeExpectation``, ``validation_report.ValidationReport`` and
``ge_validation_result.ValidationResult``; a feature group's suite validates every
insert (``FeatureGroup.save_expectation_suite``, ``validate``,
``get_latest_validation_report``, ``get_validation_history``; a "strict" group refuses
failing data with ``client.exceptions.DataValidationException``), without Great
Expectations installed (its own objects only from ``to_ge_type()``).
"""

from .connection import Connection, connection

__all__ = ["Connection", "connection"]
