"""Reading experiments back: paged lists for the sidebar and one experiment in full."""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, tuple_

from ...errors import BadInput
from ..base import Project
from ..db import Database
from .recorder import UnknownExperimentError
from .records import (
    ExperimentDetail,
    ExperimentPage,
    ExperimentQuery,
    ExperimentSummary,
    MetricSeries,
    TrialLogdir,
    TrialRecord,
)
from .tables import Experiment, ExperimentMetric, MetricPoint, Trial


class BadQueryError(BadInput):
    """A list query the catalog cannot answer; the message says what to change."""


def _encode_token(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode_token(token: str) -> list[Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError) as error:
        raise BadQueryError(
            "next_token is not one this server handed out: start again without it"
        ) from error
    if not isinstance(values, list) or len(values) != 2:
        raise BadQueryError("next_token is not one this server handed out: start again")
    return values


def _after(key: ColumnElement[Any], token: list[Any], descending: bool) -> ColumnElement[bool]:
    """Keyset paging: rows strictly after the last one of the previous page."""
    value, last_id = token
    pair, bound = tuple_(key, Experiment.id), tuple_(value, last_id)
    return pair < bound if descending else pair > bound


class ExperimentQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    def project_id(self, name: str) -> int | None:
        with self.db.reading() as session:
            return session.scalar(select(Project.id).where(Project.name == name))

    def list_experiments(self, project: str, query: ExperimentQuery) -> ExperimentPage:
        descending = query.sort.startswith("-")
        field = query.sort.lstrip("-")
        with self.db.reading() as session:
            project_id = session.scalar(select(Project.id).where(Project.name == project))
            if project_id is None:
                return ExperimentPage(experiments=[], total=0)
            filters = self._filters(project_id, query)
            base: Select[Any] = select(Experiment)
            if field.startswith("metric:"):
                key: ColumnElement[Any] = ExperimentMetric.value
                base = base.join(
                    ExperimentMetric,
                    and_(
                        ExperimentMetric.experiment_id == Experiment.id,
                        ExperimentMetric.project_id == project_id,
                        ExperimentMetric.name == field.removeprefix("metric:"),
                    ),
                )
            else:
                key = getattr(Experiment, field)
            base = base.where(*filters)
            total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
            page = base
            if query.next_token:
                page = page.where(_after(key, _decode_token(query.next_token), descending))
            order = (key.desc(), Experiment.id.desc()) if descending else (key, Experiment.id)
            rows = session.execute(
                page.add_columns(key.label("sort_key")).order_by(*order).limit(query.limit + 1)
            ).all()
        more = len(rows) > query.limit
        rows = rows[: query.limit]
        token = _encode_token([rows[-1].sort_key, rows[-1][0].id]) if more and rows else None
        return ExperimentPage(
            experiments=[_summary(row[0]) for row in rows], total=total, next_token=token
        )

    @staticmethod
    def _filters(project_id: int, query: ExperimentQuery) -> list[ColumnElement[bool]]:
        filters: list[ColumnElement[bool]] = [Experiment.project_id == project_id]
        if query.name:
            filters.append(Experiment.name.icontains(query.name, autoescape=True))
        if query.status:
            filters.append(Experiment.status == query.status.value)
        if query.user:
            filters.append(Experiment.user == query.user)
        if query.created_after is not None:
            filters.append(Experiment.created_at >= query.created_after)
        if query.created_before is not None:
            filters.append(Experiment.created_at < query.created_before)
        return filters

    def get_experiment(self, experiment_id: str) -> ExperimentDetail:
        with self.db.reading() as session:
            experiment = session.get(Experiment, experiment_id)
            if experiment is None:
                raise UnknownExperimentError(f"no experiment {experiment_id!r}")
            trials = list(experiment.trials)
            series = _metric_series(session, [t.id for t in trials])
            metrics = dict(
                session.execute(
                    select(ExperimentMetric.name, ExperimentMetric.value).where(
                        ExperimentMetric.experiment_id == experiment_id
                    )
                ).all()
            )
            return ExperimentDetail(
                **_summary(experiment).model_dump(),
                logdir=experiment.logdir,
                notebook=experiment.notebook,
                metrics=metrics,
                trials=[_trial(t, series.get(t.id, [])) for t in trials],
            )

    def resolve(self, project: str, reference: str | None = None) -> tuple[str, str]:
        """(id, name) of an experiment named by id, or the newest with that exact name;
        with no reference, the newest experiment of the project."""
        with self.db.reading() as session:
            query = (
                select(Experiment.id, Experiment.name)
                .join(Project, Project.id == Experiment.project_id)
                .where(Project.name == project)
            )
            if reference is not None:
                by_id = session.execute(query.where(Experiment.id == reference)).first()
                if by_id is not None:
                    return by_id[0], by_id[1]
                query = query.where(Experiment.name == reference)
            newest = session.execute(
                query.order_by(Experiment.created_at.desc(), Experiment.id.desc()).limit(1)
            ).first()
        if newest is None:
            raise UnknownExperimentError(
                f"no experiment {reference!r} in project {project!r} (give an id or a name)"
                if reference is not None
                else f"project {project!r} has no experiments yet: run one first"
            )
        return newest[0], newest[1]

    def trial_logdirs(self, experiment_ids: Sequence[str]) -> list[TrialLogdir]:
        """The trials of these experiments (in that order, then by trial), without their
        metric series; an unknown id raises UnknownExperimentError."""
        with self.db.reading() as session:
            names = dict(
                session.execute(
                    select(Experiment.id, Experiment.name).where(Experiment.id.in_(experiment_ids))
                ).all()
            )
            missing = [e for e in experiment_ids if e not in names]
            if missing:
                raise UnknownExperimentError(f"no experiment {missing[0]!r}")
            rows = session.execute(
                select(Trial.experiment_id, Trial.key, Trial.params, Trial.logdir)
                .where(Trial.experiment_id.in_(experiment_ids))
                .order_by(Trial.id)
            ).all()
        order = {e: n for n, e in enumerate(experiment_ids)}
        rows = sorted(rows, key=lambda row: order[row[0]])
        return [TrialLogdir(e, names[e], key, params, logdir) for e, key, params, logdir in rows]

    def last_change(self, project: str) -> tuple[float, int]:
        """When an experiment of the project last changed, and how many it has."""
        with self.db.reading() as session:
            row = session.execute(
                select(func.max(Experiment.updated_at), func.count(Experiment.id))
                .join(Project, Project.id == Experiment.project_id)
                .where(Project.name == project)
            ).one()
            return (row[0] or 0.0, row[1])


def _metric_series(session: Any, trial_ids: list[int]) -> dict[int, list[MetricSeries]]:
    if not trial_ids:
        return {}
    points: dict[tuple[int, str], tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    rows = session.execute(
        select(MetricPoint.trial_id, MetricPoint.name, MetricPoint.step, MetricPoint.value)
        .where(MetricPoint.trial_id.in_(trial_ids))
        .order_by(MetricPoint.trial_id, MetricPoint.name, MetricPoint.step)
    )
    for trial_id, name, step, value in rows:
        steps, values = points[(trial_id, name)]
        steps.append(step)
        values.append(value)
    series: dict[int, list[MetricSeries]] = defaultdict(list)
    for (trial_id, name), (steps, values) in points.items():
        series[trial_id].append(MetricSeries(name=name, steps=steps, values=values))
    return series


def _summary(experiment: Experiment) -> ExperimentSummary:
    return ExperimentSummary.model_validate(experiment, from_attributes=True)


def _trial(trial: Trial, series: list[MetricSeries]) -> TrialRecord:
    record = TrialRecord.model_validate(trial, from_attributes=True)
    record.metrics = series
    return record


__all__ = ["BadQueryError", "ExperimentQueries"]
