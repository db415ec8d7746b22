"""The OpenAPI document of the REST API, built from the routes the domains register and
their pydantic models (no path is written by hand).

``openapi.json`` beside this file is the committed copy that ``src/openapi.ts`` is
generated from (``npm run build:types``); tests keep both equal to what is generated.
Regenerate with ``python -m hopsml_lab.server.openapi && npm run build:types``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from .base import API, Answer, HopsMLHandler, Operation, Route

DOCUMENT = Path(__file__).with_name("openapi.json")
_REF = "#/components/schemas/{model}"
API_VERSION = "1.0.0"  # of the REST API, not of the package
_FORBIDDEN = Answer("Not authenticated: send the Jupyter token or log in.")


class ErrorBody(BaseModel):
    message: str = Field(description="What went wrong and what to change.")
    reason: str | None = None


def _content(model: type[BaseModel]) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}}


def _response(answer: Answer, code: int) -> dict[str, Any]:
    model = answer.model or (ErrorBody if code >= 400 else None)
    if model is None:
        return {"description": answer.description}
    return {"description": answer.description, "content": _content(model)}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=_REF)
    defs = schema.get("$defs", {})
    parameters = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        if "anyOf" in prop:  # Optional[...]: document the non-null alternative
            options = [o for o in prop.pop("anyOf") if o.get("type") != "null"]
            prop.update(options[0])
        if "$ref" in prop:
            prop = {k: v for k, v in defs[prop["$ref"].rsplit("/", 1)[1]].items() if k != "title"}
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": False, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _operation(route: Route, operation: Operation) -> dict[str, Any]:
    document: dict[str, Any] = {"operationId": operation.operation_id}
    document["summary"] = operation.summary
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.path_parameters
    ]
    if operation.query is not None:
        parameters += _query_parameters(operation.query)
    if parameters:
        document["parameters"] = parameters
    if operation.body is not None:
        document["requestBody"] = {"required": True, "content": _content(operation.body)}
    answers = {**operation.responses, 403: _FORBIDDEN}
    document["responses"] = {str(code): _response(answers[code], code) for code in sorted(answers)}
    return document


def openapi_document(routes: Sequence[Route]) -> dict[str, Any]:
    documented = [route for route in routes if route.operations]
    operations = [op for route in documented for op in route.operations.values()]
    outputs = {a.model for op in operations for a in op.responses.values() if a.model}
    inputs = {op.body for op in operations if op.body is not None}
    _, schemas = models_json_schema(
        [(m, "serialization") for m in sorted(outputs | {ErrorBody}, key=lambda m: m.__name__)]
        + [(m, "validation") for m in sorted(inputs, key=lambda m: m.__name__)],
        ref_template=_REF,
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "HopsML Lab",
            "version": API_VERSION,
            "description": "REST API of the HopsML Lab Jupyter server extension. Every "
            "route needs Jupyter's authentication (token or login cookie).",
        },
        "paths": {
            route.path: {verb: _operation(route, op) for verb, op in route.operations.items()}
            for route in documented
        },
        "components": {"schemas": schemas["$defs"]},
    }


def render_document(routes: Sequence[Route]) -> str:
    return json.dumps(openapi_document(routes), indent=2, sort_keys=True) + "\n"


class OpenAPIHandler(HopsMLHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(render_document(self.settings["hopsml_routes"]))


ROUTES = [Route(f"{API}/openapi.json", OpenAPIHandler)]


if __name__ == "__main__":
    from .routes import all_routes

    DOCUMENT.write_text(render_document(all_routes()))
