"""Reading experiments back: paged lists for the sidebar, one experiment with a page of
its trials (or all of them, for Python callers), and its trials a page at a time.

Trials page by keyset like the experiment list: a ``next_token`` carries the last row's
sort value and its trial id, so a page costs the same at trial 10 and at trial 9,990 and
trials recorded meanwhile are neither skipped nor shown twice. The sort value of a
``param:<name>`` or ``result:<name>`` sort is the JSON value itself: numbers first (by
value), then text (strings and booleans), then trials without it, in either direction.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    tuple_,
    type_coerce,
)

from ...errors import BadInput
from ..base import Project
from ..db import Database
from .recorder import UnknownExperimentError
from .records import (
    _TRIAL_SORT,
    TRIAL_SORTS,
    ExperimentDetail,
    ExperimentPage,
    ExperimentQuery,
    ExperimentSummary,
    MetricSeries,
    TrialLogdir,
    TrialPage,
    TrialRecord,
)
from .tables import Experiment, ExperimentMetric, MetricPoint, Trial


class BadQueryError(BadInput):
    """A list query the catalog cannot answer; the message says what to change."""


_NUMBER, _TEXT, _WHOLE = "a number", "a string", "a trial id (a whole number)"
_MAX_ID = 2**63 - 1


def _encode_token(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode_token(
    token: str,
    sort: str,
    kinds: Sequence[str],
    missing: bool = False,
    id_kind: str = _TEXT,
) -> list[Any]:
    """The ``[sort value, id]`` a page's ``next_token`` carries, checked: the value is of
    one of ``kinds`` (or null where ``missing`` values are paged), the id of ``id_kind``.
    Anything else never reaches the query: a BadQueryError says what is wrong."""
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError) as error:
        raise BadQueryError(
            "next_token is not one this server handed out: start again without it"
        ) from error
    if not isinstance(values, list) or len(values) != 2:
        raise BadQueryError("next_token is not one this server handed out: start again")
    value, last_id = values
    if not (value is None and missing) and _kind(value) not in kinds:
        wanted = " or ".join([*kinds, *(["null"] if missing else [])])
        raise BadQueryError(
            f"next_token does not fit sort={sort}: its sort value is {_kind(value)}, not "
            f"{wanted} (a token from another sort?); start again without it"
        )
    id_ok = (
        isinstance(last_id, int) and not isinstance(last_id, bool) and 0 <= last_id <= _MAX_ID
        if id_kind == _WHOLE
        else _kind(last_id) == id_kind
    )
    if not id_ok:
        number = id_kind == _WHOLE and _kind(last_id) == _NUMBER
        what = "out of range" if number else _kind(last_id)
        raise BadQueryError(
            f"next_token is not one this server handed out: its id is {what}, "
            f"not {id_kind}; start again without it"
        )
    if any(isinstance(v, str) and "\x00" in v for v in values):
        raise BadQueryError("next_token is not one this server handed out: start again")
    if isinstance(value, int) and not -_MAX_ID <= value <= _MAX_ID:
        raise BadQueryError(
            "next_token is not one this server handed out: its sort value is out of "
            "range; start again without it"
        )
    return [value, last_id]


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return _NUMBER
    if isinstance(value, str):
        return _TEXT
    if value is None:
        return "null"
    return "a list" if isinstance(value, list) else "an object"


_LIST_KINDS = {"created_at": (_NUMBER,), "name": (_TEXT,)}


def _after(key: ColumnElement[Any], token: list[Any], descending: bool) -> ColumnElement[bool]:
    """Keyset paging: rows strictly after the last one of the previous page."""
    value, last_id = token
    pair, bound = tuple_(key, Experiment.id), tuple_(value, last_id)
    return pair < bound if descending else pair > bound


class ExperimentQueries:
    def __init__(self, db: Database, before_read: Callable[[], None] | None = None) -> None:
        """``before_read`` runs before each read of experiments (the Lab reaps there the
        running experiments whose owner is gone, so every reader sees them lost)."""
        self.db = db
        self._before_read = before_read or (lambda: None)

    def project_id(self, name: str) -> int | None:
        with self.db.reading() as session:
            return session.scalar(select(Project.id).where(Project.name == name))

    def list_experiments(self, project: str, query: ExperimentQuery) -> ExperimentPage:
        self._before_read()
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
                kinds = _LIST_KINDS.get(field, (_NUMBER,))
                after = _decode_token(query.next_token, query.sort, kinds)
                page = page.where(_after(key, after, descending))
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

    def get_experiment(
        self,
        experiment_id: str,
        trial_limit: int | None = None,
        *,
        sort: str | None = None,
        next_token: str | None = None,
        top: int = 0,
        series: bool = True,
        max_points: int | None = None,
    ) -> ExperimentDetail:
        """The experiment with its trials.

        Without ``trial_limit`` (what Python callers mostly want): every trial, in the
        order they were recorded unless ``sort`` says otherwise, each with its whole
        metric series. With it (what the REST API serves): a page of that many trials in
        ``sort`` order (by default best first by the experiment's metric, else as
        recorded), a ``next_token`` for the next page (``trial_page``), and the ``top``
        best trials that are not on the page. ``series=False`` leaves the series out;
        ``max_points`` thins each series to at most that many points.
        """
        self._before_read()
        if trial_limit is not None and trial_limit < 1:
            raise BadQueryError(f"trial_limit={trial_limit}: ask for at least one trial")
        with self.db.reading() as session:
            experiment = session.get(Experiment, experiment_id)
            if experiment is None:
                raise UnknownExperimentError(f"no experiment {experiment_id!r}")
            if trial_limit is None:
                sort = sort or "key"
            page = _trial_page(
                session, experiment, sort, trial_limit, next_token, series, max_points
            )
            shown = {t.id for t in page.rows}
            best = _top_trials(session, experiment, top, shown, series, max_points)
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
                trials=page.records,
                trials_total=page.total,
                next_token=page.next_token,
                sort=page.sort,
                top_trials=best,
            )

    def trial_page(
        self,
        experiment_id: str,
        *,
        sort: str | None = None,
        limit: int = 50,
        next_token: str | None = None,
        series: bool = True,
        max_points: int | None = None,
    ) -> TrialPage:
        """A page of the experiment's trials in ``sort`` order (see the module's notes);
        pass the page's ``next_token`` back, with the same sort, for the next one."""
        self._before_read()
        if limit < 1:
            raise BadQueryError(f"limit={limit}: ask for at least one trial")
        with self.db.reading() as session:
            experiment = session.get(Experiment, experiment_id)
            if experiment is None:
                raise UnknownExperimentError(f"no experiment {experiment_id!r}")
            page = _trial_page(session, experiment, sort, limit, next_token, series, max_points)
            return TrialPage(
                trials=page.records, total=page.total, next_token=page.next_token, sort=page.sort
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
        self._before_read()
        with self.db.reading() as session:
            row = session.execute(
                select(func.max(Experiment.updated_at), func.count(Experiment.id))
                .join(Project, Project.id == Experiment.project_id)
                .where(Project.name == project)
            ).one()
            return (row[0] or 0.0, row[1])


# -- Trials, a page at a time ----------------------------------------------------------


@dataclass(frozen=True)
class _TrialKey:
    """What a trial sort orders by: a number, a text, or (for JSON values) either one,
    with trials that have neither after them."""

    number: ColumnElement[Any] | None = None
    text: ColumnElement[Any] | None = None
    missing: bool = False  # may a trial have no value?

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k, e in ((_NUMBER, self.number), (_TEXT, self.text)) if e is not None)

    def group(self) -> ColumnElement[int] | None:
        """0 for a number, 1 for a text, 2 for no value (groups keep this order); None
        when every trial has a value of the one kind."""
        if not self.missing:
            return None
        whens = [
            (expression.is_not(None), n)
            for n, expression in ((0, self.number), (1, self.text))
            if expression is not None
        ]
        return case(*whens, else_=2)

    def parts(self, descending: bool) -> list[tuple[ColumnElement[Any], bool]]:
        """(expression, descending) to order by, none of them null, the trial id last."""
        group = self.group()
        parts: list[tuple[ColumnElement[Any], bool]] = [] if group is None else [(group, False)]
        if self.number is not None:
            number = func.coalesce(self.number, 0.0) if self.missing else self.number
            parts.append((number, descending))
        if self.text is not None:
            text = func.coalesce(self.text, "") if self.missing else self.text
            parts.append((text, descending))
        return [*parts, (Trial.id, False)]

    def bounds(self, value: Any, last_id: int) -> list[Any]:
        """The token's values for ``parts``."""
        group = 2 if value is None else 1 if isinstance(value, str) else 0
        bounds: list[Any] = [group] if self.missing else []
        if self.number is not None:
            bounds.append(value if group == 0 else 0.0)
        if self.text is not None:
            bounds.append(value if group == 1 else "")
        return [*bounds, last_id]

    def after(self, token: list[Any], descending: bool) -> ColumnElement[bool]:
        """Rows strictly after the token's row, in the order of ``parts``."""
        pairs = list(zip(self.parts(descending), self.bounds(*token), strict=True))
        (trial_id, _), last_id = pairs[-1]
        condition: ColumnElement[bool] = trial_id > last_id
        for (expression, down), bound in reversed(pairs[:-1]):
            beyond = expression < bound if down else expression > bound
            condition = or_(beyond, and_(expression == bound, condition))
        return condition

    def token_value(self, number: Any, text: Any) -> Any:
        """The sort value of a row, as its next_token carries it (null for none)."""
        return number if self.number is not None and number is not None else text


def _json_key(column: Any, name: str, dialect: str) -> _TrialKey:
    """The value ``name`` of a JSON column: a number, a text (strings, and booleans as
    'true' / 'false'), or nothing (absent, null, a list, an object)."""
    if dialect == "sqlite":
        path = literal('$."' + name + '"')
        kind = func.json_type(column, path)
        value = func.json_extract(column, path)
        number = case((kind.in_(("integer", "real")), type_coerce(value, Float)))
        text = case((kind == "text", value), (kind.in_(("true", "false")), kind))
    else:
        kind = func.json_typeof(cast(column[name], JSON))
        value = column[name].as_string()
        number = case((kind == "number", cast(value, Float)))
        text = case((kind.in_(("string", "boolean")), value))
    return _TrialKey(number=number, text=text, missing=True)


def _trial_key(field: str, dialect: str) -> _TrialKey:
    if field == "key":
        return _TrialKey(number=Trial.id)
    if field == "status":
        return _TrialKey(text=Trial.status)
    columns = {
        "duration": Trial.duration_s,
        "started_at": Trial.started_at,
        "metric": Trial.metric_value,
    }
    if field in columns:
        return _TrialKey(number=columns[field], missing=True)
    source, name = field.split(":", 1)
    return _json_key(Trial.params if source == "param" else Trial.results, name, dialect)


def _default_sort(experiment: Experiment) -> str:
    """Best first by the experiment's metric, else in the order the trials were recorded."""
    if experiment.metric_key:
        return "metric" if experiment.direction.upper() == "MIN" else "-metric"
    return "key"


@dataclass(frozen=True)
class _Page:
    rows: list[Trial]
    records: list[TrialRecord]
    total: int
    next_token: str | None
    sort: str


def _trial_page(
    session: Any,
    experiment: Experiment,
    sort: str | None,
    limit: int | None,
    next_token: str | None,
    series: bool,
    max_points: int | None,
) -> _Page:
    sort = sort or _default_sort(experiment)
    if not _TRIAL_SORT.fullmatch(sort):
        raise BadQueryError(
            f"sort={sort!r}: use {TRIAL_SORTS} (names without quotes or backslashes), "
            "with a leading '-' for descending"
        )
    descending = sort.startswith("-")
    key = _trial_key(sort.lstrip("-"), session.get_bind().dialect.name)
    parts = key.parts(descending)
    query = select(
        Trial,
        (key.number if key.number is not None else null()).label("sort_number"),
        (key.text if key.text is not None else null()).label("sort_text"),
    ).where(Trial.experiment_id == experiment.id)
    if next_token:
        token = _decode_token(next_token, sort, key.kinds, key.missing, _WHOLE)
        query = query.where(key.after(token, descending))
    query = query.order_by(*(e.desc() if down else e.asc() for e, down in parts))
    if limit is not None:
        query = query.limit(limit + 1)
    rows = session.execute(query).all()
    more = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    token_out = None
    if more and rows:
        last = rows[-1]
        value = key.token_value(last.sort_number, last.sort_text)
        token_out = _encode_token([value, last[0].id])
    total = session.scalar(select(func.count(Trial.id)).where(Trial.experiment_id == experiment.id))
    trials = [row[0] for row in rows]
    found = _metric_series(session, [t.id for t in trials], max_points) if series else {}
    return _Page(
        rows=trials,
        records=[_trial(t, found.get(t.id, [])) for t in trials],
        total=total or 0,
        next_token=token_out,
        sort=sort,
    )


def _top_trials(
    session: Any,
    experiment: Experiment,
    count: int,
    shown: set[int],
    series: bool,
    max_points: int | None,
) -> list[TrialRecord]:
    """The ``count`` best trials by the experiment's metric, leaving out those ``shown``."""
    if count <= 0:
        return []
    metric = Trial.metric_value
    best = metric.asc() if experiment.direction.upper() == "MIN" else metric.desc()
    query = select(Trial).where(Trial.experiment_id == experiment.id, metric.is_not(None))
    if shown:
        query = query.where(Trial.id.not_in(shown))
    trials = list(session.scalars(query.order_by(best, Trial.id).limit(count)))
    found = _metric_series(session, [t.id for t in trials], max_points) if series else {}
    return [_trial(t, found.get(t.id, [])) for t in trials]


def _metric_series(
    session: Any, trial_ids: list[int], max_points: int | None = None
) -> dict[int, list[MetricSeries]]:
    """The series of these trials; with ``max_points``, each thinned in the database to
    at most that many points: every k-th step, and the last."""
    if not trial_ids:
        return {}
    columns = (MetricPoint.trial_id, MetricPoint.name, MetricPoint.step, MetricPoint.value)
    if max_points is None:
        query: Select[Any] = select(*columns).where(MetricPoint.trial_id.in_(trial_ids))
    else:
        if max_points < 2:
            raise BadQueryError(f"max_points={max_points}: keep at least 2 points")
        window = {"partition_by": (MetricPoint.trial_id, MetricPoint.name)}
        numbered = (
            select(
                *columns,
                (func.row_number().over(**window, order_by=MetricPoint.step) - 1).label("n"),
                func.count().over(**window).label("size"),
            )
            .where(MetricPoint.trial_id.in_(trial_ids))
            .subquery()
        )
        # A stride of ceil(size / (max_points - 1)) keeps at most max_points - 1 points,
        # and the last point makes max_points.
        stride = (numbered.c.size + (max_points - 2)) // (max_points - 1)
        query = select(
            numbered.c.trial_id, numbered.c.name, numbered.c.step, numbered.c.value
        ).where(
            or_(
                numbered.c.size <= max_points,
                numbered.c.n % stride == 0,
                numbered.c.n == numbered.c.size - 1,
            )
        )
    points: dict[tuple[int, str], tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    rows = session.execute(query.order_by(*query.selected_columns[:3]))
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
