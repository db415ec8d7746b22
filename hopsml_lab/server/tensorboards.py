"""TensorBoard over REST, and the two proxies in front of each TensorBoard: the one the
JupyterLab panel's sandboxed iframe loads (``/hopsml/tensorboard-frame/<id>/<key>/``, the
record's ``url``; see FrameProxyHandler for why a key and not Jupyter's cookie) and
Jupyter-authenticated ``/hopsml/tensorboard/<id>/<path>`` for scripts."""

from __future__ import annotations

import asyncio

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from pydantic import BaseModel, ConfigDict, Field

from ..tensorboards import TensorBoard, TensorBoardManager
from .base import (
    API,
    Answer,
    AuthenticatedProxyHandler,
    FrameProxyHandler,
    HopsMLHandler,
    Operation,
    Route,
    frame_key,
)

PROXY = "/hopsml/tensorboard"
FRAME = "/hopsml/tensorboard-frame"


class TensorBoardRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    experiments: list[str] = Field(
        min_length=1,
        max_length=100,
        description="Ids of the experiments to show together; each trial is a run named by "
        "its hyperparameters.",
    )


class TensorBoardRecord(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    id: str = Field(description="The same id for the same set of experiments.")
    url: str = Field(
        description="Where to show it, ending in '/': in an iframe sandboxed with "
        "'allow-scripts allow-downloads allow-popups' (never 'allow-same-origin'). The "
        "URL's key is its credential (no Jupyter cookie needed) while this TensorBoard "
        "process runs."
    )
    experiments: list[str]
    pid: int = Field(description="The TensorBoard process, bound to 127.0.0.1 only.")
    started_at: float = Field(description="Seconds since the epoch (UTC).")
    last_activity: float = Field(description="The last request through the proxy.")


class TensorBoardList(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    tensorboards: list[TensorBoardRecord]


def _manager(handler: JupyterHandler) -> TensorBoardManager:
    return handler.settings["hopsml_tensorboards"]


def _instance(board: TensorBoard) -> str:
    return f"{board.process.pid}:{board.started_at}"


def frame_url(handler: JupyterHandler, board: TensorBoard) -> str:
    key = frame_key(handler.settings, board.id, _instance(board))
    return url_path_join(handler.base_url, FRAME, board.id, key) + "/"


class TensorBoardApiHandler(HopsMLHandler):
    def record(self, board: TensorBoard) -> TensorBoardRecord:
        return TensorBoardRecord(
            id=board.id,
            url=frame_url(self, board),
            experiments=list(board.experiments),
            pid=board.process.pid,
            started_at=board.started_at,
            last_activity=board.last_activity,
        )


class TensorBoardsHandler(TensorBoardApiHandler):
    async def post(self) -> None:
        request = self.body_model(TensorBoardRequest, '{"experiments": ["<experiment id>"]}')
        # Started on the server's main thread (the process dies with that thread); its
        # readiness is awaited off the event loop.
        board, started = _manager(self).ensure(request.experiments)
        await asyncio.to_thread(board.wait_ready)
        self.set_status(201 if started else 200)
        self.finish_model(self.record(board))

    def get(self) -> None:
        boards = sorted(_manager(self).boards(), key=lambda b: b.started_at)
        self.finish_model(TensorBoardList(tensorboards=[self.record(b) for b in boards]))


class TensorBoardHandler(TensorBoardApiHandler):
    def delete(self, tensorboard_id: str) -> None:
        _manager(self).stop(tensorboard_id)
        self.set_status(204)
        self.finish()


class TensorBoardProxyHandler(AuthenticatedProxyHandler):
    """``/hopsml/tensorboard/<id>/<path>`` to that TensorBoard on 127.0.0.1, for scripts
    and JupyterLab. Its page itself (the empty path) redirects to the frame URL: served
    here it would be sandboxed all the same, and its requests would carry no cookie."""

    def target_port(self, target_id: str) -> int:
        board = _manager(self).get(target_id)
        board.touch()
        return board.port

    async def http_get(self, target_id: str, proxied_path: str = "") -> None:
        if proxied_path == "":
            self.redirect(frame_url(self, _manager(self).get(target_id)))
            return
        await super().http_get(target_id, proxied_path)


class TensorBoardFrameHandler(FrameProxyHandler):
    """``/hopsml/tensorboard-frame/<id>/<key>/<path>``: what the panel's iframe loads."""

    stale_message = (
        "this TensorBoard link is not valid (any more): open TensorBoard again from JupyterLab"
    )

    def target_instance(self, target_id: str) -> str:
        return _instance(_manager(self).get(target_id))

    def target_port(self, target_id: str) -> int:
        board = _manager(self).get(target_id)
        board.touch()
        return board.port


class TensorBoardSlashHandler(HopsMLHandler):
    """``/hopsml/tensorboard/<id>``: to where its page is served (TensorBoard's page
    loads its parts by relative URLs, so that ends in '/')."""

    def get(self, target_id: str) -> None:
        self.redirect(frame_url(self, _manager(self).get(target_id)))


_BOARD_ID = {"target_id": "[0-9a-f]+", "frame_key": "[0-9a-f]+", "proxied_path": ".*"}

ROUTES = [
    Route(
        f"{API}/tensorboards",
        TensorBoardsHandler,
        {
            "get": Operation(
                "listTensorBoards",
                "The TensorBoards this server runs.",
                {200: Answer("Running TensorBoards.", TensorBoardList)},
            ),
            "post": Operation(
                "startTensorBoard",
                "A TensorBoard for a set of experiments, started if none runs for that set "
                "yet; answers once it serves.",
                {
                    200: Answer("One was running for that set.", TensorBoardRecord),
                    201: Answer("Started.", TensorBoardRecord),
                    400: Answer("The body is not {'experiments': ['<id>', ...]}."),
                    404: Answer("No experiment with one of those ids."),
                    503: Answer("TensorBoard did not start; the message says why."),
                },
                body=TensorBoardRequest,
            ),
        },
    ),
    Route(
        f"{API}/tensorboards/{{tensorboard_id}}",
        TensorBoardHandler,
        {
            "delete": Operation(
                "stopTensorBoard",
                "Stop one TensorBoard.",
                {204: Answer("Stopped."), 404: Answer("No TensorBoard with that id.")},
            )
        },
    ),
    Route(f"{PROXY}/{{target_id}}", TensorBoardSlashHandler, parameters=_BOARD_ID),
    Route(f"{PROXY}/{{target_id}}/{{proxied_path}}", TensorBoardProxyHandler, parameters=_BOARD_ID),
    Route(
        f"{FRAME}/{{target_id}}/{{frame_key}}/{{proxied_path}}",
        TensorBoardFrameHandler,
        parameters=_BOARD_ID,
    ),
]
