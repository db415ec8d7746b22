"""The service the REST handlers call, bound to one project."""

from __future__ import annotations

from nbformat import NotebookNode

from ..catalog import ExperimentDetail, ExperimentPage, ExperimentQueries, ExperimentQuery
from ..lab import Lab
from .reproduce import file_name, find_trial, read_snapshot, reproduction_notebook


class ExperimentService:
    """Experiments of the server's project. Swap by ``HopsMLExtension.service_class``."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.project = lab.settings.project_name
        self.queries: ExperimentQueries = lab.queries

    def list_experiments(self, query: ExperimentQuery) -> ExperimentPage:
        return self.queries.list_experiments(self.project, query)

    def get_experiment(self, experiment_id: str) -> ExperimentDetail:
        return self.queries.get_experiment(experiment_id)

    def reproduction(self, experiment_id: str, trial_key: str) -> tuple[str, NotebookNode]:
        """A file name and the notebook that reruns one trial from the snapshot."""
        experiment = self.get_experiment(experiment_id)
        trial = find_trial(experiment, trial_key)
        snapshot = read_snapshot(self.lab.store, experiment)
        return file_name(experiment, trial), reproduction_notebook(experiment, trial, snapshot)

    def last_change(self) -> tuple[float, int]:
        return self.queries.last_change(self.project)
