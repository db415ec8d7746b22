"""hopsworks' ``Project``: the local project, with its feature store and model registry."""

from __future__ import annotations

from ..hsfs.feature_store import FeatureStore
from ..hsml.model_registry import ModelRegistry
from ..hsml.model_serving import ModelServing
from .core.job_api import JobApi


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

    def get_model_registry(self) -> ModelRegistry:
        """The project's model registry (models under ``Models/<name>/<version>/``, the
        same ones hops' ``model`` module exports and finds).

        >>> mr = hopsworks.login().get_model_registry()          # doctest: +SKIP
        """
        return ModelRegistry.of_project(self._name)

    def get_model_serving(self) -> ModelServing:
        """The project's model serving: deployments of its registered models, served by
        local model server processes.

        >>> ms = hopsworks.login().get_model_serving()           # doctest: +SKIP
        """
        return ModelServing.of_project(self._name)

    def get_job_api(self) -> JobApi:
        """The project's jobs: notebooks and scripts of the project run as named jobs in
        a subprocess of this environment, each run recorded with its logs.

        >>> job_api = hopsworks.login().get_job_api()            # doctest: +SKIP
        """
        return JobApi()

    def get_jobs_api(self) -> JobApi:
        """**Deprecated**, use get_job_api instead."""
        return self.get_job_api()

    def __repr__(self) -> str:
        return f"Project({self._name!r})"
