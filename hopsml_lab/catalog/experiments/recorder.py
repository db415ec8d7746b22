"""Writing experiments, trials, params and metric points to the catalog.

Only the driver (the kernel) writes here; executors write files and report back.
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from ...errors import NotFound
from ..base import Project
from ..db import Database
from .records import ExperimentStatus, TrialStatus
from .tables import Experiment, ExperimentMetric, MetricPoint, Param, Trial

_trials, _experiments = Trial.__table__, Experiment.__table__
_FINISH_TRIAL = (
    update(_trials)
    .where(_trials.c.id == bindparam("trial_id"))
    .values(
        status=bindparam("status"),
        results=bindparam("results", type_=_trials.c.results.type),
        metric_value=bindparam("metric_value"),
        error=bindparam("error"),
        finished_at=bindparam("finished_at"),
        duration_s=bindparam("duration_s"),
        # A trial that failed before it began has no start of its own: keep what is known.
        started_at=func.coalesce(
            bindparam("started_at", type_=_trials.c.started_at.type), _trials.c.started_at
        ),
    )
    .returning(_trials.c.experiment_id)
)
_START_TRIAL = (
    update(_trials)
    .where(
        _trials.c.id == bindparam("trial_id"),
        # A trial marked lost by another process while this one was slow to beat runs on.
        or_(
            _trials.c.status == TrialStatus.QUEUED.value,
            _trials.c.status == TrialStatus.LOST.value,
        ),
    )
    .values(status=TrialStatus.RUNNING.value, started_at=bindparam("started_at"))
)
_TOUCH_EXPERIMENT = (
    update(_experiments)
    .where(_experiments.c.id == bindparam("experiment_id"))
    .values(updated_at=bindparam("now"))
)


class UnknownExperimentError(NotFound):
    """No experiment with that id in the catalog."""


def new_experiment_id(now: float | None = None) -> str:
    """Sortable and readable: ``20261125-143015-3fa9c1``."""
    stamp = datetime.fromtimestamp(now or time.time(), tz=timezone.utc)
    return f"{stamp:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def numeric_results(results: Mapping[str, Any]) -> dict[str, float]:
    """The finite numbers among a trial's results (file names and such are left out)."""
    numbers = {}
    for key, value in results.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if math.isfinite(value):
            numbers[key] = float(value)
    return numbers


def _param_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


class ExperimentRecorder:
    def __init__(self, db: Database) -> None:
        self.db = db

    def ensure_project(self, name: str, root: str) -> int:
        """The project's id, creating its row on first use (two kernels may race here)."""
        for attempt in range(3):
            try:
                with self.db.writing() as session:
                    project = session.scalars(select(Project).where(Project.name == name)).first()
                    if project is None:
                        project = Project(name=name, root=root, created_at=time.time())
                        session.add(project)
                        session.flush()
                    elif project.root != root:
                        project.root = root
                    return project.id
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def create_experiment(
        self,
        project_id: int,
        name: str,
        kind: str,
        user: str,
        logdir: str,
        experiment_id: str | None = None,
        description: str | None = None,
        metric_key: str | None = None,
        direction: str = "MAX",
        notebook: str | None = None,
        owner: str | None = None,
    ) -> str:
        """Record a running experiment; ``owner`` is the process that runs it (see
        ``owners.Owner``), which keeps its heartbeat while it lives."""
        now = time.time()
        experiment_id = experiment_id or new_experiment_id(now)
        with self.db.writing() as session:
            session.add(
                Experiment(
                    id=experiment_id,
                    project_id=project_id,
                    name=name,
                    kind=kind,
                    status=ExperimentStatus.RUNNING.value,
                    user=user,
                    description=description,
                    metric_key=metric_key,
                    direction=direction,
                    logdir=logdir,
                    notebook=notebook,
                    trial_count=0,
                    created_at=now,
                    updated_at=now,
                    owner=owner,
                    heartbeat_at=now if owner else None,
                )
            )
        return experiment_id

    def set_notebook(self, experiment_id: str, notebook: str | None) -> None:
        """Record the notebook the experiment ran from (known once its snapshot is)."""
        with self.db.writing() as session:
            session.execute(
                update(Experiment).where(Experiment.id == experiment_id).values(notebook=notebook)
            )

    def start_trial(
        self, experiment_id: str, key: str, params: Mapping[str, Any], logdir: str
    ) -> int:
        return self.start_trials(experiment_id, [(key, params, logdir)])[key]

    def start_trials(
        self, experiment_id: str, trials: Sequence[tuple[str, Mapping[str, Any], str]]
    ) -> dict[str, int]:
        """Record ``(key, params, logdir)`` trials as queued, in one transaction; each
        is marked running when a slot takes it (``mark_started``)."""
        now = time.time()
        with self.db.writing() as session:
            experiment = session.get(Experiment, experiment_id)
            if experiment is None:
                raise UnknownExperimentError(f"no experiment {experiment_id!r} in the catalog")
            rows = [
                Trial(
                    experiment_id=experiment_id,
                    key=key,
                    status=TrialStatus.QUEUED.value,
                    params=dict(params),
                    results={},
                    logdir=logdir,
                )
                for key, params, logdir in trials
            ]
            session.add_all(rows)
            session.flush()
            session.add_all(
                Param(trial_id=row.id, name=k, value=repr(v), number=_param_number(v))
                for row in rows
                for k, v in row.params.items()
            )
            experiment.trial_count += len(rows)
            experiment.updated_at = now
            return {row.key: row.id for row in rows}

    def mark_started(self, started: Sequence[tuple[int, float]]) -> None:
        """Mark ``(trial_id, started_at)`` trials running: a slot took them. A trial that
        has already ended keeps its end."""
        if started:
            rows = [{"trial_id": t, "started_at": at} for t, at in started]
            with self.db.writing() as session:
                session.connection().execute(_START_TRIAL, rows)

    def finish_trial(
        self,
        trial_id: int,
        status: TrialStatus,
        results: Mapping[str, Any] | None = None,
        metric_value: float | None = None,
        error: str | None = None,
        duration_s: float | None = None,
        started_at: float | None = None,
    ) -> None:
        """Record how a trial ended; ``started_at`` is when it began running (it was
        recorded as started when it was queued)."""
        now = time.time()
        values = {
            "trial_id": trial_id,
            "status": status.value,
            "results": dict(results or {}),
            "metric_value": metric_value,
            "error": error,
            "finished_at": now,
            "duration_s": duration_s,
            "started_at": started_at,
        }
        with self.db.writing() as session:
            # Prebuilt Core statements on the session's connection: this runs once per
            # trial and searches run thousands, so the ORM's per-call work is skipped.
            connection = session.connection()
            experiment_id = connection.execute(_FINISH_TRIAL, values).scalar()
            if experiment_id is None:
                raise LookupError(f"no trial {trial_id} in the catalog")
            connection.execute(_TOUCH_EXPERIMENT, {"experiment_id": experiment_id, "now": now})

    def add_metric_points(
        self, trial_id: int, points: Iterable[tuple[str, int, float, float]]
    ) -> int:
        """Store ``(name, step, value, timestamp)`` points of one trial in one batch."""
        return self.add_points((trial_id, *point) for point in points)

    def add_points(self, points: Iterable[tuple[int, str, int, float, float]]) -> int:
        """Store ``(trial_id, name, step, value, timestamp)`` points of any trials at once.

        A step reported again replaces the earlier value of that step.
        """
        rows = [
            {"trial_id": t, "name": n, "step": s, "value": v, "timestamp": ts}
            for t, n, s, v, ts in points
        ]
        if rows:
            with self.db.writing() as session:
                session.execute(_upsert_points(session.get_bind().dialect.name), rows)
        return len(rows)

    def finish_experiment(
        self, experiment_id: str, status: ExperimentStatus, error: str | None = None
    ) -> None:
        """Close the experiment and rank its trials by its metric."""
        with self.db.writing() as session:
            experiment = session.get(Experiment, experiment_id)
            if experiment is None:
                raise UnknownExperimentError(f"no experiment {experiment_id!r} in the catalog")
            _close(session, experiment, status, time.time(), error)

    def mark_lost(
        self,
        experiment_id: str,
        owner: str | None,
        heartbeat_at: float | None,
        reason: str,
        at: float,
    ) -> bool:
        """Close a running experiment whose owner is gone, and its queued and running
        trials, as lost at ``at``. Nothing changes (False) if the experiment finished, or
        its owner beat again, since the caller looked."""
        now = time.time()
        with self.db.writing() as session:
            experiment = session.get(Experiment, experiment_id)
            if (
                experiment is None
                or experiment.status != ExperimentStatus.RUNNING.value
                or experiment.owner != owner
                or experiment.heartbeat_at != heartbeat_at
            ):
                return False
            session.execute(
                update(Trial)
                .where(
                    Trial.experiment_id == experiment_id,
                    Trial.status.in_([TrialStatus.QUEUED.value, TrialStatus.RUNNING.value]),
                )
                .values(status=TrialStatus.LOST.value, error=reason, finished_at=at)
            )
            session.expire(experiment, ["trials"])
            _close(session, experiment, ExperimentStatus.LOST, at, reason)
            experiment.updated_at = now  # lists refresh on updated_at
            return True


def _close(
    session: Any, experiment: Experiment, status: ExperimentStatus, at: float, error: str | None
) -> None:
    best = best_trial(experiment.trials, experiment.direction)
    experiment.status = status.value
    experiment.error = error
    experiment.finished_at = at
    experiment.updated_at = at
    experiment.duration_s = max(0.0, at - experiment.created_at)
    experiment.best_trial = best.key if best else None
    experiment.metric_value = best.metric_value if best else None
    session.execute(delete(ExperimentMetric).where(ExperimentMetric.experiment_id == experiment.id))
    if best is not None:
        session.add_all(
            ExperimentMetric(
                experiment_id=experiment.id,
                name=name,
                value=value,
                project_id=experiment.project_id,
            )
            for name, value in numeric_results(best.results).items()
        )


def _upsert_points(dialect: str) -> Any:
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    statement = dialect_insert(MetricPoint)
    return statement.on_conflict_do_update(
        index_elements=["trial_id", "name", "step"],
        set_={"value": statement.excluded.value, "timestamp": statement.excluded.timestamp},
    )


def best_trial(trials: Iterable[Trial], direction: str) -> Trial | None:
    """The finished trial with the best metric; a lone finished trial without one."""
    finished = [t for t in trials if t.status == TrialStatus.FINISHED.value]
    ranked = [t for t in finished if t.metric_value is not None]
    if ranked:
        pick = max if direction == "MAX" else min
        return pick(ranked, key=lambda t: t.metric_value or 0.0)
    return finished[0] if len(finished) == 1 else None
