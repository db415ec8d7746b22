"""REST handlers: translate HTTP into typed calls on the experiment service."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from jupyter_server.base.handlers import APIHandler
from pydantic import BaseModel, ValidationError
from tornado import web

from ..catalog import BadQueryError, ExperimentQuery, UnknownExperimentError
from ..tensorboards import BadTensorBoardRequest, TensorBoardError, UnknownTensorBoardError
from .models import ReproduceRequest, ReproduceResult
from .openapi import openapi_document
from .reproduce import NoSnapshotError, UnknownTrialError, save_new_notebook
from .service import ExperimentService

API = "/hopsml/api"


class HopsMLHandler(APIHandler):
    """Base of every HopsML handler: every verb needs an authenticated user, and
    domain errors map to HTTP codes here once (400 bad input, 404 unknown id)."""

    async def prepare(self) -> None:  # type: ignore[override]
        await super().prepare()
        # Independent of ServerApp.allow_unauthenticated_access: never serve anonymously.
        if self.current_user is None:
            raise web.HTTPError(403, "authentication required")

    @property
    def service(self) -> ExperimentService:
        return self.settings["hopsml_service"]

    def json_body(self, example: str) -> Any:
        """The request's JSON body; a 400 that shows ``example`` when it is not JSON."""
        try:
            return json.loads(self.request.body or b"null")
        except ValueError as error:
            raise web.HTTPError(400, f"the body must be JSON like {example}") from error

    def finish_model(self, model: BaseModel) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(model.model_dump_json())

    def _handle_request_exception(self, e: BaseException) -> None:
        status = _STATUS.get(type(e))
        if status is None and isinstance(e, ValidationError):
            status = 400
        if status is None:
            super()._handle_request_exception(e)
            return
        try:
            raise web.HTTPError(status, _message(e)) from e
        except web.HTTPError as mapped:
            super()._handle_request_exception(mapped)


_STATUS: dict[type[BaseException], int] = {
    UnknownExperimentError: 404,
    UnknownTrialError: 404,
    BadQueryError: 400,
    NoSnapshotError: 409,
    UnknownTensorBoardError: 404,
    BadTensorBoardRequest: 400,
    TensorBoardError: 500,
}


def _message(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(_problem(item["loc"], item["msg"]) for item in error.errors())
    return str(error.args[0]) if error.args else str(error)


def _problem(loc: tuple[int | str, ...], msg: str) -> str:
    """One pydantic error as a line; a check across fields has no location."""
    msg = msg.removeprefix("Value error, ")
    return f"{'.'.join(str(p) for p in loc)}: {msg}" if loc else msg


class ExperimentsHandler(HopsMLHandler):
    def get(self) -> None:
        raw: dict[str, Any] = {
            key: self.get_query_argument(key)
            for key in self.request.query_arguments
            if not _cache_buster(key, self.get_query_argument(key))
        }
        query = ExperimentQuery.model_validate(raw)
        self.finish_model(self.service.list_experiments(query))


class ExperimentHandler(HopsMLHandler):
    def get(self, experiment_id: str) -> None:
        self.finish_model(self.service.get_experiment(experiment_id))


class ReproduceHandler(HopsMLHandler):
    async def post(self, experiment_id: str) -> None:
        body = self.json_body('{"trial": "trial_0"}')
        request = ReproduceRequest.model_validate(body if body is not None else {})
        name, notebook = self.service.reproduction(experiment_id, request.trial)
        lock = self.settings.setdefault("hopsml_reproduce_lock", asyncio.Lock())
        path = await save_new_notebook(self.contents_manager, name, notebook, lock)
        self.set_status(201)
        self.finish_model(ReproduceResult(path=path))


def _cache_buster(key: str, value: str | None) -> bool:
    """JupyterLab's ServerConnection appends ``&<milliseconds>`` to every GET."""
    return key.isdigit() and not value


class OpenAPIHandler(HopsMLHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(openapi_document()))


ROUTES: list[tuple[str, type[HopsMLHandler]]] = [
    (rf"{API}/experiments", ExperimentsHandler),
    (rf"{API}/experiments/(?P<experiment_id>[^/]+)", ExperimentHandler),
    (rf"{API}/experiments/(?P<experiment_id>[^/]+)/reproduce", ReproduceHandler),
    (rf"{API}/openapi.json", OpenAPIHandler),
]
