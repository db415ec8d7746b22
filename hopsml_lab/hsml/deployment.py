"""hsml's ``Deployment``: a predictor recorded in Model Serving, run as a local model
server process (TF Serving's REST API and V2 on 127.0.0.1).

>>> deployment = mr.get_model("churn", 1).deploy()                        # doctest: +SKIP
>>> deployment.start()                                                    # doctest: +SKIP
>>> deployment.predict(inputs=[[0.1, 0.2]])                               # doctest: +SKIP
{'predictions': [1]}
"""

from __future__ import annotations

from typing import Any

from ..catalog.deployments import DeploymentRecord
from ..deployments import (
    RUNNING,
    STARTING,
    DeploymentService,
    base_url,
    post_json,
    predict_url,
)
from ..errors import BadInput
from .constants import DEPLOYABLE_COMPONENT, PREDICTOR_STATE
from .predictor import Predictor
from .predictor_state import PredictorState


class ModelServingException(BadInput):
    """Generic model serving exception (hsml's ``ModelServingException``)."""


class Deployment:
    """Metadata object representing a deployment in Model Serving."""

    NOT_FOUND_ERROR_CODE = 240000

    def __init__(
        self,
        predictor: Predictor,
        name: str | None = None,
        description: str | None = None,
        **kwargs: Any,
    ) -> None:
        if predictor is None:
            raise ModelServingException("A predictor is required")
        if not isinstance(predictor, Predictor):
            raise ValueError("The predictor provided is not an instance of the Predictor class")
        self._predictor = predictor
        if name is not None:
            predictor.name = name
        if description is None:
            description = predictor.description
        self._description = predictor.description = description

    @classmethod
    def _from_record(cls, record: DeploymentRecord) -> Deployment:
        predictor = Predictor(
            name=record.name,
            model_name=record.model_name,
            model_path=f"Models/{record.model_name}",
            model_version=record.model_version,
            model_framework=None,
            model_server=record.model_server,
            script_file=record.script_file,
            description=record.description,
            requested_instances=record.instances,
        )
        return cls(predictor, record.name, record.description)

    @property
    def _service(self) -> DeploymentService:
        return DeploymentService.here()

    def _record(self) -> DeploymentRecord:
        return self._service.require(self.name)

    # -- lifecycle -----------------------------------------------------------------------

    def save(self, await_update: int | None = 600, new_version: bool = False) -> None:
        """Persist this deployment (its predictor and metadata) to Model Serving; a
        running one rolls out what it serves now, its old model servers answering until
        the new ones do (waiting up to ``await_update`` seconds)."""
        p = self._predictor
        timeout = 600.0 if await_update is None else max(float(await_update), 5.0)
        logger = p.inference_logger  # none given: local deployments log every request
        self._service.create(
            p.name,
            p.model_name,
            p.model_version,
            p.model_server,
            script_file=p.script_file,
            instances=p.requested_instances,
            description=self._description,
            timeout=timeout,
            inference_logging=logger.mode if logger is not None else "ALL",
            transformer_file=p.transformer.script_file if p.transformer is not None else None,
        )

    def start(self, await_running: int | None = 600) -> None:
        """Start the deployment's model server; with ``await_running`` (seconds), wait
        until it answers, raising if it does not."""
        timeout = None if await_running is None else max(float(await_running), 5.0)
        self._service.start(self.name, timeout=timeout)

    def stop(self, await_stopped: int | None = 600) -> None:
        """Stop the deployment's model server (its port is free when this returns)."""
        self._service.stop(self.name)

    def restart(self, await_stopped: int | None = 600, await_running: int | None = 600) -> None:
        if not self.is_stopped():
            self.stop(await_stopped=await_stopped)
        self.start(await_running=await_running)

    def delete(self, force: bool = False) -> None:
        """Delete the deployment; a running one only with ``force``."""
        self._service.delete(self.name, force=force)

    # -- state ---------------------------------------------------------------------------

    def get_state(self) -> PredictorState:
        """The current state of the deployment: ``available_predictor_instances`` is how
        many of its model server processes answer now. A deployment whose keeper process
        vanished is restarted first and reads ``Starting`` until it answers again."""
        record = self._record()
        path = f"/v1/models/{record.name}:predict"
        return PredictorState(
            available_predictor_instances=record.available_instances,
            available_transformer_instances=(
                record.available_instances if record.transformer_file else None
            ),
            hopsworks_inference_path=path,
            model_server_inference_path=path,
            internal_port=record.port,
            revision=None,
            deployed=record.state in (STARTING, RUNNING),
            condition=None,
            status=record.state,
        )

    def is_created(self) -> bool:
        return self.get_state().status != PREDICTOR_STATE.STATUS_CREATING

    def is_running(self, or_idle: bool = True, or_updating: bool = True) -> bool:
        """Whether the deployment is ready to handle inference requests."""
        status = self.get_state().status
        return (
            status == PREDICTOR_STATE.STATUS_RUNNING
            or (or_idle and status == PREDICTOR_STATE.STATUS_IDLE)
            or (or_updating and status == PREDICTOR_STATE.STATUS_UPDATING)
        )

    def is_stopped(self, or_created: bool = True) -> bool:
        status = self.get_state().status
        return status == PREDICTOR_STATE.STATUS_STOPPED or (
            or_created
            and status in (PREDICTOR_STATE.STATUS_CREATING, PREDICTOR_STATE.STATUS_CREATED)
        )

    # -- inference -----------------------------------------------------------------------

    def predict(
        self, data: dict | None = None, inputs: list | dict | None = None, validate: bool = True
    ) -> dict:
        """Send an inference request: ``data`` as the whole payload, or ``inputs`` sent as
        ``{"instances": inputs}`` (one row wrapped in a list); returns the server's JSON."""
        if data is not None and inputs is not None:
            raise ModelServingException(
                "Inference data and inputs parameters cannot be provided together."
            )
        if data is None and inputs is None:
            raise ModelServingException("Inference data or inputs parameters must be provided.")
        record = self._record()
        if record.state != RUNNING:
            raise ModelServingException(
                f"Deployment {record.name} is not running ({record.state}): call start() first"
            )
        payload = data if data is not None else {"instances": _rows(inputs)}
        return post_json(predict_url(record), payload)

    def get_logs(self, component: str = "predictor", tail: int = 10) -> None:
        """Print the last ``tail`` lines of the model server's log."""
        components = [DEPLOYABLE_COMPONENT.PREDICTOR, DEPLOYABLE_COMPONENT.TRANSFORMER]
        if component not in components:
            raise ValueError(
                f"Component '{component}' is not valid. Possible values are "
                f"'{', '.join(components)}'"
            )
        if component == DEPLOYABLE_COMPONENT.TRANSFORMER and not self._record().transformer_file:
            print("This deployment has no transformer")
            return
        for line in self._service.logs(self.name, tail):
            print(line, end="\n\n")

    def get_url(self) -> str:
        """The model server's base URL (it serves /v1/models/<name> and /v2/models/<name>)."""
        return base_url(self._record())

    def get_inference_url(self) -> str:
        return predict_url(self._record())

    def describe(self) -> None:
        print(self._predictor.to_dict())

    # -- properties ----------------------------------------------------------------------

    @property
    def id(self) -> int:
        return self._record().id

    @property
    def name(self) -> str:
        """Name of the deployment."""
        return self._predictor.name

    @property
    def description(self) -> str | None:
        return self._description

    @property
    def predictor(self) -> Predictor:
        return self._predictor

    @property
    def requested_instances(self) -> int:
        return self._predictor.requested_instances

    @property
    def model_name(self) -> str:
        return self._predictor.model_name

    @property
    def model_path(self) -> str:
        return self._predictor.model_path

    @property
    def model_version(self) -> int:
        return self._predictor.model_version

    @property
    def model_server(self) -> str:
        return self._predictor.model_server

    @property
    def serving_tool(self) -> str:
        return self._predictor.serving_tool

    @property
    def script_file(self) -> str | None:
        return self._predictor.script_file

    def __repr__(self) -> str:
        return f"Deployment(name: {self.name!r})"


def _rows(inputs: Any) -> Any:
    """hsml's REST wrapping: a dict is one row, a scalar one cell, a flat list one row."""
    if isinstance(inputs, dict):
        return [inputs]
    if not isinstance(inputs, list):
        return [[inputs]]
    if any(not isinstance(i, (list, dict)) for i in inputs):
        return [inputs]
    return inputs
