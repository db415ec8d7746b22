"""hsml's ``PredictorStateCondition``: the condition (``type``, ``status``, ``reason``) of a
predictor's state, with hsml's arguments. Local deployments report no condition
(``deployment.get_state().condition`` is None); this class is for code that makes or reads
one."""

from __future__ import annotations

import json
from typing import Any


class PredictorStateCondition:
    """Condition of a predictor state."""

    def __init__(
        self,
        type: str,
        status: bool | None = None,
        reason: str | None = None,
        **kwargs: Any,
    ) -> None:
        self._type = type
        self._status = status
        self._reason = reason

    def describe(self) -> None:
        """Print a JSON description of the predictor state condition."""
        print(json.dumps(self.to_dict(), indent=4, sort_keys=True))

    def to_dict(self) -> dict[str, Any]:
        return {"condition": {"type": self._type, "status": self._status, "reason": self._reason}}

    @property
    def type(self) -> str:
        """Condition type of the predictor state."""
        return self._type

    @property
    def status(self) -> bool | None:
        """Condition status of the predictor state."""
        return self._status

    @property
    def reason(self) -> str | None:
        """Condition reason of the predictor state."""
        return self._reason

    def __repr__(self) -> str:
        return f"PredictorStateCondition(type: {self.type.capitalize()!r}, status: {self.status!r})"
