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
