"""Model deployments: registered model versions served over HTTP by real server
processes (TensorFlow Serving's REST API and the Open Inference Protocol V2), recorded in
the catalog and run by a detached keeper process per deployment that outlives its
starter, restarts crashed servers and rolls out new versions with no failed request.
hsml's ``ModelServing`` / ``Deployment`` and hops' ``serving`` module are facades over
it."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import BadInferenceRequest, InferenceError, post_json, predict_url
    from .loaders import ModelLoadError
    from .service import (
        CREATED,
        FAILED,
        INFERENCE_LOG_ENV,
        MODEL_SERVERS,
        RUNNING,
        STARTING,
        STOPPED,
        DeploymentConflict,
        DeploymentNotFound,
        DeploymentService,
        DeploymentStartError,
        base_url,
    )
    from .tensors import BadRequest

# Imported on first use: a model server process (serve.py) then starts without the
# catalog's libraries (SQLAlchemy, alembic), a second or more of its start-up.
_WHERE = {
    **dict.fromkeys(("BadInferenceRequest", "InferenceError", "post_json"), "client"),
    "predict_url": "client",
    "ModelLoadError": "loaders",
    "BadRequest": "tensors",
}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_WHERE.get(name, 'service')}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "CREATED",
    "FAILED",
    "INFERENCE_LOG_ENV",
    "MODEL_SERVERS",
    "RUNNING",
    "STARTING",
    "STOPPED",
    "BadInferenceRequest",
    "BadRequest",
    "DeploymentConflict",
    "DeploymentNotFound",
    "DeploymentService",
    "DeploymentStartError",
    "InferenceError",
    "ModelLoadError",
    "base_url",
    "post_json",
    "predict_url",
]
