"""The model registry as the sidebar browses it: each model with its latest version and
its best metric, and one model's versions with their metrics, parameters, description
and lineage (the experiment trial, feature view and training dataset each came from).
Read only; the REST handlers call this, and the pydantic models here are what the
OpenAPI document and the sidebar's TypeScript types are made from.

>>> browser = RegistryBrowser(get_lab())                     # doctest: +SKIP
>>> browser.models().models[0].best                          # doctest: +SKIP
BestMetric(name='accuracy', value=0.93, version=2, direction='max')
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from ..catalog import ModelRecord
from ..catalog.deployments import DeploymentCatalog
from ..catalog.experiments.records import Record
from ..catalog.experiments.tables import Trial
from ..errors import clip
from .errors import ModelNotFound

if TYPE_CHECKING:
    from ..lab import Lab

# Metrics whose names say smaller is better; any other metric is better larger.
_SMALLER_IS_BETTER = re.compile(r"loss|error|mse|mae|rmse|mape|perplexity|latency", re.I)


def better_direction(metric: str) -> Literal["max", "min"]:
    """``"min"`` for a metric whose name says lower is better (loss, error, mae...),
    else ``"max"``: the registry stores no direction, hsml asks for one per query."""
    return "min" if _SMALLER_IS_BETTER.search(metric) else "max"


class BestMetric(Record):
    name: str = Field(description="The metric compared.")
    value: float
    version: int = Field(description="The version with the best value (ties: the oldest).")
    direction: Literal["max", "min"] = Field(
        description="max: larger is better; min: smaller (a loss, an error)."
    )


class Lineage(Record):
    """Where a model version came from."""

    experiment_id: str | None = Field(description="The experiment that saved it.")
    trial_key: str | None = Field(description="The trial in that experiment.")
    feature_view_name: str | None = Field(description="The feature view it trained on.")
    feature_view_version: int | None
    training_dataset_version: int | None
    program: str | None = Field(description="The script or notebook that saved it.")
    user: str | None


class ModelVersionInfo(Record):
    """One model version as the registry keeps it."""

    name: str
    version: int
    framework: str | None = Field(description="TENSORFLOW, TORCH, SKLEARN, PYTHON or LLM.")
    description: str | None
    metrics: dict[str, float]
    params: dict[str, Any] = Field(
        description="The hyperparameters of the trial that saved it (empty outside one)."
    )
    created_at: float = Field(description="Seconds since the epoch.")
    path: str = Field(description="Its folder on the project's store.")
    lineage: Lineage


class ModelSummary(Record):
    """A model as the registry's list shows it."""

    name: str
    versions: int = Field(description="How many versions it has.")
    latest: ModelVersionInfo
    best: BestMetric | None = Field(
        description="The best value, over its versions, of the latest version's first "
        "metric; null when it has none."
    )


class ModelList(Record):
    models: list[ModelSummary] = Field(description="By name.")


class ModelDetail(Record):
    name: str
    versions: list[ModelVersionInfo] = Field(description="Newest first.")
    best: BestMetric | None
    deployments: list[str] = Field(description="Names of the deployments serving it.")


class ModelQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metric: str | None = Field(
        None, max_length=200, description="The metric to rank by (default: the first one)."
    )
    direction: Literal["max", "min"] | None = Field(
        None, description="Default: min for losses and errors, else max."
    )


def best_metric(
    versions: list[ModelRecord], metric: str | None = None, direction: str | None = None
) -> BestMetric | None:
    """The best version of ``metric`` (default: the newest version's first metric, by
    name) among ``versions``; None when no version has it."""
    if metric is None:
        names = sorted(versions[0].metrics) if versions else []
        if not names:
            return None
        metric = names[0]
    way = direction or better_direction(metric)
    scored = [r for r in reversed(versions) if metric in r.metrics]  # oldest first
    if not scored:
        return None
    pick = max if way == "max" else min
    best = pick(scored, key=lambda r: r.metrics[metric])
    return BestMetric(name=metric, value=best.metrics[metric], version=best.version, direction=way)


class RegistryBrowser:
    """Read-only views of the project's model registry."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab

    def models(self) -> ModelList:
        records = self.lab.models.list_models(self.lab.settings.project_name)
        by_name: dict[str, list[ModelRecord]] = {}
        for record in records:  # by name, newest version first
            by_name.setdefault(record.name, []).append(record)
        params = self._trial_params(records)
        return ModelList(
            models=[
                ModelSummary(
                    name=name,
                    versions=len(versions),
                    latest=_version(versions[0], params),
                    best=best_metric(versions),
                )
                for name, versions in by_name.items()
            ]
        )

    def model(self, name: str, query: ModelQuery | None = None) -> ModelDetail:
        query = query or ModelQuery()
        versions = self.lab.models.list_models(self.lab.settings.project_name, name)
        if not versions:
            known = sorted({r.name for r in self.lab.models.list_models(self._project)})
            raise ModelNotFound(
                f"no model {clip(name)!r} in the registry"
                + (f"; its models are {known[:20]}" if known else "; save a model first")
            )
        params = self._trial_params(versions)
        serving = DeploymentCatalog(self.lab.db).list(self.lab.project_id, name)
        return ModelDetail(
            name=name,
            versions=[_version(r, params) for r in versions],
            best=best_metric(versions, query.metric, query.direction),
            deployments=[d.name for d in serving],
        )

    @property
    def _project(self) -> str:
        return self.lab.settings.project_name

    def _trial_params(self, records: list[ModelRecord]) -> dict[tuple[str, str], dict[str, Any]]:
        """The params of the trials the records came from, in one query."""
        wanted = {
            (r.experiment_id, r.trial_key) for r in records if r.experiment_id and r.trial_key
        }
        if not wanted:
            return {}
        experiments = {experiment for experiment, _ in wanted}
        with self.lab.db.reading() as session:
            rows = session.execute(
                select(Trial.experiment_id, Trial.key, Trial.params).where(
                    Trial.experiment_id.in_(experiments) & Trial.key.in_({key for _, key in wanted})
                )
            ).all()
        return {(e, k): dict(p or {}) for e, k, p in rows if (e, k) in wanted}


def _version(
    record: ModelRecord, params: dict[tuple[str, str], dict[str, Any]]
) -> ModelVersionInfo:
    trial = (record.experiment_id or "", record.trial_key or "")
    return ModelVersionInfo(
        name=record.name,
        version=record.version,
        framework=record.framework,
        description=record.description,
        metrics=record.metrics,
        params=params.get(trial, {}),
        created_at=record.created_at,
        path=record.path,
        lineage=Lineage(
            experiment_id=record.experiment_id,
            trial_key=record.trial_key,
            feature_view_name=record.feature_view_name,
            feature_view_version=record.feature_view_version,
            training_dataset_version=record.training_dataset_version,
            program=record.program,
            user=record.user,
        ),
    )
