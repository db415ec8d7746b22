"""Sending an inference request to a deployment's model server, as a TF Serving or V2
client would: JSON in, JSON out, the server's ``{"error": ...}`` raised with its text."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from ..catalog.deployments import DeploymentRecord
from ..errors import BadInput, Failed
from .service import base_url


class InferenceError(Failed):
    """The model server could not answer; the message carries its error."""


class BadInferenceRequest(BadInput):
    """The model server refused the request (HTTP 4xx); the message carries its error."""


def predict_url(record: DeploymentRecord, verb: str = ":predict") -> str:
    return f"{base_url(record)}/v1/models/{record.name}{verb}"


def post_json(url: str, body: Any, timeout: float = 60.0) -> Any:
    """POST ``body`` as JSON to ``url``; the answer's JSON, or an error with its message."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        try:
            message = json.loads(text).get("error", text)
        except (ValueError, AttributeError):
            message = text
        kind = BadInferenceRequest if 400 <= error.code < 500 else InferenceError
        raise kind(f"the model server answered {error.code}: {message}") from None
    except OSError as error:
        raise InferenceError(f"the model server at {url} did not answer: {error}") from None
