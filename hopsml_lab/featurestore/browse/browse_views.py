"""Feature views and training datasets as the sidebar browses them: the groups each
view's query reads, its labels, and the training datasets made from it with their
lineage (which group commits they read). Read only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...catalog.featureviews import FeatureViewCatalog, FeatureViewRecord, TrainingDatasetRecord
from ...errors import NotFound, clip
from ..errors import FeatureStoreException
from ..featuregroups.spec import feature_name
from .answers import (
    FeatureViewDetail,
    FeatureViewList,
    FeatureViewSummary,
    GroupRef,
    SplitInfo,
    TrainingDatasetInfo,
    TrainingDatasetList,
    TrainingDatasetQuery,
    ViewRef,
)

if TYPE_CHECKING:
    from ...lab import Lab


class UnknownFeatureView(FeatureStoreException, NotFound):
    """No feature view with that name and version."""


def _group_refs(view: FeatureViewRecord) -> list[GroupRef]:
    seen: dict[tuple[Any, ...], GroupRef] = {}
    for f in view.features:
        if f.feature_group_name is None or f.feature_group_version is None:
            continue
        key = (f.feature_group_id, f.feature_group_name, f.feature_group_version)
        seen.setdefault(
            key,
            GroupRef(
                id=f.feature_group_id, name=f.feature_group_name, version=f.feature_group_version
            ),
        )
    return list(seen.values())


class FeatureViewBrowser:
    """Read-only answers about the project's feature views and training datasets."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab

    @property
    def catalog(self) -> FeatureViewCatalog:
        return self.lab.feature_views

    @property
    def project_id(self) -> int:
        return self.lab.project_id

    def reading(self, group_id: int) -> list[ViewRef]:
        """The feature views whose query reads the feature group ``group_id``."""
        return [
            ViewRef(id=v.id, name=v.name, version=v.version)
            for v in self.catalog.list_views(self.project_id)
            if any(ref.id == group_id for ref in _group_refs(v))
        ]

    def _view_summary(self, view: FeatureViewRecord, datasets: int) -> dict[str, Any]:
        return {
            "id": view.id,
            "name": view.name,
            "version": view.version,
            "description": view.description,
            "labels": view.labels,
            "features": [f.name for f in view.features],
            "groups": _group_refs(view),
            "training_dataset_count": datasets,
            "created_at": view.created_at,
        }

    def list_views(self, q: str | None = None) -> FeatureViewList:
        text = (q or "").strip().casefold()
        datasets = self.catalog.list_training_datasets(self.project_id)
        counts: dict[int | None, int] = {}
        for d in datasets:
            counts[d.feature_view_id] = counts.get(d.feature_view_id, 0) + 1
        views = [
            v
            for v in self.catalog.list_views(self.project_id)
            if not text
            or text in v.name.casefold()
            or text in v.description.casefold()
            or any(text in label.casefold() for label in v.labels)
        ]
        return FeatureViewList(
            views=[FeatureViewSummary(**self._view_summary(v, counts.get(v.id, 0))) for v in views]
        )

    def view(self, name: str, version: int) -> FeatureViewDetail:
        view = self.catalog.get_view(self.project_id, feature_name(name), version)
        if view is None:
            versions = [v.version for v in self.catalog.list_views(self.project_id, name)]
            hint = (
                f"its versions are {versions}"
                if versions
                else "create it in a notebook with fs.get_or_create_feature_view(...)"
            )
            raise UnknownFeatureView(
                f"no feature view {clip(name)!r} version {version} in this project: {hint}"
            )
        datasets = self.catalog.list_training_datasets(self.project_id, feature_view_id=view.id)
        return FeatureViewDetail(
            **self._view_summary(view, len(datasets)),
            training_datasets=[self._dataset(d, {view.id: view}) for d in datasets],
        )

    @staticmethod
    def _dataset(
        dataset: TrainingDatasetRecord, views: dict[int, FeatureViewRecord]
    ) -> TrainingDatasetInfo:
        view = views.get(dataset.feature_view_id) if dataset.feature_view_id else None
        return TrainingDatasetInfo(
            id=dataset.id,
            name=dataset.name,
            version=dataset.version,
            description=dataset.description,
            feature_view=None
            if view is None
            else ViewRef(id=view.id, name=view.name, version=view.version),
            data_format=dataset.data_format,
            location=dataset.location,
            materialized=dataset.materialized,
            splits=[SplitInfo(**s.model_dump()) for s in dataset.splits],
            label=dataset.label,
            lineage=[
                GroupRef(
                    id=e.feature_group_id, name=e.name, version=e.version, commitId=e.commit_id
                )
                for e in dataset.lineage
            ],
            created_at=dataset.created_at,
        )

    def training_datasets(self, query: TrainingDatasetQuery) -> TrainingDatasetList:
        """Training datasets, newest first, of one view's name or made from one group's
        name when asked."""
        views = {v.id: v for v in self.catalog.list_views(self.project_id)}
        datasets = self.catalog.list_training_datasets(self.project_id)
        wanted_view = None if query.feature_view is None else feature_name(query.feature_view)
        wanted_group = None if query.feature_group is None else feature_name(query.feature_group)
        shown = [
            d
            for d in datasets
            if (
                wanted_view is None
                or (d.feature_view_id in views and views[d.feature_view_id].name == wanted_view)
            )
            and (wanted_group is None or any(e.name == wanted_group for e in d.lineage))
        ]
        shown.sort(key=lambda d: -d.created_at)
        return TrainingDatasetList(training_datasets=[self._dataset(d, views) for d in shown])
