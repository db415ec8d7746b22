"""Hopsworks' ``hops.serving`` (model deployments on Hopsworks: create, start, stop,
describe, send inference requests), kept by name and signature: HopsML Lab serves no
models, so each function raises :class:`~hopsml_lab.exceptions.ClusterOnly`, saying to load
the exported model in the notebook instead.
"""

from __future__ import annotations

import logging
from typing import Any

from .constants import MODEL_SERVING
from .errors import NotFound
from .exceptions import cluster_only

log = logging.getLogger(__name__)

_INSTEAD = (
    "HopsML Lab serves no models; load the exported model from Models/<name>/<version> "
    "(hopsml_lab.model.get_best_model gives its path) and predict in the notebook"
)


class ServingNotFound(NotFound):
    """No serving with that name."""


class Serving:
    @cluster_only(_INSTEAD)
    def __init__(self, serving_json: dict[str, Any]) -> None: ...


@cluster_only(_INSTEAD)
def create_or_update(
    serving_name: str,
    model_path: str,
    model_server: str,
    model_version: int = 1,
    artifact_version: int | str | None = None,
    predictor: str | None = None,
    transformer: str | None = None,
    kserve: bool | None = None,
    batching_enabled: bool = False,
    topic_name: str = "CREATE",
    num_partitions: int = 1,
    num_replicas: int = 1,
    inference_logging: str = MODEL_SERVING.INFERENCE_LOGGING_ALL,
    instances: int = 1,
    transformer_instances: int | None = None,
    predictor_resource_config: dict[str, Any] | None = None,
) -> None: ...


@cluster_only(_INSTEAD)
def get_all() -> list[Any]: ...


@cluster_only(_INSTEAD)
def make_inference_request(serving_name: str, data: Any, verb: str = ":predict") -> Any: ...


@cluster_only(_INSTEAD)
def exists(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def delete(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def start(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def stop(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_id(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_model_path(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_model_name(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_model_version(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_artifact_version(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_predictor(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_transformer(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_model_server(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_serving_tool(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_available_instances(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_kafka_topic(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_status(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_predictor_resource_config(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def get_internal_endpoints(serving_name: str) -> Any: ...


@cluster_only(_INSTEAD)
def describe(serving_name: str) -> Any: ...
