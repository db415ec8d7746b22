"""Reading feature groups: the catalog's records, each group's Delta table, its commits
and its rows at a commit. ``groups.FeatureGroups`` adds writing on top; the modules an
insert uses (validation, online rows, statistics) read through this class, below it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from ...catalog import CommitRecord, FeatureGroupRecord
from ..types import restore_dtypes
from .spec import feature_name
from .table import DeltaFeatureTable

if TYPE_CHECKING:
    from ...lab import Lab


class GroupReader:
    """The feature groups of the Lab's project, read."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.catalog = lab.feature_groups

    @property
    def project_id(self) -> int:
        return self.lab.project_id

    def get(self, name: str, version: int) -> FeatureGroupRecord | None:
        return self.catalog.get_group(self.project_id, feature_name(name), version)

    def list(self, name: str | None = None) -> list[FeatureGroupRecord]:
        return self.catalog.list_groups(
            self.project_id, None if name is None else feature_name(name)
        )

    def next_version(self, name: str) -> int:
        return max((g.version for g in self.list(name)), default=0) + 1

    def table(self, group: FeatureGroupRecord) -> DeltaFeatureTable:
        """The group's Delta table where the project's files are (a local folder, or
        HDFS through delta-rs's ``webhdfs://`` backend)."""
        return DeltaFeatureTable.at(self.lab.store, group.location)

    def _latest_commit(
        self, group: FeatureGroupRecord, as_of_ms: int | None = None
    ) -> CommitRecord | None:
        commits = self.catalog.list_commits(group.id, up_to_ms=as_of_ms, limit=1)
        return commits[0] if commits else None

    @staticmethod
    def empty(group: FeatureGroupRecord) -> pa.Table:
        """No rows, with the group's columns and the dtypes they were inserted with."""
        frame = pd.DataFrame(
            {f.name: pd.Series([], dtype=f.dtype or "object") for f in group.features}
        )
        return pa.Table.from_pandas(frame, preserve_index=False)

    def commits(
        self, group: FeatureGroupRecord, up_to_ms: int | None = None, limit: int | None = None
    ) -> list[CommitRecord]:
        return self.catalog.list_commits(group.id, up_to_ms=up_to_ms, limit=limit)

    def read_arrow(self, group: FeatureGroupRecord, as_of_ms: int | None = None) -> pa.Table:
        commit = self._latest_commit(group, as_of_ms)
        if commit is None:
            return self.empty(group)
        return self.table(group).read(commit.table_version).select([f.name for f in group.features])

    def read(self, group: FeatureGroupRecord, as_of_ms: int | None = None) -> pd.DataFrame:
        """The group's rows at its latest commit, or at the latest with id <= ``as_of_ms``,
        with the pandas dtypes they were inserted with."""
        frame = self.read_arrow(group, as_of_ms).to_pandas()
        return restore_dtypes(frame, {f.name: f.dtype for f in group.features if f.dtype})

    def files(self, group: FeatureGroupRecord, as_of_ms: int | None = None) -> list[str]:
        """The Parquet files of the commit read (empty before the first commit)."""
        commit = self._latest_commit(group, as_of_ms)
        return [] if commit is None else self.table(group).files(commit.table_version)
