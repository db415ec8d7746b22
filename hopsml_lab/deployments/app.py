"""The model server's HTTP app (Starlette): TensorFlow Serving's REST API and the Open
Inference Protocol V2 over one loaded model. Bad requests get a 4xx with
``{"error": "..."}`` and the server keeps serving.

TF Serving: ``GET /v1/models/<name>[/versions/<v>]``, ``GET .../metadata``,
``POST /v1/models/<name>[/versions/<v>]:predict`` (``{"instances": rows}`` answers
``{"predictions": ...}``, ``{"inputs": columns}`` answers ``{"outputs": ...}``).
V2: ``GET /v2/health/live``, ``/v2/health/ready``, ``/v2/models/<name>[/versions/<v>]``,
``.../ready``, ``POST .../infer``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import clip
from .loaders import ServedModel
from .tensors import BadRequest, parse_tf_request, parse_v2_request, tf_response, v2_outputs

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 16 * 1024 * 1024


class _TooLarge(Exception):
    pass


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(
    model: ServedModel, name: str, version: int, max_body_bytes: int = MAX_BODY_BYTES
) -> Starlette:
    """The app serving ``model`` as ``name`` version ``version``."""
    served = ModelEndpoints(model, name, version, max_body_bytes)
    routes = [
        Route("/v1/models/{rest:path}", served.tf_serving, methods=["GET", "POST"]),
        Route("/v2/health/live", served.live),
        Route("/v2/health/ready", served.live),
        Route("/v2", served.server_metadata),
        Route("/v2/models/{rest:path}", served.v2, methods=["GET", "POST"]),
    ]

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        return _error(error.status_code, error.detail)

    return Starlette(routes=routes, exception_handlers={HTTPException: http_error})


class ModelEndpoints:
    """The handlers: each parses, checks the name and version, runs, and answers."""

    def __init__(self, model: ServedModel, name: str, version: int, max_body: int) -> None:
        self.model, self.name, self.version, self.max_body = model, name, str(version), max_body

    # -- shared ------------------------------------------------------------------------

    def _target(self, rest: str, verbs: tuple[str, ...]) -> tuple[str | None, str]:
        """``<name>[/versions/<v>][/<verb> or :<verb>]`` -> (verb, problem or '')."""
        path, verb = rest, None
        for candidate in verbs:
            if path.endswith(candidate):
                path, verb = path[: -len(candidate)], candidate.lstrip(":/")
                break
        name, _, version = path.partition("/versions/")
        if name != self.name:
            return verb, f"no model {clip(name)!r} here; this server serves {self.name!r}"
        if version and version != self.version:
            return (
                verb,
                f"model {self.name!r} has no version {clip(version)!r} here; it "
                f"serves version {self.version}",
            )
        if "/" in version:
            return verb, f"unknown path {clip(rest)!r}"
        return verb, ""

    async def _body(self, request: Request) -> Any:
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            raise _TooLarge
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.max_body:
                raise _TooLarge
            chunks.append(chunk)
        try:
            return json.loads(b"".join(chunks))
        except (ValueError, UnicodeDecodeError) as error:
            raise BadRequest(f"the body is not JSON ({clip(error)})") from None

    async def _guarded(self, work: Callable[[], Awaitable[Response]]) -> Response:
        try:
            return await work()
        except _TooLarge:
            return _error(413, f"the body is larger than {self.max_body} bytes; send fewer rows")
        except BadRequest as error:
            return _error(400, error.message)
        except Exception as error:  # the model failed on this input: say so, keep serving
            log.exception("prediction failed")
            return _error(500, f"the model failed: {type(error).__name__}: {clip(error, 500)}")

    def _predict(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        try:
            return self.model.run(arrays)
        except (ValueError, TypeError) as error:
            raise BadRequest(f"the model cannot take this input: {clip(error, 500)}") from None

    # -- TensorFlow Serving REST --------------------------------------------------------

    async def tf_serving(self, request: Request) -> Response:
        rest = request.path_params["rest"]
        verbs = (":predict", ":classify", ":regress", "/metadata")
        verb, problem = self._target(rest, verbs)
        if problem:
            return _error(404, problem)
        if request.method == "GET":
            if verb == "metadata":
                return JSONResponse(self._tf_metadata())
            if verb is None:
                return JSONResponse({"model_version_status": [self._tf_status()]})
        elif verb == "predict":
            return await self._guarded(lambda: self._tf_predict(request))
        elif verb in ("classify", "regress"):
            return _error(400, f"this model's signature has no {verb} method; use :predict")
        return _error(405, f"{request.method} is not allowed on {clip(rest)!r}")

    async def _tf_predict(self, request: Request) -> Response:
        body = await self._body(request)
        if self.model.inputs is None:  # a Python predictor takes the rows as sent
            if not isinstance(body, dict) or ("instances" in body) == ("inputs" in body):
                raise BadRequest('send a JSON object with "instances" (rows) or "inputs"')
            rows = "instances" in body
            result = self._predict(body["instances"] if rows else body["inputs"])
            if isinstance(result, dict) and ("predictions" in result or "outputs" in result):
                return JSONResponse(_plain(result))
            return JSONResponse({"predictions" if rows else "outputs": _plain(result)})
        arrays, rows = parse_tf_request(body, self.model.inputs)
        return JSONResponse(tf_response(self._predict(arrays), rows))

    def _tf_status(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "state": "AVAILABLE",
            "status": {"error_code": "OK", "error_message": ""},
        }

    def _tf_metadata(self) -> dict[str, Any]:
        specs = self.model.inputs or []
        signature = {
            "inputs": {s.name: s.tf() for s in specs},
            "outputs": {s.name: s.tf() for s in self.model.outputs},
            "method_name": "tensorflow/serving/predict",
        }
        return {
            "model_spec": {"name": self.name, "signature_name": "", "version": self.version},
            "metadata": {"signature_def": {"signature_def": {"serving_default": signature}}},
        }

    # -- Open Inference Protocol V2 -----------------------------------------------------

    async def live(self, request: Request) -> Response:
        return JSONResponse(
            {"live": True} if request.url.path.endswith("live") else {"ready": True}
        )

    async def server_metadata(self, request: Request) -> Response:
        return JSONResponse({"name": "hopsml-lab", "version": "1", "extensions": []})

    async def v2(self, request: Request) -> Response:
        rest = request.path_params["rest"]
        verb, problem = self._target(rest, ("/ready", "/infer"))
        if problem:
            return _error(404, problem)
        if request.method == "GET" and verb == "ready":
            return JSONResponse({"name": self.name, "ready": True})
        if request.method == "GET" and verb is None:
            return JSONResponse(self._v2_metadata())
        if request.method == "POST" and verb == "infer":
            return await self._guarded(lambda: self._v2_infer(request))
        return _error(405, f"{request.method} is not allowed on {clip(rest)!r}")

    def _v2_metadata(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "versions": [self.version],
            "platform": self.model.platform,
            "inputs": [s.v2() for s in self.model.inputs or []],
            "outputs": [s.v2() for s in self.model.outputs],
        }

    async def _v2_infer(self, request: Request) -> Response:
        if "inference-header-content-length" in request.headers:
            raise BadRequest(
                "the V2 binary tensor extension is not supported: send JSON tensors "
                "(tritonclient: set_data_from_numpy(..., binary_data=False))"
            )
        body = await self._body(request)
        arrays, names = parse_v2_request(body, self.model.inputs)
        if self.model.inputs is None:  # a Python predictor: the one input's rows
            if len(arrays) != 1:
                raise BadRequest("a Python predictor takes one input tensor (its rows)")
            result = self._predict(next(iter(arrays.values())).tolist())
            if isinstance(result, dict) and "predictions" in result:
                result = result["predictions"]
            outputs = {"predictions": np.asarray(result)}
        else:
            outputs = self._predict(arrays)
        answer: dict[str, Any] = {
            "model_name": self.name,
            "model_version": self.version,
            "outputs": v2_outputs(outputs, names),
        }
        if isinstance(body.get("id"), str):
            answer["id"] = body["id"]
        return JSONResponse(answer)


def _plain(value: Any) -> Any:
    """A predictor's answer as JSON can hold it (numpy arrays and scalars as lists)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    return value
