"""hsml's ``Predictor``: what a deployment serves (a model version, its model server and
predictor script, its instances). ``Predictor.for_model(model, ...)`` and
``ms.create_predictor(model, ...)`` make one; ``predictor.deploy()`` records it.

``resources`` (``PredictorResources`` or a dict): its ``num_instances`` is the number of
model-server processes; its requests and limits are kept, not enforced. A
``scaling_configuration`` (``PredictorScalingConfig`` or a dict) wins over it, as in hsml:
its ``min_instances`` processes run (see ``scaling_config``: no autoscaling here). An
``InferenceBatcher`` that is disabled (the default) is accepted. A ``Transformer`` runs in
each model server process around the model (``hsml.transformer``). Options that need a
cluster (batching, gRPC, vLLM, tags, Knative) are accepted at their defaults and refused
otherwise, with what to do instead.
"""

from __future__ import annotations

from typing import Any

from ..registry import ModelRegistryException
from .constants import INFERENCE_ENDPOINTS, INFERENCE_LOGGER, MODEL, PREDICTOR
from .inference_batcher import batching_off
from .inference_logger import InferenceLogger, as_inference_logger
from .resources import requested_instances
from .scaling_config import PredictorScalingConfig, as_scaling_config, instances_of
from .transformer import Transformer, as_transformer

_LOG_MODES = (
    INFERENCE_LOGGER.MODE_ALL,
    INFERENCE_LOGGER.MODE_MODEL_INPUTS,
    INFERENCE_LOGGER.MODE_PREDICTIONS,
    INFERENCE_LOGGER.MODE_NONE,
)

_LATER = {
    "config_file": "a model server configuration file",
    "inference_batcher": "inference batching",
    "tags": "deployment tags",
    "schema": "deployment schemas",
    "passed_features": "passed features",
    "feature_logging": "feature logging",
    "vllm_variant": "vLLM",
    "vllm_image_tag": "vLLM",
    "knative_mode": "Knative",
    "environment": "inference environments",
    "env_vars": "environment variables for the predictor",
    "tracing": "tracing",
}


class Predictor:
    """Metadata object representing a predictor in Model Serving."""

    def __init__(
        self,
        name: str,
        model_name: str,
        model_path: str,
        model_version: int,
        model_framework: str | None,
        model_server: str | None = None,
        serving_tool: str | None = None,
        script_file: str | None = None,
        resources: Any = None,
        description: str | None = None,
        requested_instances: int = 1,
        api_protocol: str | None = INFERENCE_ENDPOINTS.API_PROTOCOL_REST,
        inference_logger: InferenceLogger | dict | None = None,
        scaling_configuration: PredictorScalingConfig | dict | None = None,
        transformer: Transformer | dict | None = None,
        **kwargs: Any,
    ) -> None:
        self._name = name
        self._model_name = model_name
        self._model_path = model_path
        self._model_version = model_version
        self._model_framework = model_framework
        self._model_server = model_server or _infer_model_server(model_framework)
        self._serving_tool = serving_tool or PREDICTOR.SERVING_TOOL_DEFAULT
        self._script_file = script_file
        self._resources = resources
        self._description = description
        self._requested_instances = requested_instances
        self._api_protocol = api_protocol
        self._inference_logger = as_inference_logger(inference_logger)
        self._transformer = as_transformer(transformer)
        self._scaling_configuration = as_scaling_config(
            scaling_configuration
        ) or PredictorScalingConfig(min_instances=requested_instances)

    @classmethod
    def for_model(cls, model: Any, **kwargs: Any) -> Predictor:
        """The predictor of a saved model version (``model.deploy`` and
        ``ms.create_predictor`` call it)."""
        if batching_off(kwargs.get("inference_batcher")):
            kwargs.pop("inference_batcher")  # InferenceBatcher() or enabled=False: no batching
        for option, what in _LATER.items():
            if kwargs.pop(option, None) not in (None, [], {}):
                raise ModelRegistryException(
                    f"{what} ({option}=...) are not offered by local deployments yet: leave "
                    f"{option} out"
                )
        kwargs.pop("artifact_version", None)  # deprecated and ignored, as in hsml
        kwargs.pop("default_predictor", None)
        logger = as_inference_logger(kwargs.get("inference_logger"))
        if logger is not None and logger.mode not in _LOG_MODES:
            raise ModelRegistryException(
                f"inference_logger mode {logger.mode!r}: use one of {', '.join(_LOG_MODES)}"
            )
        if kwargs.get("api_protocol") not in (None, INFERENCE_ENDPOINTS.API_PROTOCOL_REST):
            raise ModelRegistryException(
                f"api_protocol={kwargs['api_protocol']!r}: local deployments speak REST (TF "
                "Serving's API and the V2 protocol over HTTP); gRPC is not offered"
            )
        serving_tool = kwargs.get("serving_tool")
        if serving_tool not in (
            None,
            PREDICTOR.SERVING_TOOL_DEFAULT,
            PREDICTOR.SERVING_TOOL_KSERVE,
        ):
            raise ValueError(
                f"Serving tool '{serving_tool}' is not valid. Possible values are 'DEFAULT, KSERVE'"
            )
        if model.framework == MODEL.FRAMEWORK_PYTHON and kwargs.get("script_file") is None:
            raise ValueError(
                "Predictor scripts are required in deployments for custom Python models."
            )
        if model.version is None:
            raise ModelRegistryException("save the model (model.save(path)) before deploying it")
        resources = kwargs.pop("resources", None)
        instances = requested_instances(resources)  # requests/limits: kept, not enforced
        scaling = kwargs.get("scaling_configuration")
        instances = instances_of(scaling) or instances  # an explicit scaling config wins
        return cls(
            name=kwargs.pop("name"),
            model_name=model.name,
            model_path=model.model_path,
            model_version=model.version,
            model_framework=model.framework,
            resources=resources,
            requested_instances=instances,
            **kwargs,
        )

    def deploy(self) -> Any:
        """Create a deployment for this predictor and persist it in Model Serving."""
        from .deployment import Deployment

        deployment = Deployment(predictor=self, name=self._name, description=self._description)
        deployment.save()
        return deployment

    def describe(self) -> None:
        print(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self._name,
            "modelName": self._model_name,
            "modelPath": self._model_path,
            "modelVersion": self._model_version,
            "modelFramework": self._model_framework,
            "modelServer": self._model_server,
            "servingTool": self._serving_tool,
            "predictor": self._script_file,
            "requestedInstances": self._requested_instances,
            "apiProtocol": self._api_protocol,
            "description": self._description,
            **(self._inference_logger.to_dict() if self._inference_logger else {}),
            **(self._transformer.to_dict() if self._transformer else {}),
            **self._scaling_configuration.to_dict(),
        }

    @property
    def name(self) -> str:
        """Name of the predictor."""
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        self._name = name

    @property
    def description(self) -> str | None:
        return self._description

    @description.setter
    def description(self, description: str | None) -> None:
        self._description = description

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def model_path(self) -> str:
        return self._model_path

    @property
    def model_version(self) -> int:
        return self._model_version

    @property
    def model_framework(self) -> str | None:
        return self._model_framework

    @property
    def model_server(self) -> str:
        """Model server (``PYTHON`` or ``TENSORFLOW_SERVING``)."""
        return self._model_server

    @property
    def serving_tool(self) -> str:
        return self._serving_tool

    @property
    def script_file(self) -> str | None:
        """Script file used to load and run the model."""
        return self._script_file

    @property
    def resources(self) -> Any:
        return self._resources

    @property
    def requested_instances(self) -> int:
        """Total number of requested instances in the predictor."""
        return self._requested_instances

    @property
    def scaling_configuration(self) -> PredictorScalingConfig:
        """Scaling configuration: its ``min_instances`` processes serve the predictor."""
        return self._scaling_configuration

    @scaling_configuration.setter
    def scaling_configuration(self, config: PredictorScalingConfig | dict) -> None:
        self._requested_instances = instances_of(config) or self._requested_instances
        self._scaling_configuration = as_scaling_config(config)  # type: ignore[assignment]

    @property
    def api_protocol(self) -> str | None:
        return self._api_protocol

    @property
    def transformer(self) -> Transformer | None:
        """The transformer run around the model on each request, if any."""
        return self._transformer

    @transformer.setter
    def transformer(self, transformer: Transformer | dict | None) -> None:
        self._transformer = as_transformer(transformer)

    @property
    def inference_logger(self) -> InferenceLogger | None:
        """Configuration of the inference logger attached to this predictor."""
        return self._inference_logger

    @inference_logger.setter
    def inference_logger(self, inference_logger: InferenceLogger) -> None:
        self._inference_logger = inference_logger

    def __repr__(self) -> str:
        return f"Predictor(name: {self._name!r})"


def _infer_model_server(framework: str | None) -> str:
    if framework == MODEL.FRAMEWORK_TENSORFLOW:
        return PREDICTOR.MODEL_SERVER_TF_SERVING
    return PREDICTOR.MODEL_SERVER_PYTHON
