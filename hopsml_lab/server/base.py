"""What every HopsML route shares: authentication on every verb, domain errors mapped to
HTTP codes once (by their base class), answers and log lines that quote input only up to
a sensible length, routes that carry their own OpenAPI description, and the proxies in
front of the child servers we start."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any
from urllib.parse import urlsplit

from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server_proxy.handlers import ProxyHandler, RewritableResponse
from pydantic import BaseModel, ValidationError
from tornado import web
from tornado.log import gen_log

from ..errors import (
    MESSAGE_LIMIT,
    BadInput,
    Conflict,
    Failed,
    NotFound,
    Unavailable,
    clip,
    clip_message,
)

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

MAX_BODY_DEPTH = 32
"""Levels of nesting a JSON body may have; ours need three."""

MAX_PROBLEMS = 5
"""Validation problems a message lists; the rest it counts."""


def status_for(error: BaseException) -> int | None:
    """The HTTP code of a domain error, or None for a bug (a 500 with the traceback)."""
    return next((code for base, code in STATUS_BY_BASE if isinstance(error, base)), None)


def error_message(error: BaseException) -> str:
    """What the answer (and the log) says about ``error``, quoting input only clipped."""
    if isinstance(error, ValidationError):
        problems = error.errors()
        lines = [_problem(item["loc"], item["msg"]) for item in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            lines[-1] += f" (and {len(problems) - MAX_PROBLEMS} more problems)"
        return clip_message("; ".join(lines))
    return clip_message(str(error.args[0]) if error.args else str(error))


def _problem(loc: tuple[int | str, ...], msg: str) -> str:
    """One pydantic error as a line; a check across fields has no location."""
    msg = msg.removeprefix("Value error, ")
    return f"{'.'.join(str(p) for p in loc)}: {msg}" if loc else msg


def http_error(status: int, message: str) -> web.HTTPError:
    """An HTTPError whose message is ``message`` clipped, ``%`` and all: tornado reads a
    message without arguments as a format string (and doubles its ``%``)."""
    return web.HTTPError(status, "%s", clip_message(message))


def _nests_deeper(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


class ErrorAnswers(web.RequestHandler):
    """Domain errors answered with their HTTP code (STATUS_BY_BASE), every error as JSON
    ``{"message", "reason"}``, logged with its message as raised (one ``%`` stays one),
    input in it and the request's URL clipped."""

    def _handle_request_exception(self, e: BaseException) -> None:
        status = status_for(e)
        if status is None:
            super()._handle_request_exception(e)
            return
        try:
            raise http_error(status, error_message(e)) from e
        except web.HTTPError as mapped:
            super()._handle_request_exception(mapped)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        reason: str | None = None
        if isinstance(error, web.HTTPError):
            message = clip_message(error.get_message() or self._reason)
            reason = error.reason
        elif error is not None:
            message = "Unhandled error"
        else:
            message = self._reason
        self.set_header("Content-Type", "application/json")
        log = getattr(self, "log", gen_log)
        log.warning("wrote error: %s", message)
        self.finish(json.dumps({"message": message, "reason": reason}))

    def log_exception(self, typ: Any, value: BaseException | None, tb: Any) -> None:
        if isinstance(value, web.HTTPError):
            message = value.get_message()
            if message:
                summary = self._request_summary()
                gen_log.warning("%d %s: %s", value.status_code, summary, clip_message(message))
            return
        super().log_exception(typ, value, tb)

    def _request_summary(self) -> str:
        uri = clip(self.request.uri, MESSAGE_LIMIT)
        return f"{self.request.method} {uri} ({self.request.remote_ip})"

    def _log(self) -> None:
        # Jupyter's access log writes the URL as it came: a 60 kB id in the path too.
        if self.request.uri and len(self.request.uri) > MESSAGE_LIMIT:
            self.request.uri = clip(self.request.uri, MESSAGE_LIMIT)
        super()._log()


class HopsMLHandler(ErrorAnswers, APIHandler):
    """Base of every HopsML REST handler: every verb needs an authenticated user, and
    domain errors map to HTTP codes here once."""

    async def prepare(self) -> None:  # type: ignore[override]
        await super().prepare()
        # Independent of ServerApp.allow_unauthenticated_access: never serve anonymously.
        if self.current_user is None:
            raise web.HTTPError(403, "authentication required")

    def json_body(self, example: str) -> Any:
        """The request's JSON body; a 400 that shows ``example`` when it is not JSON, or
        nests deeper than MAX_BODY_DEPTH levels (the parser's own limit is a
        RecursionError)."""
        try:
            body = json.loads(self.request.body or b"null")
        except ValueError as error:
            raise http_error(400, f"the body must be JSON like {example}") from error
        except RecursionError:
            body = None
            too_deep = True
        else:
            too_deep = isinstance(body, (dict, list)) and _nests_deeper(body, MAX_BODY_DEPTH)
        if too_deep:
            raise http_error(
                400,
                f"the body nests deeper than {MAX_BODY_DEPTH} levels: send JSON like {example}",
            )
        return body

    def query_arguments(self) -> dict[str, str]:
        """The query's parameters, without the cache buster JupyterLab's
        ServerConnection appends to every GET (``&<milliseconds>``, no value)."""
        arguments = {key: self.get_query_argument(key) for key in self.request.query_arguments}
        return {
            key: value
            for key, value in arguments.items()
            if value is not None and not (key.isdigit() and not value)
        }

    def query_model(self, model: type[BaseModel]) -> Any:
        """The query's parameters as ``model`` (a 400 naming each bad one)."""
        return model.model_validate(self.query_arguments())

    def body_model(self, model: type[BaseModel], example: str) -> Any:
        body = self.json_body(example)
        return model.model_validate(body if body is not None else {})

    def finish_model(self, model: BaseModel) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(model.model_dump_json())


# -- Proxies in front of child servers -------------------------------------------------------

FRAME_SANDBOX = ("allow-scripts", "allow-downloads", "allow-popups")
"""What a child server's pages may do: run scripts, download, open links; never share
Jupyter's origin (no ``allow-same-origin``). The iframes that show them say the same."""

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

SANDBOX_SHIM_PATH = "__hopsml__/sandbox.js"

# A page in an opaque origin may not read localStorage, sessionStorage or document.cookie,
# nor start a Worker from a URL: reading them throws. Before the page's own scripts run,
# this gives it storage that lasts as long as the page, no cookies, and no OffscreenCanvas
# (TensorBoard then draws its charts without a Worker).
SANDBOX_SHIM = b"""(function () {
  try { window.localStorage; return; } catch (sandboxed) {}
  function Storage() {
    var items = new Map();
    return {
      get length() { return items.size; },
      key: function (i) { return Array.from(items.keys())[i] ?? null; },
      getItem: function (k) { k = String(k); return items.has(k) ? items.get(k) : null; },
      setItem: function (k, v) { items.set(String(k), String(v)); },
      removeItem: function (k) { items.delete(String(k)); },
      clear: function () { items.clear(); }
    };
  }
  Object.defineProperty(window, 'localStorage', { value: Storage(), configurable: true });
  Object.defineProperty(window, 'sessionStorage', { value: Storage(), configurable: true });
  Object.defineProperty(document, 'cookie', {
    get: function () { return ''; }, set: function () {}, configurable: true
  });
  delete window.OffscreenCanvas;
})();
"""

_HEADER_NAMES = re.compile(r"^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$")


def frame_key(settings: dict[str, Any], target_id: str, instance: str) -> str:
    """The key in a frame URL: an HMAC, under a secret made when the server started, of
    one child server (``instance`` changes when it restarts; the old URL stops working)."""
    secret = settings.setdefault("hopsml_frame_secret", secrets.token_bytes(32))
    message = f"{target_id}\n{instance}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


class ChildServerProxy(ErrorAnswers, ProxyHandler):
    """What both proxies do: Jupyter's credentials never travel on, the child's cookies
    never come back (a child could otherwise set Jupyter's ``_xsrf`` cookie), and every
    answer carries ``Content-Security-Policy: sandbox``: whichever way a child's page is
    opened (in our iframe, in a tab of its own, in a frame of its own pages), the
    browser gives it an opaque origin, so its scripts cannot read Jupyter's cookies or
    pages nor call Jupyter's API as the user."""

    PRIVATE_HEADERS = ("Authorization", "Cookie", "X-Xsrftoken", "X-Xsrf-Token", "X-Csrftoken")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # WebSocketHandlerMixin binds flush (and finish) on each instance, past any
        # class's override; every answer goes through this one.
        self.flush = self._flush_with_policy  # type: ignore[method-assign]

    def proxy_request_headers(self) -> Any:
        headers = super().proxy_request_headers()
        for name in self.PRIVATE_HEADERS:
            headers.pop(name, None)
        return headers

    def target_port(self, target_id: str) -> int:
        """The port of the child server ``target_id`` names (NotFound when none runs)."""
        raise NotImplementedError

    def _flush_with_policy(self, include_footers: bool = False) -> Any:
        if not self._headers_written:
            self.add_policy_headers()
        return web.RequestHandler.flush(self, include_footers)

    def add_policy_headers(self) -> None:
        """The last word on an answer's headers, whoever wrote the rest. (No
        ``frame-ancestors 'self'``: a sandboxed page that frames a page of its own, as
        TensorBoard does for some plugins, is an opaque origin that 'self' never
        matches.)"""
        self.clear_header("Set-Cookie")
        self.add_header("Content-Security-Policy", f"sandbox {' '.join(FRAME_SANDBOX)}")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Content-Type-Options", "nosniff")

    def check_xsrf_cookie(self) -> None:
        """ProxyHandler leaves this to the child; each proxy below decides."""

    async def _forward(self, target_id: str, proxied_path: str) -> None:
        await self.proxy("127.0.0.1", self.target_port(target_id), proxied_path)

    async def open(self, *args: Any, **kwargs: Any) -> None:
        raise http_error(400, "this server speaks no websockets")

    def _no_such_verb(self) -> None:
        raise http_error(405, f"{self.request.method} is not proxied")

    async def put(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._no_such_verb()

    async def patch(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._no_such_verb()

    async def delete(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._no_such_verb()


def _same_host(url: str, host: str | None) -> bool:
    return bool(host) and urlsplit(url).netloc.lower() == (host or "").lower()


class AuthenticatedProxyHandler(ChildServerProxy):
    """A child server on 127.0.0.1 behind Jupyter's authentication, for scripts and
    JupyterLab's own requests: 403 without it (never a redirect to a login page).

    ProxyHandler turns off Jupyter's XSRF check ("defer to proxied apps"), so a page on
    another site could make the browser POST here with the login cookie. Here a POST
    needs one of: Jupyter's token (``Authorization: token``, as scripts send), Jupyter's
    ``X-XSRFToken`` matching the ``_xsrf`` cookie (as JupyterLab sends), or a browser's
    word that it comes from this server's own pages (``Origin`` equal to the Host,
    ``Sec-Fetch-Site: same-origin``, or such a ``Referer``). A request that says it comes
    from anywhere else (``Origin: null`` too) is refused even with the cookie, unless
    ServerApp.allow_origin lets that origin in, and then it needs the XSRF token."""

    async def prepare(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # Jupyter's own checks, minus ProxyHandler's redirect of a GET to the login page;
        # they call check_xsrf_cookie below once the user is known.
        await JupyterHandler.prepare(self, _redirect_to_login=False)
        if self.current_user is None:
            raise web.HTTPError(403, "authentication required")

    def check_xsrf_cookie(self) -> None:
        if self.request.method in SAFE_METHODS:
            return
        if getattr(self, "_jupyter_current_user", None) is None:
            return  # before authentication (tornado asks first), or anonymous: a 403 anyway
        if self.token_authenticated or self.settings.get("disable_check_xsrf", False):
            return
        came_from = self._came_from()
        if came_from == "same-origin":
            return
        if came_from is not None and not JupyterHandler.check_origin(self):
            raise http_error(
                403,
                f"refused a cross-site {self.request.method} from {came_from}: through "
                "this proxy only this server's own pages may send one",
            )
        try:
            web.RequestHandler.check_xsrf_cookie(self)
        except web.HTTPError as error:
            raise http_error(
                403,
                f"a {self.request.method} through this proxy needs Jupyter's X-XSRFToken "
                "header (the value of the _xsrf cookie) or must come from this server's "
                f"own pages ({error.get_message()})",
            ) from error

    def _came_from(self) -> str | None:
        """``"same-origin"``, the other origin the browser says the request came from,
        or None when it says nothing (a script, an old browser)."""
        headers, host = self.request.headers, self.request.headers.get("Host")
        origin = headers.get("Origin")
        if origin is not None:
            return "same-origin" if _same_host(origin, host) else clip(origin)
        site = headers.get("Sec-Fetch-Site")
        if site is not None:
            return "same-origin" if site in ("same-origin", "none") else f"a {site} page"
        referer = headers.get("Referer")
        if referer:
            return "same-origin" if _same_host(referer, host) else clip(referer)
        return None

    async def http_get(self, target_id: str, proxied_path: str = "") -> None:
        await self._forward(target_id, proxied_path)

    async def post(self, target_id: str, proxied_path: str = "") -> None:
        await self._forward(target_id, proxied_path)

    async def head(self, target_id: str, proxied_path: str = "") -> None:
        await self._forward(target_id, proxied_path)

    async def options(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._no_such_verb()


class FrameProxyHandler(ChildServerProxy):
    """A child server's pages for a sandboxed iframe: ``<prefix>/<id>/<key>/<path>``,
    where the key (``frame_key``) is the only credential. Jupyter's cookie is neither
    needed nor used.

    Why not Jupyter's cookie: a page served from Jupyter's origin runs its scripts with
    the user's full Jupyter access (they could read the ``_xsrf`` cookie and start a
    kernel). So every answer of a child sandboxes the page into an opaque origin (see
    ChildServerProxy), and a page there sends no cookies: its requests come back with
    ``Origin: null`` and this key in their (relative) URL. The key grants one child
    server's pages and data, for as long as that child runs, and nothing of Jupyter's;
    only an authenticated REST call hands it out (the record's ``url``). Answers allow
    ``Origin: null`` to read them (CORS), a POST from any other site is refused, and the
    page gets SANDBOX_SHIM before its own scripts, so that a page written for a normal
    origin (TensorBoard) runs in the opaque one.
    """

    stale_message = "this link is not valid (any more): open it again"

    def target_instance(self, target_id: str) -> str:
        """What changes when ``target_id``'s server restarts (NotFound when none runs)."""
        raise NotImplementedError

    async def prepare(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if not self.check_host():
            raise web.HTTPError(403)
        self.current_user = self._jupyter_current_user = None
        target_id = self.path_kwargs.get("target_id", "")
        try:
            expected = frame_key(self.settings, target_id, self.target_instance(target_id))
        except NotFound:
            expected = ""
        given = self.path_kwargs.get("frame_key", "")
        if not (expected and hmac.compare_digest(given.encode(), expected.encode())):
            raise http_error(403, self.stale_message)
        origin = self.request.headers.get("Origin")
        host = self.request.headers.get("Host")
        cross_site = origin not in (None, "null") and not _same_host(origin, host)
        if self.request.method not in SAFE_METHODS and cross_site:
            raise http_error(403, f"refused a cross-site {self.request.method} from {origin}")

    def add_policy_headers(self) -> None:
        super().add_policy_headers()
        if self.request.headers.get("Origin") == "null":
            self.set_header("Access-Control-Allow-Origin", "null")
        self.add_header("Vary", "Origin")

    async def options(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """The CORS preflight of the sandboxed page's POSTs and custom headers."""
        requested = self.request.headers.get("Access-Control-Request-Headers", "")
        self.set_status(204)
        self.set_header("Access-Control-Allow-Methods", "GET, HEAD, POST")
        if _HEADER_NAMES.match(requested):
            self.set_header("Access-Control-Allow-Headers", requested)
        self.set_header("Access-Control-Max-Age", "600")
        self.finish()

    async def http_get(self, target_id: str, frame_key: str, proxied_path: str = "") -> None:
        if proxied_path == SANDBOX_SHIM_PATH:
            self.set_header("Content-Type", "text/javascript; charset=utf-8")
            self.set_header("Cache-Control", "no-cache")
            self.finish(SANDBOX_SHIM)
            return
        # The shim's absolute path: the page may be any level below the key.
        above = self.request.path.split(f"/{frame_key}/", 1)[0]
        shim = f"{above}/{frame_key}/{SANDBOX_SHIM_PATH}"
        # jupyter-server-proxy calls it with the arguments its parameters name.
        self.rewrite_response = (lambda response: _load_first(response, shim),)
        await self._forward(target_id, proxied_path)

    async def post(self, target_id: str, frame_key: str, proxied_path: str = "") -> None:
        await self._forward(target_id, proxied_path)

    async def head(self, target_id: str, frame_key: str, proxied_path: str = "") -> None:
        await self._forward(target_id, proxied_path)


def _load_first(response: RewritableResponse, src: str) -> None:
    """Make an HTML page load the script at ``src`` first thing in its head."""
    content_type = response.headers.get("Content-Type", "")
    if response.code != 200 or not content_type.startswith("text/html"):
        return
    body = response.body
    if response.headers.get("Content-Encoding", "").lower() == "gzip":
        body = gzip.decompress(body)
        del response.headers["Content-Encoding"]
    head = re.search(rb"<head(\s[^>]*)?>", body, re.IGNORECASE)
    at = head.end() if head else 0
    response.body = body[:at] + f'<script src="{escape(src)}"></script>'.encode() + body[at:]


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
