"""hsml's warnings and its metric check (``hsml.util.VersionWarning``...)."""

from __future__ import annotations

from typing import Any

from ..featurestore.errors import VersionWarning
from ..registry import ProvenanceWarning, checked_metrics, input_example_json


def _validate_metrics(metrics: Any) -> None:
    """Metrics are a dict of names to numbers (``"0.9"`` is taken, as hsml does)."""
    checked_metrics(metrics, numbers_in_text=True)


def _input_example_to_json(input_example: Any) -> Any:
    return input_example_json(input_example)


__all__ = ["ProvenanceWarning", "VersionWarning"]
