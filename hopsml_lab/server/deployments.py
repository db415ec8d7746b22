"""REST routes of model deployments: list, one with its live state, start and stop."""

from __future__ import annotations

import asyncio

from ..deployments.answers import (
    DeploymentInfo,
    DeploymentList,
    DeploymentMonitoring,
    MonitoringQuery,
    deployment_info,
    deployment_monitoring,
)
from ..deployments.service import DeploymentService
from .base import API, Answer, HopsMLHandler, Operation, Route

PREFIX = f"{API}/deployments"


class DeploymentHandlerBase(HopsMLHandler):
    @property
    def service(self) -> DeploymentService:
        return self.settings["hopsml_deployments"]


class DeploymentsHandler(DeploymentHandlerBase):
    def get(self) -> None:
        records = self.service.list()
        self.finish_model(DeploymentList(deployments=[deployment_info(r) for r in records]))


class DeploymentHandler(DeploymentHandlerBase):
    def get(self, name: str) -> None:
        self.finish_model(deployment_info(self.service.require(name)))


class StartHandler(DeploymentHandlerBase):
    async def post(self, name: str) -> None:
        # Not waiting for the model servers: the answer says Starting, GET says Running
        # once they answer (or Failed, with why). The model's files are copied first.
        record = await asyncio.to_thread(self.service.start, name, None)
        self.set_status(202)
        self.finish_model(deployment_info(record))


class StopHandler(DeploymentHandlerBase):
    async def post(self, name: str) -> None:
        record = await asyncio.to_thread(self.service.stop, name)
        self.finish_model(deployment_info(record))


class MonitoringHandler(DeploymentHandlerBase):
    async def get(self, name: str) -> None:
        query = self.query_model(MonitoringQuery)
        # Reading the log files and the training statistics: off the event loop.
        answer = await asyncio.to_thread(deployment_monitoring, self.service, name, query)
        self.finish_model(answer)


_NOT_FOUND = Answer("No deployment of that name; the message says which exist.")


ROUTES = [
    Route(
        PREFIX,
        DeploymentsHandler,
        {
            "get": Operation(
                "listDeployments",
                "The project's deployments by name, each with its live state, the model "
                "version it serves and where it answers.",
                {200: Answer("The deployments.", DeploymentList)},
            )
        },
    ),
    Route(
        f"{PREFIX}/{{name}}",
        DeploymentHandler,
        {
            "get": Operation(
                "getDeployment",
                "One deployment with its live state.",
                {200: Answer("The deployment.", DeploymentInfo), 404: _NOT_FOUND},
            )
        },
    ),
    Route(
        f"{PREFIX}/{{name}}/start",
        StartHandler,
        {
            "post": Operation(
                "startDeployment",
                "Start the deployment's model server (nothing when it runs already); answers "
                "at once with state Starting: GET it until Running (or Failed).",
                {
                    202: Answer("Starting (or running already).", DeploymentInfo),
                    404: Answer("No such deployment, or its model version is gone."),
                },
            )
        },
    ),
    Route(
        f"{PREFIX}/{{name}}/stop",
        StopHandler,
        {
            "post": Operation(
                "stopDeployment",
                "Stop the deployment's model server, whichever process started it; its port "
                "is free when this answers.",
                {200: Answer("Stopped.", DeploymentInfo), 404: _NOT_FOUND},
            )
        },
    ),
    Route(
        f"{PREFIX}/{{name}}/monitoring",
        MonitoringHandler,
        {
            "get": Operation(
                "getDeploymentMonitoring",
                "The deployment's traffic over the last `window` seconds, from its "
                "inference log: requests, errors, rates, latency percentiles, a timeline "
                "in 30 buckets, the latest requests and the drift of its inputs against "
                "its model's training data (with the reason when there is none).",
                {
                    200: Answer("The monitoring summary.", DeploymentMonitoring),
                    400: Answer("A bad query parameter; the message names it."),
                    404: Answer("No such deployment, or its model version is gone."),
                },
                query=MonitoringQuery,
            )
        },
    ),
]
