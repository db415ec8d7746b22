"""The model server's HTTP app (Starlette): TensorFlow Serving's REST API and the Open
Inference Protocol V2 over one loaded model. Bad requests get a 4xx with
``{"error": "..."}`` and the server keeps serving.

TF Serving: ``GET /v1/models/<name>[/versions/<v>]``, ``GET .../metadata``,
``POST /v1/models/<name>[/versions/<v>]:predict`` (``{"instances": rows}`` answers
``{"predictions": ...}``, ``{"inputs": columns}`` answers ``{"outputs": ...}``).
V2: ``GET /v2/health/live``, ``/v2/health/ready``, ``/v2/models/<name>[/versions/<v>]``,
``.../ready``, ``POST .../infer``.

Every inference request (each POST above) goes to the deployment's inference log when
``HOPSML_INFERENCE_LOG_DIR`` is set (see :mod:`.inference_log`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import numpy as np
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import clip
from .inference_log import InferenceLog
from .loaders import ServedModel, Transformer
from .tensors import BadRequest, parse_tf_request, parse_v2_request, tf_response, v2_outputs

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 16 * 1024 * 1024
FROM_ENV: Any = object()  # create_app's default: the inference log the environment asks for


class TransformerError(Exception):
    """The deployment's transformer script failed on a request."""


class _TooLarge(Exception):
    pass


class JSONAnswer(JSONResponse):
    """Starlette's JSONResponse (compact, UTF-8, no NaN) with one encoder for every
    answer: ``json.dumps`` with options builds a new encoder per call."""

    _encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode

    def render(self, content: Any) -> bytes:
        return self._encode(content).encode("utf-8")


def _error(status: int, message: str) -> JSONAnswer:
    return JSONAnswer({"error": message}, status_code=status)


def create_app(
    model: ServedModel,
    name: str,
    version: int,
    max_body_bytes: int = MAX_BODY_BYTES,
    inference_log: InferenceLog | None = FROM_ENV,
    transformer: Transformer | None = None,
) -> InferenceShortcut:
    """The app serving ``model`` as ``name`` version ``version``; each inference request
    goes to ``inference_log`` (by default the one ``HOPSML_INFERENCE_LOG_DIR`` names;
    None: not logged); a ``transformer`` transforms each inference request's JSON before
    the model and its answer's after."""
    if inference_log is FROM_ENV:
        inference_log = InferenceLog.from_env(name, version)
    served = ModelEndpoints(model, name, version, max_body_bytes, inference_log, transformer)
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

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if inference_log is not None:  # write what is queued before the process ends
            inference_log.close()

    app = Starlette(
        routes=routes, exception_handlers={HTTPException: http_error}, lifespan=lifespan
    )
    return InferenceShortcut(app, served)


class InferenceShortcut:
    """ASGI: an inference request (``POST /v1/models/...:predict``, ``POST
    /v2/models/.../infer``) goes straight to its handler, which answers every error
    itself; everything else (the other routes, the lifespan) through ``app``'s routing
    and middleware, which cost a batch-1 request about a tenth of its time."""

    def __init__(self, app: Starlette, served: ModelEndpoints) -> None:
        self.app, self.served = app, served

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            path: str = scope["path"]
            handler = None
            if path.startswith("/v1/models/") and path.endswith(":predict"):
                handler = self.served.tf_serving
            elif path.startswith("/v2/models/") and path.endswith("/infer"):
                handler = self.served.v2
            if handler is not None:
                scope["path_params"] = {"rest": path[len("/v1/models/") :]}
                response = await handler(Request(scope, receive))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class ModelEndpoints:
    """The handlers: each parses, checks the name and version, runs, and answers."""

    def __init__(
        self,
        model: ServedModel,
        name: str,
        version: int,
        max_body: int,
        inference_log: InferenceLog | None = None,
        transformer: Transformer | None = None,
    ) -> None:
        self.model, self.name, self.version, self.max_body = model, name, str(version), max_body
        self.inference_log = inference_log
        self.transformer = transformer

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
        request.state.body = body = b"".join(chunks)  # kept for the inference log
        try:
            parsed = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise BadRequest(f"the body is not JSON ({clip(error)})") from None
        if self.transformer is None:
            return parsed
        return self._transformed("preprocess", self.transformer.preprocess, parsed)

    def _answer(self, answer: Any, plain: bool = True) -> Response:
        """The answer's JSON (after the transformer's ``postprocess``, if any); ``plain``:
        it holds only JSON values already (no numpy arrays to convert)."""
        if self.transformer is not None:
            answer = self._transformed("postprocess", self.transformer.postprocess, answer)
            plain = False
        return JSONAnswer(answer if plain else _plain(answer))

    @staticmethod
    def _transformed(step: str, method: Callable[[Any], Any], value: Any) -> Any:
        try:
            return method(value)
        except Exception as error:  # the user's code: a 500 that names it, then go on
            raise TransformerError(
                f"the transformer's {step} failed: {type(error).__name__}: {clip(error, 500)}"
            ) from None

    async def _logged(
        self, protocol: str, request: Request, handler: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        """``handler``'s answer; an inference request (a POST) also goes to the log."""
        if request.method != "POST" or self.inference_log is None:
            return await handler(request)
        start = time.perf_counter()
        response = await handler(request)
        self.inference_log.record(
            protocol,
            request.scope["path"],  # request.url would build a URL object per request
            response.status_code,
            (time.perf_counter() - start) * 1000.0,
            getattr(request.state, "body", None),
            bytes(response.body),
        )
        return response

    async def _guarded(self, work: Callable[[], Awaitable[Response]]) -> Response:
        try:
            return await work()
        except _TooLarge:
            return _error(413, f"the body is larger than {self.max_body} bytes; send fewer rows")
        except BadRequest as error:
            return _error(400, error.message)
        except TransformerError as error:
            log.exception("transformer failed")
            return _error(500, str(error))
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
        return await self._logged("tf-serving", request, self._tf_serving)

    async def _tf_serving(self, request: Request) -> Response:
        rest = request.path_params["rest"]
        verbs = (":predict", ":classify", ":regress", "/metadata")
        verb, problem = self._target(rest, verbs)
        if problem:
            return _error(404, problem)
        if request.method == "GET":
            if verb == "metadata":
                return JSONAnswer(self._tf_metadata())
            if verb is None:
                return JSONAnswer({"model_version_status": [self._tf_status()]})
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
                return self._answer(result, plain=False)
            return self._answer({"predictions" if rows else "outputs": result}, plain=False)
        arrays, rows = parse_tf_request(body, self.model.inputs)
        return self._answer(tf_response(self._predict(arrays), rows))

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
        return JSONAnswer({"live": True} if request.url.path.endswith("live") else {"ready": True})

    async def server_metadata(self, request: Request) -> Response:
        return JSONAnswer({"name": "hopsml-lab", "version": "1", "extensions": []})

    async def v2(self, request: Request) -> Response:
        return await self._logged("v2", request, self._v2)

    async def _v2(self, request: Request) -> Response:
        rest = request.path_params["rest"]
        verb, problem = self._target(rest, ("/ready", "/infer"))
        if problem:
            return _error(404, problem)
        if request.method == "GET" and verb == "ready":
            return JSONAnswer({"name": self.name, "ready": True})
        if request.method == "GET" and verb is None:
            return JSONAnswer(self._v2_metadata())
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
        return self._answer(answer)


def _plain(value: Any) -> Any:
    """A predictor's answer as JSON can hold it (numpy arrays and scalars as lists)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    return value
