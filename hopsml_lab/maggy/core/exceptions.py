"""maggy's exceptions. ``EarlyStopException`` is the one HopsML Lab's reporter raises in a
trial the search stopped early; the others keep maggy's names and messages."""

from __future__ import annotations

from typing import Any

from ...engine.reporter import EarlyStopException


class NotSupportedError(Exception):
    """Something maggy does not (yet) support, e.g. a dataset type."""

    def __init__(self, category: Any, value: Any, suggestion: str = "") -> None:
        self.message = f"({category}: {value}) is not supported by Maggy.{suggestion}"
        super().__init__(self.message)


class ReturnTypeError(TypeError):
    """The training function returned a value of the wrong type."""

    def __init__(self, optimization_key: str, return_type: Any) -> None:
        self.message = (
            f"Training function cannot return value of type: {type(return_type).__name__}. "
            "Return single numeric value or 'dict' containing optimization key "
            f"`{optimization_key}` with numeric value"
        )
        super().__init__(self.message)


class MetricTypeError(TypeError):
    """The training function returned a metric that is not a number."""

    def __init__(self, optimization_key: str, return_type: Any) -> None:
        self.message = (
            f"The optimization metric `{optimization_key}` returned by the training function "
            f"is of type: {type(return_type).__name__}. The optimization metric can only be "
            "numeric"
        )
        super().__init__(self.message)


class BroadcastMetricTypeError(TypeError):
    """The training function broadcast a metric that is not a number."""

    def __init__(self, return_type: Any) -> None:
        self.message = (
            "The optimization metric broadcast by the training function with the reporter "
            f"is of type: {type(return_type).__name__}. The optimization metric can only be "
            "numeric"
        )
        super().__init__(self.message)


class BroadcastStepTypeError(TypeError):
    """The training function broadcast a metric with a step that is not a number."""

    def __init__(self, value: Any, step: Any) -> None:
        self.message = (
            f"The optimization metric `{value}` was broadcast by the training function in "
            f"step {step}, which is of type {type(value).__name__}. The step value can only "
            "be numeric."
        )
        super().__init__(self.message)


class BroadcastStepValueError(ValueError):
    """The training function broadcast steps that do not increase."""

    def __init__(self, value: Any, step: Any, prev_step: Any) -> None:
        self.message = (
            f"The optimization metric `{value}` was broadcast by the training function in "
            f"step {step}, while the previous step was {prev_step}. The steps should be a "
            "monotonically increasing attribute."
        )
        super().__init__(self.message)


class BadArgumentsError(Exception):
    """A function or method was called with incompatible arguments."""

    def __init__(self, callable: Any, suggestion: str = "") -> None:
        self.message = f"{callable} was called using incompatible arguments. {suggestion}"
        super().__init__(self.message)


__all__ = [
    "BadArgumentsError",
    "BroadcastMetricTypeError",
    "BroadcastStepTypeError",
    "BroadcastStepValueError",
    "EarlyStopException",
    "MetricTypeError",
    "NotSupportedError",
    "ReturnTypeError",
]
