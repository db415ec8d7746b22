"""REST routes of the feature store (read only): search feature groups and features, a
group's versions, detail (schema), commits, statistics with their figures and first
rows; feature views and training datasets with their lineage."""

from __future__ import annotations

from pydantic import BaseModel

from ..featurestore.browse.answers import (
    CommitPage,
    CommitQuery,
    CommitStatistics,
    DataPreview,
    FeatureGroupDetail,
    FeatureGroupPage,
    FeatureGroupVersions,
    FeatureViewDetail,
    FeatureViewList,
    GroupSearch,
    PreviewQuery,
    StatisticsQuery,
    TrainingDatasetList,
    TrainingDatasetQuery,
    ViewSearch,
)
from ..featurestore.browse.browse import FeatureStoreBrowser
from .base import API, Answer, HopsMLHandler, Operation, Route

PREFIX = f"{API}/featurestore"


class FeatureStoreHandlerBase(HopsMLHandler):
    @property
    def browser(self) -> FeatureStoreBrowser:
        return self.settings["hopsml_featurestore"]


class GroupsHandler(FeatureStoreHandlerBase):
    def get(self) -> None:
        self.finish_model(self.browser.search_groups(self.query_model(GroupSearch)))


class GroupVersionsHandler(FeatureStoreHandlerBase):
    def get(self, name: str) -> None:
        self.finish_model(self.browser.group_versions(name))


class GroupHandler(FeatureStoreHandlerBase):
    def get(self, name: str, version: str) -> None:
        self.finish_model(self.browser.group(name, int(version)))


class CommitsHandler(FeatureStoreHandlerBase):
    def get(self, name: str, version: str) -> None:
        query = self.query_model(CommitQuery)
        self.finish_model(self.browser.commits(name, int(version), query))


class StatisticsHandler(FeatureStoreHandlerBase):
    def get(self, name: str, version: str) -> None:
        query = self.query_model(StatisticsQuery)
        self.finish_model(self.browser.statistics(name, int(version), query.commit))


class PreviewHandler(FeatureStoreHandlerBase):
    def get(self, name: str, version: str) -> None:
        query = self.query_model(PreviewQuery)
        self.finish_model(self.browser.preview(name, int(version), query))


class ViewsHandler(FeatureStoreHandlerBase):
    def get(self) -> None:
        self.finish_model(self.browser.feature_views.list_views(self.query_model(ViewSearch).q))


class ViewHandler(FeatureStoreHandlerBase):
    def get(self, name: str, version: str) -> None:
        self.finish_model(self.browser.feature_views.view(name, int(version)))


class TrainingDatasetsHandler(FeatureStoreHandlerBase):
    def get(self) -> None:
        query = self.query_model(TrainingDatasetQuery)
        self.finish_model(self.browser.feature_views.training_datasets(query))


_BAD_QUERY = Answer("A bad query parameter; the message names it.")
_NO_GROUP = Answer("No feature group of that name (or version); the message says which exist.")
_VERSION = {"version": r"[0-9]{1,9}"}


def _get(
    operation_id: str,
    summary: str,
    answers: dict[int, Answer],
    query: type[BaseModel] | None = None,
) -> dict[str, Operation]:
    return {"get": Operation(operation_id, summary, answers, query=query)}


ROUTES = [
    Route(
        f"{PREFIX}/groups",
        GroupsHandler,
        _get(
            "listFeatureGroups",
            "Feature group versions by name (newest version first), those whose name or "
            "description or a feature's name or description contains q, a page at a time.",
            {200: Answer("A page of group versions.", FeatureGroupPage), 400: _BAD_QUERY},
            GroupSearch,
        ),
    ),
    Route(
        f"{PREFIX}/groups/{{name}}",
        GroupVersionsHandler,
        _get(
            "listFeatureGroupVersions",
            "Every version of one feature group, newest first.",
            {200: Answer("The versions.", FeatureGroupVersions), 404: _NO_GROUP},
        ),
    ),
    Route(
        f"{PREFIX}/groups/{{name}}/{{version}}",
        GroupHandler,
        _get(
            "getFeatureGroup",
            "One feature group version: its schema with descriptions, keys, last commit, "
            "other versions and the feature views that read it.",
            {200: Answer("The group version.", FeatureGroupDetail), 404: _NO_GROUP},
        ),
        _VERSION,
    ),
    Route(
        f"{PREFIX}/groups/{{name}}/{{version}}/commits",
        CommitsHandler,
        _get(
            "listFeatureGroupCommits",
            "The group version's commits, newest first, as fg.commit_details() gives them.",
            {200: Answer("A page of commits.", CommitPage), 400: _BAD_QUERY, 404: _NO_GROUP},
            CommitQuery,
        ),
        _VERSION,
    ),
    Route(
        f"{PREFIX}/groups/{{name}}/{{version}}/statistics",
        StatisticsHandler,
        _get(
            "getFeatureGroupStatistics",
            "The statistics of the latest commit that has them (or of the newest at or "
            "before `commit`), as fg.statistics reads them, with one Plotly figure per "
            "feature: a histogram for numbers, the top values for strings and booleans.",
            {
                200: Answer("The statistics and their figures.", CommitStatistics),
                400: _BAD_QUERY,
                404: Answer("No such group, no commit yet, or no statistics: the message says."),
            },
            StatisticsQuery,
        ),
        _VERSION,
    ),
    Route(
        f"{PREFIX}/groups/{{name}}/{{version}}/preview",
        PreviewHandler,
        _get(
            "previewFeatureGroup",
            "The first rows of the group at its latest commit (or at `commit`), at most "
            "100, as JSON-safe values.",
            {
                200: Answer("The rows.", DataPreview),
                400: _BAD_QUERY,
                404: Answer("No such group, or no commit yet: the message says."),
            },
            PreviewQuery,
        ),
        _VERSION,
    ),
    Route(
        f"{PREFIX}/views",
        ViewsHandler,
        _get(
            "listFeatureViews",
            "Feature views by name and version, with the groups their query reads and "
            "their labels.",
            {200: Answer("The feature views.", FeatureViewList), 400: _BAD_QUERY},
            ViewSearch,
        ),
    ),
    Route(
        f"{PREFIX}/views/{{name}}/{{version}}",
        ViewHandler,
        _get(
            "getFeatureView",
            "One feature view with its training datasets and their lineage.",
            {
                200: Answer("The feature view.", FeatureViewDetail),
                404: Answer("No feature view of that name and version."),
            },
        ),
        _VERSION,
    ),
    Route(
        f"{PREFIX}/trainingdatasets",
        TrainingDatasetsHandler,
        _get(
            "listTrainingDatasets",
            "Training datasets, newest first, each with the feature group commits it was "
            "made from.",
            {200: Answer("The training datasets.", TrainingDatasetList), 400: _BAD_QUERY},
            TrainingDatasetQuery,
        ),
    ),
]
