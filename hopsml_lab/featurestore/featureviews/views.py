"""Feature views: a saved query (``plan.QuerySpec`` as JSON in the catalog) with labels,
helper columns and transformation functions, and reading its rows.

A read pins every feature group to one commit first (the latest, or the ones a training
dataset's lineage names), so what was read can be read again. The view's features are
the query's output columns; labels, inference and training helper columns are flags on
them. Primary keys and event times that the query does not select are added, when
asked for, under hsfs' fully qualified name ``<project>_<group>_<version>_<feature>``;
those the query selects are features of the view and always stay.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...catalog import FeatureGroupRecord, FeatureViewRecord, LineageEntry, ViewFeature
from ..errors import BadFeatureInput, FeatureGroupWarning
from ..featuregroups.spec import feature_name
from ..query.plan import Combined, Condition, Plan, Predicate, QuerySpec, Selection, build_plan
from ..query.queries import run_pandas
from ..types import restore_dtypes
from .view_errors import FeatureViewExists, UnknownFeatureView
from .view_spec import groups_of, map_selections, spec_from_json, spec_to_json

if TYPE_CHECKING:
    from ..featuregroups.groups import FeatureGroups

SPLIT_TIME = "__split_event_time"  # the left group's event time, read for time splits


@dataclass
class ReadRequest:
    """Which columns and rows of a view to read."""

    with_label: bool = True
    primary_keys: bool = False
    event_time: bool = False
    inference_helpers: bool = False
    training_helpers: bool = False
    start_ms: int | None = None  # on the left group's event time, inclusive
    end_ms: int | None = None  # exclusive
    extra_filter: Predicate | None = None
    split_time: bool = False  # add the left group's event time as SPLIT_TIME
    pins: dict[int, int | None] = field(default_factory=dict)  # group id -> commit id


def _and(left: Predicate | None, right: Predicate | None) -> Predicate | None:
    if left is None or right is None:
        return left or right
    return Combined("AND", left, right)


def time_value(group: FeatureGroupRecord, ms: int) -> Any:
    """``ms`` as a value to compare the group's event time column with."""
    kind = next(f.type for f in group.features if f.name == group.event_time)
    if kind == "bigint":
        return ms
    return datetime(1970, 1, 1) + timedelta(milliseconds=ms)


def _insert_needed(plan: Plan, alias: str, column: str) -> None:
    node = plan.node(alias)
    if column not in node.needed:
        order = [f.name for f in node.group.features]
        node.needed = [c for c in order if c in {*node.needed, column}]


class FeatureViews:
    """The feature views of the Lab's project."""

    def __init__(self, groups: FeatureGroups, project_name: str) -> None:
        self.groups = groups
        self.lab = groups.lab
        self.catalog = groups.lab.feature_views
        self.project_name = project_name.lower()

    @property
    def project_id(self) -> int:
        return self.lab.project_id

    # -- metadata -------------------------------------------------------------------

    def create(
        self,
        name: str,
        spec: QuerySpec,
        *,
        version: int | None = None,
        description: str = "",
        labels: list[str] | None = None,
        inference_helper_columns: list[str] | None = None,
        training_helper_columns: list[str] | None = None,
        transformation_functions: list[dict[str, Any]] | None = None,
    ) -> FeatureViewRecord:
        """Check and record a view: its labels and helper columns must be columns of
        the query. Time travel on the query (``as_of(wallclock_time, exclude_until)``,
        ``pull_changes``: any selection's ``as_of_ms`` or ``start_ms``) is dropped with
        hsfs' warning, as hsfs' ``Query.is_time_travel`` decides; filters stay, the
        event-time window a ``read(start_time=..., end_time=...)`` added included."""
        name = feature_name(name)
        if any(s.as_of_ms is not None or s.start_ms is not None for s in _selections(spec)):
            warnings.warn(
                "`as_of` argument in the `Query` will be ignored because feature view does "
                "not support time travel query.",
                UserWarning,
                stacklevel=4,
            )
            spec = map_selections(spec, lambda s: replace(s, as_of_ms=None, start_ms=None))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FeatureGroupWarning)  # warned at join()
            plan = build_plan(spec)
        labels = [feature_name(n) for n in labels or []]
        inference = [feature_name(n) for n in inference_helper_columns or []]
        training = [feature_name(n) for n in training_helper_columns or []]
        columns = [out for _, _, out in plan.outputs]
        for kind, names in (
            ("label", labels),
            ("inference helper column", inference),
            ("training helper column", training),
        ):
            missing = [n for n in names if n not in columns]
            if missing:
                raise BadFeatureInput(
                    f"{kind}(s) {missing} are not features of the query (its features: "
                    f"{columns}): select them in the query, or name a selected feature"
                )
        if version and self.catalog.get_view(self.project_id, name, version) is not None:
            raise FeatureViewExists(
                f"feature view {name!r} version {version} exists: get it with "
                "get_feature_view, or create another version"
            )
        record = FeatureViewRecord(
            name=name,
            version=version or 0,
            description=description or "",
            query=spec_to_json(spec),
            features=self._features(plan, labels, inference, training),
            labels=labels,
            inference_helper_columns=inference,
            training_helper_columns=training,
            transformation_functions=transformation_functions or [],
        )
        try:
            return self.catalog.register_view(self.project_id, record)
        except KeyError:
            raise FeatureViewExists(
                f"feature view {name!r} version {version} exists: get it with "
                "get_feature_view, or create another version"
            ) from None

    @staticmethod
    def _features(
        plan: Plan, labels: list[str], inference: list[str], training: list[str]
    ) -> list[ViewFeature]:
        features = []
        for index, (alias, column, out) in enumerate(plan.outputs):
            group = plan.node(alias).group
            spec = next(f for f in group.features if f.name == column)
            features.append(
                ViewFeature(
                    name=out,
                    type=spec.type,
                    dtype=spec.dtype,
                    index=index,
                    feature_group_id=group.id,
                    feature_group_name=group.name,
                    feature_group_version=group.version,
                    feature_group_feature_name=column,
                    label=out in labels,
                    inference_helper_column=out in inference,
                    training_helper_column=out in training,
                )
            )
        return features

    def transient(self, name: str, query: dict[str, Any], labels: list[str]) -> FeatureViewRecord:
        """A view of ``query`` that is never registered (hsfs 3.x training datasets)."""
        record = FeatureViewRecord(name=name, query=query, labels=labels)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FeatureGroupWarning)
            plan = build_plan(self.spec(record))
        return record.model_copy(update={"features": self._features(plan, labels, [], [])})

    def get(self, name: str, version: int) -> FeatureViewRecord | None:
        return self.catalog.get_view(self.project_id, feature_name(name), version)

    def require(self, name: str, version: int) -> FeatureViewRecord:
        view = self.get(name, version)
        if view is None:
            raise UnknownFeatureView(
                f"no feature view {name!r} version {version}: create it with "
                "create_feature_view, or list them with get_feature_views"
            )
        return view

    def list(self, name: str | None = None) -> list[FeatureViewRecord]:
        return self.catalog.list_views(
            self.project_id, None if name is None else feature_name(name)
        )

    def spec(self, view: FeatureViewRecord) -> QuerySpec:
        """The view's query, its feature groups as the catalog has them now."""

        def lookup(group_id: int, name: str, version: int) -> FeatureGroupRecord:
            group = self.groups.get(name, version)
            if group is None or group.id != group_id:
                raise UnknownFeatureView(
                    f"feature view {view.name!r} version {view.version} reads feature group "
                    f"{name!r} version {version}, which was deleted: delete the view and "
                    "create it again on the groups there are"
                )
            return group

        return spec_from_json(view.query, lookup)

    def query_plan(self, view: FeatureViewRecord) -> Plan:
        """The plan of the view's query as saved (its outputs are the view's features)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FeatureGroupWarning)
            return build_plan(self.spec(view))

    # -- reading --------------------------------------------------------------------

    def lineage(self, spec: QuerySpec, pins: dict[int, int | None]) -> list[LineageEntry]:
        """Each group the spec reads with the commit read: pinned, else the latest."""
        entries = []
        for group in groups_of(spec):
            if group.id in pins:
                commit = pins[group.id]
            else:
                latest = self.groups.commits(group, limit=1)
                commit = latest[0].commit_id if latest else None
            entries.append(
                LineageEntry(
                    feature_group_id=group.id,
                    name=group.name,
                    version=group.version,
                    commit_id=commit,
                )
            )
        return entries

    def plan(
        self, view: FeatureViewRecord, request: ReadRequest
    ) -> tuple[Plan, list[LineageEntry]]:
        """The plan reading ``request`` of ``view``, and the commits it reads."""
        spec = self.spec(view)
        lineage = self.lineage(spec, request.pins)
        commits = {e.feature_group_id: e.commit_id for e in lineage}
        # A group without a commit stays empty: as of 0 nothing is visible.
        spec = map_selections(
            spec, lambda s: Selection(s.group, s.features, commits.get(s.group.id) or 0)
        )
        left = spec.left.group
        predicate = _and(spec.predicate, request.extra_filter)
        if request.start_ms is not None or request.end_ms is not None or request.split_time:
            if left.event_time is None:
                raise BadFeatureInput(
                    "Cannot generate dataset(s) from the given start/end time because event "
                    f"time column is not available in the left feature group {left.name!r}: "
                    "leave start/end times out, or give the group an event_time"
                )
            for operator, ms in (
                ("GREATER_THAN_OR_EQUAL", request.start_ms),
                ("LESS_THAN", request.end_ms),
            ):
                if ms is not None:
                    condition = Condition(left.id, left.event_time, operator, time_value(left, ms))
                    predicate = _and(predicate, condition)
        spec = QuerySpec(spec.left, spec.joins, predicate)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FeatureGroupWarning)
            plan = build_plan(spec)
        self._columns(view, plan, request)
        return plan, lineage

    def _columns(self, view: FeatureViewRecord, plan: Plan, request: ReadRequest) -> None:
        """Drop the outputs the request leaves out, add those it asks for."""
        leave = set()
        if not request.with_label:
            leave |= set(view.labels)
        if not request.inference_helpers:
            leave |= set(view.inference_helper_columns)
        if not request.training_helpers:
            leave |= set(view.training_helper_columns)
        plan.outputs = [o for o in plan.outputs if o[2] not in leave]
        selected = {(a, c) for a, c, _ in plan.outputs}
        names = {o[2] for o in plan.outputs}
        for node in plan.nodes:
            extra = []
            if request.primary_keys:
                extra += [k for k in node.group.primary_key if k not in node.keys]
            if request.event_time and node.event_time:
                extra.append(node.event_time)
            for column in extra:
                if (node.alias, column) in selected:
                    continue
                name = self.qualified_name(node.group, column)
                if name not in names:
                    plan.outputs.append((node.alias, column, name))
                    names.add(name)
                    _insert_needed(plan, node.alias, column)
        if request.split_time:
            root = plan.nodes[0]
            plan.outputs.append((root.alias, root.event_time or "", SPLIT_TIME))
            _insert_needed(plan, root.alias, root.event_time or "")

    def qualified_name(self, group: FeatureGroupRecord, column: str) -> str:
        """hsfs' fully qualified feature name: ``<project>_<group>_<version>_<feature>``."""
        return f"{self.project_name}_{group.name}_{group.version}_{column}"

    def key_columns(self, view: FeatureViewRecord) -> tuple[set[str], set[str]]:
        """The names primary keys and event times of the view's groups are read under
        (selected ones under their output name, others fully qualified)."""
        plan, _ = self.plan(view, ReadRequest(primary_keys=True, event_time=True))
        keys, times = set(), set()
        for alias, column, name in plan.outputs:
            group = plan.node(alias).group
            if column in group.primary_key:
                keys.add(name)
            if column == group.event_time:
                times.add(name)
        return keys, times

    def read(
        self, view: FeatureViewRecord, request: ReadRequest, engine: str = "python"
    ) -> tuple[pd.DataFrame, list[LineageEntry]]:
        """The view's rows as ``request`` asks (computed by DuckDB in process, or by
        Spark on the spark engine), as pandas with the dtypes inserted."""
        plan, lineage = self.plan(view, request)
        if engine == "spark":
            from ..query.spark_query import run_spark

            frame = run_spark(self.lab.spark.session(), self.groups, plan).toPandas()
            return restore_dtypes(frame, plan.dtypes), lineage
        return run_pandas(self.groups, plan), lineage

    def sql(self, view: FeatureViewRecord, request: ReadRequest) -> str:
        from ..query.sql import duckdb_sql

        return duckdb_sql(self.plan(view, request)[0])


def _selections(spec: QuerySpec) -> list[Selection]:
    found = [spec.left]
    for join in spec.joins:
        found += _selections(join.query)
    return found
