"""Model deployments: registered model versions served over HTTP by real server
processes (TensorFlow Serving's REST API and the Open Inference Protocol V2), recorded in
the catalog and started through the process supervisor. hsml's ``ModelServing`` /
``Deployment`` and hops' ``serving`` module are facades over it."""

from .client import BadInferenceRequest, InferenceError, post_json, predict_url
from .loaders import ModelLoadError
from .service import (
    CREATED,
    FAILED,
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

__all__ = [
    "CREATED",
    "FAILED",
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
