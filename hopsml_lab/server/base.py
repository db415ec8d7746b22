"""What every HopsML route shares: authentication on every verb, domain errors mapped to
HTTP codes once (by their base class), routes that carry their own OpenAPI description,
and the authenticated proxy in front of the child servers we start."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server_proxy.handlers import ProxyHandler
from pydantic import BaseModel, ValidationError
from tornado import web

from ..errors import BadInput, Conflict, Failed, NotFound, Unavailable

API = "/hopsml/api"

# First match wins: an error that is both (a store path that is also bad input) takes
# the more specific code.
STATUS_BY_BASE: tuple[tuple[type[BaseException], int], ...] = (
    (NotFound, 404),
    (BadInput, 400),
    (ValidationError, 400),
    (Conflict, 409),
    (Unavailable, 503),
    (Failed, 500),
)


def status_for(error: BaseException) -> int | None:
    """The HTTP code of a domain error, or None for a bug (a 500 with the traceback)."""
    return next((code for base, code in STATUS_BY_BASE if isinstance(error, base)), None)


def error_message(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(_problem(item["loc"], item["msg"]) for item in error.errors())
    return str(error.args[0]) if error.args else str(error)


def _problem(loc: tuple[int | str, ...], msg: str) -> str:
    """One pydantic error as a line; a check across fields has no location."""
    msg = msg.removeprefix("Value error, ")
    return f"{'.'.join(str(p) for p in loc)}: {msg}" if loc else msg


class HopsMLHandler(APIHandler):
    """Base of every HopsML REST handler: every verb needs an authenticated user, and
    domain errors map to HTTP codes here once."""

    async def prepare(self) -> None:  # type: ignore[override]
        await super().prepare()
        # Independent of ServerApp.allow_unauthenticated_access: never serve anonymously.
        if self.current_user is None:
            raise web.HTTPError(403, "authentication required")

    def json_body(self, example: str) -> Any:
        """The request's JSON body; a 400 that shows ``example`` when it is not JSON."""
        try:
            return json.loads(self.request.body or b"null")
        except ValueError as error:
            raise web.HTTPError(400, f"the body must be JSON like {example}") from error

    def body_model(self, model: type[BaseModel], example: str) -> Any:
        body = self.json_body(example)
        return model.model_validate(body if body is not None else {})

    def finish_model(self, model: BaseModel) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(model.model_dump_json())

    def _handle_request_exception(self, e: BaseException) -> None:
        status = status_for(e)
        if status is None:
            super()._handle_request_exception(e)
            return
        try:
            raise web.HTTPError(status, error_message(e)) from e
        except web.HTTPError as mapped:
            super()._handle_request_exception(mapped)


class AuthenticatedProxyHandler(ProxyHandler):
    """A child server on 127.0.0.1 behind Jupyter's authentication: 403 without it
    (never a redirect to a login page), and Jupyter's credentials never travel on."""

    PRIVATE_HEADERS = ("Authorization", "Cookie", "X-Xsrftoken", "X-Xsrf-Token")

    async def prepare(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # Jupyter's own checks, minus ProxyHandler's redirect of a GET to the login page.
        await JupyterHandler.prepare(self, _redirect_to_login=False)
        if self.current_user is None:
            raise web.HTTPError(403, "authentication required")

    def proxy_request_headers(self) -> Any:
        headers = super().proxy_request_headers()
        for name in self.PRIVATE_HEADERS:
            headers.pop(name, None)
        return headers

    def target_port(self, target_id: str) -> int:
        """The port of the child server ``target_id`` names (404 when none runs)."""
        raise NotImplementedError

    async def _forward(self, target_id: str, proxied_path: str) -> None:
        try:
            port = self.target_port(target_id)
        except NotFound as error:
            raise web.HTTPError(404, str(error)) from error
        await self.proxy("127.0.0.1", port, proxied_path)

    async def http_get(self, target_id: str, proxied_path: str = "") -> None:
        await self._forward(target_id, proxied_path)

    async def post(self, target_id: str, proxied_path: str = "") -> None:
        await self._forward(target_id, proxied_path)

    async def head(self, target_id: str, proxied_path: str = "") -> None:
        await self._forward(target_id, proxied_path)

    async def open(self, target_id: str, proxied_path: str = "") -> None:
        raise web.HTTPError(400, "this server speaks no websockets")


# -- Routes that describe themselves --------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One documented response of an operation."""

    description: str
    model: type[BaseModel] | None = None


@dataclass(frozen=True)
class Operation:
    """One verb of a route, as the OpenAPI document shows it."""

    operation_id: str
    summary: str
    responses: Mapping[int, Answer]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None


@dataclass(frozen=True)
class Route:
    """A URL pattern (OpenAPI form, ``{name}`` for a path parameter), its handler, and
    the operations the API document lists (none for pages and proxies)."""

    path: str
    handler: type[web.RequestHandler]
    operations: Mapping[str, Operation] = field(default_factory=dict)
    parameters: Mapping[str, str] = field(default_factory=dict)  # name -> regex

    @property
    def pattern(self) -> str:
        def group(match: re.Match[str]) -> str:
            name = match.group(1)
            return f"(?P<{name}>{self.parameters.get(name, '[^/]+')})"

        return re.sub(r"\{([a-z_]+)\}", group, self.path)

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"\{([a-z_]+)\}", self.path)

    def rule(self) -> tuple[str, type[web.RequestHandler]]:
        return self.pattern, self.handler
