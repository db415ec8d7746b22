"""hsml's ``PredictorState``: what ``deployment.get_state()`` returns."""

from __future__ import annotations

import json
from typing import Any


class PredictorState:
    """State of a predictor."""

    def __init__(
        self,
        available_predictor_instances: int,
        available_transformer_instances: int | None,
        hopsworks_inference_path: str,
        model_server_inference_path: str,
        internal_port: int | None,
        revision: int | None,
        deployed: bool | None,
        condition: Any,
        status: str,
        **kwargs: Any,
    ) -> None:
        self._available_predictor_instances = available_predictor_instances
        self._available_transformer_instances = available_transformer_instances
        self._hopsworks_inference_path = hopsworks_inference_path
        self._model_server_inference_path = model_server_inference_path
        self._internal_port = internal_port
        self._revision = revision
        self._deployed = deployed if deployed is not None else False
        self._condition = condition
        self._status = status

    def describe(self) -> None:
        """Print a JSON description of the deployment state."""
        print(json.dumps(self.to_dict(), indent=4, sort_keys=True))

    def to_dict(self) -> dict[str, Any]:
        return {
            "availableInstances": self._available_predictor_instances,
            "availableTransformerInstances": self._available_transformer_instances,
            "hopsworksInferencePath": self._hopsworks_inference_path,
            "modelServerInferencePath": self._model_server_inference_path,
            "internalPort": self._internal_port,
            "revision": self._revision,
            "deployed": self._deployed,
            "condition": self._condition,
            "status": self._status,
        }

    @property
    def available_predictor_instances(self) -> int:
        """Available predicotr instances."""
        return self._available_predictor_instances

    @property
    def available_transformer_instances(self) -> int | None:
        return self._available_transformer_instances

    @property
    def hopsworks_inference_path(self) -> str:
        return self._hopsworks_inference_path

    @property
    def model_server_inference_path(self) -> str:
        return self._model_server_inference_path

    @property
    def internal_port(self) -> int | None:
        return self._internal_port

    @property
    def revision(self) -> int | None:
        return self._revision

    @property
    def deployed(self) -> bool:
        return self._deployed

    @property
    def condition(self) -> Any:
        return self._condition

    @property
    def status(self) -> str:
        """Status of the deployment (``Created``, ``Starting``, ``Running``, ``Stopped``,
        ``Failed``)."""
        return self._status

    def __repr__(self) -> str:
        return f"PredictorState(status: {self._status.capitalize()!r})"
