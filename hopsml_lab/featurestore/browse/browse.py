"""The feature store as the sidebar browses it: search the groups and their features,
a group's versions, commits, schema, statistics (with their figures) and first rows,
the feature views and the training datasets with their lineage. Read only; the REST
handlers call this and nothing else.

>>> browser = FeatureStoreBrowser(get_lab())                     # doctest: +SKIP
>>> browser.search_groups(GroupSearch(q="age")).groups[0].name   # doctest: +SKIP
'customers'
"""

from __future__ import annotations

import base64
import difflib
import json
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ...catalog import CommitRecord, FeatureGroupRecord
from ...catalog.featurestore import CommitSummary
from ...errors import NotFound, clip
from ..errors import BadFeatureInput, FeatureStoreException, UnknownFeatureGroup
from ..featuregroups.groups import FeatureGroups
from ..featuregroups.spec import feature_name
from ..times import committed_on
from .answers import (
    CommitInfo,
    CommitPage,
    CommitQuery,
    CommitStatistics,
    DataPreview,
    FeatureGroupDetail,
    FeatureGroupPage,
    FeatureGroupSummary,
    FeatureGroupVersions,
    FeatureInfo,
    GroupSearch,
    PreviewColumn,
    PreviewQuery,
    StoredStatistics,
)
from .browse_views import FeatureViewBrowser
from .figures import statistics_figures
from .preview import preview_rows

if TYPE_CHECKING:
    from ...lab import Lab


class NoCommit(FeatureStoreException, NotFound):
    """The feature group has no commit (at or before the time asked)."""


class NoStatistics(FeatureStoreException, NotFound):
    """No commit of the feature group (at or before the time asked) has statistics."""


_BAD_TOKEN = "next_token is not one this server handed out: start again without it"


def _encode_token(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode_group_token(token: str) -> tuple[str, int]:
    try:
        name, version = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:
        raise BadFeatureInput(_BAD_TOKEN) from None
    if not isinstance(name, str) or type(version) is not int:
        raise BadFeatureInput(_BAD_TOKEN)
    return name, version


def commit_info(commit: CommitRecord) -> CommitInfo:
    return CommitInfo(
        commitId=commit.commit_id,
        committedOn=committed_on(commit.commit_id),
        rowsInserted=commit.rows_inserted,
        rowsUpdated=commit.rows_updated,
        rowsDeleted=commit.rows_deleted,
    )


def _features(group: FeatureGroupRecord) -> list[FeatureInfo]:
    return [
        FeatureInfo(
            name=f.name,
            type=f.type,
            description=f.description,
            primary=f.name in group.primary_key,
            partition=f.name in group.partition_key,
            event_time=f.name == group.event_time,
        )
        for f in group.features
    ]


def _summary(
    group: FeatureGroupRecord, commits: CommitSummary | None, matched: list[FeatureInfo]
) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "version": group.version,
        "description": group.description,
        "primary_key": group.primary_key,
        "event_time": group.event_time,
        "online_enabled": group.online_enabled,
        "feature_count": len(group.features),
        "rows": None if commits is None else commits.rows,
        "commit_count": 0 if commits is None else commits.commits,
        "last_commit": None if commits is None else commit_info(commits.last),
        "created_at": group.created_at,
        "matched_features": matched,
    }


def _matches(group: FeatureGroupRecord, text: str) -> tuple[bool, list[FeatureInfo]]:
    """Whether the search ``text`` (case-folded) finds the group, and the features it
    finds in it."""
    if not text:
        return True, []
    found = [
        f for f in _features(group) if text in f.name.casefold() or text in f.description.casefold()
    ]
    hit = text in group.name.casefold() or text in group.description.casefold()
    return hit or bool(found), found


class FeatureStoreBrowser:
    """Read-only answers about the project's feature store, for the REST API."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.groups = FeatureGroups(lab)

    @property
    def project_id(self) -> int:
        return self.lab.project_id

    @cached_property
    def feature_views(self) -> FeatureViewBrowser:
        return FeatureViewBrowser(self.lab)

    def last_change(self) -> tuple[int, ...]:
        """Changes when a group, commit, feature view or training dataset is added or
        deleted: the server announces the feature store changed when it does."""
        return self.groups.catalog.change_marker(self.project_id)

    # -- feature groups -------------------------------------------------------------

    def search_groups(self, query: GroupSearch) -> FeatureGroupPage:
        """Group versions by name (newest version first) whose name or description, or
        a feature's name or description, contains ``query.q``; a page at a time."""
        text = (query.q or "").strip().casefold()
        found = []
        for group in self.groups.list():
            hit, features = _matches(group, text)
            if hit:
                found.append((group, features))
        found.sort(key=lambda item: (item[0].name, -item[0].version))
        rest = found
        if query.next_token:
            name, version = _decode_group_token(query.next_token)
            rest = [item for item in found if (item[0].name, -item[0].version) > (name, -version)]
        shown = rest[: query.limit]
        summaries = self.groups.catalog.commit_summaries([g.id for g, _ in shown])
        more = len(rest) > len(shown)
        last = shown[-1][0] if shown else None
        return FeatureGroupPage(
            groups=[
                FeatureGroupSummary(**_summary(g, summaries.get(g.id), features))
                for g, features in shown
            ],
            total=len(found),
            next_token=_encode_token([last.name, last.version]) if more and last else None,
        )

    def _require(self, name: str, version: int) -> FeatureGroupRecord:
        group = self.groups.get(name, version)
        if group is not None:
            return group
        versions = [g.version for g in self.groups.list(name)]
        if versions:
            raise UnknownFeatureGroup(
                f"feature group {clip(name)!r} has no version {version}: its versions are "
                f"{versions}"
            )
        raise UnknownFeatureGroup(self._no_group(name))

    def _no_group(self, name: str) -> str:
        names = sorted({g.name for g in self.groups.list()})
        close = difflib.get_close_matches(feature_name(name), names, n=3)
        hint = (
            f"did you mean {', '.join(repr(n) for n in close)}?"
            if close
            else "create it in a notebook with fs.get_or_create_feature_group(...) and "
            "insert a DataFrame"
        )
        return f"no feature group named {clip(name)!r} in this project: {hint}"

    def group_versions(self, name: str) -> FeatureGroupVersions:
        groups = self.groups.list(name)
        if not groups:
            raise UnknownFeatureGroup(self._no_group(name))
        summaries = self.groups.catalog.commit_summaries([g.id for g in groups])
        return FeatureGroupVersions(
            name=groups[0].name,
            versions=[
                FeatureGroupSummary(**_summary(g, summaries.get(g.id), []))
                for g in sorted(groups, key=lambda g: -g.version)
            ],
        )

    def group(self, name: str, version: int) -> FeatureGroupDetail:
        group = self._require(name, version)
        summary = self.groups.catalog.commit_summaries([group.id]).get(group.id)
        views = self.feature_views.reading(group.id)
        return FeatureGroupDetail(
            **_summary(group, summary, []),
            features=_features(group),
            partition_key=group.partition_key,
            location=group.location,
            time_travel_format=group.time_travel_format,
            statistics_config=group.statistics_config,
            versions=sorted(g.version for g in self.groups.list(group.name)),
            feature_views=views,
        )

    def commits(self, name: str, version: int, query: CommitQuery) -> CommitPage:
        """Commits newest first; ``next_token`` continues with older ones."""
        group = self._require(name, version)
        up_to = None
        if query.next_token is not None:
            if not query.next_token.isdigit():
                raise BadFeatureInput(_BAD_TOKEN)
            up_to = int(query.next_token) - 1
        commits = self.groups.commits(group, up_to_ms=up_to, limit=query.limit + 1)
        shown = commits[: query.limit]
        more = len(commits) > len(shown)
        return CommitPage(
            commits=[commit_info(c) for c in shown],
            next_token=str(shown[-1].commit_id) if more else None,
        )

    def statistics(self, name: str, version: int, commit: int | None = None) -> CommitStatistics:
        """The statistics of the newest commit at or before ``commit`` (default: the
        latest) that has them, and their figures."""
        group = self._require(name, version)
        found = self.groups.catalog.commit_statistics(group.id, up_to_ms=commit)
        if found is None:
            where = f"{group.name!r} version {group.version}"
            if not self.groups.commits(group, up_to_ms=commit, limit=1):
                raise NoCommit(self._no_commit(group, commit))
            raise NoStatistics(
                f"feature group {where} has no statistics"
                + ("" if commit is None else f" at or before commit {commit}")
                + ": statistics are off in its statistics_config, or were not computed; "
                "call fg.compute_statistics() in a notebook"
            )
        record, stored = found
        return CommitStatistics(
            commit=commit_info(record),
            statistics=StoredStatistics.model_validate(stored),
            figures=statistics_figures(stored),
        )

    @staticmethod
    def _no_commit(group: FeatureGroupRecord, commit: int | None) -> str:
        return (
            f"feature group {group.name!r} version {group.version} has no commit"
            + ("" if commit is None else f" at or before {commit}")
            + ": insert a DataFrame with fg.insert(df) first"
        )

    def preview(self, name: str, version: int, query: PreviewQuery) -> DataPreview:
        """The first ``query.limit`` rows of the group at its latest commit (or the
        newest at or before ``query.commit``), as JSON-safe values. The table is opened
        as the feature group opens it (``FeatureGroups.table``: a local folder, or
        ``webhdfs://`` with the project's storage options on HDFS)."""
        group = self._require(name, version)
        commits = self.groups.commits(group, up_to_ms=query.commit, limit=1)
        if not commits:
            raise NoCommit(self._no_commit(group, query.commit))
        commit = commits[0]
        names = [f.name for f in group.features]
        dataset = self.groups.table(group).dataset(commit.table_version)
        head = dataset.head(query.limit, columns=names)
        return DataPreview(
            commit=commit_info(commit),
            columns=[PreviewColumn(name=f.name, type=f.type) for f in group.features],
            rows=preview_rows(head),
            limit=query.limit,
            total_rows=dataset.count_rows(),
        )
