"""A plan node's rows read into Arrow from its group: the version of the commit the
query reads (``as_of``, or the latest), or for an incremental read the change data feed
of the commits in its window; with ``SEQ``, the row's place in the group. Both engines
read through here: DuckDB when it cannot scan the Parquet files itself, Spark always."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from .plan import Node
from .sql import SEQ

if TYPE_CHECKING:
    from ...catalog import CommitRecord
    from ..featuregroups.groups import FeatureGroups


def node_input(groups: FeatureGroups, node: Node) -> pa.Table:
    """The node's columns and ``SEQ``, read into memory."""
    return read_input(groups, node, groups._latest_commit(node.group, node.as_of_ms))


def window_versions(groups: FeatureGroups, node: Node) -> list[int]:
    """The Delta versions of the commits an incremental read covers: ids after
    ``start_ms`` (exclusive) up to ``as_of_ms`` (inclusive; none: the latest)."""
    start = node.start_ms or 0
    commits = groups.commits(node.group, up_to_ms=node.as_of_ms)
    return sorted(c.table_version for c in commits if c.commit_id > start)


def empty_input(groups: FeatureGroups, node: Node, stored: bool = False) -> pa.Table:
    """No rows, with the node's columns and ``SEQ``; typed as the Delta table stores
    them when ``stored`` (the group has a commit), else from the pandas dtypes."""
    if stored:
        empty = groups.table(node.group).schema().empty_table().select(node.needed)
    else:
        empty = groups.empty(node.group).select(node.needed)
    return empty.append_column(SEQ, pa.array([], type=pa.int64()))


def read_input(groups: FeatureGroups, node: Node, commit: CommitRecord | None) -> pa.Table:
    if node.start_ms is not None:
        versions = window_versions(groups, node)
        if not versions:
            return empty_input(groups, node, stored=commit is not None)
        return groups.table(node.group).changes(versions, node.needed, SEQ)
    if commit is None:
        return empty_input(groups, node)
    table = groups.table(node.group)
    return table.read_ordered(commit.table_version, node.needed, SEQ)
