"""Hopsworks' ``hops.serving`` (model deployments: create, start, stop, describe, send
inference requests), kept by name and signature, over HopsML Lab's deployments: each
serving is a local model server process (TF Serving's REST API and V2 on 127.0.0.1)
recorded in the catalog, the same deployments hsml's ``project.get_model_serving()``
sees.

>>> from hopsml_lab import serving
>>> serving.create_or_update("mnist", "/Models/mnist", "TENSORFLOW_SERVING")  # doctest: +SKIP
>>> serving.start("mnist")                                                    # doctest: +SKIP
>>> serving.make_inference_request("mnist", {"instances": [[0.0] * 784]})     # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
from typing import Any

from .catalog.deployments import DeploymentRecord
from .constants import MODEL_SERVING
from .deployments import RUNNING, DeploymentService, post_json, predict_url
from .errors import NotFound

log = logging.getLogger(__name__)

MODEL_SERVERS = ("TENSORFLOW_SERVING", "PYTHON")
_NAME = re.compile(r"^[a-zA-Z0-9]+$")


class ServingNotFound(NotFound):
    """No serving with that name."""


class Serving:
    """Represents a model being served (hops' ``Serving``)."""

    def __init__(self, serving_json: dict[str, Any]) -> None:
        self.id = serving_json["id"]
        self.name = serving_json["name"]
        self.model_path = serving_json["modelPath"]
        self.model_name = serving_json["modelName"]
        self.model_version = serving_json["modelVersion"]
        self.artifact_version = serving_json.get("artifactVersion")
        self.predictor = serving_json.get("predictor")
        self.transformer = serving_json.get("transformer")
        self.model_server = serving_json["modelServer"]
        self.serving_tool = serving_json["servingTool"]
        self.requested_instances = serving_json["requestedInstances"]
        self.available_instances = serving_json.get("availableInstances", 0)
        self.available_transformer_instances = serving_json.get("availableTransformerInstances")
        self.creator = serving_json.get("creator")
        self.created = serving_json["created"]
        self.status = serving_json["status"]
        if serving_json.get("internalPort") is not None:
            self.internal_ips = serving_json["internalIPs"]
            self.internal_port = str(serving_json["internalPort"])
            self.internal_path = serving_json["internalPath"]


def _serving_json(record: DeploymentRecord) -> dict[str, Any]:
    running = record.state == RUNNING
    return {
        "id": record.id,
        "name": record.name,
        "modelPath": f"/Models/{record.model_name}",
        "modelName": record.model_name,
        "modelVersion": record.model_version,
        "predictor": record.script_file,
        "transformer": record.transformer_file,
        "modelServer": record.model_server,
        "servingTool": "DEFAULT",
        "requestedInstances": record.instances,
        "availableInstances": record.available_instances if running else 0,
        "availableTransformerInstances": (
            record.available_instances if running and record.transformer_file else 0
        ),
        "created": record.created_at,
        "status": record.state,
        "internalPort": record.port,
        "internalIPs": [record.host],
        "internalPath": f"/v1/models/{record.name}",
    }


def _service() -> DeploymentService:
    return DeploymentService.here()


def _model_name(model_path: str) -> str:
    """``/Models/<name>`` (or ``Models/<name>``, or a project URL ending so) -> name."""
    parts = [p for p in str(model_path).split("/") if p]
    if "Models" in parts and parts.index("Models") + 1 < len(parts):
        return parts[parts.index("Models") + 1]
    raise ValueError(
        f"The model/artifact path must be /Models/<name> in the project, the provided path: "
        f"{model_path} is not"
    )


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
) -> None:
    """Create a serving of ``model_path`` (``/Models/<name>``) version ``model_version``,
    or update a stopped one. ``predictor`` is a script with a ``Predict`` class.
    ``transformer`` is a script with a ``Transformer`` class (``preprocess`` /
    ``postprocess`` around the model, in the model server's process). Batching and Kafka
    inference logging are not offered yet (the defaults are accepted)."""
    if (
        not isinstance(serving_name, str)
        or not _NAME.match(serving_name)
        or len(serving_name) > 256
    ):
        raise ValueError(
            "Name of serving cannot be empty, cannot exceed 256 characters and must match the "
            f"regular expression: ^[a-zA-Z0-9]+$, the provided name: {serving_name} is not valid"
        )
    if model_server not in MODEL_SERVERS:
        raise ValueError(
            f"The provided model_server: {model_server} is not supported, supported model "
            f"servers are: {','.join(MODEL_SERVERS)}"
        )
    if isinstance(model_version, bool) or not isinstance(model_version, int):
        raise ValueError(
            f"The model version must be an integer, the provided version is not: {model_version}"
        )
    if model_server == "TENSORFLOW_SERVING" and predictor is not None:
        raise ValueError("Predictors are not supported with Tensorflow Serving")
    if isinstance(instances, bool) or not isinstance(instances, int):
        raise ValueError(
            f"The number of serving instances must be an integer, the provided version is not: "
            f"{instances}"
        )
    if batching_enabled:
        raise ValueError(
            "request batching is not offered by local servings yet: leave batching_enabled out"
        )
    _service().create(
        serving_name,
        _model_name(model_path),
        model_version,
        model_server,
        script_file=predictor,
        instances=instances,
        transformer_file=transformer,
        inference_logging=inference_logging,
    )
    log.info("Serving %s successfully created", serving_name)


def get_all() -> list[Serving]:
    """The servings of the project."""
    return [Serving(_serving_json(r)) for r in _service().list()]


def get(serving_name: str) -> Serving | None:
    """The serving ``serving_name``, or None."""
    record = _service().get(serving_name, missing_ok=True)
    return None if record is None else Serving(_serving_json(record))


def _find(serving_name: str) -> Serving:
    servings = get_all()
    for serving in servings:
        if serving.name == serving_name:
            return serving
    raise ServingNotFound(
        f"No serving with name: {serving_name} could be found among the list of available "
        f"servings: {','.join(s.name for s in servings)}"
    )


def exists(serving_name: str) -> bool:
    """Whether a serving ``serving_name`` exists."""
    return get(serving_name) is not None


def delete(serving_name: str) -> None:
    """Delete the serving (stopping it first if it runs)."""
    _find(serving_name)
    _service().delete(serving_name, force=True)
    log.info("Serving %s successfully deleted", serving_name)


def start(serving_name: str) -> None:
    """Start the serving's model server and wait until it answers."""
    _find(serving_name)
    _service().start(serving_name)
    log.info("Serving %s successfully started", serving_name)


def stop(serving_name: str) -> None:
    """Stop the serving's model server."""
    _find(serving_name)
    _service().stop(serving_name)
    log.info("Serving %s successfully stopped", serving_name)


def make_inference_request(serving_name: str, data: Any, verb: str = ":predict") -> Any:
    """POST ``data`` (e.g. ``{"instances": [[...]]}``) to the serving's TF Serving REST
    endpoint ``/v1/models/<name><verb>``; returns the JSON answer."""
    _find(serving_name)
    return post_json(predict_url(_service().require(serving_name), verb), data)


def get_id(serving_name: str) -> int:
    return _find(serving_name).id


def get_model_path(serving_name: str) -> str:
    return _find(serving_name).model_path


def get_model_name(serving_name: str) -> str:
    return _find(serving_name).model_name


def get_model_version(serving_name: str) -> int:
    return _find(serving_name).model_version


def get_artifact_version(serving_name: str) -> Any:
    return _find(serving_name).artifact_version


def get_predictor(serving_name: str) -> str | None:
    return _find(serving_name).predictor


def get_transformer(serving_name: str) -> str | None:
    return _find(serving_name).transformer


def get_model_server(serving_name: str) -> str:
    return _find(serving_name).model_server


def get_serving_tool(serving_name: str) -> str:
    return _find(serving_name).serving_tool


def get_available_instances(serving_name: str) -> int:
    return _find(serving_name).available_instances


def get_kafka_topic(serving_name: str) -> None:
    """None: inference logging to Kafka is not offered yet."""
    _find(serving_name)
    return None


def get_status(serving_name: str) -> str:
    """``Created``, ``Starting``, ``Running``, ``Stopped`` or ``Failed``."""
    return _find(serving_name).status


def get_predictor_resource_config(serving_name: str) -> dict[str, Any] | None:
    _find(serving_name)
    return None


def get_internal_endpoints(serving_name: str) -> list[str]:
    """``http://<host>:<port>`` of a running serving (empty when it does not run)."""
    serving = _find(serving_name)
    if not hasattr(serving, "internal_port"):
        return []
    return [f"http://{ip}:{serving.internal_port}" for ip in serving.internal_ips]


def describe(serving_name: str) -> None:
    """Log the serving's fields."""
    serving = _find(serving_name)
    log.info(", ".join(f"{k}: {v}" for k, v in vars(serving).items()))
