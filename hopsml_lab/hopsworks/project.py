"""hopsworks' ``Project``: the local project, with its feature store."""

from __future__ import annotations

from ..hsfs.feature_store import FeatureStore


class Project:
    """The project ``hopsworks.login()`` returns (the Lab's project; no server)."""

    def __init__(self, name: str, engine: str) -> None:
        self._name = name
        self._engine = engine

    @property
    def name(self) -> str:
        return self._name

    def get_feature_store(self, name: str | None = None) -> FeatureStore:
        """The project's feature store, ``<project>_featurestore`` (``name`` selects
        another project's store by its name)."""
        return FeatureStore(name or self._name, engine=self._engine)

    def __repr__(self) -> str:
        return f"Project({self._name!r})"
