"""hsml's ``connection()`` (deprecated there for ``hopsworks.login()``): the local
project's connection, with ``get_model_registry()``."""

from __future__ import annotations

import warnings
from typing import Any

from ..hsfs.connection import Connection as FeatureStoreConnection
from ..hsfs.connection import connection as feature_store_connection
from .model_registry import ModelRegistry

HOPSWORKS_PORT_DEFAULT = 443
HOSTNAME_VERIFICATION_DEFAULT = True


class Connection(FeatureStoreConnection):
    """A connection to the local project (no server)."""

    def get_model_registry(self, project: str | None = None) -> ModelRegistry:
        """The project's model registry (``project``: accepted, one project per kernel)."""
        return ModelRegistry.of_project(project or self.project)


def connection(*args: Any, **kwargs: Any) -> Connection:
    """Deprecated as in hsml: use ``hopsworks.login().get_model_registry()``."""
    warnings.warn(
        "hsml.connection is deprecated, use hopsworks.login instead",
        DeprecationWarning,
        stacklevel=2,
    )
    made = feature_store_connection(*args, **kwargs)
    return Connection(project=made.project, engine=made._engine)


__all__ = ["HOPSWORKS_PORT_DEFAULT", "HOSTNAME_VERIFICATION_DEFAULT", "Connection"]
