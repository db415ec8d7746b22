"""Hopsworks' ``hops.elasticsearch`` (the project's Elasticsearch indices and its JWT),
kept by name and signature: HopsML Lab runs no Elasticsearch, so each function raises
:class:`~hopsml_lab.exceptions.ClusterOnly`.
"""

from __future__ import annotations

from typing import Any

from .exceptions import cluster_only

_INSTEAD = "HopsML Lab runs no Elasticsearch; configure your Elasticsearch client directly"


@cluster_only(_INSTEAD)
def get_elasticsearch_index(index: str) -> str: ...


@cluster_only(_INSTEAD)
def get_elasticsearch_config(index: str) -> dict[str, Any]: ...


@cluster_only(_INSTEAD)
def get_authorization_token() -> str: ...
