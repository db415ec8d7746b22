"""TensorBoard over REST, and the authenticated proxy in front of each TensorBoard."""

from __future__ import annotations

import asyncio

from jupyter_server.utils import url_path_join
from pydantic import BaseModel, ConfigDict, Field

from ..tensorboards import TensorBoard, TensorBoardManager
from .base import API, Answer, AuthenticatedProxyHandler, HopsMLHandler, Operation, Route

PROXY = "/hopsml/tensorboard"


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
    url: str = Field(description="Where the server proxies it, ending in '/'.")
    experiments: list[str]
    pid: int = Field(description="The TensorBoard process, bound to 127.0.0.1 only.")
    started_at: float = Field(description="Seconds since the epoch (UTC).")
    last_activity: float = Field(description="The last request through the proxy.")


class TensorBoardList(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    tensorboards: list[TensorBoardRecord]


def _manager(handler: HopsMLHandler | AuthenticatedProxyHandler) -> TensorBoardManager:
    return handler.settings["hopsml_tensorboards"]


class TensorBoardApiHandler(HopsMLHandler):
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
    """``/hopsml/tensorboard/<id>/<path>`` to that TensorBoard on 127.0.0.1."""

    def target_port(self, target_id: str) -> int:
        board = _manager(self).get(target_id)
        board.touch()
        return board.port


class TensorBoardSlashHandler(HopsMLHandler):
    """TensorBoard's page loads its parts by relative URLs: the id needs a trailing '/'."""

    def get(self, target_id: str) -> None:
        self.redirect(url_path_join(self.base_url, PROXY, target_id) + "/")


_BOARD_ID = {"target_id": "[0-9a-f]+", "proxied_path": ".*"}

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
]
