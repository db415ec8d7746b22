"""The OpenAPI document of the REST API, generated from the pydantic models.

``openapi.json`` beside this file is the committed copy the TypeScript types are
generated from; a test keeps it equal to what this module generates.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from ..catalog import ExperimentDetail, ExperimentPage, ExperimentQuery
from .models import (
    ReproduceRequest,
    ReproduceResult,
    TensorBoardList,
    TensorBoardRecord,
    TensorBoardRequest,
)

DOCUMENT = Path(__file__).with_name("openapi.json")
_REF = "#/components/schemas/{model}"
API_VERSION = "1.0.0"  # of the REST API, not of the package


class ErrorBody(BaseModel):
    message: str = Field(description="What went wrong and what to change.")
    reason: str | None = None


def _json(ref: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def _body(ref: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model=ref)}}},
    }


def _error(description: str) -> dict[str, Any]:
    return _json("ErrorBody", description)


def _query_parameters() -> list[dict[str, Any]]:
    schema = ExperimentQuery.model_json_schema(ref_template=_REF)
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


@cache
def openapi_document() -> dict[str, Any]:
    outputs = (
        ExperimentPage,
        ExperimentDetail,
        ReproduceResult,
        TensorBoardRecord,
        TensorBoardList,
        ErrorBody,
    )
    inputs = (ReproduceRequest, TensorBoardRequest)
    _, schemas = models_json_schema(
        [(m, "serialization") for m in outputs] + [(m, "validation") for m in inputs],
        ref_template=_REF,
    )
    experiment_id = {
        "name": "experiment_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    forbidden = _error("Not authenticated: send the Jupyter token or log in.")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "HopsML Lab",
            "version": API_VERSION,
            "description": "REST API of the HopsML Lab Jupyter server extension. Every "
            "route needs Jupyter's authentication (token or login cookie).",
        },
        "paths": {
            "/hopsml/api/experiments": {
                "get": {
                    "operationId": "listExperiments",
                    "summary": "Experiments of the project, newest first by default.",
                    "parameters": _query_parameters(),
                    "responses": {
                        "200": _json("ExperimentPage", "A page of experiments."),
                        "400": _error("A bad query parameter; the message names it."),
                        "403": forbidden,
                    },
                }
            },
            "/hopsml/api/experiments/{experiment_id}": {
                "get": {
                    "operationId": "getExperiment",
                    "summary": "One experiment with its trials, params and metrics.",
                    "parameters": [experiment_id],
                    "responses": {
                        "200": _json("ExperimentDetail", "The experiment."),
                        "403": forbidden,
                        "404": _error("No experiment with that id."),
                    },
                }
            },
            "/hopsml/api/experiments/{experiment_id}/reproduce": {
                "post": {
                    "operationId": "reproduceTrial",
                    "summary": "Write a new notebook that reruns one trial: the experiment's "
                    "snapshot notebook after a cell assigning the trial's parameters.",
                    "parameters": [experiment_id],
                    "requestBody": _body("ReproduceRequest"),
                    "responses": {
                        "201": _json("ReproduceResult", "The notebook, under reproduce/."),
                        "400": _error("The body is not {'trial': '<trial key>'}."),
                        "403": forbidden,
                        "404": _error("No experiment with that id, or no such trial in it."),
                        "409": _error("The experiment has no snapshot notebook."),
                    },
                }
            },
            "/hopsml/api/tensorboards": {
                "get": {
                    "operationId": "listTensorBoards",
                    "summary": "The TensorBoards this server runs.",
                    "responses": {
                        "200": _json("TensorBoardList", "Running TensorBoards."),
                        "403": forbidden,
                    },
                },
                "post": {
                    "operationId": "startTensorBoard",
                    "summary": "A TensorBoard for a set of experiments, started if none runs "
                    "for that set yet; answers once it serves.",
                    "requestBody": _body("TensorBoardRequest"),
                    "responses": {
                        "200": _json("TensorBoardRecord", "One was running for that set."),
                        "201": _json("TensorBoardRecord", "Started."),
                        "400": _error("The body is not {'experiments': ['<id>', ...]}."),
                        "403": forbidden,
                        "404": _error("No experiment with one of those ids."),
                        "500": _error("TensorBoard did not start; the message says why."),
                    },
                },
            },
            "/hopsml/api/tensorboards/{tensorboard_id}": {
                "delete": {
                    "operationId": "stopTensorBoard",
                    "summary": "Stop one TensorBoard.",
                    "parameters": [
                        {
                            "name": "tensorboard_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "204": {"description": "Stopped."},
                        "403": forbidden,
                        "404": _error("No TensorBoard with that id."),
                    },
                }
            },
        },
        "components": {"schemas": schemas["$defs"]},
    }


def write_document(path: Path = DOCUMENT) -> None:
    path.write_text(render_document())


def render_document() -> str:
    return json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    write_document()
