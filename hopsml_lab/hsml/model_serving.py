"""hsml's ``ModelServing``: what ``project.get_model_serving()`` returns; deployments by
name, and predictors and deployments made from saved models.

>>> ms = hopsworks.login().get_model_serving()                          # doctest: +SKIP
>>> ms.get_deployment("churn").get_state().status                       # doctest: +SKIP
'Running'
"""

from __future__ import annotations

import os
from typing import Any

from ..deployments import DeploymentService
from .constants import INFERENCE_ENDPOINTS, PREDICTOR_STATE
from .deployment import Deployment
from .predictor import Predictor


class ModelServing:
    """The project's model serving: deployments of its registered models."""

    def __init__(self, project_name: str, project_id: int, **kwargs: Any) -> None:
        self._project_name = project_name
        self._project_id = project_id

    @classmethod
    def of_project(cls, project_name: str) -> ModelServing:
        return cls(project_name, DeploymentService.here().lab.project_id)

    def get_deployment_by_id(self, id: int) -> Deployment | None:
        found = [r for r in DeploymentService.here().list() if r.id == id]
        return Deployment._from_record(found[0]) if found else None

    def get_deployment(self, name: str | None = None) -> Deployment | None:
        """The deployment ``name`` (inside a deployment: its own), or None."""
        if name is None and "DEPLOYMENT_NAME" in os.environ:
            name = os.environ["DEPLOYMENT_NAME"]
        record = DeploymentService.here().get(str(name), missing_ok=True)
        return None if record is None else Deployment._from_record(record)

    def get_deployments(self, model: Any = None, status: str | None = None) -> list[Deployment]:
        """All deployments (of ``model``'s name, in ``status``)."""
        if status is not None:
            statuses = [v for k, v in vars(PREDICTOR_STATE).items() if k.startswith("STATUS")]
            if status.upper() not in [s.upper() for s in statuses]:
                raise ValueError(
                    f"Deployment status '{status}' is not valid. Possible values are "
                    f"'{', '.join(s.upper() for s in statuses)}'"
                )
        records = DeploymentService.here().list(model.name if model is not None else None)
        return [
            Deployment._from_record(r)
            for r in records
            if status is None or r.state.upper() == status.upper()
        ]

    def create_predictor(
        self,
        model: Any,
        name: str | None = None,
        artifact_version: str | None = None,
        serving_tool: str | None = None,
        script_file: str | None = None,
        config_file: str | None = None,
        resources: Any = None,
        inference_logger: Any = None,
        inference_batcher: Any = None,
        transformer: Any = None,
        api_protocol: str | None = INFERENCE_ENDPOINTS.API_PROTOCOL_REST,
        environment: str | None = None,
        scaling_configuration: Any = None,
        env_vars: dict | None = None,
        vllm_variant: str | None = None,
        vllm_image_tag: str | None = None,
        tracing: Any = None,
        feature_logging: Any = None,
        tags: Any = None,
        schema: Any = None,
        passed_features: list[str] | None = None,
        default_predictor: bool | None = None,
        knative_mode: bool | None = None,
    ) -> Predictor:
        """A predictor for ``model`` (not deployed yet: ``predictor.deploy()``)."""
        options = dict(locals())
        options.pop("self")
        options.pop("model")
        options["name"] = name or model._get_default_serving_name()
        return Predictor.for_model(model, **options)

    def create_deployment(
        self,
        predictor: Predictor,
        name: str | None = None,
        environment: str | None = None,
        tags: Any = None,
    ) -> Deployment:
        """A deployment of ``predictor`` (not saved yet: ``deployment.save()``)."""
        return Deployment(predictor=predictor, name=name)

    @property
    def project_name(self) -> str:
        return self._project_name

    @property
    def project_id(self) -> int:
        return self._project_id

    def __repr__(self) -> str:
        return f"ModelServing(project: {self._project_name!r})"
