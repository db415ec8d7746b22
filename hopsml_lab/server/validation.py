"""REST routes of validation reports (read only): a feature group version's reports
with the commits they checked, a training dataset's, and one report with its rule
results and its Plotly figures."""

from __future__ import annotations

from pydantic import BaseModel

from ..validation.browse import ReportDetail, ReportPage, ReportQuery, ValidationBrowser
from .base import API, Answer, HopsMLHandler, Operation, Route

PREFIX = f"{API}/validation"


class ValidationHandlerBase(HopsMLHandler):
    @property
    def browser(self) -> ValidationBrowser:
        return self.settings["hopsml_validation"]


class GroupReportsHandler(ValidationHandlerBase):
    def get(self, name: str, version: str) -> None:
        query = self.query_model(ReportQuery)
        self.finish_model(self.browser.group_reports(name, int(version), query))


class DatasetReportsHandler(ValidationHandlerBase):
    def get(self, dataset_id: str) -> None:
        query = self.query_model(ReportQuery)
        self.finish_model(self.browser.dataset_reports(int(dataset_id), query))


class ReportHandler(ValidationHandlerBase):
    def get(self, report_id: str) -> None:
        self.finish_model(self.browser.report(int(report_id)))


_BAD_QUERY = Answer("A bad query parameter; the message names it.")
_NUMBER = r"[0-9]{1,12}"


def _get(
    operation_id: str,
    summary: str,
    answers: dict[int, Answer],
    query: type[BaseModel] | None = None,
) -> dict[str, Operation]:
    return {"get": Operation(operation_id, summary, answers, query=query)}


ROUTES = [
    Route(
        f"{PREFIX}/groups/{{name}}/{{version}}/reports",
        GroupReportsHandler,
        _get(
            "listFeatureGroupValidationReports",
            "The validation reports of a feature group version, newest first, each with "
            "the commit it checked (as fg.get_validation_history() lists them).",
            {
                200: Answer("A page of reports.", ReportPage),
                400: _BAD_QUERY,
                404: Answer("No feature group of that name (or version)."),
            },
            ReportQuery,
        ),
        {"version": r"[0-9]{1,9}"},
    ),
    Route(
        f"{PREFIX}/trainingdatasets/{{dataset_id}}/reports",
        DatasetReportsHandler,
        _get(
            "listTrainingDatasetValidationReports",
            "The validation reports of a training dataset (by its id), newest first.",
            {
                200: Answer("A page of reports.", ReportPage),
                400: _BAD_QUERY,
                404: Answer("No training dataset with that id."),
            },
            ReportQuery,
        ),
        {"dataset_id": _NUMBER},
    ),
    Route(
        f"{PREFIX}/reports/{{report_id}}",
        ReportHandler,
        _get(
            "getValidationReport",
            "One validation report: each rule's verdict, failing count, sample of failing "
            "rows and observed value, with the Plotly figures a notebook draws of it.",
            {
                200: Answer("The report.", ReportDetail),
                404: Answer("No validation report with that id in this project."),
            },
        ),
        {"report_id": _NUMBER},
    ),
]
