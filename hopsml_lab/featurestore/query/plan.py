"""A query over feature groups as one plan both engines execute.

The hsfs facade describes a query (``QuerySpec``: a selection of one group, joins with
other queries, a filter); ``build_plan`` flattens it into nodes ``fg0, fg1, …`` (hsfs'
SQL aliases), resolves join keys, output column names and which joins are
point-in-time joins. The Python engine renders the plan as DuckDB SQL (``sql.py``), the
Spark engine as DataFrame operations (``spark_query.py``).

Point-in-time rule: when a joined group and the group it joins to both have an
``event_time`` (and the join is ``left`` or ``inner``), each row gets the joined group's
latest row for its key whose event time is at or before the row's event time, never a
later one; with none, a left join keeps the row with nulls. Rows of the joined group with
the same key and the same event time: the one written last wins (the newest data file of
the version read, then the later row in it), so a later insert of that moment replaces
an earlier one.

Filters, as Hopsworks builds them (its backend's ``FilterController.buildFilterNode``):
the query's own filter and the filter of every joined sub-query
(``fg1.select_all().join(fg2.select_all().filter(fg2.x > 3), ...)``) are ANDed into
one ``WHERE`` over the joined rows. A joined query's filter is therefore applied after
its join: a left-joined row whose joined values fail it, or are missing, is dropped.
Point-in-time joins do the same here, as the ``ASOF`` form of Hopsworks' point-in-time
query (``pit_query_asof``) does: the latest row is picked first, then filtered. The
window-rank form (``pit_query``, the one hsfs' Spark engine reads) evaluates that
``WHERE`` inside each join's sub-query, before the latest row is picked, so there a
joined row failing the filter gives way to an earlier one that passes; both engines
here follow the ``ASOF`` form, so they return the same rows.

A condition is bound to the node it reads (``Condition.alias``): a joined query's
filter to its own groups first (so a group joined twice is filtered where the filter
was given), else, as Hopsworks resolves filters, to any group of the query.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

from ...catalog import FeatureGroupRecord
from ..errors import BadFeatureInput, FeatureGroupWarning

JOIN_TYPES = {
    "INNER": "INNER",
    "LEFT": "LEFT",
    "RIGHT": "RIGHT",
    "FULL": "FULL",
    "OUTER": "FULL",
    "FULL_OUTER": "FULL",
    "CROSS": "CROSS",
    "LEFT_SEMI_JOIN": "SEMI",
}
OPERATORS = {
    "GREATER_THAN_OR_EQUAL": ">=",
    "GREATER_THAN": ">",
    "NOT_EQUALS": "!=",
    "EQUALS": "=",
    "LESS_THAN_OR_EQUAL": "<=",
    "LESS_THAN": "<",
    "IN": "IN",
    "LIKE": "LIKE",
}


@dataclass(frozen=True)
class Condition:
    """``<group's feature> <operator> <value>`` (operator: a key of ``OPERATORS``)."""

    group_id: int | None
    feature: str
    operator: str
    value: Any
    alias: str | None = None  # the plan node it is read from (set by ``build_plan``)


@dataclass(frozen=True)
class Combined:
    """``left AND right`` or ``left OR right``."""

    kind: str
    left: Condition | Combined
    right: Condition | Combined


Predicate = Condition | Combined


@dataclass
class Selection:
    group: FeatureGroupRecord
    features: list[str]
    as_of_ms: int | None = None
    # An incremental read (as_of with exclude_until): only the rows inserted or updated
    # by the commits with start_ms < commit id <= as_of_ms (or the latest).
    start_ms: int | None = None


@dataclass
class JoinSpec:
    query: QuerySpec
    on: list[str]
    left_on: list[str]
    right_on: list[str]
    join_type: str = "LEFT"
    prefix: str | None = None


@dataclass
class QuerySpec:
    """What the facade's ``Query`` holds."""

    left: Selection
    joins: list[JoinSpec] = field(default_factory=list)
    predicate: Predicate | None = None


@dataclass
class Node:
    """One group read in the plan, joined to ``parent`` (none for ``fg0``)."""

    alias: str
    group: FeatureGroupRecord
    as_of_ms: int | None
    selected: list[str]
    parent: str | None = None
    parent_keys: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    join_type: str = "LEFT"
    point_in_time: bool = False
    needed: list[str] = field(default_factory=list)
    prefix: str | None = None  # the join's prefix, as given (hsfs' serving keys use it)
    start_ms: int | None = None  # an incremental read: see ``Selection.start_ms``

    @property
    def table_name(self) -> str:
        """hsfs' table name of the group: ``<name>_<version>``."""
        return f"{self.group.name}_{self.group.version}"

    @property
    def event_time(self) -> str | None:
        return self.group.event_time


@dataclass
class Plan:
    nodes: list[Node]
    outputs: list[tuple[str, str, str]]  # (alias, column, output name)
    predicate: Predicate | None
    aliases: dict[int, str]  # group id -> first alias reading it

    def node(self, alias: str) -> Node:
        return next(n for n in self.nodes if n.alias == alias)

    def resolve(self, condition: Condition) -> tuple[str, str]:
        """``(alias, column)`` a condition's feature is read from."""
        if condition.alias is not None:
            return condition.alias, condition.feature
        return _bind_condition(condition, self.nodes, QUERY_SCOPE).alias or "", condition.feature

    @property
    def dtypes(self) -> dict[str, str]:
        """Output name -> the pandas dtype its feature was inserted with."""
        result = {}
        for alias, column, name in self.outputs:
            spec = next(f for f in self.node(alias).group.features if f.name == column)
            if spec.dtype:
                result[name] = spec.dtype
        return result


QUERY_SCOPE = "the query: filter on a feature of a group that is selected or joined"


def _columns(node: Node) -> list[str]:
    return [f.name for f in node.group.features]


def _bind_condition(condition: Condition, scope: list[Node], where: str) -> Condition:
    """``condition`` bound to the node of ``scope`` it reads: the first node of its
    feature's group, else the first node with a feature of its name."""
    node = None
    if condition.group_id is not None:
        node = next((n for n in scope if n.group.id == condition.group_id), None)
    if node is None:
        node = next((n for n in scope if condition.feature in _columns(n)), None)
    if node is None or condition.feature not in _columns(node):
        raise BadFeatureInput(
            f"the filter on {condition.feature!r} names a feature of no feature group in {where}"
        )
    return replace(condition, alias=node.alias)


def _bind(predicate: Predicate, scope: list[Node], where: str) -> Predicate:
    """``predicate`` with every condition bound (``_bind_condition``)."""
    if isinstance(predicate, Combined):
        left, right = _bind(predicate.left, scope, where), _bind(predicate.right, scope, where)
        return Combined(predicate.kind, left, right)
    return _bind_condition(predicate, scope, where)


def _and(left: Predicate | None, right: Predicate | None) -> Predicate | None:
    if left is None or right is None:
        return left or right
    return Combined("AND", left, right)


def _conditions(predicate: Predicate | None) -> list[Condition]:
    if predicate is None:
        return []
    if isinstance(predicate, Condition):
        return [predicate]
    return _conditions(predicate.left) + _conditions(predicate.right)


def _keys(left: Node, right: Selection, join: JoinSpec) -> tuple[list[str], list[str]]:
    if join.on:
        return list(join.on), list(join.on)
    if join.left_on or join.right_on:
        if len(join.left_on) != len(join.right_on) or not join.left_on:
            raise BadFeatureInput(
                f"left_on {join.left_on} and right_on {join.right_on} must name as many "
                "features each (pairwise): give both lists, or on=[...]"
            )
        return list(join.left_on), list(join.right_on)
    shared = [k for k in right.group.primary_key if k in left.group.primary_key]
    if not shared:
        raise BadFeatureInput(
            f"feature groups {left.group.name!r} and {right.group.name!r} share no primary "
            "key feature to join on: give on=[...] or left_on=[...], right_on=[...]"
        )
    return shared, shared


def _check(node_group: FeatureGroupRecord, names: list[str], what: str) -> None:
    columns = [f.name for f in node_group.features]
    missing = [n for n in names if n not in columns]
    if missing:
        raise BadFeatureInput(
            f"{what} {missing} not in feature group {node_group.name!r} (features: {columns})"
        )


def build_plan(spec: QuerySpec) -> Plan:
    """Flatten ``spec`` into nodes, outputs and point-in-time decisions."""
    nodes: list[Node] = []
    outputs: list[tuple[str, str, str]] = []

    scoped: list[tuple[Predicate, list[Node]]] = []  # joined queries' filters, in join order

    def add(query: QuerySpec, parent: Node | None, join: JoinSpec | None) -> list[Node]:
        """Add ``query``'s nodes; its own and its joined nodes (the filter's scope)."""
        alias = f"fg{len(nodes)}"
        selection = query.left
        node = Node(alias, selection.group, selection.as_of_ms, list(selection.features))
        node.start_ms = selection.start_ms
        if parent is not None and join is not None:
            parent_keys, keys = _keys(parent, selection, join)
            _check(parent.group, parent_keys, "join keys")
            _check(selection.group, keys, "join keys")
            node.parent, node.parent_keys, node.keys = parent.alias, parent_keys, keys
            node.prefix = join.prefix
            node.join_type = JOIN_TYPES.get(join.join_type.upper().replace(" ", "_"), "")
            if not node.join_type:
                raise BadFeatureInput(
                    f"join_type {join.join_type!r}: use 'left', 'inner', 'right', 'full', "
                    "'outer', 'cross' or 'left_semi_join'"
                )
            timed = parent.event_time is not None and node.event_time is not None
            if timed and node.join_type in ("LEFT", "INNER"):
                node.point_in_time = True
            elif timed and node.join_type in ("RIGHT", "FULL"):
                raise BadFeatureInput(
                    f"feature groups {parent.group.name!r} and {node.group.name!r} both have "
                    "an event_time, so they join point in time: use join_type='left' or "
                    "'inner'"
                )
        nodes.append(node)
        _output(node, join, outputs)
        subtree = [node]
        if join is not None and query.predicate is not None:
            scoped.append((query.predicate, subtree))
        for sub in query.joins:
            subtree += add(sub.query, node, sub)
        return subtree

    add(spec, None, None)
    aliases: dict[int, str] = {}
    for node in nodes:
        if node.group.id is not None:
            aliases.setdefault(node.group.id, node.alias)
    predicate = None if spec.predicate is None else _bind(spec.predicate, nodes, QUERY_SCOPE)
    for sub_predicate, subtree in scoped:  # its own groups first, then the others
        scope = subtree + [n for n in nodes if n not in subtree]
        predicate = _and(predicate, _bind(sub_predicate, scope, QUERY_SCOPE))
    plan = Plan(nodes, outputs, predicate, aliases)
    used = {n.alias: set(n.selected) for n in nodes}
    for condition in _conditions(predicate):
        alias, column = plan.resolve(condition)
        used[alias].add(column)
    for node in nodes:
        extra = set(node.keys)
        extra |= {k for child in nodes if child.parent == node.alias for k in child.parent_keys}
        pit = node.point_in_time or any(c.point_in_time for c in nodes if c.parent == node.alias)
        if pit and node.event_time:
            extra.add(node.event_time)
        order = [f.name for f in node.group.features]
        node.needed = [c for c in order if c in used[node.alias] | extra]
    return plan


def _output(node: Node, join: JoinSpec | None, outputs: list[tuple[str, str, str]]) -> None:
    if node.join_type == "SEMI":
        return
    taken = {name for _, _, name in outputs}
    same_keys = join is not None and (
        join.on or not (join.left_on or join.right_on)
    )  # on=[...] or the primary key: the key columns appear once, from the left
    for column in node.selected:
        if same_keys and column in node.keys:
            continue
        name = f"{join.prefix}{column}" if join is not None and join.prefix else column
        if name in taken:
            if join is not None and join.prefix:
                raise BadFeatureInput(
                    f"column {name!r} is in the query twice even with prefix {join.prefix!r}: "
                    "give the join another prefix, or select fewer features"
                )
            warnings.warn(
                f"feature {column!r} of {node.group.name!r} is in the query already; it is "
                f"named {node.alias}_{column}: pass prefix= to join() to name it yourself",
                FeatureGroupWarning,
                stacklevel=6,
            )
            name = f"{node.alias}_{column}"
        outputs.append((node.alias, column, name))
        taken.add(name)
