"""The service the REST handlers call, bound to one project."""

from __future__ import annotations

from ..catalog import ExperimentDetail, ExperimentPage, ExperimentQueries, ExperimentQuery
from ..lab import Lab


class ExperimentService:
    """Experiments of the server's project. Swap by ``HopsMLExtension.service_class``."""

    def __init__(self, lab: Lab) -> None:
        self.project = lab.settings.project_name
        self.queries: ExperimentQueries = lab.queries

    def list_experiments(self, query: ExperimentQuery) -> ExperimentPage:
        return self.queries.list_experiments(self.project, query)

    def get_experiment(self, experiment_id: str) -> ExperimentDetail:
        return self.queries.get_experiment(experiment_id)

    def last_change(self) -> tuple[float, int]:
        return self.queries.last_change(self.project)
