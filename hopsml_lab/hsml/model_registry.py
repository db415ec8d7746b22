"""hsml's ``ModelRegistry``: what ``project.get_model_registry()`` returns.

>>> mr = hopsworks.login().get_model_registry()                          # doctest: +SKIP
>>> mr.get_best_model("churn", "accuracy", "max").version                # doctest: +SKIP
2
"""

from __future__ import annotations

import warnings
from types import ModuleType
from typing import Any

from ..featurestore.errors import VersionWarning
from ..registry import ModelRegistryException, Registry
from .llm import signature as llm_signature
from .model import Model
from .python import signature as python_signature
from .sklearn import signature as sklearn_signature
from .tensorflow import signature as tensorflow_signature
from .torch import signature as torch_signature


class ModelRegistry:
    """The project's model registry: models by name, version and metric."""

    DEFAULT_VERSION = 1

    def __init__(
        self,
        project_name: str,
        project_id: int,
        model_registry_id: int,
        shared_registry_project_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        self._project_name = project_name
        self._project_id = project_id
        self._model_registry_id = model_registry_id
        self._shared_registry_project_name = shared_registry_project_name

    @classmethod
    def of_project(cls, project_name: str) -> ModelRegistry:
        """The registry of the local project (its id is the catalog's project id)."""
        registry = Registry.here()
        project_id = registry.lab.project_id
        return cls(project_name, project_id, project_id)

    def _model(self, record: Any) -> Model:
        return Model._from_record(record, self._project_name)

    def get_model(self, name: str, version: int | None = None) -> Model | None:
        """Version ``version`` of model ``name``, or None if there is none. No version:
        version 1, with a ``VersionWarning``, as hsml."""
        if version is None:
            warnings.warn(
                f"No version provided for getting model `{name}`, defaulting to "
                f"`{self.DEFAULT_VERSION}`.",
                VersionWarning,
                stacklevel=2,
            )
            version = self.DEFAULT_VERSION
        record = Registry.here().get(name, version)
        return None if record is None else self._model(record)

    def get_models(self, name: str) -> list[Model]:
        """Every version of model ``name``, oldest first (empty if none)."""
        return [self._model(r) for r in reversed(Registry.here().versions(name))]

    def get_best_model(self, name: str, metric: str, direction: str) -> Model | None:
        """The version of ``name`` with the highest (``direction="max"``) or lowest
        (``"min"``) ``metric`` among its training metrics, or None."""
        record = Registry.here().best(name, metric, direction)
        return None if record is None else self._model(record)

    def hf_download(self, hugging_face_model_id: str, *args: Any, **kwargs: Any) -> Model:
        """Importing from Hugging Face is not offered: the Lab reaches no network."""
        raise ModelRegistryException(
            f"cannot import {hugging_face_model_id!r} from Hugging Face here (no network): "
            "download the files yourself and save them with mr.python.create_model(...).save(path)"
        )

    @property
    def project_name(self) -> str:
        """Name of the project the registry is connected to."""
        return self._project_name

    @property
    def project_path(self) -> str:
        """Path of the project the registry is connected to."""
        return Registry.here().url("").rstrip("/")

    @property
    def project_id(self) -> int:
        return self._project_id

    @property
    def shared_registry_project_name(self) -> str | None:
        return self._shared_registry_project_name

    @property
    def model_registry_id(self) -> int:
        return self._model_registry_id

    @property
    def tensorflow(self) -> ModuleType:
        """Module for exporting a TensorFlow model."""
        return tensorflow_signature

    @property
    def sklearn(self) -> ModuleType:
        """Module for exporting a sklearn model."""
        return sklearn_signature

    @property
    def torch(self) -> ModuleType:
        """Module for exporting a torch model."""
        return torch_signature

    @property
    def python(self) -> ModuleType:
        """Module for exporting a generic Python model."""
        return python_signature

    @property
    def llm(self) -> ModuleType:
        """Module for exporting a Large Language Model."""
        return llm_signature

    def __repr__(self) -> str:
        shown = self._shared_registry_project_name or self._project_name
        return f"ModelRegistry(project: {shown!r})"
