"""hsml's ``DeployableComponent``: what a predictor or transformer has in common (a script,
resources, an inference batcher, a scaling configuration), with hsml's arguments."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from .constants import Default
from .inference_batcher import InferenceBatcher


class DeployableComponent(ABC):
    """Configuration of a deployable component (predictor or transformer)."""

    def __init__(
        self,
        script_file: str | None = None,
        resources: Any = None,
        inference_batcher: InferenceBatcher | dict | Default | None = None,
        scaling_configuration: Any = None,
        **kwargs: Any,
    ) -> None:
        self._script_file = script_file
        self._resources = resources
        if isinstance(inference_batcher, dict):
            inference_batcher = InferenceBatcher(**inference_batcher)
        self._inference_batcher = (
            inference_batcher
            if isinstance(inference_batcher, InferenceBatcher)
            else InferenceBatcher()
        )
        self._scaling_configuration = scaling_configuration

    @abstractmethod
    def to_dict(self) -> dict[str, Any]: ...

    @property
    def script_file(self) -> str | None:
        """Script file ran by the deployment component (i.e., predictor or transformer)."""
        return self._script_file

    @script_file.setter
    def script_file(self, script_file: str) -> None:
        self._script_file = script_file

    @property
    def resources(self) -> Any:
        """Resource configuration for the deployment component."""
        return self._resources

    @resources.setter
    def resources(self, resources: Any) -> None:
        self._resources = resources

    @property
    def inference_batcher(self) -> InferenceBatcher:
        """Configuration of the inference batcher attached to the deployment component."""
        return self._inference_batcher

    @inference_batcher.setter
    def inference_batcher(self, inference_batcher: InferenceBatcher) -> None:
        self._inference_batcher = inference_batcher

    @property
    def scaling_configuration(self) -> Any:
        """Scaling configuration of the deployment component."""
        return self._scaling_configuration

    @scaling_configuration.setter
    def scaling_configuration(self, scaling_configuration: Any) -> None:
        self._scaling_configuration = scaling_configuration
