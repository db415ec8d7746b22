"""REST routes of pipelines and job executions: the project's pipelines with their last
runs, one pipeline with its stages and recent runs, a run started in a thread of this
server (its id answered at once), and the tail of an execution's log."""

from __future__ import annotations

import asyncio

from ..pipelines.browse import (
    LogQuery,
    LogTail,
    PipelineBrowser,
    PipelineDetail,
    PipelineList,
    RunStarted,
)
from .base import API, Answer, HopsMLHandler, Operation, Route

PREFIX = f"{API}/pipelines"
SETTING = "hopsml_pipelines"


class PipelinesHandlerBase(HopsMLHandler):
    @property
    def browser(self) -> PipelineBrowser:
        # Made on first use from the server's Lab: one per server, so the runs it
        # starts are recorded by the process that owns them.
        browser = self.settings.get(SETTING)
        if browser is None:
            root = self.settings.get("server_root_dir")
            browser = PipelineBrowser(self.settings["hopsml_lab"], server_root=root)
            self.settings[SETTING] = browser
        return browser


class PipelinesHandler(PipelinesHandlerBase):
    async def get(self) -> None:
        self.finish_model(await asyncio.to_thread(self.browser.list))


class PipelineHandler(PipelinesHandlerBase):
    async def get(self, name: str) -> None:
        self.finish_model(await asyncio.to_thread(self.browser.detail, name))


class RunHandler(PipelinesHandlerBase):
    async def post(self, name: str) -> None:
        started = await asyncio.to_thread(self.browser.start, name)
        self.set_status(202)
        self.finish_model(started)


class LogHandler(PipelinesHandlerBase):
    async def get(self, execution_id: str) -> None:
        query = self.query_model(LogQuery)
        tail = await asyncio.to_thread(self.browser.log, int(execution_id), query.stream)
        self.finish_model(tail)


_UNKNOWN = Answer("No pipeline of that name in the project.")

ROUTES = [
    Route(
        PREFIX,
        PipelinesHandler,
        {
            "get": Operation(
                "listPipelines",
                "The project's pipelines (stages in run order), each with its last run.",
                {200: Answer("The pipelines, by name.", PipelineList)},
            )
        },
    ),
    Route(
        f"{PREFIX}/{{name}}",
        PipelineHandler,
        {
            "get": Operation(
                "getPipeline",
                "A pipeline's stages and its recent runs, newest first, each stage run "
                "with its state, duration, execution, log paths and executed notebook.",
                {200: Answer("The pipeline.", PipelineDetail), 404: _UNKNOWN},
            )
        },
    ),
    Route(
        f"{PREFIX}/{{name}}/run",
        RunHandler,
        {
            "post": Operation(
                "runPipeline",
                "Start a run of the pipeline in the server (stage after stage); answers "
                "its id once it is recorded, GET the pipeline to follow it.",
                {
                    202: Answer("The run started.", RunStarted),
                    404: _UNKNOWN,
                    409: Answer("The pipeline waits for data that is not there yet."),
                },
            )
        },
    ),
    Route(
        f"{API}/jobs/executions/{{execution_id}}/log",
        LogHandler,
        {
            "get": Operation(
                "getExecutionLog",
                "The end of a job execution's stdout or stderr.",
                {
                    200: Answer("The log's tail.", LogTail),
                    400: Answer("A bad query parameter; the message names it."),
                    404: Answer("No execution with that id in this project."),
                },
                query=LogQuery,
            )
        },
        {"execution_id": r"[0-9]{1,12}"},
    ),
]
