"""Deployments as the REST API and the sidebar show them: what each serves, its live
state, where it answers and how many server processes it runs. The pydantic models here
are what the OpenAPI document and the sidebar's TypeScript types are made from."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..catalog.deployments import DeploymentRecord
from ..catalog.experiments.records import Record
from . import monitoring
from .client import predict_url
from .monitoring_figures import figures
from .service import RUNNING, STARTING, DeploymentService, base_url

TIMELINE_BUCKETS = 30
"""Buckets of the monitoring timeline, whatever the window."""


class DeploymentInfo(Record):
    name: str
    description: str | None
    state: str = Field(description="Created, Starting, Running, Stopped or Failed (hsml's).")
    model_name: str
    model_version: int
    model_server: str = Field(description="PYTHON or TENSORFLOW_SERVING.")
    instances: int = Field(description="Server processes sharing its port.")
    available_instances: int = Field(
        description="Its server processes answering requests now (0 when not running)."
    )
    inference_logging: str = Field(description="ALL, MODEL_INPUTS, PREDICTIONS or NONE.")
    message: str | None = Field(description="Why it failed, with the end of its log.")
    url: str | None = Field(
        description="Where its model server answers (http://127.0.0.1:<port>) while it "
        "starts or runs; null when it is not running."
    )
    inference_url: str | None = Field(description="The :predict URL of TF Serving's API.")
    created_at: float = Field(description="Seconds since the epoch.")
    updated_at: float = Field(description="The last change of its state.")


class DeploymentList(Record):
    deployments: list[DeploymentInfo] = Field(description="By name.")


def deployment_info(record: DeploymentRecord) -> DeploymentInfo:
    serving = record.state in (STARTING, RUNNING) and record.port is not None
    return DeploymentInfo(
        name=record.name,
        description=record.description,
        state=record.state,
        model_name=record.model_name,
        model_version=record.model_version,
        model_server=record.model_server,
        instances=record.instances,
        available_instances=record.available_instances,
        inference_logging=record.inference_logging,
        message=record.message,
        url=base_url(record) if serving else None,
        inference_url=predict_url(record) if serving else None,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


class MonitoringQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window: float = Field(
        300.0, ge=10, le=7 * 24 * 3600, description="Seconds of traffic, up to now."
    )
    recent: int = Field(20, ge=0, le=200, description="How many of the latest requests.")


class MonitoringFigure(Record):
    name: str = Field(description="requests, latency, drift.")
    figure: dict[str, Any] = Field(description="A Plotly figure: {data, layout}.")


class DeploymentMonitoring(monitoring.MonitoringSummary):
    """The deployment's monitoring summary, and the Plotly figures a notebook draws of it
    (``monitoring_figures.figures``: requests, latency, drift)."""

    # Outputs always carry every field, so the OpenAPI document marks them required.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    figures: list[MonitoringFigure] = Field(description="requests, latency, drift.")


def deployment_monitoring(
    service: DeploymentService, name: str, query: MonitoringQuery
) -> DeploymentMonitoring:
    """``monitoring.summarize`` of deployment ``name`` of the service's project (the
    server's, which need not be this process's default project), in TIMELINE_BUCKETS
    buckets, with its figures."""
    summary = monitoring.summarize(
        name,
        window_s=query.window,
        bucket_s=query.window / TIMELINE_BUCKETS,
        recent=query.recent,
        lab=service.lab,
    )
    return DeploymentMonitoring(
        **summary.model_dump(),
        figures=[MonitoringFigure(name=n, figure=f) for n, f in figures(summary).items()],
    )
