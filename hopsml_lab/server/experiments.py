"""REST routes of the experiments stage: list, detail (a page of trials), the trials a
page at a time, reproduce a trial."""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_core.utils import ensure_async
from nbformat import NotebookNode
from pydantic import BaseModel, ConfigDict, Field

from ..catalog import ExperimentDetail, ExperimentPage, ExperimentQueries, ExperimentQuery
from ..catalog.experiments.records import DetailQuery, TrialPage, TrialQuery
from ..experiments.reproduce import FOLDER
from ..experiments.service import ExperimentService
from .base import API, Answer, HopsMLHandler, Operation, Route


class ReproduceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trial: str = Field(min_length=1, description="Key of the trial to reproduce, e.g. trial_3.")


class ReproduceResult(BaseModel):
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    path: str = Field(description="The new notebook's path in the Jupyter server's contents.")


class ExperimentHandlerBase(HopsMLHandler):
    @property
    def service(self) -> ExperimentService:
        return self.settings["hopsml_service"]

    @property
    def queries(self) -> ExperimentQueries:
        return self.service.queries


class ExperimentsHandler(ExperimentHandlerBase):
    def get(self) -> None:
        query = self.query_model(ExperimentQuery)
        self.finish_model(self.service.list_experiments(query))


class ExperimentHandler(ExperimentHandlerBase):
    def get(self, experiment_id: str) -> None:
        query = self.query_model(DetailQuery)
        detail = self.queries.get_experiment(
            experiment_id,
            query.limit,
            sort=query.sort,
            next_token=query.next_token,
            top=query.top,
            series=query.series,
            max_points=query.max_points,
        )
        self.finish_model(detail)


class TrialsHandler(ExperimentHandlerBase):
    def get(self, experiment_id: str) -> None:
        query = self.query_model(TrialQuery)
        page = self.queries.trial_page(
            experiment_id,
            sort=query.sort,
            limit=query.limit,
            next_token=query.next_token,
            series=query.series,
            max_points=query.max_points,
        )
        self.finish_model(page)


class ReproduceHandler(ExperimentHandlerBase):
    async def post(self, experiment_id: str) -> None:
        request = self.body_model(ReproduceRequest, '{"trial": "trial_0"}')
        name, notebook = self.service.reproduction(experiment_id, request.trial)
        lock = self.settings.setdefault("hopsml_reproduce_lock", asyncio.Lock())
        path = await save_new_notebook(self.contents_manager, name, notebook, lock)
        self.set_status(201)
        self.finish_model(ReproduceResult(path=path))


async def save_new_notebook(
    contents: Any, name: str, notebook: NotebookNode, lock: asyncio.Lock
) -> str:
    """Save under FOLDER with a name no file has yet; returns its contents path.

    ``lock`` (one per server) keeps two requests from picking the same free name.
    """
    async with lock:
        if not await ensure_async(contents.dir_exists(FOLDER)):
            await ensure_async(contents.save({"type": "directory"}, FOLDER))
        unique = await ensure_async(contents.increment_filename(name, FOLDER, insert="-"))
        path = f"{FOLDER}/{unique}"
        await ensure_async(
            contents.save({"type": "notebook", "format": "json", "content": notebook}, path)
        )
    return path


_UNKNOWN = Answer("No experiment with that id.")

ROUTES = [
    Route(
        f"{API}/experiments",
        ExperimentsHandler,
        {
            "get": Operation(
                "listExperiments",
                "Experiments of the project, newest first by default.",
                {
                    200: Answer("A page of experiments.", ExperimentPage),
                    400: Answer("A bad query parameter; the message names it."),
                },
                query=ExperimentQuery,
            )
        },
    ),
    Route(
        f"{API}/experiments/{{experiment_id}}",
        ExperimentHandler,
        {
            "get": Operation(
                "getExperiment",
                "One experiment: its summary, the best value of each metric, the first "
                "page of its trials (or the page next_token names) and its best trials "
                "for the charts, with their params, results and metric series.",
                {
                    200: Answer("The experiment.", ExperimentDetail),
                    400: Answer("A bad query parameter; the message names it."),
                    404: _UNKNOWN,
                },
                query=DetailQuery,
            )
        },
    ),
    Route(
        f"{API}/experiments/{{experiment_id}}/trials",
        TrialsHandler,
        {
            "get": Operation(
                "listTrials",
                "The trials of one experiment, a page at a time, in any order the trials "
                "table sorts by.",
                {
                    200: Answer("A page of trials.", TrialPage),
                    400: Answer("A bad query parameter; the message names it."),
                    404: _UNKNOWN,
                },
                query=TrialQuery,
            )
        },
    ),
    Route(
        f"{API}/experiments/{{experiment_id}}/reproduce",
        ReproduceHandler,
        {
            "post": Operation(
                "reproduceTrial",
                "Write a new notebook that reruns one trial: the experiment's snapshot "
                "notebook after a cell assigning the trial's parameters.",
                {
                    201: Answer("The notebook, under reproduce/.", ReproduceResult),
                    400: Answer("The body is not {'trial': '<trial key>'}."),
                    404: Answer("No experiment with that id, or no such trial in it."),
                    409: Answer("The experiment has no snapshot notebook."),
                },
                body=ReproduceRequest,
            )
        },
    ),
]
