"""TensorBoard over REST, and the authenticated proxy in front of each TensorBoard."""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from jupyter_server_proxy.handlers import ProxyHandler
from tornado import web

from ..tensorboards import TensorBoard, TensorBoardManager, UnknownTensorBoardError
from .handlers import API, HopsMLHandler
from .models import TensorBoardList, TensorBoardRecord, TensorBoardRequest

PROXY = "/hopsml/tensorboard"
# Credentials of the Jupyter server never travel on to TensorBoard.
_PRIVATE_HEADERS = ("Authorization", "Cookie", "X-Xsrftoken", "X-Xsrf-Token")


class TensorBoardApiHandler(HopsMLHandler):
    @property
    def tensorboards(self) -> TensorBoardManager:
        return self.settings["hopsml_tensorboards"]

    def record(self, board: TensorBoard) -> TensorBoardRecord:
        return TensorBoardRecord(
            id=board.id,
            url=url_path_join(self.base_url, PROXY, board.id) + "/",
            experiments=list(board.experiments),
            pid=board.process.pid,
            started_at=board.started_at,
            last_activity=board.last_activity,
        )


class TensorBoardsHandler(TensorBoardApiHandler):
    async def post(self) -> None:
        body = self.json_body('{"experiments": ["<experiment id>"]}')
        request = TensorBoardRequest.model_validate(body if body is not None else {})
        # Started on the server's main thread (the process dies with that thread); its
        # readiness is awaited off the event loop.
        board, started = self.tensorboards.ensure(request.experiments)
        await asyncio.to_thread(board.wait_ready)
        self.set_status(201 if started else 200)
        self.finish_model(self.record(board))

    def get(self) -> None:
        boards = sorted(self.tensorboards.boards(), key=lambda b: b.started_at)
        self.finish_model(TensorBoardList(tensorboards=[self.record(b) for b in boards]))


class TensorBoardHandler(TensorBoardApiHandler):
    def delete(self, tensorboard_id: str) -> None:
        self.tensorboards.stop(tensorboard_id)
        self.set_status(204)
        self.finish()


class TensorBoardProxyHandler(ProxyHandler):
    """``/hopsml/tensorboard/<id>/<path>`` to that TensorBoard on 127.0.0.1, for
    authenticated users only (403 otherwise, never a redirect to a login page)."""

    async def prepare(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # Jupyter's own checks, minus ProxyHandler's redirect of a GET to the login page.
        await JupyterHandler.prepare(self, _redirect_to_login=False)
        if self.current_user is None:
            raise web.HTTPError(403, "authentication required")

    def _board(self, tensorboard_id: str) -> TensorBoard:
        try:
            board = self.settings["hopsml_tensorboards"].get(tensorboard_id)
        except UnknownTensorBoardError as error:
            raise web.HTTPError(404, str(error)) from error
        board.touch()
        return board

    def proxy_request_headers(self) -> Any:
        headers = super().proxy_request_headers()
        for name in _PRIVATE_HEADERS:
            headers.pop(name, None)
        return headers

    async def _forward(self, tensorboard_id: str, proxied_path: str) -> None:
        board = self._board(tensorboard_id)
        await self.proxy("127.0.0.1", board.port, proxied_path)

    async def http_get(self, tensorboard_id: str, proxied_path: str = "") -> None:
        await self._forward(tensorboard_id, proxied_path)

    async def open(self, tensorboard_id: str, proxied_path: str = "") -> None:
        raise web.HTTPError(400, "TensorBoard speaks no websockets")

    async def post(self, tensorboard_id: str, proxied_path: str = "") -> None:
        await self._forward(tensorboard_id, proxied_path)

    async def head(self, tensorboard_id: str, proxied_path: str = "") -> None:
        await self._forward(tensorboard_id, proxied_path)


class TensorBoardSlashHandler(HopsMLHandler):
    """TensorBoard's page loads its parts by relative URLs: the id needs a trailing '/'."""

    def get(self, tensorboard_id: str) -> None:
        self.redirect(url_path_join(self.base_url, PROXY, tensorboard_id) + "/")


ROUTES: list[tuple[str, type[web.RequestHandler]]] = [
    (rf"{API}/tensorboards", TensorBoardsHandler),
    (rf"{API}/tensorboards/(?P<tensorboard_id>[^/]+)", TensorBoardHandler),
    (rf"{PROXY}/(?P<tensorboard_id>[0-9a-f]+)", TensorBoardSlashHandler),
    (rf"{PROXY}/(?P<tensorboard_id>[0-9a-f]+)/(?P<proxied_path>.*)", TensorBoardProxyHandler),
]
