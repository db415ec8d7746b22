"""Hopsworks' ``hops.service_discovery`` (DNS-based discovery of Hopsworks services), kept
by name and signature: HopsML Lab runs no service registry, so each method raises
:class:`~hopsml_lab.exceptions.ClusterOnly`.
"""

from __future__ import annotations

from typing import Any

from .exceptions import cluster_only

_INSTEAD = "HopsML Lab runs no service registry; give services' addresses directly"


class ServiceDiscovery:
    @staticmethod
    @cluster_only(_INSTEAD)
    def get_any_service(service_name: str) -> Any: ...

    @staticmethod
    @cluster_only(_INSTEAD)
    def get_service(service_name: str) -> Any: ...

    @staticmethod
    @cluster_only(_INSTEAD)
    def construct_service_fqdn(service_name: str) -> str: ...
