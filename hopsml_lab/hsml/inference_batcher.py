"""hsml's ``InferenceBatcher``: request batching of a predictor, with hsml's arguments
and defaults (``enabled`` False by default).

Local deployments answer each request as it comes: a disabled batcher (the default) is
accepted by ``model.deploy(inference_batcher=...)``; an enabled one is refused.
"""

from __future__ import annotations

import json
from typing import Any

from .constants import INFERENCE_BATCHER


class InferenceBatcher:
    """Configuration of an inference batcher for a predictor: ``enabled``,
    ``max_batch_size``, ``max_latency``, ``timeout``."""

    def __init__(
        self,
        enabled: bool | None = None,
        max_batch_size: int | None = None,
        max_latency: int | None = None,
        timeout: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._enabled = enabled if enabled is not None else INFERENCE_BATCHER.ENABLED
        self._max_batch_size = max_batch_size
        self._max_latency = max_latency
        self._timeout = timeout

    def describe(self) -> None:
        """Print a JSON description of the inference batcher."""
        print(self.json())

    def json(self) -> str:
        return json.dumps(self.to_dict(), indent=4, sort_keys=True)

    def to_dict(self) -> dict[str, Any]:
        config: dict[str, Any] = {"batchingEnabled": self._enabled}
        for key, value in (
            ("maxBatchSize", self._max_batch_size),
            ("maxLatency", self._max_latency),
            ("timeout", self._timeout),
        ):
            if value is not None:
                config[key] = value
        return {"batchingConfiguration": config}

    @property
    def enabled(self) -> bool:
        """Whether the inference batcher is enabled or not."""
        return self._enabled

    @enabled.setter
    def enabled(self, enabled: bool) -> None:
        self._enabled = enabled

    @property
    def max_batch_size(self) -> int | None:
        """Maximum requests batch size."""
        return self._max_batch_size

    @max_batch_size.setter
    def max_batch_size(self, max_batch_size: int) -> None:
        self._max_batch_size = max_batch_size

    @property
    def max_latency(self) -> int | None:
        """Maximum latency."""
        return self._max_latency

    @max_latency.setter
    def max_latency(self, max_latency: int) -> None:
        self._max_latency = max_latency

    @property
    def timeout(self) -> int | None:
        """Maximum timeout."""
        return self._timeout

    @timeout.setter
    def timeout(self, timeout: int) -> None:
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"InferenceBatcher(enabled: {self._enabled!r})"


def batching_off(batcher: InferenceBatcher | dict | None) -> bool:
    """Whether ``batcher`` (given to ``deploy``) asks for no batching: an
    ``InferenceBatcher`` or dict with ``enabled`` False or left out. None is not a batcher."""
    if isinstance(batcher, dict):
        batcher = InferenceBatcher(**batcher)
    return isinstance(batcher, InferenceBatcher) and not batcher.enabled
