"""REST routes of the model registry (read only): models with their latest version and
best metric, and one model's versions with metrics, params and lineage."""

from __future__ import annotations

from ..registry.browse import ModelDetail, ModelList, ModelQuery, RegistryBrowser
from .base import API, Answer, HopsMLHandler, Operation, Route

PREFIX = f"{API}/registry"


class RegistryHandlerBase(HopsMLHandler):
    @property
    def browser(self) -> RegistryBrowser:
        return self.settings["hopsml_registry"]


class ModelsHandler(RegistryHandlerBase):
    def get(self) -> None:
        self.finish_model(self.browser.models())


class ModelHandler(RegistryHandlerBase):
    def get(self, name: str) -> None:
        self.finish_model(self.browser.model(name, self.query_model(ModelQuery)))


ROUTES = [
    Route(
        f"{PREFIX}/models",
        ModelsHandler,
        {
            "get": Operation(
                "listModels",
                "The registry's models by name, each with its latest version and the best "
                "value of its first metric over its versions.",
                {200: Answer("The models.", ModelList)},
            )
        },
    ),
    Route(
        f"{PREFIX}/models/{{name}}",
        ModelHandler,
        {
            "get": Operation(
                "getModel",
                "One model's versions, newest first, each with its metrics, the params of "
                "the trial that saved it and its lineage (experiment trial, feature view, "
                "training dataset); the best version by `metric` and the deployments "
                "serving it.",
                {
                    200: Answer("The model.", ModelDetail),
                    400: Answer("A bad query parameter; the message names it."),
                    404: Answer("No model of that name; the message says which exist."),
                },
                query=ModelQuery,
            )
        },
    ),
]
