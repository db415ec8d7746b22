"""hsml's ``ModelSchema``: the input and output schema of a model, saved as
``model_schema.json`` in the version folder.

>>> ModelSchema(input_schema=Schema(X_train), output_schema=Schema(y_train))  # doctest: +SKIP
ModelSchema(input: 'columnar', output: 'columnar')
"""

from __future__ import annotations

import json
from typing import Any

from .schema import Schema, _as_json


class ModelSchema:
    """Create a schema for a model from an input and an output ``Schema``."""

    def __init__(
        self,
        input_schema: Schema | None = None,
        output_schema: Schema | None = None,
        **kwargs: Any,
    ) -> None:
        if input_schema is not None:
            self.input_schema = input_schema
        if output_schema is not None:
            self.output_schema = output_schema

    def json(self) -> str:
        return json.dumps(self, default=_as_json, sort_keys=True, indent=2)

    def to_dict(self) -> dict[str, Any]:
        """Get dict representation of the ModelSchema."""
        return json.loads(self.json())

    def __repr__(self) -> str:
        kinds = [
            getattr(self, side)._get_type() if hasattr(self, side) else None
            for side in ("input_schema", "output_schema")
        ]
        return f"ModelSchema(input: {kinds[0]!r}, output: {kinds[1]!r})"
