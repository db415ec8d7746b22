"""A query spec (``plan.QuerySpec``) as JSON and back, for the catalog.

Groups are stored by id, name and version and looked up again on load; filter values
keep their type (datetimes, dates and numpy scalars round-trip), so a view's filter
compares the same after a restart.

>>> encode_value(datetime(2024, 1, 2, 3, 4, 5))
{'$datetime': '2024-01-02T03:04:05'}
>>> decode_value(encode_value(date(2024, 1, 2)))
datetime.date(2024, 1, 2)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from ...catalog import FeatureGroupRecord
from ..query.plan import Combined, Condition, JoinSpec, Predicate, QuerySpec, Selection

GroupLookup = Callable[[int, str, int], FeatureGroupRecord]


def encode_value(value: Any) -> Any:
    """A filter value as JSON: tagged dicts for datetimes and dates."""
    if isinstance(value, datetime):
        if hasattr(value, "to_pydatetime"):  # pandas.Timestamp
            value = value.to_pydatetime()
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, list | tuple):
        return [encode_value(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        return value.item()
    return value


def decode_value(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


def predicate_to_json(predicate: Predicate | None) -> dict[str, Any] | None:
    if predicate is None:
        return None
    if isinstance(predicate, Combined):
        return {
            "kind": predicate.kind,
            "left": predicate_to_json(predicate.left),
            "right": predicate_to_json(predicate.right),
        }
    return {
        "kind": "condition",
        "group_id": predicate.group_id,
        "feature": predicate.feature,
        "operator": predicate.operator,
        "value": encode_value(predicate.value),
    }


def predicate_from_json(data: dict[str, Any] | None) -> Predicate | None:
    if data is None:
        return None
    if data["kind"] == "condition":
        return Condition(
            data["group_id"], data["feature"], data["operator"], decode_value(data["value"])
        )
    left, right = predicate_from_json(data["left"]), predicate_from_json(data["right"])
    assert left is not None and right is not None
    return Combined(data["kind"], left, right)


def spec_to_json(spec: QuerySpec) -> dict[str, Any]:
    group = spec.left.group
    return {
        "left": {
            "group": {"id": group.id, "name": group.name, "version": group.version},
            "features": list(spec.left.features),
            "as_of_ms": spec.left.as_of_ms,
        },
        "joins": [
            {
                "query": spec_to_json(j.query),
                "on": list(j.on),
                "left_on": list(j.left_on),
                "right_on": list(j.right_on),
                "join_type": j.join_type,
                "prefix": j.prefix,
            }
            for j in spec.joins
        ],
        "predicate": predicate_to_json(spec.predicate),
    }


def spec_from_json(data: dict[str, Any], lookup: GroupLookup) -> QuerySpec:
    """The spec again; ``lookup(id, name, version)`` gives each group's record."""
    left = data["left"]
    ref = left["group"]
    selection = Selection(
        lookup(ref["id"], ref["name"], ref["version"]), list(left["features"]), left["as_of_ms"]
    )
    joins = [
        JoinSpec(
            spec_from_json(j["query"], lookup),
            list(j["on"]),
            list(j["left_on"]),
            list(j["right_on"]),
            j["join_type"],
            j["prefix"],
        )
        for j in data["joins"]
    ]
    return QuerySpec(selection, joins, predicate_from_json(data["predicate"]))


def groups_of(spec: QuerySpec) -> list[FeatureGroupRecord]:
    """The groups a spec reads: the left one, then joined ones in join order (once each)."""
    found = [spec.left.group]
    for join in spec.joins:
        found += [g for g in groups_of(join.query) if g.id not in {f.id for f in found}]
    return found


def map_selections(spec: QuerySpec, change: Callable[[Selection], Selection]) -> QuerySpec:
    """A copy of ``spec`` with every selection (left and joined) passed through ``change``."""
    joins = [
        JoinSpec(
            map_selections(j.query, change), j.on, j.left_on, j.right_on, j.join_type, j.prefix
        )
        for j in spec.joins
    ]
    return QuerySpec(change(spec.left), joins, spec.predicate)
