"""What a frame must be to create or fill a feature group: its keys and event time
among its columns (event time of a time type), and later frames the group's schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import clip
from ..errors import BadFeatureInput, SchemaMismatch

if TYPE_CHECKING:
    from ...catalog import FeatureGroupRecord
    from .spec import GroupSpec

EVENT_TIME_TYPES = ("timestamp", "date", "bigint")


def check_columns(kind: str, names: list[str], columns: list[str]) -> None:
    missing = [n for n in names if n not in columns]
    if missing:
        raise BadFeatureInput(
            f"{kind} {missing} not among the frame's columns {columns}: "
            "name existing columns (names are lower-cased)"
        )


def check_keys(spec: GroupSpec, columns: list[str], types: dict[str, str]) -> None:
    """The primary key, partition key and event time name columns; event time is a
    timestamp, a date or epoch milliseconds."""
    check_columns("primary key", spec.primary_key, columns)
    check_columns("partition key", spec.partition_key, columns)
    if spec.event_time is not None:
        check_columns("event_time", [spec.event_time], columns)
        kind = types[spec.event_time]
        if kind not in EVENT_TIME_TYPES:
            raise BadFeatureInput(
                f"event_time {spec.event_time!r} is a {kind} column: use a timestamp, "
                "a date or an int64 of epoch milliseconds"
            )


def check_schema(group: FeatureGroupRecord, types: dict[str, tuple[str, str]]) -> None:
    """The frame has the group's columns with the group's types."""
    expected = {f.name: f.type for f in group.features}
    given = {n: t for n, (t, _) in types.items()}
    differ = (
        [f"{n} (missing)" for n in expected if n not in given]
        + [f"{n} (not in the group)" for n in given if n not in expected]
        + [
            f"{n} ({given[n]}, the group has {expected[n]})"
            for n in given
            if n in expected and given[n] != expected[n]
        ]
    )
    if differ:
        raise SchemaMismatch(
            f"the frame does not fit feature group {group.name!r} version "
            f"{group.version}; columns that differ: {clip(', '.join(differ), 600)}. "
            "Insert the same columns and types, or create a new version "
            f"(create_feature_group({group.name!r}, version={group.version + 1})): "
            "a new version changes the schema"
        )
