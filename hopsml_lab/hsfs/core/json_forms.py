"""What hsfs' validation objects share for their JSON: ``decamelize`` (humps'
``decamelize``: keys of nested dicts too, ``expectationId`` -> ``expectation_id``) and
``Encoder`` (hsfs' ``util.Encoder``: objects through their ``to_dict()``)."""

from __future__ import annotations

import json
import re
from typing import Any

_UPPER = re.compile(r"(?<=[a-z0-9])([A-Z])")


def decamelize(value: Any) -> Any:
    """Dict keys from camelCase to snake_case, at every depth (as ``humps``)."""
    if isinstance(value, dict):
        return {
            (_UPPER.sub(r"_\1", k).lower() if isinstance(k, str) else k): decamelize(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [decamelize(v) for v in value]
    return value


class Encoder(json.JSONEncoder):
    """JSON of hsfs objects: each through its ``to_dict()``."""

    def default(self, o: Any) -> Any:
        try:
            return o.to_dict()
        except AttributeError:
            return super().default(o)


class JsonForm:
    """hsfs' ``from_response_json`` (one object, or a list under ``count``/``items``,
    camelCase keys accepted) and ``json()`` for the validation objects."""

    @classmethod
    def from_response_json(cls, json_dict: dict[str, Any]) -> Any:
        decamelized = decamelize(json_dict)
        if "count" in decamelized:
            return [cls(**item) for item in decamelized.get("items") or []]
        return cls(**decamelized)

    def json(self) -> str:
        return json.dumps(self, cls=Encoder)
